using MLNet.Cnn.Samples.ImageFolder;

// dotnet run -c Release --project Samples/ImageFolder -- [--images DIR] [--size 64] [--channels 3] [--epochs 20]
if (!SampleOptions.TryParse(args, out var options, out string? error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SampleOptions.Usage);
    return 2;
}
string folder = options.Images ?? "shapes-folder";
if (options.Images is null && !Directory.Exists(folder))
{
    ShapesFolder.Write(folder, perShape: 300);
    Console.WriteLine($"wrote a synthetic demo folder to ./{folder}: 300 color {ShapesFolder.Side}×{ShapesFolder.Side} images of each shape ({ShapesFolder.Names}); the label is the shape, not the color");
}
var result = ImageFolderSample.Run(folder, options, Console.Out);
Console.WriteLine($"RESULT accuracy={result.MicroAccuracy:F4} macro_accuracy={result.MacroAccuracy:F4} test_images={result.TestImages}");
return 0;
