using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Broadcasting as property tests: random shapes of rank 1-4 with some size-1 dimensions, checked
/// against explicit expansion (both operands copied out to the broadcast shape with index loops).
/// A seeded System.Random draws the shapes, so every run tests the same cases.
/// </summary>
public sealed class BroadcastTests
{
    private const int Samples = 300;

    public static TheoryData<string> BinaryOps() => ["Add", "Sub", "Mul", "Div", "Gt", "Ge", "Lt", "Le", "Eq", "Ne"];

    private static Tensor Apply(string op, Tensor a, Tensor b) => op switch
    {
        "Add" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        "Div" => a / b,
        "Gt" => a > b,
        "Ge" => a >= b,
        "Lt" => a < b,
        "Le" => a <= b,
        "Eq" => a.Eq(b),
        _ => a.Ne(b),
    };

    private static float Apply(string op, float a, float b) => op switch
    {
        "Add" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        "Div" => a / b,
        "Gt" => a > b ? 1 : 0,
        "Ge" => a >= b ? 1 : 0,
        "Lt" => a < b ? 1 : 0,
        "Le" => a <= b ? 1 : 0,
        "Eq" => a == b ? 1 : 0,
        _ => a != b ? 1 : 0,
    };

    /// <summary>A seed from the op's name (string.GetHashCode differs from run to run).</summary>
    private static int Seed(string op) => op.Aggregate(17, (h, c) => h * 31 + c);

    /// <summary>A target shape of rank 1-4, sizes 1-5.</summary>
    private static int[] RandomShape(Random random)
    {
        var shape = new int[random.Next(1, 5)];
        for (int d = 0; d < shape.Length; d++) shape[d] = random.Next(1, 6);
        return shape;
    }

    /// <summary>An operand shape that broadcasts to <paramref name="target"/>: a suffix of it, with some sizes replaced by 1.</summary>
    private static int[] OperandShape(Random random, int[] target)
    {
        int rank = random.Next(0, target.Length + 1);
        var shape = target[(target.Length - rank)..];
        for (int d = 0; d < shape.Length; d++)
            if (random.Next(3) == 0) shape[d] = 1;
        return shape;
    }

    /// <summary>A tensor of the shape, sometimes built as a transposed (non-contiguous) view to exercise the strided kernel.</summary>
    private static Tensor Operand(Random random, int[] shape, bool divisor, bool integers)
    {
        bool strided = shape.Length >= 2 && random.Next(2) == 0;
        var stored = strided ? [.. shape[..^2], shape[^1], shape[^2]] : shape;
        var t = integers ? RandomIntegers(random, stored) : divisor ? RandomNonZero(random, stored) : RandomTensor(random, stored);
        return strided ? t.Transpose(-1, -2) : t;
    }

    /// <summary>The explicit version: every element of the broadcast shape read from the operand with loops over indices.</summary>
    private static float[] Materialize(Tensor t, int[] target)
    {
        var shape = t.Shape;
        int lead = target.Length - shape.Length;
        var result = new List<float>();
        foreach (var index in Indices(target))
        {
            var source = new int[shape.Length];
            for (int d = 0; d < shape.Length; d++) source[d] = shape[d] == 1 ? 0 : index[lead + d];
            result.Add(t.GetValue(source));
        }
        return [.. result];
    }

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryOp_RandomBroadcastableShapes_MatchesExplicitExpansion(string op)
    {
        var random = new Random(Seed(op));
        bool comparison = op is "Gt" or "Ge" or "Lt" or "Le" or "Eq" or "Ne";
        for (int sample = 0; sample < Samples; sample++)
        {
            var target = RandomShape(random);
            var shapeA = OperandShape(random, target);
            var shapeB = OperandShape(random, target);
            var a = Operand(random, shapeA, divisor: false, integers: comparison);
            var b = Operand(random, shapeB, divisor: op == "Div", integers: comparison);
            var expectedShape = Shapes.Broadcast(shapeA, shapeB, op);

            var c = Apply(op, a, b);

            string what = $"{op} {a.ShapeString} with {b.ShapeString} (sample {sample})";
            Assert.True(expectedShape.SequenceEqual(c.Shape), $"{what}: got shape {c.ShapeString}");
            var ea = Materialize(a, expectedShape);
            var eb = Materialize(b, expectedShape);
            var values = c.ToArray();
            for (int i = 0; i < values.Length; i++)
                Assert.True(Apply(op, ea[i], eb[i]).Equals(values[i]),
                    $"{what}: element {i} is {values[i]}, expected {Apply(op, ea[i], eb[i])} from {ea[i]} and {eb[i]}");
        }
    }

