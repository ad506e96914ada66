using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed unsafe class Im2ColTests
{
    private static IEnumerable<(string Name, Conv2dGeometry Geometry)> Geometries()
    {
        var same = new Padding2d(1, 1, 1, 1);
        yield return ("3x3 same on 2x2", new Conv2dGeometry(5, 6, 2, 2, 4, 3, 3, padding: same));
        yield return ("3x3 same on 4x4", new Conv2dGeometry(3, 5, 4, 4, 4, 3, 3, padding: same));
        yield return ("3x3 stride 2 on 7x5", new Conv2dGeometry(4, 3, 7, 5, 4, 3, 3, 2, 2, same));
        yield return ("5x5 valid on 9x9", new Conv2dGeometry(3, 2, 9, 9, 4, 5, 5));
        yield return ("3x3 dilation 2, uneven padding", new Conv2dGeometry(3, 4, 6, 6, 4, 3, 3, padding: new Padding2d(2, 1, 0, 3), dilationH: 2, dilationW: 2));
        yield return ("1x1 pointwise", new Conv2dGeometry(4, 8, 3, 3, 4, 1, 1));
        yield return ("3x3 same, 2 groups", new Conv2dGeometry(3, 6, 4, 4, 4, 3, 3, padding: same, groups: 2));
    }

    [TestMethod]
    public void AWholeChunkGathersTheSameValuesAsImageByImage()
    {
        int seed = 0;
        foreach (var (name, g) in Geometries())
            foreach (bool parallel in new[] { false, true })
            {
                int p = g.OutHeight * g.OutWidth, rows = g.PatchSize, ld = g.Batch * p + 3;
                long inImage = (long)g.InChannels * g.InHeight * g.InWidth;
                float[] x = TestData.Floats(++seed, checked((int)(g.Batch * inImage)));
                float[] expected = new float[rows * ld], actual = new float[rows * ld];
                Array.Fill(expected, 42f);
                Array.Fill(actual, 42f);
                var plan = new ConvWorkPlan(g.Batch, 1, 1, parallel);
                using var taps = ScratchPool.Rent(Im2Col.TapTableLength(g));
                Im2Col.FillTapTable(g, (int*)taps.Pointer);
                fixed (float* px = x, pe = expected, pa = actual)
                {
                    // The second group's channels, to check the chunk reads from the group's first plane.
                    float* group = px + (g.Groups - 1) * g.InChannelsPerGroup * g.InHeight * g.InWidth;
                    for (int i = 0; i < g.Batch; i++) Im2Col.Gather(g, (int*)taps.Pointer, group + i * inImage, pe + i * p, ld);
                    Im2Col.GatherChunk(g, (int*)taps.Pointer, group, inImage, g.Batch, pa, ld, plan);
                }
                CollectionAssert.AreEqual(expected, actual, $"{name}, parallel {parallel}: the chunk's columns differ from image by image");
            }
    }
}
