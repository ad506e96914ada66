using Microsoft.ML;
using MLNet.Cnn.Models;
using MLNet.Cnn.Transfer;

namespace MLNet.Cnn.Trainers;

/// <summary>The ML.NET entry points of the CNN trainers and of image-folder loading.</summary>
public static class CnnCatalog
{
    /// <summary>
    /// A convolutional network classifier on a pixel vector (or MLImage) column and a key label. It writes
    /// <c>Score</c> (class probabilities) and <c>PredictedLabel</c> (a key of the label's key type). The fitted transformer
    /// is made only of built-in ML.NET transformers (the network travels as ONNX), so <c>mlContext.Model.Save</c> and
    /// <c>Load</c> need no registration.
    /// </summary>
    /// <param name="catalog">The multiclass classification trainers of an <c>MLContext</c>.</param>
    /// <param name="options">The columns, the input geometry, the network and every training option.</param>
    public static IEstimator<CnnPredictionTransformer> Cnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        CnnMulticlassOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new CnnMulticlassEstimator(CatalogContext.Of(catalog), options);
    }

    /// <summary>
    /// The classifier of <see cref="Cnn(MulticlassClassificationCatalog.MulticlassClassificationTrainers, CnnMulticlassOptions)"/>
    /// with its columns named, as ML.NET's own trainers take them; everything else at its default (LeNet-5, 10 epochs).
    /// </summary>
    /// <param name="catalog">The multiclass classification trainers of an <c>MLContext</c>.</param>
    /// <param name="labelColumnName">The label: a key column (MapValueToKey).</param>
    /// <param name="featureColumnName">The image: a known-size float vector of C·H·W pixels, an MLImage of a known size, or encoded image bytes (see <see cref="CnnTrainerOptions.FeatureColumnName"/>).</param>
    /// <param name="scoreColumnName">Where the class probabilities go (slot names: the class names in key order).</param>
    /// <param name="predictedLabelColumnName">Where the most probable class goes, a key of the label's key type.</param>
    public static IEstimator<CnnPredictionTransformer> Cnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel") =>
        catalog.Cnn(new CnnMulticlassOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            ScoreColumnName = scoreColumnName,
            PredictedLabelColumnName = predictedLabelColumnName,
        });

    /// <summary>
    /// Transfer learning: a trained network (<see cref="CnnTransferOptions.Backbone"/> or a <c>.cnn</c> file) cut after one
    /// of its top-level blocks (<see cref="CnnTransferOptions.FeatureLayer"/>), with a new dense head trained on a key label
    /// under a <see cref="TransferPolicy"/> (frozen backbone with cached features, the first k blocks frozen, or all
    /// fine-tuned; by default chosen by the training-set size and written to <c>MLContext.Log</c>). The pixel column must
    /// have the backbone's C·H·W; the backbone's normalization is applied in training and inside the scoring graph, so
    /// the column keeps the pixels as they are. Writes <c>Score</c> and <c>PredictedLabel</c> as the <c>Cnn</c> trainer
    /// does, and the fitted transformer saves and loads the same way (no registration).
    /// </summary>
    public static IEstimator<CnnPredictionTransformer> CnnTransfer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        CnnTransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return options.BackboneOnOnnxRuntime
            ? new OnnxRuntimeTransferEstimator(CatalogContext.Of(catalog), options)
            : new CnnTransferEstimator(CatalogContext.Of(catalog), options, CnnTransferEstimator.Transfer(options));
    }

    /// <summary>
    /// Transfer learning (<see cref="CnnTransfer(MulticlassClassificationCatalog.MulticlassClassificationTrainers, CnnTransferOptions)"/>)
    /// from a backbone ready to use, e.g. <c>PretrainedBackbones.ResNet18ImageNet()</c>, cut after its last block, with the
    /// columns named; everything else at its default.
    /// </summary>
    /// <param name="catalog">The multiclass classification trainers of an <c>MLContext</c>.</param>
    /// <param name="pretrainedBackbone">The backbone (<see cref="CnnTransferOptions.PretrainedBackbone"/>).</param>
    /// <param name="labelColumnName">The label: a key column (MapValueToKey).</param>
    /// <param name="featureColumnName">The image at the backbone's input size: pixels, an MLImage or encoded image bytes.</param>
    /// <param name="scoreColumnName">Where the class probabilities go (slot names: the class names in key order).</param>
    /// <param name="predictedLabelColumnName">Where the most probable class goes, a key of the label's key type.</param>
    public static IEstimator<CnnPredictionTransformer> CnnTransfer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        TransferBackbone pretrainedBackbone, string labelColumnName = "Label", string featureColumnName = "Features",
        string scoreColumnName = "Score", string predictedLabelColumnName = "PredictedLabel") =>
        catalog.CnnTransfer(WithColumns(new CnnTransferOptions
        {
            PretrainedBackbone = pretrainedBackbone ?? throw new ArgumentNullException(nameof(pretrainedBackbone)),
        }, labelColumnName, featureColumnName, scoreColumnName, predictedLabelColumnName));

    /// <summary>
    /// Transfer learning (<see cref="CnnTransfer(MulticlassClassificationCatalog.MulticlassClassificationTrainers, CnnTransferOptions)"/>)
    /// from a network of this library, e.g. one trained on a related task, cut before its classifier, with the columns
    /// named; everything else at its default.
    /// </summary>
    /// <param name="catalog">The multiclass classification trainers of an <c>MLContext</c>.</param>
    /// <param name="backbone">The trained network (<see cref="CnnTransferOptions.Backbone"/>).</param>
    /// <param name="labelColumnName">The label: a key column (MapValueToKey).</param>
    /// <param name="featureColumnName">The image at the backbone's input size: pixels, an MLImage or encoded image bytes.</param>
    /// <param name="scoreColumnName">Where the class probabilities go (slot names: the class names in key order).</param>
    /// <param name="predictedLabelColumnName">Where the most probable class goes, a key of the label's key type.</param>
    public static IEstimator<CnnPredictionTransformer> CnnTransfer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        CnnModel backbone, string labelColumnName = "Label", string featureColumnName = "Features",
        string scoreColumnName = "Score", string predictedLabelColumnName = "PredictedLabel") =>
        catalog.CnnTransfer(WithColumns(new CnnTransferOptions
        {
            Backbone = backbone ?? throw new ArgumentNullException(nameof(backbone)),
        }, labelColumnName, featureColumnName, scoreColumnName, predictedLabelColumnName));

    /// <summary>The transfer options with the columns of a column-name overload.</summary>
    private static CnnTransferOptions WithColumns(CnnTransferOptions options, string labelColumnName, string featureColumnName,
        string scoreColumnName, string predictedLabelColumnName) => options with
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        ScoreColumnName = scoreColumnName,
        PredictedLabelColumnName = predictedLabelColumnName,
    };

    /// <summary>
    /// A convolutional network binary classifier on a pixel vector (or MLImage) column and a Boolean label. It writes
    /// <c>Score</c> (raw score), <c>Probability</c> and <c>PredictedLabel</c>, as ML.NET's calibrated binary trainers do.
    /// Its last step is a custom mapping (<see cref="BinaryScoreMapping"/>), which <c>Model.Load</c> finds in this assembly.
    /// </summary>
    /// <param name="catalog">The binary classification trainers of an <c>MLContext</c>.</param>
    /// <param name="options">The columns, the input geometry, the network and every training option.</param>
    public static IEstimator<CnnPredictionTransformer> Cnn(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        CnnBinaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new CnnBinaryEstimator(CatalogContext.Of(catalog), options);
    }

    /// <summary>
    /// The binary classifier of <see cref="Cnn(BinaryClassificationCatalog.BinaryClassificationTrainers, CnnBinaryOptions)"/>
    /// with its columns named, as ML.NET's own trainers take them; everything else at its default.
    /// </summary>
    /// <param name="catalog">The binary classification trainers of an <c>MLContext</c>.</param>
    /// <param name="labelColumnName">The label: a Boolean column.</param>
    /// <param name="featureColumnName">The image: a known-size float vector of C·H·W pixels, an MLImage of a known size, or encoded image bytes.</param>
    /// <param name="scoreColumnName">Where the raw score goes.</param>
    /// <param name="probabilityColumnName">Where the probability of <c>true</c> goes.</param>
    /// <param name="predictedLabelColumnName">Where the predicted Boolean goes.</param>
    public static IEstimator<CnnPredictionTransformer> Cnn(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string scoreColumnName = "Score",
        string probabilityColumnName = "Probability", string predictedLabelColumnName = "PredictedLabel") =>
        catalog.Cnn(new CnnBinaryOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            ScoreColumnName = scoreColumnName,
            ProbabilityColumnName = probabilityColumnName,
            PredictedLabelColumnName = predictedLabelColumnName,
        });

    /// <summary>
    /// A convolutional network regression on a pixel vector (or MLImage) column and a float label — or a known-size
    /// float vector label for several values per image (keypoints, landmarks, boxes). It writes <c>Score</c>: a float
    /// for a float label (so <c>Regression.Evaluate</c> works), a float vector for a vector label.
    /// </summary>
    /// <param name="catalog">The regression trainers of an <c>MLContext</c>.</param>
    /// <param name="options">The columns, the input geometry, the network and every training option.</param>
    public static IEstimator<CnnPredictionTransformer> Cnn(this RegressionCatalog.RegressionTrainers catalog, CnnRegressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new CnnRegressionEstimator(CatalogContext.Of(catalog), options);
    }

    /// <summary>
    /// The regression of <see cref="Cnn(RegressionCatalog.RegressionTrainers, CnnRegressionOptions)"/> with its columns
    /// named, as ML.NET's own trainers take them; everything else at its default.
    /// </summary>
    /// <param name="catalog">The regression trainers of an <c>MLContext</c>.</param>
    /// <param name="labelColumnName">The label: a float, or a known-size float vector.</param>
    /// <param name="featureColumnName">The image: a known-size float vector of C·H·W pixels, an MLImage of a known size, or encoded image bytes.</param>
    /// <param name="scoreColumnName">Where the predicted value (or values) go.</param>
    public static IEstimator<CnnPredictionTransformer> Cnn(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string scoreColumnName = "Score") =>
        catalog.Cnn(new CnnRegressionOptions { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, ScoreColumnName = scoreColumnName });

    /// <summary>
    /// A single-stage (YOLO-style) object detector with the columns of ML.NET's own ObjectDetection trainer: a vector of
    /// label keys per image, a float vector of boxes x0, y0, x1, y1 per label in the image's pixels, and an image column
    /// (LoadImages) of any size, stretched to the network's input. It writes <c>PredictedLabel</c> (a vector of keys of the
    /// label's key type), <c>PredictedBoundingBoxes</c> (4 floats per detection, in the image's pixels) and <c>Score</c>
    /// (one per detection, descending). The network travels as ONNX (with the box decoding in the graph); the last steps are a
    /// custom mapping (<see cref="DetectionMapping"/>: per-class NMS), which <c>Model.Load</c> finds in this assembly, and
    /// built-in ones. Evaluate with <see cref="EvaluateCnnObjectDetection"/>.
    /// </summary>
    /// <param name="catalog">The multiclass classification trainers of an <c>MLContext</c>.</param>
    /// <param name="options">The columns, the input size, the backbone, the anchors, the loss, the decoding and every training option.</param>
    public static IEstimator<CnnPredictionTransformer> CnnObjectDetection(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        CnnObjectDetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new CnnObjectDetectionEstimator(CatalogContext.Of(catalog), options);
    }

    /// <summary>The object detector of <see cref="CnnObjectDetection(MulticlassClassificationCatalog.MulticlassClassificationTrainers, CnnObjectDetectionOptions)"/> with its columns and input size named; everything else at its default.</summary>
    /// <param name="catalog">The multiclass classification trainers of an <c>MLContext</c>.</param>
    /// <param name="labelColumnName">The labels: a vector of keys, one per object.</param>
    /// <param name="boundingBoxColumnName">The boxes: a float vector of x0, y0, x1, y1 per object, in the image's pixels.</param>
    /// <param name="imageColumnName">The image: an MLImage (LoadImages) of any size.</param>
    /// <param name="height">The network's input height (images are stretched to it).</param>
    /// <param name="width">The network's input width.</param>
    /// <param name="epochs">Passes over the training images.</param>
    /// <param name="predictedLabelColumnName">Where the detections' labels go (a vector of keys).</param>
    /// <param name="predictedBoundingBoxColumnName">Where the detections' boxes go (4 floats per detection).</param>
    /// <param name="scoreColumnName">Where the detections' scores go (one per detection, descending).</param>
    public static IEstimator<CnnPredictionTransformer> CnnObjectDetection(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string boundingBoxColumnName = "BoundingBoxes", string imageColumnName = "Image",
        int height = 96, int width = 96, int epochs = 10, string predictedLabelColumnName = "PredictedLabel",
        string predictedBoundingBoxColumnName = "PredictedBoundingBoxes", string scoreColumnName = "Score") =>
        catalog.CnnObjectDetection(new CnnObjectDetectionOptions
        {
            LabelColumnName = labelColumnName,
            BoundingBoxColumnName = boundingBoxColumnName,
            FeatureColumnName = imageColumnName,
            Height = height,
            Width = width,
            Epochs = epochs,
            PredictedLabelColumnName = predictedLabelColumnName,
            PredictedBoundingBoxColumnName = predictedBoundingBoxColumnName,
            ScoreColumnName = scoreColumnName,
        });

    /// <summary>
    /// COCO (pycocotools' rules: AP@[.5:.95], AP50, AP75, by object size, AR; no crowd objects) and PASCAL VOC (AP at IoU 0.5,
    /// all-point) detection metrics over the rows of a scored data view, one image per row: the label and predicted label
    /// columns are vectors of keys of one key type, the box columns float vectors of x0, y0, x1, y1 per label, the score
    /// column one float per detection. The columns default to those the CNN and ML.NET's ObjectDetection trainers write.
    /// </summary>
    public static CnnObjectDetectionMetrics EvaluateCnnObjectDetection(this MulticlassClassificationCatalog catalog, IDataView data,
        string labelColumnName = "Label", string boundingBoxColumnName = "BoundingBoxes", string predictedLabelColumnName = "PredictedLabel",
        string predictedBoundingBoxColumnName = "PredictedBoundingBoxes", string scoreColumnName = "Score")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return ObjectDetectionEvaluation.Evaluate(data, labelColumnName, boundingBoxColumnName, predictedLabelColumnName, predictedBoundingBoxColumnName, scoreColumnName);
    }

    /// <summary>
    /// Semantic segmentation — a class per pixel — on an image column (MLImage, encoded bytes or a pixel vector) and a mask
    /// column (a vector of one class per pixel: bytes, or keys; see <see cref="CnnSegmentationOptions"/>). ML.NET has no
    /// segmentation catalog; a class per pixel is multiclass classification, so it sits beside the classifiers as ML.NET
    /// puts its object detector there. It writes <c>PredictedLabel</c> (Height·Width keys, at the network's input size) and
    /// <c>Score</c> (the class probabilities of every pixel). Made only of built-in transformers: <c>Model.Load</c> needs no
    /// registration. Evaluate with <see cref="EvaluateCnnSegmentation"/>.
    /// </summary>
    /// <param name="catalog">The multiclass classification trainers of an <c>MLContext</c>.</param>
    /// <param name="options">The columns, the input size, the network, the classes and every training option.</param>
    public static IEstimator<CnnPredictionTransformer> CnnSegmentation(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        CnnSegmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new CnnSegmentationEstimator(CatalogContext.Of(catalog), options);
    }

    /// <summary>The segmentation of <see cref="CnnSegmentation(MulticlassClassificationCatalog.MulticlassClassificationTrainers, CnnSegmentationOptions)"/> with its columns and input size named; everything else at its default.</summary>
    /// <param name="catalog">The multiclass classification trainers of an <c>MLContext</c>.</param>
    /// <param name="labelColumnName">The mask: a vector of one class per pixel (bytes, or keys).</param>
    /// <param name="imageColumnName">The image: an MLImage, encoded bytes or a pixel vector.</param>
    /// <param name="height">The network's input height (images and masks are stretched to it); null: the column's own, when it has one.</param>
    /// <param name="width">The network's input width; null as for <paramref name="height"/>.</param>
    /// <param name="epochs">Passes over the training images.</param>
    /// <param name="predictedLabelColumnName">Where the class of every pixel goes (a vector of keys).</param>
    /// <param name="scoreColumnName">Where the class probabilities of every pixel go.</param>
    public static IEstimator<CnnPredictionTransformer> CnnSegmentation(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string imageColumnName = "Image", int? height = null, int? width = null, int epochs = 10,
        string predictedLabelColumnName = "PredictedLabel", string scoreColumnName = "Score") =>
        catalog.CnnSegmentation(new CnnSegmentationOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = imageColumnName,
            Height = height,
            Width = width,
            Epochs = epochs,
            PredictedLabelColumnName = predictedLabelColumnName,
            ScoreColumnName = scoreColumnName,
        });

    /// <summary>
    /// Pixel accuracy and mean IoU (with per-class IoU, Dice and accuracy) from one confusion matrix over every pixel of every
    /// row: the mask column (bytes with <paramref name="ignoreLabel"/> skipped, or keys with the missing key skipped) against
    /// the predicted keys of the same pixels.
    /// </summary>
    public static CnnSegmentationMetrics EvaluateCnnSegmentation(this MulticlassClassificationCatalog catalog, IDataView data,
        string labelColumnName = "Label", string predictedLabelColumnName = "PredictedLabel", int? ignoreLabel = 255)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return SegmentationEvaluationReader.Evaluate(data, labelColumnName, predictedLabelColumnName, ignoreLabel);
    }

    /// <summary>
    /// An image folder with one subfolder per label (Model Builder's layout; images in deeper subfolders belong to their
    /// first-level folder) as ML.NET data: <c>Train</c> and <c>Validation</c> views with the columns <c>Label</c> (the
    /// subfolder's name) and <c>ImagePath</c> (the full path), split per label and reproducibly by
    /// <see cref="ImageFolderOptions.Seed"/>, and a <c>Summary</c> of images per label and of skipped files: at the top
    /// level, not images by extension or by their first bytes, not decodable (with
    /// <see cref="ImageFolderOptions.CheckImagesDecode"/>). Hidden files and folders ('.' names) are ignored. Loading
    /// reads no pixels: the views hold paths, which <c>LoadImages</c> reads when the pipeline runs. Throws when the folder
    /// does not exist, has no images in subfolders or images of a single label.
    /// </summary>
    public static ImageFolderData LoadFromImageFolder(this DataOperationsCatalog catalog, string folder, ImageFolderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return ImageFolderLoader.Load(catalog, folder, options ?? new ImageFolderOptions());
    }
}
