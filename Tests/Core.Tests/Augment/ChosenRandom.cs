namespace MLNet.Cnn.Tests.Augment;

/// <summary>
/// A Random whose draws u are the given values in turn (then the last one again): NextDouble returns u and Next(n)
/// returns ⌊u·n⌋ (a derived Random routes both through Sample). Chooses an op's parameters in a test.
/// </summary>
public sealed class ChosenRandom(params double[] draws) : Random
{
    private int _next;

    protected override double Sample() => draws[Math.Min(_next++, draws.Length - 1)];
}
