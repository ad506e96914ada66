using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Tensors;

[TestClass]
public sealed unsafe class TensorTests
{
    [TestMethod]
    public void StorageIsAlignedTo64BytesAndZeroed()
    {
        foreach (int length in new[] { 1, 3, 17, 1000, 4097 })
        {
            var tensor = new Tensor(length);
            Assert.AreEqual(0, (long)tensor.Pointer % 64, $"length {length}");
            Assert.IsTrue(tensor.Span.ToArray().All(v => v == 0f));
        }
    }

    [TestMethod]
    public void ReshapeIsAViewOfTheSameStorage()
    {
        var tensor = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        var view = tensor.Reshape(3, 2);
        view.Span[5] = 60f;
        Assert.AreEqual(60f, tensor.Span[5]);
        Assert.AreEqual(new TensorShape(3, 2), view.Shape);
        ArgumentAssert.Throws(() => tensor.Reshape(4, 2), "dims", "[2, 3]", "[4, 2]");
    }

    [TestMethod]
    public void IndexerIsRowMajorNchw()
    {
        var tensor = new Tensor(2, 3, 4, 5);
        tensor[1, 2, 3, 4] = 7f;
        Assert.AreEqual(7f, tensor.Span[((1 * 3 + 2) * 4 + 3) * 5 + 4]);
    }

    [TestMethod]
    public void BadShapesAreRejected()
    {
        ArgumentAssert.Throws(() => new TensorShape(2, 0, 3), "dims", "Dimension 1", "[2, 0, 3]");
        ArgumentAssert.Throws(() => new TensorShape(Array.Empty<int>()), "dims", "at least one dimension");
        ArgumentAssert.Throws(() => Tensor.FromArray([1, 2, 3], 2, 2), "values", "[2, 2]", "3 were given");
    }

    [TestMethod]
    public void ShapesCompareByValue()
    {
        Assert.AreEqual(new TensorShape(1, 2, 3), new TensorShape(1, 2, 3));
        Assert.AreNotEqual(new TensorShape(1, 2, 3), new TensorShape(1, 3, 2));
        Assert.AreEqual(6, new TensorShape(1, 2, 3).SizeFrom(1));
    }

    [TestMethod]
    public void ScratchBuffersAreReusedAfterDisposal()
    {
        float* first;
        using (var buffer = ScratchPool.Rent(1000)) first = buffer.Pointer;
        using var again = ScratchPool.Rent(900); // same power-of-two size class
        Assert.IsTrue(again.Length == 900 && (long)again.Pointer % 64 == 0);
        Assert.IsTrue(first == again.Pointer, "a returned buffer of the same size class is handed out again");
    }

    [TestMethod]
    public void WritingPastAScratchBufferIsCaughtWhenItIsReturned()
    {
        var buffer = ScratchPool.Rent(64);
        buffer.Pointer[64] = 1f; // one element too far
        var e = Assert.ThrowsExactly<InvalidOperationException>(buffer.Dispose);
        StringAssert.Contains(e.Message, "64-float scratch buffer");
    }
}
