using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Built-in steps fitted one after another into a <see cref="TransformerChain{TLastTransformer}"/>, with the output schema
/// taken from other steps (<paramref name="shape"/>). Needed for a <c>CustomMapping</c> that reads an image: the
/// mapping estimator's <c>GetOutputSchema</c> compares item types by reference, and every ML.NET image step makes its own
/// <c>ImageDataViewType</c> instance, so it refuses any image column ("expected Image, got Image") — and
/// <c>EstimatorChain.Fit</c> runs that check first. The transformer itself binds the column by its raw type (MLImage) and
/// works, in training and after <c>Model.Load</c>. So the steps are fitted here one by one (each <c>Fit</c> checks the
/// transformer, not the estimator), and the schema comes from <paramref name="shape"/>: the same steps with a twin of the
/// mapping that writes the same columns without reading the image.
/// </summary>
internal sealed class StepwiseEstimator(IReadOnlyList<IEstimator<ITransformer>> steps, IEstimator<ITransformer> shape) : IEstimator<ITransformer>
{
    public ITransformer Fit(IDataView input)
    {
        var fitted = new List<ITransformer>();
        var data = input;
        foreach (var step in steps)
        {
            var transformer = step.Fit(data);
            data = transformer.Transform(data);
            fitted.Add(transformer);
        }
        return new TransformerChain<ITransformer>([.. fitted]);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => shape.GetOutputSchema(inputSchema);
}
