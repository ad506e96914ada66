using System.Runtime.ExceptionServices;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>
/// Runs <see cref="TrainerOptions.Augmentation"/> over a gathered training batch, in place. Image i of the epoch gets
/// its own <c>new Random(SeedMix.Of(seed, epoch, datasetIndex))</c>: fresh parameters every epoch, the same ones in
/// every run, whatever the number of threads. The batch is cut into one contiguous chunk per worker, and each worker
/// reuses its own <see cref="AugmentationSample"/> (and coordinate buffer), so no sample object is allocated per image.
/// </summary>
internal sealed class SampleAugmenter
{
    private readonly IAugmentation _augmentation;
    private readonly AugmentTargets _targets;
    private readonly int _seed, _channels, _height, _width, _targetCount;
    private AugmentationSample[] _samples = [];
    private float[][] _coordinates = [];
    private Exception?[] _failures = [];

    public SampleAugmenter(IAugmentation augmentation, AugmentTargets targets, int seed, SampleLayout data)
    {
        _augmentation = augmentation;
        _targets = targets;
        _seed = seed;
        (_channels, _height, _width, _targetCount) = (data.Channels, data.Height, data.Width, data.TargetCount);
    }

    /// <summary>Augments images [n, C, H, W] and, for <see cref="AugmentTargets"/> other than None, their targets [n, T]; image i is dataset image indices[i].</summary>
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
        Span<float> targetRow = _targets == AugmentTargets.None ? [] : targets.Span.Slice(i * _targetCount, _targetCount);
        targetRow.CopyTo(coordinates);
        if (_targets == AugmentTargets.Keypoints) sample.Keypoints = coordinates;
        if (_targets == AugmentTargets.Boxes) sample.Boxes = coordinates;

        _augmentation.Apply(sample, new Random(SeedMix.Of(_seed, epoch, index)));

        if (sample.Height != _height || sample.Width != _width)
            throw new InvalidOperationException(
                $"The augmentation turned a {_channels}×{_height}×{_width} training image into {_channels}×{sample.Height}×{sample.Width}; " +
                $"the network takes {_height}×{_width}. End the pipeline with an op that gives the input size back (a resize, or a crop of {_height}×{_width}).");
        sample.Pixels.CopyTo(image);
        if (_targets == AugmentTargets.None) return;
        var moved = (_targets == AugmentTargets.Keypoints ? sample.Keypoints : sample.Boxes) ?? [];
        if (moved.Length != _targetCount)
            throw new InvalidOperationException(
                $"The augmentation left {moved.Length} {_targets.ToString().ToLowerInvariant()} coordinates of an image that had {_targetCount}; " +
                "regression targets must keep their count (an op that drops points cannot be used with AugmentTargets).");
        moved.AsSpan().CopyTo(targetRow);
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
