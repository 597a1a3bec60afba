using static Course.Exercises.Exercise;

namespace Course.Exercises;

/// <summary>
/// The checks behind chapter 4's exercises (initialisation). Every random case comes from a private
/// <see cref="Generator"/> with a fixed seed, so a check never moves the notebook's own random numbers
/// and says the same thing on every run.
/// </summary>
public static class Chapter4
{
    /// <summary>Exercise 4.1: the std of a dot product of n products, predicted as √n · inputStd · weightStd.</summary>
    public static ExerciseResult CheckDotProductStd(Func<int, double, double, double>? dotProductStd) => Run("4.1", () =>
    {
        var predict = Given(dotProductStd, "DotProductStd");
        var cases = new (int N, double InputStd, double WeightStd)[] { (100, 1.0, 1.0), (1, 1.0, 1.0), (3, 2.0, 0.5), (784, 0.5, 1.0 / 28), (50, 0.3, 4.0) };
        var answers = cases.Select(c => predict(c.N, c.InputStd, c.WeightStd)).ToArray();
        // The hint names the formula the answers follow on every case, not just the first wrong one.
        bool Follows(Func<int, double, double> formula) => cases.Select((c, i) => Near(answers[i], formula(c.N, c.InputStd * c.WeightStd), 1e-6)).All(ok => ok);
        for (int i = 0; i < cases.Length; i++)
        {
            var (n, inputStd, weightStd) = cases[i];
            double expected = Math.Sqrt(n) * inputStd * weightStd;
            if (Near(answers[i], expected, 1e-6)) continue;
            string hint =
                Follows((k, product) => k * product * product) ? "that is the variance of the dot product (the variances of independent terms add up); the std is its square root." :
                Follows((k, product) => k * product) ? "variances of independent terms add up, stds do not: n terms give n times the variance, so √n times the std." :
                Follows((k, _) => Math.Sqrt(k)) ? "each product x·w has std inputStd · weightStd, not 1." :
                "one product x·w has std inputStd · weightStd; a sum of n independent ones has n times its variance.";
            Fail($"DotProductStd({n}, {Show(inputStd)}, {Show(weightStd)}): expected {Show(expected)}, got {Show(answers[i])} " +
                 $"({DotProducts} dot products drawn at random measure {Show(MeasuredDotProductStd(n, inputStd, weightStd))}).", hint);
        }
    });

    /// <summary>Exercise 4.2: the learner's loop finds the first layer of a plain randn stack whose std is not finite.</summary>
    public static ExerciseResult CheckFirstInfiniteLayer(Func<int, Generator, int>? firstInfiniteLayer) => Run("4.2", () =>
    {
        var find = Given(firstInfiniteLayer, "FirstInfiniteLayer");
        // Width 100 first: a loop that never stops early costs least there.
        foreach (var (width, seed) in new[] { (100, 1UL), (30, 2UL), (7, 3UL) })
        {
            var learners = new Generator(seed);
            int expected = FirstInfiniteLayerReference(width, new Generator(seed)), got = find(width, learners);
            // The learner's generator ends where a replay of the task's draws ends only if the same numbers were drawn.
            ulong next = learners.NextUInt64();
            bool DrewLayers(int layers)
            {
                var replay = new Generator(seed);
                replay.Normal([Batch, width]);
                for (int layer = 1; layer <= layers; layer++) replay.Normal([width, width]);
                return replay.NextUInt64() == next;
            }
            string call = $"FirstInfiniteLayer({width}, new Generator({seed}))";
            const string drawHint = "draw the input with generator.Normal([200, width]), then one generator.Normal([width, width]) per layer, in that order, "
                + "and stop at the first layer whose std is not finite; use the generator you are given (not Tensor.Randn), so that the check can repeat your run.";
            if (got == expected)
            {
                Expect(DrewLayers(expected), $"{call} returned the right layer, {got}, but drew other random numbers than the task describes.", drawHint);
                continue;
            }
            string hint =
                got == -1 ? "your loop never saw a std that is not finite. Once a value overflows, the std is NaN rather than infinity: test it with !double.IsFinite(...)." :
                got == expected - 1 && DrewLayers(expected) ? "one layer early: layer 0 is the input, layer 1 the output of the first multiplication." :
                got == expected + 1 && (DrewLayers(expected) || DrewLayers(expected + 1)) ? "one layer late: stop at, and return, the first layer whose std is not finite." :
                !DrewLayers(expected) ? "your function drew other random numbers than the task describes: " + drawHint :
                "multiply the activations by each layer's weights with MatMul, without any activation function, and count the input as layer 0.";
            ExpectEqual(got, expected, call, hint);
        }
    });

