using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Explain;

/// <summary>
/// Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization"):
/// where in an image a classifier found its evidence for a class. For the output A [K, h, w] of a layer and the class's
/// logit y^c, both at inference: α_k = (1/(h·w)) Σ_ij ∂y^c/∂A^k_ij, map = ReLU(Σ_k α_k·A^k).
/// </summary>
public static class GradCam
{
    /// <summary>
    /// Explains <paramref name="image"/>'s class <paramref name="classIndex"/> at the layer <paramref name="layer"/>. The
    /// gradients are those of the network at inference (batch norm on its running statistics, dropout passing through,
    /// <see cref="InferenceGradients"/>); the network is left exactly as it was (weights, running statistics, parameter
    /// gradients, dropout draws, settings). Do not call it between a training pass's forward and its backward.
    /// </summary>
    /// <param name="model">A classifier: its network gives logits [N, classes], not ending in a softmax layer.</param>
    /// <param name="image">One image [C, H, W] of the model's input shape, normalized as the model expects.</param>
    /// <param name="classIndex">The class to explain; null for the predicted one.</param>
    /// <param name="layer">
    /// The layer to explain at, by path or plain name (<see cref="LayerPaths.Find"/>), one of <see cref="Layers"/>;
    /// null for <see cref="DefaultLayer"/>.
    /// </param>
    public static GradCamResult Compute(CnnModel model, Tensor image, int? classIndex = null, string? layer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(image);
        var input = model.InputShape;
        if (image.Shape != input)
            throw new ArgumentException($"Grad-CAM takes one image [C, H, W] = {input} for the model '{model.Network.Name}'; " +
                $"the image has shape {image.Shape}.", nameof(image));
        int classes = ClassCount(model);
        if (classIndex is < 0 || classIndex >= classes)
            throw new ArgumentOutOfRangeException(nameof(classIndex), classIndex,
                $"The network '{model.Network.Name}' has {classes} classes (0 … {classes - 1}); class {classIndex} does not exist.");
        var route = layer is null ? LayerRoute.Of(model, DefaultLayer(model)) : Usable(model, layer);

        var activations = LayerActivations.Copy(route.Output(image.Reshape(1, input[0], input[1], input[2])));
        var (logits, chosen, gradient) = ClassScoreGradient.Of(route.After()!, activations, classIndex);
        var weights = ChannelWeights(gradient);
        var map = WeightedMap(activations, weights);
        return new GradCamResult(route.Target.Path, chosen, chosen < model.ClassNames.Count ? model.ClassNames[chosen] : null,
            logits[chosen], Softmax(logits, chosen), weights, map, Heatmap(map, input[1], input[2]));
    }

