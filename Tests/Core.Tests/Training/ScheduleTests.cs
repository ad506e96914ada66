using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

/// <summary>Schedules against values worked out by hand from PyTorch's lr_scheduler formulas.</summary>
[TestClass]
public sealed class ScheduleTests
{
    private const double Tolerance = 1e-6;

    [TestMethod]
    public void Constant_IsTheSameEverywhere()
    {
        var schedule = new Constant(0.1f);
        Assert.AreEqual(0.1f, schedule.LearningRate(0));
        Assert.AreEqual(0.1f, schedule.LearningRate(100_000));
    }

    [TestMethod]
    public void StepLR_DecaysEveryStepSizeEpochs()
    {
        // 10 steps per epoch, ×0.5 every 2 epochs: epochs 0–1 → 0.1, epochs 2–3 → 0.05, epoch 4 → 0.025.
        var schedule = new StepLR(0.1f, stepsPerEpoch: 10, stepSizeEpochs: 2, gamma: 0.5f);
        AssertRates(schedule, (0, 0.1), (19, 0.1), (20, 0.05), (39, 0.05), (40, 0.025));
    }

    [TestMethod]
    public void MultiStepLR_DecaysAtEachMilestone()
    {
        // 5 steps per epoch, milestones at epochs 2 and 5: epoch 1 (steps 5–9) → 1, epoch 2 (step 10) → 0.1,
        // epoch 4 (step 24) → 0.1, epoch 5 (step 25) → 0.01, and 0.01 ever after.
        var schedule = new MultiStepLR(1f, stepsPerEpoch: 5, milestoneEpochs: [5, 2], gamma: 0.1f);
        AssertRates(schedule, (9, 1), (10, 0.1), (24, 0.1), (25, 0.01), (1000, 0.01));
    }

    [TestMethod]
    public void CosineAnnealing_FollowsHalfACosine_ThenStaysAtTheMinimum()
    {
        // lr = 0.1 + 0.9·(1 + cos(π·t/100))/2:
        // t=0 → 1; t=25 → 0.1 + 0.9·(1 + √½)/2 = 0.8681981; t=50 (half) → 0.1 + 0.45 = 0.55; t=100 → 0.1; t=150 → 0.1.
        var schedule = new CosineAnnealing(1f, totalSteps: 100, minLearningRate: 0.1f);
        AssertRates(schedule, (0, 1), (25, 0.8681981), (50, 0.55), (100, 0.1), (150, 0.1));
    }

    [TestMethod]
    public void OneCycle_StartsAtMaxOverDiv_PeaksAtPctStart_EndsAtInitialOverFinalDiv()
    {
        // max 1, 100 steps, defaults: initial = 1/25 = 0.04, final = 0.04/1e4 = 4e-6, peak at step 0.3·100 − 1 = 29.
        // t=0  → 0.04;  t=10 → 1 + (0.04 − 1)·(1 + cos(π·10/29))/2 = 0.2951639;  t=29 → 1 (peak);
        // t=64 → halfway down, 4e-6 + (1 − 4e-6)·(1 + cos(π·35/70))/2 = 0.500002;  t=99 → 4e-6 (end), kept after.
        var schedule = new OneCycle(1f, totalSteps: 100);
        AssertRates(schedule, (0, 0.04), (10, 0.2951639), (29, 1), (64, 0.500002), (99, 4e-6), (120, 4e-6));
    }

    [TestMethod]
    public void LinearWarmup_ScalesAnyScheduleDuringTheFirstSteps()
    {
        // (step + 1)/4 of the inner rate for steps 0–3.
        AssertRates(new LinearWarmup(4, new Constant(0.8f)), (0, 0.2), (1, 0.4), (3, 0.8), (10, 0.8));
        // Cosine over 100 steps from 1: step 1 → ½·(1 + cos(π/100))/2 = 0.4998766; step 50 → 0.5 (no warmup left).
        AssertRates(new LinearWarmup(4, new CosineAnnealing(1f, 100)), (1, 0.4998766), (50, 0.5));
    }

