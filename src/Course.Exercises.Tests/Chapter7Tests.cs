namespace Course.Exercises.Tests;

/// <summary>
/// Chapter 7's checks: a right answer is correct, the placeholder and null are not attempted, and each
/// mistake a learner really makes is not right yet, with the words that point at it.
/// </summary>
public sealed class Chapter7Tests
{
    private static void AssertNotYetRight(ExerciseResult result, params string[] fragments)
    {
        Assert.True(result.Status == ExerciseStatus.NotYetRight, $"expected not right yet, got {result}");
        foreach (var fragment in fragments)
            Assert.True(result.Message.Contains(fragment, StringComparison.Ordinal), $"the message should contain \"{fragment}\":\n{result.Message}");
    }

    // 7.1: a topological order from edges (From → To: To was computed from From).

    private static int[] DepthFirstOrder(int count, (int From, int To)[] edges, bool keepVisited = true, bool everyNode = true)
    {
        var inputs = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        foreach (var (from, to) in edges) inputs[to].Add(from);
        var order = new List<int>();
        var visited = new bool[count];
        void Visit(int node)
        {
            if (keepVisited && visited[node]) return;
            visited[node] = true;
            foreach (var input in inputs[node]) Visit(input);
            order.Add(node);
        }
        if (everyNode) for (int node = 0; node < count; node++) Visit(node);
        else Visit(count - 1);
        return order.ToArray();
    }

