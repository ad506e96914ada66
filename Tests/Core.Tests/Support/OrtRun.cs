using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Support;

/// <summary>Runs an ONNX model in ONNX Runtime on one core tensor and returns one output with its shape.</summary>
public static class OrtRun
{
    public static (float[] Values, int[] Shape) Output(InferenceSession session, Tensor input, string output = "logits", string inputName = "input")
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input.ToArray(), input.Shape.Dimensions.ToArray().Select(d => (long)d).ToArray());
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [value], [output]);
        return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[0].GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray());
    }

    public static float[] Output(byte[] model, Tensor input, string output = "logits")
    {
        using var session = new InferenceSession(model);
        return Output(session, input, output).Values;
    }
}
