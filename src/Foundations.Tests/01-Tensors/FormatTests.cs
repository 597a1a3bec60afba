using System.Text.Json;
using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>ToString against PyTorch's repr, character for character, for the cases in ops.json.</summary>
public sealed class FormatTests
{
    private static readonly IReadOnlyDictionary<string, Tensor> Tensors = Fixtures.Load(FixturePath("ops.json"));
    private static readonly Dictionary<string, (string Tensor, string Repr)> Reprs = LoadReprs();

    private static Dictionary<string, (string, string)> LoadReprs()
    {
        using var document = FixtureDocument("ops.json");
        return document.RootElement.GetProperty("reprs").EnumerateArray().ToDictionary(
            r => r.GetProperty("name").GetString()!,
            r => (r.GetProperty("tensor").GetString()!, r.GetProperty("repr").GetString()!));
    }

    public static TheoryData<string> ReprNames() => [.. Reprs.Keys];

    [Theory]
    [MemberData(nameof(ReprNames))]
    public void ToString_MatchesPyTorchRepr(string name)
    {
        var (key, repr) = Reprs[name];

        Assert.Equal(repr, Tensors[key].ToString());
    }

    [Fact]
    public void ReprFixture_CoversEachNumberStyle()
    {
        var reprs = Reprs.Values.Select(r => r.Repr).ToArray();
        Assert.Contains(reprs, r => r.Contains("e+", StringComparison.Ordinal));
        Assert.Contains(reprs, r => r.Contains("e-", StringComparison.Ordinal));
        Assert.Contains(reprs, r => r.Contains(".0000", StringComparison.Ordinal));
        Assert.Contains(reprs, r => r == "tensor([1., 2., 3.])");
        Assert.Contains(reprs, r => r.Contains('\n'));
    }

    [Fact]
    public void ToString_OfAView_PrintsTheViewNotItsStorage()
    {
        var t = Tensor.Arange(6).Reshape(2, 3);

        Assert.Equal("tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])", t.T().ToString());
        Assert.Equal("tensor([4., 5.])", t[1, 1..].ToString());
    }

    [Fact]
    public void ToString_OfALargeTensor_ShowsThreeEdgeItemsAndTheShape()
    {
        // PyTorch prints the first and last three entries of each dimension past 1000 elements;
        // we do the same, with PyTorch's " ..." marker, and add the shape, which PyTorch leaves out.
        var t = Tensor.Arange(2000);

        Assert.Equal(
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03], shape=(2000,))",
            t.ToString());
    }

    [Fact]
    public void ToString_OfALargeMatrix_ElidesRowsAndColumns()
    {
        var text = (Tensor.Arange(1200).Reshape(40, 30) / 7f).ToString();
        var lines = text.Split('\n');

        Assert.StartsWith("tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 3.8571e+00, 4.0000e+00,", text);
        Assert.Contains("        ...,", lines);
        Assert.EndsWith("1.7129e+02]], shape=(40, 30))", text);
    }

    [Fact]
    public void ToString_OfAnEmpty2DTensor_ShowsTheShape()
    {
        Assert.Equal("tensor([], size=(0, 3))", Tensor.Zeros(0, 3).ToString());
    }

    [Theory]
    [InlineData(new[] { 3, 0 }, "tensor([], size=(3, 0))")]
    [InlineData(new[] { 2, 0, 3 }, "tensor([], size=(2, 0, 3))")]
    [InlineData(new[] { 0 }, "tensor([])")]
    public void ToString_OfAnEmptyTensor_PrintsAsPyTorch(int[] shape, string expected) =>
        Assert.Equal(expected, Tensor.Zeros(shape).ToString());

    [Fact]
    public void ToString_OfAnEmptyTensorWithManyRows_IsShort()
    {
        // Ten million rows of nothing once printed as ten million "[]": an 841 MB string.
        Assert.Equal("tensor([], size=(10000000, 0))", Tensor.Zeros(10_000_000, 0).ToString());
    }

    [Fact]
    public void ShapeString_IsWrittenAsPyTorchWritesATuple()
    {
        Assert.Equal("(5, 784)", Tensor.Zeros(5, 784).ShapeString);
        Assert.Equal("(3,)", Tensor.Zeros(3).ShapeString);
        Assert.Equal("()", Tensor.Scalar(1).ShapeString);
    }
}
