namespace Course.Exercises.Tests;

/// <summary>
/// Chapter 4's checks: the notebook's solutions pass, placeholders and nulls are "not attempted", and
/// the mistakes learners make come back "not right yet" with the fact that points at the mistake.
/// </summary>
public sealed class Chapter4Tests
{
    // The notebook's solutions.
    private static double DotProductStd(int n, double inputStd, double weightStd) => Math.Sqrt(n) * inputStd * weightStd;

    private static int FirstInfiniteLayer(int width, Generator generator) => FirstInfiniteLayerCounting(width, generator, batch: 200, firstLayer: 1);

    private static int FirstInfiniteLayerCounting(int width, Generator generator, int batch, int firstLayer, Func<double, bool>? overflowed = null)
    {
        overflowed ??= std => !double.IsFinite(std);
        var x = generator.Normal([batch, width]);
        for (int layer = firstLayer; layer <= 200; layer++)
        {
            x = x.MatMul(generator.Normal([width, width]));
            if (overflowed(x.Std().Item())) return layer;
        }
        return -1;
    }

    private static double PlainReluFactor(int nIn) => Math.Sqrt(nIn / 2.0);

    private static Tensor XavierNormal(int nIn, int nOut, Generator generator) => generator.Normal([nIn, nOut]) * (1f / MathF.Sqrt(nIn));

    private static Tensor KaimingUniform(int nIn, int nOut, Generator generator)
    {
        float a = MathF.Sqrt(6f / nIn);
        return generator.Uniform([nIn, nOut]) * (2 * a) - a;
    }

    private static Tensor LeakyRelu(Tensor x, float slope) => x.ClampMin(0f) - slope * (-x).ClampMin(0f);

    private static double LeakyReluStd(int nIn, float slope) => Math.Sqrt(2.0 / ((1 + slope * slope) * nIn));

    private static readonly double GlorotStd = Math.Sqrt(2.0 / (100 + 400));

    private static double LastOverFirst(double weightStd, int width, Generator generator) => LastOverFirstWith(weightStd, width, generator);

    private static double LastOverFirstWith(double weightStd, int width, Generator generator, bool relu = true, bool fromInput = false)
    {
        var x = generator.Normal([100, width]);
        double first = x.Std().Item();
        for (int layer = 1; layer <= 50; layer++)
        {
            x = x.MatMul(generator.Normal([width, width]) * (float)weightStd);
            if (relu) x = x.ClampMin(0f);
            if (layer == 1 && !fromInput) first = x.Std().Item();
        }
        return x.Std().Item() / first;
    }

    // Halves [1/√width, 2/√width] on the sign of the average log ratio over 20 stacks.
    private static double FindReluScale(int width, Generator generator)
    {
        double MeanLogRatio(double c) => Enumerable.Range(0, 20).Average(_ => Math.Log(LastOverFirst(c / Math.Sqrt(width), width, generator)));
        double low = 1, high = 2;
        for (int step = 0; step < 10; step++)
        {
            double middle = (low + high) / 2;
            if (MeanLogRatio(middle) < 0) low = middle; else high = middle;
        }
        return (low + high) / 2 / Math.Sqrt(width);
    }

    private static void AssertCorrect(ExerciseResult result) => Assert.True(result.Status == ExerciseStatus.Correct, result.ToString());

    private static void AssertNotAttempted(ExerciseResult result) => Assert.True(result.Status == ExerciseStatus.NotAttempted, result.ToString());

    private static void AssertNotYetRight(ExerciseResult result, params string[] fragments)
    {
        Assert.True(result.Status == ExerciseStatus.NotYetRight, result.ToString());
        foreach (var fragment in fragments) Assert.Contains(fragment, result.Message);
    }

    [Fact]
    public void TheSolutions_AreCorrect()
    {
        AssertCorrect(Chapter4.CheckDotProductStd(DotProductStd));
        AssertCorrect(Chapter4.CheckFirstInfiniteLayer(FirstInfiniteLayer));
        AssertCorrect(Chapter4.CheckPlainReluFactor(PlainReluFactor));
        AssertCorrect(Chapter4.CheckXavierNormal(XavierNormal));
        AssertCorrect(Chapter4.CheckKaimingUniform(KaimingUniform));
        AssertCorrect(Chapter4.CheckLeakyRelu(LeakyRelu, LeakyReluStd));
        AssertCorrect(Chapter4.CheckGlorotFactors(Math.Sqrt(100) * GlorotStd, Math.Sqrt(400) * GlorotStd));
        AssertCorrect(Chapter4.CheckReluScale(LastOverFirst, FindReluScale));
    }

