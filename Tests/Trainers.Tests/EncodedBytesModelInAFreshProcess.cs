using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>Runs in a fresh test host; a class of its own because nothing in its signatures may load MLNet.Cnn.Trainers.</summary>
[TestClass]
public sealed class EncodedBytesModelInAFreshProcess
{
    public const string ModelVariable = "MLNET_CNN_BYTES_MODEL";

    /// <summary>
    /// The second half of InputKindsTests.AModelOnByteArraysLoadsAndScoresInAFreshProcess: loads the model, scores the files
    /// listed next to it as <c>byte[] ImageSource</c> rows, writes the scores' bits. Does nothing when run on its own.
    /// </summary>
    [TestMethod]
    public void LoadsAndScoresByteArrays()
    {
        if (Environment.GetEnvironmentVariable(ModelVariable) is not { Length: > 0 } path) return;
        Assert.IsFalse(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "MLNet.Cnn.Trainers"), "nothing of ours is loaded yet");
        var ml = new MLContext();
        var model = ml.Model.Load(path, out _);
        var rows = File.ReadAllLines(path + ".inputs").Select(line => line.Split('\t'))
            .Select(parts => new ColorPictures.Row { Path = parts[0], Label = parts[1], ImageSource = File.ReadAllBytes(parts[0]) });
        var scores = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<VBuffer<float>>("Score");
        File.WriteAllLines(path + ".scores", scores.Select(s => string.Join(",", s.DenseValues().Select(v => BitConverter.SingleToInt32Bits(v)))));
    }
}
