using System.CommandLine;
using MLNet.Cnn.Explain;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tool.Data;
using MLNet.Cnn.Tool.Models;
using MLNet.Cnn.Visualization;

namespace MLNet.Cnn.Tool.Commands;

/// <summary>
/// <c>explain</c>: Grad-CAM (Selvaraju et al. 2017) for each image: where the network found its evidence for a class, as a PNG of
/// the image beside the image under its heat map (docs/explain.md, docs/visualization.md).
/// </summary>
internal sealed class ExplainCommand : IToolCommand
{
    public int Order => 60;

    public Command Create()
    {
        var model = ToolOptions.Model("its model.cnn (or a model.zip with its .cnn beside it)");
        var images = ToolOptions.ImageFileOrFolder("each explained");
        var label = new Option<string?>("--class") { Description = "The class to explain (default: the predicted one).", HelpName = "NAME" };
        var layer = new Option<string?>("--layer") { Description = "The layer to explain at, by path or name (default: the last convolutional stage; 'summary' lists the layers).", HelpName = "LAYER" };
        var output = new Option<string>("--out", "-o") { Description = "The folder to write one IMAGE.grad-cam.png per image into (created if needed).", DefaultValueFactory = _ => "grad-cam", HelpName = "DIR" };
        var command = new Command("explain", "Show where the network looks: a Grad-CAM heat map over each image, beside the image, as PNG.")
        {
            model, images, label, layer, output,
        };
        command.SetAction(parse =>
        {
            var network = CoreModelFile.Load(parse.GetValue(model)!);
            int? classIndex = ClassIndex(network, parse.GetValue(label));
            var files = ImageFiles.Of(parse.GetValue(images)!);
            var pixels = ModelInputImages.Load(files, network);
            string folder = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(folder);
            var console = parse.InvocationConfiguration.Output;
            for (int i = 0; i < files.Count; i++)
            {
                var explanation = Explain(network, Image(pixels, i), classIndex, parse.GetValue(layer));
                string png = Path.Combine(folder, Path.GetFileNameWithoutExtension(files[i]) + ".grad-cam.png");
                GradCamOverlay.Render(files[i], explanation, new GradCamOptions { SideBySide = true }).SavePng(png);
                console.WriteLine(FormattableString.Invariant(
                    $"{files[i]}: {explanation.ClassName} (p = {explanation.Probability:F3}) at {explanation.LayerPath} → {png}"));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The index of the class named <paramref name="name"/>; null for none (the predicted class); an unknown name is bad input that lists the classes.</summary>
    private static int? ClassIndex(CnnModel network, string? name)
    {
        if (name is null) return null;
        int index = network.ClassNames.ToList().IndexOf(name);
        return index >= 0 ? index
            : throw new BadInputException($"The model has no class '{name}'; its classes are {string.Join(", ", network.ClassNames)} (--class).");
    }

    /// <summary>Grad-CAM of one image; a layer it cannot explain at is bad input, with Grad-CAM's message (which lists the layers it can).</summary>
    private static GradCamResult Explain(CnnModel network, Tensor image, int? classIndex, string? layer)
    {
        try { return GradCam.Compute(network, image, classIndex, layer); }
        catch (ArgumentException e) when (layer is not null)
        {
            throw new BadInputException($"--layer {layer}: {e.Message}", e);
        }
    }

    /// <summary>Image <paramref name="index"/> of a batch [N, C, H, W] as its own tensor [C, H, W].</summary>
    private static Tensor Image(Tensor batch, int index)
    {
        var dims = batch.Shape.Dimensions;
        var image = new Tensor(dims[1], dims[2], dims[3]);
        batch.Span.Slice(index * image.Length, image.Length).CopyTo(image.Span);
        return image;
    }
}
