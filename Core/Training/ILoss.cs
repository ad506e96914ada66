using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

public interface ILoss
{
    /// <summary>Mean loss over the batch; writes ∂loss/∂prediction (same shape as prediction) into gradient.</summary>
    double Compute(Tensor prediction, Tensor target, Tensor gradient);
}
