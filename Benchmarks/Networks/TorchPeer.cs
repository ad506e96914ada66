using System.Diagnostics;

namespace MLNet.Cnn.Benchmarks.Networks;

/// <summary>PyTorch (Debian's python3-torch and python3-torchvision) running <c>torch_networks.py</c>, one process per network.</summary>
internal static class TorchPeer
{
    private const string Python = "/usr/bin/python3";

    private static string Script => Path.Combine(AppContext.BaseDirectory, "Networks", "torch_networks.py");

    /// <summary>Whether <c>/usr/bin/python3 -c "import torch, torchvision"</c> succeeds; <paramref name="why"/> says why not.</summary>
    public static bool IsAvailable(out string why)
    {
        why = "";
        if (!File.Exists(Python))
        {
            why = $"{Python} is absent";
            return false;
        }
        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import torch, torchvision");
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 0) return true;
        why = $"{Python} -c \"import torch, torchvision\" failed: {error.Trim().Split('\n')[^1]} (apt-get install python3-torch python3-torchvision)";
        return false;
    }

    public static ChildPeer Start(NetworkCase network, int threads) => new("PyTorch", Python,
    [
        Script, network.TorchModel, "--image", .. network.Image.Select(d => d.ToString()),
        "--batch", network.Batch.ToString(), "--classes", NetworkCase.Classes.ToString(), "--threads", threads.ToString(),
    ]);
}
