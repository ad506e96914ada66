using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

/// <summary>A time limit lays the schedule out over the steps that fit, measured, instead of over epochs the run never reaches.</summary>
[TestClass]
public sealed class TimeBudgetTests
{
    [TestMethod]
    public void TheStepsThatFitAreTheTimeLeftOverTheStepTimeLessTheMargin()
    {
        // 90 s left, 1 s a step, 3 % margin: 87 more steps.
        Assert.AreEqual(97, TimeBudget.TotalSteps(TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(10), 1.0, 10, 500, 10, 0, 8));
        // 80 validation images a 10-step epoch at ⅓ of a step per 8 images: 1/3 s more per step → ⌊87.3 / (4/3)⌋ = 65.
        Assert.AreEqual(75, TimeBudget.TotalSteps(TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(10), 1.0, 10, 500, 10, 80, 8));
        Assert.AreEqual(50, TimeBudget.TotalSteps(TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(10), 1.0, 10, 50, 10, 0, 8), "never more than asked");
        Assert.AreEqual(10, TimeBudget.TotalSteps(TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(120), 1.0, 10, 500, 10, 0, 8), "past the limit: stop now");
    }

    [TestMethod]
    public void ATimeLimitedRunRebuildsTheScheduleOverTheStepsThatFitAndEndsWithIt()
    {
        var clock = new FakeClock();
        // Each training forward takes one (fake) second: 60 images in batches of 6 are 10 steps an epoch.
        var network = new Sequential("net", new Ticking(clock), TrainerTests.SmallCnn());
        var plans = new List<TrainingPlan>();
        var epochEnds = new List<TrainingProgress>();
        CosineAnnealing? last = null;
        var result = Trainer.Fit(network, TrainerTests.Stripes(60, 1), null, new TrainerOptions
        {
            Epochs = 50, BatchSize = 6, TimeLimit = TimeSpan.FromSeconds(100),
            Schedule = plan => { plans.Add(plan); return last = new CosineAnnealing(0.01f, plan.TotalSteps); },
            Progress = new TrainerTests.SynchronousProgress(p => { if (p.IsEpochEnd) epochEnds.Add(p); }),
        }, clock);

        // Warm-up 2 steps, 8 measured (1 s each), then ⌊90 s · 0.97 / 1 s⌋ = 87 more: 97 steps instead of 500.
        CollectionAssert.AreEqual(new[] { new TrainingPlan(10, 500), new TrainingPlan(10, 97, TimeLimited: true) }, plans);
        Assert.AreEqual(10, plans[1].Epochs);
        Assert.AreEqual(StopReason.TimeLimit, result.StopReason);
        StringAssert.Contains(result.Message, "97 steps");
        Assert.AreEqual(10, result.Epochs.Count, "the tenth epoch ends after its seventh step and is evaluated");
        Assert.AreEqual(TimeSpan.FromSeconds(97), result.Duration, "the run ends with its plan, before the limit");
        Assert.AreEqual(0f, last!.LearningRate(96), 1e-5f, "the schedule reached its end (a 500-step one would still be at 0.009)");
        Assert.AreEqual((10, 10), (epochEnds[0].Batch, epochEnds[0].BatchesPerEpoch), "a whole epoch reports all its batches");
        Assert.AreEqual((7, 10), (epochEnds[^1].Batch, epochEnds[^1].BatchesPerEpoch), "the cut epoch reports the batches it trained");
    }

    [TestMethod]
    public void ThePlanIsMadeAgainAfterTheFirstEpochFromTheStepsTimedSince()
    {
        var clock = new FakeClock();
        // 20 steps an epoch; the first 10 steps take 2 s (the JIT still optimizing), the rest 1 s.
        var network = new Sequential("net", new Ticking(clock, slowSteps: 10), TrainerTests.SmallCnn());
        var plans = new List<TrainingPlan>();
        var result = Trainer.Fit(network, TrainerTests.Stripes(120, 1), null, new TrainerOptions
        {
            Epochs = 50, BatchSize = 6, TimeLimit = TimeSpan.FromSeconds(200),
            Schedule = plan => { plans.Add(plan); return new CosineAnnealing(0.01f, plan.TotalSteps); },
        }, clock);

        // Warm-up 2 steps, 8 measured at 2 s: 20 s gone, ⌊180 · 0.97 / 2⌋ = 87 more → 97. Planned again 8 steps later
        // (a tenth of 97 would be sooner; the end of the epoch later), from those steps at 1 s: 28 s gone,
        // ⌊172 · 0.97 / 1⌋ = 166 more → 184.
        CollectionAssert.AreEqual(new[] { new TrainingPlan(20, 1000), new TrainingPlan(20, 97, TimeLimited: true),
            new TrainingPlan(20, 184, TimeLimited: true) }, plans);
        Assert.AreEqual(StopReason.TimeLimit, result.StopReason);
        StringAssert.Contains(result.Message, "184 steps");
    }

    [TestMethod]
    public void WithoutATimeLimitThePlanIsTheEpochs()
    {
        var plans = new List<TrainingPlan>();
        Trainer.Fit(TrainerTests.SmallCnn(), TrainerTests.Stripes(60, 1), null, new TrainerOptions
        {
            Epochs = 3, BatchSize = 6, Schedule = plan => { plans.Add(plan); return new CosineAnnealing(0.01f, plan.TotalSteps); },
        });
        CollectionAssert.AreEqual(new[] { new TrainingPlan(10, 30) }, plans);
    }

    /// <summary>Passes its input through; a training forward advances the clock by one second (two for the first <paramref name="slowSteps"/>).</summary>
    private sealed class Ticking(FakeClock clock, int slowSteps = 0) : Layer("tick")
    {
        private int _steps;

        public override TensorShape OutputShape(TensorShape input) => input;

        public override Tensor Forward(Tensor input, bool training)
        {
            if (training) clock.Advance(TimeSpan.FromSeconds(_steps++ < slowSteps ? 2 : 1));
            return input;
        }

        public override Tensor Backward(Tensor gradOutput) => gradOutput;
    }
}