    /// <summary>Exercise 4.3: the factor per layer of the std in a plain randn stack with ReLU, √(nIn/2).</summary>
    public static ExerciseResult CheckPlainReluFactor(Func<int, double>? plainReluFactor) => Run("4.3", () =>
    {
        var factor = Given(plainReluFactor, "PlainReluFactor");
        foreach (int nIn in new[] { 100, 2, 784, 37 })
        {
            double expected = Math.Sqrt(nIn / 2.0), got = factor(nIn);
            if (Near(got, expected, 1e-3)) continue;
            string? hint =
                Near(got, Math.Sqrt(nIn), 1e-3) ? "that is the factor without ReLU. ReLU zeroes about half of its inputs, so it halves the mean square that the next layer's dot products see." :
                Near(got, Math.Sqrt(nIn) / 2, 1e-3) ? "ReLU halves the mean square, so it divides the std by √2, not by 2." :
                Near(got, nIn / 2.0, 1e-3) ? "that is the factor of the variance; the std's factor is its square root." :
                "the dot product multiplies the mean square by nIn (weights of variance 1), then ReLU halves it; the std follows the square root.";
            string measured = nIn >= 30 ? $" (a stack of width {nIn} measures {Show(MeasuredPlainReluFactor(nIn))} per layer)" : "";
            Fail($"PlainReluFactor({nIn}): expected {Show(expected)}, got {Show(got)}{measured}.", hint);
        }
    });

    /// <summary>Exercise 4.4: Xavier normal weights, shape (nIn, nOut), normal with std 1/√nIn, drawn from the given generator.</summary>
    public static ExerciseResult CheckXavierNormal(Func<int, int, Generator, Tensor>? xavierNormal) => Run("4.4", () =>
    {
        var init = Given(xavierNormal, "XavierNormal");
        CheckShapesAndGenerator(init, "XavierNormal");
        foreach (var (nIn, nOut) in new[] { (500, 400), (100, 2000), (2000, 100) })
        {
            var w = init(nIn, nOut, new Generator(11));
            double std = 1 / Math.Sqrt(nIn), gotStd = w.Std().Item();
            string call = $"XavierNormal({nIn}, {nOut}, ...)";
            ExpectMeanNearZero(w, std, call, "draw from generator.Normal, whose mean is 0, and only multiply it.");
            ExpectStd(gotStd, std, call, ScaleHint(gotStd, nIn, nOut, kaiming: false));
            double inside = w.Abs().Le(Tensor.Scalar((float)gotStd)).Mean().Item();
            ExpectClose(inside, 0.6827, 0.01, $"{call}: share of weights within one std of 0",
                "a normal distribution puts 68% of its values within one std of the mean; draw with generator.Normal, not generator.Uniform.");
        }
    });

