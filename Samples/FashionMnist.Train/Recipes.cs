using MLNet.Cnn.Augment;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples.FashionMnistTrain;

/// <summary>A network with the training settings that suit it.</summary>
internal sealed record Recipe(Layer Network, TrainerOptions Options, string Description);

internal static class Recipes
{
    public static Recipe For(string model, SampleOptions sample, TrainingProgressBar progress) => model switch
    {
        "small-vgg" => Train(SmallVgg.Build(seed: sample.Seed), WeightInit.HeUniform, sample, progress,
            new Settings(Epochs: 10, BatchSize: 64, MaxLearningRate: 3e-3f, WeightDecay: 0.05f, LabelSmoothing: 0.1f)),
        "lenet5" => Train(LeNet5.Build(), WeightInit.HeUniform, sample, progress,
            new Settings(Epochs: 3, BatchSize: 32, MaxLearningRate: 2e-3f, WeightDecay: 1e-4f, LabelSmoothing: 0f)),
        "resnet-small" => Train(ResNetSmall.Build(widths: sample.Widths ?? [16, 32, 64], blocksPerStage: 1), WeightInit.HeNormalFanOut, sample, progress,
            new Settings(Epochs: 10, BatchSize: 64, MaxLearningRate: 3e-3f, WeightDecay: 0.05f, LabelSmoothing: 0.1f)),
        _ => throw new ArgumentException($"Unknown model '{model}'; choose small-vgg, lenet5 or resnet-small.", nameof(model)),
    };

    /// <summary>What differs between the recipes: all train with AdamW (decoupled decay) under a one-cycle schedule.</summary>
    private sealed record Settings(int Epochs, int BatchSize, float MaxLearningRate, float WeightDecay, float LabelSmoothing);

    private static Recipe Train(Layer network, WeightInit init, SampleOptions sample, TrainingProgressBar progress, Settings settings)
    {
        Initializer.Initialize(network, sample.Seed, init);
        int epochs = sample.Epochs ?? settings.Epochs;
        var options = new TrainerOptions
        {
            Epochs = epochs, BatchSize = settings.BatchSize, Seed = sample.Seed,
            TimeLimit = sample.Minutes is { } m ? TimeSpan.FromMinutes(m) : null, Progress = progress,
            ProgressInterval = progress.Interval(100),
            Optimizer = ps => new AdamW(ps, learningRate: settings.MaxLearningRate) { WeightDecay = settings.WeightDecay },
            Schedule = plan => new OneCycle(settings.MaxLearningRate, plan.TotalSteps),
            Loss = new SoftmaxCrossEntropy(labelSmoothing: settings.LabelSmoothing),
            Augmentation = sample.Augment switch
            {
                "flip" => new HorizontalFlip(),
                "flip+crop" => new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(28, 28, padding: 2)),
                _ => null,
            },
        };
        string description = FormattableString.Invariant(
            $"AdamW (decay {settings.WeightDecay}), one-cycle to {settings.MaxLearningRate}, label smoothing {settings.LabelSmoothing}, ") +
            $"batch {settings.BatchSize}, {epochs} epochs, augmentation {sample.Augment}";
        return new Recipe(network, options, description);
    }
}
