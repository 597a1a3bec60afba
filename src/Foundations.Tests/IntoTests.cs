using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>The Into versions write exactly what the allocating versions return, into the caller's tensor.</summary>
public sealed class IntoTests
{
    public static TheoryData<string> BinaryOps() => ["Add", "Sub", "Mul", "Div", "Gt"];

    private static (Func<Tensor, Tensor, Tensor> Allocating, Func<Tensor, Tensor, Tensor, Tensor> Into) Pair(string name) => name switch
    {
        "Add" => ((a, b) => a.Add(b), (a, b, d) => a.AddInto(b, d)),
        "Sub" => ((a, b) => a.Sub(b), (a, b, d) => a.SubInto(b, d)),
        "Mul" => ((a, b) => a.Mul(b), (a, b, d) => a.MulInto(b, d)),
        "Div" => ((a, b) => a.Div(b), (a, b, d) => a.DivInto(b, d)),
        _ => ((a, b) => a.Gt(b), (a, b, d) => a.GtInto(b, d)),
    };

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryInto_EqualsTheAllocatingOp_WithBroadcastingAndAStridedOperand(string name)
    {
        var (allocating, into) = Pair(name);
        var random = new Random(1);
        var a = RandomTensor(random, 5, 4).T();          // (4, 5), not contiguous
        var b = RandomNonZero(random, 5);
        var destination = Tensor.Full(99f, 4, 5);

        var returned = into(a, b, destination);

        Assert.Same(destination, returned);
        Assert.Equal(allocating(a, b).ToArray(), destination.ToArray());
    }

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryInto_ThrowsNamingTheShapes_ForAWrongDestination(string name)
    {
        var (_, into) = Pair(name);

        AssertThrowsNaming<ArgumentException>(() => into(Tensor.Ones(3, 4), Tensor.Ones(4), Tensor.Zeros(4, 3)), $"{name}Into", "(3, 4)", "(4, 3)");
        AssertThrowsNaming<ArgumentException>(() => into(Tensor.Ones(3, 4), Tensor.Ones(5), Tensor.Zeros(3, 4)), $"{name}Into", "(3, 4)", "(5,)");
    }

    [Fact]
    public void Into_RejectsANonContiguousOrExpandedDestination()
    {
        AssertThrowsNaming<ArgumentException>(() => Tensor.Ones(2, 3).AddInto(Tensor.Ones(3), Tensor.Zeros(3, 2).T()), "AddInto", "contiguous");
        AssertThrowsNaming<InvalidOperationException>(() => Tensor.Ones(2, 3).AddInto(Tensor.Ones(3), Tensor.Zeros(1, 3).Expand(2, 3)), "AddInto", "expanded");
    }

    [Fact]
    public void Into_TheSameTensorAsOperandAndDestination_WorksInPlace()
    {
        var x = Tensor.From(1f, 2f, 3f);

        x.MulInto(x, x);

        Assert.Equal(new float[] { 1, 4, 9 }, x.ToArray());
    }

    [Fact]
    public void Into_AnOperandOverlappingTheDestination_IsReadBeforeItIsOverwritten()
    {
        var storage = Tensor.Arange(5);
        var expected = (storage[0..4] + storage[1..5]).ToArray();

        storage[1..5].AddInto(storage[0..4], storage[0..4]);

        Assert.Equal(expected, storage[0..4].ToArray());
        Assert.Equal(4f, storage.GetValue(4));
    }

    [Fact]
    public void ClampMinInto_EqualsClampMin_AndKeepsNaN()
    {
        var x = Tensor.From(-2f, -0.5f, 0f, 1.5f, float.NaN);
        var destination = Tensor.Zeros(5);

        x.ClampMinInto(0f, destination);

        Assert.Equal(x.ClampMin(0f).ToArray(), destination.ToArray());
        Assert.True(float.IsNaN(destination.GetValue(4)));
        AssertThrowsNaming<ArgumentException>(() => x.ClampMinInto(0f, Tensor.Zeros(4)), "ClampMinInto", "(5,)", "(4,)");
    }

