using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Detection.Yolo;

/// <summary>Builds head outputs for the YOLO tests: by (image, anchor, field, cell), or random in double.</summary>
internal static class YoloOutputs
{
    public static Tensor Zeros(YoloHead head, int batch, int height, int width) => new(batch, head.Channels, height, width);

    public static void Set(this Tensor output, YoloHead head, int n, int a, int field, int i, int j, float value) =>
        output[n, a * head.ChannelsPerAnchor + field, i, j] = value;

    public static double[] Random(YoloHead head, YoloGrid grid, int seed, double scale = 1)
    {
        var random = new Random(seed);
        var values = new double[grid.Batch * head.Channels * grid.Height * grid.Width];
        for (int k = 0; k < values.Length; k++) values[k] = (random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    public static IReadOnlyList<GroundTruthBox>[] Images(params GroundTruthBox[][] images) => images;
}
