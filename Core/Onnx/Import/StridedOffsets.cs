using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// The flat offsets start + Σₖ jₖ·strides[k] of every multi-index j of a shape, in row-major order of j: the one index map
/// behind Slice (j runs over the output, the offsets into the input, a stride per axis times the slice's step) and the
/// reductions (j runs over the input, the offsets into the output, stride 0 on a reduced axis).
/// </summary>
internal static class StridedOffsets
{
    public static int[] Of(TensorShape shape, int[] strides, int start)
    {
        var offsets = new int[shape.Length];
        var j = new int[shape.Rank];
        int offset = start;
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = offset;
            for (int k = shape.Rank - 1; k >= 0; k--) // odometer: advance the last axis, carry into the ones before
            {
                offset += strides[k];
                if (++j[k] < shape[k]) break;
                offset -= strides[k] * shape[k];
                j[k] = 0;
            }
        }
        return offsets;
    }

    /// <summary>The row-major strides of a shape: stride[k] is the product of the dimensions after axis k.</summary>
    public static int[] RowMajor(TensorShape shape) => Enumerable.Range(0, shape.Rank).Select(k => shape.SizeFrom(k + 1)).ToArray();
}
