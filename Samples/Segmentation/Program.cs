using MLNet.Cnn.Samples.Segmentation;

// dotnet run -c Release --project Samples/Segmentation [-- --minutes 10 --out DIR] (see SceneSampleOptions.Usage)
return SegmentationSample.RunCommandLine(args, Console.Out, Console.Error);
