namespace MLNet.Cnn.Onnx;

/// <summary>The element-wise ops <see cref="ElementwiseStep"/> computes: ONNX's binary arithmetic, PRelu, and the variadic Sum, Mean, Max and Min.</summary>
internal enum Elementwise { Sum, Mean, Sub, Mul, Div, Pow, Max, Min, PRelu }
