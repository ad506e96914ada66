using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The last step of a single-output CNN regression's scoring chain: the network's one-slot output as ML.NET's scalar
/// <c>Score</c>, which ML.NET's regression evaluator needs. A <c>CustomMapping</c> for the reason given at
/// <see cref="BinaryScoreMapping"/>; <c>Model.Load</c> finds it in this assembly.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class RegressionScoreMapping : CustomMappingFactory<RegressionScoreMapping.Input, RegressionScoreMapping.Output>
{
    public const string ContractName = "MLNet.Cnn.RegressionScore";

    public sealed class Input
    {
        [ColumnName(CnnEstimator.RawScoreColumnName), VectorType(1)] public float[] RawScore { get; set; } = [];
    }

    public sealed class Output
    {
        public float Score { get; set; }
    }

    public static void Map(Input input, Output output) => output.Score = input.RawScore[0];

    public override Action<Input, Output> GetMapping() => Map;
}
