using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Transforms;

/// <summary>
/// The fitted augmentation step: ML.NET's CopyColumns transformer writing the marker column, whose output data carries
/// the policy as the marker's annotation (<see cref="AugmentationAnnotation"/>). Scoring and saving are the CopyColumns
/// transformer's own: <c>Model.Save</c> writes it (a loaded model scores exactly the same and needs no assembly of ours),
/// and a <c>PredictionEngine</c> maps rows through it. Immutable, so safe to share between threads.
/// </summary>
internal sealed class AugmentationTransformer(ITransformer copy, string marker, IAugmentation policy) : ITransformer
{
    public bool IsRowToRowMapper => copy.IsRowToRowMapper;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => AugmentationAnnotation.Annotate(copy.GetOutputSchema(inputSchema), marker, policy);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => copy.GetRowToRowMapper(inputSchema);

    public IDataView Transform(IDataView input) => AugmentationAnnotation.Annotate(copy.Transform(input), marker, policy);

    void ICanSaveModel.Save(ModelSaveContext ctx) => copy.Save(ctx);
}
