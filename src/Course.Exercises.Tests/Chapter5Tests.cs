namespace Course.Exercises.Tests;

/// <summary>
/// Chapter 5's checks: a right answer passes, the placeholder and null are "not attempted", and the
/// mistakes learners really make are "not right yet" with the fact that helps them.
/// </summary>
public sealed class Chapter5Tests
{
    private static Tensor Placeholder2(Tensor a, Tensor b) => throw new NotImplementedException();

    private static void AssertNotYetRight(ExerciseResult result, params string[] fragments)
    {
        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        foreach (var fragment in fragments) Assert.Contains(fragment, result.Message);
    }

    // 5.1: x = 2, W₁ = 0.5, b₁ = -1.25, W₂ = 3, b₂ = 1, y = 2, so z = -0.25 and the unit is dead.

    [Fact]
    public void DeadUnit_TheHandWorkedValues_AreCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter5.CheckDeadUnit(-2, -6, 0, -2, 0).Status);

    [Fact]
    public void DeadUnit_AllNull_IsNotAttempted() =>
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckDeadUnit(null, null, null, null, null).Status);

    [Fact]
    public void DeadUnit_OneValueStillNull_IsNotAttempted_AndNamesIt()
    {
        var result = Chapter5.CheckDeadUnit(-2, null, 0, -2, 0);

        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.Contains("dLdH", result.Message);
    }

    [Fact]
    public void DeadUnit_TheChaptersValues_SayToRedoTheForwardPass_WithoutGivingTheAnswer()
    {
        var result = Chapter5.CheckDeadUnit(2.5, 7.5, 1.875, 2.5, 15);

        AssertNotYetRight(result, "dL/dout: 2.5 is not right", "b₁ = -1.25");
        Assert.DoesNotContain("-2", result.Message);
    }

    [Fact]
    public void DeadUnit_BlockingBeforeH_SaysWhereTheReluBlocks() =>
        AssertNotYetRight(Chapter5.CheckDeadUnit(-2, 0, 0, -2, 0), "dL/dh: 0 is not right", "between h and z");

    [Fact]
    public void DeadUnit_AGradientThroughTheDeadUnit_SaysZIsNegative() =>
        AssertNotYetRight(Chapter5.CheckDeadUnit(-2, -6, 0, -2, -12), "dL/dW₁: -12 is not right", "negative");

    [Fact]
    public void DeadUnit_TheWrongSign_SaysSo() =>
        AssertNotYetRight(Chapter5.CheckDeadUnit(2, -6, 0, -2, 0), "dL/dout", "The sign");

    // 5.2

    private static Tensor Tanh(Tensor inp) => 1f - 2f / ((2f * inp).Exp() + 1f);

    [Fact]
    public void TanhGrad_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter5.CheckTanhGrad((inp, g) => g * (1f - Tanh(inp) * Tanh(inp))).Status);

    [Fact]
    public void TanhGrad_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckTanhGrad(Placeholder2).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckTanhGrad(null).Status);
    }

    [Fact]
    public void TanhGrad_WithoutOutGrad_SaysToMultiplyByIt() =>
        AssertNotYetRight(Chapter5.CheckTanhGrad((inp, g) => 1f - Tanh(inp) * Tanh(inp)),
            "with inp of shape (1, 6), against finite differences", "where inp = ", "multiply it by outGrad");

    [Fact]
    public void TanhGrad_SquaringTheInput_SaysToSquareTanh() =>
        AssertNotYetRight(Chapter5.CheckTanhGrad((inp, g) => g * (1f - inp * inp)), "square tanh(inp), not inp");

    [Fact]
    public void TanhGrad_WritingIntoOutGrad_SaysAnInputChanged() =>
        AssertNotYetRight(Chapter5.CheckTanhGrad((inp, g) =>
        {
            g.CopyFrom(g * (1f - Tanh(inp) * Tanh(inp)));
            return g;
        }), "your function changed outGrad");

    // 5.3

    [Fact]
    public void SigmoidGrad_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter5.CheckSigmoidGrad((s, g) => g * s * (1f - s)).Status);

    [Fact]
    public void SigmoidGrad_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckSigmoidGrad(Placeholder2).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckSigmoidGrad(null).Status);
    }

    [Fact]
    public void SigmoidGrad_TreatingTheOutputAsTheInput_SaysTheSigmoidWasAppliedAgain()
    {
        static Tensor Sigmoid(Tensor t) => 1f / (1f + (-t).Exp());
        AssertNotYetRight(Chapter5.CheckSigmoidGrad((s, g) => g * Sigmoid(s) * (1f - Sigmoid(s))), "where output = ", "applied the sigmoid to output again");
    }

    [Fact]
    public void SigmoidGrad_TanhsRule_SaysItIsTanhs() =>
        AssertNotYetRight(Chapter5.CheckSigmoidGrad((s, g) => g * (1f - s * s)), "tanh's rule");

    // 5.4

    private static Tensor LeakyReluGrad(Tensor inp, Tensor g, float slope) => ((inp > 0f) + slope * (inp <= 0f)) * g;

    [Fact]
    public void LeakyReluGrad_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter5.CheckLeakyReluGrad(LeakyReluGrad).Status);

    [Fact]
    public void LeakyReluGrad_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckLeakyReluGrad((inp, g, slope) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckLeakyReluGrad(null).Status);
    }

    [Fact]
    public void LeakyReluGrad_TheReluRule_SaysTheNegativeSideNeedsTheSlope() =>
        AssertNotYetRight(Chapter5.CheckLeakyReluGrad((inp, g, slope) => (inp > 0f) * g), "slope: 0.01", "pass slope × outGrad there");

    [Fact]
    public void LeakyReluGrad_PassingAtZero_NamesTheZeroInput() =>
        AssertNotYetRight(Chapter5.CheckLeakyReluGrad((inp, g, slope) => ((inp >= 0f) + slope * (inp < 0f)) * g),
            "inp of shape (8,)", "where inp = 0,", "At inp = 0 exactly use the slope");

    [Fact]
    public void LeakyReluGrad_TestingOutGradInsteadOfInp_SaysWhichToTest() =>
        AssertNotYetRight(Chapter5.CheckLeakyReluGrad((inp, g, slope) => ((g > 0f) + slope * (g <= 0f)) * g), "The test is on inp");

    // 5.5

    [Fact]
    public void MseMatrixGrad_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter5.CheckMseMatrixGrad((inp, targ) => 2f * (inp - targ) / inp.Count).Status);

    [Fact]
    public void MseMatrixGrad_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckMseMatrixGrad(Placeholder2).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckMseMatrixGrad(null).Status);
    }

    [Fact]
    public void MseMatrixGrad_DividingByTheRows_SaysTheMeanIsOverEveryElement() =>
        AssertNotYetRight(Chapter5.CheckMseMatrixGrad((inp, targ) => 2f * (inp - targ) / inp.Size(0)),
            "shape (4, 3)", "divided by the number of rows (4)", "n·k = 12");

    [Fact]
    public void MseMatrixGrad_WithoutTheFactorTwo_SaysSo() =>
        AssertNotYetRight(Chapter5.CheckMseMatrixGrad((inp, targ) => (inp - targ) / inp.Count), "factor 2");

    [Fact]
    public void MseMatrixGrad_TheChaptersSqueezeAndUnsqueeze_NamesBothShapes() =>
        AssertNotYetRight(Chapter5.CheckMseMatrixGrad((inp, targ) => (2f * (inp.Squeeze(-1) - targ) / targ.Size(0)).Unsqueeze(-1)),
            "expected shape (4, 3), got (4, 3, 1)");

    // 5.6: W stored (nOut, nIn), out = inp @ Wᵀ + b.

    private static (Tensor, Tensor, Tensor) LinearBackward(Tensor inp, Tensor w, Tensor g) => (g.MatMul(w), g.T().MatMul(inp), g.Sum(0));

    [Fact]
    public void LinearBackward_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter5.CheckLinearBackward(LinearBackward).Status);

    [Fact]
    public void LinearBackward_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckLinearBackward((inp, w, g) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckLinearBackward(null).Status);
    }

    [Fact]
    public void LinearBackward_TheChaptersWeightGradient_NamesBothShapes() =>
        AssertNotYetRight(Chapter5.CheckLinearBackward((inp, w, g) => (g.MatMul(w), inp.T().MatMul(g), g.Sum(0))),
            "DW has shape (3, 2), but W has shape (2, 3)");

    [Fact]
    public void LinearBackward_TheChaptersRulesOnASquareLayer_ExplainTheLayout() =>
        AssertNotYetRight(Chapter5.CheckLinearBackward((inp, w, g) => w.Size(0) == w.Size(1) ? (g.MatMul(w.T()), g.T().MatMul(inp), g.Sum(0)) : LinearBackward(inp, w, g)),
            "inp (3, 3), w (3, 3)", "DInp", "stored (nOut, nIn)");

    [Fact]
    public void LinearBackward_AnUnsummedBias_SaysOneRowPerExample() =>
        AssertNotYetRight(Chapter5.CheckLinearBackward((inp, w, g) => (g.MatMul(w), g.T().MatMul(inp), g)), "DB has shape (5, 2), one row per example");

    [Fact]
    public void LinearBackward_ABiasSummedOverTheOutputs_SaysWhichAxis() =>
        AssertNotYetRight(Chapter5.CheckLinearBackward((inp, w, g) => (g.MatMul(w), g.T().MatMul(inp), g.Sum(1))), "DB has shape (5,)", "sum over the batch");

    [Fact]
    public void LinearBackward_ABiasAveragedOverTheBatch_SaysToSum() =>
        AssertNotYetRight(Chapter5.CheckLinearBackward((inp, w, g) => (g.MatMul(w), g.T().MatMul(inp), g.Mean(0))), "DB", "mean over the batch");

    // 5.7: out = relu(x @ W) @ W.

    private static void AddGrad(Tensor t, Tensor share) => t.Grad = t.Grad is null ? share : t.Grad + share;

    private static void TiedGrad(Tensor x, Tensor w, Tensor g)
    {
        var z = x.MatMul(w);
        AddGrad(w, z.ClampMin(0f).T().MatMul(g));
        AddGrad(w, x.T().MatMul((z > 0f) * g.MatMul(w.T())));
    }

    [Fact]
    public void TiedGrad_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter5.CheckTiedGrad(TiedGrad).Status);

    [Fact]
    public void TiedGrad_AddingInPlace_IsCorrectToo() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter5.CheckTiedGrad((x, w, g) =>
        {
            var z = x.MatMul(w);
            var share = z.ClampMin(0f).T().MatMul(g) + x.T().MatMul((z > 0f) * g.MatMul(w.T()));
            if (w.Grad is null) w.Grad = share;
            else w.Grad.AddInPlace(share);
        }).Status);

    [Fact]
    public void TiedGrad_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckTiedGrad((x, w, g) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckTiedGrad(null).Status);
    }

    [Fact]
    public void TiedGrad_AssigningEachShare_SaysTheSecondUsesShareWasOverwritten() =>
        AssertNotYetRight(Chapter5.CheckTiedGrad((x, w, g) =>
        {
            var z = x.MatMul(w);
            w.Grad = z.ClampMin(0f).T().MatMul(g);
            w.Grad = x.T().MatMul((z > 0f) * g.MatMul(w.T()));
        }), "w.Grad null before the call", "only the share from W's first use", "overwritten");

    [Fact]
    public void TiedGrad_OnlyTheOuterUse_SaysTheFirstUseAddsAShare() =>
        AssertNotYetRight(Chapter5.CheckTiedGrad((x, w, g) => AddGrad(w, x.MatMul(w).ClampMin(0f).T().MatMul(g))),
            "only the share from W's second use");

    [Fact]
    public void TiedGrad_ReplacingAnEarlierGradient_SaysToAddToIt() =>
        AssertNotYetRight(Chapter5.CheckTiedGrad((x, w, g) =>
        {
            w.Grad = null;
            TiedGrad(x, w, g);
        }), "already holding an earlier pass's gradient", "you replaced it");

    [Fact]
    public void TiedGrad_WithoutTheReluGate_SaysSo() =>
        AssertNotYetRight(Chapter5.CheckTiedGrad((x, w, g) =>
        {
            AddGrad(w, x.MatMul(w).ClampMin(0f).T().MatMul(g));
            AddGrad(w, x.T().MatMul(g.MatMul(w.T())));
        }), "ReLU's gate");

    [Fact]
    public void TiedGrad_LeavingGradNull_SaysWhereTheGradientGoes() =>
        AssertNotYetRight(Chapter5.CheckTiedGrad((x, w, g) => { }), "w.Grad is still null");

    // 5.8

    private delegate double RelativeError(double grad, double estimate);

    /// <summary>A gradient check that estimates every element with h = 1e-3 and keeps the worst by <paramref name="relative"/>.</summary>
    private static (string Name, int Index, double RelativeError) WorstBy(Func<float> loss, (string Name, Tensor Value, Tensor Grad)[] parameters,
        RelativeError relative, Func<double, double, double>? keep = null)
    {
        keep ??= (worst, candidate) => candidate > worst ? candidate : worst;
        (string Name, int Index, double RelativeError) worst = ("", -1, -1);
        foreach (var (name, value, grad) in parameters)
        {
            var estimate = GradCheck.Numerical(loss, value, 1e-3f).ToArray();
            var g = grad.ToArray();
            for (int i = 0; i < g.Length; i++)
            {
                double r = relative(g[i], estimate[i]), kept = keep(worst.RelativeError, r);
                if (!kept.Equals(worst.RelativeError)) worst = (name, i, kept);
            }
        }
        return worst;
    }

    private static (string, int, double) WorstElement(Func<float> loss, (string Name, Tensor Value, Tensor Grad)[] parameters) =>
        WorstBy(loss, parameters, (g, n) => Math.Abs(g - n) / Math.Max(Math.Max(Math.Abs(g), Math.Abs(n)), 1e-2));

    [Fact]
    public void WorstElement_TheSolution_IsCorrect_AndNamesTheDeadUnitWithoutTheGate()
    {
        var result = Chapter5.CheckWorstElement(WorstElement);

        Assert.True(result.Status == ExerciseStatus.Correct, result.ToString());
        Assert.Contains("forgets the ReLU's gate: b1[4]", result.Message);
        Assert.Contains("a mean over the batch, not a sum: b2[0]", result.Message);
        Assert.Contains("last row of w1's gradient at 0: w1[5, ", result.Message);
    }

    [Fact]
    public void WorstElement_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckWorstElement((_, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter5.CheckWorstElement(null).Status);
    }

    [Fact]
    public void WorstElement_DividingByTheEstimateAlone_RaisesAFalseAlarmOnTheRightPass() =>
        AssertNotYetRight(Chapter5.CheckWorstElement((loss, ps) => WorstBy(loss, ps, (g, n) => Math.Abs(g - n) / Math.Abs(n))),
            "On a correct backward pass, your check reported w1[0, ", "rounding alone", "floor");

    [Fact]
    public void WorstElement_KeepingNaN_SaysZeroOverZero() =>
        AssertNotYetRight(Chapter5.CheckWorstElement((loss, ps) => WorstBy(loss, ps, (g, n) => Math.Abs(g - n) / (Math.Abs(g) + Math.Abs(n)), Math.Max)),
            "relative error of NaN", "0/0 is NaN");

    [Fact]
    public void WorstElement_KeepingOnlyTheLastParametersWorst_NamesTheWrongParameter() =>
        AssertNotYetRight(Chapter5.CheckWorstElement((loss, ps) => WorstElement(loss, ps[^1..])),
            "On the pass whose b1 gradient forgets the ReLU's gate, your check named b2[0]", "the badly wrong elements are elsewhere", "every element of every parameter");

    [Fact]
    public void WorstElement_LeavingANudgeInPlace_IsCaught() =>
        AssertNotYetRight(Chapter5.CheckWorstElement((loss, ps) =>
        {
            var worst = WorstElement(loss, ps);
            ps[0].Value.SetValue(ps[0].Value.GetValue(0, 0) + 1e-3f, 0, 0);
            return worst;
        }), "your check left w1 changed", "put every nudged value back");
}

