using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MLNet.Cnn.Samples.WebApi.Tests;

/// <summary>
/// The serving sample end to end on loopback: a tiny model trained and saved in the class set-up, the application started
/// on it, then load (2,000 requests from 16 clients against a serial run), bad uploads (each followed by a good one) and
/// the health endpoint.
/// </summary>
[TestClass]
public sealed class ServingTests
{
    private const long MaxImageBytes = 10 * 1024 * 1024;

    /// <summary>Fewer idle engines than clients: the pool disposes the extra engines it makes, which must not harm the others.</summary>
    private const int PoolSize = 2;
    private static DirectoryInfo _directory = null!;
    private static string _modelPath = null!;
    private static List<ColorImages.Row> _images = null!;
    private static LoopbackServer _server = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task TrainAndStart(TestContext _)
    {
        _directory = Directory.CreateTempSubdirectory("cnn-web-api-");
        _modelPath = Path.Combine(_directory.FullName, "model.zip");
        TinyModel.TrainAndSave(ColorImages.Write(90, seed: 1, _directory.FullName), _modelPath);
        _images = ColorImages.Write(48, seed: 2, _directory.FullName);
        _server = await LoopbackServer.Start($"--Serving:ModelPath={_modelPath}", $"--Serving:MaxImageBytes={MaxImageBytes}", $"--Serving:PoolSize={PoolSize}");
    }

    [ClassCleanup]
    public static async Task StopAndDelete()
    {
        await _server.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    private static Task<HttpResponseMessage> Post(byte[] body, string query = "") =>
        _server.Client.PostAsync(PredictEndpoint.Route + query, new ByteArrayContent(body));

    private static async Task<ClassificationResponse> Predict(byte[] image, string query = "")
    {
        using var response = await Post(image, query);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ClassificationResponse>())!;
    }

    /// <summary>The problem detail's <c>detail</c> of an error answer, after checking its status.</summary>
    private static async Task<string> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(expected, response.StatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
    }

    /// <summary>After a bad request, a good one still gets its answer.</summary>
    private static async Task StillAnswers() => Assert.HasCount(3, (await Predict(_images[0].ImageSource)).Predictions);

    [TestMethod]
    public async Task AnAnswerListsTheTopKLabelsByFallingProbability()
    {
        var all = await Predict(_images[0].ImageSource);
        Assert.HasCount(3, all.Predictions, "k defaults to 5, and the model has 3 classes");
        CollectionAssert.AreEquivalent(ColorImages.Classes, all.Predictions.Select(p => p.Label).ToArray());
        Assert.AreEqual(1f, all.Predictions.Sum(p => p.Probability), 1e-5f, "softmax probabilities");
        CollectionAssert.AreEqual(all.Predictions.OrderByDescending(p => p.Probability).ToArray(), all.Predictions.ToArray());
        Assert.IsGreaterThanOrEqualTo(0, all.ElapsedMilliseconds);

        var two = await Predict(_images[0].ImageSource, "?k=2");
        CollectionAssert.AreEqual(all.Predictions.Take(2).ToArray(), two.Predictions.ToArray());
        using var zero = await Post(_images[0].ImageSource, "?k=0");
        StringAssert.Contains(await Problem(zero, HttpStatusCode.BadRequest), "k is '0'");
        using var text = await Post(_images[0].ImageSource, "?k=x");
        StringAssert.Contains(await Problem(text, HttpStatusCode.BadRequest), "k is 'x'");
    }

    /// <summary>What the service reads of the model in-process: the label ML.NET's own chain predicts, and the scores.</summary>
    private sealed class PipelineOutput
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public async Task EachAnswerNamesTheClassesAsThePipelineDoes()
    {
        // the class names are read from the model's schema; the pipeline's own PredictedLabel (MapKeyToValue) must be the
        // label the service ranks first, and the probabilities the pipeline's scores, for every image
        var ml = new Microsoft.ML.MLContext();
        var engine = ml.Model.CreatePredictionEngine<ModelInput, PipelineOutput>(ml.Model.Load(_modelPath, out _));
        var predicted = new HashSet<string>();
        foreach (var image in _images)
        {
            var expected = engine.Predict(new ModelInput { ImageSource = image.ImageSource });
            var answer = await Predict(image.ImageSource);
            Assert.AreEqual(expected.PredictedLabel, answer.Predictions[0].Label);
            CollectionAssert.AreEqual(expected.Score.OrderDescending().ToArray(), answer.Predictions.Select(p => p.Probability).ToArray());
            predicted.Add(expected.PredictedLabel);
        }
        Assert.IsGreaterThan(1, predicted.Count, "the images are predicted as more than one class, so the names' order is tested");
    }

