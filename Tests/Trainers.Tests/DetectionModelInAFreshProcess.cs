using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>Runs in a fresh test host; a class of its own because nothing in its signatures may load MLNet.Cnn.Trainers.</summary>
[TestClass]
public sealed class DetectionModelInAFreshProcess
{
    /// <summary>The second half of CnnObjectDetectionTests.SaveThenLoadInAFreshProcessGivesIdenticalDetections; does nothing when run on its own.</summary>
    [TestMethod]
    public void LoadsAndDetects()
    {
        if (Environment.GetEnvironmentVariable(CnnObjectDetectionTests.FreshProcessModel) is not { Length: > 0 } path) return;
        Assert.IsFalse(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "MLNet.Cnn.Trainers"), "nothing of ours is loaded yet");
        var ml = new MLContext();
        var model = ml.Model.Load(path, out _);
        Assert.IsTrue(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "MLNet.Cnn.Trainers"), "Model.Load loaded our assembly (the NMS mapping)");
        var directory = Directory.CreateTempSubdirectory("cnn-detection-child-");
        try
        {
            var test = ml.Data.LoadFromEnumerable(SquarePictures.Write(12, 2, directory.FullName));
            File.WriteAllLines(path + ".detections", Describe(model.Transform(test)));
        }
        finally { directory.Delete(recursive: true); }
    }

    /// <summary>Every row's detections as text (labels as key values, floats as their bits), to compare bit for bit.</summary>
    internal static string[] Describe(IDataView scored)
    {
        var names = ToText(scored, "PredictedLabel");
        var boxes = scored.GetColumn<float[]>("PredictedBoundingBoxes").ToArray();
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        return names.Select((n, row) => $"{string.Join(",", n)} | {Bits(boxes[row])} | {Bits(scores[row])}").ToArray();
    }

    private static string Bits(float[] values) => string.Join(",", values.Select(BitConverter.SingleToInt32Bits));

    private static string[][] ToText(IDataView scored, string column)
    {
        var ml = new MLContext();
        var text = ml.Transforms.Conversion.MapKeyToValue("CnnText", column).Fit(scored).Transform(scored);
        return text.GetColumn<string[]>("CnnText").ToArray();
    }
}
