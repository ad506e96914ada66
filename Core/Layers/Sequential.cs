using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Layers applied one after the other; backward runs them in reverse. At inference a convolution followed by batch
/// norm runs as one convolution with the normalization folded in (<see cref="ConvBatchNormFolding"/>).
/// </summary>
public sealed class Sequential : Layer
{
    private readonly Layer[] _layers;

    /// <summary>Per position: the folding of the layer there with the next one, when they are a conv → batch-norm pair.</summary>
    private readonly ConvBatchNormFolding?[] _folded;

    public Sequential(string name, params Layer[] layers) : base(name)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException($"Sequential '{name}' needs at least one layer.", nameof(layers));
        var duplicate = layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Sequential '{name}' has two layers named '{duplicate.Key}'.", nameof(layers));
        _layers = layers;
        _folded = [.. layers.Select((layer, i) => i + 1 < layers.Length ? ConvBatchNormFolding.For(layer, layers[i + 1]) : null)];
    }

    public override IReadOnlyList<Layer> Children => _layers;

    public override bool InputGradientNeeded
    {
        get => _layers[0].InputGradientNeeded;
        set => _layers[0].InputGradientNeeded = value;
    }

    public override TensorShape OutputShape(TensorShape input)
    {
        foreach (var layer in _layers) input = layer.OutputShape(input);
        return input;
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            if (!training && _folded[i] is { } folded)
            {
                input = folded.Forward(input);
                i++;   // the batch norm after the convolution is folded into it
            }
            else
                input = _layers[i].Forward(input, training);
        }
        return input;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        for (int i = _layers.Length - 1; i >= 0; i--) gradOutput = _layers[i].Backward(gradOutput);
        return gradOutput;
    }
}
