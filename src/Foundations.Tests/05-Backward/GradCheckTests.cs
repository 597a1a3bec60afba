using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// The hand-written backward passes against central differences. The double-precision checks run
/// a small forward pass written here on double[] (independent of the library), so the numerical
/// gradient is the true gradient to about 1e-9; the float32 checks use the library's own forward.
/// </summary>
public sealed class GradCheckTests
{
    // Our backward runs in float32 (unit roundoff ε = 2^-24 ≈ 6e-8). Each gradient entry is a
    // chain of at most three products and sums over at most 32 terms, so its rounding error is at
    // most about 3·32·ε ≈ 6e-6 of the sum of the magnitudes of its terms; 1e-4 relative plus 1e-6
    // absolute (for entries that cancel to near zero) is above that and far below what any wrong
    // rule (a missing factor 2, a transposed W, an ungated ReLU) would produce.
    private const double Rtol = 1e-4, Atol = 1e-6;

    private const int N = 16, NIn = 7, NHidden = 9;

    /// <summary>Non-trivial inputs: normal x and targets, weights and biases all non-zero.</summary>
    private sealed record Data(Tensor X, Tensor Y, Tensor W1, Tensor B1, Tensor W2, Tensor B2)
    {
        public static Data Make(ulong seed)
        {
            var g = new Generator(seed);
            return new Data(
                g.Normal([N, NIn]),
                g.Normal([N]),
                g.Normal([NIn, NHidden]) * (1f / MathF.Sqrt(NIn)),
                g.Normal([NHidden]) * 0.5f,
                g.Normal([NHidden, 1]) * (1f / MathF.Sqrt(NHidden)),
                Tensor.From(0.3f));
        }

        public TwoLayerModel NewModel() => new(W1.Clone(), B1.Clone(), W2.Clone(), B2.Clone());
    }

    /// <summary>The model's loss in double precision, with plain loops: relu(x @ w1 + b1) @ w2 + b2, then MSE.</summary>
    private static double ModelLoss(double[] x, double[] w1, double[] b1, double[] w2, double[] b2, double[] y)
    {
        int n = y.Length, nIn = x.Length / n, nh = b1.Length;
        double loss = 0;
        for (int r = 0; r < n; r++)
        {
            double output = b2[0];
            for (int j = 0; j < nh; j++)
            {
                double pre = b1[j];
                for (int i = 0; i < nIn; i++) pre += x[r * nIn + i] * w1[i * nh + j];
                output += Math.Max(pre, 0) * w2[j];
            }
            loss += (output - y[r]) * (output - y[r]);
        }
        return loss / n;
    }

    private static double[] D(Tensor t) => ToDoubles(t);

    private static double SmallestPreActivation(Data d)
    {
        var pre = D(d.X.MatMul(d.W1) + d.B1);
        return pre.Min(Math.Abs);
    }

    public static TheoryData<string> ModelParameters() => ["x", "w1", "b1", "w2", "b2"];

    [Theory]
    [MemberData(nameof(ModelParameters))]
    public void Model_Backward_MatchesDoublePrecisionCentralDifferences(string name)
    {
        var d = Data.Make(42);
        // Central differences with h = 1e-6 are exact for a piecewise-smooth loss only away from
        // the ReLU kinks: no pre-activation may lie within h·|x| of zero.
        Assert.True(SmallestPreActivation(d) > 1e-3, "the seed puts a pre-activation on the ReLU kink");
        var model = d.NewModel();
        model.Forward(d.X, d.Y);
        model.Backward();
        var lin1 = (Lin)model.Layers[0];
        var lin2 = (Lin)model.Layers[2];
        double[] x = D(d.X), w1 = D(d.W1), b1 = D(d.B1), w2 = D(d.W2), b2 = D(d.B2), y = D(d.Y);

        var (numerical, ours) = name switch
        {
            "x" => (GradCheck.Numerical(v => ModelLoss(v, w1, b1, w2, b2, y), x), d.X.Grad),
            "w1" => (GradCheck.Numerical(v => ModelLoss(x, v, b1, w2, b2, y), w1), lin1.W.Grad),
            "b1" => (GradCheck.Numerical(v => ModelLoss(x, w1, v, w2, b2, y), b1), lin1.B.Grad),
            "w2" => (GradCheck.Numerical(v => ModelLoss(x, w1, b1, v, b2, y), w2), lin2.W.Grad),
            _ => (GradCheck.Numerical(v => ModelLoss(x, w1, b1, w2, v, y), b2), lin2.B.Grad),
        };

        Assert.NotNull(ours);
        Assert.Contains(numerical, g => Math.Abs(g) > 1e-3);
        AssertClose(D(ours), numerical, Rtol, Atol, $"dL/d{name}");
    }

