using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace MLNet.Cnn.Data;

/// <summary>
/// Reads the batches a reader announced (<see cref="IBatchSource.Plan"/>) ahead of it, on a worker thread, into a ring of
/// <see cref="Depth"/> buffers: while the training step runs on batch b, batches b + 1 … b + Depth are read. The reader
/// takes a batch with <see cref="TryTake"/>, which only hands it over when its indices are the ones announced for that
/// batch; any other read (not announced, or out of order) returns false and the source reads it itself. Memory: Depth + 1
/// buffers of a batch, whatever the dataset size. A failure of the worker is thrown by the take of the batch it failed on.
/// </summary>
internal sealed class BatchPrefetcher(int imageSize, Action<ReadOnlySpan<int>, Memory<float>> read) : IDisposable
{
    /// <summary>Batches read ahead of the one the reader takes.</summary>
    public const int Depth = 3;

    private BlockingCollection<float[]> _free = new();
    private BlockingCollection<(float[] Buffer, ExceptionDispatchInfo? Failure)> _ready = new();
    private CancellationTokenSource? _stop;
    private Task? _worker;
    private ReadOnlyMemory<int> _order;
    private int _batchSize, _next, _batchCount;
    private int _bufferLength;

    /// <summary>Stops any earlier plan and starts reading batch 0 … of this one.</summary>
    public void Plan(ReadOnlyMemory<int> order, int batchSize)
    {
        StopWorker();
        (_order, _batchSize, _next) = (order.ToArray(), batchSize, 0);   // a copy: the reader may reuse its array
        _batchCount = (order.Length + batchSize - 1) / batchSize;
        int length = batchSize * imageSize;
        if (length != _bufferLength)
        {
            _bufferLength = length;
            _free = new BlockingCollection<float[]>();
            for (int i = 0; i <= Depth; i++) _free.Add(new float[length]);
        }
        _ready = new BlockingCollection<(float[], ExceptionDispatchInfo?)>(Depth);
        var stop = _stop = new CancellationTokenSource();
        var ready = _ready;
        _worker = Task.Factory.StartNew(() => ReadAhead(ready, stop.Token), stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Copies the next announced batch into <paramref name="destination"/> [n · imageSize] when <paramref name="indices"/>
    /// are its indices; false (nothing copied, the plan dropped) otherwise.
    /// </summary>
    public bool TryTake(ReadOnlySpan<int> indices, Span<float> destination)
    {
        if (_worker is null || _next >= _batchCount || !indices.SequenceEqual(Batch(_next).Span))
        {
            StopWorker();
            return false;
        }
        var (buffer, failure) = _ready.Take();   // the worker completes the queue when it ends, so this never waits for nothing
        _next++;
        if (failure is not null)
        {
            _free.Add(buffer);
            StopWorker();   // the plan is over: later reads go to the source
            failure.Throw();
        }
        buffer.AsSpan(0, destination.Length).CopyTo(destination);
        _free.Add(buffer);
        return true;
    }

    private ReadOnlyMemory<int> Batch(int b) => _order.Slice(b * _batchSize, Math.Min(_batchSize, _order.Length - b * _batchSize));

    private void ReadAhead(BlockingCollection<(float[], ExceptionDispatchInfo?)> ready, CancellationToken stop)
    {
        try
        {
            for (int b = 0; b < _batchCount; b++)
            {
                var buffer = _free.Take(stop);
                var indices = Batch(b);
                try { read(indices.Span, buffer.AsMemory(0, indices.Length * imageSize)); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    ready.Add((buffer, ExceptionDispatchInfo.Capture(e)), stop);
                    return;
                }
                ready.Add((buffer, null), stop);
            }
        }
        catch (OperationCanceledException) { }
        finally { ready.CompleteAdding(); }
    }

    /// <summary>Cancels the worker, waits for it, and takes its unread buffers back.</summary>
    private void StopWorker()
    {
        if (_worker is null) return;
        _stop!.Cancel();
        _worker.Wait();
        while (_ready.TryTake(out var item)) _free.Add(item.Buffer);
        _stop.Dispose();
        (_worker, _stop) = (null, null);
    }

    public void Dispose() => StopWorker();
}
