using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Models;

/// <summary>
/// Channels [start, start + count) of an [N, C, H, W] input: ShuffleNet v2's channel split, written as two
/// slices under a <see cref="Branches"/> (x1 = first half passed through, x2 = second half into the branch).
/// Backward scatters the gradient back into those channels and zeroes the others, so <see cref="Branches"/>
/// summing its branches' input gradients reassembles ∂L/∂x.
/// </summary>
public sealed class ChannelSlice : Layer
{
    private TensorShape? _inputShape;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="start">The first channel taken, ≥ 0.</param>
    /// <param name="count">How many channels are taken, &gt; 0.</param>
    public ChannelSlice(string name, int start, int count) : base(name)
    {
        if (start < 0) throw new ArgumentException($"start must be ≥ 0; {start} was given.", nameof(start));
        if (count <= 0) throw new ArgumentException($"count must be positive; {count} was given.", nameof(count));
        Start = start;
        Count = count;
    }

    /// <summary>The first channel taken.</summary>
    public int Start { get; }
    /// <summary>How many channels are taken.</summary>
    public int Count { get; }

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 4 || input[1] < Start + Count) throw BadInput(input, $"[N, C ≥ {Start + Count}, H, W]");
        return new TensorShape(input[0], Count, input[2], input[3]);
    }

    // x [N, C, H, W] → y [N, Count, H, W]:  y[n, c] = x[n, Start + c]
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBuffer(OutputShape(input.Shape));
        Copy(input.Span, input.Shape[1], Start, output.Span, Count, 0, input.Shape);
        _inputShape = training ? input.Shape : null;
        return output;
    }

    // dy [N, Count, H, W] → dx [N, C, H, W]:  dx[n, Start + c] = dy[n, c], other channels 0
    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var shape = _inputShape ?? throw new InvalidOperationException(
            $"Layer '{Name}': Backward needs a forward pass in training mode first.");
        var gradInput = GradInputBuffer(shape);
        gradInput.Span.Clear();
        Copy(gradOutput.Span, Count, 0, gradInput.Span, shape[1], Start, shape);
        return gradInput;
    }

    /// <summary>Copies <see cref="Count"/> channel planes per batch item from channel offset <paramref name="from"/> to <paramref name="to"/>.</summary>
    private void Copy(ReadOnlySpan<float> source, int sourceChannels, int from, Span<float> destination, int destinationChannels,
        int to, TensorShape shape)
    {
        int plane = shape[2] * shape[3], block = Count * plane;
        for (int n = 0; n < shape[0]; n++)
            source.Slice((n * sourceChannels + from) * plane, block).CopyTo(destination.Slice((n * destinationChannels + to) * plane, block));
    }
}
