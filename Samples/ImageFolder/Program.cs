using MLNet.Cnn.Data;
using MLNet.Cnn.Samples.ImageFolder;

// dotnet run -c Release --project Samples/ImageFolder -- [--images DIR] [--size 28] [--channels 3] [--epochs 15]
if (!SampleOptions.TryParse(args, out var options, out string? error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SampleOptions.Usage);
    return 2;
}
string folder = options.Images ?? "fashion-folder";
if (options.Images is null && !Directory.Exists(folder))
{
    if (!FashionMnist.IsAvailable())
    {
        Console.Error.WriteLine("Pass --images DIR, or install Fashion-MNIST (apt-get install -y dataset-fashion-mnist) for the demo folder.");
        return 3;
    }
    FashionFolder.Write(folder, perClass: 100);
    Console.WriteLine($"wrote 100 Fashion-MNIST test images per class to ./{folder}");
}
var result = ImageFolderSample.Run(folder, options, Console.Out);
Console.WriteLine($"RESULT accuracy={result.MicroAccuracy:F4} macro_accuracy={result.MacroAccuracy:F4} test_images={result.TestImages}");
return 0;
