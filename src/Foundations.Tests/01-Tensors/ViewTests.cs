using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>Views share storage with their source; Contiguous, Clone and Reshape of a non-contiguous tensor copy.</summary>
public sealed class ViewTests
{
    private static Tensor Matrix() => Tensor.Arange(12).Reshape(3, 4);

    [Fact]
    public void Indexer_Row_IsAViewThatWritesThrough()
    {
        var t = Matrix();

        var row = t[1];
        row.Fill(-1);

        Assert.Equal(new float[] { 0, 1, 2, 3, -1, -1, -1, -1, 8, 9, 10, 11 }, t.ToArray());
    }

    [Fact]
    public void Indexer_ElementOfAView_WritesThrough()
    {
        var t = Matrix();
        var transposed = t.T();

        transposed[3, 0] = 100;

        Assert.Equal(100, t[0, 3]);
    }

    [Fact]
    public void Slice_RangesAreViewsWithOffsets()
    {
        var t = Matrix();

        var block = t[1..3, 1..3];
        block.Fill(0);

        Assert.Equal([2, 2], block.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 0, 0, 7, 8, 0, 0, 11 }, t.ToArray());
        Assert.Equal(new float[] { 4, 0, 0, 7 }, t[1, ..].ToArray());
        Assert.Equal(new float[] { 2, 0, 0 }, t[.., 2].ToArray());
        Assert.Equal(new float[] { 8, 0, 0, 11 }, t[^1].ToArray());
    }

    [Fact]
    public void RangeSetter_CopiesValuesIntoTheView()
    {
        var t = Tensor.Zeros(3, 4);

        t[1..3, 2..4] = Tensor.Ones(2, 2);
        t[0] = Tensor.From(5f, 6f, 7f, 8f);

        Assert.Equal(new float[] { 5, 6, 7, 8, 0, 0, 1, 1, 0, 0, 1, 1 }, t.ToArray());
    }

    [Fact]
    public void Transpose_SharesStorageAndSwapsStrides()
    {
        var t = Matrix();

        var transposed = t.Transpose(0, 1);

        Assert.Equal([4, 3], transposed.Shape);
        Assert.Equal([1, 4], transposed.Strides);
        Assert.False(transposed.IsContiguous);
        t[2, 1] = 42;
        Assert.Equal(42, transposed[1, 2]);
    }

    [Fact]
    public void Expand_GivesStrideZeroAndSharesStorage()
    {
        var column = Tensor.From(1f, 2f, 3f).Unsqueeze(1);

        var wide = column.Expand(3, 4);

        Assert.Equal([3, 4], wide.Shape);
        Assert.Equal(0, wide.Strides[1]);
        Assert.Equal(new float[] { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 }, wide.ToArray());
        column[1, 0] = 20;
        Assert.Equal(20, wide[1, 3]);
    }

    [Fact]
    public void Expand_NewLeadingDimensionAndMinusOne_KeepSizes()
    {
        var row = Tensor.From(1f, 2f).Unsqueeze(0);

        var expanded = row.Expand(3, 5, -1);

        Assert.Equal([3, 5, 2], expanded.Shape);
        Assert.Equal([0, 0, 1], expanded.Strides);
    }

    [Fact]
    public void Contiguous_OfANonContiguousTensor_CopiesIntoRowMajorOrder()
    {
        var t = Matrix();
        var transposed = t.T();

        var copy = transposed.Contiguous();
        copy[0, 0] = -5;

        Assert.True(copy.IsContiguous);
        Assert.Equal([3, 1], copy.Strides);
        Assert.Equal(0, t[0, 0]);
        Assert.Equal(new float[] { -5, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, copy.ToArray());
    }

    [Fact]
    public void Contiguous_OfAContiguousTensor_ReturnsTheSameTensor()
    {
        var t = Matrix();

        Assert.Same(t, t.Contiguous());
    }

    [Fact]
    public void Clone_AlwaysCopies()
    {
        var t = Matrix();

        var copy = t.Clone();
        copy[0, 0] = 99;

        Assert.Equal(0, t[0, 0]);
    }

    [Fact]
    public void Reshape_OfAContiguousTensor_IsAView()
    {
        var t = Matrix();

        var flat = t.Reshape(-1);
        flat.SetValue(77, 5);

        Assert.Equal([12], flat.Shape);
        Assert.Equal(77, t[1, 1]);
    }

    [Fact]
    public void Reshape_OfATransposedTensor_CopiesInTheTransposedOrder()
    {
        var t = Matrix();

        var flat = t.T().Reshape(12);
        flat.SetValue(-1, 0);

        Assert.Equal(new float[] { -1, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, flat.ToArray());
        Assert.Equal(0, t[0, 0]);
    }

    [Fact]
    public void View_WithMinusOne_InfersTheSize()
    {
        var t = Tensor.Zeros(2, 3, 4);

        Assert.Equal([6, 4], t.View(-1, 4).Shape);
        Assert.Equal([2, 12], t.View(2, -1).Shape);
    }

    [Fact]
    public void Views_TakeNegativeDims()
    {
        var t = Tensor.Zeros(2, 3, 4);

        Assert.Equal([2, 3, 4, 1], t.Unsqueeze(-1).Shape);
        Assert.Equal([2, 3, 1, 4], t.Unsqueeze(-2).Shape);
        Assert.Equal([4, 3, 2], t.Transpose(-1, 0).Shape);
        Assert.Equal([2, 4], t.Select(-2, 1).Shape);
        Assert.Equal([2, 3], t.Sum(-1).Shape);
        Assert.Equal(4, t.Size(-1));
    }

    [Fact]
    public void Select_NegativeIndex_CountsFromTheEnd()
    {
        var t = Matrix();

        Assert.Equal(new float[] { 8, 9, 10, 11 }, t[-1].ToArray());
        Assert.Equal(new float[] { 3, 7, 11 }, t.Select(1, -1).ToArray());
        Assert.Equal(11, t[-1, -1]);
    }

    [Fact]
    public void IndexFromEnd_SelectsAlongDimZeroNotAcrossAllElements()
    {
        var t = Matrix();

        Assert.Equal(new float[] { 8, 9, 10, 11 }, t[^1].ToArray());
        Assert.Equal(new float[] { 0, 1, 2, 3 }, t[^3].ToArray());
        t[^2] = Tensor.Zeros(4);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, t[1].ToArray());
        Assert.Equal(9, Tensor.Arange(10)[^1].Item());
    }

    [Fact]
    public void EmptyTensor_IsContiguousAndItsViewsCanBeCopiedAndReshaped()
    {
        var t = Tensor.Zeros(3, 0);

        var row = t[2];

        Assert.True(t.IsContiguous);
        Assert.Equal([0], row.Shape);
        Assert.Equal([], row.Clone().ToArray());
        Assert.Equal([0, 3], t.Reshape(0, 3).Shape);
        Assert.Equal([0, 3], t.T().Contiguous().Shape);
        Assert.Equal(new float[] { 0, 0, 0 }, t.Sum(1).ToArray());
        Assert.Equal([3, 0], (t + 1f).Shape);
        row.Fill(1);
    }

    [Fact]
    public void Squeeze_RemovesEverySizeOneDimension()
    {
        var t = Tensor.Zeros(1, 3, 1, 2);

        Assert.Equal([3, 2], t.Squeeze().Shape);
        Assert.Equal([], Tensor.Zeros(1, 1).Squeeze().Shape);
    }

    [Fact]
    public void SqueezeDim_OfASizeOneDimension_RemovesIt()
    {
        var t = Tensor.Zeros(1, 3, 1, 2);

        Assert.Equal([3, 1, 2], t.Squeeze(0).Shape);
        Assert.Equal([1, 3, 2], t.Squeeze(-2).Shape);
    }

    [Fact]
    public void SqueezeDim_OfALargerDimension_LeavesTheTensorAsPyTorchDoes()
    {
        var t = Tensor.Zeros(1, 3, 1, 2);

        Assert.Equal([1, 3, 1, 2], t.Squeeze(1).Shape);
        Assert.Equal([1, 3, 1, 2], t.Squeeze(-1).Shape);
    }

    [Fact]
    public void Squeeze_IsAViewThatWritesThrough()
    {
        var t = Tensor.Zeros(1, 3, 1);

        t.Squeeze().SetValue(5, 2);

        Assert.Equal(5, t.GetValue(0, 2, 0));
    }

    [Fact]
    public void Unsqueeze_IsAViewThatWritesThrough()
    {
        var t = Tensor.From(1f, 2f, 3f);

        var column = t.Unsqueeze(1);
        column[2, 0] = 30;

        Assert.Equal([3, 1], column.Shape);
        Assert.Equal(30, t.GetValue(2));
    }

    [Fact]
    public void Unsqueeze_OfATransposedTensor_KeepsReadingTheRightElements()
    {
        var t = Matrix().T();

        var u = t.Unsqueeze(1);

        Assert.Equal([4, 1, 3], u.Shape);
        Assert.Equal(t.ToArray(), u.ToArray());
        Assert.Equal(t.ToArray(), u.Reshape(4, 3).ToArray());
    }

    [Fact]
    public void IndexSelect_CopiesTheChosenRows()
    {
        var t = Matrix();

        var picked = t.IndexSelect([2, 0, 2]);
        picked[0, 0] = -1;

        Assert.Equal(new float[] { -1, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11 }, picked.ToArray());
        Assert.Equal(8, t[2, 0]);
    }

    [Fact]
    public void CopyFrom_IntoATransposedView_WritesTheSourceInPlace()
    {
        var t = Tensor.Zeros(2, 3);

        t.T().CopyFrom(Tensor.Arange(6).Reshape(3, 2));

        Assert.Equal(new float[] { 0, 2, 4, 1, 3, 5 }, t.ToArray());
    }

    [Fact]
    public void ElementwiseOp_OnViews_ReadsThroughStrides()
    {
        var random = new Random(4);
        var a = RandomTensor(random, 5, 7);
        var b = RandomTensor(random, 7, 5);

        var sum = a + b.T();

        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 7; j++)
                Assert.Equal(a[i, j] + b[j, i], sum[i, j]);
    }
}
