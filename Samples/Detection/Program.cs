using MLNet.Cnn.Samples.Detection;

// dotnet run -c Release --project Samples/Detection [-- --minutes 10 --out DIR] (see SceneSampleOptions.Usage)
return DetectionSample.RunCommandLine(args, Console.Out, Console.Error);
