using MLNet.Cnn.Distributed.Scoring;

namespace MLNet.Cnn.Distributed.Tests.Scoring;

[TestClass]
public sealed class ShardFilesTests
{
    [TestMethod]
    public void ASecondCommitOfAShardIsANoOpAndTheOutputHoldsEachPartOnce()
    {
        string folder = Directory.CreateTempSubdirectory("cnn-shard-files-").FullName;
        var files = new ShardFiles(Path.Combine(folder, "out.csv"));
        files.WriteOrCheckManifest(ImageManifest.FromPaths(["/a.png", "/b.png", "/c.png"]), shardSize: 2);

        Assert.IsTrue(files.Commit(1, "path,label\n/c.png,x\n"));
        Assert.IsTrue(files.Commit(0, "path,label\n/a.png,x\n/b.png,y\n"));
        Assert.IsFalse(files.Commit(1, "path,label\n/c.png,late\n"), "the shard was committed already");
        files.WriteOutput(shardCount: 2);

        Assert.AreEqual("path,label\n/a.png,x\n/b.png,y\n/c.png,x\n", File.ReadAllText(files.OutputPath));
        CollectionAssert.AreEquivalent(new[] { 0, 1 }, files.CommittedShards().ToArray());
        Assert.IsEmpty(Directory.GetFiles(files.PartsFolder, "*.tmp"), "no temporary file is left behind");
    }

    [TestMethod]
    public void PartsOfAnotherManifestAreRefused()
    {
        string folder = Directory.CreateTempSubdirectory("cnn-shard-files-").FullName;
        var files = new ShardFiles(Path.Combine(folder, "out.csv"));
        files.WriteOrCheckManifest(ImageManifest.FromPaths(["/a.png", "/b.png"]), shardSize: 2);

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => files.WriteOrCheckManifest(ImageManifest.FromPaths(["/a.png"]), shardSize: 2));

        StringAssert.Contains(error.Message, files.PartsFolder);
    }
}
