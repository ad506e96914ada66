namespace MLNet.Cnn.Samples.WebApi;

/// <summary>
/// The <c>Serving</c> section of the configuration: appsettings.json, the command line (<c>--Serving:ModelPath=model.zip</c>)
/// or the environment (<c>Serving__ModelPath=model.zip</c>), the later overriding the earlier.
/// </summary>
public sealed class ServingOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string Section = "Serving";

    /// <summary>The ML.NET model zip to load at start-up (a CNN classifier whose input column is <c>byte[] ImageSource</c>).</summary>
    public string ModelPath { get; set; } = "model.zip";

    /// <summary>The largest upload accepted, in bytes (default 10 MiB); a larger request body gets 413.</summary>
    public long MaxImageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How many labels an answer lists when the request gives no <c>k</c>.</summary>
    public int DefaultTopK { get; set; } = 5;

    /// <summary>How many idle PredictionEngines the pool keeps (default twice the processor count, as ObjectPool's default).</summary>
    public int PoolSize { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>Throws, naming the setting and its value, when one is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new InvalidOperationException($"{Section}:{nameof(ModelPath)} is empty; expected the path of an ML.NET model zip.");
        if (MaxImageBytes < 1 || MaxImageBytes > Array.MaxLength)
            throw new InvalidOperationException($"{Section}:{nameof(MaxImageBytes)} is {MaxImageBytes}; expected a positive number of bytes up to {Array.MaxLength} (an upload is held in one array).");
        if (DefaultTopK < 1) throw new InvalidOperationException($"{Section}:{nameof(DefaultTopK)} is {DefaultTopK}; expected at least 1.");
        if (PoolSize < 1) throw new InvalidOperationException($"{Section}:{nameof(PoolSize)} is {PoolSize}; expected at least 1.");
    }
}
