namespace MLNet.Cnn.Detection;

/// <summary>How VOC turns a precision/recall curve into an average precision.</summary>
public enum VocInterpolation
{
    /// <summary>VOC2010 and later: the area under the monotone envelope of the curve, over every recall step.</summary>
    AllPoints,

    /// <summary>VOC2007: the mean of the best precision at recall ≥ 0, 0.1, …, 1 (eleven points).</summary>
    ElevenPoints,
}
