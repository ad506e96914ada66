using System.Text.Json;
using Google.Protobuf;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx.Quantization;

/// <summary>
/// Post-training int8 quantization of an ONNX model into the QDQ format ONNX Runtime runs (and fuses into integer
/// kernels on x64 and ARM): Identity nodes of constants are skipped, batch normalization is folded into the convolutions before it, activation ranges are
/// calibrated by running the float model in ONNX Runtime on a sample of images the user gives, weights become int8 with
/// one scale per output channel, biases int32, activations uint8 (see <see cref="QdqPlan"/> for which nodes). Inputs,
/// outputs and metadata stay as they were, so a scoring app need not know the model is quantized; the metadata gains
/// <see cref="QuantizationKey"/> describing the quantization.
/// </summary>
/// <remarks>Calibration needs ONNX Runtime's native library: an application that calls this references Microsoft.ML.OnnxRuntime.</remarks>
public static class Int8Quantizer
{
    /// <summary>The metadata_props key under which a quantized model describes its quantization (JSON).</summary>
    public const string QuantizationKey = "mlnet.cnn.quantization";

    /// <summary>
    /// Exports <paramref name="model"/> (see <see cref="OnnxExporter"/>) and quantizes it, calibrating on
    /// <paramref name="calibrationImages"/> [N, C, H, W] as the network takes them (what <c>Layer.Forward</c> gets:
    /// normalized when the model has a normalization).
    /// </summary>
    public static byte[] Quantize(CnnModel model, Tensor calibrationImages, QuantizationOptions? options = null, int opset = 13)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibrationImages);
        var expected = model.InputShape;
        var seen = calibrationImages.Shape;
        if (seen.Rank != 4 || seen[1] != expected[0] || seen[2] != expected[1] || seen[3] != expected[2] || seen[0] == 0)
            throw new ArgumentException($"Calibration images have shape {seen}; the model expects [N, {expected[0]}, {expected[1]}, {expected[2]}] with N ≥ 1.",
                nameof(calibrationImages));
        options ??= new QuantizationOptions();
        var batches = new List<Tensor>();
        int size = seen.Length / seen[0];
        for (int start = 0; start < seen[0]; start += options.CalibrationBatchSize)
        {
            int n = Math.Min(options.CalibrationBatchSize, seen[0] - start);
            var batch = new Tensor(n, seen[1], seen[2], seen[3]);
            calibrationImages.Span.Slice(start * size, n * size).CopyTo(batch.Span);
            batches.Add(batch);
        }
        return Quantize(OnnxExporter.ToBytes(model, opset), batches, options);
    }

    /// <summary>
    /// Quantizes a float ONNX model with one float input, calibrating on <paramref name="calibrationBatches"/> (values of
    /// that input, each [N, …] in the graph's input shape).
    /// </summary>
    public static byte[] Quantize(byte[] floatModel, IEnumerable<Tensor> calibrationBatches, QuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        ArgumentNullException.ThrowIfNull(calibrationBatches);
        options ??= new QuantizationOptions();
        options.Validate();
        var model = Parse(floatModel);
        var batches = calibrationBatches.ToList();
        CheckBatches(model.Graph, batches);

        OnnxGraphEdits.SkipConstantIdentities(model.Graph);
        BatchNormFolding.Fold(model.Graph);
        var plan = QdqPlan.Of(model.Graph, options);
        var ranges = ActivationCalibration.Collect(model, plan.Values, batches, options);
        QdqRewriter.Apply(model.Graph, plan, ranges, options);
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = QuantizationKey,
            Value = JsonSerializer.Serialize(new
            {
                format = "QDQ",
                weights = (options.PerChannel ? "int8 symmetric per output channel" : "int8 symmetric per tensor") + (options.ReduceRange ? ", 7-bit range" : ""),
                activations = "uint8 asymmetric",
                calibration = options.Calibration == CalibrationMethod.MinMax ? "min-max" : $"percentile {options.Percentile}",
                calibrationImages = batches.Sum(b => b.Shape[0]),
                int8Nodes = plan.Nodes.Count,
            }),
        });
        return model.ToByteArray();
    }

    private static ModelProto Parse(byte[] bytes)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e) { throw new InvalidDataException($"The bytes to quantize are not an ONNX model ({e.Message}).", e); }
        if (model.Graph is null || model.Graph.Node.Count == 0) throw new InvalidDataException("The ONNX model to quantize has no graph nodes.");
        if (model.Graph.Node.Any(n => n.OpType is "QuantizeLinear" or "DequantizeLinear" or "QLinearConv"))
            throw new InvalidOperationException("The ONNX model is already quantized (it has QuantizeLinear/DequantizeLinear nodes).");
        var opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < 13) throw new NotSupportedException($"The ONNX model uses opset {opset}; per-channel QDQ quantization needs opset 13 or later.");
        return model;
    }

    /// <summary>At least one batch, each matching the graph's one float input in rank and fixed dimensions, with finite values.</summary>
    private static void CheckBatches(GraphProto graph, List<Tensor> batches)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1) throw new NotSupportedException($"The ONNX model has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); quantization supports one image input.");
        if (batches.Count == 0 || batches.All(b => b.Shape[0] == 0)) throw new ArgumentException("No calibration images were given; calibration needs a sample of typical inputs (a few hundred images).");
        var dims = inputs[0].Type.TensorType.Shape?.Dim;
        foreach (var batch in batches)
        {
            bool fits = dims is null || (dims.Count == batch.Shape.Rank
                && dims.Select((d, i) => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || d.DimValue == batch.Shape[i]).All(ok => ok));
            if (!fits)
                throw new ArgumentException($"A calibration batch has shape {batch.Shape}; the model's input '{inputs[0].Name}' is " +
                    $"[{string.Join(", ", dims!.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString() : d.DimParam))}].");
            int bad = FirstNonFinite(batch.Span);
            if (bad >= 0) throw new ArgumentException($"Calibration images hold a non-finite value ({batch.Span[bad]}) at flat index {bad} of a batch of shape {batch.Shape}.");
        }
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++) if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
