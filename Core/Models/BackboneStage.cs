using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// One stage of a backbone split by <see cref="BackboneStages.Split"/>: the layers that run at one output stride, as one
/// <see cref="Layer"/>, the stride of its output relative to the network's input (2 = half the input's height and width),
/// and its output channel count.
/// </summary>
public sealed record BackboneStage(Layer Layer, int Stride, int Channels);
