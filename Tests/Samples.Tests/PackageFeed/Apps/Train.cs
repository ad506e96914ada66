// The first consumer app of PackageFeedTests: references the MLNet.Cnn packages only. Trains, saves to args[0], predicts.
using Microsoft.ML;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Trainers;

var ml = new MLContext(seed: 1);
var train = ml.Data.LoadFromEnumerable(StripeImages.Make(240, seed: 1));
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
    {
        Channels = 1, Height = StripeImages.Side, Width = StripeImages.Side, Epochs = 3, BatchSize = 32, LearningRate = 3e-3f,
        Network = (c, h, w, classes) => new Sequential("net",
            new Conv2dLayer("conv", c, 4, 3, padding: 1), new ActivationLayer("relu", new ReLU()),
            new FlattenLayer("flatten"), new DenseLayer("fc", 4 * h * w, classes)),
    }))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
var model = pipeline.Fit(train);
ml.Model.Save(model, train.Schema, args[0]);
using var engine = ml.Model.CreatePredictionEngine<Image, Prediction>(model);
StripeImages.Print(engine.Predict);
