namespace MLNet.Cnn.Samples.WebApi;

/// <summary>The uploaded bytes are not an image the model can decode; the message says why (answered with 400).</summary>
public sealed class UndecodableImageException(string message, Exception inner) : Exception(message, inner);
