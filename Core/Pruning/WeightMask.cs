using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Pruning;

/// <summary>Which values of one weight tensor are pruned; applying the mask sets them to zero, in the weight or its gradient.</summary>
internal sealed class WeightMask
{
    // Per value: all bits set to keep it, none to prune it. An AND then gives +0 exactly, where multiplying by a 0/1 mask
    // would leave −0 for negative weights (a different bit pattern in the model file).
    private readonly uint[] _bits;

    public WeightMask(string layerPath, Parameter weight)
    {
        LayerPath = layerPath;
        Weight = weight;
        _bits = new uint[weight.Value.Length];
        Array.Fill(_bits, uint.MaxValue);
    }

    public string LayerPath { get; }
    public Parameter Weight { get; }
    public int Length => _bits.Length;
    public int PrunedCount { get; private set; }

    /// <summary>
    /// Writes the ranking key of every value into <paramref name="keys"/>: |w|, or −1 for a value already pruned, so that
    /// a pruned weight ranks below every other and stays pruned while the sparsity grows.
    /// </summary>
    public void Keys(Span<float> keys)
    {
        var values = Weight.Value.Span;
        TensorPrimitives.Abs(values, keys);
        for (int i = 0; i < keys.Length; i++)
        {
            if (!float.IsFinite(keys[i]))
                throw new InvalidOperationException($"Weight {Weight.Name}[{i}] is {values[i]}; weights cannot be ranked by magnitude.");
            if (_bits[i] == 0) keys[i] = -1;
        }
    }

    /// <summary>
    /// Prunes every value whose key is below <paramref name="threshold"/>, and those equal to it, in index order, while
    /// <paramref name="ties"/> lasts; keeps the rest. The weight is masked at once.
    /// </summary>
    public void Select(ReadOnlySpan<float> keys, float threshold, ref long ties)
    {
        int pruned = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            bool prune = keys[i] < threshold;
            if (keys[i] == threshold && ties > 0) (prune, ties) = (true, ties - 1);
            _bits[i] = prune ? 0 : uint.MaxValue;
            if (prune) pruned++;
        }
        PrunedCount = pruned;
        ApplyToWeight();
    }

    /// <summary>One bit per value, value i in bit i % 8 of byte i / 8, set where it is pruned.</summary>
    public byte[] PrunedBits()
    {
        var bits = new byte[(_bits.Length + 7) / 8];
        for (int i = 0; i < _bits.Length; i++)
            if (_bits[i] == 0) bits[i / 8] |= (byte)(1 << (i % 8));
        return bits;
    }

    /// <summary>The mask of <see cref="PrunedBits"/>; neither the weight nor its gradient is touched.</summary>
    public void SetPrunedBits(byte[] bits)
    {
        if (bits.Length != (_bits.Length + 7) / 8)
            throw new ArgumentException($"A mask of {bits.Length} bytes does not fit weight {Weight.Name} of {_bits.Length} values.", nameof(bits));
        int pruned = 0;
        for (int i = 0; i < _bits.Length; i++)
        {
            bool prune = (bits[i / 8] >> (i % 8) & 1) != 0;
            _bits[i] = prune ? 0 : uint.MaxValue;
            if (prune) pruned++;
        }
        PrunedCount = pruned;
    }

    public void ApplyToWeight() => And(Weight.Value.Span);

    public void ApplyToGradient() => And(Weight.Gradient.Span);

    private void And(Span<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        TensorPrimitives.BitwiseAnd(bits, _bits, bits);
    }
}
