using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Detection;

/// <summary>
/// Generated scenes held in memory (<see cref="SceneGenerator.GenerateSet(int, int)"/>): images [count, C, H, W] stored as bytes
/// (a quarter of the room of floats; read as byte / 255, so images are in [0, 1] as in the project's
/// <see cref="Data.ImageDataset"/>), and per scene its objects and its class and instance maps (see <see cref="Scene"/>).
/// Batches are gathered by index into caller-owned tensors: images for the network, class maps as the [n, H, W] float
/// targets of <see cref="Training.PixelwiseCrossEntropy"/> (use <see cref="IgnoreLabel"/> as its ignore index).
/// </summary>
public sealed class SceneSet
{
    /// <summary>The class-map value of pixels no class should be scored on: an item's faint pixels (VOC's 255).</summary>
    public const int IgnoreLabel = 255;

    private readonly byte[] _pixels, _classMaps, _instanceMaps;
    private readonly SceneObject[][] _objects;

    internal SceneSet(int channels, int height, int width, IReadOnlyList<string> classNames,
        byte[] pixels, byte[] classMaps, byte[] instanceMaps, SceneObject[][] objects, int maxObjects)
    {
        MaxObjects = maxObjects;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames;
        _pixels = pixels;
        _classMaps = classMaps;
        _instanceMaps = instanceMaps;
        _objects = objects;
    }

    /// <summary>The number of scenes.</summary>
    public int Count => _objects.Length;
    /// <summary>C, the image channels.</summary>
    public int Channels { get; }
    /// <summary>H, the canvas height in pixels.</summary>
    public int Height { get; }
    /// <summary>W, the canvas width in pixels.</summary>
    public int Width { get; }
    /// <summary>C·H·W, the pixel values per scene.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>The object classes (Fashion-MNIST's ten names for its items); object labels index them.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Classes of the class map: background plus one per object class (11 for Fashion-MNIST).</summary>
    public int SegmentationClassCount => ClassNames.Count + 1;

    /// <summary>The most objects a scene of this set may hold (the generator's <see cref="SceneOptions.MaxObjects"/>).</summary>
    public int MaxObjects { get; }

    /// <summary>
    /// The set as a segmentation source for <see cref="Training.Trainer"/>: images and class maps, layout classes
    /// "background" and the object class names, ignore label <see cref="IgnoreLabel"/>.
    /// </summary>
    public IBatchSource SegmentationSource() =>
        new SceneSource(this, SampleLayout.Segmentation(Channels, Height, Width, ["background", .. ClassNames], IgnoreLabel), GatherClassMaps);

    /// <summary>
    /// The set as a detection source for <see cref="Training.Trainer"/>: images and, per scene, its objects' boxes
    /// (<see cref="SceneObject.Box"/>) with their labels as class ids, in rows of <paramref name="maxObjects"/>
    /// (default: <see cref="MaxObjects"/>, so that sets made with the same options match); see <see cref="DetectionTargets"/>.
    /// </summary>
    public IBatchSource DetectionSource(int? maxObjects = null)
    {
        int rows = maxObjects ?? Math.Max(MaxObjects, _objects.Length == 0 ? 1 : _objects.Max(o => o.Length));
        var layout = SampleLayout.Detection(Channels, Height, Width, ClassNames, rows);
        return new SceneSource(this, layout, GatherBoxes);
    }

    /// <summary>The detection targets of scenes <paramref name="indices"/> into <paramref name="targets"/> [n, maxObjects, 5].</summary>
    private void GatherBoxes(ReadOnlySpan<int> indices, Tensor targets)
    {
        int rowLength = targets.Length / indices.Length;
        for (int i = 0; i < indices.Length; i++)
        {
            var boxes = _objects[indices[i]].Select(o => new GroundTruthBox(o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2, o.Label)).ToArray();
            DetectionTargets.Write(boxes, targets.Span.Slice(i * rowLength, rowLength), targets.Shape[1], $"scene {indices[i]}");
        }
    }

    /// <summary>Scene <paramref name="index"/>, sharing this set's memory.</summary>
    public Scene this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            int plane = Height * Width;
            return new Scene(Channels, Height, Width, _pixels.AsMemory(index * ImageSize, ImageSize),
                _classMaps.AsMemory(index * plane, plane), _instanceMaps.AsMemory(index * plane, plane), _objects[index]);
        }
    }

    /// <summary>The objects of scene <paramref name="index"/> in paste order.</summary>
    public IReadOnlyList<SceneObject> Objects(int index) => _objects[index];

    /// <summary>Copies scenes <paramref name="indices"/> into <paramref name="images"/> [n, C, H, W] as floats in [0, 1].</summary>
    public void GatherImages(ReadOnlySpan<int> indices, Tensor images)
    {
        Require.Shape(images, new TensorShape(indices.Length, Channels, Height, Width), nameof(images));
        var span = images.Span;
        for (int i = 0; i < indices.Length; i++) this[indices[i]].CopyPixels(span.Slice(i * ImageSize, ImageSize));
    }

    /// <summary>Copies the class maps of <paramref name="indices"/> into <paramref name="classMaps"/> [n, H, W] as floats (0 … classes, or IgnoreLabel).</summary>
    public void GatherClassMaps(ReadOnlySpan<int> indices, Tensor classMaps)
    {
        Require.Shape(classMaps, new TensorShape(indices.Length, Height, Width), nameof(classMaps));
        var span = classMaps.Span;
        int plane = Height * Width;
        for (int i = 0; i < indices.Length; i++)
        {
            var map = this[indices[i]].ClassMap;
            for (int k = 0; k < plane; k++) span[i * plane + k] = map[k];
        }
    }
}
