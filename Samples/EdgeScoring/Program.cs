using MLNet.Cnn.Samples.EdgeScoring;

// EdgeScoring <model.onnx> <image file | folder | -> [--top K] [--threads N] [--resize] [--benchmark R] [--json]
// (see Arguments.Usage and docs/deployment.md)
return EdgeScoringApp.Run(args, Console.OpenStandardInput(), Console.Out, Console.Error);
