namespace MLNet.Cnn.Trainers;

/// <summary>The images of one label of an image folder, and how many went to each part of the split.</summary>
public sealed record LabelCount(string Label, int Images, int Train, int Validation);
