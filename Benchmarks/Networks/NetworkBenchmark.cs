using System.Text.Json;
using MLNet.Cnn.Benchmarks.Onnx;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks.Networks;

/// <summary>
/// <c>networks</c>: whole networks (<see cref="NetworkCase.All"/>) trained and run by the core, beside PyTorch (training and
/// inference) and ONNX Runtime (inference on the exported network). Per network:
/// <list type="number">
/// <item>training: the core in a worker process (<see cref="TrainingWorker"/>) and PyTorch in its own, both warmed up, then
/// timed in alternating blocks of 5 steps; then each process's peak resident memory;</item>
/// <item>inference: the core's forward and ONNX Runtime in this process (outputs checked against each other first), and
/// PyTorch in its process, timed in alternating blocks of 5 calls.</item>
/// </list>
/// The figures are images/s over the median step or call; the ratios core / peer are what count (&gt; 1: the core is faster).
/// </summary>
internal static class NetworkBenchmark
{
    private const double Tolerance = 1e-3;

    /// <summary>What a training process said about itself after its steps (see <see cref="TrainingWorker"/>).</summary>
    private sealed record Report(double PeakMib, double BaselineMib, string Loss)
    {
        public static Report Of(JsonElement answer) =>
            new(answer.GetProperty("peak_mib").GetDouble(), answer.GetProperty("baseline_mib").GetDouble(), answer.GetProperty("loss").ToString());
    }

    public static void Run(BenchmarkOptions options)
    {
        var networks = NetworkCase.All.Where(n => options.Selects(n.Name)).ToArray();
        if (networks.Length == 0)
            throw new ArgumentException($"no network matches '{options.Filter}'; the networks are {string.Join(", ", NetworkCase.All.Select(n => n.Name))}");
        bool torch = TorchPeer.IsAvailable(out string why);
        Console.WriteLine($"threads: {options.Threads} (core, ONNX Runtime's IntraOpNumThreads, torch.set_num_threads)");
        Console.WriteLine("training: SGD (momentum 0.9, lr 0.01), softmax cross-entropy, one fixed random batch; forward + backward + step;");
        Console.WriteLine("          the core in a worker process, PyTorch in its own, one pair per network; alternating blocks of 5 steps");
        Console.WriteLine("inference: core Forward(training: false) and ONNX Runtime on the exported network in this process (input/output");
        Console.WriteLine("           bound once), PyTorch eval() + inference_mode() in its process; alternating blocks of 5 calls");
        Console.WriteLine(torch ? "PyTorch: /usr/bin/python3 Networks/torch_networks.py" : $"PyTorch: skipped, {why}");
        Console.WriteLine();

        var results = new Results("network", "input", "batch", "params_core", "params_torch",
            "train_core_ips", "train_torch_ips", "train_core_vs_torch",
            "infer_core_ips", "infer_ort_ips", "infer_torch_ips", "infer_core_vs_ort", "infer_core_vs_torch",
            "peak_core_mib", "peak_torch_mib", "start_core_mib", "start_torch_mib");
        var different = new List<string>();
        foreach (var network in networks) Measure(network, options, torch, results, different);

        Console.WriteLine();
        results.Print();
        Console.WriteLine("\nips: images per second (batch / median seconds); *_vs_*: core / peer images per second (> 1: the core is faster).");
        Console.WriteLine("peak_*_mib: the training process's peak resident memory (VmHWM / ru_maxrss); start_*_mib: the same before the");
        Console.WriteLine("network was built (runtime and libraries: .NET; Python with torch and torchvision imported).");
        if (different.Count > 0)
            Console.WriteLine($"\nNOT THE SAME NETWORKS (parameter counts differ): {string.Join(", ", different)}: their ratios compare different networks.");
        Console.WriteLine($"\nwritten {results.WriteCsv(Results.CsvName("networks", options.Filter))}");
    }

