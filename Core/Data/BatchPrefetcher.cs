using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace MLNet.Cnn.Data;

/// <summary>
/// Reads the batches a reader announced (<see cref="IBatchSource.Plan"/>) ahead of it, on a worker thread, into a ring of
/// buffers: while the training step runs on batch b, batches b + 1 … b + depth are read, depth = 3 or as many as fit in
/// <see cref="BudgetBytes"/> (at least 1). The reader takes a batch with <see cref="TryTake"/>, which only hands it over
/// when its indices are the ones announced for that batch; any other read (not announced, or out of order) returns false
/// and the source reads it itself. Memory: depth + 1 buffers of the largest batch announced (training's and evaluation's
/// batches share them: they only grow), whatever the dataset size. A failure of the worker is thrown by the take of the
/// batch it failed on.
/// </summary>
internal sealed class BatchPrefetcher(int imageSize, Action<ReadOnlySpan<int>, Memory<float>> read) : IDisposable
{
    /// <summary>Batches read ahead of the one the reader takes, at most.</summary>
    public const int MaxDepth = 3;

    /// <summary>What the batches read ahead may take: 3 batches of 64 images of 3×224×224 (39 MB each) fit, 256 of them (154 MB) only 1.</summary>
    public const long BudgetBytes = 256L << 20;

    private BlockingCollection<float[]> _free = new();
    private BlockingCollection<(float[] Buffer, ExceptionDispatchInfo? Failure)> _ready = new();
    private CancellationTokenSource? _stop;
    private Task? _worker;
    private ReadOnlyMemory<int> _order;
    private int _batchSize, _next, _batchCount;
    private int _bufferLength, _depth;

    /// <summary>Stops any earlier plan and starts reading batch 0 … of this one.</summary>
    public void Plan(ReadOnlyMemory<int> order, int batchSize)
    {
        StopWorker();
        (_order, _batchSize, _next) = (order.ToArray(), batchSize, 0);   // a copy: the reader may reuse its array
        _batchCount = (order.Length + batchSize - 1) / batchSize;
        int length = checked(batchSize * imageSize);
        if (length > _bufferLength)
        {
            _bufferLength = length;
            _depth = (int)Math.Clamp(BudgetBytes / ((long)length * sizeof(float)), 1, MaxDepth);
            _free = new BlockingCollection<float[]>();
            for (int i = 0; i <= _depth; i++) _free.Add(new float[length]);
        }
        _ready = new BlockingCollection<(float[], ExceptionDispatchInfo?)>(_depth);
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
