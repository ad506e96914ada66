using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed unsafe class RowCopyTests
{
    [TestMethod]
    public void EveryLengthIsCopiedExactlyAndNothingPastIt()
    {
        float[] source = TestData.Floats(7, 300);
        for (int count = 0; count <= 260; count++)
            Check(source, count, (d, s) => RowCopy.Copy(d, s, count), "the widest vectors");
    }

    [TestMethod]
    public void EveryVectorWidthCopiesEveryShortLength()
    {
        float[] source = TestData.Floats(8, 200);
        foreach (int widest in new[] { 16, 8, 4, 1 })
            for (int count = 0; count < 128; count++)
                Check(source, count, (d, s) => RowCopy.Short(d, s, count, widest), $"vectors of up to {widest} floats");
    }

    private delegate void CopyCall(float* destination, float* source);

    private static void Check(float[] source, int count, CopyCall copy, string path)
    {
        var destination = new float[count + 20];
        Array.Fill(destination, 42f);
        fixed (float* d = destination, s = source) copy(d + 3, s + 5);
        for (int i = 0; i < destination.Length; i++)
        {
            float expected = i >= 3 && i < 3 + count ? source[5 + i - 3] : 42f;
            Assert.AreEqual(expected, destination[i], $"{path}: count {count}, element {i}");
        }
    }
}
