using MLNet.Cnn.Data;
using MLNet.Cnn.Samples.ModelCompression;

// dotnet run -c Release --project Samples/ModelCompression -- --model fashion-mnist-output/fashion-mnist-cnn.cnn [--sparsity 0.8]
if (args is ["--help" or "-h"])
{
    Console.WriteLine(CompressionOptions.Usage);
    return 0;
}
if (!CompressionOptions.TryParse(args, out var options, out string? error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(CompressionOptions.Usage);
    return 2;
}
if (!FashionMnist.IsAvailable(options.DataDirectory))
{
    Console.Error.WriteLine(FashionMnist.NotFoundMessage(options.DataDirectory));
    return 3;
}
if (!File.Exists(options.ModelPath))
{
    Console.Error.WriteLine($"Model file '{options.ModelPath}' was not found; train one with Samples/FashionMnist (it writes fashion-mnist-output/fashion-mnist-cnn.cnn).");
    return 3;
}
CompressionRun.Run(options, Console.Out);
return 0;
