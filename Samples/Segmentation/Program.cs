using MLNet.Cnn.Samples;
using MLNet.Cnn.Samples.Segmentation;

// dotnet run -c Release --project Samples/Segmentation [-- --minutes 10 --out DIR] (see SceneSampleOptions.Usage)
return SceneSampleOptions.RunCommandLine(args, SegmentationSample.DefaultOutput, options =>
{
    var result = SegmentationSample.Run(options, new SegmentationRecipe(), Console.Out);
    Console.WriteLine($"RESULT mIoU={result.Metrics.MeanIoU:F4} pixelAccuracy={result.Metrics.PixelAccuracy:F4} seconds={result.Seconds:F0}");
    return 0;
}, Console.Out, Console.Error);
