namespace MLNet.Cnn.Layers;

/// <summary>
/// A layer whose training forward pass computes something other than its inference pass: <see cref="BatchNorm2dLayer"/>
/// (batch statistics, and it moves the running ones), <see cref="DropoutLayer"/> (a random mask), and the frozen blocks of
/// transfer learning (no gradient below them). With <see cref="BehaveAsInference"/> set, its training passes
/// (<see cref="Layer.Forward"/> with training true) compute what inference computes, from the same state, which they leave
/// as it is, and still keep what <see cref="Layer.Backward"/> needs, which then gives the exact gradient of that inference
/// function. Every other layer of the core computes the same in both modes. <see cref="InferenceGradients.Enable"/> sets it
/// on a whole network; a layer written outside the core whose training pass differs should implement this interface too.
/// </summary>
public interface IInferenceBehaviour
{
    /// <summary>True: training passes behave as inference does and are differentiated as such; false (the default): training behaviour.</summary>
    bool BehaveAsInference { get; set; }
}
