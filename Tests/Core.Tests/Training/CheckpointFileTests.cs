using System.Buffers.Binary;
using System.Security.Cryptography;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.CheckpointRuns;

namespace MLNet.Cnn.Tests.Training;

/// <summary>
/// The checkpoint files in their folder: only the newest stay and no temporary file is left; a damaged one is skipped with a
/// warning that names it; a checkpoint of another run is refused; the options are checked.
/// </summary>
[TestClass]
public sealed class CheckpointFileTests
{
    private static readonly Scenario Plain = Scenarios[0];

    [TestMethod]
    public void OnlyTheNewestCheckpointsStayAndNoTemporaryFileIsLeft()
    {
        using var folder = new TemporaryFolder();
        string leftover = Path.Combine(folder.Path, "checkpoint-e0009-s000090.ckpt.tmp");   // as a write killed before its rename leaves it
        File.WriteAllText(leftover, "half a checkpoint");
        CheckpointRuns.Fit(Plain, new CheckpointOptions { Directory = folder.Path });
        CollectionAssert.AreEqual(new[] { "checkpoint-e0003-s000030.ckpt", "checkpoint-e0004-s000040.ckpt" }, FileNames(folder));

        using var everySecond = new TemporaryFolder();
        CheckpointRuns.Fit(Plain, new CheckpointOptions { Directory = everySecond.Path, EveryEpochs = 2, Keep = 3 });
        CollectionAssert.AreEqual(new[] { "checkpoint-e0002-s000020.ckpt", "checkpoint-e0004-s000040.ckpt" }, FileNames(everySecond));
    }

    [TestMethod]
    public void ADamagedCheckpointIsSkippedWithAWarningThatNamesIt()
    {
        var uninterrupted = CheckpointRuns.Fit(Plain, null);
        foreach (var (damage, how) in new (Action<string>, string)[]
        {
            (path => { using var file = File.OpenWrite(path); file.SetLength(file.Length / 2); }, "truncated"),
            (path => { var bytes = File.ReadAllBytes(path); bytes[bytes.Length / 2] ^= 0x10; File.WriteAllBytes(path, bytes); }, "a flipped bit"),
            (path => File.WriteAllBytes(path, []), "empty"),
            (path => { var bytes = File.ReadAllBytes(path); bytes[8] ^= 0x10; File.WriteAllBytes(path, bytes); }, "a flipped bit in the format version"),
        })
        {
            using var folder = new TemporaryFolder();
            StopAfterEpoch(3, folder, keep: 3);
            string newest = Path.Combine(folder.Path, "checkpoint-e0003-s000030.ckpt");
            damage(newest);

            var log = new List<string>();
            var resumed = CheckpointRuns.Fit(Plain, new CheckpointOptions { Directory = folder.Path, Log = log.Add });
            Assert.AreEqual(new CheckpointPosition(2, 0, 20), resumed.Result.ResumedFrom?.Position, how);
            StringAssert.Contains(log[0], newest, how);
            StringAssert.Contains(log[0], "checkpoint-e0002-s000020.ckpt', the checkpoint before it, is tried", how);
            AssertSameEnd(uninterrupted, resumed, how);
        }
    }

    [TestMethod]
    public void WhenNoCheckpointCanBeReadTrainingStartsFromScratchWithAWarning()
    {
        using var folder = new TemporaryFolder();
        StopAfterEpoch(2, folder, keep: 2);
        foreach (string file in Directory.GetFiles(folder.Path)) File.WriteAllText(file, "MLNETCKP and nothing else");

        var log = new List<string>();
        var fresh = CheckpointRuns.Fit(Plain, new CheckpointOptions { Directory = folder.Path, Log = log.Add });
        Assert.IsNull(fresh.Result.ResumedFrom);
        Assert.AreEqual(2, log.Count, string.Join("\n", log));
        StringAssert.Contains(log[1], "no checkpoint is left, training starts from scratch");
        AssertSameEnd(CheckpointRuns.Fit(Plain, null), fresh, "from scratch");
        CollectionAssert.AreEqual(new[] { "checkpoint-e0003-s000030.ckpt", "checkpoint-e0004-s000040.ckpt" }, FileNames(folder),
            "the damaged files are gone: the new ones rank by themselves");
    }

