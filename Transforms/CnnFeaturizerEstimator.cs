using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Transforms;

/// <summary>
/// The activations of one layer of a trained CNN as a float vector column. It checks the input column and returns
/// ML.NET's own <c>ApplyOnnxModel</c> transformer over the network cut after the layer (<see cref="ScoringHead.Features"/>),
/// which ML.NET saves and loads itself (the ONNX bytes travel inside the model zip) and which is immutable, so several
/// PredictionEngines may share it. An image column (MLImage) first goes through the trainers' image steps
/// (<see cref="ImagePixels"/>: resized to the model's input, pixels scaled), whose internal columns are dropped at the end.
/// </summary>
internal sealed class CnnFeaturizerEstimator : IEstimator<ITransformer>
{
    private const string ResizedColumnName = "CnnFeaturizerResizedImage", PixelColumnName = "CnnFeaturizerPixels";

    private readonly TransformsCatalog _catalog;
    private readonly CnnModel _model;
    private readonly string _layerName, _outputColumnName, _inputColumnName;
    private readonly float _imagePixelScale;
    private readonly TensorShape _image;
    private readonly IEstimator<ITransformer> _apply;

    public CnnFeaturizerEstimator(TransformsCatalog catalog, CnnModel model, string layerName, string outputColumnName, string inputColumnName,
        float imagePixelScale)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        if (outputColumnName == inputColumnName)
            throw new ArgumentException($"The output column must differ from the input column '{inputColumnName}': an ONNX graph cannot " +
                                        "give its output the name of its input.", nameof(outputColumnName));
        _catalog = catalog;
        _model = model;
        _layerName = layerName;
        _outputColumnName = outputColumnName;
        _inputColumnName = inputColumnName;
        _imagePixelScale = imagePixelScale;
        _image = model.InputShape;
        // The layer name is resolved here, so a wrong one fails when the pipeline is written, not when it is fitted.
        _apply = Apply(inputColumnName);
    }

    private IEstimator<ITransformer> Apply(string pixelColumn) =>
        _catalog.ApplyOnnxModel(_outputColumnName, pixelColumn, new MemoryStream(ScoringHead.Features(_model, _layerName, pixelColumn, _outputColumnName)));

    /// <summary>For an image column: the image steps, the network, and the image steps' columns dropped.</summary>
    private IEstimator<ITransformer> FromImage() =>
        ImagePixels.Steps(_catalog, _inputColumnName, _inputColumnName, ResizedColumnName, PixelColumnName, _image[0], _image[1], _image[2], _imagePixelScale)
            .Append(Apply(PixelColumnName))
            .Append(_catalog.DropColumns(ResizedColumnName, PixelColumnName));

    private string Expected =>
        $"a known-size float vector of {_image.Length} = {_image[0]}×{_image[1]}×{_image[2]} (channels × height × width of the model's input) " +
        $"or an image (LoadImages), which is resized to {_image[2]}×{_image[1]}";

    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = input.Schema.GetColumnOrNull(_inputColumnName)
            ?? throw new ArgumentException($"The input column '{_inputColumnName}' is not in the data " +
                                           $"(columns: {string.Join(", ", input.Schema.Select(c => c.Name))}); expected {Expected}.", nameof(input));
        if (column.Type is ImageDataViewType) return FromImage().Fit(input);
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
        if (column.ItemType is ImageDataViewType) return FromImage().GetOutputSchema(inputSchema);
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"The input column '{_inputColumnName}' is {column.ItemType} ({column.Kind}); expected {Expected}.", nameof(inputSchema));
        return _apply.GetOutputSchema(inputSchema);
    }
}
