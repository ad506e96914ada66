using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Tensors;
using static MLNet.Cnn.Transforms.Tests.StripeImages;

namespace MLNet.Cnn.Transforms.Tests;

/// <summary>What the featurizer writes, and how it refuses a wrong layer or a wrong pixel column.</summary>
[TestClass]
public sealed class CnnFeaturizerTests
{
    private static float[][] Featurize(string layer, IReadOnlyList<Image> images)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(images);
        var featurized = ml.Transforms.CnnFeaturizer(Model, layer).Fit(data).Transform(data);
        return featurized.GetColumn<float[]>("CnnFeatures").ToArray();
    }

    private static void AssertClose(Tensor expected, float[][] actual, string what)
    {
        int size = expected.Length / expected.Shape[0];
        Assert.AreEqual(expected.Shape[0], actual.Length, $"{what}: rows");
        for (int row = 0; row < actual.Length; row++)
        {
            Assert.AreEqual(size, actual[row].Length, $"{what}: row {row} length");
            for (int i = 0; i < size; i++)
            {
                float e = expected.Span[row * size + i];
                if (!(Math.Abs(e - actual[row][i]) <= 1e-5 * Math.Max(1, Math.Abs(e))))
                    Assert.Fail($"{what}: row {row} value {i} is {actual[row][i]}; the core's forward pass gives {e}.");
            }
        }
    }

    [TestMethod]
    public void TheFeaturesAreTheCoreActivationsOfThatLayerOnTheNormalizedPixels()
    {
        var images = Make(20, 3);
        var features = (Layers.Sequential)Model.Network.Children[0];
        var input = Normalized(images);
        var relu = features.Children[1].Forward(features.Children[0].Forward(input, training: false), training: false);
        AssertClose(relu, Featurize("features/relu", images), "features/relu");
        AssertClose(Model.Network.Forward(input, training: false), Featurize("fc", images), "fc");
    }

    [TestMethod]
    public void AnUnknownLayerNameListsTheLayers()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Transforms.CnnFeaturizer(Model, "features/conv2"));
        StringAssert.Contains(e.Message, "no layer 'features/conv2'");
        foreach (var layer in new[] { "features (Sequential) [4, 4, 4]", "features/conv (Conv2dLayer) [4, 8, 8]", "features/relu", "features/pool",
                     "flatten (FlattenLayer) [64]", "fc (DenseLayer) [3]" })
            StringAssert.Contains(e.Message, layer);
    }

    [TestMethod]
    public void TheOutputColumnMustDifferFromTheInputColumn()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Transforms.CnnFeaturizer(Model, "fc", outputColumnName: "Features"));
        Assert.AreEqual("outputColumnName", e.ParamName);
        StringAssert.Contains(e.Message, "'Features'");
    }

    public sealed class ShortImage
    {
        [VectorType(Pixels - 1)] public float[] Features { get; set; } = [];
    }

    [TestMethod]
    public void AWrongPixelCountNamesTheColumnAndBothSizes()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Make(4, 1).Select(i => new ShortImage { Features = i.Features[1..] }));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.CnnFeaturizer(Model, "fc").Fit(data));
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, $"size {Pixels - 1}");
        StringAssert.Contains(e.Message, $"{Pixels} = 2×8×8");
    }

    public sealed class ScalarPixels
    {
        public float Features { get; set; }
    }

    private static SchemaShape ShapeOf(IDataView data) =>
        // SchemaShape.Create is internal in ML.NET 5; ML.NET's own callers reach it, a test must use reflection.
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public |
            System.Reflection.BindingFlags.NonPublic, [typeof(DataViewSchema)])!.Invoke(null, [data.Schema])!;

    [TestMethod]
    public void TheOutputSchemaIsAFloatVectorAndAScalarColumnIsRefused()
    {
        var ml = new MLContext();
        var featurizer = ml.Transforms.CnnFeaturizer(Model, "features/pool", outputColumnName: "Pooled");
        var output = featurizer.GetOutputSchema(ShapeOf(ml.Data.LoadFromEnumerable(Make(2, 1)))).Single(c => c.Name == "Pooled");
        Assert.AreEqual(NumberDataViewType.Single, output.ItemType);
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, output.Kind);

        var scalar = ShapeOf(ml.Data.LoadFromEnumerable(new[] { new ScalarPixels() }));
        var e = Assert.ThrowsExactly<ArgumentException>(() => featurizer.GetOutputSchema(scalar));
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, $"known-size float vector of {Pixels}");
    }
}
