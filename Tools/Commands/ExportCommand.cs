using System.CommandLine;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Quantization;
using MLNet.Cnn.Tool.Data;
using MLNet.Cnn.Tool.Models;

namespace MLNet.Cnn.Tool.Commands;

/// <summary><c>export</c>: the trained network as an ONNX file, float or int8 (calibrated on a folder of images).</summary>
internal sealed class ExportCommand : IToolCommand
{
    public int Order => 40;

    public Command Create()
    {
        var model = ToolOptions.Model("its model.cnn (or a model.zip with its .cnn beside it)");
        var output = new Option<string>("--out", "-o") { Description = "The ONNX file to write.", Required = true, HelpName = "FILE.onnx" };
        var int8 = new Option<bool>("--int8") { Description = "Quantize to int8 (QDQ: int8 weights per channel, uint8 activations), calibrated on --calibration." };
        var calibration = new Option<string?>("--calibration") { Description = $"With --int8: a folder of typical images (subfolders too; at most {CalibrationImages.MaxImages}, evenly spaced, are used).", HelpName = "DIR" };
        var command = new Command("export", "Export the trained network as ONNX (input: normalized pixels [N, C, H, W]; output: logits [N, K]; class names, input shape and normalization in its metadata).")
        {
            model, output, int8, calibration,
        };
        command.Validators.Add(result =>
        {
            bool quantize = result.GetValue(int8), calibrated = result.GetValue(calibration) is not null;
            if (quantize && !calibrated) result.AddError("--int8 needs --calibration DIR: a folder of typical images to measure the activation ranges on.");
            if (calibrated && !quantize) result.AddError("--calibration is for --int8 only.");
        });
        command.SetAction(parse =>
        {
            var network = CoreModelFile.Load(parse.GetValue(model)!);
            string path = Path.GetFullPath(parse.GetValue(output)!);
            var console = parse.InvocationConfiguration.Output;
            if (parse.GetValue(int8))
            {
                var images = CalibrationImages.Load(parse.GetValue(calibration)!, network);
                WriteFile(path, Int8Quantizer.Quantize(network, images));
                console.WriteLine($"Wrote {path}: int8, calibrated on {images.Shape[0]} images ({new FileInfo(path).Length / 1024.0:F0} KiB)");
            }
            else
            {
                WriteFile(path, OnnxExporter.ToBytes(network));
                console.WriteLine($"Wrote {path}: float ({new FileInfo(path).Length / 1024.0:F0} KiB)");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteFile(string path, byte[] bytes)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"The ONNX file '{path}' cannot be written: {e.Message}", e);
        }
    }
}
