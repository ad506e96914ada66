using MLNet.Cnn.Onnx.Quantization;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Onnx.Quantization;

[TestClass]
public sealed class QuantizationMathTests
{
    [TestMethod]
    [DataRow(0f, 2.55f, 0.01f, 0)]
    [DataRow(-1f, 1f, 2f / 255f, 127)] // −min / scale = 127.49999… with the float32 scale
    [DataRow(0.5f, 2f, 2f / 255f, 0)] // widened to hold 0
    [DataRow(-3f, -1f, 3f / 255f, 255)]
    [DataRow(0f, 0f, 1f, 0)]
    public void ActivationScaleAndZeroPoint(float min, float max, float scale, int zeroPoint)
    {
        var (s, z) = QuantizationMath.Activation(min, max);
        Assert.AreEqual(scale, s, 1e-7f);
        Assert.AreEqual(zeroPoint, z);
    }

    [TestMethod]
    public void AnUnorderedOrNonFiniteRangeIsRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => QuantizationMath.Activation(1f, 0f));
        Assert.ThrowsExactly<ArgumentException>(() => QuantizationMath.Activation(float.NaN, 1f));
    }

    [TestMethod]
    [DataRow(127)]
    [DataRow(63)] // the 7-bit range of ReduceRange
    public void PerChannelWeightsAgainstAPlainLoop(int limit)
    {
        // A convolution weight [M = 4, C = 3, 2, 2], channels along axis 0; channel 2 all zero.
        var weights = TestData.Floats(3, 4 * 3 * 2 * 2, 0.8f);
        for (int i = 24; i < 36; i++) weights[i] = 0;
        var (values, scales) = QuantizationMath.PerChannelWeights(weights, [4, 3, 2, 2], axis: 0, limit);
        for (int m = 0; m < 4; m++)
        {
            double largest = 0;
            for (int i = m * 12; i < (m + 1) * 12; i++) largest = Math.Max(largest, Math.Abs(weights[i]));
            double scale = largest == 0 ? 1 : largest / limit;
            Assert.AreEqual(scale, scales[m], 1e-7, $"scale of channel {m}");
            for (int i = m * 12; i < (m + 1) * 12; i++)
            {
                Assert.AreEqual((int)Math.Round(weights[i] / scale), values[i], $"weight {i}");
                Assert.IsTrue(Math.Abs(weights[i] - values[i] * scales[m]) <= scale / 2 + 1e-7);
            }
            if (largest > 0) Assert.AreEqual(limit, values.Skip(m * 12).Take(12).Max(v => Math.Abs((int)v)), "the largest weight maps to ±limit");
        }
    }

    [TestMethod]
    public void PerChannelWeightsAlongTheSecondAxis()
    {
        // A MatMul weight [in = 3, out = 2]: channel c is column c.
        float[] weights = [1f, -4f, 0.5f, 2f, -2f, 1f];
        var (values, scales) = QuantizationMath.PerChannelWeights(weights, [3, 2], axis: 1);
        CollectionAssert.AreEqual(new[] { 2f / 127, 4f / 127 }, scales);
        CollectionAssert.AreEqual(new sbyte[] { 64, -127, 32, 64, -127, 32 }, values);
    }

    [TestMethod]
    public void BiasesUseInputScaleTimesWeightScale()
    {
        var (values, scales) = QuantizationMath.Biases([0.5f, -0.25f], inputScale: 0.1f, [0.01f, 0.05f]);
        CollectionAssert.AreEqual(new[] { 500, -50 }, values);
        Assert.AreEqual(0.001f, scales[0], 1e-9f);
        Assert.AreEqual(0.005f, scales[1], 1e-9f);
    }
}
