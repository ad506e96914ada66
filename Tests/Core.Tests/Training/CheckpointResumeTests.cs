using MLNet.Cnn.Layers;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.CheckpointRuns;

namespace MLNet.Cnn.Tests.Training;

/// <summary>
/// A run interrupted and resumed from a checkpoint ends with the weights, epoch rows and reports of the same run left
/// alone, bit for bit: from an epoch's end, from within an epoch, from every checkpoint a run with timed checkpoints
/// wrote, when it diverges after the resume, under a time limit, and from the end of a finished run (as it is, or with
/// more epochs). The runs are <see cref="CheckpointRuns"/>' scenarios.
/// </summary>
[TestClass]
public sealed class CheckpointResumeTests
{
    [TestMethod]
    public void ARunCancelledWithinAnEpochResumesToTheEndOfTheUninterruptedRun()
    {
        foreach (var scenario in Scenarios)
        {
            using var folder = new TemporaryFolder();
            var uninterrupted = CheckpointRuns.Fit(scenario, null);
            using var cancel = new CancellationTokenSource();
            var cancelled = CheckpointRuns.Fit(scenario, new CheckpointOptions { Directory = folder.Path },
                p => { if (p is { Epoch: 3, Batch: 3, IsEpochEnd: false }) cancel.Cancel(); }, cancel.Token);
            Assert.AreEqual(StopReason.Cancelled, cancelled.Result.StopReason, scenario.Name);

            var resumed = CheckpointRuns.Fit(scenario, new CheckpointOptions { Directory = folder.Path });
            Assert.AreEqual(new CheckpointPosition(2, 3, 2 * uninterrupted.BatchesPerEpoch + 3), resumed.Result.ResumedFrom?.Position, scenario.Name);
            AssertSameEnd(uninterrupted, resumed, scenario.Name);
        }
    }

    [TestMethod]
    public void ARunStoppedAtAnEpochsEndResumesFromThatEpochsCheckpoint()
    {
        foreach (var scenario in Scenarios)
        {
            using var folder = new TemporaryFolder();
            var uninterrupted = CheckpointRuns.Fit(scenario, null);
            using var cancel = new CancellationTokenSource();
            CheckpointRuns.Fit(scenario, new CheckpointOptions { Directory = folder.Path },
                p => { if (p is { Epoch: 3, IsEpochEnd: true }) cancel.Cancel(); }, cancel.Token);

            var resumed = CheckpointRuns.Fit(scenario, new CheckpointOptions { Directory = folder.Path });
            int steps = 3 * uninterrupted.BatchesPerEpoch;
            Assert.AreEqual(new CheckpointPosition(3, 0, steps), resumed.Result.ResumedFrom?.Position, scenario.Name);
            Assert.AreEqual(Path.Combine(folder.Path, $"checkpoint-e0003-s{steps:D6}.ckpt"), resumed.Result.ResumedFrom?.Path, scenario.Name);
            AssertSameEnd(uninterrupted, resumed, scenario.Name);
        }
    }

    [TestMethod]
    public void TimedCheckpointsFallOnTheBatchesTheyAreDueAt()
    {
        using var folder = new TemporaryFolder();
        Timed(Scenarios[0], folder);
        // The epoch's end restarts the 5 s: checkpoints after batches 5 and 10 (the last) of every epoch, and at its end.
        var expected = Enumerable.Range(0, 4).SelectMany(e => new[]
        {
            $"checkpoint-e{e:D4}-s{10 * e + 5:D6}.ckpt", $"checkpoint-e{e:D4}-s{10 * e + 10:D6}.ckpt", $"checkpoint-e{e + 1:D4}-s{10 * e + 10:D6}.ckpt",
        }).ToList();
        CollectionAssert.AreEqual(expected, Directory.GetFiles(folder.Path).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList());
    }

    [TestMethod]
    public void EveryCheckpointOfARunResumesToItsEnd()
    {
        foreach (var scenario in Scenarios)
        {
            using var all = new TemporaryFolder();
            var uninterrupted = Timed(scenario, all);
            foreach (string file in Directory.GetFiles(all.Path).Select(f => Path.GetFileName(f)))
            {
                using var one = new TemporaryFolder();
                File.Copy(Path.Combine(all.Path, file), Path.Combine(one.Path, file));
                var resumed = CheckpointRuns.Fit(scenario, new CheckpointOptions { Directory = one.Path });
                Assert.AreEqual(Path.Combine(one.Path, file), resumed.Result.ResumedFrom?.Path);
                AssertSameEnd(uninterrupted, resumed, $"{scenario.Name}, {file}");
            }
        }
    }

    /// <summary>A run whose batches take 1 s on a fake clock, with a checkpoint every 5 s besides those at the epochs' ends, all kept.</summary>
    private static Run Timed(Scenario scenario, TemporaryFolder folder)
    {
        var clock = new FakeClock();
        return CheckpointRuns.Fit(scenario, new CheckpointOptions { Directory = folder.Path, Every = TimeSpan.FromSeconds(5), Keep = 100 },
            p => { if (!p.IsEpochEnd) clock.Advance(TimeSpan.FromSeconds(1)); }, time: clock);
    }