    /// <summary>Exercise 4.5: Kaiming uniform weights, uniform on [-a, a] with a = √(6/nIn), so that the std is √(2/nIn).</summary>
    public static ExerciseResult CheckKaimingUniform(Func<int, int, Generator, Tensor>? kaimingUniform) => Run("4.5", () =>
    {
        var init = Given(kaimingUniform, "KaimingUniform");
        CheckShapesAndGenerator(init, "KaimingUniform");
        foreach (var (nIn, nOut) in new[] { (500, 400), (100, 2000), (2000, 100) })
        {
            var w = init(nIn, nOut, new Generator(12));
            double std = Math.Sqrt(2.0 / nIn), bound = Math.Sqrt(6.0 / nIn), gotStd = w.Std().Item();
            string call = $"KaimingUniform({nIn}, {nOut}, ...)";
            ExpectMeanNearZero(w, std, call, "generator.Uniform gives values in [0, 1); multiply by 2a and subtract a to spread them over [-a, a].");
            string? hint = Near(gotStd, std / Math.Sqrt(3), 0.02)
                ? "a uniform distribution on [-a, a] has variance a²/3, so a = √(2/nIn) gives too small a std; choose a with a²/3 = 2/nIn."
                : ScaleHint(gotStd, nIn, nOut, kaiming: true);
            ExpectStd(gotStd, std, call, hint);
            double largest = w.Abs().Max().Item();
            Expect(largest <= bound * (1 + 1e-5),
                $"{call}: a weight of size {Show(largest)} lies outside [-a, a] with a = √(6/nIn) = {Show(bound)}.",
                "a uniform draw never leaves its interval: use generator.Uniform, not generator.Normal.");
            Expect(w.Max().Item() >= 0.99 * bound && w.Min().Item() <= -0.99 * bound,
                $"{call}: the weights run from {Show(w.Min().Item())} to {Show(w.Max().Item())}; {w.Count} uniform draws on [-a, a] with a = {Show(bound)} reach within 1% of both ends.",
                "spread the uniform draws over the whole of [-a, a], with a = √(6/nIn).");
        }
    });

    /// <summary>Exercise 4.6: a leaky ReLU, and the weight std √(2/((1 + slope²)·nIn)) that keeps a stack of them steady.</summary>
    public static ExerciseResult CheckLeakyRelu(Func<Tensor, float, Tensor>? leakyRelu, Func<int, float, double>? leakyReluStd) => Run("4.6", () =>
    {
        var activation = Given(leakyRelu, "LeakyRelu");
        var weightStd = Given(leakyReluStd, "LeakyReluStd");
        var g = new Generator(13);
        foreach (var (x, slope) in new[]
        {
            (Tensor.From(-2f, -0.5f, 0f, 0.5f, 3f).Reshape(1, 5), 0.1f),
            (Tensor.From(-4f, 1f, -0.25f).Reshape(3, 1), 0.2f),
            (g.Normal([3, 7]) * 3f, 0.01f),
            (g.Normal([4, 5]), 0f),
            (g.Normal([4, 5]), 1f),
        })
        {
            var before = x.Clone();
            var expected = Tensor.FromArray(x.ToArray().Select(v => v > 0 ? v : slope * v).ToArray(), x.Shape);
            var got = activation(x, slope);
            string call = $"LeakyRelu(x of shape {x.ShapeString}, slope {Show(slope)})";
            ExpectUnchanged(x, before, $"{call} changed its input x.", "return a new tensor and leave x as it was.");
            ExpectClose(got, expected, call, hint: "for x > 0 the output is x itself; for x ≤ 0 it is slope · x, a small negative number.");
        }
        foreach (var (nIn, slope) in new[] { (100, 0.5f), (100, 0.01f), (784, 0.2f), (30, 1f), (50, 0f) })
        {
            double expected = Math.Sqrt(2 / ((1 + slope * slope) * (double)nIn)), got = weightStd(nIn, slope);
            if (Near(got, expected, 0.01)) continue;
            string? hint =
                Near(got, Math.Sqrt(2.0 / nIn), 0.01) ? "that is Kaiming's std for ReLU. With a slope s the negative half keeps s² of its mean square, so each layer keeps (1 + s²)/2 of it, not 1/2." :
                Near(got, Math.Sqrt(2 / ((1 + slope) * (double)nIn)), 0.01) ? "the negative half's squares are multiplied by slope², not by slope." :
                "after the layer the mean square is nIn · std² · (1 + slope²)/2; choose the std that makes this 1.";
            Fail($"LeakyReluStd({nIn}, {Show(slope)}): expected {Show(expected)}, got {Show(got)}" +
                 (nIn == 100 ? $"; with your std, 50 layers of width 100 take the mean square from 1 to {Show(MeanSquareAfterStack(activation, slope, got))}." : "."), hint);
        }
        double meanSquare = MeanSquareAfterStack(activation, 0.5f, weightStd(100, 0.5f));
        Expect(meanSquare is > 0.2 and < 5,
            $"a stack of 50 layers of width 100 with LeakyRelu (slope 0.5) and LeakyReluStd(100, 0.5) weights took the mean square from 1 to {Show(meanSquare)}.");
    });

