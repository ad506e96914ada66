using MLNet.Cnn.Samples.FashionMnist;

// dotnet run -c Release --project Samples/FashionMnist [-- --data DIR --epochs N --out DIR]
if (args is ["--help" or "-h"])
{
    Console.WriteLine(SampleOptions.Usage);
    return 0;
}
if (!SampleOptions.TryParse(args, out var options, out string? error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SampleOptions.Usage);
    return 2;
}
if (!MLNet.Cnn.Data.FashionMnist.IsAvailable(options.DataDirectory))
{
    Console.Error.WriteLine($"Fashion-MNIST not found in '{options.DataDirectory ?? MLNet.Cnn.Data.FashionMnist.DebianDirectory}'. " +
        "Install it with `sudo apt-get install -y dataset-fashion-mnist`, or pass --data DIR.");
    return 3;
}
var result = FashionMnistSample.Run(options, Console.Out);
Console.WriteLine($"RESULT accuracy={result.MicroAccuracy:F4} seconds={result.Seconds:F0}");
return 0;
