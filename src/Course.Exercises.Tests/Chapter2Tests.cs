namespace Course.Exercises.Tests;

/// <summary>
/// Chapter 2's checks: a right answer is "correct", the placeholder and null are "not attempted yet",
/// and the mistakes learners really make are "not right yet" with words that point at the mistake.
/// </summary>
public sealed class Chapter2Tests
{
    private static readonly Func<Tensor, Tensor, Tensor> Placeholder = (_, _) => throw new NotImplementedException();

    private static void AssertNotYetRight(ExerciseResult result, params string[] fragments)
    {
        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        foreach (var fragment in fragments) Assert.Contains(fragment, result.Message);
    }

    private static Tensor Loops(Tensor a, Tensor b, Func<Tensor, Tensor, int, int, int, float> term, bool accumulate = true)
    {
        int m = a.Size(0), k = a.Size(1), n = b.Size(1);
        var c = Tensor.Zeros(m, n);
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++)
                    c[i, j] = (accumulate ? c[i, j] : 0f) + term(a, b, i, p, j);
        return c;
    }

    // 2.1: three loops in i-p-j order

    [Fact]
    public void MatMulIpj_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter2.CheckMatMulIpj((a, b) => Loops(a, b, (a, b, i, p, j) => a[i, p] * b[p, j])).Status);

    [Fact]
    public void MatMulIpj_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckMatMulIpj(Placeholder).Status);
        var result = Chapter2.CheckMatMulIpj(null);
        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.Contains("MatMulIpj", result.Message);
    }

    [Fact]
    public void MatMulIpj_AssigningInsteadOfAdding_SaysToAdd() =>
        AssertNotYetRight(Chapter2.CheckMatMulIpj((a, b) => Loops(a, b, (a, b, i, p, j) => a[i, p] * b[p, j], accumulate: false)),
            "a (3, 3) times b (3, 3)", "only its last product", "(+=)");

    [Fact]
    public void MatMulIpj_SwappedIndicesOfB_SaysTheResultIsATimesBTransposed() =>
        AssertNotYetRight(Chapter2.CheckMatMulIpj((a, b) => Loops(a, b, (a, b, i, p, j) => a[i, p] * b[j, p])),
            "transpose of b", "b[p, j], not b[j, p]");

    [Fact]
    public void MatMulIpj_SwappedFactors_SaysTheResultIsBTimesA() =>
        AssertNotYetRight(Chapter2.CheckMatMulIpj((a, b) => Loops(b, a, (b, a, i, p, j) => b[i, p] * a[p, j])),
            "your result is b times a");

    [Fact]
    public void MatMulIpj_WritingIntoAnInput_SaysWhichInputChanged()
    {
        var result = Chapter2.CheckMatMulIpj((a, b) =>
        {
            var c = Loops(a, b, (a, b, i, p, j) => a[i, p] * b[p, j]);
            a[0, 0] = 0f;   // "tidying up" an input
            return c;
        });

        AssertNotYetRight(result, "changed its input a", "at [0, 0]");
    }

    [Fact]
    public void MatMulIpj_ReturningNull_SaysSo() =>
        AssertNotYetRight(Chapter2.CheckMatMulIpj((_, _) => null!), "got null");

    // 2.2: row times column

    [Fact]
    public void RowTimesColumn_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter2.CheckRowTimesColumn(RowTimesColumn(column: (b, j) => b[.., j])).Status);

    [Fact]
    public void RowTimesColumn_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckRowTimesColumn(Placeholder).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckRowTimesColumn(null).Status);
    }

    [Fact]
    public void RowTimesColumn_RowOfBInsteadOfColumn_SaysToTakeTheColumn() =>
        AssertNotYetRight(Chapter2.CheckRowTimesColumn(RowTimesColumn(column: (b, j) => b[j])),
            "transpose of b", "column j is b[.., j]");

    private static Func<Tensor, Tensor, Tensor> RowTimesColumn(Func<Tensor, int, Tensor> column) => (a, b) =>
    {
        var c = Tensor.Zeros(a.Size(0), b.Size(1));
        for (int i = 0; i < a.Size(0); i++)
            for (int j = 0; j < b.Size(1); j++)
                c[i, j] = (a[i] * column(b, j)).Sum().Item();
        return c;
    };

    // 2.3: one loop over the columns, with broadcasting

    [Fact]
    public void MatMulByColumns_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter2.CheckMatMulByColumns(ByColumns(sumOver: 1)).Status);

    [Fact]
    public void MatMulByColumns_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckMatMulByColumns(Placeholder).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckMatMulByColumns(null).Status);
    }

    [Fact]
    public void MatMulByColumns_SummingOverTheWrongDimension_SaysWhichDimension() =>
        AssertNotYetRight(Chapter2.CheckMatMulByColumns(ByColumns(sumOver: 0)),
            "a (3, 3) times b (3, 3)", "dimension 0", "dimension 1");

    private static Func<Tensor, Tensor, Tensor> ByColumns(int sumOver) => (a, b) =>
    {
        var c = Tensor.Zeros(a.Size(0), b.Size(1));
        for (int j = 0; j < b.Size(1); j++)
            c[.., j].CopyFrom((a * b[.., j].Unsqueeze(0)).Sum(sumOver));
        return c;
    };

    // 2.4: counting floating-point operations

    [Fact]
    public void Flops_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter2.CheckFlops((m, k, n) => 2L * m * k * n).Status);

    [Fact]
    public void Flops_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckFlops((_, _, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckFlops(null).Status);
    }

    [Fact]
    public void Flops_CountingMultiplyAdds_SaysEachIsTwoOperations() =>
        AssertNotYetRight(Chapter2.CheckFlops((m, k, n) => (long)m * k * n),
            "Flops(5, 784, 10): expected 78,400, got 39,200", "multiply-adds", "two floating-point operations");

    [Fact]
    public void Flops_OneAdditionFewerPerEntry_SaysWhatTheChapterCounts() =>
        AssertNotYetRight(Chapter2.CheckFlops((m, k, n) => (long)m * n * (2 * k - 1)), "k - 1 additions");

    [Fact]
    public void Flops_MultiplyingInts_SaysItOverflowed() =>
        AssertNotYetRight(Chapter2.CheckFlops((m, k, n) => 2 * m * k * n),
            "Flops(1024, 1024, 1024): expected 2,147,483,648, got -2,147,483,648", "overflowed", "long");

    // 2.5: GFLOPS from a size and a time

    [Fact]
    public void Gflops_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter2.CheckGflops((m, k, n, seconds) => 2.0 * m * k * n / seconds / 1e9).Status);

    [Fact]
    public void Gflops_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckGflops((_, _, _, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckGflops(null).Status);
    }

    [Fact]
    public void Gflops_ForgettingTheTwo_SaysAMultiplyAddIsTwoOperations() =>
        AssertNotYetRight(Chapter2.CheckGflops((m, k, n, seconds) => (double)m * k * n / seconds / 1e9),
            "half the expected one", "two floating-point operations");

    [Fact]
    public void Gflops_DividingByAMillion_SaysGigaIsABillion() =>
        AssertNotYetRight(Chapter2.CheckGflops((m, k, n, seconds) => 2.0 * m * k * n / seconds / 1e6),
            "1000 times too big", "giga means 1e9");

    [Fact]
    public void Gflops_MultiplyingInts_SaysItOverflowed() =>
        AssertNotYetRight(Chapter2.CheckGflops((m, k, n, seconds) => 2 * m * k * n / seconds / 1e9),
            "Gflops(m: 1024, k: 1024, n: 1024", "more than an int can hold");

    // 2.6: matrix times vector

    [Fact]
    public void MatVec_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter2.CheckMatVec(MatVec(transposed: false)).Status);

    [Fact]
    public void MatVec_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckMatVec(Placeholder).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckMatVec(null).Status);
    }

    [Fact]
    public void MatVec_ReturningAColumnMatrix_SaysTheShapeIsAVector() =>
        AssertNotYetRight(Chapter2.CheckMatVec((a, x) => a.MatMul(x.Unsqueeze(1))),
            "a (3, 3) times x (3,): expected shape (3,), got (3, 1)", "Tensor.Zeros(m)");

    [Fact]
    public void MatVec_ColumnOfAInsteadOfRow_SaysTheResultIsTheTransposeTimesX() =>
        AssertNotYetRight(Chapter2.CheckMatVec(MatVec(transposed: true)), "transpose of a", "a[i, p]");

    private static Func<Tensor, Tensor, Tensor> MatVec(bool transposed) => (a, x) =>
    {
        var y = Tensor.Zeros(a.Size(0));
        var values = new float[a.Size(0)];
        for (int i = 0; i < a.Size(0); i++)
            for (int p = 0; p < a.Size(1); p++)
                values[i] += (transposed ? a[p, i] : a[i, p]) * x[p].Item();
        y.CopyFrom(Tensor.FromArray(values));
        return y;
    };

    // 2.7: a times the transpose of b

    [Fact]
    public void MatMulTransposedB_Right_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter2.CheckMatMulTransposedB(TransposedB((b, j, p) => b[j, p])).Status);

    [Fact]
    public void MatMulTransposedB_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckMatMulTransposedB(Placeholder).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckMatMulTransposedB(null).Status);
    }

    [Fact]
    public void MatMulTransposedB_OrdinaryProduct_SaysToPairRowsOfB() =>
        AssertNotYetRight(Chapter2.CheckMatMulTransposedB(TransposedB((b, j, p) => b[p, j])),
            "a (3, 3) times the transpose of b (3, 3)", "your result is a times b", "b[j, p], not b[p, j]");

    private static Func<Tensor, Tensor, Tensor> TransposedB(Func<Tensor, int, int, float> bAt) => (a, b) =>
    {
        int m = a.Size(0), k = a.Size(1), n = b.Size(0);
        var c = Tensor.Zeros(m, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++) sum += a[i, p] * bAt(b, j, p);
                c[i, j] = sum;
            }
        return c;
    };

    // 2.8: a sum whose rounding error does not grow with its length

    private static float PairwiseSum(float[] values) => Pairwise(values, 0, values.Length);

    private static float Pairwise(float[] values, int from, int to)
    {
        if (to - from <= 8)
        {
            float total = 0;
            for (int i = from; i < to; i++) total += values[i];
            return total;
        }
        int middle = from + (to - from) / 2;
        return Pairwise(values, from, middle) + Pairwise(values, middle, to);
    }

    private static float KahanSum(float[] values)
    {
        float total = 0, lost = 0;
        foreach (float v in values)
        {
            float y = v - lost, t = total + y;
            lost = (t - total) - y;
            total = t;
        }
        return total;
    }

    private static float PlainSum(float[] values)
    {
        float total = 0;
        foreach (float v in values) total += v;
        return total;
    }

    [Fact]
    public void AccurateSum_Pairwise_IsCorrect()
    {
        var result = Chapter2.CheckAccurateSum(PairwiseSum);
        Assert.Equal(ExerciseStatus.Correct, result.Status);
        Assert.Contains("about 1 %", result.Message);
    }

    [Fact]
    public void AccurateSum_Kahan_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter2.CheckAccurateSum(KahanSum).Status);

    [Fact]
    public void AccurateSum_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckAccurateSum(_ => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter2.CheckAccurateSum(null).Status);
    }

    [Fact]
    public void AccurateSum_APlainLoop_IsCaughtOnTheLongArrayAndToldWhy() =>
        AssertNotYetRight(Chapter2.CheckAccurateSum(PlainSum), "a million copies of 0.1f", "about as far off as a plain loop", "pairs of pairs");

    [Fact]
    public void AccurateSum_EightRunningTotals_IsCloserButNotCloseEnough() =>
        AssertNotYetRight(Chapter2.CheckAccurateSum(values =>
        {
            var totals = new float[8];
            for (int i = 0; i < values.Length; i++) totals[i % 8] += values[i];
            return PlainSum(totals);
        }), "a million copies of 0.1f", "Closer than a plain loop");

    [Fact]
    public void AccurateSum_SkippingTheLastValue_SaysAddEveryValueOnce() =>
        AssertNotYetRight(Chapter2.CheckAccurateSum(values => values.Length == 0 ? 0 : PairwiseSum(values[..^1])), "one value, 2.5", "exactly once");

    [Fact]
    public void AccurateSum_SortingInPlace_IsToldItChangedTheArray() =>
        AssertNotYetRight(Chapter2.CheckAccurateSum(values => { Array.Sort(values); return PairwiseSum(values); }), "changed the array");

    // All checks

    [Fact]
    public void AWrongAnswer_GetsTheSameWordsEveryTime() =>
        Assert.Equal(Chapter2.CheckMatMulIpj((a, b) => a.MatMul(b) + 1f).ToString(), Chapter2.CheckMatMulIpj((a, b) => a.MatMul(b) + 1f).ToString());
}
