namespace MLNet.Cnn.Tool.Tests;

/// <summary>Each kind of bad input exits with 1 and one message on stderr naming the path and what was expected; usage errors exit with 2.</summary>
[TestClass]
public sealed class BadInputTests
{
    [TestMethod]
    public void AMissingImageFolder()
    {
        string missing = Path.Combine(TrainedRows.Instance.Root, "no-such-folder");
        ToolRun.Of("train", "--images", missing).FailedWith(ExitCodes.BadInput, missing, "does not exist", "one subfolder per label");
        ToolRun.Of("evaluate", "--model", TrainedRows.Instance.ModelFolder, "--images", missing).FailedWith(ExitCodes.BadInput, missing, "does not exist");
        ToolRun.Of("predict", missing, "--model", TrainedRows.Instance.ModelFolder).FailedWith(ExitCodes.BadInput, missing, "does not exist", "an image file or a folder of images");
    }

    [TestMethod]
    public void AFolderWithoutImages()
    {
        string empty = TrainedRows.Instance.NewFolder("empty");
        Directory.CreateDirectory(Path.Combine(empty, "label"));
        ToolRun.Of("train", "--images", empty).FailedWith(ExitCodes.BadInput, empty, "has no images in subfolders", "one subfolder per label");
        ToolRun.Of("predict", empty, "--model", TrainedRows.Instance.ModelFolder).FailedWith(ExitCodes.BadInput, empty, "has no image files");
    }

    [TestMethod]
    public void AFolderWithOneClass()
    {
        var rows = TrainedRows.Instance;
        string single = rows.NewFolder("one-class");
        Directory.CreateDirectory(Path.Combine(single, "top"));
        foreach (string image in rows.ImagesOf("top")) File.Copy(image, Path.Combine(single, "top", Path.GetFileName(image)));
        ToolRun.Of("train", "--images", single).FailedWith(ExitCodes.BadInput, single, "single label 'top'", "at least two");
    }

    [TestMethod]
    public void ACorruptModelZip()
    {
        var rows = TrainedRows.Instance;
        string folder = rows.NewFolder("corrupt-zip");
        string zip = Path.Combine(folder, "model.zip");
        byte[] bytes = File.ReadAllBytes(Path.Combine(rows.ModelFolder, "model.zip"));
        File.WriteAllBytes(zip, bytes[..(bytes.Length / 2)]);
        ToolRun.Of("predict", rows.ImagesOf("top")[0], "--model", zip).FailedWith(ExitCodes.BadInput, zip, "does not load as an ML.NET model", "expected the model.zip");
        File.WriteAllText(zip, "not a zip at all");
        ToolRun.Of("evaluate", "--model", folder, "--images", rows.Images).FailedWith(ExitCodes.BadInput, zip, "does not load as an ML.NET model");
    }

    [TestMethod]
    public void ATruncatedModelFile()
    {
        var rows = TrainedRows.Instance;
        string cnn = Path.Combine(rows.NewFolder("truncated"), "model.cnn");
        byte[] bytes = File.ReadAllBytes(Path.Combine(rows.ModelFolder, "model.cnn"));
        File.WriteAllBytes(cnn, bytes[..(bytes.Length - 100)]);
        ToolRun.Of("summary", "--model", cnn).FailedWith(ExitCodes.BadInput, cnn, "is truncated");
        ToolRun.Of("export", "--model", cnn, "--out", cnn + ".onnx").FailedWith(ExitCodes.BadInput, cnn, "is truncated");
        Assert.IsFalse(File.Exists(cnn + ".onnx"), "nothing is written");
    }

    [TestMethod]
    public void AModelFolderWithoutTheModel()
    {
        string empty = TrainedRows.Instance.NewFolder("no-model");
        ToolRun.Of("summary", "--model", empty).FailedWith(ExitCodes.BadInput, empty, "has no model.cnn");
        ToolRun.Of("predict", TrainedRows.Instance.Images, "--model", empty).FailedWith(ExitCodes.BadInput, empty, "has no model.zip");
    }

    [TestMethod]
    public void AFileThatIsNotAnImage()
    {
        var rows = TrainedRows.Instance;
        string folder = rows.NewFolder("not-an-image");
        string text = Path.Combine(folder, "photo.png");
        File.WriteAllText(text, "this is text, not a PNG");
        ToolRun.Of("predict", text, "--model", rows.ModelFolder).FailedWith(ExitCodes.BadInput, text, "is not an image that decodes", "png, jpg");
        // in a folder, the bad file is named too, and no prediction is printed
        File.Copy(rows.ImagesOf("top")[0], Path.Combine(folder, "a-good-one.png"));
        var run = ToolRun.Of("predict", folder, "--model", rows.ModelFolder);
        run.FailedWith(ExitCodes.BadInput, text);
        Assert.AreEqual("", run.Output);
    }

    [TestMethod]
    public void OutputsThatCannotBeWrittenAreRefusedBeforeTraining()
    {
        var rows = TrainedRows.Instance;
        string file = Path.Combine(rows.NewFolder("out-is-a-file"), "model");
        File.WriteAllText(file, "a file where the output folder should go");
        var run = ToolRun.Of("train", "--images", rows.Images, "--out", file);
        run.FailedWith(ExitCodes.BadInput, file, "is a file");
        Assert.AreEqual("", run.Output, "nothing was trained");
        string missing = Path.Combine(rows.Root, "no-such.csproj");
        ToolRun.Of("train", "--images", rows.Images, "--library-project", missing).FailedWith(ExitCodes.BadInput, missing, "MLNet.Cnn.Trainers.csproj");
    }

    [TestMethod]
    public void UsageErrorsExitWithTwo()
    {
        var rows = TrainedRows.Instance;
        ToolRun.Of("train", "--images", rows.Images, "--bogus").FailedWith(ExitCodes.Usage, "--bogus");
        ToolRun.Of("train").FailedWith(ExitCodes.Usage, "--images");
        ToolRun.Of("predict", "--model", rows.ModelFolder).FailedWith(ExitCodes.Usage);
        ToolRun.Of("train", "--images", rows.Images, "--channels", "2").FailedWith(ExitCodes.Usage, "'2' not recognized", "'1' '3'");
        ToolRun.Of("train", "--images", rows.Images, "--validation-fraction", "1").FailedWith(ExitCodes.Usage, "--validation-fraction");
        ToolRun.Of("train", "--images", rows.Images, "--epochs", "0").FailedWith(ExitCodes.Usage, "--epochs is 0");
        ToolRun.Of("train", "--images", rows.Images, "--model", "lenet5", "--size", "8").FailedWith(ExitCodes.Usage, "lenet5", "3×8×8");
        ToolRun.Of("export", "--model", rows.ModelFolder, "--out", "x.onnx", "--int8").FailedWith(ExitCodes.Usage, "--calibration");
        ToolRun.Of("predict", rows.Images, "--model", rows.ModelFolder, "--format", "xml").FailedWith(ExitCodes.Usage, "xml");
        ToolRun.Of("frobnicate").FailedWith(ExitCodes.Usage, "frobnicate");
    }
}
