using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// Checkpoints through the ML.NET trainer: a Fit cancelled in its second epoch, fitted again over the same checkpoint
/// folder, resumes there and ends with the scores of a Fit never interrupted (the rows are read into the pixel cache in
/// the same order every time, so the resumed run sees the same batches).
/// </summary>
[TestClass]
public sealed class TrainerCheckpointTests
{
    [TestMethod]
    public void AFitCancelledInItsSecondEpochResumesToTheScoresOfAnUninterruptedFit()
    {
        var folder = Directory.CreateTempSubdirectory("cnn-trainer-checkpoints-");
        try
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(400, 1));
            var test = ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(100, 2));
            // A resumed run needs the seed of the run it resumes: set, as each new trainer would draw its own from the MLContext.
            var options = CnnMulticlassTests.SmallCnn() with { Epochs = 3, ValidationFraction = 0.2, ProgressInterval = 1, Seed = 1 };
            ITransformer Fit(CnnMulticlassOptions o) =>
                ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Cnn(o)).Fit(train);
            float[][] Scores(ITransformer model) => model.Transform(test).GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();

            var expected = Scores(Fit(options));

            var log = new List<string>();
            ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
            var checkpoints = new CheckpointOptions { Directory = folder.FullName };
            using (var cancellation = new CancellationTokenSource())
            {
                var cancelInEpoch2 = new CnnMulticlassTests.SynchronousProgress(p => { if (p.Epoch == 2 && p.Batch == 4) cancellation.Cancel(); });
                Assert.ThrowsExactly<OperationCanceledException>(() =>
                    Fit(options with { Checkpoints = checkpoints, CancellationToken = cancellation.Token, Progress = cancelInEpoch2 }));
            }
            Assert.IsTrue(Directory.GetFiles(folder.FullName, "*.ckpt").Length > 0, "the cancelled Fit left its checkpoints");

            var resumed = Fit(options with { Checkpoints = checkpoints });
            var result = CnnPredictionTransformer.Find(resumed)!.Training;
            Assert.IsNotNull(result.ResumedFrom, "the second Fit resumed");
            Assert.AreEqual((1, 4), (result.ResumedFrom!.Position.Epoch, result.ResumedFrom.Position.Batch), $"resumed after batch 4 of epoch 2: {result.ResumedFrom}");
            Assert.IsTrue(log.Any(m => m.Contains("Resuming from")), "the resume is written to MLContext.Log");
            var actual = Scores(resumed);
            for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
        }
        finally { folder.Delete(recursive: true); }
    }
}
