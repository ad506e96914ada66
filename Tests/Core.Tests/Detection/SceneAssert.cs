using MLNet.Cnn.Detection;

namespace MLNet.Cnn.Tests.Detection;

/// <summary>The invariants every generated scene must hold: boxes, masks and counts agree exactly.</summary>
public static class SceneAssert
{
    public static void Consistent(Scene scene, SceneOptions options, string what)
    {
        int plane = scene.Height * scene.Width;
        Assert.AreEqual((options.Channels, options.Height, options.Width), (scene.Channels, scene.Height, scene.Width), what);
        Assert.AreEqual(scene.Channels * plane, scene.PixelBytes.Length, what);
        int n = scene.Objects.Count;
        Assert.IsTrue(n >= options.MinObjects && n <= options.MaxObjects, $"{what}: {n} objects, not in {options.MinObjects} … {options.MaxObjects}");
        for (int k = 0; k < n; k++)
        {
            var o = scene.Objects[k];
            var mask = scene.InstanceMask(k);
            int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1, count = 0;
            for (int p = 0; p < plane; p++)
            {
                if (!mask[p]) continue;
                int row = p / scene.Width, column = p % scene.Width;
                (x0, x1, y0, y1) = (Math.Min(x0, column), Math.Max(x1, column), Math.Min(y0, row), Math.Max(y1, row));
                count++;
                Assert.AreEqual(o.Label + 1, scene.ClassMap[p], $"{what}: class map under object {k} at pixel {p}");
            }
            Assert.IsTrue(count >= 1, $"{what}: object {k} has no visible pixel");
            Assert.AreEqual(o.VisiblePixels, count, $"{what}: visible pixels of object {k}");
            Assert.IsTrue(o.VisiblePixels >= options.MinVisibleFraction * o.PlacedPixels && o.VisiblePixels <= o.PlacedPixels,
                $"{what}: object {k} keeps {o.VisiblePixels} of its {o.PlacedPixels} pixels, MinVisibleFraction {options.MinVisibleFraction}");
            Assert.IsTrue(o.Box == o.PlacedBox || o.VisiblePixels < o.PlacedPixels, $"{what}: object {k}'s box shrank with no pixel covered");
            Assert.AreEqual(new Box(x0, y0, x1 + 1, y1 + 1), o.Box, $"{what}: box of object {k} is not the tight box of its mask");
            var placed = o.PlacedBox;
            Assert.IsTrue(placed.X1 <= o.Box.X1 && placed.Y1 <= o.Box.Y1 && placed.X2 >= o.Box.X2 && placed.Y2 >= o.Box.Y2,
                $"{what}: box {o.Box} of object {k} is not inside its placed box {placed}");
            Assert.IsTrue(placed.X1 >= 0 && placed.Y1 >= 0 && placed.X2 <= scene.Width && placed.Y2 <= scene.Height, $"{what}: {placed} leaves the canvas");
        }
        for (int p = 0; p < plane; p++)
        {
            int instance = scene.InstanceMap[p], label = scene.ClassMap[p];
            Assert.IsTrue(instance <= n, $"{what}: instance {instance} at pixel {p} of {n} objects");
            if (instance == 0)
                Assert.IsTrue(label is 0 or SceneSet.IgnoreLabel, $"{what}: class {label} at pixel {p} that no object covers");
        }
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
                Assert.IsTrue(IoU(scene.Objects[a].PlacedBox, scene.Objects[b].PlacedBox) <= options.MaxIoU,
                    $"{what}: objects {a} and {b} overlap more than MaxIoU {options.MaxIoU}");
    }

    public static double IoU(Box a, Box b)
    {
        double w = Math.Max(0, Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1));
        double h = Math.Max(0, Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1));
        return w * h / (a.Area + b.Area - w * h);
    }
}
