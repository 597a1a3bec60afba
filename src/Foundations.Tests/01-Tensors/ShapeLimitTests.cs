using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Element counts and strides are ints: a shape whose count does not fit must be refused by name,
/// never wrap around (65536^4 is 2^64, which a long multiplication turns into 0).
/// </summary>
public sealed class ShapeLimitTests
{
    public static TheoryData<int[]> HugeShapes => new()
    {
        new[] { 65536, 65536, 65536, 65536 },
        new[] { 2097152, 4194304, 2097152 },
        new[] { 65536, 65536 },
    };

    [Theory]
    [MemberData(nameof(HugeShapes))]
    public void Zeros_ThrowsWhenTheCountDoesNotFitInAnInt(int[] shape) =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(shape), "Zeros", Shapes.Format(shape), "more than 2147483647 elements");

    [Theory]
    [MemberData(nameof(HugeShapes))]
    public void Reshape_ThrowsWhenTheCountDoesNotFitInAnInt(int[] shape) =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(4).Reshape(shape), "Reshape", Shapes.Format(shape));

    [Theory]
    [MemberData(nameof(HugeShapes))]
    public void View_ThrowsWhenTheCountDoesNotFitInAnInt(int[] shape) =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(4).View(shape), "View", Shapes.Format(shape));

    [Theory]
    [MemberData(nameof(HugeShapes))]
    public void Expand_ThrowsWhenTheCountDoesNotFitInAnInt(int[] shape)
    {
        var one = Tensor.Zeros(Enumerable.Repeat(1, shape.Length).ToArray());
        AssertThrowsNaming<ArgumentException>(() => one.Expand(shape), "Expand", Shapes.Format(shape), "more than 2147483647 elements");
    }

    [Fact]
    public void Broadcasting_ToATooLargeResult_ThrowsNamingTheOperation() =>
        // Two small operands whose broadcast result would hold 2^32 elements: refused before any allocation.
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(65536, 1).Expand(65536, 1) + Tensor.Zeros(1, 65536), "Add", "(65536, 65536)", "more than 2147483647 elements");

    [Fact]
    public void Reshape_WithAnInferredSizeOverflowingTheCount_Throws() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(0).Reshape(65536, 65536, 65536, 65536, -1), "Reshape", "(65536, 65536, 65536, 65536, ", "more than 2147483647 elements");

    [Fact]
    public void Zeros_WithAZeroSizeBesideSizesWhoseStridesOverflow_Throws() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(0, 65536, 65536), "Zeros", "(0, 65536, 65536)", "strides overflow");

    [Fact]
    public void Randn_And_Full_NameThemselvesForAnOverflowingShape()
    {
        AssertThrowsNaming<ArgumentException>(() => Tensor.Randn(65536, 65536, 65536, 65536), "Randn", "(65536, 65536, 65536, 65536)");
        AssertThrowsNaming<ArgumentException>(() => Tensor.Full(1f, 65536, 65536, 65536, 65536), "Full", "(65536, 65536, 65536, 65536)");
    }

    [Fact]
    public void Arange_ThrowsNamingTheElementCountWhenTooLong() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Arange(0f, 1e10f), "Arange", "10000000000 elements");

    [Fact]
    public void FromArray_ThrowsForAnOverflowingShape() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.FromArray([0f], 65536, 65536, 65536, 65536), "FromArray", "(65536, 65536, 65536, 65536)", "more than 2147483647 elements");
}
