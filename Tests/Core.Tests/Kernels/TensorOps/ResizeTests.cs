using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>
/// The separable <see cref="Resize"/> against <see cref="ResizeReference"/> for every mode, on 1-D, 2-D and 3-D spatial axes
/// scaled up, down and not at all; the reference's backward against finite differences; and taps worked out by hand.
/// </summary>
[TestClass]
public sealed class ResizeTests
{
    private static readonly Dictionary<string, ResizeSampling> Samplings = new()
    {
        ["nearest"] = new(ResizeMode.Nearest, ResizeCoordinates.HalfPixel),
        ["nearest ceil asymmetric"] = new(ResizeMode.Nearest, ResizeCoordinates.Asymmetric, NearestRounding.Ceil),
        ["linear"] = new(ResizeMode.Linear, ResizeCoordinates.HalfPixel),
        ["linear align_corners"] = new(ResizeMode.Linear, ResizeCoordinates.AlignCorners),
        ["cubic"] = new(ResizeMode.Cubic, ResizeCoordinates.PytorchHalfPixel),
        ["cubic exclude_outside"] = new(ResizeMode.Cubic, ResizeCoordinates.HalfPixel, CubicA: -0.5f, ExcludeOutside: true),
        // regions reaching outside the input on the first two axes: those outputs take the extrapolation value 5
        ["linear tf_crop_and_resize"] = new(ResizeMode.Linear, ResizeCoordinates.TfCropAndResize, Crop: new([(0.2, 1.3), (-0.1, 0.7), (0.4, 0.6)], 5f)),
        ["nearest tf_crop_and_resize"] = new(ResizeMode.Nearest, ResizeCoordinates.TfCropAndResize, Crop: new([(-0.5, 0.5), (0.25, 1.5), (0, 1)], -1f)),
    };

    public static IEnumerable<object[]> Names => Samplings.Keys.Select(name => new object[] { name });

    // [N, C, spatial…] → spatial output sizes
    private static readonly (int[] In, int[] Out)[] Cases =
    [
        ([1, 1, 5], [9]), ([2, 3, 3, 4], [7, 2]), ([1, 2, 6, 6], [6, 6]), ([2, 1, 7, 9], [3, 1]), ([1, 2, 2, 3, 4], [3, 5, 2]),
        ([2, 4, 16, 16], [32, 24]),
    ];

    private static ResizeTaps[] Taps(int[] input, int[] output, ResizeSampling sampling) =>
        [.. output.Select((o, a) => ResizeTaps.For(input[a + 2], o, ResizeTaps.ScaleOf(input[a + 2], o), sampling, a))];

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void ForwardAndBackwardMatchReference(string name)
    {
        int seed = 0;
        foreach (var (input, spatial) in Cases)
        {
            int[] output = [input[0], input[1], .. spatial];
            var taps = Taps(input, spatial, Samplings[name]);
            var check = new KernelCheck($"Resize {name}", $"{new TensorShape(input)} → {new TensorShape(output)}", seed += 2);
            var (x, dy) = (check.Random("x", input), check.Random("dy", output));
            var (y, dx) = (check.Output("y", output), check.Output("dx", input));
            var shape = new TensorShape(input);
            check.FastMatchesReference(() => Resize.Forward(x.F, y.F, taps), () => ResizeReference.Forward<double>(shape, x.D, y.D, taps), (y, 1e-5));
            check.FastMatchesReference(() => Resize.Backward(dy.F, dx.F, taps), () => ResizeReference.Backward<double>(shape, dy.D, dx.D, taps), (dx, 1e-5));
        }
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void ReferenceBackwardMatchesFiniteDifferences(string name)
    {
        int[] input = [1, 2, 3, 4], output = [1, 2, 5, 3];
        var taps = Taps(input, [5, 3], Samplings[name]);
        var shape = new TensorShape(input);
        var check = new KernelCheck($"Resize {name} reference", shape);
        check.ReferenceMatchesFiniteDifferences(output.Aggregate(1, (a, b) => a * b), [check.Random("x", input)],
            (v, y) => ResizeReference.Forward<double>(shape, v[0], y, taps), (_, dy, d) => ResizeReference.Backward<double>(shape, dy, d[0], taps));
    }

    [TestMethod]
    public void TapsWorkedOutByHand()
    {
        // 4 → 3 half_pixel: x = (j + ½)·4/3 − ½ = 1/6, 3/2, 17/6
        var linear = ResizeTaps.For(4, 3, 0.75, new ResizeSampling(ResizeMode.Linear, ResizeCoordinates.HalfPixel));
        CollectionAssert.AreEqual(new[] { 0, 1, 1, 2, 2, 3 }, linear.Index);
        Approx.AssertClose([5 / 6.0, 1 / 6.0, 0.5, 0.5, 1 / 6.0, 5 / 6.0], linear.Weight, 1e-6, "linear weights");
        // to one value: pytorch_half_pixel reads index 0, half_pixel the middle (x = 1.5)
        Assert.AreEqual(0, ResizeTaps.For(4, 1, 0.25, new ResizeSampling(ResizeMode.Nearest, ResizeCoordinates.PytorchHalfPixel)).Index[0]);
        Assert.AreEqual(1, ResizeTaps.For(4, 1, 0.25, new ResizeSampling(ResizeMode.Nearest, ResizeCoordinates.HalfPixel)).Index[0]);
        Assert.AreEqual(2, ResizeTaps.For(4, 1, 0.25, new ResizeSampling(ResizeMode.Nearest, ResizeCoordinates.HalfPixel, NearestRounding.RoundPreferCeil)).Index[0]);
        // cubic at a whole x reads that pixel alone; its weights sum to 1 elsewhere, edge taps clamped
        var cubic = ResizeTaps.For(3, 6, 2, new ResizeSampling(ResizeMode.Cubic, ResizeCoordinates.Asymmetric));
        Approx.AssertClose([0, 0, 1, 0], cubic.Weight.AsSpan(0, 4), 1e-6, "cubic at x = 0");
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 1 }, cubic.Index[..4]); // taps −2 … 1, clamped
        for (int j = 0; j < 6; j++) Assert.AreEqual(1, cubic.Weight.AsSpan(j * 4, 4).ToArray().Sum(), 1e-6, $"cubic weights of {j}");
    }
}
