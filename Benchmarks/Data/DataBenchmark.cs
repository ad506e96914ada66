namespace MLNet.Cnn.Benchmarks.Data;

/// <summary><c>data</c>: the loader part ("loader"), then the 100,000-image part ("scale"); the name filter picks one.</summary>
internal static class DataBenchmark
{
    public static void Run(BenchmarkOptions options)
    {
        if (options.Selects("loader")) DataLoaderBenchmark.Run(options);
        if (options.Selects("scale")) DataScaleBenchmark.Run(options);
    }
}
