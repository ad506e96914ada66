namespace MLNet.Cnn.Detection;

/// <summary>The input checks shared by the COCO and VOC evaluations: names the image, the object and what was expected.</summary>
internal static class DetectionImageCheck
{
    public static void Validate(IReadOnlyList<DetectionImage> images, int classCount)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (classCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "The number of classes must be positive.");
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i] ?? throw new ArgumentException($"Image {i} is null.", nameof(images));
            if (image.GroundTruth is null || image.Detections is null)
                throw new ArgumentException($"Image {i} has no {(image.GroundTruth is null ? "ground-truth" : "detection")} list; pass an empty list when there is nothing.", nameof(images));
            for (int j = 0; j < image.GroundTruth.Count; j++)
            {
                var g = image.GroundTruth[j];
                CheckBox(g.X0, g.Y0, g.X1, g.Y1, g.ClassId, classCount, $"image {i}, ground-truth box {j}");
            }
            for (int j = 0; j < image.Detections.Count; j++)
            {
                var d = image.Detections[j];
                CheckBox(d.X0, d.Y0, d.X1, d.Y1, d.ClassId, classCount, $"image {i}, detection {j}");
                if (!float.IsFinite(d.Score))
                    throw new ArgumentException($"The score of image {i}, detection {j} must be finite; it is {d.Score}.", nameof(images));
            }
        }
    }

    private static void CheckBox(float x0, float y0, float x1, float y1, int classId, int classCount, string where)
    {
        if (!float.IsFinite(x0) || !float.IsFinite(y0) || !float.IsFinite(x1) || !float.IsFinite(y1) || x1 < x0 || y1 < y0)
            throw new ArgumentException($"The box of {where} must be finite (x0, y0, x1, y1) with x0 ≤ x1 and y0 ≤ y1; it is ({x0}, {y0}, {x1}, {y1}).", "images");
        if (classId < 0 || classId >= classCount)
            throw new ArgumentException($"The class id of {where} must lie in [0, {classCount}); it is {classId}.", "images");
    }
}
