using System.Runtime.InteropServices;
using System.Text.Json;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Samples.EdgeScoring;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using SkiaSharp;

namespace MLNet.Cnn.Samples.Tests;

/// <summary>An RGB picture as bytes (interleaved R, G, B rows), written as PNG for the app and read directly by the core.</summary>
internal sealed record TestImage(int Width, int Height, byte[] Rgb)
{
    public static TestImage Noise(Random random, int width, int height, bool gray)
    {
        var rgb = new byte[width * height * 3];
        for (int p = 0; p < width * height; p++)
            for (int c = 0; c < 3; c++) rgb[3 * p + c] = gray && c > 0 ? rgb[3 * p] : (byte)random.Next(256);
        return new TestImage(width, height, rgb);
    }

    /// <summary>Each pixel as a factor × factor block: stretched back to this size, nearest-neighbour gives this image again.</summary>
    public TestImage Upscaled(int factor)
    {
        int width = Width * factor, height = Height * factor;
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                Array.Copy(Rgb, 3 * ((y / factor) * Width + x / factor), rgb, 3 * (y * width + x), 3);
        return new TestImage(width, height, rgb);
    }

    public byte[] EncodePng()
    {
        var rgba = new byte[Width * Height * 4];
        for (int p = 0; p < Width * Height; p++)
        {
            Rgb.AsSpan(3 * p, 3).CopyTo(rgba.AsSpan(4 * p, 3));
            rgba[4 * p + 3] = 255;
        }
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length); // rows are 4·Width bytes, unpadded
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public void SavePng(string path) => File.WriteAllBytes(path, EncodePng());
}

/// <summary>A small network exported as the edge app takes it, with the core network kept to compare against.</summary>
internal sealed class EdgeModel
{
    /// <summary>Four classes, one name with a space and one with a slash (the text output is tab-separated for them).</summary>
    public static readonly string[] ClassNames = ["T-shirt/top", "Trouser", "Ankle boot", "Bag"];

    public EdgeModel(string folder, int channels, Normalization? normalization = null, string file = "model.onnx")
    {
        var network = LeNet5.Build(channels, 28, 28, ClassNames.Length);
        Initializer.Initialize(network, seed: 7);
        Model = new CnnModel(network, new TensorShape(channels, 28, 28), ClassNames, normalization);
        Path = System.IO.Path.Combine(folder, file);
        OnnxExporter.Export(Model, Path);
    }

    public CnnModel Model { get; }
    public string Path { get; }

    /// <summary>The network's input [1, C, H, W] for the image (R alone for a gray 1-channel model), normalized as the model says.</summary>
    public Tensor Input(TestImage image)
    {
        int channels = Model.InputShape[0], plane = image.Width * image.Height;
        var pixels = new float[channels * plane];
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++)
                pixels[c * plane + p] = (image.Rgb[3 * p + c] / 255f - Model.Normalization.Mean[c]) / Model.Normalization.Std[c];
        return Tensor.FromArray(pixels, 1, channels, image.Height, image.Width);
    }

    /// <summary>Softmax of the core network's logits for the image.</summary>
    public float[] CoreProbabilities(TestImage image) => Prediction.Softmax(Model.Network.Forward(Input(image), training: false).ToArray());
}

/// <summary>What one run of the app printed and returned.</summary>
internal sealed record AppRun(int ExitCode, string Output, string Errors)
{
    /// <summary>Runs the app in this process, with <paramref name="stdin"/> as its standard input.</summary>
    public static AppRun InProcess(byte[]? stdin, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = EdgeScoringApp.Run(args, new MemoryStream(stdin ?? []), output, errors);
        return new AppRun(code, output.ToString(), errors.ToString());
    }

    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The --json lines: file, best class, its probability and the top list.</summary>
    public (string File, string Class, float Probability, (string Class, float Probability)[] Top)[] JsonLines() =>
        OutputLines.Select(line =>
        {
            var root = JsonDocument.Parse(line).RootElement;
            var top = root.TryGetProperty("top", out var list)
                ? list.EnumerateArray().Select(c => (c.GetProperty("class").GetString()!, c.GetProperty("probability").GetSingle())).ToArray()
                : [];
            return (root.GetProperty("file").GetString()!, root.GetProperty("class").GetString()!, root.GetProperty("probability").GetSingle(), top);
        }).ToArray();

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
}
