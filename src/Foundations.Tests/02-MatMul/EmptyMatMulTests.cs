namespace Foundations.Tests;

/// <summary>Every matmul version agrees on empty products: m = 0 or n = 0 give an empty result, k = 0 gives zeros.</summary>
public sealed class EmptyMatMulTests
{
    public static TheoryData<string, int, int, int> EmptyShapes()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var version in MatMulTests.Versions.Keys)
            foreach (var (m, k, n) in new[] { (3, 4, 0), (0, 4, 3), (0, 4, 0), (3, 0, 4), (0, 0, 0), (17, 0, 33) })
                data.Add(version, m, k, n);
        return data;
    }

    [Theory]
    [MemberData(nameof(EmptyShapes))]
    public void EveryVersion_GivesAnEmptyResultOrZeros(string version, int m, int k, int n)
    {
        var a = Tensor.Ones(m, k);
        var b = Tensor.Ones(k, n);

        var c = MatMulTests.Versions[version](a, b);

        Assert.Equal([m, n], c.Shape);
        Assert.All(c.ToArray(), v => Assert.Equal(0f, v));
    }
}
