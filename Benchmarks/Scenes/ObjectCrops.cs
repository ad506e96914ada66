using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks.Scenes;

/// <summary>
/// Every object of generated scenes cut out as a 28×28 crop (RoIAlign, aligned, adaptive sampling) — what a second-stage
/// classifier (R-CNN) would see: a square around the centre of the object's visible box, its side the box's longer side
/// × 28/24 (Fashion-MNIST's items fill about 24 of their 28 pixels), the centre and side moved by up to ±<c>jitter</c> of
/// the side when training.
/// </summary>
internal sealed record ObjectCrops(ImageDataset Crops, double[] HiddenFraction, int[] SceneOf)
{
    public const int Size = 28;

    public static ObjectCrops Cut(SceneSet scenes, double jitter, int seed)
    {
        var random = new Random(seed);
        var images = new Tensor(scenes.Count, scenes.Channels, scenes.Height, scenes.Width);
        scenes.GatherImages(Enumerable.Range(0, scenes.Count).ToArray(), images);
        var rois = new List<float>();
        var labels = new List<int>();
        var hidden = new List<double>();
        var sceneOf = new List<int>();
        for (int i = 0; i < scenes.Count; i++)
            foreach (var o in scenes.Objects(i))
            {
                double side = Math.Max(o.Box.X2 - o.Box.X1, o.Box.Y2 - o.Box.Y1);
                double Shift() => (random.NextDouble() * 2 - 1) * jitter;
                double cx = (o.Box.X1 + o.Box.X2) / 2.0 + Shift() * side, cy = (o.Box.Y1 + o.Box.Y2) / 2.0 + Shift() * side;
                double half = side * (1 + Shift()) * Size / 24.0 / 2;
                rois.AddRange([i, (float)(cx - half), (float)(cy - half), (float)(cx + half), (float)(cy + half)]);
                labels.Add(o.Label);
                hidden.Add(1 - o.VisiblePixels / (double)o.PlacedPixels);
                sceneOf.Add(i);
            }
        var crops = RoIAlign.Forward(images, Tensor.FromArray(rois.ToArray(), rois.Count / 5, 5),
            new RoIAlignOptions(Size, Size, SamplingRatio: -1, Aligned: true));
        var dataset = new ImageDataset(crops.Span.ToArray(), labels.ToArray(), scenes.Channels, Size, Size, scenes.ClassNames);
        return new ObjectCrops(dataset, hidden.ToArray(), sceneOf.ToArray());
    }
}
