namespace MLNet.Cnn.Training;

/// <summary>
/// How many optimizer steps fit in what is left of a time limit, from the measured time of one training step:
/// <code>
/// evaluation per step = validation images × (step time / batch) / 3 / steps per epoch   (a forward pass ≈ ⅓ of a step)
/// steps that fit      = ⌊(limit − elapsed) · (1 − margin) / (step time + evaluation per step)⌋
/// </code>
/// The margin leaves room for the last epoch's evaluation and the report; the plan never grows past the epochs asked for.
/// </summary>
internal static class TimeBudget
{
    public const double Margin = 0.03;

    /// <summary>
    /// Steps skipped before measuring: a twentieth of an epoch, at least 2, at most 50. The first steps pay for JIT
    /// compilation (tiered: methods are recompiled optimized after some calls) and scratch buffers; measured from step 3,
    /// a Fashion-MNIST run planned at 1,009 images/s and then ran at 1,300.
    /// </summary>
    public static int WarmUpSteps(int stepsPerEpoch) => Math.Clamp(stepsPerEpoch / 20, 2, 50);

    /// <summary>Steps measured: a twentieth of an epoch, at least 8, at most 50.</summary>
    public static int MeasuredSteps(int stepsPerEpoch) => Math.Clamp(stepsPerEpoch / 20, 8, 50);

    /// <summary>
    /// When the plan is made a second time: at the end of the first epoch, or after a tenth of the planned steps if that is
    /// sooner, and at least <see cref="MeasuredSteps"/> after the first plan. On Fashion-MNIST the JIT's optimized code
    /// took the step time from 1,300 to 1,600 images/s within the first epoch, after the first plan had been made.
    /// </summary>
    public static int ReplanStep(int stepsPerEpoch, int firstPlanStep, int plannedSteps) =>
        Math.Max(firstPlanStep + MeasuredSteps(stepsPerEpoch), Math.Min(stepsPerEpoch, plannedSteps / 10));

    /// <summary>The total steps of the run: at least <paramref name="stepsDone"/>, at most <paramref name="plannedSteps"/>.</summary>
    public static int TotalSteps(TimeSpan limit, TimeSpan elapsed, double secondsPerStep, int stepsDone, int plannedSteps,
        int stepsPerEpoch, int validationImages, int batch)
    {
        double evaluationPerStep = validationImages * (secondsPerStep / batch) / 3 / stepsPerEpoch;
        double left = Math.Max(0, (limit - elapsed).TotalSeconds) * (1 - Margin);
        double fit = Math.Floor(left / Math.Max(secondsPerStep + evaluationPerStep, 1e-12));
        return (int)Math.Clamp(stepsDone + fit, stepsDone, plannedSteps);
    }
}