    /// <summary>Exercise 4.7: the factors by which a 100→400 layer with Glorot weights scales the std forwards (√0.4) and backwards (√1.6).</summary>
    public static ExerciseResult CheckGlorotFactors(double? forwardFactor, double? backwardFactor) => Run("4.7", () =>
    {
        double forward = Given(forwardFactor, "forwardFactor"), backward = Given(backwardFactor, "backwardFactor");
        const int nIn = 100, nOut = 400;
        double variance = 2.0 / (nIn + nOut), expectedForward = Math.Sqrt(nIn * variance), expectedBackward = Math.Sqrt(nOut * variance);
        if (Near(forward, expectedForward, 0.01) && Near(backward, expectedBackward, 0.01)) return;
        string? hint =
            Near(forward, expectedBackward, 0.01) && Near(backward, expectedForward, 0.01) ? "the two are swapped: forwards each output sums nIn = 100 products, backwards each input's gradient sums nOut = 400." :
            Near(forward, 1, 0.01) && Near(backward, 2, 0.01) ? "1 and 2 are the factors for weights with std 1/√nIn; Glorot's weights have variance 2/(nIn + nOut)." :
            Near(forward, nIn * variance, 0.01) || Near(backward, nOut * variance, 0.01) ? "that is the factor of the variance; the std's factor is its square root." :
            "a sum of k products x·w multiplies the variance by k · Var(w): k is nIn forwards and nOut backwards.";
        var (measuredForward, measuredBackward) = MeasuredGlorotFactors(nIn, nOut);
        Fail($"forwardFactor: expected {Show(expectedForward)}, got {Show(forward)}; backwardFactor: expected {Show(expectedBackward)}, got {Show(backward)} " +
             $"(one such layer measures {Show(measuredForward)} and {Show(measuredBackward)}).", hint);
    });

