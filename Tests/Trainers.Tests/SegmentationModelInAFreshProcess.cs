using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>Runs in a fresh test host; a class of its own because nothing in its signatures may load MLNet.Cnn.Trainers.</summary>
[TestClass]
public sealed class SegmentationModelInAFreshProcess
{
    /// <summary>The second half of CnnSegmentationTests.SaveThenLoadInAFreshProcessGivesIdenticalPredictions; does nothing when run on its own.</summary>
    [TestMethod]
    public void LoadsAndSegments()
    {
        if (Environment.GetEnvironmentVariable(CnnSegmentationTests.FreshProcessModel) is not { Length: > 0 } path) return;
        var ml = new MLContext();
        var model = ml.Model.Load(path, out _);
        Assert.IsFalse(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "MLNet.Cnn.Trainers"), "built-in transformers only: nothing of ours is loaded");
        var directory = Directory.CreateTempSubdirectory("cnn-segmentation-child-");
        try
        {
            var test = ml.Data.LoadFromEnumerable(SquarePictures.Write(6, 2, directory.FullName, fixedSize: true));
            File.WriteAllLines(path + ".predictions", Describe(model.Transform(test)));
        }
        finally { directory.Delete(recursive: true); }
    }

    /// <summary>Every row's predicted keys and score bits, to compare exactly.</summary>
    internal static string[] Describe(IDataView scored)
    {
        var keys = scored.GetColumn<uint[]>("PredictedLabel").ToArray();
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        return keys.Select((k, row) => $"{string.Join(",", k)} | {string.Join(",", scores[row].Select(BitConverter.SingleToInt32Bits))}").ToArray();
    }
}
