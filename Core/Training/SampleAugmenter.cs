using System.Runtime.ExceptionServices;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>
/// Runs <see cref="TrainerOptions.Augmentation"/> over a gathered training batch, in place. Image i of the epoch gets
/// its own <c>new Random(SeedMix.Of(seed, epoch, datasetIndex))</c>: fresh parameters every epoch, the same ones in
/// every run, whatever the number of threads. The batch is cut into one contiguous chunk per worker, and each worker
/// reuses its own <see cref="AugmentationSample"/> (and coordinate buffer), so no sample object is allocated per image.
/// The targets move with the pixels as the layout says:
/// <list type="bullet">
/// <item>regression, with <see cref="AugmentTargets"/> other than None: the targets as the sample's keypoints or boxes;</item>
/// <item>segmentation: the class map as the sample's mask (nearest neighbour); pixels brought in from outside the image
/// (padding, a rotation's corners) become the ignore label, or class 0 without one;</item>
/// <item>detection: the real boxes (not the padding rows) as the sample's boxes, written back with their class ids; a box
/// the ops clamped to less than <see cref="MinBoxSize"/> pixels in width or height (it left the image, or kept only a
/// sliver of it) is dropped with its class, as torchvision v2's SanitizeBoundingBoxes does with its default min_size.</item>
/// </list>
/// </summary>
internal sealed class SampleAugmenter
{
    /// <summary>The least width and height, in pixels, of a detection box kept after the augmentation.</summary>
    public const float MinBoxSize = 1;

    private readonly IAugmentation _augmentation;
    private readonly AugmentTargets _targets;
    private readonly SampleLayout _layout;
    private readonly int _seed, _channels, _height, _width, _targetCount;
    private AugmentationSample[] _samples = [];
    private float[][] _coordinates = [];
    private Exception?[] _failures = [];

    public SampleAugmenter(IAugmentation augmentation, AugmentTargets targets, int seed, SampleLayout data)
    {
        _augmentation = augmentation;
        _targets = targets;
        _seed = seed;
        _layout = data;
        (_channels, _height, _width, _targetCount) = (data.Channels, data.Height, data.Width, data.TargetCount);
    }

    /// <summary>
    /// Augments images [n, C, H, W] and their targets (<see cref="SampleLayout.TargetShape"/>(n)) as the class summary
    /// says; image i is dataset image indices[i].
    /// </summary>
    public void Apply(Tensor images, Tensor targets, ArraySegment<int> indices, int epoch)
    {
        int count = indices.Count, workers = Math.Min(CnnParallel.Threads, count);
        EnsureWorkers(workers);
        CnnParallel.For(workers, worker =>
        {
            try
            {
                for (int i = worker * count / workers; i < (worker + 1) * count / workers; i++)
                    AugmentOne(_samples[worker], _coordinates[worker], images, targets, i, indices[i], epoch);
            }
            catch (Exception e) { _failures[worker] = e; }
        });
        // The first failure, as thrown: the same exception whatever the thread count (Parallel.For would wrap it).
        for (int worker = 0; worker < workers; worker++)
            if (_failures[worker] is { } failure)
            {
                Array.Clear(_failures);
                ExceptionDispatchInfo.Throw(failure);
            }
    }

    private void AugmentOne(AugmentationSample sample, float[] coordinates, Tensor images, Tensor targets, int i, int index, int epoch)
    {
        int size = _channels * _height * _width;
        var image = images.Span.Slice(i * size, size);
        sample.Reset(image, _height, _width);
        int rowLength = targets.Length / targets.Shape[0];
        var targetRow = targets.Span.Slice(i * rowLength, rowLength);
        HandOver(sample, coordinates, targetRow);

        _augmentation.Apply(sample, new Random(SeedMix.Of(_seed, epoch, index)));

        if (sample.Height != _height || sample.Width != _width)
            throw new InvalidOperationException(
                $"The augmentation turned a {_channels}×{_height}×{_width} training image into {_channels}×{sample.Height}×{sample.Width}; " +
                $"the network takes {_height}×{_width}. End the pipeline with an op that gives the input size back (a resize, or a crop of {_height}×{_width}).");
        sample.Pixels.CopyTo(image);
        TakeBack(sample, targetRow, index);
    }

