namespace MLNet.Cnn.Tool.Training;

/// <summary>What <c>train</c> was asked for: the data, the network and its input, and the training loop's settings.</summary>
internal sealed record TrainingSettings(
    string Images, string Architecture, int Size, int Channels, int Epochs, int BatchSize, double ValidationFraction, int Seed)
{
    /// <summary>The learning rate of AdamW (the trainers' default optimizer), as Samples/ImageFolder trains ResNetSmall.</summary>
    public const float LearningRate = 2e-3f;

    /// <summary>Training stops after this many epochs without a lower validation loss, and keeps the best epoch's weights.</summary>
    public const int EarlyStoppingPatience = 5;
}
