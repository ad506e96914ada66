using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Benchmarks.Scenes;

/// <summary>The project's best 10-minute Fashion-MNIST classifier recipe (docs/performance.md: ResNetSmall 16-32-64, 93 %), and its class probabilities.</summary>
internal static class ClassifierProbabilities
{
    public static Layer Train(ImageDataset train, ImageDataset test, int epochs)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var network = ResNetSmall.Build(train.Channels, train.ClassCount);
        Initializer.Initialize(network, 1, WeightInit.HeNormalFanOut);
        var result = Trainer.Fit(network, train, test, new TrainerOptions
        {
            Epochs = epochs, BatchSize = 64, LearningRate = 3e-3f, Seed = 1,
            Optimizer = p => new AdamW(p, 3e-3f) { WeightDecay = 0.05f },
            Schedule = plan => new OneCycle(3e-3f, plan.TotalSteps),
            Loss = new SoftmaxCrossEntropy(labelSmoothing: 0.1f),
            ProgressInterval = 100_000,
            Progress = new Progress<TrainingProgress>(p => Console.WriteLine($"  {p}")),
        });
        Console.WriteLine($"  {result.Epochs.Count} epochs in {clock.Elapsed.TotalMinutes:F1} min");
        return network;
    }

    /// <summary>Softmax probabilities [count, classes] of every image of <paramref name="data"/>.</summary>
    public static float[] Of(Layer network, ImageDataset data)
    {
        int classes = data.ClassCount, batch = 500;
        var probabilities = new float[data.Count * classes];
        for (int start = 0; start < data.Count; start += batch)
        {
            int n = Math.Min(batch, data.Count - start);
            var images = new Tensor(n, data.Channels, data.Height, data.Width);
            for (int i = 0; i < n; i++) data.Pixels(start + i).CopyTo(images.Span.Slice(i * data.ImageSize, data.ImageSize));
            var logits = network.Forward(images, training: false).Span;
            for (int i = 0; i < n; i++)
                TensorPrimitives.SoftMax(logits.Slice(i * classes, classes), probabilities.AsSpan((start + i) * classes, classes));
        }
        return probabilities;
    }

    public static double Accuracy(float[] probabilities, ReadOnlySpan<int> labels, Func<int, bool>? include = null)
    {
        int classes = probabilities.Length / labels.Length, right = 0, count = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (include is not null && !include(i)) continue;
            count++;
            if (TensorPrimitives.IndexOfMax(probabilities.AsSpan(i * classes, classes)) == labels[i]) right++;
        }
        return count == 0 ? double.NaN : right / (double)count;
    }
}
