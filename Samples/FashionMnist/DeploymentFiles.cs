using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Quantization;

namespace MLNet.Cnn.Samples.FashionMnist;

/// <summary>
/// The trained network for deployment (docs/deployment.md): the model file of the core (for further training, pruning or
/// featurizing), its ONNX export and an int8 ONNX model calibrated on training images — the two ONNX files run in
/// ONNX Runtime alone, e.g. with Samples/EdgeScoring.
/// </summary>
internal static class DeploymentFiles
{
    private const int CalibrationImages = 1000;

    public static void Write(CnnModel model, ImageDataset train, string directory, TextWriter output)
    {
        string cnn = Path.Combine(directory, "fashion-mnist-cnn.cnn"), onnx = Path.Combine(directory, "fashion-mnist-cnn.onnx");
        string int8 = Path.Combine(directory, "fashion-mnist-cnn.int8.onnx");
        ModelFile.Save(model, cnn);
        OnnxExporter.Export(model, onnx);
        File.WriteAllBytes(int8, Int8Quantizer.Quantize(model, train.EvenlySpacedImages(CalibrationImages)));
        output.WriteLine($"for deployment: {Describe(cnn)}, {Describe(onnx)}, {Describe(int8)} (int8, calibrated on {CalibrationImages:N0} training images)");
    }

    private static string Describe(string path) => $"{Path.GetFileName(path)} ({new FileInfo(path).Length / 1024.0:F0} KiB)";
}
