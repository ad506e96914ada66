using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Explain;

/// <summary>A Grad-CAM explanation of one image (<see cref="GradCam.Compute"/>); every tensor is a new one the caller owns.</summary>
/// <param name="LayerPath">The path of the layer explained at (<see cref="Models.LayerPaths"/>), whose output is A [K, h, w].</param>
/// <param name="ClassIndex">The class explained: the one asked for, or the predicted one (highest logit).</param>
/// <param name="ClassName">The model's name for that class; null when the model has no class names.</param>
/// <param name="Logit">y^c, the class's score before softmax, at inference.</param>
/// <param name="Probability">softmax(logits)[c] at inference.</param>
/// <param name="ChannelWeights">α_k = (1/(h·w)) Σ_ij ∂y^c/∂A^k_ij for k = 0 … K − 1.</param>
/// <param name="Map">ReLU(Σ_k α_k·A^k), [h, w], in the units of the activations.</param>
/// <param name="Heatmap">
/// <see cref="Map"/> resized to the input's [H, W] by bilinear interpolation with half-pixel centres (torch's
/// align_corners=False), divided by its maximum so that it lies in [0, 1] (all zeros when the map is).
/// </param>
public sealed record GradCamResult(string LayerPath, int ClassIndex, string? ClassName, float Logit, float Probability,
    IReadOnlyList<float> ChannelWeights, Tensor Map, Tensor Heatmap);
