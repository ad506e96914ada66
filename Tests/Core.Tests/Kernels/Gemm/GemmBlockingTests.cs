using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed class GemmBlockingTests
{
    [TestMethod]
    [DataRow(48, 1024, 32, 256, 256, DisplayName = "AMD Zen 4/5: 48 KiB L1d, 1 MiB L2, AVX-512")]
    [DataRow(48, 2048, 32, 256, 512, DisplayName = "Intel Sapphire/Emerald Rapids: 48 KiB L1d, 2 MiB L2, AVX-512")]
    [DataRow(32, 256, 16, 256, 64, DisplayName = "older Intel: 32 KiB L1d, 256 KiB L2, AVX2")]
    [DataRow(32, 512, 32, 128, 256, DisplayName = "32 KiB L1d, 512 KiB L2, AVX-512")]
    [DataRow(1, 1, 32, 64, 64, DisplayName = "tiny caches clamp to the smallest blocks")]
    public void BlocksFollowTheCaches(int l1KiB, int l2KiB, int nr, int kc, int mc)
    {
        var cpu = new CpuFacts("test", 2, nr * 16, l1KiB, l2KiB, 0, "test");
        Assert.AreEqual(new GemmBlocking(kc, mc), GemmBlocking.For(cpu, nr));
    }
}
