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
    public const string ContractName = "MLNet.Cnn.BinaryScore";

    public sealed class Input
    {
        [ColumnName(CnnEstimator.RawScoreColumnName), VectorType(1)] public float[] RawScore { get; set; } = [];
    }

    public sealed class Output
    {
        /// <summary>The raw score s: positive when true is the more probable label.</summary>
        public float Score { get; set; }

        /// <summary>σ(s) = softmax(logits)[true].</summary>
        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    public static void Map(Input input, Output output)
    {
        float score = input.RawScore[0];
        output.Score = score;
        output.Probability = 1f / (1f + MathF.Exp(-score));
        output.PredictedLabel = score > 0;
    }

    public override Action<Input, Output> GetMapping() => Map;
}