    /// <summary>
    /// Exercise 4.8, open-ended: the learner measures a 50-layer ReLU stack (<c>LastOverFirst</c>, replayed
    /// on fixed seeds) and searches for the weight std that keeps its std (<c>FindReluScale</c>). The
    /// scale found must agree with √(2/nIn) within 4%, and the learner's own measurement at that scale,
    /// over 30 fresh stacks, must keep the std within a factor 2 from layer 1 to layer 50.
    /// </summary>
    public static ExerciseResult CheckReluScale(Func<double, int, Generator, double>? lastOverFirst, Func<int, Generator, double>? findReluScale) => Run("4.8", () =>
    {
        var measure = Given(lastOverFirst, "LastOverFirst");
        var find = Given(findReluScale, "FindReluScale");
        foreach (var (weightStd, width, seed) in new[] { (Math.Sqrt(2.0 / 100), 100, 81UL), (1 / Math.Sqrt(30), 30, 82UL), (0.3, 20, 83UL) })
        {
            var learners = new Generator(seed);
            double got = measure(weightStd, width, learners), expected = LastOverFirstReference(weightStd, width, new Generator(seed));
            string call = $"LastOverFirst({Show(weightStd)}, {width}, new Generator({seed}))";
            var replay = new Generator(seed);
            LastOverFirstReference(weightStd, width, replay);
            bool sameDraws = replay.NextUInt64() == learners.NextUInt64();
            if (Near(got, expected, 1e-3)) continue;
            string hint =
                !sameDraws ? "draw the input with generator.Normal([100, width]), then one generator.Normal([width, width]) per layer, in that order, from the generator you are given." :
                Near(got, LastOverFirstReference(weightStd, width, new Generator(seed), relu: false), 1e-3) ? "put a ReLU (ClampMin(0f)) after every layer." :
                Near(got, LastOverFirstReference(weightStd, width, new Generator(seed), fromInput: true), 1e-3) ? "divide by the std after layer 1, not by the input's: the input is not a ReLU output." :
                "multiply each layer's standard normal weights by weightStd, apply the ReLU, and divide the std after layer 50 by the std after layer 1.";
            Fail($"{call}: expected {Show(expected)}, got {Show(got)}.", hint);
        }
        foreach (var (width, seed) in new[] { (100, 85UL), (50, 86UL) })
        {
            double scale = find(width, new Generator(seed)), formula = Math.Sqrt(2.0 / width), c = scale * Math.Sqrt(width);
            string call = $"FindReluScale({width}, new Generator({seed}))";
            Expect(double.IsFinite(scale) && scale > 0, $"{call} returned {Show(scale)}; a weight std is a positive number.");
            var check = new Generator(87);
            double geometricMean = Math.Exp(Enumerable.Range(0, 30).Average(_ => Math.Log(measure(scale, width, check))));
            string factor = double.IsFinite(geometricMean) && geometricMean > 0 ? $"a factor of {Show(geometricMean)}" : "more than float32 can hold (the stacks overflowed or vanished)";
            if (!Near(scale, formula, 0.04))
            {
                string? hint =
                    Near(c, 1, 0.04) ? "that is Xavier's 1/√nIn. ReLU halves the mean square at every layer, so at that scale the stacks shrink; look above it." :
                    Near(scale, Math.Sqrt(2), 0.04) || Near(scale, 1, 0.04) ? "weightStd is the std of one weight, and a layer sums nIn products: divide by √width." :
                    Near(scale, 2.0 / width, 0.04) ? "2/nIn is the variance of the weights; the std is its square root." :
                    "search for the scale at which the average of log(LastOverFirst) over several stacks is 0: below it the stacks shrink, above it they grow.";
                Fail($"{call}: your scale {Show(scale)} is {Show(c)}/√{width}; at it, 30 stacks change the std from layer 1 to layer 50 by {factor} "
                     + "on average (geometric mean). The scale that keeps it is within 4% of a simple formula in nIn.", hint);
            }
            Expect(geometricMean is > 0.5 and < 2,
                $"{call}: your scale {Show(scale)} is within 4% of √(2/nIn), but at it 30 fresh stacks change the std from layer 1 to layer 50 by {factor} "
                + "on average (geometric mean), more than a factor 2.",
                "measure, do not only use the formula: at a finite width the typical stack drifts a little even at √(2/nIn), and your search should find where the average of log(LastOverFirst) is 0.");
        }
    });

    private const int Batch = 200, MaxDepth = 200, DotProducts = 1000, ScaleBatch = 100, ScaleDepth = 50;

    private static double LastOverFirstReference(double weightStd, int width, Generator g, bool relu = true, bool fromInput = false)
    {
        var x = g.Normal([ScaleBatch, width]);
        double first = x.Std().Item();
        for (int layer = 1; layer <= ScaleDepth; layer++)
        {
            x = x.MatMul(g.Normal([width, width]) * (float)weightStd);
            if (relu) x = x.ClampMin(0f);
            if (layer == 1 && !fromInput) first = x.Std().Item();
        }
        return x.Std().Item() / first;
    }

    private static int FirstInfiniteLayerReference(int width, Generator g)
    {
        var x = g.Normal([Batch, width]);
        for (int layer = 1; layer <= MaxDepth; layer++)
        {
            x = x.MatMul(g.Normal([width, width]));
            if (!float.IsFinite(x.Std().Item())) return layer;
        }
        return -1;
    }

    private static double MeasuredDotProductStd(int n, double inputStd, double weightStd)
    {
        var g = new Generator(21);
        return (g.Normal([DotProducts, n]) * (float)inputStd * (g.Normal([DotProducts, n]) * (float)weightStd)).Sum(1).Std().Item();
    }

