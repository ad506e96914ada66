using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

internal static class SchemaShapes
{
    /// <summary>The shape of a schema, as ML.NET's own callers of GetOutputSchema make it: SchemaShape.Create is internal in ML.NET 5, so a test reflects.</summary>
    public static SchemaShape Of(DataViewSchema schema)
    {
        var create = typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])!;
        return (SchemaShape)create.Invoke(null, [schema])!;
    }
}
