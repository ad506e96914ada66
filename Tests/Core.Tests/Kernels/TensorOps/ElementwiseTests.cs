using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>Add, Mul (same shape and squeeze-excite broadcast), Concat, ChannelShuffle and Flatten.</summary>
[TestClass]
public sealed class ElementwiseTests
{
    private static readonly int[][] Shapes = [[1, 1, 1, 1], [1, 3, 5, 7], [2, 4, 9, 11], [3, 17], [4, 32, 28, 28]];

    private static double[] Doubles(Tensor t) => TestData.ToDouble(t.Span);

    /// <summary>x split at the given lengths (the inverse of packing several operands into one checked vector).</summary>
    private static double[][] Split(double[] x, params int[] lengths)
    {
        var parts = new double[lengths.Length][];
        for (int i = 0, at = 0; i < lengths.Length; at += lengths[i], i++) parts[i] = x[at..(at + lengths[i])];
        return parts;
    }

    // ---- Add ---------------------------------------------------------------------------------------------

    [TestMethod]
    public void AddMatchesReference()
    {
        int seed = 0;
        foreach (int[] shape in Shapes)
        {
            seed++;
            var a = TestData.Tensor(seed, shape);
            var b = TestData.Tensor(seed + 10, shape);
            var y = new Tensor(shape);
            Add.Forward(a, b, y);
            var expected = new double[a.Length];
            ElementwiseReference.AddForward<double>(Doubles(a), Doubles(b), expected);
            Approx.AssertClose(expected, y.Span, 1e-6, $"add {a.Shape}");

            var dy = TestData.Tensor(seed + 20, shape);
            Tensor da = new(shape), db = new(shape);
            Add.Backward(dy, da, db);
            double[] expectedDa = new double[a.Length], expectedDb = new double[a.Length];
            ElementwiseReference.AddBackward<double>(Doubles(dy), expectedDa, expectedDb);
            Approx.AssertClose(expectedDa, da.Span, 0, $"add {a.Shape} da");
            Approx.AssertClose(expectedDb, db.Span, 0, $"add {a.Shape} db");
        }
    }

    [TestMethod]
    public void AddReferenceBackwardMatchesFiniteDifferences()
    {
        const int n = 30;
        double[] packed = TestData.ToDouble(TestData.Floats(1, 2 * n));
        GradientCheck.AssertMatchesFiniteDifferences("add", packed,
            p =>
            {
                var y = new double[n];
                ElementwiseReference.AddForward<double>(p.AsSpan(0, n), p.AsSpan(n), y);
                return y;
            },
            dy =>
            {
                var grad = new double[2 * n];
                ElementwiseReference.AddBackward<double>(dy, grad.AsSpan(0, n), grad.AsSpan(n));
                return grad;
            });
    }

    [TestMethod]
    public void AddHandComputedAndBadArguments()
    {
        var y = new Tensor(1, 3);
        Add.Forward(Tensor.FromArray([1f, 2f, 3f], 1, 3), Tensor.FromArray([10f, -2f, 0.5f], 1, 3), y);
        CollectionAssert.AreEqual(new[] { 11f, 0f, 3.5f }, y.ToArray());
        var e = Assert.ThrowsExactly<ArgumentException>(() => Add.Forward(new Tensor(1, 3), new Tensor(3, 1), y));
        Assert.AreEqual("b", e.ParamName);
        StringAssert.Contains(e.Message, "[3, 1]");
        StringAssert.Contains(e.Message, "[1, 3]");
        Assert.AreEqual("y", Assert.ThrowsExactly<ArgumentException>(() => Add.Forward(y, y, new Tensor(3))).ParamName);
        Assert.AreEqual("db", Assert.ThrowsExactly<ArgumentException>(() => Add.Backward(y, new Tensor(1, 3), new Tensor(1, 4))).ParamName);
    }

