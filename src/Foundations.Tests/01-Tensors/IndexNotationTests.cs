using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Chapter 3's index notation: a product written as <c>ik,kj->ij</c> is a broadcast multiplication
/// over the axes i, k, j followed by a sum over k; and PyTorch's <c>x[None]</c>, <c>x[:, None]</c>,
/// <c>x[..., None]</c> and <c>...</c> indexing, spelled with Unsqueeze, Select and Slice.
/// </summary>
public sealed class IndexNotationTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 7, 3)]
    [InlineData(4, 33, 10)]
    public void BroadcastThenSumOverK_IsTheMatMul(int m, int k, int n)
    {
        var random = new Random(m * 100 + k * 10 + n);
        var a = RandomTensor(random, m, k);
        var b = RandomTensor(random, k, n);

        var products = a.Unsqueeze(-1) * b.Unsqueeze(0);   // ik,kj->ij on axes (i, k, j)
        var viaRowsOfB = (a.Unsqueeze(1) * b.T().Unsqueeze(0)).Sum(-1);   // ik,jk->ij with B stored as (j, k)

        Assert.Equal([m, k, n], products.Shape);
        Assert.Equal((float)((double)a[m - 1, k - 1] * b[k - 1, n - 1]), products[m - 1, k - 1, n - 1]);
        AssertClose(ToDoubles(products.Sum(1)), ReferenceMatMul(a, b), 1e-5, 1e-5, "ik,kj->ij");
        AssertClose(ToDoubles(viaRowsOfB), ReferenceMatMul(a, b), 1e-5, 1e-5, "ik,jk->ij");
    }

    [Fact]
    public void RowDots_IkIkToI_AreSquaredNorms()
    {
        var a = RandomTensor(new Random(3), 4, 6);

        var dots = (a * a).Sum(1);

        for (int i = 0; i < 4; i++) Assert.Equal(Math.Pow(a[i].Norm().Item(), 2), dots[i].Item(), 1e-5);
    }

    [Fact]
    public void PyTorchIndexing_HasTheSameShapesAndValues()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);   // x[a, b, c] = 12a + 4b + c

        Assert.Equal([1, 2, 3, 4], x.Unsqueeze(0).Shape);    // x[None]
        Assert.Equal([2, 1, 3, 4], x.Unsqueeze(1).Shape);    // x[:, None]
        Assert.Equal([2, 3, 4, 1], x.Unsqueeze(-1).Shape);   // x[..., None]
        Assert.Equal([3, 4], x[^1].Shape);                   // x[-1]
        Assert.Equal([2, 4], x.Select(1, 2).Shape);          // x[:, 2]
        Assert.Equal([2, 3], x.Select(-1, 0).Shape);         // x[..., 0]
        Assert.Equal([2, 3, 2], x.Slice(-1, 1..3).Shape);    // x[..., 1:3]
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 3; b++)
            {
                Assert.Equal(12 * a + 4 * b, x.Unsqueeze(0)[0, a, b, 0]);
                Assert.Equal(12 * a + 4 * b, x.Unsqueeze(1)[a, 0, b, 0]);
                Assert.Equal(12 * a + 4 * b, x.Unsqueeze(-1)[a, b, 0, 0]);
                Assert.Equal(12 * a + 4 * b, x.Select(-1, 0)[a, b]);
                Assert.Equal(12 * a + 4 * b + 2, x.Slice(-1, 1..3)[a, b, 1]);
                Assert.Equal(12 + 4 * b, x[^1][b, 0]);
            }
        Assert.Equal(new float[] { 8, 9, 10, 11, 20, 21, 22, 23 }, x.Select(1, 2).ToArray());
    }
}
