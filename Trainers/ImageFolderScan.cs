using System.IO.Enumeration;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// What an image folder holds, from names alone (no file is opened): its label folders — the first-level subfolders, whose
/// deeper subfolders belong to them — with their files that have an image extension, and the files skipped on the way:
/// those at the top level and those with another extension. Hidden entries (a name starting with '.', or the hidden or
/// system attribute, e.g. Thumbs.db) are ignored, not reported: they belong to the file system or a tool, not to the
/// data. Every list is sorted ordinally, so nothing depends on the order in which the file system lists entries.
/// </summary>
internal sealed record ImageFolderScan(IReadOnlyList<(string Label, string[] Files)> LabelFolders, IReadOnlyList<SkippedFile> Skipped)
{
    public static ImageFolderScan Of(string root)
    {
        var skipped = Entries(root, directories: false, recurse: false)
            .Select(f => new SkippedFile(f, SkipReason.NotInLabelFolder, "at the top level, not in a label folder"))
            .ToList();
        var labelFolders = new List<(string, string[])>();
        foreach (string folder in Entries(root, directories: true, recurse: false))
        {
            var files = Entries(folder, directories: false, recurse: true).ToLookup(ImageFileCheck.HasImageExtension);
            labelFolders.Add((Path.GetFileName(folder), files[true].ToArray()));
            skipped.AddRange(files[false].Select(f => new SkippedFile(f, SkipReason.NotAnImageExtension, Path.GetExtension(f) is { Length: > 0 } extension
                ? $"the extension '{extension}' is none of {string.Join(", ", ImageFileCheck.Extensions)}"
                : "the file has no extension")));
        }
        return new ImageFolderScan(labelFolders, skipped);
    }

    /// <summary>The visible files or folders in <paramref name="folder"/> (and, with <paramref name="recurse"/>, in its visible subfolders), ordinally sorted full paths.</summary>
    private static IEnumerable<string> Entries(string folder, bool directories, bool recurse) =>
        new FileSystemEnumerable<string>(folder, (ref FileSystemEntry e) => e.ToFullPath(),
            new EnumerationOptions
            {
                RecurseSubdirectories = recurse, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = false,
            })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => e.IsDirectory == directories && !e.FileName.StartsWith('.'),
            ShouldRecursePredicate = (ref FileSystemEntry e) => !e.FileName.StartsWith('.'),
        }.Order(StringComparer.Ordinal);
}
