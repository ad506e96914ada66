namespace MLNet.Cnn.Transfer;

/// <summary>
/// Which blocks of the backbone transfer learning trains. The blocks are the top-level blocks kept by the cut
///; the new head is always trained.
/// <list type="bullet">
/// <item><see cref="FreezeAll"/>: the backbone stays as it is; its features are computed once and cached (unless an
/// augmentation must see the images every epoch), and only the head trains.</item>
/// <item><see cref="FreezeFirst"/>(k): the first k blocks stay as they are (run in inference mode, so batch-norm statistics
/// do not move either), the later blocks and the head are fine-tuned.</item>
/// <item><see cref="FineTuneAll"/>: every block and the head train.</item>
/// <item><see cref="Auto"/> (the default): chosen by the number of training images, see <see cref="Choose"/>.</item>
/// </list>
/// </summary>
public sealed record TransferPolicy
{
    /// <summary>Below this many training images <see cref="Auto"/> freezes the whole backbone.</summary>
    public const int FreezeAllBelow = 2_000;

    /// <summary>Below this many training images (and from <see cref="FreezeAllBelow"/>) <see cref="Auto"/> freezes the first half of the blocks.</summary>
    public const int FreezeHalfBelow = 20_000;

    private TransferPolicy(TransferPolicyKind kind, int frozenBlocks)
    {
        Kind = kind;
        FrozenBlocks = frozenBlocks;
    }

    /// <summary>Which of the policies this is.</summary>
    public TransferPolicyKind Kind { get; }

    /// <summary>The k of <see cref="FreezeFirst"/> (0 for the other kinds).</summary>
    public int FrozenBlocks { get; }

    /// <summary>Trains only the head; the backbone's features are computed once.</summary>
    public static TransferPolicy FreezeAll { get; } = new(TransferPolicyKind.FreezeAll, 0);
    /// <summary>Trains every block of the backbone and the head.</summary>
    public static TransferPolicy FineTuneAll { get; } = new(TransferPolicyKind.FineTuneAll, 0);
    /// <summary>Chooses by the number of training images (the default; see the type's summary).</summary>
    public static TransferPolicy Auto { get; } = new(TransferPolicyKind.Auto, 0);

    /// <summary>Freezes the first <paramref name="blocks"/> kept blocks and fine-tunes the rest.</summary>
    public static TransferPolicy FreezeFirst(int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blocks);
        return new(TransferPolicyKind.FreezeFirst, blocks);
    }

    /// <summary>
    /// The concrete policy <see cref="Auto"/> takes for <paramref name="trainingImages"/> images: fewer than
    /// <see cref="FreezeAllBelow"/> (2,000) → <see cref="FreezeAll"/>; fewer than <see cref="FreezeHalfBelow"/> (20,000) →
    /// <see cref="FreezeFirst"/> of half the kept blocks, rounded up; otherwise <see cref="FineTuneAll"/>. The reason
    /// (Yosinski et al. 2014, "How transferable are features in deep neural networks?"; the CS231n transfer-learning
    /// notes): with a few hundred images per class, fine-tuning millions of backbone weights over-fits and a classifier on
    /// fixed features generalizes better; with some thousands, the general early features are kept and the later,
    /// task-specific ones adapt; with tens of thousands the data can carry the whole network. A non-Auto policy is
    /// returned as it is.
    /// </summary>
    public TransferPolicy Choose(int trainingImages, int keptBlocks)
    {
        if (Kind != TransferPolicyKind.Auto) return this;
        if (trainingImages < FreezeAllBelow) return FreezeAll;
        if (trainingImages < FreezeHalfBelow) return FreezeFirst((keptBlocks + 1) / 2);
        return FineTuneAll;
    }

    /// <summary>How many of the <paramref name="keptBlocks"/> blocks stay frozen (not for <see cref="Auto"/>: <see cref="Choose"/> first).</summary>
    internal int FrozenCount(int keptBlocks) => Kind switch
    {
        TransferPolicyKind.FreezeAll => keptBlocks,
        TransferPolicyKind.FineTuneAll => 0,
        TransferPolicyKind.FreezeFirst when FrozenBlocks <= keptBlocks => FrozenBlocks,
        TransferPolicyKind.FreezeFirst => throw new ArgumentException(
            $"FreezeFirst({FrozenBlocks}) freezes more blocks than the cut keeps ({keptBlocks})."),
        _ => throw new InvalidOperationException("Auto is resolved by Choose before training."),
    };

    /// <inheritdoc/>
    public override string ToString() => Kind == TransferPolicyKind.FreezeFirst ? $"FreezeFirst({FrozenBlocks})" : Kind.ToString();
}

/// <summary>The kinds of <see cref="TransferPolicy"/>.</summary>
public enum TransferPolicyKind
{
    /// <summary>Chosen by the number of training images.</summary>
    Auto,
    /// <summary>The whole backbone frozen.</summary>
    FreezeAll,
    /// <summary>The first k blocks frozen.</summary>
    FreezeFirst,
    /// <summary>Nothing frozen.</summary>
    FineTuneAll,
}
