namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>
/// A problem the user can fix — a missing or foreign model, an image that is not one or has the wrong size. The app
/// prints its message alone (it names the file and what was expected), without a stack trace, and exits with 1.
/// </summary>
internal sealed class ScoringError(string message, Exception? inner = null) : Exception(message, inner);
