namespace MLNet.Cnn.Data;

/// <summary>What a sample's target is (see <see cref="SampleLayout"/> for each kind's target tensor).</summary>
public enum TargetKind
{
    /// <summary>One class index per image: targets [n].</summary>
    Classification,

    /// <summary>A fixed number of float values per image: targets [n, T].</summary>
    Regression,

    /// <summary>A class index per pixel (or the ignore label): targets [n, H, W].</summary>
    Segmentation,

    /// <summary>Up to a fixed number of labelled boxes per image: targets [n, maxObjects, 5].</summary>
    Detection,
}
