namespace MLNet.Cnn.Kernels;

/// <summary>
/// A count known when the JIT compiles a generic kernel: a register-blocked kernel written once for up to 12 rows of
/// accumulators tests <c>TCount.Value &gt; r</c> for each row, and each specialisation keeps only its live rows.
/// </summary>
internal interface IStaticCount
{
    static abstract int Value { get; }
}

internal struct Count1 : IStaticCount { public static int Value => 1; }
internal struct Count2 : IStaticCount { public static int Value => 2; }
internal struct Count3 : IStaticCount { public static int Value => 3; }
internal struct Count4 : IStaticCount { public static int Value => 4; }
internal struct Count5 : IStaticCount { public static int Value => 5; }
internal struct Count6 : IStaticCount { public static int Value => 6; }
internal struct Count7 : IStaticCount { public static int Value => 7; }
internal struct Count8 : IStaticCount { public static int Value => 8; }
internal struct Count9 : IStaticCount { public static int Value => 9; }
internal struct Count10 : IStaticCount { public static int Value => 10; }
internal struct Count11 : IStaticCount { public static int Value => 11; }
internal struct Count12 : IStaticCount { public static int Value => 12; }
