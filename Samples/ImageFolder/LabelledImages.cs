namespace MLNet.Cnn.Samples.ImageFolder;

/// <summary>One image file and its label: the name of the subfolder it is in.</summary>
public sealed class LabelledImage
{
    public string ImagePath { get; set; } = "";
    public string Label { get; set; } = "";
}

internal static class LabelledImages
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>Every image under <paramref name="root"/>, labelled by its first-level subfolder; refuses folders a classifier cannot learn from.</summary>
    public static List<LabelledImage> From(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"The image folder '{root}' does not exist.");
        var images = Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .Select(f => new LabelledImage { ImagePath = f, Label = Path.GetFileName(folder) }))
            .ToList();
        if (images.Count == 0)
            throw new ArgumentException($"The image folder '{root}' has no images in subfolders; expected one subfolder per label with {string.Join("/", Extensions)} files.");
        var labels = images.Select(i => i.Label).Distinct().ToArray();
        if (labels.Length < 2)
            throw new ArgumentException($"The image folder '{root}' has images of the single label '{labels[0]}'; a classifier needs at least two subfolders.");
        return images;
    }
}