    [Fact]
    public void Model_Fixture_ExercisesBothSidesOfTheRelu()
    {
        var d = Data.Make(42);
        var pre = D(d.X.MatMul(d.W1) + d.B1);
        double active = pre.Count(v => v > 0) / (double)pre.Length;
        Assert.InRange(active, 0.2, 0.8);
    }

    [Fact]
    public void Lin_Backward_MatchesDoublePrecisionCentralDifferences()
    {
        var d = Data.Make(1);
        var lin = new Lin(d.W1.Clone(), d.B1.Clone());
        var x = d.X.Clone();
        // L = Σ R ⊙ out for a fixed random R, so dL/dout = R: every output gets a different weight.
        var r = new Generator(2).Normal([N, NHidden]);
        lin.Forward(x);
        lin.Out!.Grad = r;
        lin.Backward();
        double[] xs = D(x), ws = D(lin.W), bs = D(lin.B), rs = D(r);

        double Loss(double[] xv, double[] wv, double[] bv)
        {
            double sum = 0;
            for (int i = 0; i < N; i++)
                for (int j = 0; j < NHidden; j++)
                {
                    double o = bv[j];
                    for (int p = 0; p < NIn; p++) o += xv[i * NIn + p] * wv[p * NHidden + j];
                    sum += rs[i * NHidden + j] * o;
                }
            return sum;
        }

        AssertClose(D(x.Grad!), GradCheck.Numerical(v => Loss(v, ws, bs), xs), Rtol, Atol, "Lin dL/dx");
        AssertClose(D(lin.W.Grad!), GradCheck.Numerical(v => Loss(xs, v, bs), ws), Rtol, Atol, "Lin dL/dW");
        AssertClose(D(lin.B.Grad!), GradCheck.Numerical(v => Loss(xs, ws, v), bs), Rtol, Atol, "Lin dL/dB");
    }

    [Fact]
    public void Relu_Backward_MatchesDoublePrecisionCentralDifferences()
    {
        var x = new Generator(3).Normal([6, 5]);
        Assert.True(D(x).Min(Math.Abs) > 1e-3, "the seed puts an input on the ReLU kink");
        var r = new Generator(4).Normal([6, 5]);
        var relu = new Relu();
        relu.Forward(x);
        relu.Out!.Grad = r;
        relu.Backward();
        var rs = D(r);

        var numerical = GradCheck.Numerical(v => v.Select((xi, i) => Math.Max(xi, 0) * rs[i]).Sum(), D(x));

        AssertClose(D(x.Grad!), numerical, Rtol, Atol, "Relu dL/dx");
        Assert.Contains(D(x), v => v < 0);
        Assert.Contains(D(x), v => v > 0);
    }

    [Fact]
    public void Mse_Backward_MatchesDoublePrecisionCentralDifferences()
    {
        var g = new Generator(5);
        var inp = g.Normal([11, 1]);
        var targ = g.Normal([11]);
        var mse = new Mse();
        mse.Forward(inp, targ);
        mse.Backward();
        var ts = D(targ);

        var numerical = GradCheck.Numerical(v => v.Select((p, i) => (p - ts[i]) * (p - ts[i])).Average(), D(inp));

        Assert.Equal([11, 1], inp.Grad!.Shape);
        AssertClose(D(inp.Grad), numerical, Rtol, Atol, "Mse dL/dinp");
    }

    [Fact]
    public void Mse_Forward_MatchesDoublePrecisionLoss()
    {
        var g = new Generator(6);
        var inp = g.Normal([9, 1]);
        var targ = g.Normal([9]);

        var loss = new Mse().Forward(inp, targ);

        double expected = D(inp).Zip(D(targ), (p, t) => (p - t) * (p - t)).Average();
        Assert.Equal(0, loss.Rank);
        Assert.Equal(expected, loss.Item(), 1e-6);
    }

    /// <summary>
    /// A model whose ReLU pattern cannot change under a nudge of 1e-2: |x @ w1| stays below 0.55
    /// while every |b1| is at least 1, so units with b1 &gt; 0 are always on and the rest always off.
    /// The loss is then a quadratic in each parameter, and float32 central differences see no kink.
    /// </summary>
    private static (TwoLayerModel Model, Tensor X, Tensor Y) KinkFreeModel()
    {
        var g = new Generator(7);
        var x = g.Uniform([8, 5]) * 2f - 1f;
        var y = g.Normal([8]);
        var w1 = (g.Uniform([5, 6]) * 2f - 1f) * 0.1f;
        var b1 = Tensor.From(1.2f, -1.5f, 1.1f, 2f, -1f, 1.7f);
        var w2 = g.Normal([6, 1]) * 0.5f;
        var b2 = Tensor.From(-0.2f);
        return (new TwoLayerModel(w1, b1, w2, b2), x, y);
    }

