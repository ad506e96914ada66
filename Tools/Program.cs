using MLNet.Cnn.Tool;

// mlnet-cnn: train, evaluate, predict, export and summarize CNN image classifiers from the command line (docs/cli.md).
return Cli.Run(args, Console.Out, Console.Error);
