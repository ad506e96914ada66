using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Support;

/// <summary>
/// The one check of a kernel against its reference (what tinygrad's helper_test_op is to its ops), for one case:
/// a kernel name and the shape it runs on (a geometry, or the dims and settings, as the failure message will show).
/// <list type="bullet">
/// <item><see cref="Random(string, TensorShape, float, float)"/> makes a seeded random operand, held twice: as a float
/// <see cref="Tensor"/> (<see cref="Operand.F"/>) for the fast kernel and as the same values in double
/// (<see cref="Operand.D"/>) for the reference; <see cref="Output(string, TensorShape)"/> makes an operand a pass
/// writes, its float side NaN so that every element must be written (and overwritten, not accumulated into).</item>
/// <item><see cref="FastMatchesReference"/> runs a pass of both (forward, BackwardData, BackwardWeights …) and compares
/// each named output within its tolerance; a failure names the kernel, the output, its shape, the case and the first
/// mismatching element (index and coordinates); <see cref="FastMatchesReferenceBitwise"/> asks for equal bits.
/// Outputs of one pass are inputs of the next: the fast side's feed the fast kernel, the reference's the reference,
/// as a forward's y feeds a backward.</item>
/// <item><see cref="ReferenceMatchesFiniteDifferences"/> checks the reference's backward against central finite
/// differences of its forward (<see cref="GradientCheck"/>), one operand at a time.</item>
/// </list>
/// </summary>
public sealed class KernelCheck(string kernel, object shape, int seed = 1)
{
    private readonly int _seed = seed;
    private int _nextSeed = seed;

    /// <summary>What <see cref="FastMatchesReferenceBitwise"/> fills outputs with: no input or result of a kernel under test.</summary>
    public const float Unwritten = -12345.678f;

    /// <summary>One operand in both precisions: <see cref="F"/> for the fast kernel, <see cref="D"/> for the reference.</summary>
    public sealed class Operand(string name, Tensor f, double[] d)
    {
        public string Name { get; } = name;
        public Tensor F { get; } = f;
        public double[] D { get; } = d;
    }

    /// <summary>Seeded uniform values in [offset − scale, offset + scale); each call draws from the next seed.</summary>
    public Operand Random(string name, TensorShape shape, float scale = 1f, float offset = 0f)
    {
        var tensor = new Tensor(shape);
        var values = TestData.Floats(_nextSeed++, shape.Length, scale);
        for (int i = 0; i < values.Length; i++) values[i] += offset;
        values.CopyTo(tensor.Span);
        return From(name, tensor);
    }

    public Operand Random(string name, params int[] dims) => Random(name, new TensorShape(dims));

    /// <summary>Given values (inputs a kernel needs away from its kinks or ties, say).</summary>
    public Operand From(string name, Tensor values) => new(name, values, TestData.ToDouble(values.Span));

    /// <summary>Given double values, for the reference only (the finite-difference check); the float side rounds them.</summary>
    public Operand From(string name, double[] values) =>
        new(name, Tensor.FromArray(values.Select(v => (float)v).ToArray(), values.Length), values);

    /// <summary>What a pass writes: NaN on the fast side (every element must be written), zeros on the reference side.</summary>
    public Operand Output(string name, TensorShape shape)
    {
        var tensor = new Tensor(shape);
        tensor.Span.Fill(float.NaN);
        return new(name, tensor, new double[shape.Length]);
    }

    public Operand Output(string name, params int[] dims) => Output(name, new TensorShape(dims));

    /// <summary>"kernel output [dims] at case": how a failure names what it compared.</summary>
    public string Describe(Operand output) => $"{kernel} {output.Name} {output.F.Shape} at {shape}";

    /// <summary>
    /// Runs <paramref name="fast"/> and <paramref name="reference"/> (each writing its side of the outputs) and compares
    /// every output's float side with its double side, relative to max(1, |expected|) (see <see cref="Approx"/>).
    /// </summary>
    public void FastMatchesReference(Action fast, Action reference, params (Operand Output, double Tolerance)[] outputs)
    {
        Assert.IsNotEmpty(outputs, $"{kernel} at {shape}: a pass with no output to compare checks nothing.");
        fast();
        reference();
        foreach (var (output, tolerance) in outputs)
            Approx.AssertClose(output.D, output.F.Span, tolerance, Describe(output), output.F.Shape);
    }

    /// <summary>
    /// As <see cref="FastMatchesReference"/>, but every output equal to the reference's bit for bit (NaN matching any NaN;
    /// +0 and −0 distinct): for kernels that pick or copy values, such as a max with its NaN and signed-zero rules.
    /// NaN may be a right answer here, so the outputs' float sides are first filled with <see cref="Unwritten"/> instead
    /// (outputs only: a pass that reads and updates an operand checks it with <see cref="FastMatchesReference"/>).
    /// </summary>
    public void FastMatchesReferenceBitwise(Action fast, Action reference, params Operand[] outputs)
    {
        Assert.IsNotEmpty(outputs, $"{kernel} at {shape}: a pass with no output to compare checks nothing.");
        foreach (var output in outputs) output.F.Span.Fill(Unwritten);
        fast();
        reference();
        foreach (var output in outputs)
            Approx.AssertSameFloats(output.D, output.F.Span, Describe(output), output.F.Shape);
    }

    /// <summary>
    /// For each operand in turn, with the others fixed: the reference's backward, given a random upstream gradient dy,
    /// against central differences of Σ dy·forward. <paramref name="forward"/>(values, y) writes y (of
    /// <paramref name="outputLength"/>) from the operands' values, in their order; <paramref name="backward"/>(values,
    /// dy, gradients) writes every operand's gradient (arrays of zeros, one per operand, in the same order).
    /// </summary>
    public void ReferenceMatchesFiniteDifferences(int outputLength, Operand[] operands, Action<double[][], double[]> forward,
        Action<double[][], double[], double[][]> backward, double tolerance = 1e-6)
    {
        double[][] values = [.. operands.Select(o => o.D)];
        for (int i = 0; i < operands.Length; i++)
        {
            int checkedOperand = i;
            GradientCheck.AssertMatchesFiniteDifferences($"{kernel} d{operands[i].Name} at {shape}", values[i],
                x =>
                {
                    double[][] moved = [.. values];
                    moved[checkedOperand] = x;
                    var y = new double[outputLength];
                    forward(moved, y);
                    return y;
                },
                dy =>
                {
                    double[][] gradients = [.. values.Select(v => new double[v.Length])];
                    backward(values, dy, gradients);
                    return gradients[checkedOperand];
                }, _seed, tolerance: tolerance);
        }
    }
}
