using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks.Onnx;

/// <summary>
/// ONNX Runtime running the same convolution (same weights and bias) on the CPU, as the peer.
/// Input and output are bound once, through an <see cref="OrtIoBinding"/>, to OrtValues that wrap our own
/// pinned <see cref="Tensor"/> buffers: <see cref="Run"/> allocates no input or output and copies nothing;
/// it is one native Run call that reads <c>input</c> and writes <c>output</c> in place.
/// </summary>
internal sealed unsafe class OrtConv : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input, _output;
    private readonly OrtIoBinding _binding;

    public OrtConv(Conv2dGeometry g, Tensor weight, Tensor bias, Tensor input, Tensor output, int threads)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(ConvModel(g, weight, bias), _options);
        _input = Wrap(input);
        _output = Wrap(output);
        _binding = _session.CreateIoBinding();
        _binding.BindInput("input", _input);
        _binding.BindOutput("logits", _output);
    }

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>The same convolution as a one-layer network exported by <see cref="OnnxExporter"/> (one Conv node).</summary>
    private static byte[] ConvModel(Conv2dGeometry g, Tensor weight, Tensor bias)
    {
        var conv = new Conv2dLayer("conv", g.InChannels, g.OutChannels, g.KernelHeight, g.KernelWidth, g.StrideH, g.StrideW,
            ConvPadding.Explicit(g.Padding), g.DilationH, g.Groups);
        weight.Span.CopyTo(conv.Weight.Value.Span);
        bias.Span.CopyTo(conv.Bias!.Value.Span);
        return OnnxExporter.ToBytes(new CnnModel(conv, new TensorShape(g.InChannels, g.InHeight, g.InWidth), []));
    }

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