    [TestMethod]
    public void ReduceOnPlateau_ReducesAfterPatience_RespectsCooldownAndMinimum()
    {
        // factor 0.5, patience 2, cooldown 1, min 0.2; the loss stays at 1 (0.99995 is not better than 1·(1 − 1e-4)).
        // epoch 1: best = 1. Epochs 2, 3, 4 are bad (1, 2, 3 > patience) → lr 0.5 after epoch 4, cooldown 1.
        // epoch 5: in cooldown, bad count reset to 0. Epochs 6, 7, 8 bad → lr 0.25 after epoch 8; epoch 9 cooldown;
        // epochs 10, 11, 12 bad → max(0.125, 0.2) = 0.2; and 0.2 from then on.
        var schedule = new ReduceOnPlateau(1f, factor: 0.5f, patience: 2, cooldown: 1, minLearningRate: 0.2f);
        double[] expected = [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2];
        for (int epoch = 1; epoch <= expected.Length; epoch++)
        {
            schedule.OnEpochEnd(epoch, epoch == 3 ? 0.99995 : 1.0);
            Approx.AssertClose([expected[epoch - 1]], [schedule.LearningRate(epoch * 10)], Tolerance, $"after epoch {epoch}");
        }
    }

    [TestMethod]
    public void ReduceOnPlateau_AnImprovementResetsPatience_AndWarmupPassesEpochEndsOn()
    {
        // Without cooldown: 1 (best), 1, 1 (2 bad), 0.5 (improvement, reset), 0.5, 0.5 (2 bad), 0.5 (3 bad → reduce).
        var plateau = new ReduceOnPlateau(1f, factor: 0.5f, patience: 2);
        var schedule = new LinearWarmup(2, plateau);
        double[] losses = [1, 1, 1, 0.5, 0.5, 0.5, 0.5];
        double[] expected = [1, 1, 1, 1, 1, 1, 0.5];
        for (int epoch = 1; epoch <= losses.Length; epoch++)
        {
            schedule.OnEpochEnd(epoch, losses[epoch - 1]);
            Approx.AssertClose([expected[epoch - 1]], [schedule.LearningRate(100)], Tolerance, $"after epoch {epoch}");
        }
    }

    [TestMethod]
    public void InvalidSettings_AreRejected_NamingTheSetting()
    {
        ArgumentAssert.Throws(() => new Constant(-1f), "baseLearningRate", "-1");
        ArgumentAssert.Throws(() => new Constant(1f).LearningRate(-1), "step", "-1");
        ArgumentAssert.Throws(() => new StepLR(0.1f, stepsPerEpoch: 0, stepSizeEpochs: 1), "stepsPerEpoch", "0");
        ArgumentAssert.Throws(() => new StepLR(0.1f, 10, stepSizeEpochs: -2), "stepSizeEpochs", "-2");
        ArgumentAssert.Throws(() => new MultiStepLR(0.1f, 10, [3, 0]), "milestoneEpochs", "[3, 0]");
        ArgumentAssert.Throws(() => new CosineAnnealing(0.1f, totalSteps: 0), "totalSteps", "0");
        ArgumentAssert.Throws(() => new OneCycle(0f, 100), "maxLearningRate", "0");
        ArgumentAssert.Throws(() => new OneCycle(1f, 100, pctStart: 1.5f), "pctStart", "1.5");
        ArgumentAssert.Throws(() => new OneCycle(1f, 3, pctStart: 0.3f), "pctStart", "3");
        ArgumentAssert.Throws(() => new LinearWarmup(0, new Constant(1f)), "warmupSteps", "0");
        ArgumentAssert.Throws(() => new ReduceOnPlateau(1f, factor: 1f), "factor", "1");
        ArgumentAssert.Throws(() => new ReduceOnPlateau(1f, patience: -1), "patience", "-1");
    }

    private static void AssertRates(LearningRateSchedule schedule, params (int Step, double Rate)[] expected)
    {
        foreach (var (step, rate) in expected)
            Approx.AssertClose([rate], [schedule.LearningRate(step)], Tolerance, $"{schedule.GetType().Name} at step {step}");
    }
}
