using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>Add, Mul (same shape and squeeze-excite broadcast), Concat, ChannelShuffle and Flatten.</summary>
[TestClass]
public sealed class ElementwiseTests
{
    private static readonly int[][] Shapes = [[1, 1, 1, 1], [1, 3, 5, 7], [2, 4, 9, 11], [3, 17], [4, 32, 28, 28]];

    // ---- Add ---------------------------------------------------------------------------------------------

    [TestMethod]
    public void AddMatchesReference()
    {
        int seed = 0;
        foreach (int[] shape in Shapes)
        {
            var check = new KernelCheck("Add", new TensorShape(shape), seed += 3);
            var (a, b, dy) = (check.Random("a", shape), check.Random("b", shape), check.Random("dy", shape));
            var (y, da, db) = (check.Output("y", shape), check.Output("da", shape), check.Output("db", shape));
            check.FastMatchesReference(() => Add.Forward(a.F, b.F, y.F), () => ElementwiseReference.AddForward<double>(a.D, b.D, y.D), (y, 1e-6));
            check.FastMatchesReference(() => Add.Backward(dy.F, da.F, db.F), () => ElementwiseReference.AddBackward<double>(dy.D, da.D, db.D),
                (da, 0), (db, 0));
        }
    }

    [TestMethod]
    public void AddReferenceBackwardMatchesFiniteDifferences()
    {
        var check = new KernelCheck("Add reference", "[30]");
        check.ReferenceMatchesFiniteDifferences(30, [check.Random("a", 30), check.Random("b", 30)],
            (v, y) => ElementwiseReference.AddForward<double>(v[0], v[1], y),
            (v, dy, d) => ElementwiseReference.AddBackward<double>(dy, d[0], d[1]));
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
            int planes = shape[0] * shape[1], planeSize = new TensorShape(shape).SizeFrom(2);
            int[] bShape = broadcast ? [shape[0], shape[1], 1, 1] : shape;
            var check = new KernelCheck("Mul", $"{new TensorShape(shape)} × {new TensorShape(bShape)}", seed += 3);
            var (a, b, dy) = (check.Random("a", shape), check.Random("b", bShape), check.Random("dy", shape));
            var (y, da, db) = (check.Output("y", shape), check.Output("da", shape), check.Output("db", bShape));
            check.FastMatchesReference(() => Mul.Forward(a.F, b.F, y.F),
                () => ElementwiseReference.MulForward<double>(a.D, b.D, y.D, planes, planeSize), (y, 1e-6));
            check.FastMatchesReference(() => Mul.Backward(a.F, b.F, dy.F, da.F, db.F),
                () => ElementwiseReference.MulBackward<double>(a.D, b.D, dy.D, da.D, db.D, planes, planeSize), (da, 1e-6), (db, 1e-5));
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void MulReferenceBackwardMatchesFiniteDifferences(bool broadcast)
    {
        const int planes = 6, planeSize = 7;
        var check = new KernelCheck("Mul reference", $"[{planes}, {planeSize}] broadcast={broadcast}", seed: 2);
        check.ReferenceMatchesFiniteDifferences(planes * planeSize,
            [check.Random("a", planes * planeSize), check.Random("b", broadcast ? planes : planes * planeSize)],
            (v, y) => ElementwiseReference.MulForward<double>(v[0], v[1], y, planes, planeSize),
            (v, dy, d) => ElementwiseReference.MulBackward<double>(v[0], v[1], dy, d[0], d[1], planes, planeSize));
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
            int planeSize = spatial.Aggregate(1, (p, d) => p * d);
            var check = new KernelCheck("Concat", string.Join(" ++ ", channels.Select(c => new TensorShape(Dims(batch, c, spatial)))), seed += 10);
            var inputs = channels.Select((c, i) => check.Random($"x{i}", Dims(batch, c, spatial))).ToArray();
            var dy = check.Random("dy", Dims(batch, channels.Sum(), spatial));
            var y = check.Output("y", Dims(batch, channels.Sum(), spatial));
            var dInputs = channels.Select((c, i) => check.Output($"dx{i}", Dims(batch, c, spatial))).ToArray();
            check.FastMatchesReference(() => Concat.Forward([.. inputs.Select(x => x.F)], y.F),
                () => ConcatReference.Forward([.. inputs.Select(x => x.D)], channels, y.D, batch, planeSize), (y, 0));
            check.FastMatchesReference(() => Concat.Backward(dy.F, [.. dInputs.Select(dx => dx.F)]),
                () => ConcatReference.Backward<double>(dy.D, [.. dInputs.Select(dx => dx.D)], channels, batch, planeSize),
                [.. dInputs.Select(dx => (dx, 0.0))]);
        }
    }

    [TestMethod]
    public void ConcatReferenceBackwardMatchesFiniteDifferences()
    {
        int[] channels = [2, 3];
        const int batch = 2, planeSize = 5;
        var check = new KernelCheck("Concat reference", "[2, 2, 5] ++ [2, 3, 5]", seed: 4);
        check.ReferenceMatchesFiniteDifferences(batch * channels.Sum() * planeSize,
            [.. channels.Select((c, i) => check.Random($"x{i}", batch, c, planeSize))],
            (v, y) => ConcatReference.Forward(v, channels, y, batch, planeSize),
            (v, dy, d) => ConcatReference.Backward<double>(dy, d, channels, batch, planeSize));
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
            int batch = shape[0], channels = shape[1], planeSize = new TensorShape(shape).SizeFrom(2);
            var check = new KernelCheck("ChannelShuffle", $"{new TensorShape(shape)} groups {groups}", seed += 2);
            var (x, dy) = (check.Random("x", shape), check.Random("dy", shape));
            var (y, dx) = (check.Output("y", shape), check.Output("dx", shape));
            check.FastMatchesReference(() => ChannelShuffle.Forward(x.F, y.F, groups),
                () => ChannelShuffleReference.Forward<double>(x.D, y.D, batch, channels, planeSize, groups), (y, 0));
            check.FastMatchesReference(() => ChannelShuffle.Backward(dy.F, dx.F, groups),
                () => ChannelShuffleReference.Backward<double>(dy.D, dx.D, batch, channels, planeSize, groups), (dx, 0));

            var back = new Tensor(shape);
            ChannelShuffle.Backward(y.F, back, groups);
            CollectionAssert.AreEqual(x.F.ToArray(), back.ToArray(), $"{check.Describe(y)}: backward of forward is the identity");
        }
    }

    [TestMethod]
    public void ChannelShuffleReferenceBackwardMatchesFiniteDifferences()
    {
        const int batch = 2, channels = 6, planeSize = 3, groups = 3;
        var check = new KernelCheck("ChannelShuffle reference", $"[{batch}, {channels}, {planeSize}] groups {groups}", seed: 5);
        check.ReferenceMatchesFiniteDifferences(batch * channels * planeSize, [check.Random("x", batch * channels * planeSize)],
            (v, y) => ChannelShuffleReference.Forward<double>(v[0], y, batch, channels, planeSize, groups),
            (v, dy, d) => ChannelShuffleReference.Backward<double>(dy, d[0], batch, channels, planeSize, groups));
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
