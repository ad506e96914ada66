using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx.Quantization;

namespace MLNet.Cnn.Tool.Tests;

[TestClass]
public sealed class ExportAndSummaryTests
{
    [TestMethod]
    public void ExportWritesAFloatAndAnInt8OnnxModelThatScoreInOnnxRuntime()
    {
        var rows = TrainedRows.Instance;
        string folder = rows.NewFolder("export");
        string floatPath = Path.Combine(folder, "float.onnx"), int8Path = Path.Combine(folder, "int8", "model.int8.onnx");
        StringAssert.Contains(ToolRun.Of("export", "--model", rows.ModelFolder, "--out", floatPath).Succeeded(), "float");
        string int8 = ToolRun.Of("export", "--model", Path.Combine(rows.ModelFolder, "model.zip"), "--out", int8Path, "--int8", "--calibration", rows.Images).Succeeded();
        StringAssert.Contains(int8, $"calibrated on {3 * TrainedRows.PerClass} images");

        using var floatModel = new InferenceSession(floatPath);
        using var int8Model = new InferenceSession(int8Path);
        Assert.AreEqual("""["bottom","middle","top"]""", floatModel.ModelMetadata.CustomMetadataMap["mlnet.cnn.class_names"]);
        Assert.IsTrue(int8Model.ModelMetadata.CustomMetadataMap.ContainsKey(Int8Quantizer.QuantizationKey), "the int8 file describes its quantization");
        Assert.IsLessThan(new FileInfo(floatPath).Length, new FileInfo(int8Path).Length, "int8 weights make a smaller file");

        // both score a bright "top" row as top (pixels in [0, 1], planes R, G, B)
        var pixels = new DenseTensor<float>([1, 3, 32, 32]);
        for (int x = 0; x < 32; x++) pixels[0, 0, RowImages.Classes.Single(c => c.Label == "top").Row, x] = 1f;
        foreach (var session in new[] { floatModel, int8Model })
        {
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", pixels)]);
            var logits = results[0].AsEnumerable<float>().ToArray();
            Assert.AreEqual(2, Array.IndexOf(logits, logits.Max()), string.Join(", ", logits));
        }
    }

    [TestMethod]
    public void SummaryShowsTheLayerTableAndTheClasses()
    {
        var rows = TrainedRows.Instance;
        string output = ToolRun.Of("summary", "--model", Path.Combine(rows.ModelFolder, "model.cnn")).Succeeded();
        var model = ModelFile.Load(Path.Combine(rows.ModelFolder, "model.cnn"));
        StringAssert.StartsWith(output, ModelSummary.Of(model).ToString());
        StringAssert.Contains(output, "Classes (3): bottom, middle, top");
        StringAssert.Contains(ToolRun.Of("summary", "--model", rows.ModelFolder).Succeeded(), "Total params: ", "a folder works as well");
    }
}