    [TestMethod]
    public void ARunThatDivergesAfterItsResumeGoesBackToTheLastGoodEpochBeforeIt()
    {
        // A weight blown up after batch 5 of epoch 3: batch 6 gives a loss that is not finite, and the network goes back
        // to the weights of epoch 2's end, which the resumed run knows only from the checkpoint it resumed from.
        Run Diverging(CheckpointOptions? checkpoints, CancellationTokenSource? cancel = null)
        {
            var network = Network();
            return CheckpointRuns.Fit(Scenarios[0], checkpoints, p =>
            {
                if (p is { Epoch: 3, Batch: 3, IsEpochEnd: false }) cancel?.Cancel();
                if (p is { Epoch: 3, Batch: 5, IsEpochEnd: false }) network.AllParameters().Last(q => q.Role == ParameterRole.Weight).Value.Span.Fill(1e38f);
            }, cancel?.Token ?? default, network: network);
        }
        var uninterrupted = Diverging(null);
        Assert.AreEqual(StopReason.Diverged, uninterrupted.Result.StopReason, uninterrupted.Result.Message);

        using var folder = new TemporaryFolder();
        using (var cancel = new CancellationTokenSource()) Diverging(new CheckpointOptions { Directory = folder.Path }, cancel);
        var resumed = Diverging(new CheckpointOptions { Directory = folder.Path });
        Assert.AreEqual(new CheckpointPosition(2, 3, 23), resumed.Result.ResumedFrom?.Position);
        AssertSameEnd(uninterrupted, resumed, "diverged after the resume");
    }

    [TestMethod]
    public void ATimeLimitedRunResumesWithItsPlanAndItsTimeSoFar()
    {
        // Batches of 1 s against a limit of 100 s: the plan is cut at step 10 and again at step 18 (to 91 steps, the evaluations
        // counted), each time with a schedule laid out over it; the checkpoint at step 23 holds the second plan.
        var limited = Scenarios[0] with
        {
            Options = Scenarios[0].Options with
            {
                Epochs = 50, TimeLimit = TimeSpan.FromSeconds(100), Schedule = plan => new CosineAnnealing(0.05f, plan.TotalSteps),
            },
        };
        Run Timed(CheckpointOptions? checkpoints, CancellationTokenSource? cancel = null)
        {
            var clock = new FakeClock();
            return CheckpointRuns.Fit(limited, checkpoints, p =>
            {
                if (!p.IsEpochEnd) clock.Advance(TimeSpan.FromSeconds(1));
                if (p is { Epoch: 3, Batch: 3, IsEpochEnd: false }) cancel?.Cancel();
            }, cancel?.Token ?? default, clock);
        }
        var uninterrupted = Timed(null);
        StringAssert.Contains(uninterrupted.Result.Message, "the 91 steps that fit in the time limit");

        using var folder = new TemporaryFolder();
        using (var cancel = new CancellationTokenSource()) Timed(new CheckpointOptions { Directory = folder.Path }, cancel);
        var resumed = Timed(new CheckpointOptions { Directory = folder.Path });
        Assert.AreEqual(new CheckpointPosition(2, 3, 23), resumed.Result.ResumedFrom?.Position);
        AssertSameEnd(uninterrupted, resumed, "time-limited");
        Assert.AreEqual(TimeSpan.FromSeconds(91), resumed.Result.Duration, "the 23 s before the checkpoint count");
    }

    [TestMethod]
    public void AFinishedRunGoesOnWithMoreEpochs()
    {
        // Nothing in this run depends on the number of epochs (its schedule listens to the epoch ends only), so two epochs
        // and then two more over the same folder are the four epochs of one run.
        using var folder = new TemporaryFolder();
        var scenario = Scenarios[0];
        CheckpointRuns.Fit(scenario with { Options = scenario.Options with { Epochs = 2 } }, new CheckpointOptions { Directory = folder.Path });
        var further = CheckpointRuns.Fit(scenario, new CheckpointOptions { Directory = folder.Path });
        Assert.AreEqual(new CheckpointPosition(2, 0, 20), further.Result.ResumedFrom?.Position);
        AssertSameEnd(CheckpointRuns.Fit(scenario, null), further, "two epochs, then two more");
    }

    [TestMethod]
    public void AFinishedRunStartedAgainGivesItsResultWithoutTraining()
    {
        using var folder = new TemporaryFolder();
        var log = new List<string>();
        var scenario = Scenarios[0];
        var finished = CheckpointRuns.Fit(scenario, new CheckpointOptions { Directory = folder.Path, Log = log.Add });
        Assert.IsNull(finished.Result.ResumedFrom);
        Assert.AreEqual(0, log.Count, string.Join("\n", log));

        var again = CheckpointRuns.Fit(scenario, new CheckpointOptions { Directory = folder.Path, Log = log.Add });
        Assert.AreEqual(new CheckpointPosition(4, 0, 40), again.Result.ResumedFrom?.Position);
        Assert.AreEqual(0, again.Reports.Count, "nothing is left to train");
        AssertSameEnd(finished, again, "started again");
        Assert.AreEqual(1, log.Count, string.Join("\n", log));
        StringAssert.Contains(log[0], "the end of epoch 4 (step 40)");
    }
}
