using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>A failed check must say where and what: the first offending element and both values, NaN included.</summary>
public sealed class CheckTests
{
    [Fact]
    public void TestClose_WithANaN_NamesItsIndexAndBothValues()
    {
        var actual = Tensor.From(1f, 2f, float.NaN, 4f);
        var expected = Tensor.From(1f, 2f, 3f, 4f);

        AssertThrowsNaming<CheckFailedException>(() => Check.TestClose(actual, expected), "flat index 2", "NaN vs 3");
    }

    [Fact]
    public void TestClose_WithNaNExpected_NamesItsIndexAndBothValues()
    {
        var actual = Tensor.From(1f, 2f, 3f);
        var expected = Tensor.From(1f, float.NaN, 3f);

        AssertThrowsNaming<CheckFailedException>(() => Check.TestClose(actual, expected), "flat index 1", "2 vs NaN");
    }

    [Fact]
    public void TestClose_WithNaNOnBothSides_NamesTheFirstOne()
    {
        var nan = Tensor.From(0f, float.NaN, float.NaN);

        var e = AssertThrowsNaming<CheckFailedException>(() => Check.TestClose(nan, nan), "flat index 1", "NaN vs NaN");
        Assert.DoesNotContain("-1", e.Message);
    }
}