    [TestMethod]
    public void AnIntactCheckpointOfANewerFormatIsRefusedAndKept()
    {
        using var folder = new TemporaryFolder();
        StopAfterEpoch(2, folder, keep: 2);
        string newest = Path.Combine(folder.Path, "checkpoint-e0002-s000020.ckpt");
        var bytes = File.ReadAllBytes(newest);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 2);
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes, bytes.Length - 32);
        File.WriteAllBytes(newest, bytes);

        var e = Assert.ThrowsExactly<NotSupportedException>(() => CheckpointRuns.Fit(Plain, new CheckpointOptions { Directory = folder.Path }));
        StringAssert.Contains(e.Message, $"Checkpoint '{newest}' was written in format 2 by a newer MLNet.Cnn");
        Assert.IsTrue(File.Exists(newest));
    }

    [TestMethod]
    public void ACheckpointOfAnotherRunIsRefused()
    {
        using var folder = new TemporaryFolder();
        StopAfterEpoch(2, folder, keep: 2);
        string newest = Path.Combine(folder.Path, "checkpoint-e0002-s000020.ckpt");
        var checkpoints = new CheckpointOptions { Directory = folder.Path };

        var wider = new Sequential("net", new Conv2dLayer("conv", 1, 5, 3, padding: 1), new FlattenLayer("flatten"), new DenseLayer("fc", 5 * 36, 3));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer.Fit(wider, Train, null, Plain.Options with { Checkpoints = checkpoints }));
        StringAssert.Contains(e.Message, $"Checkpoint '{newest}' was written for a run with parameter conv.weight [4, 1, 3, 3]; this run has parameter conv.weight [5, 1, 3, 3].");
        StringAssert.Contains(e.Message, "Resume = false");

        e = Assert.ThrowsExactly<InvalidOperationException>(() => CheckpointRuns.Fit(Plain with { Options = Plain.Options with { Seed = 8 } }, checkpoints));
        StringAssert.Contains(e.Message, "a run with seed 3; this run has seed 8");
        e = Assert.ThrowsExactly<InvalidOperationException>(() => CheckpointRuns.Fit(Plain with { Validation = null }, checkpoints));
        StringAssert.Contains(e.Message, "a run with validation data of 40 samples; this run has no validation data");
        e = Assert.ThrowsExactly<InvalidOperationException>(() => CheckpointRuns.Fit(Plain with { Options = Plain.Options with { Optimizer = null } }, checkpoints));
        StringAssert.Contains(e.Message, "optimizer MLNet.Cnn.Training.Sgd; this run has optimizer MLNet.Cnn.Training.AdamW");
        e = Assert.ThrowsExactly<InvalidOperationException>(() => CheckpointRuns.Fit(
            Plain with { Options = Plain.Options with { Optimizer = ps => new Sgd(ps, learningRate: 0.05f) } }, checkpoints));
        StringAssert.Contains(e.Message, "optimizer state that does not fit");
        Assert.AreEqual(2, Directory.GetFiles(folder.Path).Length, "a refused folder is left as it was");
    }

    [TestMethod]
    public void WithoutResumeARunStartsFromScratchAndReplacesTheCheckpoints()
    {
        using var folder = new TemporaryFolder();
        StopAfterEpoch(2, folder, keep: 2);
        var log = new List<string>();
        var fresh = CheckpointRuns.Fit(Plain with { Options = Plain.Options with { Epochs = 1 } },
            new CheckpointOptions { Directory = folder.Path, Resume = false, Log = log.Add });
        Assert.IsNull(fresh.Result.ResumedFrom);
        Assert.AreEqual(1, fresh.Result.Epochs.Count);
        CollectionAssert.AreEqual(new[] { "checkpoint-e0001-s000010.ckpt" }, FileNames(folder));
        StringAssert.Contains(log.Single(), "the 2 checkpoint(s)");
    }

    [TestMethod]
    public void TheCheckpointOptionsAreChecked()
    {
        void Fit(CheckpointOptions checkpoints) => Trainer.Fit(Network(), Train, null, Plain.Options with { Checkpoints = checkpoints });
        ArgumentAssert.Throws(() => Fit(new CheckpointOptions { Directory = " " }), "Checkpoints.Directory", "must name a folder");
        ArgumentAssert.Throws(() => Fit(new CheckpointOptions { Directory = "x", EveryEpochs = 0 }), "Checkpoints.EveryEpochs", "positive", "0");
        ArgumentAssert.Throws(() => Fit(new CheckpointOptions { Directory = "x", Every = TimeSpan.Zero }), "Checkpoints.Every", "positive");
        ArgumentAssert.Throws(() => Fit(new CheckpointOptions { Directory = "x", Keep = 0 }), "Checkpoints.Keep", "at least 1", "0");
    }

    /// <summary>A run with a checkpoint at every epoch's end, cancelled once epoch <paramref name="epoch"/> has ended.</summary>
    private static void StopAfterEpoch(int epoch, TemporaryFolder folder, int keep)
    {
        using var cancel = new CancellationTokenSource();
        CheckpointRuns.Fit(Plain, new CheckpointOptions { Directory = folder.Path, Keep = keep },
            p => { if (p.IsEpochEnd && p.Epoch == epoch) cancel.Cancel(); }, cancel.Token);
    }

    private static string[] FileNames(TemporaryFolder folder) =>
        [.. Directory.GetFiles(folder.Path).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];
}
