namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>What a batch-scoring run scores, with which model, and where the results go.</summary>
public sealed record ScoringJob
{
    /// <summary>The images.</summary>
    public required ImageManifest Manifest { get; init; }

    /// <summary>
    /// The model, by its extension: an ML.NET <c>model.zip</c> of the CNN classifier taking the image file's bytes
    /// (<c>ImageSource</c>) or its path (<c>ImagePath</c>), or a classifier's <c>.onnx</c> export (OnnxExporter), run through
    /// ONNX Runtime on images prepared as its metadata says (the silos then need the native Microsoft.ML.OnnxRuntime
    /// package). Every silo must reach it at this path (a shared disk).
    /// </summary>
    public required string ModelPath { get; init; }

    /// <summary>
    /// The output CSV (path, label, one score column per class). Committed shards go to <c>&lt;OutputPath&gt;.parts/</c>,
    /// which a later run over the same manifest resumes from. Every silo must reach it at this path.
    /// </summary>
    public required string OutputPath { get; init; }

    /// <summary>Images per shard: the unit that is leased, scored and committed.</summary>
    public int ShardSize { get; init; } = 256;

    /// <summary>How long a worker holds a shard before it is handed to another worker (a worker that died never commits).</summary>
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long the run waits for a cluster it cannot reach (the coordinator's silo lost and not yet declared dead, or every
    /// silo gone) before it fails; the committed parts stay for a later run.
    /// </summary>
    public TimeSpan UnreachableTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