    /// <summary>
    /// The layers Grad-CAM can explain at: those with maps [K, h, w] (a 4-D output) whose way from the root passes through
    /// <see cref="Sequential"/> containers only, so that the rest of the network after them is a chain; in the order of
    /// <see cref="LayerPaths.List"/>.
    /// </summary>
    public static IReadOnlyList<LayerInfo> Layers(CnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Network is Onnx.OnnxNetwork) return [];
        return [.. LayerPaths.List(model).Where(l => l.OutputShape.Rank == 3 && LayerRoute.Of(model, l).ThroughSequentialsOnly)];
    }

    /// <summary>
    /// The layer Grad-CAM explains at when none is named: of <see cref="Layers"/>, the one whose output comes last, preferring
    /// maps of more than one position; a container rather than its last child, which gives the same output ("layer4" of a ResNet).
    /// </summary>
    public static LayerInfo DefaultLayer(CnnModel model)
    {
        var usable = Layers(model);
        if (usable.Count == 0)
            throw new ArgumentException($"The network '{model.Network.Name}' has no layer Grad-CAM can explain at: none gives maps " +
                "[K, h, w] and is reached through Sequential containers only.", nameof(model));
        bool anyLarger = usable.Any(Larger);
        LayerInfo? best = null;
        int bestEnd = -1;
        for (int i = 0; i < usable.Count; i++)
        {
            // In this order a layer's descendants follow it: its output comes with its last one's.
            int end = i;
            while (end + 1 < usable.Count && usable[end + 1].Path.StartsWith(usable[i].Path + LayerPaths.Separator, StringComparison.Ordinal)) end++;
            if ((Larger(usable[i]) || !anyLarger) && end > bestEnd) (best, bestEnd) = (usable[i], end);
        }
        return best!;

        static bool Larger(LayerInfo layer) => layer.OutputShape[1] * layer.OutputShape[2] > 1;
    }

    private static LayerRoute Usable(CnnModel model, string layer)
    {
        var route = LayerRoute.To(model, layer);
        string? why = route.Target.OutputShape.Rank != 3 ? $"gives {route.Target.OutputShape} per image, not maps [K, h, w]"
            : !route.ThroughSequentialsOnly ? "sits inside a container other than Sequential (a Residual, Branches or Gate), so the rest of the network after it is not a chain"
            : null;
        if (why is null) return route;
        throw new ArgumentException($"Grad-CAM cannot explain at '{route.Target.Path}' ({route.Target.Layer.GetType().Name}): it {why}. " +
            $"The layers it can explain at: {string.Join(", ", Layers(model).Select(l => $"{l.Path} {l.OutputShape}"))}.", nameof(layer));
    }

    /// <summary>The number of classes: the network's output must be logits [N, classes], not a softmax's output.</summary>
    private static int ClassCount(CnnModel model)
    {
        var output = model.Network.OutputShape(new TensorShape([1, .. model.InputShape.Dimensions]));
        if (output.Rank != 2)
            throw new ArgumentException($"Grad-CAM explains a classifier's logits: the network '{model.Network.Name}' gives " +
                $"{LayerPaths.WithoutBatch(output)} per image, not [classes].", nameof(model));
        var last = model.Network;
        while (last is Sequential) last = last.Children[^1];
        if (last is SoftmaxLayer)
            throw new ArgumentException($"Grad-CAM takes a class's logit, before softmax: the network '{model.Network.Name}' ends in " +
                $"the softmax layer '{last.Name}'. Explain the network without it.", nameof(model));
        return output[1];
    }

    /// <summary>α_k = mean over [h, w] of ∂y^c/∂A^k, for the gradient [1, K, h, w].</summary>
    private static float[] ChannelWeights(Tensor gradient)
    {
        int channels = gradient.Shape[1], positions = gradient.Shape[2] * gradient.Shape[3];
        var weights = new float[channels];
        for (int k = 0; k < channels; k++)
        {
            double sum = 0;
            foreach (float g in gradient.Span.Slice(k * positions, positions)) sum += g;
            weights[k] = (float)(sum / positions);
        }
        return weights;
    }

    /// <summary>ReLU(Σ_k α_k·A^k) [h, w] for the activations A [1, K, h, w].</summary>
    private static Tensor WeightedMap(Tensor activations, float[] weights)
    {
        int height = activations.Shape[2], width = activations.Shape[3], positions = height * width;
        var map = new Tensor(height, width);
        var a = activations.Span;
        for (int p = 0; p < positions; p++)
        {
            double sum = 0;
            for (int k = 0; k < weights.Length; k++) sum += (double)weights[k] * a[k * positions + p];
            map.Span[p] = (float)Math.Max(sum, 0);
        }
        return map;
    }

    /// <summary>The map [h, w] resized bilinearly (half-pixel centres) to [height, width] and divided by its maximum, when positive.</summary>
    private static Tensor Heatmap(Tensor map, int height, int width)
    {
        var resized = new Tensor(1, 1, height, width);
        UpsampleBilinear.Forward(map.Reshape(1, 1, map.Shape[0], map.Shape[1]), resized, alignCorners: false);
        var heatmap = resized.Reshape(height, width);
        float max = System.Numerics.Tensors.TensorPrimitives.Max<float>(heatmap.Span);
        if (max > 0)
            foreach (ref float v in heatmap.Span) v /= max;
        return heatmap;
    }

    /// <summary>softmax(logits)[c], in double.</summary>
    private static float Softmax(float[] logits, int c)
    {
        double max = logits.Max(), sum = logits.Sum(z => Math.Exp(z - max));
        return (float)(Math.Exp(logits[c] - max) / sum);
    }
}
