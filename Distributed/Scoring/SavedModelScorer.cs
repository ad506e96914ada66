using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// A saved ML.NET classifier (<c>model.zip</c>) scoring lists of image files: the class names are the <c>Score</c>
/// column's slot names (what the CNN trainer writes); the model reads the file's bytes (<c>ImageSource</c>, what
/// <c>mlnet-cnn train</c> saves) or its path (<c>ImagePath</c>, a pipeline starting with <c>LoadImages</c>). A loaded
/// scorer may be used from several threads: each call transforms its own data view.
/// </summary>
internal sealed class SavedModelScorer : IImageScorer
{
    private const string ScoreColumn = "Score";
    private readonly MLContext _ml = new(seed: 1);
    private readonly ITransformer _model;
    private readonly bool _takesBytes;

    private SavedModelScorer(string path)
    {
        Path = path;
        if (!File.Exists(path))
            throw new FileNotFoundException($"The model '{path}' does not exist; expected an ML.NET model.zip of the CNN classifier.", path);
        DataViewSchema input;
        try { _model = _ml.Model.Load(path, out input); }
        catch (Exception e) when (e is not OutOfMemoryException)   // a damaged zip fails in many exception types, deep in ML.NET
        {
            throw new InvalidDataException($"The model '{path}' does not load as an ML.NET model ({ImageFault.Innermost(e).Message}).", e);
        }
        _takesBytes = input.GetColumnOrNull(ImageRow.BytesColumn) is { Type: VectorDataViewType { ItemType: var item } } && item == NumberDataViewType.Byte;
        if (!_takesBytes && input.GetColumnOrNull(ImageRow.PathColumn) is not { Type: TextDataViewType })
            throw new InvalidDataException($"The model '{path}' takes neither image bytes ('{ImageRow.BytesColumn}') nor image paths ('{ImageRow.PathColumn}'); " +
                                           $"its input columns are {string.Join(", ", input.Select(c => $"'{c.Name}'"))}.");
        ClassNames = ClassNamesOf(_model.GetOutputSchema(input));
    }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>The class names in the order of the scores.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Loads the model at <paramref name="path"/>; a missing file or one that is no such classifier is bad input.</summary>
    public static SavedModelScorer Load(string path) => new(path);

    /// <inheritdoc/>
    public float[][] Score(IReadOnlyList<string> imagePaths) =>
        ImageFault.ScoreNamingTheFault(imagePaths.Select(RowOf).ToArray(), rows => ScoreRows(rows), row => row.ImagePath, Path);

    /// <summary>Nothing to release: the transformer holds no native resources.</summary>
    public void Dispose() { }

    private float[][] ScoreRows(IReadOnlyList<ImageRow> rows) =>
        _model.Transform(_ml.Data.LoadFromEnumerable(rows)).GetColumn<VBuffer<float>>(ScoreColumn).Select(s => s.DenseValues().ToArray()).ToArray();

    private ImageRow RowOf(string imagePath)
    {
        if (!File.Exists(imagePath))
            throw new FileNotFoundException($"The image '{imagePath}' of the manifest does not exist.", imagePath);
        return new ImageRow { ImagePath = imagePath, ImageSource = _takesBytes ? File.ReadAllBytes(imagePath) : [] };
    }

    private string[] ClassNamesOf(DataViewSchema output)
    {
        var score = output.GetColumnOrNull(ScoreColumn);
        if (score is not { Type: VectorDataViewType { Size: > 0 } } || !score.Value.HasSlotNames())
            throw new InvalidDataException($"The model '{Path}' has no '{ScoreColumn}' column with class names; expected a multiclass classifier trained by the CNN trainer.");
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        score.Value.GetSlotNames(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    /// <summary>The row the model reads: the label (unused at scoring, read by a pipeline's MapValueToKey), the path and the bytes.</summary>
    public sealed class ImageRow
    {
        public const string BytesColumn = "ImageSource", PathColumn = "ImagePath";

        public string Label { get; set; } = "";
        public string ImagePath { get; set; } = "";
        public byte[] ImageSource { get; set; } = [];
    }
}
