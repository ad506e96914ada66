using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class SymmetricEigenTests
{
    /// <summary>V Λ Vᵀ = A and Vᵀ V = I, within 1e-9.</summary>
    private static void AssertDecomposes(double[,] a, double[] values, double[,] vectors)
    {
        int n = values.Length;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double reconstructed = 0, gram = 0;
                for (int k = 0; k < n; k++)
                {
                    reconstructed += vectors[i, k] * values[k] * vectors[j, k];
                    gram += vectors[k, i] * vectors[k, j];
                }
                Assert.AreEqual(a[i, j], reconstructed, 1e-9, $"(V Λ Vᵀ)[{i}, {j}]");
                Assert.AreEqual(i == j ? 1 : 0, gram, 1e-9, $"(Vᵀ V)[{i}, {j}]");
            }
        for (int k = 1; k < n; k++) Assert.IsTrue(values[k - 1] >= values[k], "eigenvalues in descending order");
    }

    [TestMethod]
    public void ADiagonalMatrixIsItsOwnDecomposition()
    {
        var a = new double[,] { { 1, 0, 0 }, { 0, 3, 0 }, { 0, 0, 2 } };
        var (values, vectors) = SymmetricEigen.Decompose(a);
        CollectionAssert.AreEqual(new double[] { 3, 2, 1 }, values);
        Assert.AreEqual(1, Math.Abs(vectors[1, 0]), "the eigenvector of 3 is e₂");
        AssertDecomposes(a, values, vectors);
    }

    [TestMethod]
    public void AKnownThreeByThree()
    {
        // eigenvalues 5 (e₃), 3 ((1, 1, 0)/√2), 1 ((1, −1, 0)/√2)
        var a = new double[,] { { 2, 1, 0 }, { 1, 2, 0 }, { 0, 0, 5 } };
        var (values, vectors) = SymmetricEigen.Decompose(a);
        Support.Approx.AssertClose([5.0, 3, 1], values, 1e-12, "eigenvalues");
        double r = 1 / Math.Sqrt(2);
        Assert.AreEqual(1, Math.Abs(vectors[2, 0]), 1e-12);
        Assert.AreEqual(r, Math.Abs(vectors[0, 1]), 1e-12);
        Assert.AreEqual(vectors[0, 1], vectors[1, 1], 1e-12, "(1, 1, 0) up to sign");
        Assert.AreEqual(vectors[0, 2], -vectors[1, 2], 1e-12, "(1, −1, 0) up to sign");
        AssertDecomposes(a, values, vectors);
    }

    [TestMethod]
    public void RandomSymmetricMatricesAreReconstructed()
    {
        foreach (int n in new[] { 1, 2, 3, 5, 8 })
        {
            var random = new Random(n);
            var a = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j <= i; j++) a[i, j] = a[j, i] = random.NextDouble() * 2 - 1;
            var (values, vectors) = SymmetricEigen.Decompose(a);
            AssertDecomposes(a, values, vectors);
        }
    }

    [TestMethod]
    public void RepeatedEigenvaluesAndTheZeroMatrix()
    {
        var identity = new double[,] { { 2, 0 }, { 0, 2 } };
        var (values, vectors) = SymmetricEigen.Decompose(identity);
        AssertDecomposes(identity, values, vectors);
        var zero = new double[3, 3];
        (values, vectors) = SymmetricEigen.Decompose(zero);
        AssertDecomposes(zero, values, vectors);
    }
}
