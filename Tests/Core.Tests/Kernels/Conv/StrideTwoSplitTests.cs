using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed unsafe class StrideTwoSplitTests
{
    [TestMethod]
    public void EveryColumnLandsInItsPhaseAtEveryWidthAndOffset()
    {
        float[] row = TestData.Floats(3, 64);
        for (int width = 0; width <= 56; width++)
            for (int left = 0; left <= 3; left++)
                foreach (bool skipOdd in new[] { false, true })
                {
                    int length = (width + left) / 2 + 2;
                    float[] phase0 = new float[length], phase1 = new float[length], expected0 = new float[length], expected1 = new float[length];
                    Array.Fill(phase0, 42f); Array.Fill(phase1, 42f); Array.Fill(expected0, 42f); Array.Fill(expected1, 42f);
                    for (int i = 0; i < width; i++)
                    {
                        int column = i + left;
                        if (column % 2 == 0) expected0[column / 2] = row[i];
                        else if (!skipOdd) expected1[column / 2] = row[i];
                    }
                    fixed (float* r = row, p0 = phase0, p1 = phase1)
                        StrideTwoSplit.Row(r, width, left, p0, skipOdd ? null : p1);
                    CollectionAssert.AreEqual(expected0, phase0, $"phase 0, width {width}, left {left}, odd phase skipped {skipOdd}");
                    CollectionAssert.AreEqual(expected1, phase1, $"phase 1, width {width}, left {left}, odd phase skipped {skipOdd}");
                }
    }
}
