using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Transfer;

/// <summary>
/// Raises an old CNN graph (such as CNTK's opset-8 exports) to opset 13, the opset our exporter writes, so that a network
/// built on it can be saved as one ONNX model. Only for graphs whose ops meant the same for float tensors from their
/// opset to 13: Conv, Relu, MaxPool, AveragePool, GlobalAveragePool, Add, Sub, Mul, and BatchNormalization, whose
/// attributes dropped on the way (<c>spatial</c> = 1, the per-channel form that became the only one; <c>is_test</c>;
/// <c>consumed_inputs</c>) are removed. Any other op is refused.
/// </summary>
internal static class OpsetUpgrade
{
    public const int Target = 13;

    private static readonly HashSet<string> Unchanged = ["Conv", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "Add", "Sub", "Mul", "BatchNormalization"];
    private static readonly string[] DroppedBatchNormAttributes = ["spatial", "is_test", "consumed_inputs"];

    public static void To13(ModelProto model, string path)
    {
        var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")
            ?? throw new NotSupportedException($"'{path}' imports no opset of the default ONNX domain.");
        if (opset.Version is < 7 or > Target) throw new NotSupportedException($"'{path}' is of opset {opset.Version}; only opsets 7 … {Target} are raised to {Target}.");
        foreach (var node in model.Graph.Node)
        {
            if (!Unchanged.Contains(node.OpType))
                throw new NotSupportedException($"'{path}': node '{node.Name}' is {node.OpType}, which is not raised from opset {opset.Version} to {Target} (only {string.Join(", ", Unchanged)}).");
            if (node.OpType != "BatchNormalization") continue;
            if (node.Attribute.FirstOrDefault(a => a.Name == "spatial") is { I: not 1 })
                throw new NotSupportedException($"'{path}': node '{node.Name}' has spatial = 0 (statistics per activation), which opset {Target} cannot express.");
            foreach (var dropped in node.Attribute.Where(a => DroppedBatchNormAttributes.Contains(a.Name)).ToList()) node.Attribute.Remove(dropped);
        }
        opset.Version = Target;
        model.IrVersion = Math.Max(model.IrVersion, 7);
    }
}
