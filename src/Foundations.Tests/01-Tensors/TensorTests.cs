namespace Foundations.Tests;

/// <summary>Creating tensors, reading their shape and elements, copying.</summary>
[Collection(SharedGeneratorCollection.Name)]
public sealed class TensorTests
{
    [Theory]
    [InlineData(0f, 0.3f, 0.1f, 3)]     // torch.arange(0, 0.3, 0.1): [0.0, 0.1, 0.2]
    [InlineData(0f, 1f, 0.1f, 10)]
    [InlineData(1f, 2.5f, 0.5f, 3)]
    [InlineData(0f, 0.7f, 0.1f, 7)]
    [InlineData(1f, 0f, -0.1f, 10)]
    [InlineData(0f, 5f, 1f, 5)]
    public void Arange_HasPyTorchsLength_ForDecimalSteps(float start, float end, float step, int length)
    {
        var t = Tensor.Arange(start, end, step);

        Assert.Equal([length], t.Shape);
        Assert.Equal(start, t.GetValue(0));
        Assert.True(step > 0 ? t.GetValue(length - 1) < end : t.GetValue(length - 1) > end);
    }

    [Fact]
    public void Zeros_Ones_Full_HaveTheShapeAndValue()
    {
        var z = Tensor.Zeros(2, 3);
        var o = Tensor.Ones(4);
        var f = Tensor.Full(2.5f, 2, 1, 2);

        Assert.Equal([2, 3], z.Shape);
        Assert.Equal(2, z.Rank);
        Assert.Equal(6, z.Count);
        Assert.All(z.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(o.ToArray(), v => Assert.Equal(1f, v));
        Assert.Equal([2, 1, 2], f.Shape);
        Assert.All(f.ToArray(), v => Assert.Equal(2.5f, v));
    }

    [Fact]
    public void Scalar_IsZeroDimensional()
    {
        var s = Tensor.Scalar(3.5f);

        Assert.Equal(0, s.Rank);
        Assert.Equal([], s.Shape);
        Assert.Equal(1, s.Count);
        Assert.Equal(3.5f, s.Item());
        Assert.Equal(3.5f, (float)s);
    }

    [Fact]
    public void FromArray_WrapsWithoutCopying()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };

        var t = Tensor.FromArray(data, 2, 3);
        data[4] = 50;

        Assert.Equal(50, t[1, 1]);
        Assert.Equal([3, 1], t.Strides);
        Assert.True(t.IsContiguous);
    }

    [Fact]
    public void FromArray_WithoutShape_IsOneDimensional()
    {
        Assert.Equal([3], Tensor.FromArray([1f, 2f, 3f]).Shape);
    }

    [Fact]
    public void FromArray_OfOneValueWithoutShape_IsOneDimensional_AsTorchTensorOfAList()
    {
        // torch.tensor([5.]) has shape (1,); Tensor.Scalar is the 0-d factory.
        Assert.Equal([1], Tensor.FromArray(new float[] { 5f }).Shape);
        Assert.Equal([0], Tensor.FromArray(new float[0]).Shape);
        Assert.Equal(0, Tensor.Scalar(5f).Rank);
    }

    [Fact]
    public void FromArray_WithAnExplicitEmptyShape_IsZeroDimensional_AndNeedsOneValue()
    {
        Assert.Equal(0, Tensor.FromArray([5f], []).Rank);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray([1f, 2f], []));
    }

    [Fact]
    public void From_CopiesItsValues()
    {
        var values = new float[] { 10, 6, -4 };

        var t = Tensor.From(values);
        values[0] = 0;

        Assert.Equal(new float[] { 10, 6, -4 }, t.ToArray());
    }

    [Fact]
    public void From_TwoAndThreeDimensionalArrays_KeepRowMajorOrder()
    {
        var m = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var c = Tensor.From(new float[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } });

        Assert.Equal([2, 3], m.Shape);
        Assert.Equal(6, m[1, 2]);
        Assert.Equal([2, 2, 2], c.Shape);
        Assert.Equal(7, c[1, 1, 0]);
    }

    [Fact]
    public void Arange_CountsUpOrDown()
    {
        Assert.Equal(new float[] { 0, 1, 2, 3, 4 }, Tensor.Arange(5).ToArray());
        Assert.Equal(new float[] { 1, 1.5f, 2, 2.5f }, Tensor.Arange(1, 3, 0.5f).ToArray());
        Assert.Equal(new float[] { 3, 2, 1 }, Tensor.Arange(3, 0, -1).ToArray());
        Assert.Equal(0, Tensor.Arange(0).Count);
    }

    [Fact]
    public void Randn_IsSeededByManualSeed()
    {
        Tensor.ManualSeed(123);
        var first = Tensor.Randn(5, 4).ToArray();
        Tensor.ManualSeed(123);
        var second = Tensor.Randn(5, 4).ToArray();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Rand_IsInTheUnitInterval()
    {
        var values = new Generator(5).Uniform([1000]).ToArray();

        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        Assert.True(values.Max() < 1f);
        Assert.InRange(values.Average(), 0.45, 0.55);
    }

    [Fact]
    public void Indexer_ReadsAndWritesElements()
    {
        var t = Tensor.Zeros(2, 3, 4, 5);

        t[1, 2, 3, 4] = 7;
        t.SetValue(8, 0, 1, 2, 3);

        Assert.Equal(7, t.GetValue(1, 2, 3, 4));
        Assert.Equal(8, t[0, 1, 2, 3]);
        Assert.Equal(7, t.ToArray()[^1]);
        Assert.Equal(7, t[1][2][3].GetValue(4));
    }

    [Fact]
    public void Item_OfAOneElementTensorOfAnyRank_IsTheElement()
    {
        Assert.Equal(4f, Tensor.Full(4f, 1, 1, 1).Item());
        Assert.Equal(6f, Tensor.Arange(10)[6..7].Item());
    }

    [Fact]
    public void ToArray_OfAView_IsInRowMajorOrderOfTheView()
    {
        var t = Tensor.Arange(6).Reshape(2, 3);

        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, t.T().ToArray());
        Assert.Equal(new float[] { 1, 4 }, t[.., 1].ToArray());
    }

    [Fact]
    public void CopyFrom_BroadcastsTheSource()
    {
        var t = Tensor.Zeros(2, 3);

        t.CopyFrom(Tensor.From(1f, 2f, 3f));

        Assert.Equal(new float[] { 1, 2, 3, 1, 2, 3 }, t.ToArray());
    }

    [Fact]
    public void Fill_OfANonContiguousView_FillsOnlyTheView()
    {
        var t = Tensor.Zeros(3, 3);

        t[.., 1].Fill(9);

        Assert.Equal(new float[] { 0, 9, 0, 0, 9, 0, 0, 9, 0 }, t.ToArray());
    }

    [Fact]
    public void Shape_IsACopy()
    {
        var t = Tensor.Zeros(2, 3);

        t.Shape[0] = 100;
        t.Strides[0] = 100;

        Assert.Equal([2, 3], t.Shape);
        Assert.Equal([3, 1], t.Strides);
    }

    [Fact]
    public void Grad_StartsEmptyAndCanBeSet()
    {
        var t = Tensor.Zeros(2);

        Assert.Null(t.Grad);
        t.Grad = Tensor.Ones(2);
        Assert.Equal(new float[] { 1, 1 }, t.Grad.ToArray());
    }
}
