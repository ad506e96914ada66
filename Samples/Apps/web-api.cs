// Samples/WebApi, step by step: an ASP.NET Core minimal API that loads a saved ML.NET model of the CNN classifier whose
// input is the image file's bytes (Model Builder's byte[] ImageSource; Samples/Apps/image-folder.cs saves one) and answers
// POST /predict with the most probable labels, scoring with a pool of PredictionEngines (an engine serves one call at a time).
//   dotnet run Samples/Apps/web-api.cs -- --model $PWD/image-folder-cnn.zip --urls http://127.0.0.1:5000
//   curl --data-binary @image.png "http://127.0.0.1:5000/predict?k=3"
#:sdk Microsoft.NET.Sdk.Web
#:project ../../Trainers/MLNet.Cnn.Trainers.csproj
#:package Microsoft.ML.OnnxRuntime@1.32.0
#:property PublishAot=false

using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;

var builder = WebApplication.CreateBuilder(args);

// 1. The model (Model.Load finds the trainer's image-decoding step in MLNet.Cnn.Trainers) and its class names: the Score slots'.
var ml = new MLContext();
string modelPath = Path.GetFullPath(builder.Configuration["model"] ?? "image-folder-cnn.zip");
if (!File.Exists(modelPath))
    throw new FileNotFoundException($"No model at {modelPath}: train one with Samples/Apps/image-folder.cs and pass its full path " +
        "(--model $PWD/image-folder-cnn.zip: dotnet run starts a web app in the app's folder).", modelPath);
var model = ml.Model.Load(modelPath, out var inputSchema);
var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
model.GetOutputSchema(inputSchema)["Score"].GetSlotNames(ref slotNames);
string[] classNames = slotNames.DenseValues().Select(name => name.ToString()).ToArray();

// 2. A pool of prediction engines: each request borrows one for its prediction.
var engines = new DefaultObjectPoolProvider().Create(new EnginePolicy(ml, model));

// 3. The endpoint: the request body is the image file; the answer the k most probable labels with their probabilities.
var app = builder.Build();
app.MapPost("/predict", async (HttpRequest request, int? k) =>
{
    using var body = new MemoryStream();
    await request.Body.CopyToAsync(body);
    var engine = engines.Get();
    try
    {
        float[] scores = engine.Predict(new ModelInput { ImageSource = body.ToArray() }).Score;
        engines.Return(engine);
        return Results.Ok(Enumerable.Range(0, scores.Length).OrderByDescending(c => scores[c]).Take(k ?? 3)
            .Select(c => new { Label = classNames[c], Probability = scores[c] }));
    }
    catch (InvalidOperationException e)   // the bytes do not decode; an engine whose prediction failed is not reused
    {
        engine.Dispose();
        return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Not an image");
    }
});
app.Logger.LogInformation("Loaded {Model}: {Classes}", modelPath, string.Join(", ", classNames));
app.Run();

public sealed class ModelInput
{
    public byte[] ImageSource { get; set; } = [];
    public string Label { get; set; } = "";   // read by the saved pipeline's first step (MapValueToKey), empty when scoring
}

public sealed class ModelOutput
{
    public float[] Score { get; set; } = [];
}

public sealed class EnginePolicy(MLContext ml, ITransformer model) : PooledObjectPolicy<PredictionEngine<ModelInput, ModelOutput>>
{
    public override PredictionEngine<ModelInput, ModelOutput> Create() => ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);

    public override bool Return(PredictionEngine<ModelInput, ModelOutput> engine) => true;
}
