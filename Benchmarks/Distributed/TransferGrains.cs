namespace MLNet.Cnn.Benchmarks.Distributed;

/// <summary>Sends a gradient-sized array to an <see cref="IGradientEcho"/> on another silo and times the round trips.</summary>
public interface IGradientSender : IGrainWithIntegerKey
{
    /// <summary>One-way transfer times in seconds (half of each round trip) of <paramref name="floats"/> floats, <paramref name="repeats"/> times.</summary>
    Task<double[]> Send(int floats, int repeats);

    /// <summary>The silo this grain runs on.</summary>
    Task<string> Silo();
}

/// <summary>Returns what it is sent: the far end of a round trip.</summary>
public interface IGradientEcho : IGrainWithIntegerKey
{
    Task<float[]> Echo(float[] gradient);

    Task<string> Silo();
}

internal sealed class GradientSender : Grain, IGradientSender
{
    public async Task<double[]> Send(int floats, int repeats)
    {
        var gradient = new float[floats];
        var random = new Random(1);
        for (int i = 0; i < gradient.Length; i++) gradient[i] = (float)(random.NextDouble() - 0.5);
        var echo = await EchoOnAnotherSilo();
        await echo.Echo(new float[16]);   // the connection and the grain warmed up
        var times = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            var back = await echo.Echo(gradient);
            times[r] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds / 2;
            if (back.Length != floats) throw new InvalidOperationException($"{floats} floats were sent, {back.Length} came back.");
        }
        return times;
    }

    public Task<string> Silo() => Task.FromResult(GrainContext.Address.SiloAddress!.ToString());

    /// <summary>The first echo grain (by key) that Orleans placed on a silo other than this one.</summary>
    private async Task<IGradientEcho> EchoOnAnotherSilo()
    {
        string here = await Silo();
        for (int key = 0; key < 64; key++)
        {
            var echo = GrainFactory.GetGrain<IGradientEcho>(key);
            if (await echo.Silo() != here) return echo;
        }
        throw new InvalidOperationException("No echo grain was placed on another silo.");
    }
}

internal sealed class GradientEcho : Grain, IGradientEcho
{
    public Task<float[]> Echo(float[] gradient) => Task.FromResult(gradient);

    public Task<string> Silo() => Task.FromResult(GrainContext.Address.SiloAddress!.ToString());
}
