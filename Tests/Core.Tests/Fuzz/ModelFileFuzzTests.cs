using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Fuzz;

/// <summary>
/// The model file (<see cref="ModelFile.Load(string)"/>): a small ResNet and a plain convolutional network as seeds, mutated
/// bytes (resealed with their checksum in half the cases, so that mutations reach the header's parser), and header values
/// replaced in the JSON (a channel count, a kernel size or a tensor dimension made huge, zero or negative, a string where a
/// number stands) in a file rebuilt around it; a refusal is an <see cref="InvalidDataException"/> naming the file.
/// </summary>
[TestClass]
public sealed class ModelFileFuzzTests
{
    private static readonly JsonNode?[] Replacements = [-1, 0, 1, 1 << 16, 1 << 20, int.MaxValue, int.MinValue, 1L << 31, 1e300, "x", null, new JsonArray(), new JsonObject()];

    [TestMethod]
    public void MutatedModelFilesAreReadOrRefusedWithTheirName()
    {
        var resNet = ResNetSmall.Build(channels: 1, classes: 3, widths: [4, 6], blocksPerStage: 1);
        var plain = new Sequential("net", new Conv2dLayer("conv", 1, 2, 3, padding: 1), new FlattenLayer("flatten"), new DenseLayer("fc", 2 * 16, 3));
        var seeds = new[] { resNet, plain }.Select(network =>
        {
            Initializer.Initialize(network, seed: 3);
            using var stream = new MemoryStream();
            ModelFile.Save(new CnnModel(network, new TensorShape(1, 4, 4), ["a", "b", "c"], new Normalization([0.25f], [0.5f])), stream);
            return stream.ToArray();
        }).ToArray();
        var target = new FuzzTarget(".cnn", seeds, path => ModelFile.Load(path), typeof(InvalidDataException))
        {
            Structural = ReplaceHeaderValue,
            Seal = FileMutator.ResealSha256,
        };
        Console.WriteLine(FuzzRunner.Run(target, cases: 2000, seed: 4));
    }

    /// <summary>One value of the JSON header replaced; the file rebuilt with the new header's length and checksum.</summary>
    private static (byte[], string) ReplaceHeaderValue(byte[] file, Random random)
    {
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12));
        var header = JsonNode.Parse(file.AsSpan(16, headerLength))!;
        var values = Values(header).ToList();
        var chosen = values[random.Next(values.Count)];
        var replacement = Replacements[random.Next(Replacements.Length)]?.DeepClone();
        string what = $"{chosen.GetPath()} = {replacement?.ToJsonString() ?? "null"}";
        switch (chosen.Parent)
        {
            case JsonObject parent: parent[chosen.GetPropertyName()] = replacement; break;
            case JsonArray parent: parent[chosen.GetElementIndex()] = replacement; break;
        }
        byte[] text = Encoding.UTF8.GetBytes(header.ToJsonString());
        var rebuilt = new byte[16 + text.Length + file.Length - 16 - headerLength];
        file.AsSpan(0, 12).CopyTo(rebuilt);
        BinaryPrimitives.WriteInt32LittleEndian(rebuilt.AsSpan(12), text.Length);
        text.CopyTo(rebuilt, 16);
        file.AsSpan(16 + headerLength).CopyTo(rebuilt.AsSpan(16 + text.Length));
        return (FileMutator.ResealSha256(rebuilt), what);
    }

    /// <summary>Every value of the tree, leaves and containers, except the root.</summary>
    private static IEnumerable<JsonNode> Values(JsonNode node)
    {
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            yield return child;
            foreach (var inner in Values(child)) yield return inner;
        }
    }
}
