using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Data;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>Runs in a fresh test host; a class of its own because nothing in its signatures may load MLNet.Cnn.Trainers.</summary>
[TestClass]
public sealed class TransferModelInAFreshProcess
{
    /// <summary>The second half of OnnxBackboneTransferTests' save/load test; does nothing when run on its own.</summary>
    [TestMethod]
    public void LoadsAndScores()
    {
        if (Environment.GetEnvironmentVariable(OnnxBackboneTransferTests.FreshProcessModel) is not { Length: > 0 } path) return;
        var ml = new MLContext();
        var model = ml.Model.Load(path, out _);
        var scores = model.Transform(ml.Data.LoadFromEnumerable(OnnxBackboneTransferTests.Rows(FashionMnist.LoadTest(), 200))).GetColumn<float[]>("Score");
        Assert.IsFalse(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "MLNet.Cnn.Trainers"), "the transfer model loads without our trainers");
        File.WriteAllLines(path + ".scores", scores.Select(row => string.Join(' ', row.Select(v => BitConverter.SingleToInt32Bits(v)))));
    }
}
