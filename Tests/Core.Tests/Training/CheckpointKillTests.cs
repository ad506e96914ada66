using System.Diagnostics;
using MLNet.Cnn.Tests.Shared;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.CheckpointRuns;

namespace MLNet.Cnn.Tests.Training;

/// <summary>
/// A run killed outright (SIGKILL: no cleanup, no finally) in its third epoch resumes from the checkpoint of its second
/// to the weights of a run left alone. The run is a second test host (<see cref="FreshProcess"/>) running
/// <see cref="ChildTrainsUntilKilled"/>, which marks its entry into epoch 3 with a file and then slows down, so that it is
/// killed well inside that epoch.
/// </summary>
[TestClass]
public sealed class CheckpointKillTests
{
    private const string ChildFolder = "MLNET_CNN_CHECKPOINT_CHILD_FOLDER";
    private const string InEpoch3 = "in-epoch-3";
    private static readonly Scenario Killed = Scenarios[0];

    [TestMethod]
    public void ARunKilledInItsThirdEpochResumesToTheWeightsOfAnUninterruptedRun()
    {
        using var folder = new TemporaryFolder();
        using (var child = FreshProcess.Start(typeof(CheckpointKillTests), nameof(ChildTrainsUntilKilled), ChildFolder, folder.Path))
        {
            var output = child.StandardOutput.ReadToEndAsync();
            var error = child.StandardError.ReadToEndAsync();
            var waited = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(folder.Path, InEpoch3)))
            {
                if (child.HasExited) Assert.Fail($"The child ended before epoch 3:\n{output.Result}{error.Result}");
                if (waited.Elapsed > TimeSpan.FromMinutes(2))
                {
                    child.Kill(entireProcessTree: true);
                    Assert.Fail("The child did not reach epoch 3 within two minutes.");
                }
                Thread.Sleep(10);
            }
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        string[] left = [.. Directory.GetFiles(folder.Path, "checkpoint-*").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];
        CollectionAssert.AreEqual(new[] { "checkpoint-e0001-s000010.ckpt", "checkpoint-e0002-s000020.ckpt" }, left);

        var resumed = CheckpointRuns.Fit(Killed, new CheckpointOptions { Directory = folder.Path });
        Assert.AreEqual(new CheckpointPosition(2, 0, 20), resumed.Result.ResumedFrom?.Position);
        AssertSameEnd(CheckpointRuns.Fit(Killed, null), resumed, "killed in epoch 3");
    }

    /// <summary>The child of <see cref="ARunKilledInItsThirdEpochResumesToTheWeightsOfAnUninterruptedRun"/>; inconclusive when run on its own.</summary>
    [TestMethod]
    public void ChildTrainsUntilKilled()
    {
        if (Environment.GetEnvironmentVariable(ChildFolder) is not { Length: > 0 } folder)
        {
            Assert.Inconclusive($"Runs only as the child process of {nameof(ARunKilledInItsThirdEpochResumesToTheWeightsOfAnUninterruptedRun)}.");
            return;
        }
        CheckpointRuns.Fit(Killed, new CheckpointOptions { Directory = folder }, p =>
        {
            if (p.Epoch < 3) return;
            File.WriteAllText(Path.Combine(folder, InEpoch3), $"{p}");
            Thread.Sleep(200);   // ten batches of 0.2 s: the parent, which looks every 10 ms, kills the run long before the epoch ends
        });
        Assert.Fail("The run was to be killed in epoch 3.");
    }
}
