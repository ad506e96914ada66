using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Class index → the label's key, with built-in steps only. OnnxTransformer writes every tensor output as a vector (its
/// getter for a rank-0 output expects an ONNX sequence of maps and fails), so the index arrives as an int64 vector of one
/// slot. Hash with <c>combine</c> (the one built-in transform that turns a vector into a scalar), ConvertType to uint,
/// and MapValue(hash of class i → key value i, treatValuesAsKeyType) make it a key with the label's key values in the
/// label's order; without key values, class i maps to key i + 1. A vector of class indices (<see cref="VectorEstimator"/>:
/// detections, pixels) needs no hash, but MapValue's treatValuesAsKeyType gives a vector column plain uints (with key values
/// that do not match its type, which MapKeyToValue then refuses; ML.NET 5), so there MapValue maps each int64 index i to
/// key value i and MapValueToKey, given the key values in order as its terms, makes them keys.
/// </summary>
internal sealed class ClassIndexToKey(MLContext ml, string column, DataViewType? keyValuesType, Array? keyValues, int classes)
{
    private const uint HashSeed = 314489979;

    /// <summary>The class index of a one-slot int64 vector → a scalar key.</summary>
    public IEstimator<ITransformer> Estimator() => IndexToHash().Append(KeyMap(IndexHashes()));

    /// <summary>A vector of int64 class indices (what ONNX's ArgMax gives) → a vector of keys of the same length.</summary>
    public IEstimator<ITransformer> VectorEstimator()
    {
        var indices = Enumerable.Range(0, classes).Select(i => (long)i).ToArray();
        if (keyValuesType is null || keyValues is null) return ValuesToKeys(indices, Enumerable.Range(1, classes).Select(i => (uint)i).ToArray());
        if (keyValues is string[] text) return ValuesToKeys(indices, text);
        return (IEstimator<ITransformer>)typeof(ClassIndexToKey).GetMethod(nameof(ValuesToKeys), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(keyValuesType.RawType).Invoke(this, [indices, keyValues])!;
    }

    private IEstimator<ITransformer> ValuesToKeys<T>(long[] indices, T[] values)
    {
        var terms = ml.Data.LoadFromEnumerable(values.Select(v => new Term<T> { Value = v }));
        return ml.Transforms.Conversion.MapValue(column, values.Select((v, i) => new KeyValuePair<long, T>(indices[i], v)), column)
            .Append(ml.Transforms.Conversion.MapValueToKey(column, column, keyData: terms));
    }

    private sealed class Term<T>
    {
        public T Value { get; set; } = default!;
    }

    /// <summary>MapValue from <paramref name="inputs"/>[i] to class i's key value, as a key.</summary>
    private IEstimator<ITransformer> KeyMap(uint[] inputs)
    {
        if (keyValuesType is null || keyValues is null) return Map(inputs, Enumerable.Range(1, classes).Select(i => (uint)i).ToArray());
        if (keyValues is string[] text) return Map(inputs, text);
        return (IEstimator<ITransformer>)typeof(ClassIndexToKey).GetMethod(nameof(Map), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(keyValuesType.RawType).Invoke(this, [inputs, keyValues])!;
    }

    private IEstimator<ITransformer> IndexToHash() =>
        ml.Transforms.Conversion.Hash(new Microsoft.ML.Transforms.HashingEstimator.ColumnOptions(
                column, column, numberOfBits: 31, seed: HashSeed, useOrderedHashing: false, maximumNumberOfInverts: 0, combine: true))
            .Append(ml.Transforms.Conversion.ConvertType(column, column, DataKind.UInt32));

    /// <summary>The value <see cref="IndexToHash"/> gives for each class index, computed by running it; they must differ.</summary>
    private uint[] IndexHashes()
    {
        var schema = SchemaDefinition.Create(typeof(IndexRow));
        schema[0].ColumnName = column;
        var rows = ml.Data.LoadFromEnumerable(Enumerable.Range(0, classes).Select(i => new IndexRow { Index = [i] }), schema);
        var hashes = IndexToHash().Fit(rows).Transform(rows).GetColumn<uint>(column).ToArray();
        if (hashes.Distinct().Count() != classes)
            throw new InvalidOperationException($"Two of the {classes} class indices hash to the same value; the class index cannot be mapped to keys.");
        return hashes;
    }

    private sealed class IndexRow
    {
        [VectorType(1)] public long[] Index { get; set; } = [];
    }

    private IEstimator<ITransformer> Map<T>(uint[] inputs, T[] values) =>
        ml.Transforms.Conversion.MapValue(column, values.Select((v, i) => new KeyValuePair<uint, T>(inputs[i], v)), column, treatValuesAsKeyType: true);
}