    [Fact]
    public void TopologicalOrder_DepthFirst_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter7.CheckTopologicalOrder((n, e) => DepthFirstOrder(n, e)).Status);

    [Fact]
    public void TopologicalOrder_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckTopologicalOrder((_, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckTopologicalOrder(null).Status);
    }

    [Fact]
    public void TopologicalOrder_NodesInNumberOrder_SaysToFollowTheEdges() =>
        AssertNotYetRight(Chapter7.CheckTopologicalOrder((n, _) => Enumerable.Range(0, n).ToArray()),
            "a chain numbered from its end", "lists node 3 before its input 4", "follow the edges, not the numbers");

    [Fact]
    public void TopologicalOrder_OutputsFirst_SaysThatIsBackwardsOrder() =>
        AssertNotYetRight(Chapter7.CheckTopologicalOrder((n, e) => DepthFirstOrder(n, e).Reverse().ToArray()),
            "the chapter's y", "lists node 3 before its input 0", "the order Backward walks");

    [Fact]
    public void TopologicalOrder_WithoutAVisitedSet_NamesTheNodeListedTwice() =>
        AssertNotYetRight(Chapter7.CheckTopologicalOrder((n, e) => DepthFirstOrder(n, e, keepVisited: false)),
            "lists node 0 twice", "already placed");

    [Fact]
    public void TopologicalOrder_OnlyFromTheLastNode_SaysNodesAreMissing() =>
        AssertNotYetRight(Chapter7.CheckTopologicalOrder((n, e) => DepthFirstOrder(n, e, everyNode: false)),
            "a chain numbered from its end", "has 1 of the 5 nodes; node 0 is missing", "every node exactly once");

    [Fact]
    public void TopologicalOrder_SortingTheEdgesInPlace_IsAWrongAnswer() =>
        AssertNotYetRight(Chapter7.CheckTopologicalOrder((n, e) => { Array.Sort(e); return DepthFirstOrder(n, e); }),
            "changed the edges array");

    // 7.2: the gradients of a = (2, -1, 3), read twice, and b = (5), broadcast, in Σ (a + b)·a.

    [Fact]
    public void UsedTwice_BothSharesAndTheBroadcastSum_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter7.CheckUsedTwice([9f, 3f, 11f], [4f]).Status);

    [Fact]
    public void UsedTwice_Null_IsNotAttemptedAndNamesTheVariable()
    {
        var result = Chapter7.CheckUsedTwice(null, null);
        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.Contains("gradientOfA", result.Message);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckUsedTwice([9f, 3f, 11f], null).Status);
    }

    [Fact]
    public void UsedTwice_OnlyMulsShare_SaysAddPassesOneToo() =>
        AssertNotYetRight(Chapter7.CheckUsedTwice([7f, 4f, 8f], [4f]), "expected (9, 3, 11), got (7, 4, 8)", "also an input of Add");

    [Fact]
    public void UsedTwice_OnlyAddsShare_SaysMulPassesOneToo() =>
        AssertNotYetRight(Chapter7.CheckUsedTwice([2f, -1f, 3f], [4f]), "only the share a gets through Add");

    [Fact]
    public void UsedTwice_BroadcastGradientNotSummed_SaysBHasOneValue() =>
        AssertNotYetRight(Chapter7.CheckUsedTwice([9f, 3f, 11f], [2f, -1f, 3f]), "gradientOfB: expected 1, got 3", "summed back");

    [Fact]
    public void UsedTwice_WrongValueForB_SaysWhatBReaches() =>
        AssertNotYetRight(Chapter7.CheckUsedTwice([9f, 3f, 11f], [5f]), "gradientOfB: expected (4), got (5)", "sum of dL/d(a + b)");

    // 7.3: sigmoid with its backward rule.

    private static (Tensor Output, Func<Tensor, Tensor> Backward) Sigmoid(Tensor x)
    {
        var output = 1f / ((-x).Exp() + 1f);
        return (output, g => g * output * (1f - output));
    }

    [Fact]
    public void Sigmoid_OutputAndRuleFromTheOutput_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter7.CheckSigmoid(Sigmoid).Status);

    [Fact]
    public void Sigmoid_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckSigmoid(_ => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckSigmoid(null).Status);
    }

    [Fact]
    public void Sigmoid_RuleWrittenWithTheInput_SaysTheOutputBelongsThere() =>
        AssertNotYetRight(Chapter7.CheckSigmoid(x => (Sigmoid(x).Output, g => g * x * (1f - x))),
            "x of shape (3, 7)", "Backward(g)", "with x where the output σ(x) belongs");

    [Fact]
    public void Sigmoid_RuleIgnoringG_SaysToMultiplyByG() =>
        AssertNotYetRight(Chapter7.CheckSigmoid(x => { var s = Sigmoid(x).Output; return (s, _ => s * (1f - s)); }),
            "must multiply by g");

    [Fact]
    public void Sigmoid_RuleOfExp_SaysSigmasDerivativeIsNotItself() =>
        AssertNotYetRight(Chapter7.CheckSigmoid(x => { var s = Sigmoid(x).Output; return (s, g => g * s); }),
            "the rule of exp");

    [Fact]
    public void Sigmoid_ForwardWithoutTheMinus_NamesTheOutput() =>
        AssertNotYetRight(Chapter7.CheckSigmoid(x => Sigmoid(-x)), "x of shape (3, 7), random: the output: the values differ", "1 / (1 + exp(-x))");

    [Fact]
    public void Sigmoid_WritingIntoX_IsAWrongAnswer() =>
        AssertNotYetRight(Chapter7.CheckSigmoid(x => { var result = Sigmoid(x); x.Fill(0f); return result; }),
            "changed its input x");

    // 7.4: log-softmax over each row.

    private static Tensor LogSoftmax(Tensor logits)
    {
        var max = logits.Max(1, keepDim: true);
        return logits - ((logits - max).Exp().Sum(1, keepDim: true).Log() + max);
    }

    [Fact]
    public void LogSoftmax_ShiftedByTheRowMaximum_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter7.CheckLogSoftmax(LogSoftmax).Status);

    [Fact]
    public void LogSoftmax_TheLibrarysOwn_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter7.CheckLogSoftmax(z => z.LogSoftmax(1)).Status);

    [Fact]
    public void LogSoftmax_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckLogSoftmax(_ => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckLogSoftmax(null).Status);
    }

    [Fact]
    public void LogSoftmax_Naive_NamesTheOverflow() =>
        AssertNotYetRight(Chapter7.CheckLogSoftmax(z => (z.Exp() / z.Exp().Sum(1, keepDim: true)).Log()),
            "logits (1000, 1001, 1002)", "got NaN", "subtract each row's largest logit");

    [Fact]
    public void LogSoftmax_OverColumns_SaysToNormaliseEachRow() =>
        AssertNotYetRight(Chapter7.CheckLogSoftmax(z => LogSoftmax(z.T()).T()), "you normalised each column", "dimension 1");

    [Fact]
    public void LogSoftmax_ShiftNotAddedBack_SaysEachRowIsOffByAConstant() =>
        AssertNotYetRight(Chapter7.CheckLogSoftmax(z =>
        {
            var max = z.Max(1, keepDim: true);
            return z - (z - max).Exp().Sum(1, keepDim: true).Log();
        }), "off by the same amount", "m + log Σ exp(z - m)");

    [Fact]
    public void LogSoftmax_ReturningTheSoftmax_SaysTakeTheLog() =>
        AssertNotYetRight(Chapter7.CheckLogSoftmax(z => LogSoftmax(z).Exp()), "you returned the softmax itself");

    // 7.5: cross-entropy from logits and labels.

    private static float CrossEntropy(Tensor logits, Tensor labels, bool mean = true)
    {
        var logProbabilities = LogSoftmax(logits);
        double total = 0;
        for (int i = 0; i < logits.Size(0); i++) total -= logProbabilities[i, (int)labels.GetValue(i)];
        return (float)(mean ? total / logits.Size(0) : total);
    }

    [Fact]
    public void CrossEntropy_MeanOfMinusLogProbability_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter7.CheckCrossEntropy((z, y) => CrossEntropy(z, y)).Status);

    [Fact]
    public void CrossEntropy_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckCrossEntropy((_, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckCrossEntropy(null).Status);
    }

    [Fact]
    public void CrossEntropy_SumOverTheBatch_SaysTakeTheMean() =>
        AssertNotYetRight(Chapter7.CheckCrossEntropy((z, y) => CrossEntropy(z, y, mean: false)),
            "logits of shape (8, 10)", "that is the sum over the rows");

    [Fact]
    public void CrossEntropy_WithoutTheMinus_SaysTheLossIsPositive() =>
        AssertNotYetRight(Chapter7.CheckCrossEntropy((z, y) => -CrossEntropy(z, y)), "minus the log-probability of the right class");

    [Fact]
    public void CrossEntropy_NaiveSoftmax_NamesTheOverflow() =>
        AssertNotYetRight(Chapter7.CheckCrossEntropy((z, y) =>
        {
            var p = z.Exp() / z.Exp().Sum(1, keepDim: true);
            return -Enumerable.Range(0, z.Size(0)).Average(i => MathF.Log(p[i, (int)y.GetValue(i)]));
        }), "logits (1000, 1001, 1002)", "labels (0, 0)", "got NaN", "exp overflows float32");

    [Fact]
    public void CrossEntropy_LabelsReadAsRows_SaysWhichColumn() =>
        AssertNotYetRight(Chapter7.CheckCrossEntropy((z, y) =>
        {
            var logProbabilities = LogSoftmax(z);
            return -Enumerable.Range(0, z.Size(0)).Average(i => logProbabilities[i, Math.Min(i, z.Size(1) - 1)]);
        }), "column labels[i]");

    // 7.6: the hand-derived gradient of cross-entropy.

    private static Tensor CrossEntropyGradient(Tensor logits, Tensor labels, bool divide = true)
    {
        var gradient = LogSoftmax(logits).Exp();
        for (int i = 0; i < logits.Size(0); i++)
        {
            int label = (int)labels.GetValue(i);
            gradient[i, label] -= 1f;
        }
        return divide ? gradient / logits.Size(0) : gradient;
    }

    [Fact]
    public void CrossEntropyGradient_SoftmaxMinusOneHotOverN_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter7.CheckCrossEntropyGradient((z, y) => CrossEntropyGradient(z, y)).Status);

    [Fact]
    public void CrossEntropyGradient_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckCrossEntropyGradient((_, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckCrossEntropyGradient(null).Status);
    }

    [Fact]
    public void CrossEntropyGradient_NotDividedByN_SaysTheLossIsAMean() =>
        AssertNotYetRight(Chapter7.CheckCrossEntropyGradient((z, y) => CrossEntropyGradient(z, y, divide: false)),
            "logits of shape (8, 10)", "against autograd", "divided by n");

    [Fact]
    public void CrossEntropyGradient_OneHotMinusSoftmax_SaysWhichWayRound() =>
        AssertNotYetRight(Chapter7.CheckCrossEntropyGradient((z, y) => -CrossEntropyGradient(z, y)), "softmax minus one_hot");

    [Fact]
    public void CrossEntropyGradient_SoftmaxOnly_SaysSubtractTheOneHotRow() =>
        AssertNotYetRight(Chapter7.CheckCrossEntropyGradient((z, _) => LogSoftmax(z).Exp() / z.Size(0)), "subtract the one-hot row");

    [Fact]
    public void CrossEntropyGradient_NaiveSoftmax_NamesTheOverflow() =>
        AssertNotYetRight(Chapter7.CheckCrossEntropyGradient((z, y) =>
            (z.Exp() / z.Exp().Sum(1, keepDim: true) - Classification.OneHot(y, z.Size(1))) / z.Size(0)),
            "logits (1000, 1001, 1002)", "subtract each row's largest logit");

    // 7.7: an operation of the learner's choosing, against finite differences of its own forward pass.

    private static (Tensor Output, Func<Tensor, Tensor> Backward) Cube(Tensor x) => (x * x * x, g => g * x * x * 3f);

    private static (Tensor Output, Func<Tensor, Tensor> Backward) Softplus(Tensor x)
    {
        var output = (x.Exp() + 1f).Log();
        return (output, g => g / ((-x).Exp() + 1f));      // dsoftplus/dx = σ(x)
    }

    private static (Tensor Output, Func<Tensor, Tensor> Backward) RowSoftmax(Tensor x)
    {
        var s = x.Softmax(1);
        // dL/dx_j = s_j (g_j - Σ_i g_i s_i)
        return (s, g => s * (g - (g * s).Sum(1, keepDim: true)));
    }

    private static (Tensor Output, Func<Tensor, Tensor> Backward) RowStandardise(Tensor x)
    {
        var centred = x - x.Mean(1, keepDim: true);
        var sigma = (centred * centred).Mean(1, keepDim: true).Sqrt();
        var output = centred / sigma;
        return (output, g => (g - g.Mean(1, keepDim: true) - output * (g * output).Mean(1, keepDim: true)) / sigma);
    }

    private static (Tensor Output, Func<Tensor, Tensor> Backward) RowLogSumExp(Tensor x)
    {
        var output = x.LogSumExp(1);
        return (output, g => g.Reshape(x.Size(0), 1) * x.Softmax(1));
    }

    public static TheoryData<string> RightOperations() => ["cube", "softplus", "row softmax", "row standardise", "row log-sum-exp", "relu", "abs"];

    private static Func<Tensor, (Tensor Output, Func<Tensor, Tensor> Backward)> Operation(string name) => name switch
    {
        "cube" => Cube,
        "softplus" => Softplus,
        "row softmax" => RowSoftmax,
        "row standardise" => RowStandardise,
        "row log-sum-exp" => RowLogSumExp,
        "relu" => x => (x.Relu(), g => g * (x > 0f)),
        "abs" => x => (x.Abs(), g => g * ((x > 0f) * 2f - 1f)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(RightOperations))]
    public void OwnOperation_ARightRule_IsCorrectAndSaysHowClose(string name)
    {
        var result = Chapter7.CheckOwnOperation(Operation(name));
        Assert.True(result.Status == ExerciseStatus.Correct, $"{name}: {result}");
        Assert.Contains("the largest difference was", result.Message);
    }

    [Fact]
    public void OwnOperation_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckOwnOperation(_ => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter7.CheckOwnOperation(null).Status);
    }

    [Fact]
    public void OwnOperation_Linear_SaysItIsTooEasy()
    {
        AssertNotYetRight(Chapter7.CheckOwnOperation(x => (x * 2f, g => g * 2f)), "linear", "derivative depends on x");
        AssertNotYetRight(Chapter7.CheckOwnOperation(x => (x.T(), g => g.T())), "linear");
    }

    [Fact]
    public void OwnOperation_RuleIgnoringG_SaysToMultiplyByG() =>
        AssertNotYetRight(Chapter7.CheckOwnOperation(x => (Cube(x).Output, _ => x * x * 3f)),
            "x of shape (4, 5)", "GradCheck.Numerical", "must multiply by the g");

    [Fact]
    public void OwnOperation_WrongSign_SaysSo() =>
        AssertNotYetRight(Chapter7.CheckOwnOperation(x => (Softplus(x).Output, g => -Softplus(x).Backward(g))), "wrong sign");

    [Fact]
    public void OwnOperation_SoftmaxRuleOnTheDiagonalOnly_SaysEachOutputReadsSeveralInputs() =>
        AssertNotYetRight(Chapter7.CheckOwnOperation(x => { var s = x.Softmax(1); return (s, g => g * s * (1f - s)); }),
            "each output reads several inputs", "Σ_i g_i");

    [Fact]
    public void OwnOperation_PowerRuleWithoutItsFactor_NamesTheConstant() =>
        AssertNotYetRight(Chapter7.CheckOwnOperation(x => (Cube(x).Output, g => g * x * x)), "0.333", "constant factor");

    [Fact]
    public void OwnOperation_GradientOfTheOutputsShape_SaysItHasXsShape() =>
        AssertNotYetRight(Chapter7.CheckOwnOperation(x => (RowLogSumExp(x).Output, g => g)), "expected shape (4, 5), got (4,)", "one value per element of x");

    [Fact]
    public void OwnOperation_LogOfANegative_SaysToChooseAnOperationDefinedEverywhere() =>
        AssertNotYetRight(Chapter7.CheckOwnOperation(x => (x.Log(), g => g / x)), "NaN", "defined for every real number");

    [Fact]
    public void OwnOperation_WritingIntoX_IsAWrongAnswer() =>
        AssertNotYetRight(Chapter7.CheckOwnOperation(x => { var result = Cube(x.Clone()); x.Fill(0f); return result; }), "changed its input x");

    [Fact]
    public void OwnOperation_WrongDerivative_NamesTheElement() =>
        AssertNotYetRight(Chapter7.CheckOwnOperation(x => (Softplus(x).Output, g => g * x.Exp())), "at [", "expected", "work out ∂out/∂x on paper");
}