    [Fact]
    public void Placeholders_AreNotAttempted()
    {
        AssertNotAttempted(Chapter4.CheckDotProductStd((_, _, _) => throw new NotImplementedException()));
        AssertNotAttempted(Chapter4.CheckFirstInfiniteLayer((_, _) => throw new NotImplementedException()));
        AssertNotAttempted(Chapter4.CheckPlainReluFactor(_ => throw new NotImplementedException()));
        AssertNotAttempted(Chapter4.CheckXavierNormal((_, _, _) => throw new NotImplementedException()));
        AssertNotAttempted(Chapter4.CheckKaimingUniform((_, _, _) => throw new NotImplementedException()));
        AssertNotAttempted(Chapter4.CheckLeakyRelu((_, _) => throw new NotImplementedException(), (_, _) => throw new NotImplementedException()));
        AssertNotAttempted(Chapter4.CheckLeakyRelu(LeakyRelu, (_, _) => throw new NotImplementedException()));
        AssertNotAttempted(Chapter4.CheckReluScale((_, _, _) => throw new NotImplementedException(), (_, _) => throw new NotImplementedException()));
        AssertNotAttempted(Chapter4.CheckReluScale(LastOverFirst, (_, _) => throw new NotImplementedException()));
    }

    [Fact]
    public void Nulls_AreNotAttempted_AndNameWhatToSet()
    {
        AssertNotAttempted(Chapter4.CheckDotProductStd(null));
        AssertNotAttempted(Chapter4.CheckFirstInfiniteLayer(null));
        AssertNotAttempted(Chapter4.CheckPlainReluFactor(null));
        AssertNotAttempted(Chapter4.CheckXavierNormal(null));
        AssertNotAttempted(Chapter4.CheckKaimingUniform(null));
        AssertNotAttempted(Chapter4.CheckLeakyRelu(null, null));
        AssertNotAttempted(Chapter4.CheckLeakyRelu(LeakyRelu, null));
        var glorot = Chapter4.CheckGlorotFactors(0.63, null);
        AssertNotAttempted(glorot);
        Assert.Contains("backwardFactor", glorot.Message);
        AssertNotAttempted(Chapter4.CheckGlorotFactors(null, null));
        var scale = Chapter4.CheckReluScale(LastOverFirst, null);
        AssertNotAttempted(scale);
        Assert.Contains("FindReluScale", scale.Message);
    }

