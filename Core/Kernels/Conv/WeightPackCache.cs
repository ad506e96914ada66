using System.Runtime.InteropServices;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// What a convolution kernel packs its weights from: w (any number of floats), and the per-output-channel scale s and bias b it
/// may fold in (null when it does not); each of <see cref="Channels"/> floats.
/// </summary>
internal readonly unsafe struct WeightPackSource(float* weights, long weightCount, float* scale, float* bias, int channels)
{
    public float* Weights { get; } = weights;
    public long WeightCount { get; } = weightCount;
    public float* Scale { get; } = scale;
    public float* Bias { get; } = bias;
    public int Channels { get; } = channels;
}

/// <summary>
/// One layer's weights as its inference kernel packed them, kept between calls: ONNX Runtime packs a model's weights once
/// when its session is made; a layer here can be trained, loaded or edited between two inference calls, so the packing is
/// reused only while the weights, scale and bias it came from are bit for bit what they were. Each call compares them with
/// the copy taken when they were packed — one streaming read of the weights, a fraction of what packing costs (an 8×8
/// transpose per 64 floats, written out again) — so no change is missed, whoever made it. One packing at a time: the
/// <c>key</c> names the kernel and whatever shapes its packed layout (vector width, channels, kernel size); a new key repacks.
/// Memory: the copy and the packed weights, about twice the layer's weights, held until the layer trains again (<see cref="Clear"/>).
/// </summary>
internal sealed unsafe class WeightPackCache
{
    private readonly Lock _gate = new();
    private object? _key;
    private float[]? _weights, _scale, _bias;
    private Tensor? _packed;
    private int _packedLength;

    /// <summary>Writes the packed weights of <c>length</c> floats at <c>packed</c>.</summary>
    public delegate void Packer(float* packed);

    /// <summary>
    /// The packed weights: <paramref name="cache"/>'s when it holds them for <paramref name="key"/> from this very source, else
    /// packed now by <paramref name="pack"/> (and kept when there is a cache). Dispose the result when done, as any scratch buffer.
    /// </summary>
    public static ScratchBuffer Pack(WeightPackCache? cache, object key, WeightPackSource source, int length, Packer pack)
    {
        if (cache is not null) return cache.Get(key, source, length, pack);
        var packed = ScratchPool.Rent(length);
        pack(packed.Pointer);
        return packed;
    }

    /// <summary>Drops what is kept (the layer is training: its weights change at every step).</summary>
    public void Clear()
    {
        lock (_gate) (_key, _weights, _scale, _bias, _packed) = (null, null, null, null, null);
    }

    private ScratchBuffer Get(object key, WeightPackSource source, int length, Packer pack)
    {
        lock (_gate)
        {
            if (_packed is null || _packedLength != length || !key.Equals(_key) || !Same(_weights, source.Weights, source.WeightCount)
                || !Same(_scale, source.Scale, source.Channels) || !Same(_bias, source.Bias, source.Channels))
            {
                var packed = new Tensor(length);
                pack(packed.Pointer);
                (_key, _packed, _packedLength) = (key, packed, length);
                _weights = Copy(source.Weights, source.WeightCount);
                _scale = Copy(source.Scale, source.Channels);
                _bias = Copy(source.Bias, source.Channels);
            }
            return ScratchBuffer.Borrowed(_packed, length);
        }
    }

    /// <summary>Whether <paramref name="kept"/> holds the same bits as the <paramref name="count"/> floats at <paramref name="current"/> (both absent counts).</summary>
    private static bool Same(float[]? kept, float* current, long count)
    {
        if (kept is null || current == null) return kept is null && current == null;
        return kept.LongLength == count
            && MemoryMarshal.AsBytes(kept.AsSpan()).SequenceEqual(new ReadOnlySpan<byte>(current, checked((int)(count * sizeof(float)))));
    }

    private static float[]? Copy(float* values, long count) => values == null ? null : new ReadOnlySpan<float>(values, checked((int)count)).ToArray();
}
