using System.Collections.Concurrent;
using Microsoft.ML;
using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Transforms;

/// <summary>
/// How an augmentation step in a pipeline reaches the CNN trainer further down. ML.NET hands a trainer only the data
/// view, and the view's lineage is not public; columns, though, flow through every later transform. So the augmentation
/// step adds a marker column named <see cref="Prefix"/> + a unique id, and the policy is registered in this process
/// under that name; the trainer finds the column in its input schema and applies the policy in its own loop (a fresh
/// draw per sample and epoch). The marker column is a plain copy made by ML.NET's CopyColumns: it saves and loads with
/// the model and has no effect on scoring.
/// </summary>
public static class AugmentationMarker
{
    public const string Prefix = "CnnAugmentation.";

    private static readonly ConcurrentDictionary<string, IAugmentation> Policies = new();

    /// <summary>Registers the policy and returns the marker column's name.</summary>
    public static string Register(IAugmentation policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        string name = Prefix + Guid.NewGuid().ToString("N");
        Policies[name] = policy;
        return name;
    }

    /// <summary>The policies of the marker columns in <paramref name="schema"/>, in column order.</summary>
    public static IReadOnlyList<IAugmentation> Find(DataViewSchema schema)
    {
        var found = new List<IAugmentation>();
        foreach (var column in schema)
        {
            if (!column.Name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            if (!Policies.TryGetValue(column.Name, out var policy))
                throw new InvalidOperationException($"The column '{column.Name}' marks an augmentation step that was not fitted in this process " +
                    "(a loaded model?); fit the augmentation estimator again before training.");
            found.Add(policy);
        }
        return found;
    }
}