    // The float32 estimate: each loss is accurate to about 1e-6 relative (float32 forward, double
    // loss sum), and dividing the difference of two losses by 2h = 2e-2 magnifies that to about
    // 5e-5·L; the loss is quadratic in each parameter here, so the O(h²) term vanishes. We allow
    // 1e-3 absolute plus 1e-2 relative: a factor-of-2 slip or a wrong sign is far outside it.
    [Theory]
    [MemberData(nameof(ModelParameters))]
    public void Model_Backward_MatchesFloat32CentralDifferencesOnTheLibraryForward(string name)
    {
        var (model, x, y) = KinkFreeModel();
        var lin1 = (Lin)model.Layers[0];
        var lin2 = (Lin)model.Layers[2];
        var parameter = name switch { "x" => x, "w1" => lin1.W, "b1" => lin1.B, "w2" => lin2.W, _ => lin2.B };

        var numerical = GradCheck.Numerical(() => model.Forward(x, y).Item(), parameter);
        model.Forward(x, y);
        model.Backward();

        AssertClose(parameter.Grad!, numerical, 1e-2, 1e-3, $"float32 dL/d{name}");
        Assert.True(numerical.Abs().Max().Item() > 1e-2f, $"dL/d{name} is too small to test anything");
    }

    [Fact]
    public void GradCheck_Double_IsExactForAQuadratic()
    {
        double[] x = [1.5, -2, 0.25];

        var g = GradCheck.Numerical(v => v[0] * v[0] + 3 * v[1] * v[2], x);

        AssertClose(g, [3.0, 0.75, -6.0], 1e-8, 1e-8, "d/dx of x0² + 3·x1·x2");
        Assert.Equal([1.5, -2, 0.25], x);
    }

    [Fact]
    public void GradCheck_Float32_RestoresTheParameter()
    {
        var p = Tensor.From(1f, -2f, 3f);
        var before = p.ToArray();

        var g = GradCheck.Numerical(() => (p * p).Sum().Item(), p);

        Assert.Equal(before, p.ToArray());
        AssertClose(g, Tensor.From(2f, -4f, 6f), 1e-4, 1e-4, "d/dp Σp²");
    }

    [Fact]
    public void Model_TwoPassesWithoutZeroGrad_SumTheGradients()
    {
        var d = Data.Make(8);
        var model = d.NewModel();
        model.Forward(d.X, d.Y);
        model.Backward();
        var tensors = model.Parameters().Append(d.X).ToArray();
        var first = tensors.Select(t => t.Grad!.ToArray()).ToArray();

        model.Forward(d.X, d.Y);
        model.Backward();

        // The same pass twice: each gradient doubles, which in float32 is exact.
        for (int i = 0; i < tensors.Length; i++)
            Assert.Equal(first[i].Select(g => 2 * g), tensors[i].Grad!.ToArray());
    }

    [Fact]
    public void Model_ZeroGradBetweenPasses_GivesTheSameGradientsAgain()
    {
        var d = Data.Make(9);
        var model = d.NewModel();
        model.Forward(d.X, d.Y);
        model.Backward();
        var parameters = model.Parameters().ToArray();
        var first = parameters.Select(t => t.Grad!.ToArray()).ToArray();

        model.ZeroGrad();
        Assert.All(parameters, p => Assert.Null(p.Grad));
        model.Forward(d.X, d.Y);
        model.Backward();

        for (int i = 0; i < parameters.Length; i++)
            Assert.Equal(first[i], parameters[i].Grad!.ToArray());
    }

    [Fact]
    public void Lin_BackwardBeforeForward_ThrowsInvalidOperation()
    {
        var lin = new Lin(Tensor.Ones(3, 2), Tensor.Ones(2));

        AssertThrowsNaming<InvalidOperationException>(lin.Backward, "Lin(3, 2)", "Forward");
    }

    [Fact]
    public void Relu_BackwardBeforeForward_ThrowsInvalidOperation()
    {
        AssertThrowsNaming<InvalidOperationException>(new Relu().Backward, "Relu", "Forward");
    }

    [Fact]
    public void Mse_BackwardBeforeForward_ThrowsInvalidOperation()
    {
        AssertThrowsNaming<InvalidOperationException>(new Mse().Backward, "Mse", "Forward");
    }

    [Fact]
    public void Model_BackwardBeforeForward_ThrowsInvalidOperation()
    {
        var model = Data.Make(10).NewModel();

        AssertThrowsNaming<InvalidOperationException>(model.Backward, "Forward");
    }

    [Fact]
    public void Lin_BackwardWithoutOutputGradient_ThrowsInvalidOperation()
    {
        var lin = new Lin(Tensor.Ones(3, 2), Tensor.Ones(2));
        lin.Forward(Tensor.Ones(4, 3));

        AssertThrowsNaming<InvalidOperationException>(lin.Backward, "Lin(3, 2)", "gradient");
    }
}
