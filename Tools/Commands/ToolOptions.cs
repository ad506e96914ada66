using System.CommandLine;

namespace MLNet.Cnn.Tool.Commands;

/// <summary>The options several commands share, each declared once; and the range checks that make a bad value a usage error.</summary>
internal static class ToolOptions
{
    /// <summary><c>--model</c>: a trained model (what <c>train</c> wrote): its output folder or one of its files.</summary>
    public static Option<string> Model(string accepts) => new("--model", "-m")
    {
        Description = $"The trained model: the folder 'train' wrote (--out) or {accepts}.",
        Required = true,
        HelpName = "DIR_OR_FILE",
    };

    /// <summary><c>--images</c>: an image folder with one subfolder per label.</summary>
    public static Option<string> Images(string purpose) => new("--images", "-i")
    {
        Description = $"A folder with one subfolder per label holding its images (png, jpg, jpeg, bmp, gif, webp) {purpose}.",
        Required = true,
        HelpName = "DIR",
    };

    /// <summary><c>FILE|DIR</c>: an image file, or a folder whose image files (subfolders too) are each <paramref name="handled"/>.</summary>
    public static Argument<string> ImageFileOrFolder(string handled) => new("FILE|DIR")
    {
        Description = $"An image file, or a folder whose image files (png, jpg, jpeg, bmp, gif, webp; subfolders too) are {handled}.",
    };

    /// <summary>An integer option that must be at least <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(string name, int minimum, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "N" };
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < minimum) result.AddError($"{name} is {value}; expected at least {minimum}.");
        });
        return option;
    }
}
