namespace Course.Exercises.Tests;

/// <summary>
/// Chapter 3's checks: a right answer passes, the placeholder and null count as not attempted, and
/// the mistakes learners make (aligning shapes at the left, a missing keepDim, the wrong axis, a
/// transposed table) fail with a message that names the case and what to look at.
/// </summary>
public sealed class Chapter3Tests
{
    private static Tensor Outer(Tensor u, Tensor v) => u.Unsqueeze(1) * v.Unsqueeze(0);

    private static Tensor NormaliseRows(Tensor x) => x / (x * x).Sum(1, keepDim: true).Sqrt();

    private static Tensor StandardiseColumns(Tensor x) => (x - x.Mean(0, keepDim: true)) / x.Std(0, keepDim: true);

    private static Tensor SquaredDistances(Tensor a, Tensor b) => (a.Unsqueeze(1) - b.Unsqueeze(0)).Pow(2f).Sum(-1);

    private static int[]? BroadcastShapes(int[][] shapes)
    {
        int rank = shapes.Max(s => s.Length);
        var result = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int size = 1;
            foreach (var shape in shapes)
            {
                int s = i <= shape.Length ? shape[^i] : 1;
                if (s == 1) continue;
                if (size != 1 && size != s) return null;
                size = s;
            }
            result[rank - i] = size;
        }
        return result;
    }

    private static int[]? ExpandStrides(int[] shape, int[] strides, int[] target)
    {
        int lead = target.Length - shape.Length;
        if (lead < 0) return null;
        var result = new int[target.Length];
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == target[lead + d]) result[lead + d] = strides[d];
            else if (shape[d] == 1) result[lead + d] = 0;
            else return null;
        }
        return result;
    }

    private static void AssertWrong(ExerciseResult result, params string[] fragments)
    {
        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        foreach (var fragment in fragments) Assert.Contains(fragment, result.Message);
    }

    // 3.1: predicted shapes

    [Fact]
    public void PredictedShapes_RightAnswers_AreCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter3.CheckPredictedShapes([8, 7, 6, 5], [5, 4], [2, 3, 3], false, true).Status);

    [Fact]
    public void PredictedShapes_Null_IsNotAttempted_AndNamesTheVariable()
    {
        var result = Chapter3.CheckPredictedShapes(null, null, null, null, null);

        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.Contains("shapeA", result.Message);
    }

    [Fact]
    public void PredictedShapes_KeepingTheSummedDimension_IsWrong_AndSaysItDisappears() =>
        AssertWrong(Chapter3.CheckPredictedShapes([8, 7, 6, 5], [6, 5, 4], [2, 3, 3], false, true),
            "shapeB", "expected shape (5, 4), got (6, 5, 4)", "disappears");

    [Fact]
    public void PredictedShapes_ThinkingTheSquareSumFails_IsWrong_AndSaysItRuns() =>
        AssertWrong(Chapter3.CheckPredictedShapes([8, 7, 6, 5], [5, 4], [2, 3, 3], false, false),
            "eRuns", "it runs and gives shape (3, 3)");

    [Fact]
    public void PredictedShapes_ThinkingTheMismatchRuns_IsWrong_AndSaysItThrows() =>
        AssertWrong(Chapter3.CheckPredictedShapes([8, 7, 6, 5], [5, 4], [2, 3, 3], true, true), "dRuns", "it throws");

    // 3.2: BroadcastShapes

    [Fact]
    public void BroadcastShapes_TheRules_AreCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter3.CheckBroadcastShapes(BroadcastShapes).Status);

    [Fact]
    public void BroadcastShapes_PlaceholderAndNull_AreNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckBroadcastShapes(_ => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckBroadcastShapes(null).Status);
    }

    [Fact]
    public void BroadcastShapes_AligningAtTheLeft_IsWrong_AndNamesTheShapes()
    {
        static int[]? LeftAligned(int[][] shapes)
        {
            int rank = shapes.Max(s => s.Length);
            var result = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                int size = 1;
                foreach (var shape in shapes)
                {
                    int s = d < shape.Length ? shape[d] : 1;
                    if (s == 1) continue;
                    if (size != 1 && size != s) return null;
                    size = s;
                }
                result[d] = size;
            }
            return result;
        }

        AssertWrong(Chapter3.CheckBroadcastShapes(LeftAligned),
            "shapes (8, 1, 6, 1) and (7, 1, 5): expected (8, 7, 6, 5), got null", "line the shapes up at the right");
    }

    [Fact]
    public void BroadcastShapes_TakingTheLargerSizeWithoutChecking_IsWrong_AndSaysWhenSizesFit() =>
        AssertWrong(Chapter3.CheckBroadcastShapes(MaxSizes), "shapes (3,) and (4,) do not fit: expected null, got (4,)", "equal or one of them is 1");

    private static int[] MaxSizes(int[][] shapes)
    {
        int rank = shapes.Max(s => s.Length);
        return Enumerable.Range(1, rank).Reverse().Select(i => shapes.Max(s => i <= s.Length ? s[^i] : 1)).ToArray();
    }

    [Fact]
    public void BroadcastShapes_OnlyTheFirstTwoShapes_IsWrong() =>
        AssertWrong(Chapter3.CheckBroadcastShapes(shapes => BroadcastShapes(shapes.Take(2).ToArray())),
            "shapes (2, 1, 5), (3, 1) and (1, 1, 1, 5): expected shape (1, 2, 3, 5), got (2, 3, 5)", "as many dimensions as the longest");

    [Fact]
    public void BroadcastShapes_ChangingTheInput_IsWrong()
    {
        static int[]? Sorting(int[][] shapes)
        {
            foreach (var shape in shapes) Array.Sort(shape);
            return BroadcastShapes(shapes);
        }

        AssertWrong(Chapter3.CheckBroadcastShapes(Sorting), "changed the shape it was given");
    }

    // 3.3: Outer

    [Fact]
    public void Outer_ColumnTimesRow_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter3.CheckOuter(Outer).Status);

    [Fact]
    public void Outer_PlaceholderAndNull_AreNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckOuter((_, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckOuter(null).Status);
    }

    [Fact]
    public void Outer_RowTimesColumn_IsWrong_AndSaysItIsTheTranspose() =>
        AssertWrong(Chapter3.CheckOuter((u, v) => u.Unsqueeze(0) * v.Unsqueeze(1)),
            "u of shape (3,) and v of shape (4,)", "expected shape (3, 4), got (4, 3)", "transpose");

    [Fact]
    public void Outer_WithoutNewAxes_IsWrong_AndNamesTheException() =>
        AssertWrong(Chapter3.CheckOuter((u, v) => u * v), "u of shape (3,) and v of shape (4,)", "ArgumentException", "cannot broadcast", "Hint");

    [Fact]
    public void Outer_WritingIntoAnInput_IsWrong()
    {
        static Tensor Overwriting(Tensor u, Tensor v)
        {
            var result = u.Unsqueeze(1) * v.Unsqueeze(0);
            u.Fill(0f);
            return result;
        }

        AssertWrong(Chapter3.CheckOuter(Overwriting), "changed its input u");
    }

    // 3.4: ExpandStrides

    [Fact]
    public void ExpandStrides_StrideZeroForStretchedDimensions_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter3.CheckExpandStrides(ExpandStrides).Status);

    [Fact]
    public void ExpandStrides_ZeroForEverySizeOneDimension_IsAlsoCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter3.CheckExpandStrides((shape, strides, target) =>
            ExpandStrides(shape, strides, target) is { } s ? s.Select((stride, d) => target[d] == 1 ? 0 : stride).ToArray() : null).Status);

    [Fact]
    public void ExpandStrides_PlaceholderAndNull_AreNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckExpandStrides((_, _, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckExpandStrides(null).Status);
    }

    [Fact]
    public void ExpandStrides_KeepingTheStrideOfAStretchedDimension_IsWrong_AndSaysItMustStayPut()
    {
        static int[]? KeepsStride(int[] shape, int[] strides, int[] target)
        {
            var s = ExpandStrides(shape, strides, target);
            if (s is null) return null;
            int lead = target.Length - shape.Length;
            for (int d = 0; d < shape.Length; d++) s[lead + d] = strides[d];
            return s;
        }

        AssertWrong(Chapter3.CheckExpandStrides(KeepsStride),
            "shape (3, 1) with strides (1, 1), expanded to (3, 5): expected strides (1, 0), got (1, 1)", "dimension 1 is stretched from size 1 to 5");
    }

    [Fact]
    public void ExpandStrides_ContiguousStridesOfTheTarget_IsWrong_AndSaysNewDimensionsMoveZero() =>
        AssertWrong(Chapter3.CheckExpandStrides((shape, strides, target) =>
                ExpandStrides(shape, strides, target) is null ? null : Shapes.ContiguousStrides(target)),
            "shape (3,) with strides (1,), expanded to (4, 3): expected strides (0, 1), got (3, 1)", "dimension 0 is new");

    [Fact]
    public void ExpandStrides_NeverReturningNull_IsWrong() =>
        AssertWrong(Chapter3.CheckExpandStrides((shape, strides, target) => ExpandStrides(shape, strides, target) ?? new int[target.Length]),
            "shape (3,) with strides (1,), expanded to (4,): this cannot be expanded, so expected null, got (0,)");

    // 3.5: NormaliseRows

    [Fact]
    public void NormaliseRows_DividingByAColumnOfLengths_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter3.CheckNormaliseRows(NormaliseRows).Status);

    [Fact]
    public void NormaliseRows_PlaceholderAndNull_AreNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckNormaliseRows(_ => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckNormaliseRows(null).Status);
    }

    [Fact]
    public void NormaliseRows_WithoutKeepDim_IsWrong_AndSaysTheLengthsMustBeAColumn() =>
        AssertWrong(Chapter3.CheckNormaliseRows(x => x / (x * x).Sum(1).Sqrt()),
            "x of shape (2, 4)", "cannot broadcast", "column (n, 1)");

    [Fact]
    public void NormaliseRows_WithoutKeepDim_IsCaughtOnASquareMatrix_WhereItRunsSilently() =>
        AssertWrong(Chapter3.CheckNormaliseRows(x => x.Size(0) == x.Size(1) ? x / (x * x).Sum(1).Sqrt() : NormaliseRows(x)),
            "x of shape (4, 4): the length of row 0 of your result", "column (n, 1)");

    [Fact]
    public void NormaliseRows_ByTheFrobeniusNorm_IsWrong() =>
        AssertWrong(Chapter3.CheckNormaliseRows(x => x / x.Norm()), "the length of row 0 of your result: expected 1");

    // 3.6: StandardiseColumns

    [Fact]
    public void StandardiseColumns_ColumnMeanAndStd_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter3.CheckStandardiseColumns(StandardiseColumns).Status);

    [Fact]
    public void StandardiseColumns_PlaceholderAndNull_AreNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckStandardiseColumns(_ => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckStandardiseColumns(null).Status);
    }

    [Fact]
    public void StandardiseColumns_StandardisingTheRows_IsWrong_AndSaysSo() =>
        AssertWrong(Chapter3.CheckStandardiseColumns(x => (x - x.Mean(1, keepDim: true)) / x.Std(1, keepDim: true)),
            "x of shape (6, 3): the mean of column 0 of your result", "your rows have mean 0 and std 1");

    [Fact]
    public void StandardiseColumns_TheWholeMatrixsMeanAndStd_IsWrong_AndSaysEachColumnsOwn() =>
        AssertWrong(Chapter3.CheckStandardiseColumns(x => (x - x.Mean()) / x.Std()),
            "the mean of column 0 of your result", "each column's own mean");

    [Fact]
    public void StandardiseColumns_DividingByN_IsWrong_AndNamesTheNMinusOne() =>
        AssertWrong(Chapter3.CheckStandardiseColumns(x =>
            {
                var centred = x - x.Mean(0, keepDim: true);
                return centred / (centred * centred).Mean(0, keepDim: true).Sqrt();
            }),
            "x of shape (6, 3): the std of column 0 of your result: expected 1", "n − 1");

    // 3.7: SquaredDistances

    [Fact]
    public void SquaredDistances_ByBroadcasting_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter3.CheckSquaredDistances(SquaredDistances).Status);

    [Fact]
    public void SquaredDistances_ByTheMatMulExpansion_IsAlsoCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter3.CheckSquaredDistances((a, b) =>
            (a * a).Sum(1, keepDim: true) + (b * b).Sum(1).Unsqueeze(0) - 2f * a.MatMul(b.T())).Status);

    [Fact]
    public void SquaredDistances_PlaceholderAndNull_AreNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckSquaredDistances((_, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckSquaredDistances(null).Status);
    }

    [Fact]
    public void SquaredDistances_SwappedAxes_IsWrong_AndSaysRowIBelongsToA() =>
        AssertWrong(Chapter3.CheckSquaredDistances((a, b) => (a.Unsqueeze(0) - b.Unsqueeze(1)).Pow(2f).Sum(-1)),
            "a of shape (4, 3) and b of shape (5, 3)", "expected shape (4, 5), got (5, 4)", "row i of the result belongs to row i of a");

    [Fact]
    public void SquaredDistances_SummingOverTheWrongAxis_IsWrong() =>
        AssertWrong(Chapter3.CheckSquaredDistances((a, b) => (a.Unsqueeze(1) - b.Unsqueeze(0)).Pow(2f).Sum(1)),
            "expected shape (4, 5), got (4, 3)", "summed over the last axis");

    [Fact]
    public void SquaredDistances_WithoutSquaring_IsWrong() =>
        AssertWrong(Chapter3.CheckSquaredDistances((a, b) => (a.Unsqueeze(1) - b.Unsqueeze(0)).Sum(-1)),
            "the values differ", "square the differences");

    // 3.8: a nearest-neighbour classifier, judged by its accuracy

    /// <summary>Squared distances by |q|² − 2·q·r + |r|², then the label of the smallest, or of the largest when <paramref name="farthest"/>.</summary>
    private static Tensor NearestLabels(Tensor references, Tensor labels, Tensor queries, bool farthest = false, bool indices = false)
    {
        var distances = (queries * queries).Sum(1, keepDim: true) - 2f * queries.MatMul(references.T()) + (references * references).Sum(1).Unsqueeze(0);
        var nearest = (farthest ? distances : -distances).ArgMax(1);
        if (indices) return nearest;
        var result = Tensor.Zeros(queries.Size(0));
        for (int i = 0; i < queries.Size(0); i++) result[i] = labels[(int)nearest[i].Item()];
        return result;
    }

    [Fact]
    public void NearestLabels_ByRawSquaredDistance_IsCorrectAndSaysHowManyItGotRight()
    {
        var result = Chapter3.CheckNearestLabels((r, l, q) => NearestLabels(r, l, q));
        Assert.Equal(ExerciseStatus.Correct, result.Status);
        Assert.Contains("362 of 500", result.Message);
    }

    [Fact]
    public void NearestLabels_ByBroadcastDifferences_IsCorrectToo() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter3.CheckNearestLabels((r, l, q) =>
        {
            var nearest = (-(q.Unsqueeze(1) - r.Unsqueeze(0)).Pow(2f).Sum(-1)).ArgMax(1);
            var result = Tensor.Zeros(q.Size(0));
            for (int i = 0; i < q.Size(0); i++) result[i] = l[(int)nearest[i].Item()];
            return result;
        }).Status);

    [Fact]
    public void NearestLabels_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckNearestLabels((_, _, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter3.CheckNearestLabels(null).Status);
    }

    [Fact]
    public void NearestLabels_TheFarthestReference_IsNoBetterThanGuessing() =>
        AssertWrong(Chapter3.CheckNearestLabels((r, l, q) => NearestLabels(r, l, q, farthest: true)), "the check wants 65 %", "smallest distance");

    [Fact]
    public void NearestLabels_ReturningTheIndex_IsToldToReturnTheLabel() =>
        AssertWrong(Chapter3.CheckNearestLabels((r, l, q) => NearestLabels(r, l, q, indices: true)), "is not a class", "referenceLabels[index]");

    [Fact]
    public void NearestLabels_KeepingTheDimension_IsToldTheShape() =>
        AssertWrong(Chapter3.CheckNearestLabels((r, l, q) => NearestLabels(r, l, q).Unsqueeze(1)), "expected shape (20,)", "Squeeze");

    [Fact]
    public void NearestLabels_ThatCentresTheReferencesInPlace_IsToldItChangedThem() =>
        AssertWrong(Chapter3.CheckNearestLabels((r, l, q) => { r.AddInPlace(r.Mean(0, keepDim: true), -1f); return NearestLabels(r, l, q); }), "changed the references");
}
