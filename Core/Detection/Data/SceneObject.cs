namespace MLNet.Cnn.Detection;

/// <summary>
/// One object of a scene: its class, its box and where it came from. Objects are listed in paste order; a later one
/// covers an earlier one.
/// </summary>
/// <param name="Label">The class index, 0 … classes − 1 (Fashion-MNIST's order); the class map holds Label + 1.</param>
/// <param name="Box">The tight box of the object's visible pixels: those of its mask left uncovered by later objects and inside the canvas.</param>
/// <param name="PlacedBox">The tight box of all its pixels inside the canvas, as if nothing covered it; the overlap limit applies to these.</param>
/// <param name="VisiblePixels">How many pixels the instance mask gives it (≥ 1).</param>
/// <param name="PlacedPixels">How many it had inside the canvas before later objects covered some (≥ VisiblePixels).</param>
/// <param name="SourceIndex">The index of the item in the generator's source set.</param>
/// <param name="Scale">The scale the item was resized by.</param>
public sealed record SceneObject(int Label, Box Box, Box PlacedBox, int VisiblePixels, int PlacedPixels, int SourceIndex, double Scale);
