namespace MLNet.Cnn.Augment;

/// <summary>
/// Eigenvalues and eigenvectors of a small symmetric matrix by the cyclic Jacobi method (Golub and Van Loan, §8.5):
/// sweep over the off-diagonal entries (p, q) and zero each by a plane rotation J, A ← Jᵀ A J, accumulating V ← V J,
/// until the off-diagonal mass is negligible; then A = V Λ Vᵀ with Λ on the diagonal. Meant for channel covariances
/// (3×3, 1×1): every rotation updates whole rows and columns, O(n) each, which is fine for small n.
/// </summary>
internal static class SymmetricEigen
{
    private const int MaxSweeps = 100;

    /// <summary>Eigenvalues in descending order, and the unit eigenvectors as the columns of Vectors (column k belongs to Values[k]).</summary>
    public static (double[] Values, double[,] Vectors) Decompose(double[,] symmetric)
    {
        int n = symmetric.GetLength(0);
        if (symmetric.GetLength(1) != n)
            throw new ArgumentException($"A symmetric matrix is square; this one is {n}×{symmetric.GetLength(1)}.", nameof(symmetric));
        var a = (double[,])symmetric.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;

        double scale = 0;
        foreach (double x in a) scale += x * x;
        for (int sweep = 0; sweep < MaxSweeps && OffDiagonalSquares(a) > 1e-30 * scale; sweep++)
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                    if (a[p, q] != 0) Rotate(a, v, p, q);

        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i, i];
        var order = Enumerable.Range(0, n).OrderByDescending(i => values[i]).ToArray();
        var sortedVectors = new double[n, n];
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++) sortedVectors[i, k] = v[i, order[k]];
        return (order.Select(i => values[i]).ToArray(), sortedVectors);
    }

    /// <summary>
    /// Zeros a[p, q] with the rotation J = [[c, s], [−s, c]] in the (p, q) plane. With θ = (a_qq − a_pp) / (2 a_pq),
    /// t = s / c is the smaller root of t² + 2θt − 1 = 0, t = sign(θ) / (|θ| + √(θ² + 1)) (the smaller angle keeps
    /// the sweep stable), c = 1 / √(t² + 1), s = t·c.
    /// </summary>
    private static void Rotate(double[,] a, double[,] v, int p, int q)
    {
        int n = a.GetLength(0);
        double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
        double t = (theta >= 0 ? 1 : -1) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; k++) // A ← A J and V ← V J: columns p and q
        {
            (a[k, p], a[k, q]) = (c * a[k, p] - s * a[k, q], s * a[k, p] + c * a[k, q]);
            (v[k, p], v[k, q]) = (c * v[k, p] - s * v[k, q], s * v[k, p] + c * v[k, q]);
        }
        for (int k = 0; k < n; k++) // A ← Jᵀ A: rows p and q
            (a[p, k], a[q, k]) = (c * a[p, k] - s * a[q, k], s * a[p, k] + c * a[q, k]);
        (a[p, q], a[q, p]) = (0, 0); // zero by construction; set exactly so rounding leaves no residue
    }

    private static double OffDiagonalSquares(double[,] a)
    {
        double sum = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                if (i != j) sum += a[i, j] * a[i, j];
        return sum;
    }
}
