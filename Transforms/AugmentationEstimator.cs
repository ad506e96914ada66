using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Transforms;

/// <summary>
/// Marks a pipeline for training-time augmentation of an image or pixel column (see <see cref="AugmentationAnnotation"/>):
/// <c>Fit</c> returns an <see cref="AugmentationTransformer"/>, ML.NET's own CopyColumns transformer writing the marker
/// column plus the policy as that column's annotation, so the data the trainer sees — and every prediction — is
/// unchanged; the CNN trainer applies the policy to each training sample, freshly every epoch.
/// </summary>
internal sealed class AugmentationEstimator(TransformsCatalog transforms, string columnName, IAugmentation policy) : IEstimator<ITransformer>
{
    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = input.Schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentException($"The column '{columnName}' to augment is not in the data (columns: {string.Join(", ", input.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        if (column.Type is not ImageDataViewType && column.Type is not VectorDataViewType { ItemType: NumberDataViewType })
            throw new ArgumentException($"The column '{columnName}' to augment is {column.Type}; expected an image or a pixel vector.");
        string marker = AugmentationAnnotation.NextMarker(input.Schema);
        return new AugmentationTransformer(transforms.CopyColumns(marker, columnName).Fit(input), marker, policy);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        transforms.CopyColumns(AugmentationAnnotation.Prefix + "schema", columnName).GetOutputSchema(inputSchema);
}
