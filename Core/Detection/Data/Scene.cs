namespace MLNet.Cnn.Detection;

/// <summary>
/// One generated scene: the image, its objects (class and box, in paste order) and two masks over the canvas.
/// <list type="bullet">
/// <item><see cref="PixelBytes"/>: [C, H, W] bytes, value/255 is the pixel (as the project's datasets scale images to [0, 1]);</item>
/// <item><see cref="ClassMap"/>: [H, W], 0 background, label + 1 for an object's visible pixel, <see cref="SceneSet.IgnoreLabel"/>
/// for an item's faint pixels (opacity above 0 but below <see cref="SceneOptions.MaskThreshold"/>: its soft rim, dark spots
/// inside it) that no object's mask covers;</item>
/// <item><see cref="InstanceMap"/>: [H, W], 0 where no object, k + 1 where object k is visible (on top).</item>
/// </list>
/// Occlusion: a later object covers an earlier one, and both masks and <see cref="SceneObject.Box"/> keep only visible pixels.
/// </summary>
public sealed class Scene
{
    internal Scene(int channels, int height, int width, ReadOnlyMemory<byte> pixels, ReadOnlyMemory<byte> classMap,
        ReadOnlyMemory<byte> instanceMap, IReadOnlyList<SceneObject> objects)
    {
        Channels = channels;
        Height = height;
        Width = width;
        _pixels = pixels;
        _classMap = classMap;
        _instanceMap = instanceMap;
        Objects = objects;
    }

    private readonly ReadOnlyMemory<byte> _pixels, _classMap, _instanceMap;

    /// <summary>C, the image channels.</summary>
    public int Channels { get; }
    /// <summary>H, the canvas height in pixels.</summary>
    public int Height { get; }
    /// <summary>W, the canvas width in pixels.</summary>
    public int Width { get; }

    /// <summary>The objects in paste order; object k is instance k + 1 in <see cref="InstanceMap"/>.</summary>
    public IReadOnlyList<SceneObject> Objects { get; }

    /// <summary>The image [C, H, W] as bytes; value / 255 is the pixel in [0, 1].</summary>
    public ReadOnlySpan<byte> PixelBytes => _pixels.Span;
    /// <summary>The class map [H, W]: 0 background, label + 1 on an object, or the ignore label (see the type's summary).</summary>
    public ReadOnlySpan<byte> ClassMap => _classMap.Span;
    /// <summary>The instance map [H, W]: 0 where no object, k + 1 where object k is visible.</summary>
    public ReadOnlySpan<byte> InstanceMap => _instanceMap.Span;

    /// <summary>The pixels [C, H, W] as floats in [0, 1] (byte / 255), written into <paramref name="target"/>.</summary>
    public void CopyPixels(Span<float> target)
    {
        var bytes = PixelBytes;
        if (target.Length != bytes.Length)
            throw new ArgumentException($"A {Channels}×{Height}×{Width} scene needs {bytes.Length} floats; {target.Length} were given.", nameof(target));
        for (int k = 0; k < bytes.Length; k++) target[k] = bytes[k] / 255f;
    }

    /// <summary>The visible pixels of object <paramref name="index"/> as a [H, W] mask.</summary>
    public bool[] InstanceMask(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Objects.Count);
        var instances = InstanceMap;
        var mask = new bool[instances.Length];
        for (int k = 0; k < mask.Length; k++) mask[k] = instances[k] == index + 1;
        return mask;
    }
}
