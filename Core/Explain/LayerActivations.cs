using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Explain;

/// <summary>
/// What a layer of a trained network computes for some images (the numbers behind feature-map pictures): the output of any
/// named layer, nested ones included, at inference.
/// </summary>
public static class LayerActivations
{
    /// <summary>
    /// The output of the layer <paramref name="layer"/> for <paramref name="images"/> at inference (batch norm on its running
    /// statistics, no dropout): [N, C, h, w] for a layer with maps, [N, F] for a vector. The layers before it run as the
    /// network routes them (<see cref="Models.LayerPaths"/>); the network's weights and state are left as they were.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="layer">A path ("layer4", "block/body/conv") or a plain name no other layer has, as <see cref="LayerPaths.Find"/> takes it; not a layer inside an imported ONNX graph.</param>
    /// <param name="images">A batch [N, C, H, W] of the model's input shape, normalized as the model expects.</param>
    /// <returns>A new tensor the caller owns.</returns>
    public static Tensor Of(CnnModel model, string layer, Tensor images)
    {
        var route = LayerRoute.To(model, layer);
        route.RequireImages(images, nameof(images));
        return Copy(route.Output(images));
    }

    /// <summary>A new tensor holding the values of <paramref name="source"/>.</summary>
    internal static Tensor Copy(Tensor source)
    {
        var copy = new Tensor(source.Shape);
        source.Span.CopyTo(copy.Span);
        return copy;
    }
}
