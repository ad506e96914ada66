using Microsoft.ML;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Trainers;

namespace MLNet.Cnn.Samples.WebApi.Tests;

/// <summary>
/// Trains, in a second or two, the kind of model the service loads — Model Builder's pipeline on <c>byte[] ImageSource</c>:
/// MapValueToKey("Label") → CNN (a one-convolution network) → MapKeyToValue("PredictedLabel") — and saves it.
/// </summary>
internal static class TinyModel
{
    public static void TrainAndSave(IReadOnlyList<ColorImages.Row> rows, string path)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
            {
                FeatureColumnName = nameof(ColorImages.Row.ImageSource), Height = ColorImages.Side, Width = ColorImages.Side,
                Epochs = 2, BatchSize = 16, LearningRate = 1e-2f, Seed = 1,
                Network = (channels, height, width, classes) => new Sequential("net",
                    new Conv2dLayer("conv", channels, 4, 3, padding: 1), new ActivationLayer("relu", new ReLU()),
                    new GlobalAvgPoolLayer("pool"), new FlattenLayer("flatten"), new DenseLayer("fc", 4, classes)),
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        ml.Model.Save(pipeline.Fit(data), data.Schema, path);
    }
}
