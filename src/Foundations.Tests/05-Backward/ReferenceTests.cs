using System.Text.Json;
using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Our results against PyTorch 1.13's, read from the committed fixtures that
/// Fixtures/make_fixtures.py wrote. Tolerances: elementwise float32 arithmetic is correctly
/// rounded on both sides, so + - * / and comparisons must agree exactly; sums and products of
/// many terms differ in summation order (we also sum reductions in double), so they agree to a
/// few float32 ulps; exp/log/sqrt/pow come from different math libraries, within an ulp or two.
/// </summary>
public sealed class ReferenceTests
{
    private static readonly IReadOnlyDictionary<string, Tensor> Model = Fixtures.Load(FixturePath("lin_relu_lin_mse.json"));
    private static readonly IReadOnlyDictionary<string, Tensor> OpsTensors = Fixtures.Load(FixturePath("ops.json"));
    private static readonly IReadOnlyDictionary<string, Tensor> MatMulTensors = Fixtures.Load(FixturePath("matmul.json"));

    // float32 has a 2^-24 ≈ 6e-8 unit roundoff; the model's sums run over at most 32 terms, so
    // results that differ only in summation order agree to well within 1e-5 relative. The atol covers
    // gradient entries that are sums with heavy cancellation (true value near 0).
    private const double ModelRtol = 1e-5, ModelAtol = 1e-6;

    [Fact]
    public void Model_Forward_MatchesPyTorchOutputAndLoss()
    {
        var model = NewModel(out var x, out var y);

        var loss = model.Forward(x, y);

        Assert.Equal(0, loss.Rank);
        AssertClose(model.Layers[2].Out!, Model["out"], ModelRtol, ModelAtol, "out");
        AssertClose(loss, Model["loss"], ModelRtol, ModelAtol, "loss");
    }

    [Theory]
    [InlineData("x")]
    [InlineData("w1")]
    [InlineData("b1")]
    [InlineData("w2")]
    [InlineData("b2")]
    public void Model_Backward_MatchesPyTorchGradient(string name)
    {
        var model = NewModel(out var x, out var y);
        model.Forward(x, y);

        model.Backward();

        var lin1 = (Lin)model.Layers[0];
        var lin2 = (Lin)model.Layers[2];
        var ours = name switch
        {
            "x" => x.Grad,
            "w1" => lin1.W.Grad,
            "b1" => lin1.B.Grad,
            "w2" => lin2.W.Grad,
            _ => lin2.B.Grad,
        };
        Assert.NotNull(ours);
        AssertClose(ours, Model[name + ".grad"], ModelRtol, ModelAtol, name + ".grad");
    }

    [Fact]
    public void Model_Fixture_HasNonTrivialParametersAndGradients()
    {
        foreach (var name in new[] { "w1", "b1", "w2", "b2" })
            Assert.All(Model[name].ToArray(), v => Assert.NotEqual(0f, v));
        foreach (var name in new[] { "x.grad", "w1.grad", "b1.grad", "w2.grad", "b2.grad" })
            Assert.True(Model[name].Abs().Max().Item() > 1e-4f, $"{name} is (almost) all zero");
    }

    private static TwoLayerModel NewModel(out Tensor x, out Tensor y)
    {
        x = Model["x"].Clone();
        y = Model["y"].Clone();
        return new TwoLayerModel(Model["w1"].Clone(), Model["b1"].Clone(), Model["w2"].Clone(), Model["b2"].Clone());
    }

    public static TheoryData<string> OpCases() => CaseNames("ops.json", "cases");

    public static TheoryData<string> MatMulCases() => CaseNames("matmul.json", "cases");

