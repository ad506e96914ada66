using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Detection;

/// <summary>
/// A generated detection and segmentation set: small gray items (Fashion-MNIST's 28×28 clothes, or any 1-channel
/// classification <see cref="ImageDataset"/>) pasted at random scales and positions onto a larger canvas over
/// low-contrast clutter, with exact boxes and masks (see <see cref="Scene"/> and <see cref="SceneOptions"/>). Scene i is
/// drawn from its own <c>Random(SeedMix.Of(seed, 0, i))</c> (its pixel noise from a SplitMix64 stream seeded
/// with SeedMix.Of(seed, 1, i)): the same seed, options and items give the same bytes for
/// scene i however many scenes are made, in whatever order or on however many threads. Painting order: background
/// color, clutter, the objects (each composited with its item's intensity as opacity over what is below), nearly Gaussian noise,
/// then rounding to bytes. For a held-out set, use the other part of Fashion-MNIST (<see cref="FromFashionMnist"/>'s
/// <c>train: false</c>) and another seed.
/// </summary>
public sealed class SceneGenerator
{
    private readonly ImageDataset _items;

    /// <param name="items">The objects to paste: classification images and their class names (e.g. Fashion-MNIST).</param>
    /// <param name="options">Canvas size, objects per scene and the other scene settings.</param>
    /// <param name="seed">The seed of every random draw: the same seed gives the same scenes.</param>
    public SceneGenerator(ImageDataset items, SceneOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        if (items.IsRegression || items.Channels != 1)
            throw new ArgumentException(
                $"The items must be 1-channel images with class labels (like Fashion-MNIST); {items.Layout} was given.", nameof(items));
        if (items.ClassCount > 254)
            throw new ArgumentException($"The class map holds at most 254 classes (label + 1 < {SceneSet.IgnoreLabel}); the items have {items.ClassCount}.", nameof(items));
        options.Validate();
        _items = items;
        Options = options;
        Seed = seed;
    }

    /// <summary>A generator over Fashion-MNIST's training (or, with <paramref name="train"/> false, test) images.</summary>
    public static SceneGenerator FromFashionMnist(SceneOptions options, int seed, bool train = true, string? directory = null) =>
        new(train ? FashionMnist.LoadTrain(directory) : FashionMnist.LoadTest(directory), options, seed);

    /// <summary>The scene settings.</summary>
    public SceneOptions Options { get; }
    /// <summary>The seed the scenes are drawn with.</summary>
    public int Seed { get; }
    /// <summary>The object classes: those of the items pasted.</summary>
    public IReadOnlyList<string> ClassNames => _items.ClassNames;

    /// <summary>Scene <paramref name="index"/> (≥ 0) on its own.</summary>
    public Scene Generate(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int plane = Options.Height * Options.Width;
        var pixels = new byte[Options.Channels * plane];
        var classMap = new byte[plane];
        var instanceMap = new byte[plane];
        var objects = Render(index, pixels, classMap, instanceMap);
        return new Scene(Options.Channels, Options.Height, Options.Width, pixels, classMap, instanceMap, objects);
    }

