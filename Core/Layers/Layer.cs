using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// A building block of a network: it knows its parameters, its forward pass and its backward pass.
/// Tensors are batches: images [N, C, H, W], vectors [N, features].
/// <list type="bullet">
/// <item><see cref="Forward"/> returns a tensor owned by the layer, valid until its next forward pass; in
/// training mode the layer keeps what <see cref="Backward"/> needs.</item>
/// <item><see cref="Backward"/> takes ∂L/∂output of the last training forward pass, overwrites the gradients
/// of the layer's parameters and returns ∂L/∂input (also owned by the layer, until the caller gives it back with
/// <see cref="ReleaseGradInput"/> once it has used it).</item>
/// </list>
/// Composite layers (<see cref="Sequential"/>, <see cref="Residual"/>, <see cref="Branches"/>, <see cref="Gate"/>)
/// build branches and skips out of other layers, with no kernels of their own beyond add, concat and multiply.
/// </summary>
public abstract class Layer
{
    private Tensor? _output, _gradInput;
    private TensorShape _outputFor; // the input shape _output was sized for by OutputBufferFor
    private Tensor? _inputPlanes;   // channel blocks turned into planes for this layer's inference (see Infer)

    /// <param name="name">A name unique within the layer's parent.</param>
    protected Layer(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>A name unique within its parent, used in messages and in the model file.</summary>
    public string Name { get; }

    /// <summary>
    /// The output shape for an input of shape <paramref name="input"/>; throws an ArgumentException naming
    /// this layer, the shape seen and the shape expected when the layer cannot take that input.
    /// </summary>
    public abstract TensorShape OutputShape(TensorShape input);

    /// <summary>Runs the layer on <paramref name="input"/>.</summary>
    /// <param name="input">A batch: [N, C, H, W] images or [N, features] vectors.</param>
    /// <param name="training">True to keep what <see cref="Backward"/> needs and use training behaviour (dropout, batch statistics).</param>
    /// <returns>The output, owned by the layer and valid until its next forward pass.</returns>
    public abstract Tensor Forward(Tensor input, bool training);

    /// <summary>Backpropagates through the last training forward pass: overwrites the parameters' gradients.</summary>
    /// <param name="gradOutput">∂L/∂output, the shape of the last output.</param>
    /// <returns>∂L/∂input, owned by the layer (see <see cref="ReleaseGradInput"/>).</returns>
    public abstract Tensor Backward(Tensor gradOutput);

    /// <summary>
    /// False when nothing uses the gradient <see cref="Backward"/> returns — the network's input, e.g. for
    /// the first convolution of a network being trained — so layers may skip computing it (the returned
    /// tensor's contents are then unspecified). <see cref="Sequential"/> passes it on to its first layer.
    /// </summary>
    public virtual bool InputGradientNeeded { get; set; } = true;

    /// <summary>This layer's own parameters (not its children's).</summary>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>State that is not trained by gradients but saved with the model (batch-norm running statistics).</summary>
    public virtual IReadOnlyList<(string Name, Tensor Value)> Buffers => [];

    /// <summary>The layers inside this one (none for a plain layer).</summary>
    public virtual IReadOnlyList<Layer> Children => [];

    /// <summary>Parameters of this layer and all its descendants, depth first, in a stable order.</summary>
    public IEnumerable<Parameter> AllParameters() => Parameters.Concat(Children.SelectMany(c => c.AllParameters()));

    /// <summary>Buffers of this layer and all its descendants, depth first, in a stable order.</summary>
    public IEnumerable<(string Name, Tensor Value)> AllBuffers() => Buffers.Concat(Children.SelectMany(c => c.AllBuffers()));

    /// <summary>Number of trainable values (frozen or not), the figure torchvision reports.</summary>
    public long ParameterCount => AllParameters().Sum(p => (long)p.Value.Length);

    /// <summary>The layer's output buffer for this shape (reused while the batch shape stays the same).</summary>
    protected Tensor OutputBuffer(TensorShape shape)
    {
        _outputFor = default;
        return Reuse(ref _output, shape);
    }

    /// <summary>
    /// The output buffer for an input of shape <paramref name="input"/>, checked and sized by <see cref="OutputShape"/>
    /// only when the input shape changes: a steady forward pass then allocates nothing, not even the output shape.
    /// </summary>
    protected Tensor OutputBufferFor(TensorShape input)
    {
        if (_output is not null && _outputFor == input) return _output;
        var output = Reuse(ref _output, OutputShape(input));
        _outputFor = input;
        return output;
    }

    /// <summary>The layer's input-gradient buffer for this shape, rented from <see cref="GradientBuffers"/> until released.</summary>
    protected Tensor GradInputBuffer(TensorShape shape)
    {
        if (_gradInput is not null && _gradInput.Shape == shape) return _gradInput;
        ReleaseOwnGradInput();
        return _gradInput = GradientBuffers.Rent(shape);
    }

    /// <summary>
    /// Gives back the buffer of the gradient the last <see cref="Backward"/> returned, for other layers' gradients:
    /// called by a container once that gradient has been consumed (it must not be read afterwards). A container
    /// passes the call on to the child whose gradient it returned.
    /// </summary>
    internal virtual void ReleaseGradInput() => ReleaseOwnGradInput();

    private void ReleaseOwnGradInput()
    {
        if (_gradInput is null || !GradientBuffers.Shared) return;
        GradientBuffers.Return(_gradInput);
        _gradInput = null;
    }

    /// <summary>
    /// Releases <paramref name="producer"/>'s gradient <paramref name="consumed"/> after another layer's backward pass used it
    /// and returned <paramref name="result"/> — unless the result is a view of it (a flatten, an identity), which keeps it alive.
    /// </summary>
    protected static void Consumed(Layer producer, Tensor consumed, Tensor result)
    {
        if (!result.SharesStorageWith(consumed)) producer.ReleaseGradInput();
    }

    /// <summary>
    /// The inference pass on a value in either layout: <see cref="Sequential"/> keeps the channel blocks that convolutions write
    /// between the layers that run on them (convolutions, activations, residual blocks). This default takes planes: channel
    /// blocks are turned into planes first, then <see cref="Forward"/> runs with training false.
    /// </summary>
    internal virtual InferenceValue Infer(InferenceValue input) => InferenceValue.Of(Forward(InputPlanes(input), training: false));

    /// <summary>The input as planes, turned into this layer's own buffer when it came as channel blocks.</summary>
    private protected Tensor InputPlanes(InferenceValue input) => input.ToPlanes(ref _inputPlanes);

    /// <summary>The layer's output buffer as channel blocks holding planes of shape <paramref name="planes"/>.</summary>
    private protected ChannelBlocks OutputBlocks(TensorShape planes) =>
        new(OutputBuffer(ChannelBlocks.ShapeFor(planes, ChannelBlocks.CurrentLanes)), planes, ChannelBlocks.CurrentLanes);

    /// <paramref name="buffer"/> when it already has <paramref name="shape"/>, else a new tensor of that shape stored in it.
    protected static Tensor Reuse(ref Tensor? buffer, TensorShape shape) =>
        buffer is not null && buffer.Shape == shape ? buffer : buffer = new Tensor(shape);

    /// <summary>The ArgumentException for an input this layer cannot take.</summary>
    protected ArgumentException BadInput(TensorShape seen, string expected) =>
        new($"Layer '{Name}' ({GetType().Name}) got an input of shape {seen}; it expects {expected}.", "input");

    /// <summary>The ArgumentException for an input a kernel's geometry rejected (kernel larger than the input, …).</summary>
    protected ArgumentException BadInput(TensorShape seen, ArgumentException cause) =>
        new($"Layer '{Name}' ({GetType().Name}) cannot take an input of shape {seen}: {cause.Message}", "input", cause);

    /// <summary>The tensor saved by the last training forward pass, or a clear error if there was none.</summary>
    protected T Saved<T>(T? value) where T : class =>
        value ?? throw new InvalidOperationException(
            $"Layer '{Name}': Backward needs a forward pass in training mode first.");

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({GetType().Name})";
}
