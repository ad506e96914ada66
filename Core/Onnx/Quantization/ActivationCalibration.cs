using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx.Quantization;

/// <summary>
/// The ranges of a float model's intermediate values over calibration batches: the values are made extra graph outputs
/// and the model is run in ONNX Runtime, the engine the quantized model is for, so every op it can run is calibrated
/// exactly as it will be executed.
/// </summary>
internal static class ActivationCalibration
{
    private const int HistogramBins = 4096;

    /// <summary>[min, max] of each value in <paramref name="values"/> over all <paramref name="batches"/> (graph input tensors).</summary>
    public static Dictionary<string, (float Min, float Max)> Collect(ModelProto model, IReadOnlyList<string> values,
        IReadOnlyList<Tensor> batches, QuantizationOptions options)
    {
        using var session = Session(model, values);
        var ranges = values.ToDictionary(v => v, _ => (Min: float.PositiveInfinity, Max: float.NegativeInfinity));
        Run(session, model, values, batches, (name, data) =>
        {
            var (min, max) = ranges[name];
            foreach (float x in data)
            {
                if (!float.IsFinite(x)) throw new ArgumentException($"Calibration produced a non-finite value in '{name}'; check the calibration images for NaN or infinite pixels.");
                min = Math.Min(min, x);
                max = Math.Max(max, x);
            }
            ranges[name] = (min, max);
        });
        return options.Calibration == CalibrationMethod.MinMax ? ranges : Percentiles(session, model, values, batches, ranges, options.Percentile);
    }

    /// <summary>Second pass: a histogram over each [min, max]; the range becomes the lower and upper percentile.</summary>
    private static Dictionary<string, (float Min, float Max)> Percentiles(InferenceSession session, ModelProto model, IReadOnlyList<string> values,
        IReadOnlyList<Tensor> batches, Dictionary<string, (float Min, float Max)> ranges, double percentile)
    {
        var histograms = values.ToDictionary(v => v, _ => new long[HistogramBins]);
        Run(session, model, values, batches, (name, data) =>
        {
            var (min, max) = ranges[name];
            var histogram = histograms[name];
            double step = (max - min) / HistogramBins;
            foreach (float x in data) histogram[step == 0 ? 0 : Math.Min(HistogramBins - 1, (int)((x - min) / step))]++;
        });
        return values.ToDictionary(v => v, v =>
        {
            var (min, max) = ranges[v];
            var histogram = histograms[v];
            long total = histogram.Sum(), tail = (long)Math.Floor(total * (100 - percentile) / 100);
            double step = (max - min) / (double)HistogramBins;
            int low = 0, high = HistogramBins - 1;
            for (long below = histogram[0]; below <= tail && low < high; below += histogram[++low]) { }
            for (long above = histogram[high]; above <= tail && high > low; above += histogram[--high]) { }
            return ((float)(min + low * step), (float)(min + (high + 1) * step));
        });
    }

    private static InferenceSession Session(ModelProto model, IReadOnlyList<string> values)
    {
        var probe = model.Clone();
        var outputs = probe.Graph.Output.Select(o => o.Name).ToHashSet();
        foreach (var name in values.Where(v => !outputs.Contains(v)))
            probe.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        try
        {
            // No graph optimization: fusions must not change the values being measured.
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
            return new InferenceSession(probe.ToByteArray(), options);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            throw new InvalidOperationException("Int8 calibration runs the model in ONNX Runtime, whose native library was not found: " +
                "add the NuGet package Microsoft.ML.OnnxRuntime to the application.", e);
        }
    }

    private static void Run(InferenceSession session, ModelProto model, IReadOnlyList<string> values, IReadOnlyList<Tensor> batches,
        Action<string, ReadOnlySpan<float>> observe)
    {
        string input = model.Graph.Input.Select(i => i.Name).Except(model.Graph.Initializer.Select(i => i.Name)).Single();
        using var runOptions = new RunOptions();
        var outputs = values.ToArray();
        foreach (var batch in batches)
        {
            var shape = batch.Shape.Dimensions.ToArray().Select(d => (long)d).ToArray();
            using var value = OrtValue.CreateTensorValueFromMemory(batch.ToArray(), shape);
            using var results = session.Run(runOptions, [input], [value], outputs);
            for (int i = 0; i < values.Count; i++) observe(values[i], results[i].GetTensorDataAsSpan<float>());
        }
    }
}
