namespace MLNet.Cnn.Detection;

/// <summary>
/// How <see cref="SceneGenerator"/> composes a scene: the canvas, how many items it holds and how large, how much they
/// may overlap, colors, clutter and noise. The defaults make 96×96 gray scenes with 1–5 items scaled 0.8×–2×.
/// <see cref="Validate"/> refuses a setting outside its range with a message naming it.
/// </summary>
public sealed record SceneOptions
{
    /// <summary>Canvas height in pixels (default 96).</summary>
    public int Height { get; init; } = 96;

    /// <summary>Canvas width in pixels (default 96).</summary>
    public int Width { get; init; } = 96;

    /// <summary>Fewest objects in a scene (default 1; 0 allows scenes without objects).</summary>
    public int MinObjects { get; init; } = 1;

    /// <summary>Most objects in a scene (default 5); the count is uniform over MinObjects … MaxObjects.</summary>
    public int MaxObjects { get; init; } = 5;

    /// <summary>Smallest scale of an item (default 0.8: a 28×28 item becomes 22×22).</summary>
    public double MinScale { get; init; } = 0.8;

    /// <summary>Largest scale of an item (default 2: 56×56); the scale is uniform over MinScale … MaxScale, bilinear.</summary>
    public double MaxScale { get; init; } = 2.0;

    /// <summary>
    /// The largest IoU allowed between the placed boxes (<see cref="SceneObject.PlacedBox"/>) of two objects (default 0.3);
    /// 0 forbids overlapping boxes, 1 allows any overlap.
    /// </summary>
    public double MaxIoU { get; init; } = 0.3;

    /// <summary>
    /// The fraction of an object's placed pixels that later objects must leave visible (default 0.5), so that no object
    /// disappears under others.
    /// </summary>
    public double MinVisibleFraction { get; init; } = 0.5;

    /// <summary>
    /// False (default): every object pixel lies inside the canvas. True: an item may stick out of the canvas as long as the
    /// centre of its box is inside; its box and masks are what remains inside.
    /// </summary>
    public bool AllowClipping { get; init; }

    /// <summary>True: 3-channel RGB scenes with random background, object and clutter colors; false (default): 1-channel gray.</summary>
    public bool Color { get; init; }

    /// <summary>The least difference in mean level between an object's color and the background (default 0.4, at most 0.5).</summary>
    public double MinContrast { get; init; } = 0.4;

    /// <summary>Fewest clutter shapes (blobs, strokes, fragments of other items) under the objects (default 2).</summary>
    public int MinClutter { get; init; } = 2;

    /// <summary>Most clutter shapes (default 6).</summary>
    public int MaxClutter { get; init; } = 6;

    /// <summary>The largest per-channel difference between a clutter color and the background (default 0.15).</summary>
    public double ClutterContrast { get; init; } = 0.15;

    /// <summary>
    /// Standard deviation of the noise added to every pixel before it is clamped to [0, 1] (default 0.02): nearly Gaussian
    /// (a standardized sum of four uniforms, bounded at ±2√3 standard deviations).
    /// </summary>
    public double NoiseStd { get; init; } = 0.02;

    /// <summary>
    /// An item's pixel belongs to its object when its scaled intensity (its opacity) is at least this (default 0.1); the
    /// faint pixels below it (but above 0: the soft rim, dark spots inside) are <see cref="SceneSet.IgnoreLabel"/> in the class
/// map unless an object's mask covers them.
    /// </summary>
    public double MaskThreshold { get; init; } = 0.1;

    /// <summary>Tries to place each object (default 100); the scale range shrinks towards MinScale as tries fail.</summary>
    public int MaxAttempts { get; init; } = 100;

    /// <summary>3 for <see cref="Color"/> scenes, 1 for gray.</summary>
    public int Channels => Color ? 3 : 1;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting outside its range.</summary>
    public void Validate()
    {
        Require(Height >= 8 && Width >= 8, $"The canvas must be at least 8×8; Height {Height} × Width {Width} was given.");
        Require((long)Height * Width <= 1 << 24, $"The canvas {Height}×{Width} is larger than 2^24 pixels.");
        Require(MinObjects >= 0 && MaxObjects >= MinObjects && MaxObjects <= 254,
            $"MinObjects … MaxObjects must satisfy 0 ≤ MinObjects ≤ MaxObjects ≤ 254; {MinObjects} … {MaxObjects} was given.");
        Require(double.IsFinite(MinScale) && double.IsFinite(MaxScale) && MinScale > 0 && MaxScale >= MinScale,
            $"MinScale … MaxScale must satisfy 0 < MinScale ≤ MaxScale; {MinScale} … {MaxScale} was given.");
        Require(InUnit(MaxIoU), $"MaxIoU must be in [0, 1]; {MaxIoU} was given.");
        Require(InUnit(MinVisibleFraction), $"MinVisibleFraction must be in [0, 1]; {MinVisibleFraction} was given.");
        Require(MinContrast >= 0 && MinContrast <= 0.5, $"MinContrast must be in [0, 0.5]; {MinContrast} was given.");
        Require(MinClutter >= 0 && MaxClutter >= MinClutter,
            $"MinClutter … MaxClutter must satisfy 0 ≤ MinClutter ≤ MaxClutter; {MinClutter} … {MaxClutter} was given.");
        Require(InUnit(ClutterContrast), $"ClutterContrast must be in [0, 1]; {ClutterContrast} was given.");
        Require(NoiseStd >= 0 && double.IsFinite(NoiseStd), $"NoiseStd must be finite and ≥ 0; {NoiseStd} was given.");
        Require(MaskThreshold > 0 && MaskThreshold <= 1, $"MaskThreshold must be in (0, 1]; {MaskThreshold} was given.");
        Require(MaxAttempts >= 1, $"MaxAttempts must be at least 1; {MaxAttempts} was given.");
    }

    private static bool InUnit(double value) => value >= 0 && value <= 1;

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException(message, "options");
    }
}
