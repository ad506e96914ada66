using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>Runs in a fresh test host; a class of its own because nothing in its signatures may load MLNet.Cnn.Trainers.</summary>
[TestClass]
public sealed class BinaryModelInAFreshProcess
{
    /// <summary>The second half of CnnBinaryTests.SaveThenLoadInAFreshProcessGivesIdenticalScores; does nothing when run on its own.</summary>
    [TestMethod]
    public void LoadsWithoutRegistering()
    {
        if (Environment.GetEnvironmentVariable(CnnBinaryTests.FreshProcessModel) is not { Length: > 0 } path) return;
        Assert.IsFalse(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "MLNet.Cnn.Trainers"), "nothing of ours is loaded yet");
        var ml = new MLContext();
        // No RegisterAssembly: ML.NET finds the [CustomMappingFactoryAttribute] contract in our assembly on its own
        // (it loads it from the application's folder), as long as MLNet.Cnn.Trainers.dll is deployed with the app.
        var model = ml.Model.Load(path, out _);
        Assert.IsTrue(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "MLNet.Cnn.Trainers"), "Model.Load loaded our assembly");
        var scores = model.Transform(ml.Data.LoadFromEnumerable(CnnBinaryTests.TopOrBottom(100, 2))).GetColumn<float>("Score");
        File.WriteAllLines(path + ".scores", scores.Select(v => BitConverter.SingleToInt32Bits(v).ToString()));
    }
}