    [Fact]
    public void DotProductStd_AddingStdsInsteadOfVariances_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckDotProductStd((n, sx, sw) => n * sx * sw),
            "DotProductStd(100, 1, 1): expected 10, got 100", "variances of independent terms add up, stds do not");

    [Fact]
    public void DotProductStd_TheVariance_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckDotProductStd((n, sx, sw) => n * sx * sx * sw * sw),
            "DotProductStd(100, 1, 1): expected 10, got 100", "that is the variance of the dot product");

    [Fact]
    public void DotProductStd_ForgettingTheStds_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckDotProductStd((n, _, _) => Math.Sqrt(n)),
            "DotProductStd(784, 0.5, 0.0357143): expected 0.5, got 28", "1000 dot products drawn at random measure 0.", "each product x·w has std inputStd · weightStd, not 1");

    [Fact]
    public void FirstInfiniteLayer_CountingFromZero_IsOneLayerEarly()
    {
        int expected = FirstInfiniteLayer(100, new Generator(1));
        AssertNotYetRight(Chapter4.CheckFirstInfiniteLayer((width, g) => FirstInfiniteLayerCounting(width, g, 200, firstLayer: 0)),
            $"FirstInfiniteLayer(100, new Generator(1)): expected {expected}, got {expected - 1}", "one layer early: layer 0 is the input");
    }

    [Fact]
    public void FirstInfiniteLayer_WaitingForInfinity_NeverStops() =>
        AssertNotYetRight(Chapter4.CheckFirstInfiniteLayer((width, g) => FirstInfiniteLayerCounting(width, g, 200, 1, double.IsPositiveInfinity)),
            "got -1", "the std is NaN rather than infinity");

    [Fact]
    public void FirstInfiniteLayer_CountingTheListOfOutputs_IsOneLayerLate()
    {
        int expected = FirstInfiniteLayer(100, new Generator(1));
        AssertNotYetRight(Chapter4.CheckFirstInfiniteLayer((width, g) => FirstInfiniteLayerCounting(width, g, 200, firstLayer: 2)),
            $"expected {expected}, got {expected + 1}", "one layer late");
    }

    [Fact]
    public void FirstInfiniteLayer_IgnoringTheGivenGenerator_IsNamedEvenWhenTheLayerIsRight() =>
        AssertNotYetRight(Chapter4.CheckFirstInfiniteLayer((width, _) => FirstInfiniteLayerCounting(width, new Generator(77), 200, 1)),
            "FirstInfiniteLayer(100, new Generator(1)) returned the right layer, 38, but drew other random numbers", "use the generator you are given");

    [Fact]
    public void FirstInfiniteLayer_AnotherBatchSize_DrawsOtherNumbers() =>
        AssertNotYetRight(Chapter4.CheckFirstInfiniteLayer((width, g) => FirstInfiniteLayerCounting(width, g, batch: 20, firstLayer: 1)),
            "FirstInfiniteLayer(", "drew other random numbers than the task describes", "generator.Normal([200, width])");

    [Fact]
    public void PlainReluFactor_ForgettingTheRelu_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckPlainReluFactor(nIn => Math.Sqrt(nIn)),
            "PlainReluFactor(100): expected 7.07107, got 10", "a stack of width 100 measures 7.", "ReLU zeroes about half of its inputs");

    [Fact]
    public void PlainReluFactor_HalvingTheStd_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckPlainReluFactor(nIn => Math.Sqrt(nIn) / 2),
            "expected 7.07107, got 5", "divides the std by √2, not by 2");

    [Fact]
    public void XavierNormal_ScaledByTheOutputs_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckXavierNormal((nIn, nOut, g) => g.Normal([nIn, nOut]) * (1f / MathF.Sqrt(nOut))),
            "XavierNormal(500, 400, ...): the std of the weights should be 0.0447214", "scale by nIn, the number of inputs");

    [Fact]
    public void XavierNormal_TransposedShape_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckXavierNormal((nIn, nOut, g) => g.Normal([nOut, nIn]) * (1f / MathF.Sqrt(nIn))),
            "XavierNormal(3, 5, ...): expected shape (3, 5), got (5, 3)");

    [Fact]
    public void XavierNormal_UniformWithTheRightStd_IsNotNormal() =>
        AssertNotYetRight(Chapter4.CheckXavierNormal((nIn, nOut, g) => (g.Uniform([nIn, nOut]) * 2f - 1f) * MathF.Sqrt(3f / nIn)),
            "share of weights within one std of 0: expected 0.6827", "generator.Normal, not generator.Uniform");

    [Fact]
    public void XavierNormal_IgnoringTheGivenGenerator_IsNamed()
    {
        ulong seed = 100;
        AssertNotYetRight(Chapter4.CheckXavierNormal((nIn, nOut, _) => new Generator(seed++).Normal([nIn, nOut]) * (1f / MathF.Sqrt(nIn))),
            "gave different weights on two calls", "draw every number from the generator you are given");
    }

    [Fact]
    public void KaimingUniform_TheStdAsTheBound_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckKaimingUniform((nIn, nOut, g) => (g.Uniform([nIn, nOut]) * 2f - 1f) * MathF.Sqrt(2f / nIn)),
            "KaimingUniform(500, 400, ...): the std of the weights should be 0.0632456", "variance a²/3");

    [Fact]
    public void KaimingUniform_NotCentred_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckKaimingUniform((nIn, nOut, g) => g.Uniform([nIn, nOut]) * MathF.Sqrt(6f / nIn)),
            "the mean of the weights should be 0", "multiply by 2a and subtract a");

    [Fact]
    public void KaimingUniform_NormalDraws_LeaveTheInterval() =>
        AssertNotYetRight(Chapter4.CheckKaimingUniform((nIn, nOut, g) => g.Normal([nIn, nOut]) * MathF.Sqrt(2f / nIn)),
            "lies outside [-a, a] with a = √(6/nIn) = 0.109545", "use generator.Uniform");

    [Fact]
    public void LeakyRelu_ScalingThePositivesToo_IsCaught() =>
        AssertNotYetRight(Chapter4.CheckLeakyRelu((x, slope) => x.ClampMin(0f) + slope * x, LeakyReluStd),
            "LeakyRelu(x of shape (1, 5), slope 0.1)", "expected 3, got 3.3", "for x > 0 the output is x itself");

    [Fact]
    public void LeakyRelu_WritingIntoItsInput_IsCaught() =>
        AssertNotYetRight(Chapter4.CheckLeakyRelu((x, slope) => { x.CopyFrom(Tensor.Where(x.Gt(Tensor.Scalar(0f)), x, 0f)); return x - slope * (-x).ClampMin(0f); }, LeakyReluStd),
            "changed its input x", "leave x as it was");

    [Fact]
    public void LeakyReluStd_KaimingIgnoringTheSlope_IsNamedAndMeasured() =>
        AssertNotYetRight(Chapter4.CheckLeakyRelu(LeakyRelu, (nIn, _) => Math.Sqrt(2.0 / nIn)),
            "LeakyReluStd(100, 0.5): expected 0.126491, got 0.141421", "take the mean square from 1 to", "keeps (1 + s²)/2 of it");

    [Fact]
    public void LeakyReluStd_SlopeNotSquared_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckLeakyRelu(LeakyRelu, (nIn, slope) => Math.Sqrt(2.0 / ((1 + slope) * nIn))),
            "LeakyReluStd(100, 0.5)", "multiplied by slope², not by slope");

    [Fact]
    public void GlorotFactors_Swapped_AreNamed() =>
        AssertNotYetRight(Chapter4.CheckGlorotFactors(Math.Sqrt(400) * GlorotStd, Math.Sqrt(100) * GlorotStd),
            "forwardFactor: expected 0.632456, got 1.26491", "the two are swapped");

    [Fact]
    public void GlorotFactors_ForXavierWeights_AreNamed() =>
        AssertNotYetRight(Chapter4.CheckGlorotFactors(1, 2), "backwardFactor: expected 1.26491, got 2", "one such layer measures 0.6", "Glorot's weights have variance 2/(nIn + nOut)");

    [Fact]
    public void GlorotFactors_Variances_AreNamed() =>
        AssertNotYetRight(Chapter4.CheckGlorotFactors(0.4, 1.6), "expected 0.632456, got 0.4", "the factor of the variance");

    [Fact]
    public void LastOverFirst_WithoutRelu_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckReluScale((std, width, g) => LastOverFirstWith(std, width, g, relu: false), FindReluScale),
            "LastOverFirst(0.141421, 100, new Generator(81))", "put a ReLU");

    [Fact]
    public void LastOverFirst_FromTheInput_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckReluScale((std, width, g) => LastOverFirstWith(std, width, g, fromInput: true), FindReluScale),
            "LastOverFirst(0.141421, 100, new Generator(81))", "not by the input's");

    [Fact]
    public void LastOverFirst_OwnRandomNumbers_AreNamed() =>
        AssertNotYetRight(Chapter4.CheckReluScale((std, width, _) => LastOverFirstWith(std, width, new Generator(5)), FindReluScale),
            "LastOverFirst(", "from the generator you are given");

    [Fact]
    public void FindReluScale_Xavier_IsNamedAndMeasured() =>
        AssertNotYetRight(Chapter4.CheckReluScale(LastOverFirst, (width, _) => 1 / Math.Sqrt(width)),
            "FindReluScale(100, new Generator(85)): your scale 0.1 is 1/√100", "30 stacks change the std from layer 1 to layer 50 by a factor of ", "Xavier's 1/√nIn");

    [Fact]
    public void FindReluScale_TheVariance_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckReluScale(LastOverFirst, (width, _) => 2.0 / width), "FindReluScale(100", "is the variance of the weights");

    [Fact]
    public void FindReluScale_NotDividedByTheWidth_IsNamed() =>
        AssertNotYetRight(Chapter4.CheckReluScale(LastOverFirst, (_, _) => Math.Sqrt(2)), "overflowed", "divide by √width");

    [Fact]
    public void FindReluScale_TheFormulaWithoutMeasuring_IsCaughtWhereTheDriftShows() =>
        AssertNotYetRight(Chapter4.CheckReluScale(LastOverFirst, (width, _) => Math.Sqrt(2.0 / width)),
            "FindReluScale(50, new Generator(86)): your scale 0.2 is within 4% of √(2/nIn), but", "measure, do not only use the formula");
}