    private static void Measure(NetworkCase network, BenchmarkOptions options, bool torchAvailable, Results results, List<string> different)
    {
        Console.WriteLine(network);
        if (network.Difference is not null) Console.WriteLine($"  differs from PyTorch's: {network.Difference}");
        using var torch = torchAvailable ? TorchPeer.Start(network, options.Threads) : null;
        if (torch is not null)
            Console.WriteLine($"  PyTorch {torch.Ready.GetProperty("torch")} (torchvision {torch.Ready.GetProperty("torchvision")}), " +
                $"{torch.Ready.GetProperty("threads")} threads, oneDNN {torch.Ready.GetProperty("onednn")}");

        var (parameters, train, trainPeer, core, peer) = Train(network, options, torch);
        long? peerParameters = torch?.Ready.GetProperty("parameters").GetInt64();
        bool same = peerParameters is null || peerParameters == parameters;
        if (!same) different.Add(network.Name);
        Console.WriteLine($"  parameters: core {parameters:N0}" + (peerParameters is null ? ""
            : $", PyTorch {peerParameters:N0}" + (same ? " (the same)" : " — DIFFERENT: the two sides do not run the same network")));
        Console.WriteLine($"  training: core {network.Batch / train:F1} images/s" +
            (trainPeer is { } t ? $", PyTorch {network.Batch / t:F1} images/s, core / PyTorch {t / train:F3}" : ""));
        Console.WriteLine($"  loss after the last step: core {core.Loss}" + (peer is null ? "" : $", PyTorch {peer.Loss}"));
        Console.WriteLine($"  peak resident memory: core {core.PeakMib:F0} MiB (at start {core.BaselineMib:F0})" +
            (peer is null ? "" : $", PyTorch {peer.PeakMib:F0} MiB (after its imports {peer.BaselineMib:F0})"));

        var (infer, ort, inferPeer) = Infer(network, options, torch);
        Console.WriteLine($"  inference: core {network.Batch / infer:F1} images/s, ONNX Runtime {network.Batch / ort:F1}, core / ORT {ort / infer:F3}" +
            (inferPeer is { } i ? $"; PyTorch {network.Batch / i:F1}, core / PyTorch {i / infer:F3}" : ""));

        string Rate(double? seconds) => seconds is { } s ? Results.Number(network.Batch / s, 1) : "";
        string Ratio(double? peerSeconds, double coreSeconds) => peerSeconds is { } s ? Results.Number(s / coreSeconds, 3) : "";
        string Mib(double? value) => value is { } v ? Results.Number(v, 0) : "";
        results.Add(network.Name, network.Input, network.Batch.ToString(), parameters.ToString(), peerParameters?.ToString() ?? "",
            Rate(train), Rate(trainPeer), Ratio(trainPeer, train),
            Rate(infer), Rate(ort), Rate(inferPeer), Ratio(ort, infer), Ratio(inferPeer, infer),
            Mib(core.PeakMib), Mib(peer?.PeakMib), Mib(core.BaselineMib), Mib(peer?.BaselineMib));
    }

    /// <summary>Median seconds of a training step, the core's in its worker and PyTorch's, and what both processes report after.</summary>
    private static (long Parameters, double Core, double? Torch, Report CoreReport, Report? TorchReport) Train(
        NetworkCase network, BenchmarkOptions options, ChildPeer? torch)
    {
        using var worker = TrainingWorker.Start(network, options.Threads);
        Timing.TimedBlock[] sides = torch is null ? [worker.Side("train")] : [worker.Side("train"), torch.Side("train")];
        var seconds = Timing.MedianSecondsInterleaved(options.Calls, sides);
        return (worker.Ready.GetProperty("parameters").GetInt64(), seconds[0], torch is null ? null : seconds[1],
            Report.Of(worker.Ask("report")), torch is null ? null : Report.Of(torch.Ask("report")));
    }

    /// <summary>Median seconds of an inference call: the core's forward and ONNX Runtime here, PyTorch in its process.</summary>
    private static (double Core, double Ort, double? Torch) Infer(NetworkCase network, BenchmarkOptions options, ChildPeer? torch)
    {
        var layer = network.BuildInitialized();
        var model = new CnnModel(layer, new TensorShape(network.Image), [.. Enumerable.Range(0, NetworkCase.Classes).Select(i => $"class{i}")]);
        var input = RandomTensors.Uniform(new Random(3), new TensorShape([network.Batch, .. network.Image]));
        var output = layer.Forward(input, training: false);
        var ortOutput = new Tensor(output.Shape);
        using var ort = new OrtBoundSession(OnnxExporter.ToBytes(model), input, ortOutput, options.Threads);
        ort.Run();
        PeerCheck.Outputs(network.Name, output, ortOutput, Tolerance);

        List<Timing.TimedBlock> sides = [Timing.Timed(() => layer.Forward(input, training: false)), Timing.Timed(ort.Run)];
        if (torch is not null) sides.Add(torch.Side("infer"));
        var seconds = Timing.MedianSecondsInterleaved(options.Calls, [.. sides]);
        return (seconds[0], seconds[1], torch is null ? null : seconds[2]);
    }
}
