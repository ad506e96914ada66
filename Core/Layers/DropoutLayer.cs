using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Inverted dropout (torch.nn.Dropout): each training forward pass draws a fresh mask, zeroing each element with
/// probability <see cref="P"/> and scaling the rest by 1/(1 − p); inference returns the input itself. The mask of
/// training pass k (counted by <see cref="Draws"/>) comes from a <see cref="Random"/> seeded with
/// <see cref="SeedMix"/>(<see cref="Seed"/>, k), so the same seed and the same calls give the same masks, and a
/// checkpoint needs only the count to continue the masks where they were (give each dropout layer of a network its own
/// seed, or same-shaped layers drop the same elements). With <see cref="PassThrough"/> training passes return the input
/// too, as inference does, without drawing.
/// </summary>
public sealed class DropoutLayer : Layer, ICountedDraws, IInferenceBehaviour
{
    private Tensor? _mask, _savedMask;
    private TensorShape? _passedThrough; // the input shape of the last training pass when it passed its input through

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="p">The probability of zeroing an element, in [0, 1).</param>
    /// <param name="seed">The seed of the masks.</param>
    public DropoutLayer(string name, float p, int seed) : base(name)
    {
        Dropout.CheckProbability(p);
        P = p;
        Seed = seed;
    }

    /// <summary>The probability of zeroing an element in training.</summary>
    public float P { get; }
    /// <summary>The seed the masks are drawn from.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public int Draws { get; set; }

    /// <summary>
    /// True: training passes return the input itself, as inference does, draw no mask (<see cref="Draws"/> stays as it is)
    /// and backward passes the gradient through unchanged; for gradients at inference (<see cref="InferenceGradients"/>).
    /// A setting of the run, not saved with the model.
    /// </summary>
    public bool PassThrough { get; set; }

    bool IInferenceBehaviour.BehaveAsInference
    {
        get => PassThrough;
        set => PassThrough = value;
    }

    /// <summary>The factors (0 or 1/(1 − p)) of the last forward pass, if it was a training pass; null after inference.</summary>
    internal Tensor? DrawnMask => _savedMask;

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input) => input;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        _savedMask = null;
        _passedThrough = training && PassThrough ? input.Shape : null;
        if (!training || PassThrough) return input;
        var output = OutputBuffer(input.Shape);
        var mask = Reuse(ref _mask, input.Shape);
        Dropout.Forward(input, output, mask, P, new Random(SeedMix.Of(Seed, Draws++, 0)), training: true);
        _savedMask = mask;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        if (_passedThrough is { } shape)
        {
            Require.Shape(gradOutput, shape, nameof(gradOutput));
            return gradOutput;
        }
        var mask = Saved(_savedMask);
        var gradInput = GradInputBuffer(mask.Shape);
        Dropout.Backward(gradOutput, mask, gradInput);
        return gradInput;
    }
}
