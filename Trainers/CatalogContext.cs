using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The <see cref="IHostEnvironment"/> (the MLContext) behind a trainers catalog, so that training writes to
/// <c>MLContext.Log</c> and uses its settings. ML.NET 5 keeps it non-public: <c>CatalogInstantiatorBase.Owner</c>
/// (a <see cref="TrainCatalogBase"/>) holds it in a non-public <c>Environment</c> property, reached here by
/// reflection. Should a later ML.NET rename either, a fresh MLContext stands in (messages then go nowhere);
/// the log test in Trainers.Tests fails in that case.
/// </summary>
internal static class CatalogContext
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    public static IHostEnvironment Of(TrainCatalogBase.CatalogInstantiatorBase catalog) =>
        Property(catalog, "Owner") is TrainCatalogBase owner && Property(owner, "Environment") is IHostEnvironment env ? env : new MLContext();

    private static object? Property(object target, string name)
    {
        for (var type = target.GetType(); type is not null; type = type.BaseType)
            if (type.GetProperty(name, Instance | BindingFlags.DeclaredOnly) is { } property)
                return property.GetValue(target);
        return null;
    }
}
