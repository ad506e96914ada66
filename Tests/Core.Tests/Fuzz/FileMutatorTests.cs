namespace MLNet.Cnn.Tests.Fuzz;

/// <summary>The fuzz tests replay: the same seed gives the same mutations, and different seeds different ones.</summary>
[TestClass]
public sealed class FileMutatorTests
{
    [TestMethod]
    public void TheSameSeedGivesTheSameMutations()
    {
        byte[] file = [.. Enumerable.Range(0, 200).Select(i => (byte)i)];
        var first = Enumerable.Range(0, 50).Select(i => FileMutator.Mutate(file, new Random(i))).ToArray();
        var again = Enumerable.Range(0, 50).Select(i => FileMutator.Mutate(file, new Random(i))).ToArray();
        for (int i = 0; i < first.Length; i++)
        {
            CollectionAssert.AreEqual(first[i].Bytes, again[i].Bytes, $"seed {i}");
            Assert.AreEqual(first[i].What, again[i].What);
        }
        Assert.IsTrue(first.Select(m => m.What).Distinct().Count() > 40, "different seeds, different mutations");
        CollectionAssert.AreEqual(Enumerable.Range(0, 200).Select(i => (byte)i).ToArray(), file, "the seed file is left as it was");
    }
}
