namespace MLNet.Cnn.Samples.WebApi;

/// <summary>
/// <c>POST /predict?k=5</c>: the request body is the image file itself (raw bytes, any Content-Type, e.g.
/// <c>curl --data-binary @cat.png</c>); the answer is a <see cref="ClassificationResponse"/>. Errors are problem details
/// (RFC 9457 JSON) whose <c>detail</c> says what was wrong: 400 for an empty body, bytes that do not decode or a k that is not a whole number of at least 1;
/// 413 for a body over <see cref="ServingOptions.MaxImageBytes"/>.
/// </summary>
internal static class PredictEndpoint
{
    /// <summary>The route the endpoint is mapped to.</summary>
    public const string Route = "/predict";

    /// <summary>Reads the upload, scores it and answers.</summary>
    public static async Task<IResult> Handle(HttpRequest request, string? k, ImageClassifier classifier, ServingOptions options, CancellationToken cancellation)
    {
        // k is read as text so that a bad value gets a message (a binding failure of int? k would be a bare 400)
        int top = options.DefaultTopK;
        if (k is not null && (!int.TryParse(k, out top) || top < 1))
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad k", detail: $"k is '{k}'; expected a whole number of labels to return, at least 1.");
        if (request.ContentLength > options.MaxImageBytes) return TooLarge(request.ContentLength.Value, options);

        byte[] image;
        try
        {
            image = await ReadBody(request, cancellation);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(null, options);   // a body without Content-Length that ran past Kestrel's MaxRequestBodySize
        }
        if (image.Length == 0)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Empty body",
                detail: "The request body is empty; send the image file's bytes as the body (PNG, JPEG, BMP, GIF or WebP).");

        try
        {
            return Results.Ok(classifier.Classify(image, top));
        }
        catch (UndecodableImageException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an image", detail: e.Message);
        }
    }

    private static async Task<byte[]> ReadBody(HttpRequest request, CancellationToken cancellation)
    {
        using var body = request.ContentLength is long length ? new MemoryStream((int)length) : new MemoryStream();
        await request.Body.CopyToAsync(body, cancellation);
        return body.ToArray();
    }

    private static IResult TooLarge(long? length, ServingOptions options) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Image too large",
            detail: $"The upload is {(length is null ? "larger than the limit" : $"{length} bytes")}; at most {options.MaxImageBytes} bytes are accepted ({ServingOptions.Section}:{nameof(ServingOptions.MaxImageBytes)}).");
}