    // ---- Mul ---------------------------------------------------------------------------------------------

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void MulMatchesReference(bool broadcast)
    {
        int seed = 0;
        foreach (int[] shape in Shapes.Where(s => s.Length == 4 || !broadcast))
        {
            seed++;
            int planes = shape[0] * shape[1], planeSize = new TensorShape(shape).SizeFrom(2);
            int[] bShape = broadcast ? [shape[0], shape[1], 1, 1] : shape;
            var a = TestData.Tensor(seed, shape);
            var b = TestData.Tensor(seed + 10, bShape);
            var y = new Tensor(shape);
            Mul.Forward(a, b, y);
            var expected = new double[a.Length];
            ElementwiseReference.MulForward<double>(Doubles(a), Doubles(b), expected, planes, planeSize);
            string what = $"mul {a.Shape} × {b.Shape}";
            Approx.AssertClose(expected, y.Span, 1e-6, what);

            var dy = TestData.Tensor(seed + 20, shape);
            Tensor da = new(shape), db = new(bShape);
            Mul.Backward(a, b, dy, da, db);
            double[] expectedDa = new double[a.Length], expectedDb = new double[b.Length];
            ElementwiseReference.MulBackward<double>(Doubles(a), Doubles(b), Doubles(dy), expectedDa, expectedDb, planes, planeSize);
            Approx.AssertClose(expectedDa, da.Span, 1e-6, what + " da");
            Approx.AssertClose(expectedDb, db.Span, 1e-5, what + " db");
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void MulReferenceBackwardMatchesFiniteDifferences(bool broadcast)
    {
        const int planes = 6, planeSize = 7;
        int aLength = planes * planeSize, bLength = broadcast ? planes : aLength;
        double[] packed = TestData.ToDouble(TestData.Floats(2, aLength + bLength));
        GradientCheck.AssertMatchesFiniteDifferences($"mul broadcast={broadcast}", packed,
            p =>
            {
                var y = new double[aLength];
                ElementwiseReference.MulForward<double>(p.AsSpan(0, aLength), p.AsSpan(aLength), y, planes, planeSize);
                return y;
            },
            dy =>
            {
                var grad = new double[packed.Length];
                ElementwiseReference.MulBackward<double>(packed.AsSpan(0, aLength), packed.AsSpan(aLength), dy,
                    grad.AsSpan(0, aLength), grad.AsSpan(aLength), planes, planeSize);
                return grad;
            });
    }

    [TestMethod]
    public void MulHandComputed()
    {
        // a [1, 2, 1, 2] = channel 0: (1, 2), channel 1: (3, 4); b [1, 2, 1, 1] = (10, −1).
        var a = Tensor.FromArray([1f, 2f, 3f, 4f], 1, 2, 1, 2);
        var b = Tensor.FromArray([10f, -1f], 1, 2, 1, 1);
        var y = new Tensor(1, 2, 1, 2);
        Mul.Forward(a, b, y);
        CollectionAssert.AreEqual(new[] { 10f, 20f, -3f, -4f }, y.ToArray());
        Tensor da = new(1, 2, 1, 2), db = new(1, 2, 1, 1);
        Mul.Backward(a, b, Tensor.FromArray([1f, 0.5f, 2f, -1f], 1, 2, 1, 2), da, db);
        CollectionAssert.AreEqual(new[] { 10f, 5f, -2f, 1f }, da.ToArray());
        // db0 = 1·1 + 0.5·2 = 2; db1 = 2·3 − 1·4 = 2.
        CollectionAssert.AreEqual(new[] { 2f, 2f }, db.ToArray());
        // Same shape: (1, 2, 3, 4) ⊙ (2, 2, −1, 0).
        Mul.Forward(a, Tensor.FromArray([2f, 2f, -1f, 0f], 1, 2, 1, 2), y);
        CollectionAssert.AreEqual(new[] { 2f, 4f, -3f, 0f }, y.ToArray());
    }

    [TestMethod]
    public void MulBadArgumentsNameTheParameterAndTheShapes()
    {
        var a = new Tensor(2, 3, 4, 4);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Mul.Forward(a, new Tensor(2, 3, 1, 2), new Tensor(2, 3, 4, 4)));
        Assert.AreEqual("b", e.ParamName);
        StringAssert.Contains(e.Message, "[2, 3, 1, 2]");
        StringAssert.Contains(e.Message, "[2, 3, 4, 4]");
        StringAssert.Contains(e.Message, "[2, 3, 1, 1]");
        Assert.AreEqual("y", Assert.ThrowsExactly<ArgumentException>(() => Mul.Forward(a, new Tensor(2, 3, 1, 1), new Tensor(2, 3, 4, 5))).ParamName);
        Assert.AreEqual("db", Assert.ThrowsExactly<ArgumentException>(
            () => Mul.Backward(a, new Tensor(2, 3, 1, 1), new Tensor(2, 3, 4, 4), new Tensor(2, 3, 4, 4), new Tensor(2, 3, 4, 4))).ParamName);
        var dy = new Tensor(2, 3, 4, 4);
        Assert.AreEqual("da", Assert.ThrowsExactly<ArgumentException>(
            () => Mul.Backward(a, new Tensor(2, 3, 1, 1), dy, dy, new Tensor(2, 3, 1, 1))).ParamName);
        // Same shape: da = a would be clobbered before db = dy ⊙ a reads it. Broadcast: db = b before da reads b.
        var c = new Tensor(2, 3, 4, 4);
        ArgumentAssert.Throws(() => Mul.Backward(c, new Tensor(2, 3, 4, 4), dy, c, new Tensor(2, 3, 4, 4)), "da", "shares storage with a");
        var factors = new Tensor(2, 3, 1, 1);
        ArgumentAssert.Throws(() => Mul.Backward(c, factors, dy, new Tensor(2, 3, 4, 4), factors), "db", "shares storage with b");
    }

    // ---- Concat ------------------------------------------------------------------------------------------

    private static readonly (int Batch, int[] Channels, int[] Spatial)[] ConcatCases =
    [
        (1, [1], [1, 1]), (1, [3, 5], [4, 7]), (2, [2, 1, 6], [5, 5]), (3, [4, 7], []), (2, [64, 32, 32], [14, 14]),
    ];

    private static int[] Dims(int batch, int channels, int[] spatial) => [batch, channels, .. spatial];

    [TestMethod]
    public void ConcatMatchesReference()
    {
        int seed = 0;
        foreach (var (batch, channels, spatial) in ConcatCases)
        {
            int planeSize = spatial.Aggregate(1, (p, d) => p * d), total = channels.Sum();
            var inputs = channels.Select(c => TestData.Tensor(++seed, Dims(batch, c, spatial))).ToArray();
            var y = new Tensor(Dims(batch, total, spatial));
            Concat.Forward(inputs, y);
            var expected = new double[y.Length];
            ConcatReference.Forward(inputs.Select(Doubles).ToArray(), channels, expected, batch, planeSize);
            string what = $"concat of {string.Join(", ", inputs.Select(t => t.Shape))}";
            Approx.AssertClose(expected, y.Span, 0, what);

            var dy = TestData.Tensor(++seed, y.Shape.Dimensions.ToArray());
            var dInputs = inputs.Select(t => new Tensor(t.Shape)).ToArray();
            Concat.Backward(dy, dInputs);
            var expectedDInputs = channels.Select(c => new double[batch * c * planeSize]).ToArray();
            ConcatReference.Backward<double>(Doubles(dy), expectedDInputs, channels, batch, planeSize);
            for (int i = 0; i < inputs.Length; i++) Approx.AssertClose(expectedDInputs[i], dInputs[i].Span, 0, $"{what} d{i}");
        }
    }

    [TestMethod]
    public void ConcatReferenceBackwardMatchesFiniteDifferences()
    {
        int[] channels = [2, 3];
        const int batch = 2, planeSize = 5;
        int[] lengths = channels.Select(c => batch * c * planeSize).ToArray();
        double[] packed = TestData.ToDouble(TestData.Floats(4, lengths.Sum()));
        GradientCheck.AssertMatchesFiniteDifferences("concat", packed,
            p =>
            {
                var y = new double[p.Length];
                ConcatReference.Forward(Split(p, lengths), channels, y, batch, planeSize);
                return y;
            },
            dy =>
            {
                var grads = lengths.Select(l => new double[l]).ToArray();
                ConcatReference.Backward<double>(dy, grads, channels, batch, planeSize);
                return grads.SelectMany(g => g).ToArray();
            });
    }

    [TestMethod]
    public void ConcatHandComputedAndBadArguments()
    {
        // [2, 1, 1, 2] ++ [2, 2, 1, 2] along channels: per n, 2 values of the first then 4 of the second.
        var first = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 1, 1, 2);
        var second = Tensor.FromArray([10f, 20f, 30f, 40f, 50f, 60f, 70f, 80f], 2, 2, 1, 2);
        var y = new Tensor(2, 3, 1, 2);
        Concat.Forward([first, second], y);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 10f, 20f, 30f, 40f, 3f, 4f, 50f, 60f, 70f, 80f }, y.ToArray());
        Tensor d1 = new(2, 1, 1, 2), d2 = new(2, 2, 1, 2);
        Concat.Backward(y, [d1, d2]);
        CollectionAssert.AreEqual(first.ToArray(), d1.ToArray());
        CollectionAssert.AreEqual(second.ToArray(), d2.ToArray());

        var e = Assert.ThrowsExactly<ArgumentException>(() => Concat.Forward([first, new Tensor(2, 2, 1, 3)], y));
        Assert.AreEqual("inputs", e.ParamName);
        StringAssert.Contains(e.Message, "inputs[1]");
        StringAssert.Contains(e.Message, "[2, 2, 1, 3]");
        e = Assert.ThrowsExactly<ArgumentException>(() => Concat.Forward([first, first], y));
        Assert.AreEqual("y", e.ParamName);
        StringAssert.Contains(e.Message, "[2, 3, 1, 2]");
        Assert.AreEqual("inputs", Assert.ThrowsExactly<ArgumentException>(() => Concat.Forward([], y)).ParamName);
        // An output that is one of the inputs (here the only one, so the shapes agree) is refused.
        ArgumentAssert.Throws(() => Concat.Forward([y], y), "y", "inputs[0]", "shares storage");
        ArgumentAssert.Throws(() => Concat.Forward([y.Reshape(2, 3, 1, 2)], y), "y", "inputs[0]", "shares storage"); // a view
        Assert.AreEqual("dInputs", Assert.ThrowsExactly<ArgumentException>(() => Concat.Backward(y, [d1, new Tensor(2, 2, 2, 2)])).ParamName);
        Assert.AreEqual("dy", Assert.ThrowsExactly<ArgumentException>(() => Concat.Backward(y, [d1, d1])).ParamName);
    }

    // ---- ChannelShuffle ----------------------------------------------------------------------------------

    [TestMethod]
    public void ChannelShuffleMatchesReferenceAndBackwardInvertsIt()
    {
        int seed = 0;
        foreach (var (shape, groups) in new (int[], int)[]
                 { ([1, 1, 1, 1], 1), ([1, 6, 3, 5], 2), ([2, 6, 3, 5], 3), ([3, 12, 7, 7], 4), ([2, 8], 8), ([2, 232, 14, 14], 2) })
        {
            seed++;
            int batch = shape[0], channels = shape[1], planeSize = new TensorShape(shape).SizeFrom(2);
            var x = TestData.Tensor(seed, shape);
            var y = new Tensor(shape);
            ChannelShuffle.Forward(x, y, groups);
            var expected = new double[x.Length];
            ChannelShuffleReference.Forward<double>(Doubles(x), expected, batch, channels, planeSize, groups);
            string what = $"shuffle {x.Shape} groups {groups}";
            Approx.AssertClose(expected, y.Span, 0, what);

            var dy = TestData.Tensor(seed + 100, shape);
            var dx = new Tensor(shape);
            ChannelShuffle.Backward(dy, dx, groups);
            var expectedDx = new double[x.Length];
            ChannelShuffleReference.Backward<double>(Doubles(dy), expectedDx, batch, channels, planeSize, groups);
            Approx.AssertClose(expectedDx, dx.Span, 0, what + " backward");

            var back = new Tensor(shape);
            ChannelShuffle.Backward(y, back, groups);
            CollectionAssert.AreEqual(x.ToArray(), back.ToArray(), what + ": backward of forward is the identity");
        }
    }

    [TestMethod]
    public void ChannelShuffleReferenceBackwardMatchesFiniteDifferences()
    {
        const int batch = 2, channels = 6, planeSize = 3, groups = 3;
        double[] x = TestData.ToDouble(TestData.Floats(5, batch * channels * planeSize));
        GradientCheck.AssertMatchesFiniteDifferences("channel shuffle", x,
            input =>
            {
                var y = new double[input.Length];
                ChannelShuffleReference.Forward<double>(input, y, batch, channels, planeSize, groups);
                return y;
            },
            dy =>
            {
                var dx = new double[x.Length];
                ChannelShuffleReference.Backward<double>(dy, dx, batch, channels, planeSize, groups);
                return dx;
            });
    }

    [TestMethod]
    public void ChannelShuffleHandComputedAndBadArguments()
    {
        // 6 channels (one value each) in 2 groups: [0 1 2 | 3 4 5] → 0 3 1 4 2 5.
        var x = Tensor.FromArray([0f, 1f, 2f, 3f, 4f, 5f], 1, 6, 1, 1);
        var y = new Tensor(1, 6, 1, 1);
        ChannelShuffle.Forward(x, y, 2);
        CollectionAssert.AreEqual(new[] { 0f, 3f, 1f, 4f, 2f, 5f }, y.ToArray());

        var e = Assert.ThrowsExactly<ArgumentException>(() => ChannelShuffle.Forward(x, y, 4));
        Assert.AreEqual("groups", e.ParamName);
        StringAssert.Contains(e.Message, "[1, 6, 1, 1]");
        Assert.AreEqual("groups", Assert.ThrowsExactly<ArgumentException>(() => ChannelShuffle.Forward(x, y, 0)).ParamName);
        Assert.AreEqual("y", Assert.ThrowsExactly<ArgumentException>(() => ChannelShuffle.Forward(x, x, 2)).ParamName);
        Assert.AreEqual("dx", Assert.ThrowsExactly<ArgumentException>(() => ChannelShuffle.Backward(x, new Tensor(1, 6, 1, 2), 2)).ParamName);
    }

    // ---- Flatten -----------------------------------------------------------------------------------------

    [TestMethod]
    public void FlattenIsAViewBothWays()
    {
        var x = TestData.Tensor(1, 2, 3, 4, 5);
        var flat = Flatten.Forward(x);
        Assert.AreEqual(new TensorShape(2, 60), flat.Shape);
        flat.Span[7] = 42f;
        Assert.AreEqual(42f, x.Span[7], "the view shares storage");
        var back = Flatten.Backward(flat, x.Shape);
        Assert.AreEqual(x.Shape, back.Shape);
        Assert.AreEqual("dy", Assert.ThrowsExactly<ArgumentException>(() => Flatten.Backward(new Tensor(2, 59), x.Shape)).ParamName);
    }
}
