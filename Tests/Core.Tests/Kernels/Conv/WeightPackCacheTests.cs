using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>
/// Packed weights kept between inference calls: reused while the weights, scale and bias are bit for bit the same, packed again
/// after any change however it was made, on every convolution path of a layer.
/// </summary>
[TestClass]
public sealed unsafe class WeightPackCacheTests
{
    private const int Channels = 4, PerChannel = 6;

    /// <summary>A packing that counts its calls: packed[i] = s[c]·w[i] + b[c], c = i / PerChannel.</summary>
    private sealed class CountingPacker(Tensor weights, Tensor? scale, Tensor? bias)
    {
        public int Calls { get; private set; }

        public WeightPackSource Source => new(weights.Pointer, weights.Length, scale is null ? null : scale.Pointer,
            bias is null ? null : bias.Pointer, Channels);

        public ScratchBuffer Pack(WeightPackCache? cache, object key) =>
            WeightPackCache.Pack(cache, key, Source, weights.Length, packed =>
            {
                Calls++;
                for (int i = 0; i < weights.Length; i++)
                {
                    int c = i / PerChannel;
                    packed[i] = (scale is null ? 1f : scale.Span[c]) * weights.Span[i] + (bias is null ? 0f : bias.Span[c]);
                }
            });
    }

    private static float[] Contents(ScratchBuffer buffer) => buffer.Span.ToArray();

    private static float[] Expected(Tensor w, Tensor s, Tensor b) =>
        [.. Enumerable.Range(0, w.Length).Select(i => s.Span[i / PerChannel] * w.Span[i] + b.Span[i / PerChannel])];

    [TestMethod]
    public void PacksOnceWhileTheSourceStaysTheSame()
    {
        var (w, s, b) = (TestData.Tensor(1, Channels * PerChannel), TestData.Tensor(2, Channels), TestData.Tensor(3, Channels));
        var packer = new CountingPacker(w, s, b);
        var cache = new WeightPackCache();
        for (int call = 0; call < 3; call++)
        {
            using var packed = packer.Pack(cache, "key");
            CollectionAssert.AreEqual(Expected(w, s, b), Contents(packed), $"call {call}");
        }
        Assert.AreEqual(1, packer.Calls, "packed on the first call only");
    }

    [TestMethod]
    public void AnyChangedBitOfTheWeightsScaleOrBiasOrAnotherKeyPacksAgain()
    {
        var (w, s, b) = (TestData.Tensor(1, Channels * PerChannel), TestData.Tensor(2, Channels), TestData.Tensor(3, Channels));
        var packer = new CountingPacker(w, s, b);
        var cache = new WeightPackCache();
        packer.Pack(cache, "key").Dispose();
        var changes = new (string What, Action Change, object Key)[]
        {
            ("a weight's lowest bit", () => w.Span[17] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(w.Span[17]) ^ 1), "key"),
            ("0 → −0 in the scale", () => { s.Span[2] = 0f; }, "key"),
            ("", () => { s.Span[2] = -0f; }, "key"),
            ("a bias", () => b.Span[3] += 1f, "key"),
            ("another key (another kernel or shape)", () => { }, "other key"),
        };
        int expectedCalls = 1;
        foreach (var (what, change, key) in changes)
        {
            change();
            using var packed = packer.Pack(cache, key);
            Assert.AreEqual(++expectedCalls, packer.Calls, $"packed again after {what}");
            CollectionAssert.AreEqual(Expected(w, s, b), Contents(packed), $"after {what}");
        }
        cache.Clear();
        packer.Pack(cache, "other key").Dispose();
        Assert.AreEqual(++expectedCalls, packer.Calls, "packed again after Clear");
    }

    [TestMethod]
    public void WithoutACacheOrWithoutScaleAndBiasItStillPacksCorrectly()
    {
        var w = TestData.Tensor(1, Channels * PerChannel);
        var packer = new CountingPacker(w, null, null);
        for (int call = 0; call < 2; call++)
        {
            using var packed = packer.Pack(null, "key");
            CollectionAssert.AreEqual(w.ToArray(), Contents(packed));
        }
        Assert.AreEqual(2, packer.Calls, "no cache: packed on every call");
        var cache = new WeightPackCache();
        packer.Pack(cache, "key").Dispose();
        packer.Pack(cache, "key").Dispose();
        Assert.AreEqual(3, packer.Calls, "absent scale and bias match absent ones");
    }

    /// <summary>Every convolution path at inference, on planes (a lone layer) and on channel blocks (a sequence with activations).</summary>
    public static IEnumerable<object[]> Paths() => ConvPath.All.Select(p => new object[] { p.Name });

    /// <summary>
    /// A network run at inference, its weights then edited in place (as user code, a loader or an optimizer may), run again:
    /// the same bits as a network built with the edited weights from the start, whose kernels pack them afresh.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Paths))]
    public void InferenceFollowsWeightsEditedInPlace(string path)
    {
        var (_, fold, direct, imagesPerChunk) = ConvPath.All.Single(p => p.Name == path);
        Sequential Build() => new("net",
            new Conv2dLayer("conv", 20, 36, 3, padding: 1), new ActivationLayer("relu", new ReLU()),
            new Conv2dLayer("pointwise", 36, 40, 1), new ActivationLayer("relu2", new ReLU()),
            new Conv2dLayer("dw", 40, 40, 3, padding: 1, groups: 40));
        void Edit(Sequential network)
        {
            foreach (var conv in network.Children.OfType<Conv2dLayer>())
            {
                conv.Weight.Value.Span[5] += 0.25f;
                conv.Bias!.Value.Span[^1] -= 0.5f;
            }
        }
        var x = TestData.Tensor(4, 3, 20, 6, 6);
        using var pinned = ConvPath.Pin(new Conv2dGeometry(3, 20, 6, 6, 36, 3, 3, padding: new Padding2d(1, 1, 1, 1)), fold, direct, imagesPerChunk);
        var network = Build();
        Initializer.Initialize(network, 2);
        float[] before = network.Forward(x, training: false).ToArray();
        Edit(network);
        float[] after = network.Forward(x, training: false).ToArray();

        var edited = Build();
        Initializer.Initialize(edited, 2);
        Edit(edited);
        CollectionAssert.AreEqual(edited.Forward(x, training: false).ToArray(), after, $"{path}: the edited weights");
        CollectionAssert.AreNotEqual(before, after, "the edit changes the output (else this test checks nothing)");
        var lone = (Conv2dLayer)network.Children[0];
        float[] loneBefore = lone.Forward(x, training: false).ToArray();
        lone.Weight.Value.Span[0] *= -1f;
        var expected = new float[loneBefore.Length];
        var g = new Conv2dGeometry(3, 20, 6, 6, 36, 3, 3, padding: new Padding2d(1, 1, 1, 1));
        Conv2dReference.Forward<float>(g, x.Span, lone.Weight.Value.Span, lone.Bias!.Value.Span, expected);
        Approx.AssertClose(expected, lone.Forward(x, training: false).Span, 1e-5, $"{path}: a lone layer on planes, edited");
    }
}
