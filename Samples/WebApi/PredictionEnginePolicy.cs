using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace MLNet.Cnn.Samples.WebApi;

/// <summary>
/// How the pool makes PredictionEngines, as Microsoft.Extensions.ML's PredictionEnginePool does: a PredictionEngine is not
/// thread-safe (it reuses its row buffers), the model (<see cref="ITransformer"/>) is, so each engine serves one request at a
/// time and all share the one loaded model. Each engine is created with <c>OwnsTransformer = false</c>: by default an engine
/// owns the model and its <c>Dispose</c> disposes it — for our models the OnnxTransformer's ONNX Runtime session, after which
/// every other engine fails with NullReferenceException in <c>InferenceSession.Run</c>. Disposing one of these engines (the
/// pool does, for those it has no room to keep) frees only its own row buffers.
/// </summary>
internal sealed class PredictionEnginePolicy(MLContext ml, ITransformer model) : IPooledObjectPolicy<PredictionEngine<ModelInput, ModelOutput>>
{
    /// <summary>A new engine over the shared model (when the pool has no idle one).</summary>
    public PredictionEngine<ModelInput, ModelOutput> Create() =>
        ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model, new PredictionEngineOptions { OwnsTransformer = false });

    /// <summary>Every engine handed back is reusable: the caller disposes, instead of returning, one whose prediction threw.</summary>
    public bool Return(PredictionEngine<ModelInput, ModelOutput> engine) => true;
}
