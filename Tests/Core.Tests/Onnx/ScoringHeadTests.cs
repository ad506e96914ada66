using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>The scoring graphs ONNX Runtime runs for the ML.NET trainers, against the core network (within 1e-5).</summary>
[TestClass]
public sealed class ScoringHeadTests
{
    private const int Side = 6, Classes = 3;

    /// <summary>A small classifier whose normalization is not the identity, so folding it into the graph matters.</summary>
    private static CnnModel Model(int classes = Classes)
    {
        var network = new Sequential("net", new Conv2dLayer("conv", 2, 4, 3, padding: 1), new ActivationLayer("relu", new ReLU()),
            new FlattenLayer("flatten"), new DenseLayer("fc", 4 * Side * Side, classes));
        Initializer.Initialize(network, 3);
        return new CnnModel(network, new TensorShape(2, Side, Side), [.. Enumerable.Range(0, classes).Select(i => $"c{i}")],
            new Normalization([0.5f, 0.25f], [2f, 0.5f]));
    }

    /// <summary>The core network's logits [N, K] for raw pixels (normalized here, as the graph does inside).</summary>
    private static float[] CoreLogits(CnnModel model, Tensor pixels)
    {
        var normalized = new Tensor(pixels.Shape);
        int plane = Side * Side, channels = pixels.Shape[1];
        for (int i = 0; i < pixels.Length; i++)
        {
            int c = i / plane % channels;
            normalized.Span[i] = (pixels.Span[i] - model.Normalization.Mean[c]) / model.Normalization.Std[c];
        }
        return model.Network.Forward(normalized, training: false).ToArray();
    }

    private static float[] Run(byte[] onnx, Tensor pixels, string output)
    {
        using var session = new InferenceSession(onnx);
        return OrtRun.Output(session, pixels, output, inputName: "pixels").Values;
    }

    [TestMethod]
    public void ProbabilitiesLogitsAndArgMaxAreTheCoreNetworksOnRawPixels()
    {
        var model = Model();
        var pixels = TestData.Tensor(4, 5, 2, Side, Side);
        var logits = CoreLogits(model, pixels);
        var onnx = new ScoringHead(model, "pixels").Probabilities("p").ArgMax("k", "p").Logits("raw").ToBytes();
        Approx.AssertClose(logits, Run(onnx, pixels, "raw"), 1e-5, "logits");
        var probabilities = Run(onnx, pixels, "p");
        var expected = new Tensor(5, Classes);
        Softmax.Forward(Tensor.FromArray(logits, 5, Classes), expected);
        Approx.AssertClose(expected.ToArray(), probabilities, 1e-5, "softmax");

        using var session = new InferenceSession(onnx);
        using var input = OrtValue.CreateTensorValueFromMemory(pixels.ToArray(), [5, 2, Side, Side]);
        using var results = session.Run(new RunOptions(), ["pixels"], [input], ["k"]);
        var classes = results[0].GetTensorDataAsSpan<long>().ToArray();
        for (int n = 0; n < 5; n++)
            Assert.AreEqual(Array.IndexOf(logits, logits.Skip(n * Classes).Take(Classes).Max(), n * Classes) - n * Classes, (int)classes[n], $"image {n}");
    }

    [TestMethod]
    public void TheMarginIsLogitOneMinusLogitZero()
    {
        var model = Model(classes: 2);
        var pixels = TestData.Tensor(5, 3, 2, Side, Side);
        var logits = CoreLogits(model, pixels);
        var margin = Run(new ScoringHead(model, "pixels").Margin("margin").ToBytes(), pixels, "margin");
        for (int n = 0; n < 3; n++) Assert.AreEqual(logits[2 * n + 1] - logits[2 * n], margin[n], 1e-5, $"image {n}");
        Assert.ThrowsExactly<InvalidOperationException>(() => new ScoringHead(Model(), "pixels").Margin("margin"));
    }

    [TestMethod]
    public void TenCropInTheGraphIsTheCoresTenCropOfThePaddedImage()
    {
        const int padding = 2;
        var model = Model();
        var pixels = TestData.Tensor(6, 2, 2, Side, Side);
        var probabilities = Run(new ScoringHead(model, "pixels").TenCropProbabilities("p", padding).ToBytes(), pixels, "p");

        // The core: normalize, zero-pad (the graph pads the raw pixels, so padding holds the raw value 0), ten-crop.
        int padded = Side + 2 * padding;
        var images = new Tensor(2, 2, padded, padded);
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < padded; i++)
                    for (int j = 0; j < padded; j++)
                    {
                        int y = i - padding, x = j - padding;
                        float raw = y is >= 0 and < Side && x is >= 0 and < Side ? pixels.Span[((n * 2 + c) * Side + y) * Side + x] : 0f;
                        images.Span[((n * 2 + c) * padded + i) * padded + j] = (raw - model.Normalization.Mean[c]) / model.Normalization.Std[c];
                    }
        var expected = TenCrop.Predict(model.Network, images, Side, Side);
        Approx.AssertClose(expected.ToArray(), probabilities, 1e-5, "ten-crop probabilities");
    }

    [TestMethod]
    public void AnInputNameTakenInsideTheGraphIsRefusedByName()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ScoringHead(Model(), "logits"));
        StringAssert.Contains(e.Message, "'logits'");
    }
}
