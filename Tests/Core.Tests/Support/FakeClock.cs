namespace MLNet.Cnn.Tests.Support;

/// <summary>A clock that stands still until a test moves it, for the time limit's and the checkpoints' timing.</summary>
internal sealed class FakeClock : TimeProvider
{
    private long _ticks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => _ticks;
    public void Advance(TimeSpan time) => _ticks += time.Ticks;
}
