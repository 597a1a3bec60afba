using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>Reductions over everything and along one dim, against loops in double precision.</summary>
public sealed class ReductionTests
{
    private static Tensor Cube() => Tensor.Arange(24).Reshape(2, 3, 4);

    [Fact]
    public void SumAndMean_OverAll_AreZeroDimensional()
    {
        var t = Cube();

        Assert.Equal(0, t.Sum().Rank);
        Assert.Equal(276f, t.Sum().Item());
        Assert.Equal(11.5f, t.Mean().Item());
    }

    [Theory]
    [InlineData(0, false, new[] { 3, 4 })]
    [InlineData(1, false, new[] { 2, 4 })]
    [InlineData(2, false, new[] { 2, 3 })]
    [InlineData(-1, false, new[] { 2, 3 })]
    [InlineData(0, true, new[] { 1, 3, 4 })]
    [InlineData(1, true, new[] { 2, 1, 4 })]
    [InlineData(-1, true, new[] { 2, 3, 1 })]
    public void ReductionsAlongADim_HaveTheExpectedShape(int dim, bool keepDim, int[] shape)
    {
        var t = Cube();

        Assert.Equal(shape, t.Sum(dim, keepDim).Shape);
        Assert.Equal(shape, t.Mean(dim, keepDim).Shape);
        Assert.Equal(shape, t.Std(dim, keepDim).Shape);
        Assert.Equal(shape, t.Max(dim, keepDim).Shape);
        Assert.Equal(shape, t.Min(dim, keepDim).Shape);
        Assert.Equal(shape, t.ArgMax(dim, keepDim).Shape);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void ReductionsAlongADim_MatchDoubleLoops(int dim)
    {
        var random = new Random(dim);
        var t = RandomTensor(random, 3, 4, 5);
        var shape = t.Shape;
        var outShape = shape.Where((_, d) => d != dim).ToArray();

        var sum = t.Sum(dim);
        var mean = t.Mean(dim);
        var std = t.Std(dim);
        var max = t.Max(dim);
        var min = t.Min(dim);
        var argmax = t.ArgMax(dim);

        foreach (var index in Indices(outShape))
        {
            var line = Enumerable.Range(0, shape[dim])
                .Select(k => (double)t.GetValue([.. index[..dim], k, .. index[dim..]])).ToArray();
            double m = line.Average();
            double s = Math.Sqrt(line.Sum(v => (v - m) * (v - m)) / (line.Length - 1));
            string at = $"dim {dim} at ({string.Join(", ", index)})";
            Assert.Equal(line.Sum(), sum.GetValue(index), 1e-5);
            Assert.Equal(m, mean.GetValue(index), 1e-6);
            Assert.Equal(s, std.GetValue(index), 1e-6);
            Assert.True(line.Max() == max.GetValue(index), at);
            Assert.True(line.Min() == min.GetValue(index), at);
            Assert.True(Array.IndexOf(line, line.Max()) == argmax.GetValue(index), at);
        }
    }

    [Fact]
    public void ReductionsOfATransposedView_MatchTheContiguousCopy()
    {
        var random = new Random(12);
        var t = RandomTensor(random, 6, 4).T();

        Assert.Equal(t.Contiguous().Sum(1).ToArray(), t.Sum(1).ToArray());
        Assert.Equal(t.Contiguous().Max(0).ToArray(), t.Max(0).ToArray());
        Assert.Equal(t.Contiguous().ArgMax().Item(), t.ArgMax().Item());
        Assert.Equal(t.Contiguous().Std().Item(), t.Std().Item());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(50)]
    [InlineData(133)]
    public void SumAndMean_OverAnInnerDim_EqualDoubleLoopsToTheBit(int inner)
    {
        var x = new Generator(7).Normal([3, 37, inner]) * 100f;
        var expectedSum = new float[3 * inner];
        var expectedMean = new float[3 * inner];
        for (int o = 0; o < 3; o++)
            for (int i = 0; i < inner; i++)
            {
                double sum = 0;
                for (int k = 0; k < 37; k++) sum += x[o, k, i];
                expectedSum[o * inner + i] = (float)sum;
                expectedMean[o * inner + i] = (float)(sum / 37);
            }

        Assert.Equal(expectedSum, x.Sum(1).ToArray());
        Assert.Equal(expectedMean, x.Mean(1).ToArray());
    }

    [Fact]
    public void ArgMax_OnTies_GivesTheFirstIndex()
    {
        var t = Tensor.From(1f, 5f, 2f, 5f);

        Assert.Equal(1f, t.ArgMax().Item());
        Assert.Equal(new float[] { 1, 0 }, Tensor.From(new float[,] { { 0, 3, 3 }, { 7, 7, 1 } }).ArgMax(1).ToArray());
    }

    [Fact]
    public void ArgMax_OverAll_IsTheFlatRowMajorIndex()
    {
        var t = Tensor.Zeros(3, 4);
        t[2, 1] = 10;

        Assert.Equal(9f, t.ArgMax().Item());
        Assert.Equal(9f, t.T().Contiguous().T().ArgMax().Item());
    }

    [Fact]
    public void MaxAndMin_PropagateNaN()
    {
        var t = Tensor.From(1f, float.NaN, 3f);

        Assert.True(float.IsNaN(t.Max().Item()));
        Assert.True(float.IsNaN(t.Min().Item()));
        Assert.Equal(1f, t.ArgMax().Item());
    }

    [Fact]
    public void Std_IsUnbiased()
    {
        var t = Tensor.From(2f, 4f, 4f, 4f, 5f, 5f, 7f, 9f);

        Assert.Equal(Math.Sqrt(32.0 / 7), t.Std().Item(), 1e-6);
    }

    [Fact]
    public void Std_OfOneElement_IsNaNAsInPyTorch()
    {
        Assert.True(float.IsNaN(Tensor.From(3f).Std().Item()));
        Assert.All(Tensor.Zeros(1, 3).Std(0).ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Sum_OfAnEmptyTensor_IsZero()
    {
        Assert.Equal(0f, Tensor.Zeros(0).Sum().Item());
        Assert.Equal(new float[] { 0, 0, 0 }, Tensor.Zeros(0, 3).Sum(0).ToArray());
    }

    [Fact]
    public void SumAndMean_OfManyElements_AccumulateInDouble()
    {
        // A float accumulator loses 0.1 per step once the sum passes 2^21; a double one does not.
        var t = Tensor.Full(0.1f, 10_000_000);

        Assert.Equal(10_000_000 * (double)0.1f, t.Sum().Item(), 1.0);
        Assert.Equal(0.1f, t.Mean().Item(), 1e-6f);
    }

    [Fact]
    public void Reductions_OfAScalar_ReturnTheValue()
    {
        var s = Tensor.Scalar(4);

        Assert.Equal(4f, s.Sum().Item());
        Assert.Equal(4f, s.Max().Item());
        Assert.Equal(0f, s.ArgMax().Item());
    }

    [Fact]
    public void Norm_IsTheFrobeniusNorm()
    {
        var t = Tensor.From(new float[,] { { 3, 0 }, { 0, 4 } });

        Assert.Equal(5f, t.Norm().Item());
        Assert.Equal(5f, t.T().Norm().Item());
        Assert.Equal(0, t.Norm().Rank);
    }
}
