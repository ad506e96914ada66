using Microsoft.AspNetCore.Builder;

namespace MLNet.Cnn.Samples.WebApi.Tests;

/// <summary>The sample's application on Kestrel at 127.0.0.1 (a free port), as <c>dotnet run</c> starts it, with a client for it.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    /// <summary>A client whose base address is the server's.</summary>
    public HttpClient Client { get; }

    /// <summary>Builds the application with the given configuration (<c>--key=value</c> pairs) and starts it.</summary>
    public static async Task<LoopbackServer> Start(params string[] settings)
    {
        var app = ScoringApp.Build(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Error", .. settings]);
        await app.StartAsync();
        string address = app.Urls.Single();   // the port Kestrel chose for 0
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 };
        return new LoopbackServer(app, new HttpClient(handler) { BaseAddress = new Uri(address) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
