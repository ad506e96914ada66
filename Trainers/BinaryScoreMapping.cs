using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The last step of the binary CNN's scoring chain: ML.NET's binary columns from the network's one-slot raw score
/// s = logit(true) − logit(false). ML.NET's evaluators need scalar columns, and no built-in transform turns a one-slot
/// float vector into a scalar, so this step is a <c>CustomMapping</c> under the contract <see cref="ContractName"/>. Only the
/// contract name is saved; <c>Model.Load</c> in a fresh process finds the factory in MLNet.Cnn.Trainers.dll by itself when
/// the dll is deployed with the application (tested); elsewhere, call
/// <c>mlContext.ComponentCatalog.RegisterAssembly(typeof(CnnCatalog).Assembly)</c> before loading.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class BinaryScoreMapping : CustomMappingFactory<BinaryScoreMapping.Input, BinaryScoreMapping.Output>
{
    /// <summary>The contract name the mapping is saved under and found by on <c>Model.Load</c>.</summary>
    public const string ContractName = "MLNet.Cnn.BinaryScore";

    /// <summary>The mapping's input row: the network's raw score.</summary>
    public sealed class Input
    {
/// <summary>logit(true) − logit(false), as a one-slot vector (what ONNX writes).</summary>
        [ColumnName(CnnEstimator.RawScoreColumnName), VectorType(1)] public float[] RawScore { get; set; } = [];
    }

    /// <summary>The mapping's output row: ML.NET's binary columns (renamed afterwards when the options name them otherwise).</summary>
    public sealed class Output
    {
        /// <summary>The raw score s: positive when true is the more probable label.</summary>
        public float Score { get; set; }

        /// <summary>σ(s) = softmax(logits)[true].</summary>
        public float Probability { get; set; }

        /// <summary>True when the raw score is positive (probability above ½).</summary>
        public bool PredictedLabel { get; set; }
    }

    /// <summary>Fills <paramref name="output"/> from the raw score of <paramref name="input"/>.</summary>
    public static void Map(Input input, Output output)
    {
        float score = input.RawScore[0];
        output.Score = score;
        output.Probability = 1f / (1f + MathF.Exp(-score));
        output.PredictedLabel = score > 0;
    }

    /// <summary>The mapping ML.NET runs: <see cref="Map"/>.</summary>
    public override Action<Input, Output> GetMapping() => Map;
}
