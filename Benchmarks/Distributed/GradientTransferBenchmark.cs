using MLNet.Cnn.Models;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MLNet.Cnn.Benchmarks.Distributed;

/// <summary>
/// The communication cost of one data-parallel step (docs/scaling.md): a gradient of ResNet-18's and ResNet-50's size (their
/// parameter counts, from our builders) sent between two Orleans silos on loopback (TCP on 127.0.0.1, Orleans'
/// serialization), as data-parallel training sends each worker's gradient and the sum back. Reports the median one-way
/// time of the round trips and the rate it gives.
/// </summary>
internal static class GradientTransferBenchmark
{
    private const int MaxRepeats = 7;

    public static void Run(BenchmarkOptions options)
    {
        var cluster = StartCluster();
        try
        {
            var results = new Results("gradient", "floats", "MB", "one-way ms (median)", "min ms", "Gb/s");
            foreach (var (name, network) in new[] { ("resnet18", ResNet.Build(18)), ("resnet50", ResNet.Build(50)) })
            {
                if (!options.Selects(name)) continue;
                int floats = checked((int)network.ParameterCount);
                var times = cluster.Client.GetGrain<IGradientSender>(0).Send(floats, Math.Min(options.Calls, MaxRepeats)).GetAwaiter().GetResult();
                double median = times.Order().ElementAt(times.Length / 2), megabytes = floats * 4 / 1e6;
                results.Add(name, floats.ToString(), Results.Number(megabytes, 1), Results.Number(median * 1000, 0),
                    Results.Number(times.Min() * 1000, 0), Results.Number(megabytes * 8 / 1000 / median, 2));
            }
            results.Print();
            Console.WriteLine($"wrote {results.WriteCsv(Results.CsvName("gradients", options.Filter))}");
        }
        finally { cluster.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }

    private static InProcessTestCluster StartCluster()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddDataParallelTraining());
        builder.ConfigureClient(client => client.AddDataParallelTraining());
        var cluster = builder.Build();
        cluster.DeployAsync().GetAwaiter().GetResult();
        return cluster;
    }
}
