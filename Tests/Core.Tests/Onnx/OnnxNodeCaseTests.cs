using System.Buffers.Binary;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// The ONNX specification's own node tests of the CNN operators (written by <c>NodeCases/generate.py</c> from Debian's
/// python3-onnx; every input but the first is an initializer). Each case is imported and run: every output equals the
/// specification's within the case's tolerance (|actual − expected| ≤ atol + rtol·|expected|, as numpy's assert_allclose),
/// the importer's shape inference gives each output's shape, and where the op is differentiable the imported network's
/// gradient agrees with central finite differences of its own forward. A case listed in <c>NodeCases/unsupported.txt</c>
/// must instead be refused with a <see cref="NotSupportedException"/> naming the node: never a wrong answer.
/// </summary>
[TestClass]
public sealed class OnnxNodeCaseTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Onnx", "NodeCases");

    // Outputs that are not differentiable in their input, or that change from pass to pass in training mode.
    private static readonly HashSet<string> NoGradientOps = ["Dropout"];

    /// <summary>Each case by its folder's name; "name+inputs" for the variant whose float inputs are all computed (model_inputs.onnx).</summary>
    public static IEnumerable<object[]> Cases() =>
        Directory.GetDirectories(Path.Combine(Folder, "cases")).Order(StringComparer.Ordinal)
            .SelectMany(folder => File.Exists(Path.Combine(folder, AllInputsModel)) ? [Path.GetFileName(folder), Path.GetFileName(folder) + AllInputs] : new[] { Path.GetFileName(folder) })
            .Select(name => new object[] { name });

    private const string AllInputs = "+inputs", AllInputsModel = "model_inputs.onnx";

    [TestMethod]
    public void EveryGeneratedCaseIsHere()
    {
        // generate.py writes 311 cases from python3-onnx 1.12, 39 of them joins with an all-inputs variant (skipped.txt lists
        // the cases left out); a lost folder would shrink the suite silently.
        Assert.AreEqual(311 + 39, Cases().Count());
        var names = Cases().Select(c => (string)c[0]).ToHashSet();
        foreach (var name in Unsupported().Keys) Assert.IsTrue(names.Contains(name), $"unsupported.txt names '{name}', which is not a case");
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void TheImportedNodeGivesTheSpecificationsOutputs(string name)
    {
        if (Unsupported().TryGetValue(name, out var why))
        {
            var refusal = Assert.ThrowsExactly<NotSupportedException>(() => Run(name), $"'{name}' is listed as unsupported ({why})");
            StringAssert.Contains(refusal.Message, "ONNX node", $"'{name}': the refusal names the node");
            return;
        }
        Run(name);
    }

    private static void Run(string name)
    {
        bool allInputs = name.EndsWith(AllInputs, StringComparison.Ordinal);
        string folder = Path.Combine(Folder, "cases", allInputs ? name[..^AllInputs.Length] : name);
        string modelPath = Path.Combine(folder, allInputs ? AllInputsModel : "model.onnx");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        var network = OnnxImporter.Load(modelPath);
        var inputs = allInputs
            ? model.Graph.Input.Select((input, k) => (input.Name, Read(Path.Combine(folder, $"input_{k}.pb")))).ToDictionary()
            : new Dictionary<string, Tensor> { [model.Graph.Input[0].Name] = Read(Path.Combine(folder, "input.pb")) };
        var tolerance = File.ReadAllText(Path.Combine(folder, "tolerance.txt")).Split(' ').Select(double.Parse).ToArray();
        double rtol = tolerance[0], atol = tolerance[1];
        string op = model.Graph.Node[0].OpType;

        for (int k = 0; k < model.Graph.Output.Count; k++)
        {
            string output = model.Graph.Output[k].Name;
            var expectedProto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, $"output_{k}.pb")));
            var shape = expectedProto.Dims.Select(d => (int)d).ToArray();
            network.OutputName = output;
            var values = network.Run(Copy(inputs), training: false);
            if (OnnxTensorData.IsFloat(expectedProto))
            {
                var expected = OnnxTensorData.Floats(expectedProto);
                var actual = values.Tensor(output);
                CollectionAssert.AreEqual(shape, actual.Shape.Dimensions.ToArray(), $"{output}: shape {actual.Shape}, expected [{string.Join(", ", shape)}]");
                CollectionAssert.AreEqual(shape, network.OutputShape(inputs.ToDictionary(p => p.Key, p => p.Value.Shape)).Dimensions.ToArray(), $"{output}: inferred shape");
                for (int i = 0; i < expected.Length; i++)
                    if (!(Math.Abs(actual.Span[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i])) && !(float.IsNaN(expected[i]) && float.IsNaN(actual.Span[i])))
                        Assert.Fail($"{output}[{i}] = {actual.Span[i]}, expected {expected[i]} (rtol {rtol}, atol {atol})");
                if (!NoGradientOps.Contains(op) && expected.Length > 0) CheckGradients(network, inputs, shape, output);
            }
            else
            {
                var actual = values.Integers(output);
                CollectionAssert.AreEqual(shape, actual.Shape, $"{output}: shape");
                CollectionAssert.AreEqual(Integers(expectedProto), actual.Values, $"{output}: values");
            }
        }
    }

    /// <summary>
    /// Backward against central finite differences of the network's own forward (float, the loss L = Σ g·y summed in double),
    /// for every input. A coordinate where the left and right differences disagree sits on a kink (ReLU at 0, a tie of a max)
    /// and is skipped: there the op has no derivative to compare with.
    /// </summary>
    private static void CheckGradients(OnnxNetwork network, Dictionary<string, Tensor> inputs, int[] outputShape, string output)
    {
        const double step = 1e-3, tolerance = 2e-2;
        network.InputGradientNeeded = true;
        var random = new Random(1);
        var g = new float[outputShape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < g.Length; i++) g[i] = (float)(random.NextDouble() * 2 - 1);
        network.Forward(Copy(inputs), training: true);
        var analytic = network.BackwardToInputs(Tensor.FromArray(g, outputShape)).ToDictionary(p => p.Key, p => p.Value.ToArray());

        var x = inputs.ToDictionary(p => p.Key, p => p.Value.ToArray());
        double Loss()
        {
            var y = network.Forward(x.ToDictionary(p => p.Key, p => Tensor.FromArray((float[])p.Value.Clone(), inputs[p.Key].Shape.Dimensions.ToArray())), training: true).Span;
            double sum = 0;
            for (int i = 0; i < g.Length; i++) sum += g[i] * (double)y[i];
            return sum;
        }

        double at = Loss();
        foreach (var (name, values) in x)
        {
            Assert.AreEqual(values.Length, analytic[name].Length, $"{output}: length of ∂L/∂{name}");
            var indices = Enumerable.Range(0, values.Length).ToArray();
            random.Shuffle(indices);
            foreach (int i in indices.Take(60))
            {
                float saved = values[i];
                values[i] = saved + (float)step;
                double plus = Loss();
                values[i] = saved - (float)step;
                double minus = Loss();
                values[i] = saved;
                double right = (plus - at) / step, left = (at - minus) / step, central = (plus - minus) / (2 * step);
                if (Math.Abs(right - left) > tolerance * Math.Max(1, Math.Abs(central))) continue;
                if (Math.Abs(central - analytic[name][i]) > tolerance * Math.Max(1, Math.Abs(central)))
                    Assert.Fail($"{output}: ∂L/∂{name}[{i}] analytic {analytic[name][i]}, finite difference {central}.");
            }
        }
    }

    // A layer may keep or overwrite its input; each pass gets its own copies.
    private static Dictionary<string, Tensor> Copy(Dictionary<string, Tensor> inputs) =>
        inputs.ToDictionary(p => p.Key, p => Tensor.FromArray(p.Value.ToArray(), p.Value.Shape.Dimensions.ToArray()));

    private static Tensor Read(string path)
    {
        var proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        return Tensor.FromArray(OnnxTensorData.Floats(proto), proto.Dims.Select(d => (int)d).ToArray());
    }

    /// <summary>An int64, int32 or bool tensor's values as longs.</summary>
    private static long[] Integers(TensorProto proto) => proto.DataType == (int)DataType.Bool
        ? (proto.RawData.IsEmpty ? proto.Int32Data.Select(v => (long)v) : proto.RawData.Select(b => (long)b)).ToArray()
        : OnnxTensorData.Integers(proto);

    /// <summary>NodeCases/unsupported.txt: "case: reason" lines of cases the importer refuses.</summary>
    private static Dictionary<string, string> Unsupported() =>
        File.ReadAllLines(Path.Combine(Folder, "unsupported.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
}
