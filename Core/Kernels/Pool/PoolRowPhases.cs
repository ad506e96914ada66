namespace MLNet.Cnn.Kernels;

/// <summary>
/// The row layout the fast pooling kernels work in. Each input row, padded left and right with a fill value,
/// is split into sW phases of <see cref="PhaseLength"/> values: phase r holds padded columns r, r + sW, r + 2sW, …
/// (padded column x is input column x − padLeft). Horizontal tap kw of output columns 0 … Wout − 1 reads padded
/// columns ow·sW + kw·dW: one contiguous run of Wout values in phase (kw·dW) mod sW, whatever the stride, so
/// every tap is a vector operation over a whole output row. A split plane is H split rows of
/// <see cref="RowLength"/> values.
/// </summary>
internal readonly unsafe struct PoolRowPhases
{
    private readonly int _width, _padLeft, _stride, _dilation;

    public PoolRowPhases(Pool2dGeometry g)
    {
        _width = g.InWidth;
        _padLeft = g.Padding.Left;
        _stride = g.StrideW;
        _dilation = g.DilationW;
        // Room for every padded column a window reads, and for every input column (so Merge finds each one).
        int columns = Math.Max((g.OutWidth - 1) * g.StrideW + g.DilationW * (g.KernelWidth - 1) + 1, _padLeft + _width);
        PhaseLength = (columns + _stride - 1) / _stride;
        RowLength = _stride * PhaseLength;
    }

    public int PhaseLength { get; }
    public int RowLength { get; }

    /// <summary>Offset, inside a split row, of the run that horizontal tap <paramref name="kw"/> reads.</summary>
    public int TapOffset(int kw)
    {
        int x = kw * _dilation;
        return x % _stride * PhaseLength + x / _stride;
    }

    /// <summary>Splits <paramref name="rows"/> rows of W values into split rows; padding cells get <paramref name="fill"/>.</summary>
    public void Split(float* plane, int rows, float fill, float* split)
    {
        if (_stride == 2)
        {
            var (first0, end0) = InputRange(0);
            var (first1, end1) = InputRange(1);
            for (int h = 0; h < rows; h++, plane += _width, split += RowLength)
            {
                float* phase1 = split + PhaseLength;
                for (int q = 0; q < first0; q++) split[q] = fill;
                for (int q = end0; q < PhaseLength; q++) split[q] = fill;
                for (int q = 0; q < first1; q++) phase1[q] = fill;
                for (int q = end1; q < PhaseLength; q++) phase1[q] = fill;
                StrideTwoSplit.Row(plane, _width, _padLeft, split, phase1);
            }
            return;
        }
        for (int h = 0; h < rows; h++, plane += _width)
            for (int r = 0; r < _stride; r++, split += PhaseLength)
            {
                var (first, end) = InputRange(r);
                new Span<float>(split, first).Fill(fill);
                float* source = plane + r + first * _stride - _padLeft;
                if (_stride == 1)
                    new ReadOnlySpan<float>(source, end - first).CopyTo(new Span<float>(split + first, end - first));
                else
                    for (int q = first; q < end; q++, source += _stride) split[q] = *source;
                new Span<float>(split + end, PhaseLength - end).Fill(fill);
            }
    }

    /// <summary>The inverse of <see cref="Split"/>: writes the input columns back, dropping the padding cells.</summary>
    public void Merge(float* split, int rows, float* plane)
    {
        for (int h = 0; h < rows; h++, plane += _width)
            for (int r = 0; r < _stride; r++, split += PhaseLength)
            {
                var (first, end) = InputRange(r);
                float* target = plane + r + first * _stride - _padLeft;
                if (_stride == 1)
                    new ReadOnlySpan<float>(split + first, end - first).CopyTo(new Span<float>(target, end - first));
                else
                    for (int q = first; q < end; q++, target += _stride) *target = split[q];
            }
    }

    /// <summary>
    /// The positions q of phase r whose padded column r + q·sW is an input column (0 ≤ r + q·sW − padLeft &lt; W):
    /// first ≤ q &lt; end.
    /// </summary>
    private (int First, int End) InputRange(int r)
    {
        int first = CeilDivNonNegative(_padLeft - r, _stride);
        int end = Math.Min(PhaseLength, CeilDivNonNegative(_width + _padLeft - r, _stride));
        return (first, Math.Max(first, end));
    }

    private static int CeilDivNonNegative(int value, int divisor) => value <= 0 ? 0 : (value + divisor - 1) / divisor;
}