    private static TheoryData<string> CaseNames(string file, string member)
    {
        using var document = FixtureDocument(file);
        var data = new TheoryData<string>();
        foreach (var c in document.RootElement.GetProperty(member).EnumerateArray())
            data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static readonly Dictionary<string, JsonElement> OpCaseTable = CaseTable("ops.json");
    private static readonly Dictionary<string, JsonElement> MatMulCaseTable = CaseTable("matmul.json");

    private static Dictionary<string, JsonElement> CaseTable(string file)
    {
        using var document = FixtureDocument(file);
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
    }

    [Theory]
    [MemberData(nameof(OpCases))]
    public void Op_MatchesPyTorch(string name)
    {
        var c = OpCaseTable[name];
        string op = c.GetProperty("op").GetString()!;
        var inputs = c.GetProperty("inputs").EnumerateArray().Select(k => OpsTensors[k.GetString()!].Clone()).ToArray();
        var expected = OpsTensors[c.GetProperty("output").GetString()!];
        var args = c.GetProperty("args");

        var actual = Apply(op, inputs, args);

        var (rtol, atol) = Tolerance(op);
        AssertClose(actual, expected, rtol, atol, name);
    }

    private static (double Rtol, double Atol) Tolerance(string op) => op switch
    {
        // Sums accumulate in double here, in float32 (pairwise) in PyTorch: a few ulps apart.
        "sum" or "mean" or "std" or "norm" => (1e-6, 1e-6),
        // Different libm implementations: an ulp or two.
        "exp" or "log" or "sqrt" or "pow" => (3e-7, 0),
        _ => (0, 0),
    };

    private static Tensor Apply(string op, Tensor[] x, JsonElement args)
    {
        float Scalar(string key) => args.GetProperty(key).GetSingle();
        int Int(string key) => args.GetProperty(key).GetInt32();
        bool HasDim() => args.TryGetProperty("dim", out _);
        bool Keep() => args.GetProperty("keepdim").GetBoolean();
        int[] ShapeArg() => args.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        return op switch
        {
            "add" => x[0] + x[1],
            "sub" => x[0] - x[1],
            "mul" => x[0] * x[1],
            "div" => x[0] / x[1],
            "gt" => x[0] > x[1],
            "ge" => x[0] >= x[1],
            "lt" => x[0] < x[1],
            "le" => x[0] <= x[1],
            "eq" => x[0].Eq(x[1]),
            "ne" => x[0].Ne(x[1]),
            "add_scalar" => x[0] + Scalar("scalar"),
            "sub_scalar" => x[0] - Scalar("scalar"),
            "mul_scalar" => x[0] * Scalar("scalar"),
            "div_scalar" => x[0] / Scalar("scalar"),
            "scalar_add" => Scalar("scalar") + x[0],
            "scalar_sub" => Scalar("scalar") - x[0],
            "scalar_mul" => Scalar("scalar") * x[0],
            "scalar_div" => Scalar("scalar") / x[0],
            "gt_scalar" => x[0] > Scalar("scalar"),
            "le_scalar" => x[0] <= Scalar("scalar"),
            "sum" => HasDim() ? x[0].Sum(Int("dim"), Keep()) : x[0].Sum(),
            "mean" => HasDim() ? x[0].Mean(Int("dim"), Keep()) : x[0].Mean(),
            "std" => HasDim() ? x[0].Std(Int("dim"), Keep()) : x[0].Std(),
            "max" => HasDim() ? x[0].Max(Int("dim"), Keep()) : x[0].Max(),
            "min" => HasDim() ? x[0].Min(Int("dim"), Keep()) : x[0].Min(),
            "argmax" => HasDim() ? x[0].ArgMax(Int("dim"), Keep()) : x[0].ArgMax(),
            "norm" => x[0].Norm(),
            "neg" => -x[0],
            "abs" => x[0].Abs(),
            "exp" => x[0].Exp(),
            "sqrt" => x[0].Sqrt(),
            "log" => x[0].Log(),
            "pow" => x[0].Pow(Scalar("exponent")),
            "clamp_min" => x[0].ClampMin(Scalar("min")),
            "unsqueeze" => x[0].Unsqueeze(Int("dim")),
            "squeeze" => x[0].Squeeze(),
            "squeeze_dim" => x[0].Squeeze(Int("dim")),
            "transpose" => x[0].Transpose(Int("dim0"), Int("dim1")),
            "t" => x[0].T(),
            "expand" => x[0].Expand(ShapeArg()),
            "reshape" => x[0].Reshape(ShapeArg()),
            "transpose_reshape" => x[0].T().Reshape(ShapeArg()),
            _ => throw new InvalidOperationException($"fixture op '{op}' has no C# counterpart in this test"),
        };
    }

    [Fact]
    public void OpsFixture_CoversEveryBinaryOpAndReduction()
    {
        var ops = OpCaseTable.Values.Select(c => c.GetProperty("op").GetString()).ToHashSet();
        foreach (var op in new[] { "add", "sub", "mul", "div", "gt", "ge", "lt", "le", "eq", "ne",
                     "sum", "mean", "std", "max", "min", "argmax", "norm", "pow", "sqrt", "exp", "log", "clamp_min",
                     "unsqueeze", "squeeze", "squeeze_dim", "transpose", "expand" })
            Assert.Contains(op, ops);
    }

    public static TheoryData<string, string> MatMulCasesByVersion()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in MatMulCaseTable.Keys)
            foreach (var version in MatMulTests.Versions.Keys)
                data.Add(name, version);
        return data;
    }

    // Products of up to 784 terms summed in different orders (blocked, SIMD lanes, double in
    // MathNet's managed provider or not): the error grows like sqrt(k)·ε·Σ|a||b|, so compare with an
    // atol scaled by the sum of magnitudes rather than a bare rtol, which fails near cancellations.
    [Theory]
    [MemberData(nameof(MatMulCasesByVersion))]
    public void MatMul_EveryVersion_MatchesPyTorch(string name, string version)
    {
        var c = MatMulCaseTable[name];
        var a = MatMulTensors[c.GetProperty("a").GetString()!];
        var b = MatMulTensors[c.GetProperty("b").GetString()!];
        var expected = MatMulTensors[c.GetProperty("output").GetString()!];

        var actual = MatMulTests.Versions[version](a, b);

        int k = a.Shape[1];
        double scale = MatMulTests.AbsProductScale(a, b);
        AssertClose(actual, expected, 0, 4 * Math.Sqrt(k) * 6e-8 * scale, $"{version} {name}");
    }
}
