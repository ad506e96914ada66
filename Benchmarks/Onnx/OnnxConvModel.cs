using System.Runtime.InteropServices;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks.Onnx;

/// <summary>
/// A one-node ONNX model, Y = Conv(X, W, B), with W and B as initializers, serialized directly with the
/// field numbers of onnx.proto (ir_version 8, default-domain opset 13). A stop-gap for the benchmark until
/// Core/Onnx owns ONNX export.
/// </summary>
internal static class OnnxConvModel
{
    public const string InputName = "X", OutputName = "Y";
    private const long IrVersion = 8, Opset = 13;

    // onnx.proto enum values used below.
    private const int FloatType = 1;                        // TensorProto.DataType.FLOAT
    private const int AttributeInt = 2, AttributeInts = 7;  // AttributeProto.AttributeType

    public static byte[] Build(Conv2dGeometry g, Tensor weight, Tensor bias)
    {
        var p = g.Padding;
        var node = new ProtoMessage()                       // NodeProto
            .String(1, InputName).String(1, "W").String(1, "B") // input
            .String(2, OutputName)                          // output
            .String(3, "conv")                              // name
            .String(4, "Conv")                              // op_type
            .Message(5, Ints("kernel_shape", g.KernelHeight, g.KernelWidth)) // attribute
            .Message(5, Ints("strides", g.StrideH, g.StrideW))
            .Message(5, Ints("dilations", g.DilationH, g.DilationW))
            .Message(5, Ints("pads", p.Top, p.Left, p.Bottom, p.Right)) // [x1_begin, x2_begin, x1_end, x2_end]
            .Message(5, Int("group", g.Groups));

        var graph = new ProtoMessage()                      // GraphProto
            .Message(1, node)                               // node
            .String(2, "conv_benchmark")                    // name
            .Message(5, Initializer("W", weight))           // initializer
            .Message(5, Initializer("B", bias))
            .Message(11, ValueInfo(InputName, g.InputShape)) // input
            .Message(12, ValueInfo(OutputName, g.OutputShape)); // output

        return new ProtoMessage()                           // ModelProto
            .Int64(1, IrVersion)                            // ir_version
            .Message(7, graph)                              // graph
            .Message(8, new ProtoMessage().Int64(2, Opset)) // opset_import: OperatorSetIdProto.version, default domain
            .ToArray();
    }

    // AttributeProto: name = 1, i = 3, ints = 8, type = 20.
    private static ProtoMessage Int(string name, long value) =>
        new ProtoMessage().String(1, name).Int64(20, AttributeInt).Int64(3, value);

    private static ProtoMessage Ints(string name, params long[] values) =>
        new ProtoMessage().String(1, name).Int64(20, AttributeInts).Int64s(8, values);

    // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian IEEE 754).
    private static ProtoMessage Initializer(string name, Tensor tensor)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("raw_data must be little-endian");
        return new ProtoMessage()
            .Int64s(1, Dims(tensor.Shape))
            .Int64(2, FloatType)
            .String(8, name)
            .Bytes(9, MemoryMarshal.AsBytes<float>(tensor.Span));
    }

    // ValueInfoProto { name = 1, type = 2: TypeProto { tensor_type = 1: Tensor { elem_type = 1, shape = 2:
    //   TensorShapeProto { dim = 1: Dimension { dim_value = 1 } } } } }
    private static ProtoMessage ValueInfo(string name, TensorShape shape)
    {
        var shapeProto = new ProtoMessage();
        foreach (long dim in Dims(shape)) shapeProto.Message(1, new ProtoMessage().Int64(1, dim));
        var tensorType = new ProtoMessage().Int64(1, FloatType).Message(2, shapeProto);
        return new ProtoMessage().String(1, name).Message(2, new ProtoMessage().Message(1, tensorType));
    }

    internal static long[] Dims(TensorShape shape) => shape.Dimensions.ToArray().Select(d => (long)d).ToArray();
}
