using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Transforms;

/// <summary>
/// How an augmentation step in a pipeline reaches the CNN trainer further down. ML.NET hands a trainer only the data
/// view, and the view's lineage is not public; columns and their annotations, though, flow through every later
/// transform. So the fitted augmentation step adds a marker column (named <see cref="Prefix"/> + a number) whose
/// annotation <see cref="Kind"/> holds the policy object itself: the policy lives exactly as long as the data views that
/// carry it (no registry). The trainer finds the annotations in its input schema and applies the policies in its own loop.
/// </summary>
public static class AugmentationAnnotation
{
    /// <summary>The start of every marker column's name; the step's number follows ("CnnAugmentation.1", "CnnAugmentation.2", …).</summary>
    public const string Prefix = "CnnAugmentation.";

    /// <summary>The annotation kind of a marker column whose value is the <see cref="IAugmentation"/> policy.</summary>
    public const string Kind = "MLNet.Cnn.AugmentationPolicy";

    /// <summary>
    /// The policies of the marker columns in <paramref name="schema"/>, in column order (hidden columns too: a later
    /// step of the same name does not drop an earlier step's policy). A marker column without its policy — from a loaded
    /// model, whose saved steps keep the column but cannot keep an object — is refused with its name.
    /// </summary>
    public static IReadOnlyList<IAugmentation> Find(DataViewSchema schema)
    {
        var found = new List<IAugmentation>();
        foreach (var column in schema)
        {
            if (!column.Name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            if (column.Annotations.Schema.GetColumnOrNull(Kind) is not { Type: PolicyType })
                throw new InvalidOperationException($"The column '{column.Name}' marks an augmentation step whose policy is not in this data " +
                    "(a loaded model keeps the column but not the policy); fit the augmentation estimator again before training.");
            IAugmentation policy = null!;
            column.Annotations.GetValue(Kind, ref policy);
            found.Add(policy);
        }
        return found;
    }

    /// <summary>The name of the next marker column for a schema: one more than the markers already in it.</summary>
    internal static string NextMarker(DataViewSchema schema) => Prefix + (schema.Count(c => c.Name.StartsWith(Prefix, StringComparison.Ordinal)) + 1);

    /// <summary><paramref name="data"/> with <paramref name="policy"/> annotated on its column <paramref name="marker"/>.</summary>
    internal static IDataView Annotate(IDataView data, string marker, IAugmentation policy) =>
        new AnnotatedDataView(data, data.Schema[marker].Index, Annotations(policy));

    /// <summary><paramref name="schema"/> with <paramref name="policy"/> annotated on its column <paramref name="marker"/>.</summary>
    internal static DataViewSchema Annotate(DataViewSchema schema, string marker, IAugmentation policy) =>
        AnnotatedDataView.Annotated(schema, schema[marker].Index, Annotations(policy));

    private static DataViewSchema.Annotations Annotations(IAugmentation policy)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(Kind, PolicyType.Instance, (ref IAugmentation value) => value = policy);
        return builder.ToAnnotations();
    }

    /// <summary>The annotation's type: its values are policy objects (never stored in a file or a column).</summary>
    private sealed class PolicyType : StructuredDataViewType
    {
        public static readonly PolicyType Instance = new();
        private PolicyType() : base(typeof(IAugmentation)) { }
        public override bool Equals(DataViewType? other) => other is PolicyType;
        public override bool Equals(object? other) => other is PolicyType;
        public override int GetHashCode() => typeof(PolicyType).GetHashCode();
        public override string ToString() => "AugmentationPolicy";
    }
}
