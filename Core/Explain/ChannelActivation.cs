namespace MLNet.Cnn.Explain;

/// <summary>
/// How strongly one image activates a channel of a layer (<see cref="TopActivations"/>): the maximum of the channel's map
/// [h, w] for that image, where it is, and where that is in the input image.
/// </summary>
/// <param name="ImageIndex">The image's position in the sequence read, from 0.</param>
/// <param name="Value">The maximum of the channel's map for the image.</param>
/// <param name="Y">The row of the maximum in the map (the first in row-major order among equal values).</param>
/// <param name="X">The column of the maximum in the map.</param>
/// <param name="CenterY">The centre of that map position in input pixels: (Y + ½)·H/h − ½ for an input of height H.</param>
/// <param name="CenterX">The centre of that map position in input pixels: (X + ½)·W/w − ½ for an input of width W.</param>
public sealed record ChannelActivation(int ImageIndex, float Value, int Y, int X, double CenterY, double CenterX);
