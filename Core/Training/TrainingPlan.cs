namespace MLNet.Cnn.Training;

/// <summary>
/// How long a run is planned to be, in optimizer steps: what <see cref="TrainerOptions.Schedule"/> lays the learning rate
/// out over (e.g. <c>plan => new OneCycle(3e-3f, plan.TotalSteps)</c>). Without a time limit the plan is
/// <see cref="TrainerOptions.Epochs"/> × <see cref="StepsPerEpoch"/>. With <see cref="TrainerOptions.TimeLimit"/>, the
/// loop measures the step time over the first steps and, when the epochs would not fit in the limit, plans again with
/// the steps that do (<see cref="TimeLimited"/>): the schedule is rebuilt over that plan, so it ends when the time does,
/// and training stops at the plan's last step.
/// </summary>
/// <param name="StepsPerEpoch">Batches per epoch.</param>
/// <param name="TotalSteps">Steps of the whole run; the last epoch may be partial.</param>
/// <param name="TimeLimited">True when the plan was cut to fit the time limit.</param>
public sealed record TrainingPlan(int StepsPerEpoch, int TotalSteps, bool TimeLimited = false)
{
    /// <summary>Epochs the plan touches: the last one may be partial.</summary>
    public int Epochs => (TotalSteps + StepsPerEpoch - 1) / StepsPerEpoch;
}
