namespace MLNet.Cnn.Tests.Support;

/// <summary>A new empty folder under the temporary path, deleted with what it holds on <see cref="Dispose"/>.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mlnet-cnn-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
