using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using MLNet.Cnn.Transforms;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// What the CNN trainers share: checking the feature column (a float vector of C·H·W, an MLImage or encoded image
/// bytes, see <see cref="ImageInput"/>) and finding the input geometry (<see cref="InputGeometry"/>), reading the rows into
/// a pixel cache on disk (<see cref="RowReader"/>; the process holds a few batches, not the dataset), training the core network with progress on <c>MLContext.Log</c>, and wrapping the scoring chain. A task
/// (multiclass, binary, regression) says how its label is checked and read, how many outputs the network has, and
/// which built-in steps turn the network's output into ML.NET's standard columns.
/// </summary>
internal abstract class CnnEstimator : IEstimator<CnnPredictionTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly string _name;

    /// <param name="env">The MLContext behind the catalog: its log, and its seed when the options have none.</param>
    /// <param name="options">The trainer's options.</param>
    /// <param name="name">The component's name in the log.</param>
    /// <param name="inputShape">The network's input [C, H, W]; null: from the options and the data (<see cref="InputGeometry"/>).</param>
    /// <param name="inputShapeSource">Where <paramref name="inputShape"/> comes from, for messages.</param>
    protected CnnEstimator(IHostEnvironment env, CnnTrainerOptions options, string name, TensorShape? inputShape = null,
        string inputShapeSource = "from the options")
    {
        _env = env;
        _name = name;
        Ml = env as MLContext ?? new MLContext();
        // Drawn once, here, as ML.NET's PCA trainer does: refitting this estimator (e.g. to resume from checkpoints) keeps it.
        Options = SeedFrom(options, env.Register(name));
        if (options.Channels <= 0 || options.Height <= 0 || options.Width <= 0)
            throw new ArgumentException($"Channels, Height and Width must be positive or left out; {options.Channels}×{options.Height}×{options.Width} was given.", nameof(options));
        OutputColumns.Check(options);
        _fixedShape = inputShape;
        InputShape = inputShape ?? new TensorShape(1, 1, 1);
        _inputShapeSource = inputShapeSource;
    }

    private readonly TensorShape? _fixedShape;
    private readonly string _inputShapeSource;

    protected MLContext Ml { get; }

    /// <summary>The options as given, with a seed (see <see cref="SeedFrom"/>).</summary>
    protected CnnTrainerOptions Options { get; }

    /// <summary>
    /// The options with a seed: the options' own when set, else one drawn from the host's random generator, which ML.NET
    /// seeds from the <c>MLContext</c>'s seed — how ML.NET's own trainers take it (e.g. PCA's <c>Seed ?? Host.Rand.Next()</c>).
    /// </summary>
    internal static T SeedFrom<T>(T options, IHost host) where T : CnnTrainerOptions =>
        options.IsSeedSet ? options : options with { Seed = host.Rand.Next() };

    /// <summary>One image as the network takes it, [C, H, W]: the fixed shape, or the one <see cref="Fit"/> found for its data.</summary>
    protected TensorShape InputShape { get; private set; }

    private string Expected => _fixedShape is { } shape
        ? $"a float vector of {shape.Length} = {shape[0]}×{shape[1]}×{shape[2]} (channels × height × width {_inputShapeSource}), an image or encoded image bytes"
        : "a known-size float vector of channels × height × width pixels, an image (LoadImages) or encoded image bytes (byte[], LoadRawImageBytes)";

    /// <summary>Checks a task's own columns first (e.g. a detector's boxes and image), in <see cref="Fit"/> and <see cref="GetOutputSchema"/>.</summary>
    protected virtual void CheckColumns(SchemaShape input) { }

    protected virtual void CheckColumns(DataViewSchema input) { }

    /// <summary>Throws an ArgumentException naming the label column and the type expected when it does not fit the task.</summary>
    protected abstract void CheckLabel(DataViewSchema.Column label);
    protected abstract void CheckLabel(SchemaShape.Column label);

    /// <summary>
    /// Reads the rows; <paramref name="training"/> is null for the training data and the training set when reading the
    /// validation set (whose labels must then be compatible).
    /// </summary>
    protected abstract CachedImageSource Read(IDataView data, RowSource source, DataViewSchema.Column label, IBatchSource? training);

    /// <summary>What the pixels of <paramref name="rows"/>'s cache are multiplied by when read: the image scale for bytes, 1 for a vector's floats.</summary>
    protected float CacheScale(RowSource rows) => rows.Storage == PixelStorage.Bytes ? Options.ImagePixelScale : 1;

    /// <summary>The built-in steps from the network (input: the pixel column) to the task's output columns.</summary>
    protected abstract IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn, DataViewSchema.Column label);

    /// <summary>The same steps for <see cref="GetOutputSchema"/>, over a stand-in network with <see cref="StandInOutputs"/> outputs.</summary>
    protected abstract IEstimator<ITransformer> Scoring(CnnModel standIn, string pixelColumn, SchemaShape.Column label);

    /// <summary>How many outputs the stand-in network of <see cref="GetOutputSchema"/> has for this label.</summary>
    protected abstract int StandInOutputs(SchemaShape.Column label);

    /// <summary>The network's output count for a dataset.</summary>
    protected abstract int Outputs(IBatchSource data);

    /// <summary>The trained detector's head, for <see cref="CnnPredictionTransformer.DetectionHead"/>; null for other tasks.</summary>
    protected virtual YoloHead? DetectionHead => null;

    /// <summary>A one-slot raw score that a registered custom mapping turns into ML.NET's scalar columns (then dropped).</summary>
    public const string RawScoreColumnName = "CnnRawScore";

    public CnnPredictionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        CheckColumns(input.Schema);
        var (kind, featureType) = FeatureKind(input.Schema);
        InputShape = _fixedShape ?? InputGeometry.Resolve(o, kind, featureType);
        // Before the label's checks: a key fitted on no rows has 1 value, which would be the error otherwise.
        RequireRows(input, "The training data (the IDataView given to Fit)");
        var label = LabelColumn(input.Schema);
        // Training reads images unscaled into a byte cache; scoring scales them in ExtractPixels (see ImageInput).
        var toPixels = kind == InputKind.Pixels ? null : ImageInput.ToPixels(Ml, o, kind, InputShape, scale: 1).Fit(input);
        string pixelColumn = toPixels is null ? o.FeatureColumnName : ImageInput.PixelColumnName;

        CnnModel model;
        TrainingResult result;
        using (var channel = _env.Register(_name).Start("Training"))
        {
            var rows = new RowSource(pixelColumn, o.FeatureColumnName, ImageInput.Storage(kind), InputShape, o.CacheDirectory, o.CancellationToken,
                o.SkipUnreadableImages ? message => channel.Warning(MessageSensitivity.UserData, message) : null);
            using var train = Read(toPixels?.Transform(input) ?? input, rows, label, null);
            using var validation = o.ValidationSet is { } v ? ReadValidation(v, kind, toPixels, rows, train) : null;
            channel.Info(MessageSensitivity.None, $"Read {train.Count:N0} training images{(validation is null ? "" : $" and {validation.Count:N0} validation images")} " +
                $"of {InputShape[0]}×{InputShape[1]}×{InputShape[2]} into a pixel cache on disk.");
            (model, result) = Train(train, validation, CoreOptions(input.Schema, channel), channel);
            if (result.StopReason == StopReason.Cancelled)
                throw new OperationCanceledException($"Fit was cancelled: {result.Message} (epoch {result.Epochs.Count + 1}); nothing was returned.", o.CancellationToken);
            if (result.StopReason != StopReason.Completed) channel.Warning(MessageSensitivity.None, $"Training stopped early: {result.Message}");
        }

        var chain = Complete(Scoring(model, pixelColumn, label), kind, InputShape).Fit(input);
        return new CnnPredictionTransformer(chain, model, result, input.Schema[o.FeatureColumnName], DetectionHead);
    }

    /// <summary>
    /// Builds and trains the network on the rows read (pixels as the column has them); returns the trained model. By
    /// default: <see cref="CnnTrainerOptions.Network"/> (LeNet-5 when null), initialized with the seed.
    /// </summary>
    protected virtual (CnnModel Model, TrainingResult Result) Train(IBatchSource train, IBatchSource? validation, TrainerOptions trainerOptions, IChannel channel)
    {
        var o = Options;
        int outputs = Outputs(train);
        int c = InputShape[0], h = InputShape[1], w = InputShape[2];
        var network = o.Network?.Invoke(c, h, w, outputs) ?? LeNet5.Build(c, h, w, outputs);
        Initializer.Initialize(network, o.Seed);
        channel.Info(MessageSensitivity.None, $"Training a CNN of {network.ParameterCount:N0} parameters on {train.Count} images " +
            $"{c}×{h}×{w}{(validation is null ? "" : $", validating on {validation.Count}")}.");
        var result = Trainer.Fit(network, train, validation, trainerOptions, o.CancellationToken);
        return (new CnnModel(network, InputShape, train.Layout.ClassNames), result);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = Options;
        CheckColumns(inputSchema);
        var features = Find(inputSchema, o.FeatureColumnName)
            ?? throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is not in the data; expected {Expected}.", nameof(inputSchema));
        var kind = ImageInput.KindOf(features)
            ?? throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is {features.ItemType} ({features.Kind}); expected {Expected}.", nameof(inputSchema));
        bool image = kind != InputKind.Pixels;
        var shape = _fixedShape ?? InputGeometry.Declared(o, kind);
        var label = Find(inputSchema, o.LabelColumnName)
            ?? throw new ArgumentException($"The label column '{o.LabelColumnName}' is not in the data.", nameof(inputSchema));
        CheckLabel(label);

        // SchemaShape.Column cannot be built outside ML.NET: the shape comes from the same built-in estimators Fit
        // returns, here over a stand-in network (the shape does not depend on the weights).
        var model = StandIn(shape, label);
        var scoring = Scoring(model, image ? ImageInput.PixelColumnName : o.FeatureColumnName, label);
        return Complete(scoring, kind, shape).GetOutputSchema(inputSchema);
    }

    /// <summary>
    /// The whole scoring chain: for an image column the steps to pixels first, then <paramref name="scoring"/>, then
    /// the image steps' internal columns dropped, so the output schema holds the input's columns and the task's outputs only.
    /// </summary>
    private IEstimator<ITransformer> Complete(IEstimator<ITransformer> scoring, InputKind kind, TensorShape shape) =>
        kind == InputKind.Pixels ? scoring
            : ImageInput.ToPixels(Ml, Options, kind, shape, Options.ImagePixelScale).Append(scoring)
                .Append(Ml.Transforms.DropColumns(ImageInput.InternalColumns(kind)));

    /// <summary>Refuses data without rows, naming it (<paramref name="what"/>) and the columns the trainer reads.</summary>
    internal void RequireRows(IDataView data, string what)
    {
        bool empty = data.GetRowCount() is { } count ? count == 0 : !HasRow(data);
        if (empty)
            throw new ArgumentException($"{what} has no rows; the trainer needs rows with images in '{Options.FeatureColumnName}' and labels in '{Options.LabelColumnName}'.");
    }

    private static bool HasRow(IDataView data)
    {
        using var cursor = data.GetRowCursor([]);
        return cursor.MoveNext();
    }

    /// <summary>
    /// The network <see cref="GetOutputSchema"/> builds the scoring steps over (the schema does not depend on the weights):
    /// by default a dense layer to <see cref="StandInOutputs"/> outputs.
    /// </summary>
    protected virtual CnnModel StandIn(TensorShape shape, SchemaShape.Column label)
    {
        int outputs = StandInOutputs(label);
        var standIn = new Sequential("shape", new FlattenLayer("flatten"), new DenseLayer("fc", shape.Length, outputs));
        return new CnnModel(standIn, shape, Enumerable.Range(0, outputs).Select(i => $"{i}").ToArray());
    }

    /// <summary>
    /// The options the core trains with: the user's options themselves (they are the core's <see cref="TrainerOptions"/>),
    /// with progress also written to the log, the pipeline's augmentation steps (marker annotations) put before the
    /// options' own, and no split of the training rows when a validation set is given.
    /// </summary>
    internal TrainerOptions CoreOptions(DataViewSchema input, IChannel channel)
    {
        var policies = AugmentationAnnotation.Find(input).ToList();
        if (Options.Augmentation is { } own) policies.Add(own);
        var augmentation = policies.Count switch { 0 => null, 1 => policies[0], _ => new AugmentationPipeline(policies) };
        if (augmentation is not null) channel.Info(MessageSensitivity.None, $"Augmenting training images with {Describe(augmentation)}.");
        return Options with
        {
            Progress = new LogProgress(channel, Options.Progress),
            Augmentation = augmentation,
            ValidationFraction = Options.ValidationSet is null ? Options.ValidationFraction : 0,
            Checkpoints = Options.Checkpoints is { } checkpoints ? checkpoints with { Log = Both(channel, checkpoints.Log) } : null,
        };
    }

    /// <summary>What the checkpoints report (resumed from, damaged files skipped, failed writes), written to the log as warnings and to the user's own callback.</summary>
    private static Action<string> Both(IChannel channel, Action<string>? user) => message =>
    {
        channel.Warning(MessageSensitivity.UserData, message);
        user?.Invoke(message);
    };

    private static string Describe(IAugmentation augmentation) =>
        augmentation is AugmentationPipeline pipeline ? string.Join(" → ", pipeline.Steps.Select(Describe)) : augmentation.GetType().Name;

    /// <summary>The kind and type of the feature column, refused with a message when no CNN trainer takes it.</summary>
    private (InputKind Kind, DataViewType Type) FeatureKind(DataViewSchema schema)
    {
        var o = Options;
        var features = schema.GetColumnOrNull(o.FeatureColumnName)
            ?? throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is not in the data (columns: {Columns(schema)}); expected {Expected}.");
        var kind = ImageInput.KindOf(features.Type);
        if (kind is null || (kind == InputKind.Pixels && _fixedShape is { } shape && ((VectorDataViewType)features.Type).Size != shape.Length))
            throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is {features.Type}" +
                $"{(features.Type is VectorDataViewType v ? $" of size {v.Size}" : "")}; expected {Expected}.");
        return (kind.Value, features.Type);
    }

    private DataViewSchema.Column LabelColumn(DataViewSchema schema)
    {
        var label = schema.GetColumnOrNull(Options.LabelColumnName)
            ?? throw new ArgumentException($"The label column '{Options.LabelColumnName}' is not in the data (columns: {Columns(schema)}).");
        CheckLabel(label);
        return label;
    }

    private CachedImageSource ReadValidation(IDataView validation, InputKind kind, ITransformer? toPixels, RowSource rows, IBatchSource train)
    {
        try
        {
            var (validationKind, type) = FeatureKind(validation.Schema);
            RequireRows(validation, "The data");
            if (validationKind != kind)
                throw new ArgumentException($"The feature column '{Options.FeatureColumnName}' holds {kind} in the training set and {validationKind} in this one.");
            if (kind == InputKind.Pixels && ((VectorDataViewType)type).Size != InputShape.Length)
                throw new ArgumentException($"The feature column '{Options.FeatureColumnName}' has {((VectorDataViewType)type).Size} values; the training set {InputShape.Length}.");
            return Read(toPixels?.Transform(validation) ?? validation, rows, LabelColumn(validation.Schema), train);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"The validation set ({nameof(CnnTrainerOptions.ValidationSet)}): {e.Message}", nameof(CnnTrainerOptions.ValidationSet), e);
        }
    }

    protected static SchemaShape.Column? Find(SchemaShape shape, string name)
    {
        foreach (var column in shape) if (column.Name == name) return column;
        return null;
    }

    private static string Columns(DataViewSchema schema) => string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name));

    /// <summary>Forwards progress to the user's callback and writes every epoch end to MLContext.Log.</summary>
    internal sealed class LogProgress(IChannel channel, IProgress<TrainingProgress>? user) : IProgress<TrainingProgress>
    {
        public IProgress<TrainingProgress>? User => user;

        public void Report(TrainingProgress value)
        {
            if (value.IsEpochEnd) channel.Info(MessageSensitivity.None, value.ToString());
            user?.Report(value);
        }
    }
}
