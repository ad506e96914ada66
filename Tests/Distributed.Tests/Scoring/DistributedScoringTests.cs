using MLNet.Cnn.Distributed.Scoring;

namespace MLNet.Cnn.Distributed.Tests.Scoring;

[TestClass]
public sealed class DistributedScoringTests
{
    /// <summary>Set by MSTest; the 3-silo test writes each silo's throughput to it.</summary>
    public TestContext TestContext { get; set; } = null!;

    private static readonly TimeSpan ShortLease = TimeSpan.FromSeconds(2);

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task ThreeSilosWithOneKilledMidRunScoreEveryImageOnceAsOneProcessDoes()
    {
        var fixture = ScoringFixture.Instance;
        var job = fixture.Job("three-silos", shardSize: 50, ShortLease);
        // leases slowed to 50 ms, so the 100 shards take at least 1.6 s on 3 workers: the kill comes mid-run on any machine
        await using var cluster = await ScoringCluster.StartAsync(3, leaseDelay: TimeSpan.FromMilliseconds(50));
        var halfway = new TaskCompletionSource<ScoringProgress>(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new Reports(p => { if (p.CommittedShards >= 10) halfway.TrySetResult(p); });

        var run = DistributedScoring.RunAsync(cluster.Client, job, progress);
        var atKill = await halfway.Task;
        await cluster.KillSiloAsync(cluster.Silos[2]);
        var final = await run;

        Assert.IsLessThan(atKill.TotalShards, atKill.CommittedShards, "the silo was killed before the run finished");
        Assert.AreEqual(fixture.ExpectedCsv, File.ReadAllText(job.OutputPath), "one row per image, in manifest order, with the single-process scores");
        Assert.AreEqual(ScoringFixture.ImageCount, final.CommittedImages);
        Assert.IsGreaterThanOrEqualTo(2, final.Silos.Count, "shards were scored on several silos");
        Assert.IsTrue(final.Silos.All(s => s.Images > 0 && s.ImagesPerSecond > 0), "each silo's count and rate are reported");
        foreach (var silo in final.Silos)
            TestContext.WriteLine($"{silo.Silo}: {silo.Images} images, {silo.ImagesPerSecond:F0} images/s");
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task ANewClusterResumesACrashedRunAndScoresOnlyTheMissingShards()
    {
        var fixture = ScoringFixture.Instance;
        var job = fixture.Job("resumed", shardSize: 100, ShortLease);
        var parts = new ShardFiles(job.OutputPath);
        // leases slowed to 100 ms, so the 50 shards take at least 2.5 s on 2 workers: the crash comes mid-run on any machine
        await using (var first = await ScoringCluster.StartAsync(2, leaseDelay: TimeSpan.FromMilliseconds(100)))
        {
            var someCommitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var progress = new Reports(p => { if (p.CommittedShards >= 5) someCommitted.TrySetResult(); });
            var run = DistributedScoring.RunAsync(first.Client, job, progress);
            await someCommitted.Task;
            foreach (var silo in first.Silos.ToArray()) await first.KillSiloAsync(silo);
            await Assert.ThrowsAsync<Exception>(() => run.WaitAsync(TimeSpan.FromSeconds(60)), "the run dies with its cluster");
        }
        var committedBefore = parts.CommittedShards().ToDictionary(k => k, k => File.GetLastWriteTimeUtc(parts.PartOf(k)));
        int shards = (ScoringFixture.ImageCount + job.ShardSize - 1) / job.ShardSize;
        Assert.IsTrue(committedBefore.Count is > 0 && committedBefore.Count < shards, $"{committedBefore.Count} of {shards} shards committed at the crash");
        Assert.IsFalse(File.Exists(job.OutputPath));

        await using var second = await ScoringCluster.StartAsync(2);
        var final = await DistributedScoring.RunAsync(second.Client, job);

        Assert.AreEqual(fixture.ExpectedCsv, File.ReadAllText(job.OutputPath));
        Assert.AreEqual((shards - committedBefore.Count) * job.ShardSize, final.Silos.Sum(s => s.Images), "the resumed run scored only the missing shards");
        foreach (var (shard, written) in committedBefore)
            Assert.AreEqual(written, File.GetLastWriteTimeUtc(parts.PartOf(shard)), $"shard {shard}, committed before the crash, is not written again");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task ACorruptImageFailsTheRunNamingTheFile()
    {
        var fixture = ScoringFixture.Instance;
        string corrupt = Path.Combine(fixture.Folder, "corrupt.png");
        File.WriteAllBytes(corrupt, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4, 5, 6, 7, 8]);
        var job = fixture.Job("corrupt", shardSize: 10, ShortLease) with
        {
            Manifest = ImageManifest.FromPaths(fixture.Manifest.Paths.Take(25).Append(corrupt)),
        };
        await using var cluster = await ScoringCluster.StartAsync(1);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => DistributedScoring.RunAsync(cluster.Client, job));

        StringAssert.Contains(error.Message, corrupt);
        Assert.IsFalse(File.Exists(job.OutputPath));
    }

    [TestMethod]
    public async Task AnEmptyManifestIsRefusedNamingItsSource()
    {
        string empty = Directory.CreateTempSubdirectory("cnn-scoring-empty-").FullName;
        var job = ScoringFixture.Instance.Job("empty", 10, ShortLease) with { Manifest = ImageManifest.FromFolder(empty) };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => DistributedScoring.RunAsync(NoCluster.Create(), job));

        StringAssert.Contains(error.Message, empty);
    }

    [TestMethod]
    public async Task AMissingModelIsRefusedNamingTheFile()
    {
        var fixture = ScoringFixture.Instance;
        var job = fixture.Job("no-model", 10, ShortLease) with { ModelPath = Path.Combine(fixture.Folder, "absent.zip") };

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => DistributedScoring.RunAsync(NoCluster.Create(), job));

        StringAssert.Contains(error.Message, job.ModelPath);
    }

    /// <summary>Progress handled on the reporting thread as it comes (Progress&lt;T&gt; would post it to the thread pool, later).</summary>
    private sealed class Reports(Action<ScoringProgress> handle) : IProgress<ScoringProgress>
    {
        public void Report(ScoringProgress value) => handle(value);
    }
}
