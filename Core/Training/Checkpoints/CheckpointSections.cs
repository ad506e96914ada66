using System.Runtime.InteropServices;
using System.Text;

namespace MLNet.Cnn.Training;

/// <summary>
/// The sections of a <see cref="CheckpointFile"/>, in this order, each a 4-letter tag and then its values:
/// <code>
/// "FING"  the fingerprint lines
/// "POSN"  epoch, batch, step; the epoch under way (first step, images, loss sum, metric sum, time); images seen; time
/// "HIST"  the epoch rows; best loss, best epoch, epochs since improvement
/// "PLAN"  steps per epoch, total steps, time-limited; the second planning step; the epochs before the schedule was built
/// "OPTM"  learning rate, steps; per parameter: present, then its steps and slots
/// "WGHT"  weights, last good, best: each −2 (none), −1 and its tensors, or the index of an equal one before it
/// "PRUN"  present, then the masks
/// "DRAW"  the draw counts
/// </code>
/// Numbers are little-endian (<see cref="BinaryWriter"/>), a string length-prefixed UTF-8, a nullable value a presence
/// byte and the value, an array its length and its elements, a float array its length and raw float32 values.
/// </summary>
internal static class CheckpointSections
{
    public static void Write(BinaryWriter w, Checkpoint c)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Checkpoints are written on little-endian machines.");
        Tag(w, "FING");
        Array(w, c.Fingerprint, w.Write);
        Tag(w, "POSN");
        w.Write(c.Position.Epoch); w.Write(c.Position.Batch); w.Write(c.Position.Step);
        var u = c.UnderWay;
        w.Write(u.FirstStep); w.Write(u.Seen); w.Write(u.LossSum); w.Write(u.MetricSum); w.Write(u.Elapsed.Ticks);
        w.Write(c.ImagesSeen); w.Write(c.Elapsed.Ticks);
        Tag(w, "HIST");
        Array(w, c.Epochs, e => WriteEpoch(w, e));
        w.Write(c.BestLoss); Optional(w, c.BestEpoch, w.Write); w.Write(c.SinceImprovement);
        Tag(w, "PLAN");
        w.Write(c.Plan.StepsPerEpoch); w.Write(c.Plan.TotalSteps); w.Write(c.Plan.TimeLimited); w.Write(c.ReplanAt); w.Write(c.ScheduleFrom);
        Tag(w, "OPTM");
        w.Write(c.LearningRate); w.Write(c.OptimizerSteps);
        Array(w, c.OptimizerState, p => Optional(w, p, s => { w.Write(s.Steps); Tensors(w, s.Slots); }));
        Tag(w, "WGHT");
        Snapshots(w, [c.Weights, c.LastGood, c.Best]);
        Tag(w, "PRUN");
        Optional(w, c.PruningMasks, masks => Array(w, masks, mask => { w.Write(mask.Length); w.Write(mask); }));
        Tag(w, "DRAW");
        Array(w, c.Draws, w.Write);
    }

    /// <summary>The sections, read up to <paramref name="end"/> (where the checksum starts); counts beyond it are refused before anything is allocated.</summary>
    public static Checkpoint Read(BinaryReader reader, long end)
    {
        var r = new Reader(reader, end);
        r.Tag("FING");
        var fingerprint = r.Array(reader.ReadString);
        r.Tag("POSN");
        var position = new CheckpointPosition(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
        var underWay = new EpochUnderWay(reader.ReadInt32(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble(), new TimeSpan(reader.ReadInt64()));
        long imagesSeen = reader.ReadInt64();
        var elapsed = new TimeSpan(reader.ReadInt64());
        r.Tag("HIST");
        var epochs = r.Array(() => ReadEpoch(r));
        double bestLoss = reader.ReadDouble();
        int? bestEpoch = r.OptionalValue(reader.ReadInt32);
        int sinceImprovement = reader.ReadInt32();
        r.Tag("PLAN");
        var plan = new TrainingPlan(reader.ReadInt32(), reader.ReadInt32(), reader.ReadBoolean());
        int replanAt = reader.ReadInt32(), scheduleFrom = reader.ReadInt32();
        r.Tag("OPTM");
        float learningRate = reader.ReadSingle();
        int optimizerSteps = reader.ReadInt32();
        var optimizerState = r.Array(() => r.Optional(() =>
        {
            int steps = reader.ReadInt32();
            return new ParameterState(r.Array(r.Floats)) { Steps = steps };
        }));
        r.Tag("WGHT");
        var (weights, lastGood, best) = r.Snapshots();
        r.Tag("PRUN");
        var masks = r.Optional(() => r.Array(r.Bytes));
        r.Tag("DRAW");
        var draws = r.Array(reader.ReadInt32);
        if (position.Epoch != epochs.Length)
            throw new FormatException($"its position is after epoch {position.Epoch} but it holds the rows of {epochs.Length} epochs.");
        return new Checkpoint
        {
            Fingerprint = fingerprint, Position = position, UnderWay = underWay, ImagesSeen = imagesSeen, Elapsed = elapsed,
            Epochs = epochs, BestLoss = bestLoss, BestEpoch = bestEpoch, SinceImprovement = sinceImprovement,
            Plan = plan, ReplanAt = replanAt, ScheduleFrom = scheduleFrom,
            LearningRate = learningRate, OptimizerSteps = optimizerSteps, OptimizerState = optimizerState,
            Weights = weights, LastGood = lastGood, Best = best, PruningMasks = masks, Draws = draws,
        };
    }

    private static void Tag(BinaryWriter w, string tag) => w.Write(Encoding.ASCII.GetBytes(tag));

    private static void Array<T>(BinaryWriter w, IReadOnlyCollection<T> items, Action<T> write)
    {
        w.Write(items.Count);
        foreach (var item in items) write(item);
    }

    private static void Optional<T>(BinaryWriter w, T? value, Action<T> write) where T : class
    {
        w.Write(value is not null);
        if (value is not null) write(value);
    }

    private static void Optional<T>(BinaryWriter w, T? value, Action<T> write) where T : struct
    {
        w.Write(value.HasValue);
        if (value is { } v) write(v);
    }

    private static void Tensors(BinaryWriter w, float[][] tensors) =>
        Array(w, tensors, values => { w.Write(values.Length); w.Write(MemoryMarshal.AsBytes(values.AsSpan())); });

    private static void WriteEpoch(BinaryWriter w, EpochResult e)
    {
        w.Write(e.Epoch); w.Write(e.Loss); Optional(w, e.Accuracy, w.Write); Optional(w, e.MeanAbsoluteError, w.Write);
        Optional(w, e.ValidationLoss, w.Write); Optional(w, e.ValidationAccuracy, w.Write); Optional(w, e.ValidationMeanAbsoluteError, w.Write);
        w.Write(e.ImagesPerSecond); w.Write(e.Duration.Ticks); Optional(w, e.Sparsity, w.Write);
    }

    private static EpochResult ReadEpoch(Reader r)
    {
        var b = r.Binary;
        return new EpochResult(b.ReadInt32(), b.ReadDouble(), r.OptionalValue(b.ReadDouble), r.OptionalValue(b.ReadDouble),
            r.OptionalValue(b.ReadDouble), r.OptionalValue(b.ReadDouble), r.OptionalValue(b.ReadDouble),
            b.ReadDouble(), new TimeSpan(b.ReadInt64()), r.OptionalValue(b.ReadDouble));
    }

    /// <summary>
    /// Each snapshot whole, or the index of an earlier one with the same bits: at an epoch's end the last good weights are the
    /// weights, and the best are often the last good, so a checkpoint is seldom more than one copy of the network.
    /// </summary>
    private static void Snapshots(BinaryWriter w, List<float[][]?> snapshots)
    {
        for (int i = 0; i < snapshots.Count; i++)
        {
            if (snapshots[i] is not { } snapshot) { w.Write(-2); continue; }
            int same = snapshots.FindIndex(0, i, earlier => earlier is not null && SameBits(earlier, snapshot));
            w.Write(same);
            if (same < 0) Tensors(w, snapshot);
        }
    }

    /// <summary>Bit for bit, so that −0 and +0 (and NaNs) are not taken for each other.</summary>
    private static bool SameBits(float[][] a, float[][] b) =>
        a.Length == b.Length && a.Zip(b).All(p => MemoryMarshal.AsBytes(p.First.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(p.Second.AsSpan())));

    /// <summary>Reads values and refuses a count that cannot fit in what is left of the file, before allocating for it.</summary>
    private sealed class Reader(BinaryReader binary, long end)
    {
        public BinaryReader Binary => binary;

        private long Left => end - binary.BaseStream.Position;

        public void Tag(string expected)
        {
            string tag = Encoding.ASCII.GetString(binary.ReadBytes(expected.Length));
            if (tag != expected) throw new FormatException($"section '{expected}' was expected where '{tag}' stands.");
        }

        /// <summary>A count of elements of at least <paramref name="bytesEach"/> bytes.</summary>
        private int Count(int bytesEach)
        {
            int count = binary.ReadInt32();
            if (count < 0 || (long)count * bytesEach > Left)
                throw new FormatException($"a count of {count} does not fit in the {Left} bytes left.");
            return count;
        }

        public T[] Array<T>(Func<T> read)
        {
            var items = new T[Count(1)];
            for (int i = 0; i < items.Length; i++) items[i] = read();
            return items;
        }

        public T? Optional<T>(Func<T> read) where T : class => binary.ReadBoolean() ? read() : null;

        public T? OptionalValue<T>(Func<T> read) where T : struct => binary.ReadBoolean() ? read() : null;

        public byte[] Bytes() => binary.ReadBytes(Count(1));

        public float[] Floats()
        {
            var values = new float[Count(sizeof(float))];
            binary.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }

        public (float[][] Weights, float[][] LastGood, float[][]? Best) Snapshots()
        {
            var snapshots = new List<float[][]?>();
            for (int i = 0; i < 3; i++)
            {
                int same = binary.ReadInt32();
                snapshots.Add(same switch
                {
                    -2 => null,
                    -1 => Array(Floats),
                    _ when same >= 0 && same < i => snapshots[same],
                    _ => throw new FormatException($"snapshot {i} refers to snapshot {same}."),
                });
            }
            return (snapshots[0] ?? throw new FormatException("it holds no weights."),
                snapshots[1] ?? throw new FormatException("it holds no last good weights."), snapshots[2]);
        }
    }
}
