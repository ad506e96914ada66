using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// The images a batch-scoring job scores: full paths in ordinal order, each once. The order fixes the shards (shard k holds
/// images [k·S, (k+1)·S)) and the order of the output rows, so the same manifest always gives the same shards.
/// </summary>
public sealed class ImageManifest
{
    /// <summary>The file extensions a folder manifest takes (the formats ML.NET's image loader decodes).</summary>
    public static readonly IReadOnlyList<string> ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    private ImageManifest(string source, IEnumerable<string> paths)
    {
        Source = source;
        var sorted = paths.Select(p => System.IO.Path.GetFullPath(p)).Order(StringComparer.Ordinal).ToArray();
        for (int i = 1; i < sorted.Length; i++)
            if (sorted[i] == sorted[i - 1])
                throw new ArgumentException($"The manifest ({source}) lists '{sorted[i]}' more than once; each image must appear once.");
        Paths = sorted;
    }

    /// <summary>Where the paths came from, for messages ("folder '/data/images'").</summary>
    public string Source { get; }

    /// <summary>The images' full paths in ordinal order.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>The image files (by extension, see <see cref="ImageExtensions"/>) under <paramref name="folder"/> and its subfolders.</summary>
    public static ImageManifest FromFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"The image folder '{folder}' does not exist.");
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(System.IO.Path.GetExtension(f), StringComparer.OrdinalIgnoreCase));
        return new ImageManifest($"folder '{folder}'", files);
    }

    /// <summary>A text file of image paths, one a line (blank lines skipped); a relative path is relative to the file's folder.</summary>
    public static ImageManifest FromListFile(string listFile)
    {
        if (!File.Exists(listFile))
            throw new FileNotFoundException($"The image list '{listFile}' does not exist.", listFile);
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(listFile))!;
        var paths = File.ReadLines(listFile).Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => System.IO.Path.Combine(folder, l));
        return new ImageManifest($"list '{listFile}'", paths);
    }

    /// <summary>The text column <paramref name="columnName"/> of <paramref name="data"/> (e.g. <c>LoadFromImageFolder</c>'s ImagePath).</summary>
    public static ImageManifest FromDataView(IDataView data, string columnName = "ImagePath")
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Schema.GetColumnOrNull(columnName) is not { Type: TextDataViewType } column)
            throw new ArgumentException($"The data view has no text column '{columnName}' of image paths; its columns are {string.Join(", ", data.Schema.Select(c => $"'{c.Name}' ({c.Type})"))}.", nameof(columnName));
        return new ImageManifest($"column '{columnName}'", data.GetColumn<string>(column));
    }

    /// <summary>The given image paths.</summary>
    public static ImageManifest FromPaths(IEnumerable<string> paths, string source = "paths") => new(source, paths);
}
