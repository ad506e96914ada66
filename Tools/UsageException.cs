namespace MLNet.Cnn.Tool;

/// <summary>
/// Options that parse one by one but do not fit together (e.g. a <c>--size</c> too small for the <c>--model</c>):
/// <see cref="Cli"/> prints the message and exits with <see cref="ExitCodes.Usage"/>, as for a parse error.
/// </summary>
internal sealed class UsageException(string message) : Exception(message);
