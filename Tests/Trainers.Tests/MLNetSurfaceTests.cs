using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// Reflection on the referenced Microsoft.ML assemblies: the facts docs/architecture.md relies on. If an ML.NET
/// upgrade changes one of them, this test fails and the choice of mechanism must be revisited.
/// </summary>
[TestClass]
public sealed class MLNetSurfaceTests
{
    private static readonly Assembly Core = typeof(IHostEnvironment).Assembly, Data = typeof(TransformerChain<>).Assembly;

    /// <summary>A type of Microsoft.ML.Core or Microsoft.ML.Data by its name (namespace aside), public or not.</summary>
    private static Type Find(string name)
    {
        var found = new[] { Core, Data }.SelectMany(a => a.GetTypes()).Where(t => t.Name == name).ToArray();
        Assert.AreEqual(1, found.Length, $"types named {name}: {string.Join(", ", found.Select(t => t.FullName))}");
        return found[0];
    }

    private static bool HasPublicOrProtectedConstructor(Type t) =>
        t.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Any(c => c.IsPublic || c.IsFamily || c.IsFamilyOrAssembly);

    [TestMethod]
    public void TheSaveLoadProtocolIsClosedToOtherAssemblies()
    {
        Assert.IsFalse(Find("LoadableClassAttribute").IsPublic, "LoadableClassAttribute");
        Assert.IsFalse(Find("ModelLoadContext").IsPublic, "ModelLoadContext");
        Assert.IsFalse(Find("VersionInfo").IsPublic, "VersionInfo");
        var saveMembers = Find("ModelSaveContext").GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m is not ConstructorInfo && m.Name != nameof(IDisposable.Dispose)).Select(m => m.ToString()).ToArray();
        Assert.AreEqual(0, saveMembers.Length, "ModelSaveContext public members besides Dispose: " + string.Join("; ", saveMembers));
        foreach (var name in new[] { "RowToRowTransformerBase", "OneToOneTransformerBase",
                     "TrivialEstimator`1", "TrainerEstimatorBase`2", "ModelParametersBase`1",
                     "MulticlassPredictionTransformer`1" })
            Assert.IsFalse(HasPublicOrProtectedConstructor(Find(name)), $"{name} has a constructor a third party can call");
        Assert.IsFalse(HasPublicOrProtectedConstructor(typeof(SchemaShape.Column)), "SchemaShape.Column");
        Assert.IsFalse(HasPublicOrProtectedConstructor(typeof(TrainerInfo)), "TrainerInfo");
    }

    /// <summary>Why binary and single-output regression end in a custom mapping (docs/architecture.md).</summary>
    [TestMethod]
    public void TheScalarScoreMakingTypesCannotBeBuiltByAThirdParty()
    {
        foreach (var type in new[] { typeof(BinaryPredictionTransformer<>), typeof(RegressionPredictionTransformer<>),
                     typeof(Microsoft.ML.Trainers.LinearBinaryModelParameters), typeof(Microsoft.ML.Trainers.LinearRegressionModelParameters),
                     typeof(Microsoft.ML.Calibrators.PlattCalibrator) })
            Assert.IsFalse(type.GetConstructors(BindingFlags.Instance | BindingFlags.Public).Any(), $"{type.Name} has a public constructor");
        Assert.IsTrue(typeof(Microsoft.ML.Transforms.CustomMappingFactory<,>).IsPublic, "CustomMappingFactory is public");
    }

    [TestMethod]
    public void TheBuiltInStepsTheTrainerUsesArePublic()
    {
        var onnx = typeof(OnnxCatalog).GetMethods().Where(m => m.Name == nameof(OnnxCatalog.ApplyOnnxModel))
            .Any(m => m.GetParameters().Any(p => p.ParameterType == typeof(Stream)));
        Assert.IsTrue(onnx, "ApplyOnnxModel(..., Stream modelBytes, ...)");
        var mapValue = typeof(ConversionsExtensionsCatalog).GetMethods().Where(m => m.Name == nameof(ConversionsExtensionsCatalog.MapValue))
            .Any(m => m.GetParameters().Any(p => p.Name == "treatValuesAsKeyType"));
        Assert.IsTrue(mapValue, "MapValue(..., treatValuesAsKeyType)");
        Assert.IsTrue(typeof(MLContext).GetInterfaces().Contains(typeof(IHostEnvironment)), "MLContext is an IHostEnvironment");
        Assert.IsTrue(typeof(IHostEnvironment).IsPublic && typeof(IChannel).IsPublic, "IHostEnvironment/IChannel are public");
    }
}