    [Fact]
    public void BroadcastShape_OfRandomShapes_IsTheExpectedTarget()
    {
        var random = new Random(3);
        for (int sample = 0; sample < Samples; sample++)
        {
            var target = RandomShape(random);
            var a = OperandShape(random, target);
            // Put the full target into one of the operands, so the broadcast shape is exactly target.
            var b = target;

            Assert.Equal(target, Shapes.Broadcast(a, b, "test"));
            Assert.Equal(target, Shapes.Broadcast(b, a, "test"));
        }
    }

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryOp_RandomIncompatibleShapes_ThrowsArgumentExceptionNamingBothShapes(string op)
    {
        var random = new Random(Seed(op) + 1);
        for (int sample = 0; sample < 100; sample++)
        {
            var shapeA = RandomShape(random);
            var shapeB = OperandShape(random, shapeA);
            if (shapeB.Length == 0) shapeB = [shapeA[^1]];
            // Make one aligned dimension disagree, neither side being 1.
            int d = random.Next(shapeB.Length);
            int lead = shapeA.Length - shapeB.Length;
            shapeA[lead + d] = random.Next(2, 5);
            shapeB[d] = shapeA[lead + d] + random.Next(1, 3);
            var a = RandomTensor(random, shapeA);
            var b = RandomTensor(random, shapeB);

            AssertThrowsNaming<ArgumentException>(() => Apply(op, a, b), op, a.ShapeString, b.ShapeString);
            AssertThrowsNaming<ArgumentException>(() => Apply(op, b, a), op, a.ShapeString, b.ShapeString);
        }
    }

    [Fact]
    public void Broadcast_ColumnPlusRow_GivesTheOuterSum()
    {
        var column = Tensor.From(1f, 2f, 3f).Unsqueeze(1);
        var row = Tensor.From(10f, 20f).Unsqueeze(0);

        var sum = column + row;

        Assert.Equal([3, 2], sum.Shape);
        Assert.Equal(new float[] { 11, 21, 12, 22, 13, 23 }, sum.ToArray());
    }

    [Fact]
    public void Broadcast_WithAScalar_AppliesToEveryElement()
    {
        var t = Tensor.Arange(6).Reshape(2, 3);

        Assert.Equal(new float[] { 2, 3, 4, 5, 6, 7 }, (t + 2f).ToArray());
        Assert.Equal(new float[] { 10, 9, 8, 7, 6, 5 }, (10f - t).ToArray());
        Assert.Equal(new float[] { 0, 0.5f, 1, 1.5f, 2, 2.5f }, (t / 2f).ToArray());
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 1 }, (t > 2f).ToArray());
        Assert.Equal([2, 3], (t * Tensor.Scalar(3)).Shape);
    }

    [Fact]
    public void BroadcastStrides_StretchedAndMissingDimensions_GetStrideZero()
    {
        var strides = Shapes.BroadcastStrides([3, 1], [1, 1], [2, 3, 4], "test");

        Assert.Equal([0, 1, 0], strides);
    }

    [Fact]
    public void Broadcast_DimensionMismatchMessage_NamesTheOperationAndBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(5, 784) + Tensor.Zeros(10, 784));

        Assert.Contains("Add: cannot broadcast (5, 784) with (10, 784)", e.Message);
    }
}
