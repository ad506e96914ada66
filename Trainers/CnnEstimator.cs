using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using MLNet.Cnn.Transforms;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// What the CNN trainers share: checking the pixel column (a float vector of C·H·W or an MLImage), reading the rows into
/// memory, training the core network with progress on <c>MLContext.Log</c>, and wrapping the scoring chain. A task
/// (multiclass, binary, regression) says how its label is checked and read, how many outputs the network has, and
/// which built-in steps turn the network's output into ML.NET's standard columns.
/// </summary>
internal abstract class CnnEstimator : IEstimator<CnnPredictionTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly string _name;

    /// <param name="inputShape">The network's input [C, H, W]; null: Channels × Height × Width of the options.</param>
    /// <param name="inputShapeSource">Where <paramref name="inputShape"/> comes from, for messages.</param>
    protected CnnEstimator(IHostEnvironment env, CnnTrainerOptions options, string name, TensorShape? inputShape = null,
        string inputShapeSource = "from the options")
    {
        _env = env;
        _name = name;
        Ml = env as MLContext ?? new MLContext();
        Options = options;
        if (inputShape is null && (options.Channels <= 0 || options.Height <= 0 || options.Width <= 0))
            throw new ArgumentException($"Channels, Height and Width must be positive; {options.Channels}×{options.Height}×{options.Width} was given.", nameof(options));
        InputShape = inputShape ?? new TensorShape(options.Channels, options.Height, options.Width);
        _inputShapeSource = inputShapeSource;
    }

    private readonly string _inputShapeSource;

    protected MLContext Ml { get; }
    protected CnnTrainerOptions Options { get; }

    /// <summary>One image as the network takes it, [C, H, W].</summary>
    protected TensorShape InputShape { get; }

    private int ImageSize => InputShape.Length;
    private string Geometry => $"{ImageSize} = {InputShape[0]}×{InputShape[1]}×{InputShape[2]} (channels × height × width {_inputShapeSource})";

    /// <summary>Throws an ArgumentException naming the label column and the type expected when it does not fit the task.</summary>
    protected abstract void CheckLabel(DataViewSchema.Column label);
    protected abstract void CheckLabel(SchemaShape.Column label);

    /// <summary>
    /// Reads the rows; <paramref name="training"/> is null for the training data and the training set when reading the
    /// validation set (whose labels must then be compatible).
    /// </summary>
    protected abstract ImageDataset Read(IDataView data, string pixelColumn, DataViewSchema.Column label, ImageDataset? training);

    /// <summary>The built-in steps from the network (input: the pixel column) to the task's output columns.</summary>
    protected abstract IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn, DataViewSchema.Column label);

    /// <summary>The same steps for <see cref="GetOutputSchema"/>, over a stand-in network with <see cref="StandInOutputs"/> outputs.</summary>
    protected abstract IEstimator<ITransformer> Scoring(CnnModel standIn, string pixelColumn, SchemaShape.Column label);

    /// <summary>How many outputs the stand-in network of <see cref="GetOutputSchema"/> has for this label.</summary>
    protected abstract int StandInOutputs(SchemaShape.Column label);

    /// <summary>The network's output count for a dataset.</summary>
    protected abstract int Outputs(ImageDataset data);

    /// <summary>A one-slot raw score that a registered custom mapping turns into ML.NET's scalar columns (then dropped).</summary>
    public const string RawScoreColumnName = "CnnRawScore";

    public CnnPredictionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var prefix = PixelSteps(input.Schema);
        var label = LabelColumn(input.Schema);
        string pixelColumn = prefix is null ? Options.FeatureColumnName : ImageInput.PixelColumnName;
        var toPixels = prefix?.Fit(input);
        var train = Read(toPixels?.Transform(input) ?? input, pixelColumn, label, null);
        var validation = Options.ValidationSet is { } v ? ReadValidation(v, toPixels, pixelColumn, train) : null;

        CnnModel model;
        TrainingResult result;
        using (var channel = _env.Register(_name).Start("Training"))
        {
            (model, result) = Train(train, validation, CoreOptions(input.Schema, channel), channel);
            if (result.StopReason != StopReason.Completed) channel.Warning(MessageSensitivity.None, $"Training stopped early: {result.Message}");
        }

        var scoring = Scoring(model, pixelColumn, label);
        var chain = (prefix is null ? scoring : prefix.Append(scoring)).Fit(input);
        return new CnnPredictionTransformer(chain, model, result);
    }

    /// <summary>
    /// Builds and trains the network on the rows read (pixels as the column has them); returns the trained model. By
    /// default: <see cref="CnnTrainerOptions.Network"/> (LeNet-5 when null), initialized with the seed.
    /// </summary>
    protected virtual (CnnModel Model, TrainingResult Result) Train(ImageDataset train, ImageDataset? validation, TrainerOptions trainerOptions, IChannel channel)
    {
        var o = Options;
        int outputs = Outputs(train);
        int c = InputShape[0], h = InputShape[1], w = InputShape[2];
        var network = o.Network?.Invoke(c, h, w, outputs) ?? LeNet5.Build(c, h, w, outputs);
        Initializer.Initialize(network, o.Seed);
        channel.Info(MessageSensitivity.None, $"Training a CNN of {network.ParameterCount:N0} parameters on {train.Count} images " +
            $"{c}×{h}×{w}{(validation is null ? "" : $", validating on {validation.Count}")}.");
        var result = Trainer.Fit(network, train, validation, trainerOptions);
        return (new CnnModel(network, InputShape, train.ClassNames), result);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = Options;
        var features = Find(inputSchema, o.FeatureColumnName)
            ?? throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is not in the data; expected a float vector of {Geometry} or an image.", nameof(inputSchema));
        bool image = ImageInput.IsImage(features.ItemType);
        if (!image && (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single))
            throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is {features.ItemType} ({features.Kind}); expected a known-size float vector of {Geometry} or an image.", nameof(inputSchema));
        var label = Find(inputSchema, o.LabelColumnName)
            ?? throw new ArgumentException($"The label column '{o.LabelColumnName}' is not in the data.", nameof(inputSchema));
        CheckLabel(label);

        // SchemaShape.Column cannot be built outside ML.NET: the shape comes from the same built-in estimators Fit
        // returns, here over a stand-in network (the shape does not depend on the weights).
        int outputs = StandInOutputs(label);
        var standIn = new Sequential("shape", new FlattenLayer("flatten"), new DenseLayer("fc", ImageSize, outputs));
        var names = Enumerable.Range(0, outputs).Select(i => $"{i}").ToArray();
        var model = new CnnModel(standIn, InputShape, names);
        var scoring = Scoring(model, image ? ImageInput.PixelColumnName : o.FeatureColumnName, label);
        return (image ? ImageInput.ToPixels(Ml, o, InputShape).Append(scoring) : scoring).GetOutputSchema(inputSchema);
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
        };
    }

    private static string Describe(IAugmentation augmentation) =>
        augmentation is AugmentationPipeline pipeline ? string.Join(" → ", pipeline.Steps.Select(Describe)) : augmentation.GetType().Name;

    /// <summary>Checks the feature column; the image steps when it is an image, null when it is a pixel vector.</summary>
    private IEstimator<ITransformer>? PixelSteps(DataViewSchema schema)
    {
        var o = Options;
        var features = schema.GetColumnOrNull(o.FeatureColumnName)
            ?? throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is not in the data (columns: {Columns(schema)}); " +
                                           $"expected a float vector of {Geometry} or an image.");
        if (ImageInput.IsImage(features.Type)) return ImageInput.ToPixels(Ml, o, InputShape);
        if (features.Type is not VectorDataViewType { ItemType: NumberDataViewType single } vector || single != NumberDataViewType.Single || vector.Size != ImageSize)
            throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is {features.Type}" +
                $"{(features.Type is VectorDataViewType v ? $" of size {v.Size}" : "")}; expected a float vector of {Geometry} or an image.");
        return null;
    }

    private DataViewSchema.Column LabelColumn(DataViewSchema schema)
    {
        var label = schema.GetColumnOrNull(Options.LabelColumnName)
            ?? throw new ArgumentException($"The label column '{Options.LabelColumnName}' is not in the data (columns: {Columns(schema)}).");
        CheckLabel(label);
        return label;
    }

    private ImageDataset ReadValidation(IDataView validation, ITransformer? toPixels, string pixelColumn, ImageDataset train)
    {
        try
        {
            if (PixelSteps(validation.Schema) is null != toPixels is null)
                throw new ArgumentException($"The feature column '{Options.FeatureColumnName}' is an image in one of the two sets and a pixel vector in the other.");
            return Read(toPixels?.Transform(validation) ?? validation, pixelColumn, LabelColumn(validation.Schema), train);
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
