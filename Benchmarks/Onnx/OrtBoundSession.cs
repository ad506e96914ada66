using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks.Onnx;

/// <summary>
/// ONNX Runtime running a model on the CPU, as the peer: input "input", output "logits".
/// Input and output are bound once, through an <see cref="OrtIoBinding"/>, to OrtValues that wrap our own
/// pinned <see cref="Tensor"/> buffers: <see cref="Run"/> allocates no input or output and copies nothing;
/// it is one native Run call that reads <c>input</c> and writes <c>output</c> in place.
/// </summary>
internal sealed unsafe class OrtBoundSession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input, _output;
    private readonly OrtIoBinding _binding;
    // The OrtValues hold only the tensors' addresses: these references keep the pinned arrays alive (and in place)
    // for as long as ONNX Runtime may read or write them. Without them the GC may free a tensor the caller no longer
    // uses while Run still writes into it (seen: heap corruption, a general protection fault inside the GC).
    private readonly Tensor _inputTensor, _outputTensor;

    public OrtBoundSession(byte[] model, Tensor input, Tensor output, int threads)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, _options);
        (_inputTensor, _outputTensor) = (input, output);
        _input = Wrap(input);
        _output = Wrap(output);
        _binding = _session.CreateIoBinding();
        _binding.BindInput("input", _input);
        _binding.BindOutput("logits", _output);
    }

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>An OrtValue over the tensor's pinned storage (no copy; the tensor must outlive it).</summary>
    private static OrtValue Wrap(Tensor tensor) =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
            tensor.Shape.Dimensions.ToArray().Select(d => (long)d).ToArray(),
            (IntPtr)tensor.Pointer, (long)tensor.Length * sizeof(float));

    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
        _options.Dispose();
    }
}
