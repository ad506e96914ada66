using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Shared;

/// <summary>What <see cref="TorchvisionExportCheck.Run"/> measured on one export.</summary>
/// <param name="MaxDifference">The largest |ours − PyTorch's| over the logits.</param>
/// <param name="LargestLogit">The largest |logit| of PyTorch's; the difference is judged relative to it.</param>
/// <param name="Losses">Our cross-entropy before each of the <see cref="TorchvisionExportCheck.TrainingSteps"/> SGD steps and after the last.</param>
/// <param name="TorchLosses">PyTorch's, with the same labels, learning rate and steps (export.py's NAME.losses.npy).</param>
internal sealed record TorchvisionExportResult(double MaxDifference, double LargestLogit, double[] Losses, float[] TorchLosses)
{
    /// <summary>The difference relative to the largest logit (0 when all logits are 0 and so are ours).</summary>
    public double RelativeDifference => MaxDifference == 0 ? 0 : MaxDifference / LargestLogit;

    public double LossBefore => Losses[0];
    public double LossAfter => Losses[^1];

    /// <summary>
    /// How far our first step is from PyTorch's: the larger |ours − PyTorch's| of the loss before it (the forward in
    /// training mode) and after it (the gradients and the update), relative to PyTorch's first loss. Later steps are
    /// reported but not compared: with batch norm on batch statistics of 2 images a difference of 1e-7 can grow by orders
    /// of magnitude per step in deep narrow networks (near-ties of max pooling flip, small variances amplify): the small
    /// GoogLeNet's loss after 2 steps is 2.2759 here, 2.2894 in PyTorch and 2.2758 in PyTorch's own float64 run.
    /// </summary>
    public double FirstStepDifference => Math.Max(Math.Abs(Losses[0] - TorchLosses[0]), Math.Abs(Losses[1] - TorchLosses[1])) / Math.Abs(TorchLosses[0]);
}

/// <summary>
/// One torchvision model exported by <c>Benchmarks/Torchvision/export.py</c> (NAME.opsetN.onnx beside NAME.input.npy and
/// NAME.logits.npy, PyTorch's output in eval mode), imported and checked: the logits against PyTorch's, then a few SGD
/// steps on the same batch (softmax cross-entropy, export.py's random labels NAME.labels.npy, batch norm in training mode),
/// whose losses PyTorch took too (NAME.losses.npy). Linked into the core tests (the small CI set) and the benchmarks (the
/// full-size models), which judge the numbers.
/// </summary>
internal static class TorchvisionExportCheck
{
    public const int TrainingSteps = 3;
    public const float LearningRate = 0.001f; // export.py's LEARNING_RATE, which PyTorch's losses were taken with

    /// <summary>"resnet18.opset13.onnx" → ("resnet18", 13).</summary>
    public static (string Model, int Opset) NameOf(string onnxPath)
    {
        string stem = Path.GetFileNameWithoutExtension(onnxPath);
        int dot = stem.LastIndexOf(".opset", StringComparison.Ordinal);
        if (dot < 0 || !int.TryParse(stem[(dot + ".opset".Length)..], out int opset))
            throw new ArgumentException($"'{onnxPath}' is not named MODEL.opsetN.onnx.", nameof(onnxPath));
        return (stem[..dot], opset);
    }

    /// <summary>Imports the file and measures it; the importer's refusal (<see cref="NotSupportedException"/>) passes through.</summary>
    public static TorchvisionExportResult Run(string onnxPath)
    {
        string model = Path.Combine(Path.GetDirectoryName(onnxPath)!, NameOf(onnxPath).Model);
        var (input, inputShape) = NpyFile.Read(model + ".input.npy");
        var (expected, logitShape) = NpyFile.Read(model + ".logits.npy");
        Tensor Input() => Tensor.FromArray((float[])input.Clone(), inputShape); // a layer may overwrite its input

        var network = OnnxImporter.Load(onnxPath);
        var logits = network.Forward(Input(), training: false);
        if (!logits.Shape.Dimensions.ToArray().SequenceEqual(logitShape))
            throw new InvalidOperationException($"{onnxPath}: logits of shape {logits.Shape}, PyTorch's are [{string.Join(", ", logitShape)}].");
        double maxDifference = 0, largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDifference = Math.Max(maxDifference, Math.Abs(logits.Span[i] - (double)expected[i]));
            largest = Math.Max(largest, Math.Abs(expected[i]));
        }

        var (labels, labelShape) = NpyFile.Read(model + ".labels.npy");
        var losses = Train(network, Input, Tensor.FromArray(labels, labelShape), logitShape);
        return new TorchvisionExportResult(maxDifference, largest, losses, NpyFile.Read(model + ".losses.npy").Data);
    }

    /// <summary>The loss before each of <see cref="TrainingSteps"/> SGD steps, and after the last.</summary>
    private static double[] Train(OnnxNetwork network, Func<Tensor> input, Tensor labels, int[] logitShape)
    {
        var loss = new SoftmaxCrossEntropy();
        var gradient = new Tensor(new TensorShape(logitShape));
        var optimizer = new Sgd(network.AllParameters(), LearningRate);
        network.InputGradientNeeded = false;
        var losses = new double[TrainingSteps + 1];
        for (int step = 0; step <= TrainingSteps; step++)
        {
            losses[step] = loss.Compute(network.Forward(input(), training: true), labels, gradient);
            if (step == TrainingSteps) break;
            network.Backward(gradient);
            optimizer.Step();
        }
        return losses;
    }
}
