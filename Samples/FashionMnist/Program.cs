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
    Console.Error.WriteLine(MLNet.Cnn.Data.FashionMnist.NotFoundMessage(options.DataDirectory));
    return 3;
}
var result = FashionMnistSample.Run(options, Console.Out);
Console.WriteLine($"RESULT accuracy={result.MicroAccuracy:F4} seconds={result.Seconds:F0}");
return 0;
