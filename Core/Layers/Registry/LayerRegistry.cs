namespace MLNet.Cnn.Layers;

/// <summary>
/// Every layer type's <see cref="LayerKind"/>: the one place the model file, the ONNX exporter and the ONNX importer find
/// a layer type. The kinds are written by family, beside each other: containers, linear maps, normalizations, activations,
/// pooling and shaping. A layer type, a model-file type or an ONNX op registered twice fails here, when the registry is
/// first used.
/// </summary>
internal static class LayerRegistry
{
    public static IReadOnlyList<LayerKind> All { get; } =
        [.. ContainerKinds.All, .. LinearKinds.All, .. NormalizationKinds.All, .. ActivationKinds.All, .. PoolingKinds.All, .. ShapingKinds.All];

    private static readonly Dictionary<Type, LayerKind> ByType = All.ToDictionary(k => k.LayerType);
    private static readonly Dictionary<string, LayerKind> ByFileType = All.Where(k => k.FileType is not null).ToDictionary(k => k.FileType!);
    private static readonly Dictionary<string, LayerKind> ByOnnxOp = All.SelectMany(k => k.OnnxOps.Select(op => (op, k))).ToDictionary(p => p.op, p => p.k);

    /// <summary>The kind of layers of exactly this type, or null when the type is not registered.</summary>
    public static LayerKind? Of(Type layerType) => ByType.GetValueOrDefault(layerType);

    /// <summary>The kind written under this "type" in the model file, or null.</summary>
    public static LayerKind? OfFileType(string fileType) => ByFileType.GetValueOrDefault(fileType);

    /// <summary>The kind the importer builds from this ONNX op, or null.</summary>
    public static LayerKind? OfOnnxOp(string opType) => ByOnnxOp.GetValueOrDefault(opType);
}
