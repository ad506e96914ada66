using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Trainers;

namespace MLNet.Cnn.Tool.Models;

/// <summary>
/// A saved ML.NET classifier (<c>model.zip</c>) loaded for <c>evaluate</c> and <c>predict</c>: its class names (the
/// <c>Score</c> slot names the CNN trainer writes) and the image input it takes — the file's bytes in
/// <see cref="ImageRow.ImageSource"/>, what <c>train</c> saves, or its path in <see cref="ImageRow.ImagePath"/>, what a
/// pipeline with <c>LoadImages</c> saves (e.g. <c>Samples/ImageFolder</c>'s).
/// </summary>
internal sealed class SavedClassifier
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private PredictionEngine<ImageRow, ScoreRow>? _engine;

    private SavedClassifier(MLContext ml, ITransformer model, string path, bool takesBytes, string[] classNames)
    {
        (_ml, _model, Path, TakesBytes, ClassNames) = (ml, model, path, takesBytes, classNames);
    }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>Whether the model reads image bytes (<see cref="ImageRow.ImageSource"/>) rather than paths.</summary>
    public bool TakesBytes { get; }

    /// <summary>The class names in the order of the scores.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Loads the model that <paramref name="model"/> names (see <see cref="ModelFiles.MlNetModelOf"/>); anything that does not load as such a classifier is bad input.</summary>
    public static SavedClassifier Load(string model)
    {
        string path = ModelFiles.MlNetModelOf(model);
        var ml = new MLContext(seed: 1);
        ITransformer transformer;
        DataViewSchema input;
        try { transformer = ml.Model.Load(path, out input); }
        catch (Exception e) when (e is not OutOfMemoryException)   // a damaged zip fails in many exception types, deep in ML.NET
        {
            throw new BadInputException($"The model '{path}' does not load as an ML.NET model ({Innermost(e).Message}); expected the model.zip that 'mlnet-cnn train' writes.", e);
        }
        bool takesBytes = input.GetColumnOrNull(ImageRow.BytesColumn) is { Type: VectorDataViewType { ItemType: var item } } && item == NumberDataViewType.Byte;
        if (!takesBytes && input.GetColumnOrNull(ImageRow.PathColumn) is not { Type: TextDataViewType })
            throw new BadInputException($"The model '{path}' takes neither image bytes ('{ImageRow.BytesColumn}') nor image paths ('{ImageRow.PathColumn}'); " +
                                        $"its input columns are {string.Join(", ", input.Select(c => $"'{c.Name}'"))}.");
        return new SavedClassifier(ml, transformer, path, takesBytes, ClassNamesOf(transformer.GetOutputSchema(input), path));
    }

    /// <summary>An image folder view (<c>LoadFromImageFolder</c>'s Label and ImagePath) as the model reads it: with the files' bytes for a bytes model.</summary>
    public IDataView Prepare(IDataView images) => TakesBytes
        ? _ml.Transforms.LoadRawImageBytes(ImageRow.BytesColumn, imageFolder: null, ImageFolderData.ImagePathColumnName).Fit(images).Transform(images)
        : images;

    /// <summary>ML.NET's multiclass metrics of the model on prepared, labelled images (<see cref="Prepare"/>).</summary>
    public MulticlassClassificationMetrics Evaluate(IDataView prepared) => _ml.MulticlassClassification.Evaluate(_model.Transform(prepared));

    /// <summary>The class probabilities of one image file, in <see cref="ClassNames"/> order; a file that the model cannot read is bad input.</summary>
    public float[] Score(string imagePath)
    {
        var row = new ImageRow { ImagePath = imagePath, ImageSource = TakesBytes ? File.ReadAllBytes(imagePath) : [] };
        _engine ??= _ml.Model.CreatePredictionEngine<ImageRow, ScoreRow>(_model);
        try { return _engine.Predict(row).Score; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // An engine whose prediction threw half-way is not used again: its row state is unknown.
            _engine.Dispose();
            _engine = null;
            throw new BadInputException($"The image '{imagePath}' cannot be scored by the model ({Innermost(e).Message}); expected an image file (PNG, JPEG, BMP, GIF or WebP).", e);
        }
    }

    /// <summary>The row a prediction engine reads: the label (unused at scoring, read by the pipeline's first step), the path and the bytes.</summary>
    public sealed class ImageRow
    {
        public const string BytesColumn = "ImageSource", PathColumn = ImageFolderData.ImagePathColumnName;

        public string Label { get; set; } = "";
        public string ImagePath { get; set; } = "";
        public byte[] ImageSource { get; set; } = [];
    }

    /// <summary>What a prediction engine writes that the tool reads.</summary>
    public sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }

    /// <summary>The <c>Score</c> column's slot names, which the CNN trainer writes (the class names in key order).</summary>
    private static string[] ClassNamesOf(DataViewSchema output, string path)
    {
        var score = output.GetColumnOrNull("Score");
        if (score is not { Type: VectorDataViewType { Size: > 0 } vector } || !score.Value.HasSlotNames())
            throw new BadInputException($"The model '{path}' has no 'Score' column with class names; expected a multiclass classifier trained by 'mlnet-cnn train' or the CNN trainer.");
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        score.Value.GetSlotNames(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