    [TestMethod]
    public async Task TwoThousandRequestsFromSixteenClientsAnswerAsASerialRunDoes()
    {
        var serial = new ClassificationResponse[_images.Count];
        for (int i = 0; i < _images.Count; i++) serial[i] = await Predict(_images[i].ImageSource);
        Assert.IsGreaterThan(10, serial.Select(s => s.Predictions[0].Probability).Distinct().Count(), "the images get different answers");

        const int requests = 2000, clients = 16;
        var answers = new ClassificationResponse?[requests];
        var latencies = new double[requests];
        var failures = new ConcurrentQueue<string>();
        int next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (int r; (r = Interlocked.Increment(ref next)) < requests;)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await Post(_images[r % _images.Count].ImageSource);
                    string body = await response.Content.ReadAsStringAsync();
                    latencies[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.OK) failures.Enqueue($"request {r}: {(int)response.StatusCode} {body}");
                    else answers[r] = JsonSerializer.Deserialize<ClassificationResponse>(body, JsonSerializerOptions.Web);
                }
                catch (Exception e) { failures.Enqueue($"request {r}: {e.GetType().Name}: {e.Message}"); }
            }
        })));
        double seconds = watch.Elapsed.TotalSeconds;

        Assert.IsEmpty(failures, string.Join(Environment.NewLine, failures.Take(5)));
        for (int r = 0; r < requests; r++)
            CollectionAssert.AreEqual(serial[r % _images.Count].Predictions.ToArray(), answers[r]!.Predictions.ToArray(), $"request {r} (image {r % _images.Count})");
        Array.Sort(latencies);
        var scoring = answers.Select(a => a!.ElapsedMilliseconds).Order().ToArray();
        TestContext.WriteLine($"{requests} requests from {clients} clients on {Environment.ProcessorCount} cores: {requests / seconds:F0} requests/s, " +
            $"latency p50 {latencies[requests / 2]:F2} ms, p99 {latencies[requests * 99 / 100]:F2} ms (scoring alone: p50 {scoring[requests / 2]:F2} ms, p99 {scoring[requests * 99 / 100]:F2} ms)");
    }

    [TestMethod]
    public async Task BytesThatAreNotAnImageGet400NamingTheProblem()
    {
        using var garbage = await Post("this is not an image"u8.ToArray());
        StringAssert.Contains(await Problem(garbage, HttpStatusCode.BadRequest), "20 bytes that are not an image");
        var truncated = _images[1].ImageSource[..16];   // the PNG signature and the start of its header, nothing else
        using var response = await Post(truncated);
        StringAssert.Contains(await Problem(response, HttpStatusCode.BadRequest), "16 bytes that are not an image");
        await StillAnswers();
    }

    [TestMethod]
    public async Task AnEmptyBodyGets400()
    {
        using var response = await Post([]);
        StringAssert.Contains(await Problem(response, HttpStatusCode.BadRequest), "The request body is empty");
        await StillAnswers();
    }

    [TestMethod]
    public async Task ATwentyMegabyteUploadGets413()
    {
        // As curl sends a large body: "Expect: 100-continue" lets the server refuse it before the client sends it; a client that
        // sends 20 MB without waiting may see the connection closed under it once the server has answered 413.
        var request = new HttpRequestMessage(HttpMethod.Post, PredictEndpoint.Route) { Content = new ByteArrayContent(new byte[20 * 1024 * 1024]) };
        request.Headers.ExpectContinue = true;
        using var response = await _server.Client.SendAsync(request);
        StringAssert.Contains(await Problem(response, HttpStatusCode.RequestEntityTooLarge), $"at most {MaxImageBytes} bytes");
        await StillAnswers();
    }

    [TestMethod]
    public async Task AnUploadOverTheLimitWithoutContentLengthGets413()
    {
        // A stream of unknown length goes out chunked: Kestrel's MaxRequestBodySize stops it while the endpoint reads.
        var content = new StreamContent(new UnknownLengthStream(new MemoryStream(new byte[MaxImageBytes + 1])));
        using var response = await _server.Client.PostAsync(PredictEndpoint.Route, content);
        StringAssert.Contains(await Problem(response, HttpStatusCode.RequestEntityTooLarge), "larger than the limit");
        await StillAnswers();
    }

    [TestMethod]
    public async Task TheHealthEndpointNamesTheModelAndItsClasses()
    {
        using var response = await _server.Client.GetAsync("/health");
        string body = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, body);
        var health = JsonDocument.Parse(body).RootElement;
        Assert.AreEqual("ok", health.GetProperty("status").GetString());
        CollectionAssert.AreEquivalent(ColorImages.Classes, health.GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ToArray());
    }

    /// <summary>A stream that does not tell its length, so that HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
