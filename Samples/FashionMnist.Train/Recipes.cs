using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples.FashionMnistTrain;

/// <summary>A network with the training settings that suit it.</summary>
internal sealed record Recipe(Layer Network, TrainerOptions Options, string Description);

internal static class Recipes
{
    public static Recipe For(string model, SampleOptions sample)
    {
        TimeSpan? limit = sample.Minutes is { } m ? TimeSpan.FromMinutes(m) : null;
        switch (model)
        {
            case "lenet5":
            {
                var network = LeNet5.Build();
                Initializer.Initialize(network, sample.Seed);
                int epochs = sample.Epochs ?? 3;
                return new Recipe(network, new TrainerOptions
                {
                    Epochs = epochs, BatchSize = 32, Seed = sample.Seed, TimeLimit = limit, Progress = new ConsoleProgress(),
                    Optimizer = ps => new AdamW(ps, learningRate: 2e-3f) { WeightDecay = 1e-4f },
                    Schedule = steps => new OneCycle(2e-3f, epochs * steps),
                }, $"AdamW, one-cycle to 2e-3, batch 32, {epochs} epochs");
            }
            case "resnet-small":
            {
                var network = ResNetSmall.Build(widths: [16, 32, 64], blocksPerStage: 1);
                Initializer.Initialize(network, sample.Seed, WeightInit.HeNormalFanOut);
                int epochs = sample.Epochs ?? 10;
                return new Recipe(network, new TrainerOptions
                {
                    Epochs = epochs, BatchSize = 64, Seed = sample.Seed, TimeLimit = limit, Progress = new ConsoleProgress(),
                    Optimizer = ps => new AdamW(ps, learningRate: 3e-3f) { WeightDecay = 0.05f },
                    Schedule = steps => new OneCycle(3e-3f, epochs * steps),
                    Loss = new SoftmaxCrossEntropy(labelSmoothing: 0.1f),
                }, $"AdamW (decay 0.05), one-cycle to 3e-3, label smoothing 0.1, batch 64, {epochs} epochs");
            }
            default:
                throw new ArgumentException($"Unknown model '{model}'; choose lenet5 or resnet-small.", nameof(model));
        }
    }

    /// <summary>Prints progress on the training thread, so lines come out in order.</summary>
    private sealed class ConsoleProgress : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => Console.WriteLine(value);
    }
}
