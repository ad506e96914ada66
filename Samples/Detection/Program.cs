using MLNet.Cnn.Samples;
using MLNet.Cnn.Samples.Detection;

// dotnet run -c Release --project Samples/Detection [-- --minutes 10 --out DIR] (see SceneSampleOptions.Usage)
return SceneSampleOptions.RunCommandLine(args, DetectionSample.DefaultOutput, options =>
{
    var result = DetectionSample.Run(options, new DetectionRecipe(), Console.Out);
    Console.WriteLine($"RESULT mAP={result.Coco.AveragePrecision:F4} mAP50={result.Voc.MeanAveragePrecision:F4} seconds={result.Seconds:F0}");
    return 0;
}, Console.Out, Console.Error);
