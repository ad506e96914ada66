// The second consumer app of PackageFeedTests: only ML.NET, its ONNX transformer and the native ONNX Runtime (the
// packages a scoring-only app needs). Loads the model saved by the first app from args[0] and predicts.
using Microsoft.ML;

var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
using var engine = ml.Model.CreatePredictionEngine<Image, Prediction>(model);
StripeImages.Print(engine.Predict);
