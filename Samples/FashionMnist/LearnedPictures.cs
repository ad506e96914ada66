using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Explain;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Visualization;

namespace MLNet.Cnn.Samples.FashionMnist;

/// <summary>
/// What the trained network learned, as pictures (docs/visualization.md, docs/explain.md): the first convolution's filters,
/// its feature maps for one test image, Grad-CAM over a few test images (where the network found its evidence), and, for a
/// few channels of the last convolutional stage, the test images that activate each most, a box around the place it fires.
/// </summary>
internal static class LearnedPictures
{
    private const int GradCamImages = 8, TopChannels = 4, TopImages = 8;

    /// <param name="test">The test images as loaded (pixels in [0, 1]), drawn as they are and normalized for the network.</param>
    public static void Write(CnnModel model, ImageDataset test, string directory, TextWriter output)
    {
        var normalized = test.Normalized(model.Normalization);
        var (firstPath, firstConv) = LayerPaths.Walk(model.Network).First(l => l.Layer is Conv2dLayer);
        FilterGrid.Render((Conv2dLayer)firstConv).SavePng(Path.Combine(directory, "filters.png"));
        FeatureMapGrid.Render(LayerActivations.Of(model, firstPath, Image(normalized, 0).Reshape(1, test.Channels, test.Height, test.Width)), new FeatureMapOptions { Captions = true })
            .SavePng(Path.Combine(directory, "feature-maps.png"));

        var explained = Enumerable.Range(0, GradCamImages).Select(i =>
        {
            var explanation = GradCam.Compute(model, Image(normalized, i));
            output.WriteLine($"  Grad-CAM {i}: {test.ClassNames[test.Labels[i]],-12} → {explanation.ClassName} (p = {explanation.Probability:F3}) at {explanation.LayerPath}");
            return GradCamOverlay.Render(Image(test, i), explanation, new GradCamOptions { SideBySide = true, TargetSize = 112 });
        }).ToList();
        RgbImage.Grid(explained, columns: 2).SavePng(Path.Combine(directory, "grad-cam.png"));

        string stage = GradCam.DefaultLayer(model).Path;
        var mapShape = LayerPaths.Find(model, stage).OutputShape;   // [K, h, w]
        var rows = Enumerable.Range(0, TopChannels).SelectMany(channel =>
            TopActivations.Find(model, stage, channel, normalized, TopImages).Select(top => new GridImage(Image(test, top.ImageIndex),
                $"{top.Value:F1}", Around(top, test.Height / (double)mapShape[1])))).ToList();
        ImageGrid.Render(rows, new ImageGridOptions { RowTitles = [.. Enumerable.Range(0, TopChannels).Select(c => $"{stage} #{c}")] })
            .SavePng(Path.Combine(directory, "top-activations.png"));
        output.WriteLine($"what it learned: filters.png ({firstPath}), feature-maps.png, grad-cam.png and top-activations.png ({stage}) in {directory}");
    }

    /// <summary>Image <paramref name="index"/> of <paramref name="data"/> as a [C, H, W] tensor.</summary>
    private static Tensor Image(ImageDataset data, int index)
    {
        var image = new Tensor(data.Channels, data.Height, data.Width);
        data.Pixels(index).CopyTo(image.Span);
        return image;
    }

    /// <summary>A box of two map cells' size (<paramref name="cell"/> input pixels each) around where the channel fires most.</summary>
    private static Box Around(ChannelActivation top, double cell) =>
        new((float)(top.CenterX - cell), (float)(top.CenterY - cell), (float)(top.CenterX + cell + 1), (float)(top.CenterY + cell + 1));
}
