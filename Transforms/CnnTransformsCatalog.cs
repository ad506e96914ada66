using Microsoft.ML;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Models;
using MLNet.Cnn.Transfer;

namespace MLNet.Cnn.Transforms;

/// <summary>The ML.NET entry points of the CNN transforms.</summary>
public static class CnnTransformsCatalog
{
    /// <summary>
    /// The activations of one layer of a trained network as a float vector column, so that any ML.NET trainer can learn
    /// on CNN features. <paramref name="inputColumnName"/> holds the image as the CNN trainers take it, before the model's
    /// normalization, which the featurizer applies itself: a known-size float vector of C·H·W pixels in [C, H, W] order (as
    /// ExtractPixels writes it), or an image (LoadImages), resized to the model's input and read as the trainers read it
    /// (RGB, or grayscale for one channel; values × <paramref name="imagePixelScale"/>). <paramref name="outputColumnName"/>
    /// gets the layer's output for that image, flattened (its length is the layer's <see cref="LayerInfo.FeatureCount"/>).
    /// Encoded image bytes: load them with <c>LoadImages</c> from their files instead.
    /// </summary>
    /// <param name="catalog">The transforms catalog of an <c>MLContext</c>.</param>
    /// <param name="model">The trained network.</param>
    /// <param name="outputColumnName">The features' column.</param>
    /// <param name="inputColumnName">The image's column: pixels or an MLImage.</param>
    /// <param name="imagePixelScale">What an MLImage's 0 … 255 values are multiplied by (the trainers' <c>ImagePixelScale</c>, default 1/255); unused for pixels.</param>
    /// <param name="layerName">
    /// The layer whose output becomes the features: its path ("block2/conv") or, when no other layer has that name, its
    /// plain name; <see cref="LayerPaths.List"/> lists them with their output shapes. An unknown name gives an
    /// <see cref="ArgumentException"/> that lists them too.
    /// </param>
    /// <remarks>
    /// The fitted transformer is ML.NET's own ApplyOnnxModel transformer over the network cut after that layer, so
    /// <c>mlContext.Model.Save</c> and <c>Load</c> work and loading does not need this assembly.
    /// </remarks>
    public static IEstimator<ITransformer> CnnFeaturizer(this TransformsCatalog catalog, CnnModel model, string layerName,
        string outputColumnName = "CnnFeatures", string inputColumnName = "Features", float imagePixelScale = 1f / 255)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CnnFeaturizerEstimator(catalog, model, layerName, outputColumnName, inputColumnName, imagePixelScale);
    }

    /// <summary>The featurizer of a model saved by <see cref="ModelFile.Save(CnnModel, string)"/> (a <c>.cnn</c> file).</summary>
    /// <param name="modelPath">The <c>.cnn</c> file.</param>
    /// <param name="layerName">The layer whose output becomes the features (see the overload that takes a <see cref="CnnModel"/>).</param>
    /// <param name="catalog">The transforms catalog of an <c>MLContext</c>.</param>
    /// <param name="outputColumnName">The features' column.</param>
    /// <param name="inputColumnName">The image's column: pixels or an MLImage.</param>
    /// <param name="imagePixelScale">What an MLImage's 0 … 255 values are multiplied by (default 1/255); unused for pixels.</param>
    /// <inheritdoc cref="CnnFeaturizer(TransformsCatalog, CnnModel, string, string, string, float)"/>
    public static IEstimator<ITransformer> CnnFeaturizer(this TransformsCatalog catalog, string modelPath, string layerName,
        string outputColumnName = "CnnFeatures", string inputColumnName = "Features", float imagePixelScale = 1f / 255) =>
        catalog.CnnFeaturizer(ModelFile.Load(modelPath), layerName, outputColumnName, inputColumnName, imagePixelScale);

    /// <summary>
    /// The features of a pretrained backbone as a float vector column — <c>PretrainedBackbones.ResNet18ImageNet()</c>, an
    /// ONNX file (<see cref="TransferBackbone.FromOnnx"/>) or a network of this library — so that any ML.NET trainer can learn
    /// on them. <paramref name="inputColumnName"/> holds the pixels in [C, H, W] order at the backbone's input size, before
    /// its normalization (RGB in [0, 1] for ImageNet backbones), which the featurizer applies itself.
    /// </summary>
    /// <param name="backbone">The pretrained backbone.</param>
    /// <param name="featureLayer">The top-level block after which the features are taken; null takes all the backbone's blocks.</param>
    /// <param name="catalog">The transforms catalog of an <c>MLContext</c>.</param>
    /// <param name="outputColumnName">The features' column.</param>
    /// <param name="inputColumnName">The image's column: pixels or an MLImage.</param>
    /// <param name="imagePixelScale">What an MLImage's 0 … 255 values are multiplied by (default 1/255); unused for pixels.</param>
    /// <inheritdoc cref="CnnFeaturizer(TransformsCatalog, CnnModel, string, string, string, float)"/>
    public static IEstimator<ITransformer> CnnFeaturizer(this TransformsCatalog catalog, TransferBackbone backbone, string? featureLayer = null,
        string outputColumnName = "CnnFeatures", string inputColumnName = "Features", float imagePixelScale = 1f / 255)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        var model = backbone.FeatureModel(featureLayer);
        return catalog.CnnFeaturizer(model, LayerPaths.List(model).Last(l => !l.Path.Contains(LayerPaths.Separator)).Path, outputColumnName,
            inputColumnName, imagePixelScale);
    }

    /// <summary>
    /// Augments the images of <paramref name="columnName"/> while a CNN trainer further down the pipeline trains: each
    /// training sample gets a fresh random draw of <paramref name="policy"/> every epoch (reproducible under the trainer's
    /// seed), and scoring is unaffected — the fitted step only adds a marker column whose annotation carries the policy (see <see cref="AugmentationAnnotation"/>).
    /// Build the policy from the ops of <c>MLNet.Cnn.Augment</c> (flips, crops, color jitter, PCA lighting, affine,
    /// elastic, erasing), e.g. <c>new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(28, 28, padding: 2))</c>.
    /// </summary>
    public static IEstimator<ITransformer> Augment(this TransformsCatalog catalog, IAugmentation policy, string columnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(policy);
        return new AugmentationEstimator(catalog, columnName, policy);
    }
}
