// Samples/EdgeScoring, step by step: a classifier exported by MLNet.Cnn (OnnxExporter) scored with ONNX Runtime and an image
// decoder alone — no ML.NET, no MLNet.Cnn — what runs on a small device. The export's metadata gives the class names, the
// input shape and the normalization; images are decoded, stretched to the input size and scaled as the trainer did.
//   dotnet run Samples/Apps/edge-scoring.cs -- lenet5.onnx photo.png [more images…]
// (lenet5.onnx: written by Samples/Apps/fashion-mnist-train.cs; detection and segmentation exports: Samples/EdgeScoring --draw)
#:package Microsoft.ML.OnnxRuntime@1.32.0
#:package System.Numerics.Tensors@10.0.15
#:package SkiaSharp@3.119.4
#:package SkiaSharp.NativeAssets.Linux.NoDependencies@3.119.4
#:property PublishAot=false

using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

if (args is not [var modelPath, .. var images] || images.Length == 0 || !File.Exists(modelPath))
{
    Console.Error.WriteLine("usage: dotnet run Samples/Apps/edge-scoring.cs -- model.onnx image [image …] (the model: an existing .onnx file)");
    return 2;
}

// 1. The model and what its export promises in its metadata: class names, [C, H, W], (x − mean) / std and whether the graph applies it.
using var session = new InferenceSession(modelPath);
var metadata = session.ModelMetadata.CustomMetadataMap;
T Read<T>(string key) => metadata.TryGetValue(key, out var json)
    ? JsonSerializer.Deserialize<T>(json)!
    : throw new InvalidDataException($"{modelPath} has no '{key}' metadata: it was not exported by MLNet.Cnn's OnnxExporter.");
var classNames = Read<string[]>("mlnet.cnn.class_names");
var shape = Read<int[]>("mlnet.cnn.input_shape");
int channels = shape[0], height = shape[1], width = shape[2];
bool inGraph = Read<bool>("mlnet.cnn.normalization.in_graph");
var mean = inGraph ? new float[channels] : Read<float[]>("mlnet.cnn.normalization.mean");
var std = inGraph ? Enumerable.Repeat(1f, channels).ToArray() : Read<float[]>("mlnet.cnn.normalization.std");
Console.WriteLine($"{modelPath}: {channels}×{height}×{width} → {classNames.Length} classes");

foreach (string image in images)
{
    // 2. The image as the trainer saw it: stretched to W×H (nearest neighbour), planes R, G, B — or gray as ML.NET makes
    //    it, 0.3 R + 0.59 G + 0.11 B — each byte / 255, then normalized.
    using var decoded = SKBitmap.Decode(image) ?? throw new InvalidDataException($"{image} does not decode as an image.");
    using var resized = decoded.Resize(new SKSizeI(width, height), new SKSamplingOptions(SKFilterMode.Nearest));
    var pixels = new float[channels * height * width];
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            var color = resized.GetPixel(x, y);
            float[] values = channels == 1 ? [MathF.Round(0.3f * color.Red + 0.59f * color.Green + 0.11f * color.Blue)] : [color.Red, color.Green, color.Blue];
            for (int c = 0; c < channels; c++) pixels[(c * height + y) * width + x] = (values[c] / 255 - mean[c]) / std[c];
        }

    // 3. Scoring: input "input" [1, C, H, W] → output "logits" [1, K]; softmax; the three most probable classes.
    using var input = OrtValue.CreateTensorValueFromMemory(pixels, [1, channels, height, width]);
    using var run = new RunOptions();
    using var outputs = session.Run(run, ["input"], [input], ["logits"]);
    var probabilities = new float[classNames.Length];
    TensorPrimitives.SoftMax(outputs[0].GetTensorDataAsSpan<float>(), probabilities);
    var top = Enumerable.Range(0, classNames.Length).OrderByDescending(k => probabilities[k]).Take(3);
    Console.WriteLine($"{Path.GetFileName(image)}: {string.Join(", ", top.Select(k => $"{classNames[k]} {probabilities[k]:F3}"))}");
}
return 0;
