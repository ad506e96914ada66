using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Tests.Shared;
using MLNet.Cnn.Transforms;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// The CNN trainers behave as ML.NET's own: column names taken by the catalog overloads, output columns named as asked,
/// <c>SlotNames</c> on the multiclass <c>Score</c>, ML.NET's <c>Evaluate</c>, <c>CrossValidate</c> and
/// <c>PermutationFeatureImportance</c> on the fitted pipeline, the <c>MLContext</c>'s seed, no internal columns in the output
/// schema, and a clear error for data without rows.
/// </summary>
[TestClass]
public sealed class MLNetConventionsTests
{
    private const int Side = 12, PixelCount = Side * Side;
    private static readonly string[] Names = ["top", "middle", "bottom"];

    public sealed class Row
    {
        [VectorType(PixelCount)] public float[] Pixels { get; set; } = [];
        public string Class { get; set; } = "";
        public bool IsTop { get; set; }
        public float Height { get; set; }
    }

    /// <summary>1×12×12 images of noise with a bright row in the top, middle or bottom band (LeNet-5 takes 12×12 and up).</summary>
    private static List<Row> Stripes(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int label = random.Next(3), row = label * 4 + random.Next(3);
            var pixels = SyntheticImages.Noise(random, PixelCount);
            SyntheticImages.BrightRow(pixels, Side, row);
            return new Row { Pixels = pixels, Class = Names[label], IsTop = label == 0, Height = row / (float)Side };
        }).ToList();
    }

    private static IDataView Data(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(Stripes(count, seed));

    /// <summary>MapValueToKey by value, so the key order (bottom, middle, top) differs from the order the names first appear in.</summary>
    private static IEstimator<ITransformer> Keys(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Class", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue);

    private static string[] SlotNames(DataViewSchema.Column column)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    private static string[] KeyValues(DataViewSchema.Column column)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(n => n.ToString()).ToArray();
    }

    [TestMethod]
    public void TheColumnNameOverloadReadsAndWritesTheNamedColumns()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = Keys(ml).Append(ml.MulticlassClassification.Trainers.Cnn(labelColumnName: "Class", featureColumnName: "Pixels",
            scoreColumnName: "Probabilities", predictedLabelColumnName: "Guess"));
        var model = pipeline.Fit(Data(ml, 150, 1));
        var scored = model.Transform(Data(ml, 60, 2));

        Assert.IsNull(scored.Schema.GetColumnOrNull("Score"));
        Assert.IsNull(scored.Schema.GetColumnOrNull("PredictedLabel"));
        CollectionAssert.AreEqual(new[] { "bottom", "middle", "top" }, SlotNames(scored.Schema["Probabilities"]));
        CollectionAssert.AreEqual(new[] { "bottom", "middle", "top" }, KeyValues(scored.Schema["Guess"]));
        var metrics = ml.MulticlassClassification.Evaluate(scored, labelColumnName: "Class", scoreColumnName: "Probabilities", predictedLabelColumnName: "Guess");
        Assert.IsTrue(metrics.MicroAccuracy > 0.8, $"micro accuracy {metrics.MicroAccuracy}");
    }

    [TestMethod]
    public void ScoreSlotNamesAreTheClassNamesInKeyOrderAlsoAfterSaveAndLoad()
    {
        var ml = new MLContext(seed: 1);
        var model = Keys(ml).Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
        {
            LabelColumnName = "Class", FeatureColumnName = "Pixels", Epochs = 1,
        })).Fit(Data(ml, 90, 1));
        var test = Data(ml, 10, 2);
        using var stream = new MemoryStream();
        ml.Model.Save(model, test.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out _);

        foreach (var fitted in new[] { model, loaded })
        {
            var scored = fitted.Transform(test);
            var keyOrder = KeyValues(scored.Schema["PredictedLabel"]);
            CollectionAssert.AreEqual(new[] { "bottom", "middle", "top" }, keyOrder);
            CollectionAssert.AreEqual(keyOrder, SlotNames(scored.Schema["Score"]));
            // What Model Builder's generated GetSortedScoresWithLabels does: pair the slot names with the scores, best first;
            // the best is the predicted label.
            var scores = scored.GetColumn<float[]>("Score").ToArray();
            var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
            for (int i = 0; i < scores.Length; i++)
            {
                var best = SlotNames(scored.Schema["Score"]).Zip(scores[i]).OrderByDescending(p => p.Second).First().First;
                Assert.AreEqual(keyOrder[predicted[i] - 1], best);
            }
        }
    }

    [TestMethod]
    public void BinaryAndRegressionOutputsTakeTheNamesGiven()
    {
        var ml = new MLContext(seed: 1);
        var train = Data(ml, 90, 1);
        // The probability takes the name "Score" that the mapping gives the raw score: the renaming must not mix them up.
        var binary = ml.BinaryClassification.Trainers.Cnn(labelColumnName: "IsTop", featureColumnName: "Pixels", scoreColumnName: "Margin",
            probabilityColumnName: "Score", predictedLabelColumnName: "Top").Fit(train).Transform(Data(ml, 20, 2));
        Assert.IsNull(binary.Schema.GetColumnOrNull("Probability"));
        Assert.IsNull(binary.Schema.GetColumnOrNull("PredictedLabel"));
        var margins = binary.GetColumn<float>("Margin").ToArray();
        var probabilities = binary.GetColumn<float>("Score").ToArray();
        var top = binary.GetColumn<bool>("Top").ToArray();
        for (int i = 0; i < margins.Length; i++)
        {
            Assert.AreEqual(1 / (1 + MathF.Exp(-margins[i])), probabilities[i], 1e-5f);
            Assert.AreEqual(margins[i] > 0, top[i]);
        }

        var regression = ml.Regression.Trainers.Cnn(labelColumnName: "Height", featureColumnName: "Pixels", scoreColumnName: "Estimate")
            .Fit(train).Transform(Data(ml, 20, 2));
        Assert.IsNull(regression.Schema.GetColumnOrNull("Score"));
        var metrics = ml.Regression.Evaluate(regression, labelColumnName: "Height", scoreColumnName: "Estimate");
        Assert.IsTrue(double.IsFinite(metrics.RootMeanSquaredError));
    }

    [TestMethod]
    public void OutputNamesMustBeGivenAndDiffer()
    {
        var ml = new MLContext();
        var same = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.MulticlassClassification.Trainers.Cnn(scoreColumnName: "Out", predictedLabelColumnName: "Out"));
        StringAssert.Contains(same.Message, "ScoreColumnName and PredictedLabelColumnName are all 'Out'");
        var empty = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.Cnn(probabilityColumnName: ""));
        StringAssert.Contains(empty.Message, "ProbabilityColumnName is empty");
    }

    [TestMethod]
    public void EvaluateCrossValidateAndPermutationFeatureImportanceTakeTheFittedPipeline()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 150, 1);
        var pipeline = Keys(ml).Append(ml.MulticlassClassification.Trainers.Cnn(labelColumnName: "Class", featureColumnName: "Pixels"));

        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3, labelColumnName: "Class");
        Assert.AreEqual(3, folds.Count);
        foreach (var fold in folds)
        {
            Assert.IsTrue(fold.Metrics.MicroAccuracy > 0.6, $"fold {fold.Fold}: micro accuracy {fold.Metrics.MicroAccuracy}");
            Assert.AreEqual(3, fold.Metrics.ConfusionMatrix.NumberOfClasses);
        }

        // PFI permutes the slots of the trainer's feature column, so it takes the trainer's transformer and data as it reads them.
        var keyed = Keys(ml).Fit(data).Transform(data);
        var cnn = ml.MulticlassClassification.Trainers.Cnn(labelColumnName: "Class", featureColumnName: "Pixels").Fit(keyed);
        var importance = ml.MulticlassClassification.PermutationFeatureImportance(cnn, keyed, labelColumnName: "Class", numberOfExamplesToUse: 60);
        Assert.AreEqual(PixelCount, importance.Length);
        Assert.IsTrue(importance.Any(i => i.LogLoss.Mean > 0), "permuting some pixel makes the predictions worse");
    }

    private static float[][] Scores(int contextSeed, int? trainerSeed)
    {
        var ml = new MLContext(seed: contextSeed);
        var data = Data(ml, 60, 1);
        var options = new CnnMulticlassOptions { LabelColumnName = "Class", FeatureColumnName = "Pixels", Epochs = 1 };
        if (trainerSeed is { } seed) options = options with { Seed = seed };
        var model = Keys(ml).Append(ml.MulticlassClassification.Trainers.Cnn(options)).Fit(data);
        return model.Transform(data).GetColumn<float[]>("Score").Take(5).ToArray();
    }

    private static bool Same(float[][] a, float[][] b) => a.Zip(b).All(p => p.First.SequenceEqual(p.Second));

    [TestMethod]
    public void TheMLContextSeedSeedsATrainerWithoutOne()
    {
        Assert.IsTrue(Same(Scores(5, null), Scores(5, null)), "the same MLContext seed gives the same model");
        Assert.IsFalse(Same(Scores(5, null), Scores(6, null)), "another MLContext seed gives another model");
        Assert.IsTrue(Same(Scores(5, 3), Scores(6, 3)), "the trainer's own seed wins over the MLContext's");
    }

    [TestMethod]
    [DataRow("Image")]
    [DataRow("ImageSource")]
    public void TheOutputSchemaHoldsNoInternalColumns(string column)
    {
        var directory = Directory.CreateTempSubdirectory("cnn-schema-");
        try
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(ColorPictures.Write(30, 1, directory.FullName));
            var pipeline = ml.Transforms.LoadImages("Image", null, "Path")
                .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
                {
                    FeatureColumnName = column, Height = ColorPictures.Side, Width = ColorPictures.Side, Epochs = 1,
                    Network = CnnMulticlassTests.SmallCnn().Network,
                }));
            var expected = new[] { "Path", "Label", "ImageSource", "Image", "Score", "PredictedLabel" };
            var model = pipeline.Fit(data);
            CollectionAssert.AreEquivalent(expected, model.GetOutputSchema(data.Schema).Where(c => !c.IsHidden).Select(c => c.Name).ToArray());
            CollectionAssert.AreEquivalent(expected, model.Transform(data).Schema.Select(c => c.Name).Distinct().ToArray(),
                "no hidden internal columns either");
            CollectionAssert.AreEquivalent(expected, pipeline.GetOutputSchema(SchemaShapes.Of(data.Schema)).Select(c => c.Name).ToArray());
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    public void DataWithoutRowsIsRefusedAsSuch()
    {
        var ml = new MLContext(seed: 1);
        var empty = ml.Data.LoadFromEnumerable(new List<Row>());
        var pipeline = Keys(ml).Append(ml.MulticlassClassification.Trainers.Cnn(labelColumnName: "Class", featureColumnName: "Pixels"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(empty));
        StringAssert.Contains(e.Message, "The training data (the IDataView given to Fit) has no rows");
        StringAssert.Contains(e.Message, "'Pixels'");

        var validation = Assert.ThrowsExactly<ArgumentException>(() => Keys(ml).Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
        {
            LabelColumnName = "Class", FeatureColumnName = "Pixels", Epochs = 1,
            ValidationSet = Keys(ml).Fit(Data(ml, 30, 1)).Transform(ml.Data.FilterRowsByColumn(Data(ml, 30, 2), "Height", lowerBound: 10, upperBound: 11)),
        })).Fit(Data(ml, 30, 1)));
        StringAssert.Contains(validation.Message, "The validation set (ValidationSet): The data has no rows");
    }

    [TestMethod]
    public void TheFeaturizerReadsAnImageColumnAsTheTrainerDoes()
    {
        var directory = Directory.CreateTempSubdirectory("cnn-featurizer-");
        try
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(ColorPictures.Write(40, 1, directory.FullName));
            var images = ml.Transforms.LoadImages("Image", null, "Path");
            var model = images.Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
                {
                    FeatureColumnName = "Image", Height = ColorPictures.Side, Width = ColorPictures.Side, Epochs = 1,
                    Network = CnnMulticlassTests.SmallCnn().Network,
                })).Fit(data);
            var network = CnnPredictionTransformer.Find(model)!.Model;

            var featurized = images.Append(ml.Transforms.CnnFeaturizer(network, "fc", inputColumnName: "Image")).Fit(data).Transform(data);
            CollectionAssert.AreEquivalent(new[] { "Path", "Label", "ImageSource", "Image", "CnnFeatures" }, featurized.Schema.Select(c => c.Name).Distinct().ToArray());
            // The classifier's Score is the softmax of the layer "fc": the featurizer saw the pixels the trainer's chain gave it.
            var logits = featurized.GetColumn<float[]>("CnnFeatures").ToArray();
            var scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();
            for (int row = 0; row < scores.Length; row++)
            {
                var exp = logits[row].Select(l => Math.Exp(l - logits[row].Max())).ToArray();
                for (int k = 0; k < exp.Length; k++) Assert.AreEqual(exp[k] / exp.Sum(), scores[row][k], 1e-5, $"row {row} class {k}");
            }
        }
        finally { directory.Delete(recursive: true); }
    }
}
