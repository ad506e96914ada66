namespace MLNet.Cnn.Trainers;

/// <summary>
/// What <c>LoadFromImageFolder</c> found: the images per label and per part, the label folders without images, and every
/// skipped file with its reason — so a user sees a mislabelled, unbalanced or polluted folder before training on it.
/// <see cref="Print"/> (and <see cref="ToString"/>) shows it as a table.
/// </summary>
public sealed class ImageFolderSummary
{
    internal ImageFolderSummary(string folder, IReadOnlyList<LabelCount> labels, IReadOnlyList<string> emptyLabelFolders,
        IReadOnlyList<SkippedFile> skipped)
    {
        Folder = folder;
        Labels = labels;
        EmptyLabelFolders = emptyLabelFolders;
        Skipped = skipped;
    }

    /// <summary>The full path of the folder.</summary>
    public string Folder { get; }

    /// <summary>Every label with images, in ordinal order of the names.</summary>
    public IReadOnlyList<LabelCount> Labels { get; }

    /// <summary>Label folders with no image left after skipping (not labels of the data), in ordinal order.</summary>
    public IReadOnlyList<string> EmptyLabelFolders { get; }

    /// <summary>Every skipped file, in ordinal order of the paths.</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; }

    /// <summary>The images of every label (training and validation).</summary>
    public int Images => Labels.Sum(l => l.Images);

    /// <summary>The images of the training part.</summary>
    public int TrainImages => Labels.Sum(l => l.Train);

    /// <summary>The images of the validation part.</summary>
    public int ValidationImages => Labels.Sum(l => l.Validation);

    /// <summary>Files in the folder itself rather than in a label folder (also in <see cref="Skipped"/>).</summary>
    public int TopLevelFiles => Skipped.Count(s => s.Reason == SkipReason.NotInLabelFolder);

    /// <summary>Writes the table of labels, the empty label folders, the skipped files by reason and the first <paramref name="listedFiles"/> of them.</summary>
    public void Print(TextWriter output, int listedFiles = 20)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Image folder '{Folder}': {Images} images of {Labels.Count} labels, {TrainImages} to train and {ValidationImages} to validate");
        int width = Math.Max("label".Length, Labels.Max(l => l.Label.Length));
        output.WriteLine($"  {"label".PadRight(width)}  {"images",7}  {"train",7}  {"validate",8}");
        foreach (var l in Labels) output.WriteLine($"  {l.Label.PadRight(width)}  {l.Images,7}  {l.Train,7}  {l.Validation,8}");
        if (EmptyLabelFolders.Count > 0) output.WriteLine($"Label folders without images: {string.Join(", ", EmptyLabelFolders)}");
        if (Skipped.Count == 0) return;
        var byReason = Skipped.GroupBy(s => s.Reason).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Describe(g.Key)}");
        output.WriteLine($"Skipped {Skipped.Count} files: {string.Join(", ", byReason)}");
        foreach (var s in Skipped.Take(listedFiles)) output.WriteLine($"  {s.Path}: {s.Detail}");
        if (Skipped.Count > listedFiles) output.WriteLine($"  … and {Skipped.Count - listedFiles} more (Summary.Skipped lists them all)");
    }

    /// <summary>What <see cref="Print"/> writes, as text.</summary>
    public override string ToString()
    {
        var text = new StringWriter();
        Print(text);
        return text.ToString();
    }

    private static string Describe(SkipReason reason) => reason switch
    {
        SkipReason.NotInLabelFolder => "at the top level",
        SkipReason.NotAnImageExtension => "not images by extension",
        SkipReason.NotAnImageContent => "not images by content",
        SkipReason.Unreadable => "unreadable",
        SkipReason.DoesNotDecode => "not decodable",
        _ => reason.ToString(),
    };
}
