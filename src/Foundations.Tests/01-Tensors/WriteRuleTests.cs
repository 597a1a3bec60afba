using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// One rule for every write path: a tensor whose elements share storage (an expanded dimension, or
/// any view cut from one) refuses writes; every other write counts in <see cref="Tensor.Version"/>.
/// </summary>
public sealed class WriteRuleTests
{
    private static Tensor Expanded() => Tensor.Ones(1, 3).Expand(4, 3);

    public static TheoryData<string, Action<Tensor>, string> Writes => new()
    {
        { "row indexer", e => e[0] = Tensor.Full(7f, 3), "CopyFrom" },
        { "from-end row indexer", e => e[^1] = Tensor.Full(7f, 3), "CopyFrom" },
        { "range indexer", e => e[1..2] = Tensor.Zeros(1, 3), "CopyFrom" },
        { "two-range indexer", e => e[1..2, 0..2] = Tensor.Zeros(1, 2), "CopyFrom" },
        { "element indexer", e => e[0, 0] = 7f, "index" },
        { "element of a row", e => e[0].SetValue(7f, 1), "SetValue" },
        { "Fill of a row", e => e[2].Fill(7f), "Fill" },
        { "CopyFrom of a row", e => e[2].CopyFrom(Tensor.Zeros(3)), "CopyFrom" },
        { "AddInPlace of a row", e => e[2].AddInPlace(Tensor.Ones(3)), "AddInPlace" },
        { "transposed view", e => e.T()[0].Fill(7f), "Fill" },
        { "unsqueezed view", e => e.Unsqueeze(0)[0][1].Fill(7f), "Fill" },
        { "MatMulLadder.Into a row slice", e => MatMulLadder.Into(Tensor.Ones(1, 2), Tensor.Ones(2, 3), e[0..1]), "MatMulLadder.Into" },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public void AViewOfAnExpandedTensor_RefusesTheWrite_AndChangesNothing(string path, Action<Tensor> write, string operation)
    {
        var source = Tensor.Ones(1, 3);
        var e = source.Expand(4, 3);

        var ex = Assert.Throws<InvalidOperationException>(() => write(e));

        Assert.True(ex.Message.Contains(operation) && ex.Message.Contains("stride 0"), $"{path}: {ex.Message}");
        Assert.Equal([1f, 1f, 1f], source.ToArray());
    }

    [Fact]
    public void TheTensorAnExpansionWasTakenFrom_StaysWritable()
    {
        var source = Tensor.Ones(1, 3);
        var e = source.Expand(4, 3);

        source[0, 1] = 5f;

        Assert.Equal([1f, 5f, 1f, 1f, 5f, 1f], e[0..2].ToArray());
    }

    public static TheoryData<string, Action<Tensor>> CountedWrites => new()
    {
        { "row indexer", t => t[0] = Tensor.Full(7f, 3) },
        { "range indexer", t => t[0..1] = Tensor.Zeros(1, 3) },
        { "element indexer", t => t[0, 0] = 7f },
        { "SetValue", t => t.SetValue(7f, 1, 1) },
        { "Fill", t => t.Fill(7f) },
        { "CopyFrom", t => t.CopyFrom(Tensor.Zeros(2, 3)) },
        { "AddInPlace", t => t.AddInPlace(Tensor.Ones(3)) },
        { "MatMulLadder.Into", t => MatMulLadder.Into(Tensor.Ones(2, 2), Tensor.Ones(2, 3), t) },
        { "a write through a view", t => t[1].Fill(7f) },
        { "GradCheck.Numerical", t => GradCheck.Numerical(() => 0f, t) },
    };

    [Theory]
    [MemberData(nameof(CountedWrites))]
    public void EveryWritePath_AddsToTheVersion_SharedByViews(string path, Action<Tensor> write)
    {
        var t = Tensor.Zeros(2, 3);
        var view = t.T();
        int before = t.Version;

        write(t);

        Assert.True(t.Version > before, $"{path} did not count as a write");
        Assert.Equal(t.Version, view.Version);
    }

    [Fact]
    public void Sgd_Step_CountsAsAWriteOnEachParameter()
    {
        var w = Tensor.Ones(2, 2);
        w.Grad = Tensor.Ones(2, 2);
        int before = w.Version;

        new Sgd([w], 0.1f).Step();

        Assert.True(w.Version > before);
    }

    [Fact]
    public void Reading_DoesNotChangeTheVersion()
    {
        var t = Tensor.Ones(2, 3);
        int before = t.Version;

        _ = t.Sum(); _ = t[0]; _ = t[1, 1]; _ = t.ToArray(); _ = t + t; _ = t.MatMul(Tensor.Ones(3, 2));

        Assert.Equal(before, t.Version);
    }
}
