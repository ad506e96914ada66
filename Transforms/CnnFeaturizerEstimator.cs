using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Transforms;

/// <summary>
/// The activations of one layer of a trained CNN as a float vector column. It checks the pixel column and returns
/// ML.NET's own <c>ApplyOnnxModel</c> transformer over the network cut after the layer (<see cref="ScoringHead.Features"/>), which ML.NET saves and loads itself
/// (the ONNX bytes travel inside the model zip) and which is immutable, so several PredictionEngines may share it.
/// </summary>
internal sealed class CnnFeaturizerEstimator : IEstimator<ITransformer>
{
    private readonly string _inputColumnName;
    private readonly TensorShape _image;
    private readonly IEstimator<ITransformer> _apply;

    public CnnFeaturizerEstimator(TransformsCatalog catalog, CnnModel model, string layerName, string outputColumnName, string inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        if (outputColumnName == inputColumnName)
            throw new ArgumentException($"The output column must differ from the input column '{inputColumnName}': an ONNX graph cannot " +
                                        "give its output the name of its input.", nameof(outputColumnName));
        _inputColumnName = inputColumnName;
        _image = model.InputShape;
        // The layer name is resolved here, so a wrong one fails when the pipeline is written, not when it is fitted.
        var onnx = ScoringHead.Features(model, layerName, inputColumnName, outputColumnName);
        _apply = catalog.ApplyOnnxModel(outputColumnName, inputColumnName, new MemoryStream(onnx));
    }

    private string Expected =>
        $"a known-size float vector of {_image.Length} = {_image[0]}×{_image[1]}×{_image[2]} (channels × height × width of the model's input)";

    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = input.Schema.GetColumnOrNull(_inputColumnName)
            ?? throw new ArgumentException($"The input column '{_inputColumnName}' is not in the data " +
                                           $"(columns: {string.Join(", ", input.Schema.Select(c => c.Name))}); expected {Expected}.", nameof(input));
        if (column.Type is not VectorDataViewType { ItemType: var item, Size: var size } || item != NumberDataViewType.Single || size != _image.Length)
            throw new ArgumentException($"The input column '{_inputColumnName}' is {column.Type}" +
                $"{(column.Type is VectorDataViewType v ? $" of size {v.Size}" : "")}; expected {Expected}.", nameof(input));
        return _apply.Fit(input);
    }

    /// <summary>
    /// The schema ML.NET's ApplyOnnxModel gives (SchemaShape columns cannot be built outside ML.NET), after checking the
    /// input column; a SchemaShape does not carry vector sizes, so the size is checked by <see cref="Fit"/>.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        // SchemaShape.TryFindColumn is internal in ML.NET 5; the shape is a list of columns.
        var column = inputSchema.FirstOrDefault(c => c.Name == _inputColumnName);
        if (column.Name is null)
            throw new ArgumentException($"The input column '{_inputColumnName}' is not in the data; expected {Expected}.", nameof(inputSchema));
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"The input column '{_inputColumnName}' is {column.ItemType} ({column.Kind}); expected {Expected}.", nameof(inputSchema));
        return _apply.GetOutputSchema(inputSchema);
    }
}
