using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>A training loss: compares a batch of network outputs with their targets and gives the gradient the backward pass starts from.</summary>
public interface ILoss
{
    /// <summary>Mean loss over the batch; writes ∂loss/∂prediction (same shape as prediction) into gradient.</summary>
    double Compute(Tensor prediction, Tensor target, Tensor gradient);
}
