using MLNet.Cnn.Pruning;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Pruning;

[TestClass]
public sealed class SparsityScheduleTests
{
    [TestMethod]
    public void FollowsZhuAndGuptaOnThePruningStepsAndHoldsBetweenThem()
    {
        const double si = 0.1, sf = 0.9;
        const int t0 = 10, dt = 5, n = 4;
        var schedule = new SparsitySchedule(sf, beginStep: t0, frequency: dt, intervals: n, initialSparsity: si);
        Assert.AreEqual(t0 + n * dt, schedule.EndStep);
        for (int t = 0; t < 50; t++)
        {
            bool pruningStep = t >= t0 && t <= t0 + n * dt && (t - t0) % dt == 0;
            Assert.AreEqual(pruningStep, schedule.PrunesAt(t), $"step {t}");
            // s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³ at the latest pruning step ≤ t; 0 before the first, s_f after the last.
            int last = Math.Min(t0 + (t - t0) / dt * dt, t0 + n * dt);
            double expected = t < t0 ? 0 : sf + (si - sf) * Math.Pow(1 - (double)(last - t0) / (n * dt), 3);
            Assert.AreEqual(expected, schedule.SparsityAt(t), 1e-12, $"step {t}");
        }
        Assert.AreEqual(si, schedule.SparsityAt(t0), 1e-15);
        Assert.AreEqual(sf, schedule.SparsityAt(schedule.EndStep), 1e-15);
    }

    [TestMethod]
    public void OneShotPrunesOnceToTheTarget()
    {
        var schedule = SparsitySchedule.OneShot(0.8, step: 3);
        Assert.AreEqual(3, schedule.EndStep);
        CollectionAssert.AreEqual(new[] { 3 }, Enumerable.Range(0, 100).Where(schedule.PrunesAt).ToArray());
        Assert.AreEqual(0, schedule.SparsityAt(2));
        Assert.AreEqual(0.8, schedule.SparsityAt(3));
        Assert.AreEqual(0.8, schedule.SparsityAt(99));
    }

    [TestMethod]
    public void BadSettingsGiveClearErrors()
    {
        ArgumentAssert.Throws(() => new SparsitySchedule(1.0, 0, 1, 1), "finalSparsity", "[0, 1)");
        ArgumentAssert.Throws(() => new SparsitySchedule(0.5, 0, 1, 1, initialSparsity: -0.1), "initialSparsity", "[0, 1)");
        ArgumentAssert.Throws(() => new SparsitySchedule(0.5, 0, 1, 1, initialSparsity: 0.6), "initialSparsity", "0.6", "0.5");
        ArgumentAssert.Throws(() => new SparsitySchedule(0.5, -1, 1, 1), "beginStep");
        ArgumentAssert.Throws(() => new SparsitySchedule(0.5, 0, 0, 1), "frequency");
        ArgumentAssert.Throws(() => new SparsitySchedule(0.5, 0, 1, -1), "intervals");
        ArgumentAssert.Throws(() => new SparsitySchedule(0.5, 1, int.MaxValue, 1), "intervals", "exceeds");
    }
}
