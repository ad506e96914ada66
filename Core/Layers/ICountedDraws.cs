namespace MLNet.Cnn.Layers;

/// <summary>
/// A layer that draws random numbers in its training forward passes (<see cref="DropoutLayer"/>). Each pass draws from a
/// generator seeded by the layer's seed and <see cref="Draws"/>, the number of training passes before it, never from a
/// long-lived <see cref="Random"/>, whose position cannot be saved: a checkpoint saves <see cref="Draws"/>, and a run
/// resumed from it sets the count back, so that it draws what an uninterrupted run would have drawn.
/// </summary>
public interface ICountedDraws
{
    /// <summary>Training forward passes so far; the next one draws from the stream of this count.</summary>
    int Draws { get; set; }
}
