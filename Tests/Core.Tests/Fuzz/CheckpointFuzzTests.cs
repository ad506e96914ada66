using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Fuzz;

/// <summary>
/// Checkpoint files (<see cref="CheckpointFile.Read"/>): a checkpoint with every section filled (epoch rows, optimizer slots,
/// three snapshots, pruning masks, draws) as the seed, mutated bytes resealed with their checksum in half the cases, so that
/// counts and tags made huge, negative or wrong reach the section reader; a refusal is an <see cref="InvalidDataException"/>
/// (damage) or a <see cref="NotSupportedException"/> (a newer format), both naming the file.
/// </summary>
[TestClass]
public sealed class CheckpointFuzzTests
{
    [TestMethod]
    public void MutatedCheckpointsAreReadOrRefusedWithTheirName()
    {
        float[][] weights = [[1, 2, 3, 4], [0.5f, -0.5f]];
        var epoch = new EpochResult(1, 0.9, 0.5, null, 1.1, 0.4, null, 120, TimeSpan.FromSeconds(2), 0.25);
        var checkpoint = new Checkpoint
        {
            Fingerprint = ["network net", "seed 3"], Position = new CheckpointPosition(1, 0, 10),
            UnderWay = new EpochUnderWay(10, 0, 0, 0, TimeSpan.Zero), ImagesSeen = 40, Elapsed = TimeSpan.FromSeconds(2),
            Epochs = [epoch], BestLoss = 1.1, BestEpoch = 1, SinceImprovement = 0,
            Plan = new TrainingPlan(10, 40), ReplanAt = 0, ScheduleFrom = 0,
            LearningRate = 0.01f, OptimizerSteps = 10, OptimizerState = [new ParameterState(2, 4) { Steps = 10 }, null],
            Weights = weights, LastGood = weights, Best = [[4, 3, 2, 1], [0, 0]], PruningMasks = [[0b1010]], Draws = [7],
        };
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "seed.ckpt");
        CheckpointFile.Write(path, checkpoint);
        var target = new FuzzTarget(".ckpt", [File.ReadAllBytes(path)], path => CheckpointFile.Read(path),
            typeof(InvalidDataException), typeof(NotSupportedException)) { Seal = FileMutator.ResealSha256 };
        Console.WriteLine(FuzzRunner.Run(target, cases: 1500, seed: 5));
    }
}
