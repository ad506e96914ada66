namespace MLNet.Cnn.Data;

/// <summary>How a <see cref="PixelCache"/> stores a value.</summary>
public enum PixelStorage
{
    /// <summary>One byte, 0 … 255: decoded images (a quarter of the room of floats).</summary>
    Bytes,

    /// <summary>A float as given: pixel vectors that are already scaled or normalized.</summary>
    Floats,
}