    /// <summary>The geometric mean of the std's growth from layer 1 to layer 9 of a plain randn stack with ReLU.</summary>
    private static double MeasuredPlainReluFactor(int width)
    {
        var g = new Generator(22);
        var x = g.Normal([Batch, width]).MatMul(g.Normal([width, width])).ClampMin(0f);
        double first = x.Std().Item();
        for (int layer = 2; layer <= 9; layer++) x = x.MatMul(g.Normal([width, width])).ClampMin(0f);
        return Math.Pow(x.Std().Item() / first, 1.0 / 8);
    }

    private static double MeanSquareAfterStack(Func<Tensor, float, Tensor> activation, float slope, double std)
    {
        var g = new Generator(23);
        var x = g.Normal([100, 100]);
        for (int layer = 1; layer <= 50; layer++) x = activation(x.MatMul(g.Normal([100, 100]) * (float)std), slope);
        return (x * x).Mean().Item();
    }

    private static (double Forward, double Backward) MeasuredGlorotFactors(int nIn, int nOut)
    {
        var g = new Generator(24);
        var w = g.Normal([nIn, nOut]) * MathF.Sqrt(2f / (nIn + nOut));
        var x = g.Normal([Batch, nIn]);
        var gradient = g.Normal([Batch, nOut]);
        return (x.MatMul(w).Std().Item() / x.Std().Item(), gradient.MatMul(w.T()).Std().Item() / gradient.Std().Item());
    }

    /// <summary>Odd and one-sided shapes come back as (nIn, nOut), and the same seed gives the same weights.</summary>
    private static void CheckShapesAndGenerator(Func<int, int, Generator, Tensor> init, string name)
    {
        foreach (var (nIn, nOut) in new[] { (3, 5), (1, 7), (300, 1) })
            ExpectShape(init(nIn, nOut, new Generator(10))?.Shape, [nIn, nOut], $"{name}({nIn}, {nOut}, ...)",
                "the weights of a layer computing x @ W have shape (nIn, nOut).");
        var first = init(20, 30, new Generator(10));
        var again = init(20, 30, new Generator(10));
        Expect(Check.Compare(first, again, 0, 0).Close,
            $"{name}(20, 30, new Generator(10)) gave different weights on two calls.",
            "draw every number from the generator you are given (generator.Normal or generator.Uniform), not Tensor.Randn or Init, so the same seed gives the same weights.");
    }

    private static void ExpectMeanNearZero(Tensor w, double std, string call, string hint)
    {
        double mean = w.Mean().Item(), allowed = 5 * std / Math.Sqrt(w.Count);
        Expect(Math.Abs(mean) <= allowed, $"{call}: the mean of the weights should be 0 (give or take {Show(allowed)}), got {Show(mean)}.", hint);
    }

    private static void ExpectStd(double got, double expected, string call, string? hint) =>
        Expect(Near(got, expected, 0.02), $"{call}: the std of the weights should be {Show(expected)} (within 2%), got {Show(got)}.", hint);

    private static string? ScaleHint(double gotStd, int nIn, int nOut, bool kaiming)
    {
        double variance = (kaiming ? 2.0 : 1.0) / nIn;
        string name = kaiming ? "√(2/nIn)" : "1/√nIn";
        return
            Near(gotStd, Math.Sqrt(variance * nIn / nOut), 0.02) ? $"scale by nIn, the number of inputs: each output sums nIn products, so the std is {name}." :
            Near(gotStd, variance, 0.02) ? $"{Show(variance)} is the variance you want; the std is its square root, {name}." :
            Near(gotStd, Math.Sqrt(2.0 / (nIn + nOut)), 0.02) ? $"that is Glorot's average of nIn and nOut; this exercise asks for {name}." :
            !kaiming && Near(gotStd, Math.Sqrt(2.0 / nIn), 0.02) ? "√(2/nIn) is Kaiming's std, for layers followed by ReLU; Xavier's is 1/√nIn." :
            kaiming && Near(gotStd, Math.Sqrt(1.0 / nIn), 0.02) ? "1/√nIn is Xavier's std; Kaiming's factor 2 makes up for the half of the mean square that ReLU removes." :
            null;
    }
}