    [Fact]
    public void Where_TakesXWhereTheConditionIsNonZero_AndOtherElsewhere()
    {
        var condition = Tensor.From(new float[,] { { 1, 0, 2 }, { 0, 0, -1 } });
        var x = Tensor.From(new float[,] { { 10, 20, 30 }, { 40, float.NaN, float.PositiveInfinity } });

        var result = Tensor.Where(condition, x, -1f);

        Assert.Equal(new float[] { 10, -1, 30, -1, -1, float.PositiveInfinity }, result.ToArray());
    }

    [Fact]
    public void WhereInto_BroadcastsTheCondition_AndMayWriteOverIt()
    {
        var random = new Random(2);
        var x = RandomTensor(random, 33, 7);             // long enough rows for the SIMD path
        var condition = Tensor.From(1f, 0f, 1f, 1f, 0f, 0f, 1f);
        var expected = Tensor.Where(condition, x, 0f).ToArray();
        var inPlace = condition.Expand(33, 7).Clone();

        Tensor.WhereInto(inPlace, x, 0f, inPlace);

        Assert.Equal(expected, inPlace.ToArray());
        for (int i = 0; i < 33 * 7; i++)
            Assert.Equal(condition.GetValue(i % 7) != 0 ? x.ToArray()[i] : 0f, expected[i]);
        AssertThrowsNaming<ArgumentException>(() => Tensor.WhereInto(Tensor.Ones(3), x, 0f, Tensor.Zeros(33, 7)), "WhereInto", "(3,)", "(33, 7)");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void SumInto_EqualsSum_OverEachDim(int dim)
    {
        var x = RandomTensor(new Random(3), 3, 4, 5);
        var expected = x.Sum(dim);
        var destination = Tensor.Full(7f, expected.Shape);

        x.SumInto(dim, destination);

        Assert.Equal(expected.ToArray(), destination.ToArray());
    }

    [Fact]
    public void SumInto_AcceptsTheKeptDimShape_AndAStridedInput()
    {
        var x = RandomTensor(new Random(4), 6, 3).T();   // (3, 6)
        var destination = Tensor.Zeros(3, 1);

        x.SumInto(1, destination);

        Assert.Equal(x.Sum(1).ToArray(), destination.ToArray());
    }

    [Fact]
    public void SumInto_ThrowsForAWrongDestination_AnAliasedOne_OrABadDim()
    {
        var x = Tensor.Ones(4, 3);

        AssertThrowsNaming<ArgumentException>(() => x.SumInto(0, Tensor.Zeros(4)), "SumInto", "(4, 3)", "(3,)", "(4,)");
        AssertThrowsNaming<ArgumentException>(() => x.SumInto(0, x[0]), "SumInto", "shares storage");
        AssertThrowsNaming<ArgumentOutOfRangeException>(() => x.SumInto(2, Tensor.Zeros(4)), "SumInto", "dim 2");
        AssertThrowsNaming<ArgumentException>(() => Tensor.Scalar(1f).SumInto(0, Tensor.Scalar(0f)), "SumInto", "0-dimensional");
    }

    [Theory]
    [InlineData(5, 3, 4, false)]
    [InlineData(7, 0, 5, false)]
    [InlineData(64, 300, 50, true)]       // several depth slices, and the threads of the parallel path
    [InlineData(200, 64, 120, true)]
    public void MatMulAddInto_AddsTheProductToWhatTheDestinationHeld(int m, int k, int n, bool parallel)
    {
        var random = new Random(3);
        var a = RandomTensor(random, k, m).T();          // transposed, as autograd's xᵀ @ g
        var b = RandomTensor(random, k, n);
        var destination = RandomTensor(random, m, n);
        var expected = destination.Add(a.MatMul(b));

        MatMul.AddInto(a, b, destination, parallel);

        Check.TestClose(destination, expected, what: $"C + A·B for {m}x{k}x{n}");
    }
}
