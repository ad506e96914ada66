namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>One encoded image to score: the name printed for it and a way to read its bytes.</summary>
internal sealed record ImageSource(string Name, Func<byte[]> ReadBytes)
{
    /// <summary>The extensions taken from a folder (what SkiaSharp decodes); other files are skipped with a note.</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>
    /// The images that <paramref name="input"/> names: <see cref="Arguments.StandardInput"/> for one image on
    /// <paramref name="stdin"/>, a folder for its images sorted by name (skipped files noted on <paramref name="notes"/>),
    /// otherwise a file, decoded whatever its extension.
    /// </summary>
    public static IReadOnlyList<ImageSource> Find(string input, Stream stdin, TextWriter notes)
    {
        if (input == Arguments.StandardInput)
        {
            var buffer = new MemoryStream();
            stdin.CopyTo(buffer);
            return [new("<stdin>", buffer.ToArray)];
        }
        if (File.Exists(input)) return [FromFile(input, input)];
        if (!Directory.Exists(input))
            throw new ScoringError($"{input}: no such image file or folder.");

        var images = new List<ImageSource>();
        foreach (string path in Directory.GetFiles(input).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase)) images.Add(FromFile(path, name));
            else notes.WriteLine($"skipped {name}: not {string.Join("/", Extensions.Select(e => e[1..]))}");
        }
        if (images.Count == 0)
            throw new ScoringError($"{input}: no {string.Join("/", Extensions.Select(e => e[1..]))} images in this folder.");
        return images;
    }

    private static ImageSource FromFile(string path, string name) => new(name, () =>
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScoringError($"{name}: cannot be read ({e.Message}).", e);
        }
    });
}
