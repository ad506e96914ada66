using Microsoft.ML;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// <c>mlContext.Data.LoadFromImageFolder</c>: scan the folder by names, check each candidate's signature (and decode it
/// when asked) on worker threads, refuse a folder a classifier cannot learn from, split each label reproducibly, and
/// wrap the two lists of paths as IDataViews.
/// </summary>
internal static class ImageFolderLoader
{
    public static ImageFolderData Load(DataOperationsCatalog data, string folder, ImageFolderOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (options.ValidationFraction is not (>= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.ValidationFraction,
                $"ValidationFraction must be at least 0 and less than 1 (0: no validation part); {options.ValidationFraction} was given.");
        string root = Path.GetFullPath(folder);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"The image folder '{root}' does not exist.");

        var scan = ImageFolderScan.Of(root);
        var problems = Problems(scan.LabelFolders.SelectMany(l => l.Files).ToArray(), options.CheckImagesDecode);
        var rejected = problems.Select(p => p.Path).ToHashSet();
        var labels = scan.LabelFolders.Select(l => (l.Label, Files: l.Files.Where(f => !rejected.Contains(f)).ToArray())).ToList();
        var skipped = scan.Skipped.Concat(problems).OrderBy(s => s.Path, StringComparer.Ordinal).ToList();
        var withImages = labels.Where(l => l.Files.Length > 0).ToList();
        Refuse(root, withImages.Select(l => l.Label).ToList(), skipped);

        var counts = new List<LabelCount>();
        var train = new List<LabelledImage>();
        var validation = new List<LabelledImage>();
        foreach (var (label, files) in withImages)
        {
            var toValidation = StratifiedSplit.ValidationMask(root, files, options.ValidationFraction, options.Seed);
            for (int i = 0; i < files.Length; i++)
                (toValidation[i] ? validation : train).Add(new LabelledImage { Label = label, ImagePath = files[i] });
            int validating = toValidation.Count(v => v);
            counts.Add(new LabelCount(label, files.Length, files.Length - validating, validating));
        }
        var summary = new ImageFolderSummary(root, counts, labels.Where(l => l.Files.Length == 0).Select(l => l.Label).ToList(), skipped);
        return new ImageFolderData(data.LoadFromEnumerable(train), validation.Count > 0 ? data.LoadFromEnumerable(validation) : null, summary);
    }

    /// <summary>The candidates that fail their check, in their order; checked in parallel because each is a file read (or a decode).</summary>
    private static List<SkippedFile> Problems(string[] candidates, bool decode)
    {
        var problems = new SkippedFile?[candidates.Length];
        Parallel.For(0, candidates.Length, i => problems[i] = ImageFileCheck.Problem(candidates[i], decode));
        return problems.OfType<SkippedFile>().ToList();
    }

    private static void Refuse(string root, List<string> labels, List<SkippedFile> skipped)
    {
        if (labels.Count == 0)
        {
            int topLevel = skipped.Count(s => s.Reason == SkipReason.NotInLabelFolder);
            string why = skipped.Count == 0 ? "" : $" ({skipped.Count} files skipped, {topLevel} of them at the top level)";
            throw new ArgumentException($"The image folder '{root}' has no images in subfolders{why}; expected one subfolder per label with "
                + $"{string.Join(", ", ImageFileCheck.Extensions)} files.");
        }
        if (labels.Count == 1)
            throw new ArgumentException($"The image folder '{root}' has images of the single label '{labels[0]}'; a classifier needs at least two.");
    }
}
