namespace MLNet.Cnn.Tool;

/// <summary>
/// Input the command cannot use — a path, a folder, a model file or an image — with a message that names it and says
/// what was expected. <see cref="Cli"/> prints the message alone (no stack trace) and exits with <see cref="ExitCodes.BadInput"/>.
/// </summary>
internal sealed class BadInputException(string message, Exception? inner = null) : Exception(message, inner);
