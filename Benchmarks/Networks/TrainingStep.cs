using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Benchmarks.Networks;

/// <summary>
/// One training step as <see cref="Trainer"/>'s loop takes it (forward, loss, backward, optimizer step), on a fixed
/// random batch: SGD with momentum 0.9 and learning rate 0.01, softmax cross-entropy, no gradient for the images.
/// </summary>
internal sealed class TrainingStep
{
    private readonly Layer _network;
    private readonly Tensor _images, _labels, _gradient;
    private readonly SoftmaxCrossEntropy _loss = new();
    private readonly Sgd _optimizer;

    public TrainingStep(NetworkCase network)
    {
        _network = network.BuildInitialized();
        _network.InputGradientNeeded = false;
        var random = new Random(2);
        _images = RandomTensors.Uniform(random, new TensorShape([network.Batch, .. network.Image]));
        _labels = RandomTensors.Labels(random, network.Batch, NetworkCase.Classes);
        _gradient = new Tensor(_network.OutputShape(_images.Shape));
        _optimizer = new Sgd(_network.AllParameters(), learningRate: 0.01f, momentum: 0.9f);
    }

    public long Parameters => _network.ParameterCount;

    public double? LastLoss { get; private set; }

    public void Run()
    {
        var output = _network.Forward(_images, training: true);
        LastLoss = _loss.Compute(output, _labels, _gradient);
        _network.Backward(_gradient);
        _optimizer.Step();
    }
}