    /// <summary>
    /// Scenes <paramref name="firstIndex"/> … firstIndex + count − 1 (each the same as <see cref="Generate"/> of its index),
    /// made in parallel into one <see cref="SceneSet"/>.
    /// </summary>
    public SceneSet GenerateSet(int count, int firstIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        if ((long)firstIndex + count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), "Scene indices past int.MaxValue.");
        return GenerateSet(Enumerable.Range(firstIndex, count).ToArray());
    }

    /// <summary>The scenes of <paramref name="indices"/> (each ≥ 0, the same as <see cref="Generate"/> of it), made in parallel; scene i of the set is indices[i].</summary>
    public SceneSet GenerateSet(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Count == 0) throw new ArgumentException("No scene indices were given.", nameof(indices));
        if (indices.Any(index => index < 0)) throw new ArgumentOutOfRangeException(nameof(indices), "Scene indices must be ≥ 0.");
        int count = indices.Count, plane = Options.Height * Options.Width, imageSize = Options.Channels * plane;
        if ((long)count * imageSize > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(indices), $"{count} scenes of {imageSize} bytes do not fit in one array.");
        var pixels = new byte[count * imageSize];
        var classMaps = new byte[count * plane];
        var instanceMaps = new byte[count * plane];
        var objects = new SceneObject[count][];
        Parallel.For(0, count, i => objects[i] = Render(indices[i], pixels.AsSpan(i * imageSize, imageSize),
            classMaps.AsSpan(i * plane, plane), instanceMaps.AsSpan(i * plane, plane)));
        return new SceneSet(Options.Channels, Options.Height, Options.Width, ClassNames, pixels, classMaps, instanceMaps, objects, Options.MaxObjects);
    }

    /// <summary>
    /// Scenes 0 … <paramref name="count"/> − 1 as a detection source (as <see cref="SceneSet.DetectionSource"/>), rendered
    /// when a batch is read: no memory is held for them, so a training run can see far more scenes than fit in memory.
    /// </summary>
    public IBatchSource DetectionSource(int count) =>
        new GeneratedSceneSource(this, count, GenerateSet([0]).DetectionSource(Options.MaxObjects).Layout, set => set.DetectionSource(Options.MaxObjects));

    /// <summary>Scenes 0 … <paramref name="count"/> − 1 as a segmentation source (as <see cref="SceneSet.SegmentationSource"/>), rendered when a batch is read.</summary>
    public IBatchSource SegmentationSource(int count) =>
        new GeneratedSceneSource(this, count, GenerateSet([0]).SegmentationSource().Layout, set => set.SegmentationSource());

    private SceneObject[] Render(int index, Span<byte> pixels, Span<byte> classMap, Span<byte> instanceMap)
    {
        var random = new Random(SeedMix.Of(Seed, 0, index));
        using var canvas = new SceneCanvas(Options.Channels, Options.Height, Options.Width);
        var palette = new ScenePalette(random, Options);
        canvas.Fill(palette.Background);
        ClutterPainter.Paint(canvas, palette, _items, Options, random);

        var placer = new ObjectPlacer(_items, Options);
        int count = random.Next(Options.MinObjects, Options.MaxObjects + 1);
        for (int k = 0; k < count; k++)
            if (!placer.TryPlace(random))
                throw new InvalidOperationException(
                    $"Scene {index}: object {k + 1} of {count} found no place in {Options.MaxAttempts} tries on the {Options.Height}×{Options.Width} " +
                    $"canvas (MaxIoU {Options.MaxIoU}, MinVisibleFraction {Options.MinVisibleFraction}, scale {Options.MinScale} … {Options.MaxScale}). " +
                    "Lower MaxObjects or the scales, or raise MaxIoU or MaxAttempts.");
        foreach (var placed in placer.Objects) canvas.Paste(placed.Patch, palette.ObjectColor());
        canvas.Finish(Options.NoiseStd, new GaussianNoise((ulong)SeedMix.Of(Seed, 1, index)), pixels);

        placer.Owner.CopyTo(instanceMap);
        WriteClassMap(placer, classMap);
        return VisibleObjects(placer);
    }

    /// <summary>Label + 1 where an object is on top; IgnoreLabel where only an item's faint pixels (0 &lt; opacity &lt; threshold) lie; else 0.</summary>
    private void WriteClassMap(ObjectPlacer placer, Span<byte> classMap)
    {
        classMap.Clear();
        int height = Options.Height, width = Options.Width;
        foreach (var placed in placer.Objects)
        {
            var patch = placed.Patch;
            for (int i = Math.Max(0, -patch.Top); i < Math.Min(patch.Height, height - patch.Top); i++)
                for (int j = Math.Max(0, -patch.Left); j < Math.Min(patch.Width, width - patch.Left); j++)
                    if (patch[i, j] > 0) classMap[(patch.Top + i) * width + patch.Left + j] = SceneSet.IgnoreLabel;
        }
        for (int k = 0; k < classMap.Length; k++)
            if (placer.Owner[k] > 0) classMap[k] = (byte)(_items.Labels[placer.Objects[placer.Owner[k] - 1].Source] + 1);
    }

    /// <summary>Each object with the tight box of its pixels in the instance map.</summary>
    private SceneObject[] VisibleObjects(ObjectPlacer placer)
    {
        int n = placer.Objects.Count, width = Options.Width;
        var x0 = Enumerable.Repeat(int.MaxValue, n).ToArray();
        var y0 = Enumerable.Repeat(int.MaxValue, n).ToArray();
        var x1 = new int[n];
        var y1 = new int[n];
        for (int k = 0; k < placer.Owner.Length; k++)
        {
            int o = placer.Owner[k] - 1;
            if (o < 0) continue;
            int row = k / width, column = k % width;
            x0[o] = Math.Min(x0[o], column); x1[o] = Math.Max(x1[o], column);
            y0[o] = Math.Min(y0[o], row); y1[o] = Math.Max(y1[o], row);
        }
        return placer.Objects.Select((p, o) => new SceneObject(_items.Labels[p.Source],
            new Box(x0[o], y0[o], x1[o] + 1, y1[o] + 1), p.PlacedBox, p.VisiblePixels, p.PlacedPixels, p.Source, p.Scale)).ToArray();
    }
}
