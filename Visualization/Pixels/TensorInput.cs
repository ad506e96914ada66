using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization;

/// <summary>The shape and value checks of the tensors the pictures take, with messages that name the tensor and what was expected.</summary>
internal static class TensorInput
{
    /// <summary>(C, H, W) of an image [C, H, W] or [1, C, H, W] with C = 1 or 3 and finite values.</summary>
    public static (int Channels, int Height, int Width) Image(Tensor image, string name)
    {
        var (channels, height, width) = Planes(image, name, "an image [C, H, W] (C = 1 or 3) or [1, C, H, W]");
        if (channels is not (1 or 3))
            throw new ArgumentException($"{name} has {channels} channels ({image.Shape}); an image has 1 (gray) or 3 (R, G, B).", name);
        return (channels, height, width);
    }

    /// <summary>(C, h, w) of feature maps [C, h, w] or [1, C, h, w] with finite values.</summary>
    public static (int Channels, int Height, int Width) FeatureMaps(Tensor maps, string name) =>
        Planes(maps, name, "feature maps [C, h, w] or [1, C, h, w] of one image");

    /// <summary>(O, I, kh, kw) of convolution weights [O, I, kh, kw] with finite values.</summary>
    public static (int Filters, int InputChannels, int Height, int Width) Filters(Tensor weights, string name)
    {
        ArgumentNullException.ThrowIfNull(weights, name);
        var s = weights.Shape;
        if (s.Rank != 4)
            throw new ArgumentException($"{name} has shape {s}; expected convolution weights [O, I, kh, kw].", name);
        Finite(weights.Span, name);
        return (s[0], s[1], s[2], s[3]);
    }

    /// <summary>Refuses a NaN or an infinity, naming its position in <paramref name="name"/>.</summary>
    public static void Finite(ReadOnlySpan<float> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"{name} holds {values[i]} at flat index {i}; every value must be finite.", name);
    }

    /// <summary>(C, H, W) of a rank-3 tensor, or of a rank-4 one with a batch of 1; finite values.</summary>
    private static (int, int, int) Planes(Tensor tensor, string name, string expected)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        var s = tensor.Shape;
        if (s.Rank != 3 && !(s.Rank == 4 && s[0] == 1)) throw new ArgumentException($"{name} has shape {s}; expected {expected}.", name);
        Finite(tensor.Span, name);
        int first = s.Rank - 3;
        return (s[first], s[first + 1], s[first + 2]);
    }
}