    /// <summary>Gives the sample the targets that move with its pixels.</summary>
    private void HandOver(AugmentationSample sample, float[] coordinates, ReadOnlySpan<float> targetRow)
    {
        switch (_layout.Kind)
        {
            case TargetKind.Segmentation:
                // class + 1, so that the 0 the ops fill outside the image marks the pixels that came from there
                var mask = new int[targetRow.Length];
                for (int k = 0; k < mask.Length; k++) mask[k] = (int)targetRow[k] + 1;
                sample.Mask = mask;
                break;
            case TargetKind.Detection:
                var boxes = DetectionTargets.Read(targetRow);
                var corners = new float[4 * boxes.Length];
                for (int b = 0; b < boxes.Length; b++)
                    (corners[4 * b], corners[4 * b + 1], corners[4 * b + 2], corners[4 * b + 3]) = (boxes[b].X0, boxes[b].Y0, boxes[b].X1, boxes[b].Y1);
                sample.Boxes = corners;
                break;
            case TargetKind.Regression when _targets != AugmentTargets.None:
                targetRow.CopyTo(coordinates);
                if (_targets == AugmentTargets.Keypoints) sample.Keypoints = coordinates;
                else sample.Boxes = coordinates;
                break;
        }
    }

    /// <summary>Writes the moved targets back into the image's row of the target tensor.</summary>
    private void TakeBack(AugmentationSample sample, Span<float> targetRow, int index)
    {
        switch (_layout.Kind)
        {
            case TargetKind.Segmentation:
                var mask = sample.Mask!;
                float outside = _layout.IgnoreLabel ?? 0;
                for (int k = 0; k < targetRow.Length; k++) targetRow[k] = mask[k] == 0 ? outside : mask[k] - 1;
                break;
            case TargetKind.Detection:
                var classes = DetectionTargets.Read(targetRow);
                var corners = sample.Boxes ?? [];
                var kept = new List<GroundTruthBox>(classes.Length);
                for (int b = 0; b < classes.Length; b++)
                {
                    var box = new GroundTruthBox(corners[4 * b], corners[4 * b + 1], corners[4 * b + 2], corners[4 * b + 3], classes[b].ClassId);
                    if (box.X1 - box.X0 >= MinBoxSize && box.Y1 - box.Y0 >= MinBoxSize) kept.Add(box);
                }
                DetectionTargets.Write(kept, targetRow, _layout.MaxObjects, $"training image {index}");
                break;
            case TargetKind.Regression when _targets != AugmentTargets.None:
                var moved = (_targets == AugmentTargets.Keypoints ? sample.Keypoints : sample.Boxes) ?? [];
                if (moved.Length != _targetCount)
                    throw new InvalidOperationException(
                        $"The augmentation left {moved.Length} {_targets.ToString().ToLowerInvariant()} coordinates of an image that had {_targetCount}; " +
                        "regression targets must keep their count (an op that drops points cannot be used with AugmentTargets).");
                moved.AsSpan().CopyTo(targetRow);
                break;
        }
    }

    private void EnsureWorkers(int workers)
    {
        if (_samples.Length >= workers) return;
        int size = _channels * _height * _width;
        _samples = [.. _samples, .. Enumerable.Range(0, workers - _samples.Length).Select(_ => new AugmentationSample(new float[size], _channels, _height, _width))];
        _coordinates = [.. _coordinates, .. Enumerable.Range(0, workers - _coordinates.Length).Select(_ => new float[_targetCount])];
        _failures = new Exception?[workers];
    }
}
