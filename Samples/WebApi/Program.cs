using MLNet.Cnn.Samples.WebApi;

// dotnet run -c Release --project Samples/WebApi -- --Serving:ModelPath=model.zip [--urls http://127.0.0.1:5000]
// curl --data-binary @image.png "http://127.0.0.1:5000/predict?k=3"      (docs/serving.md)
ScoringApp.Build(args).Run();
