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
        {
            var destination = new float[count + 20];
            Array.Fill(destination, 42f);
            fixed (float* d = destination, s = source) RowCopy.Copy(d + 3, s + 5, count);
            for (int i = 0; i < destination.Length; i++)
            {
                float expected = i >= 3 && i < 3 + count ? source[5 + i - 3] : 42f;
                Assert.AreEqual(expected, destination[i], $"count {count}, element {i}");
            }
        }
    }
}
