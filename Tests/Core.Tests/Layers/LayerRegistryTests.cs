using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>
/// The completeness check of <see cref="LayerRegistry"/>: every public concrete <see cref="Layer"/> type of the core,
/// found by reflection, is registered, and its samples (<see cref="LayerSamples"/>) go through the round trips its
/// registration promises (<see cref="LayerRoundTrips"/>: model file, ONNX Runtime, ONNX re-import). A new layer type fails
/// here, by name, until it is registered and has samples. What a layer legitimately cannot do is listed in
/// <see cref="Limits"/> with the reason, and checked to still fail, so that the exception goes when the limitation does.
/// </summary>
[TestClass]
public sealed class LayerRegistryTests
{
    /// <summary>The round trips some layers cannot make, and why.</summary>
    private static readonly (Func<Layer, bool> Applies, RoundTrip Cannot, string Because)[] Limits =
    [
        (layer => layer is OnnxNetwork, RoundTrip.ModelFile,
            "an imported network is no architecture of the model file: it is kept as the ONNX file it came from (OnnxNetwork.SaveOnnx)"),
        (layer => layer is LrnLayer { Size: var size } && size % 2 == 0, RoundTrip.Reimport,
            "ONNX Runtime's LRN takes odd sizes only, so an even size is exported written out as Mul, a 3-D AveragePool, Pow and Div, which the importer does not map"),
    ];

    private static IEnumerable<Type> PublicLayerTypes() =>
        typeof(Layer).Assembly.GetTypes().Where(t => t.IsVisible && !t.IsAbstract && typeof(Layer).IsAssignableFrom(t));

    public static IEnumerable<object[]> LayerTypeNames() => PublicLayerTypes().Select(t => t.Name).Order().Select(name => new object[] { name });

    [TestMethod]
    public void EveryPublicLayerTypeIsRegisteredAndHasSamples()
    {
        var types = PublicLayerTypes().ToArray();
        void None(IEnumerable<Type> found, string what)
        {
            var names = found.Select(t => t.Name).Order().ToArray();
            if (names.Length > 0) Assert.Fail($"{what}: {string.Join(", ", names)}");
        }
        None(types.Where(t => LayerRegistry.Of(t) is null),
            "layer types with no LayerKind (add one in Core/Layers/Registry: model-file entry, ONNX export, ONNX import)");
        None(types.Where(t => !LayerSamples.ByType.ContainsKey(t)), $"layer types with no samples in {nameof(LayerSamples)}");
        None(LayerRegistry.All.Select(k => k.LayerType).Except(types), "registered types that are no public concrete layer type");
    }

    [TestMethod]
    [DynamicData(nameof(LayerTypeNames))]
    public void EveryLayerTypeRoundTrips(string typeName)
    {
        var type = PublicLayerTypes().Single(t => t.Name == typeName);
        if (!LayerSamples.ByType.TryGetValue(type, out var samples)) Assert.Fail($"{typeName} has no samples in {nameof(LayerSamples)}.");
        foreach (var (layer, input) in samples())
        {
            Assert.AreEqual(type, layer.GetType(), "a sample of another type");
            var limits = Limits.Where(l => l.Applies(layer)).ToArray();
            var cannot = limits.Aggregate(RoundTrip.None, (all, l) => all | l.Cannot);
            Assert.AreEqual(!cannot.HasFlag(RoundTrip.ModelFile), LayerCatalog.Knows(type), $"{layer}: LayerCatalog.Knows");
            TestNetworks.Randomize(layer);
            var x = TestData.Tensor(7, input);
            foreach (ref float v in x.Span) v *= 3f;
            LayerRoundTrips.Check(layer, x, cannot, string.Join("; ", limits.Select(l => l.Because)));
        }
    }
}
