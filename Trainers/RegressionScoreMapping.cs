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
    /// <summary>The contract name the mapping is saved under and found by on <c>Model.Load</c>.</summary>
    public const string ContractName = "MLNet.Cnn.RegressionScore";

    /// <summary>The mapping's input row: the network's one output.</summary>
    public sealed class Input
    {
/// <summary>The network's output, as a one-slot vector (what ONNX writes).</summary>
        [ColumnName(CnnEstimator.RawScoreColumnName), VectorType(1)] public float[] RawScore { get; set; } = [];
    }

    /// <summary>The mapping's output row.</summary>
    public sealed class Output
    {
        /// <summary>The predicted value, as ML.NET's regression evaluator reads it (renamed afterwards when the options name it otherwise).</summary>
        public float Score { get; set; }
    }

    /// <summary>Copies the one slot of <paramref name="input"/> into the scalar score.</summary>
    public static void Map(Input input, Output output) => output.Score = input.RawScore[0];

    /// <summary>The mapping ML.NET runs: <see cref="Map"/>.</summary>
    public override Action<Input, Output> GetMapping() => Map;
}
