namespace Course.Exercises;

/// <summary>
/// The checks behind chapter 1's exercises (<c>notebooks/01_neuron.ipynb</c>): a neuron with a loop and
/// with tensors, a layer with PyTorch-shaped weights, and the size of the numbers after random layers:
/// predicted for one layer, predicted for the depth where float32 overflows, and measured per layer.
/// Every case comes from a private <see cref="Generator"/>, so checking an answer never moves the
/// notebook's own random numbers.
/// </summary>
public static class Chapter1
{
    /// <summary>Exercise 1.1: <c>Neuron(inputs, weights, bias)</c> returns ReLU(Σ inputs[i]·weights[i] + bias).</summary>
    public static ExerciseResult CheckNeuron(Func<float[], float[], float, float>? neuron) => Exercise.Run("1.1", () =>
    {
        var answer = Exercise.Given(neuron, "Neuron");
        var g = new Generator(101);
        (string What, float[] Inputs, float[] Weights, float Bias)[] cases =
        [
            ("the chapter's neuron", [0.5f, -1.2f, 3.0f], [0.8f, 0.1f, 0.4f], 0.25f),
            ("a negative weighted sum", [-3.0f, 0.0f, 0.5f], [0.8f, 0.1f, 0.4f], 0.25f),
            ("one input", [2f], [-1.5f], 4f),
            ("a bias that pulls a positive sum below zero", [1f, 1f], [1f, 1f], -5f),
            ("no inputs at all", [], [], 0.5f),
            ("7 random inputs", Normal(g, 7), Normal(g, 7), -0.3f),
            ("50 random inputs", Normal(g, 50), Normal(g, 50), 0.1f),
        ];
        foreach (var (what, inputs, weights, bias) in cases)
        {
            string label = $"{what} (inputs {Values(inputs)}, weights {Values(weights)}, bias {Exercise.Show(bias)})";
            double sum = 0, sumOfPositiveProducts = 0;
            for (int i = 0; i < inputs.Length; i++)
            {
                sum += (double)inputs[i] * weights[i];
                sumOfPositiveProducts += Math.Max((double)inputs[i] * weights[i], 0);
            }
            double expected = Math.Max(sum + bias, 0);
            float[] inputsGiven = (float[])inputs.Clone(), weightsGiven = (float[])weights.Clone();
            float got = answer(inputsGiven, weightsGiven, bias);
            Exercise.Expect(inputsGiven.AsSpan().SequenceEqual(inputs) && weightsGiven.AsSpan().SequenceEqual(weights),
                $"{label}: your function changed the arrays it was given.", "A neuron only reads its inputs and weights; keep the running total in a variable of its own.");
            Exercise.ExpectClose(got, expected, 1e-4 * (1 + Math.Abs(expected)), label, MistakeHint(got, expected, 1e-3,
                (sum + bias, "A negative total must come out as 0: apply ReLU, max(total, 0), to the total."),
                (Math.Max(sum, 0), "Add the bias: start the total from it, or add it after the loop."),
                (Math.Max(sum, 0) + bias, "Add the bias before ReLU: ReLU applies to the whole total, bias included."),
                (Math.Max(sumOfPositiveProducts + bias, 0), "ReLU applies once, to the total, not to each product.")));
        }
    });

    /// <summary>Exercise 1.2: the largest bias for which the chapter's neuron outputs 0 for its first input.</summary>
    public static ExerciseResult CheckLargestBias(double? largestBias) => Exercise.Run("1.2", () =>
    {
        double bias = Exercise.Given(largestBias, "largestBias");
        double sumWithoutBias = 0.5 * 0.8 + -1.2 * 0.1 + 3.0 * 0.4;
        const double Tolerance = 0.005;
        if (Math.Abs(bias + sumWithoutBias) <= Tolerance) return;
        double output = Math.Max(sumWithoutBias + bias, 0);
        if (output > 0)
            Exercise.Fail($"With bias {Exercise.Show(bias)} the neuron's output for inputs [0.5, -1.2, 3] is {Exercise.Show(output)}, not 0.",
                bias > 0 ? "The bias has to cancel a positive weighted sum, so it is negative."
                         : "Make the bias a little more negative, until ReLU's input is no longer above 0.");
        Exercise.Fail($"With bias {Exercise.Show(bias)} the output is 0, but it stays 0 for a somewhat larger bias too; find the largest.",
            Math.Abs(bias + sumWithoutBias + 0.25) <= Tolerance
                ? "The new bias replaces 0.25, it is not added to it: start from the weighted sum with no bias at all."
                : "The output is 0 exactly when the weighted sum plus the bias is 0 or less.");
    });

    /// <summary>Exercise 1.3: <c>NeuronOnBatch(X, w, b)</c> gives one neuron's output for every row of X, shape (batch,).</summary>
    public static ExerciseResult CheckNeuronOnBatch(Func<Tensor, Tensor, float, Tensor>? neuronOnBatch) => Exercise.Run("1.3", () =>
    {
        var answer = Exercise.Given(neuronOnBatch, "NeuronOnBatch");
        var g = new Generator(103);
        (int Batch, int NIn, float Bias)[] cases = [(4, 3, -0.2f), (3, 3, 0.5f), (1, 5, 0.1f), (6, 1, 0.3f), (7, 10, -0.5f)];
        foreach (var (batch, nIn, bias) in cases)
        {
            var x = g.Normal([batch, nIn]);
            var w = g.Normal([nIn]);
            string label = $"X of shape ({batch}, {nIn}), w of shape ({nIn},), b = {Exercise.Show(bias)}";
            var sums = new float[batch];
            for (int s = 0; s < batch; s++)
            {
                double total = bias;
                for (int i = 0; i < nIn; i++) total += (double)x[s, i] * w[i].Item();
                sums[s] = (float)total;
            }
            var expected = Tensor.FromArray(sums).ClampMin(0f);
            var (xGiven, wGiven) = (x.Clone(), w.Clone());
            var got = answer(xGiven, wGiven, bias);
            Exercise.ExpectUnchanged(xGiven, x, $"{label}: your function changed X, which it was given.", InputsOnlyRead);
            Exercise.ExpectUnchanged(wGiven, w, $"{label}: your function changed w, which it was given.", InputsOnlyRead);
            if (got is not null && !got.Shape.AsSpan().SequenceEqual(expected.Shape))
                Exercise.ExpectShape(got.Shape, expected.Shape, label, got.Rank switch
                {
                    0 => "Sum() with no argument adds everything into one number; you need one total per sample (per row of X).",
                    2 => "Sum over dimension 1 without keepDim gives one number per sample, shape (batch,).",
                    _ => "Each sample is a row of X: add the products along each row (dimension 1), not down the columns.",
                });
            var columnTotals = ((x * w).Sum(0) + bias).ClampMin(0f);
            Exercise.ExpectClose(got, expected, label, hint: MistakeHint(got, expected,
                (Tensor.FromArray(sums), "A negative total must come out as 0: finish with ClampMin(0f)."),
                ((x * w).Sum(1).ClampMin(0f), "Add the bias b to every total before ReLU."),
                (columnTotals.Shape.SequenceEqual(expected.Shape) ? columnTotals : null,
                    "Each sample is a row of X: add the products along each row (dimension 1), not down the columns.")));
        }
    });

    /// <summary>Exercise 1.4: <c>PyTorchLayer(x, weight, bias)</c> computes x·weightᵀ + bias for a weight stored (out, in).</summary>
    public static ExerciseResult CheckPyTorchLayer(Func<Tensor, Tensor, Tensor, Tensor>? pyTorchLayer) => Exercise.Run("1.4", () =>
    {
        var answer = Exercise.Given(pyTorchLayer, "PyTorchLayer");
        var g = new Generator(104);
        // The square case comes first: there a transposed index gives wrong numbers instead of an index error.
        (int Batch, int NIn, int NOut)[] cases = [(3, 3, 3), (2, 3, 4), (1, 5, 2), (4, 1, 3), (5, 7, 3)];
        foreach (var (batch, nIn, nOut) in cases)
        {
            var x = g.Normal([batch, nIn]);
            var weight = g.Normal([nOut, nIn]);
            var bias = g.Normal([nOut]);
            string label = $"x of shape ({batch}, {nIn}), weight of shape ({nOut}, {nIn}), bias of shape ({nOut},)";
            var expected = x.MatMul(weight.T()) + bias;
            var (xGiven, weightGiven, biasGiven) = (x.Clone(), weight.Clone(), bias.Clone());
            var got = answer(xGiven, weightGiven, biasGiven);
            Exercise.ExpectUnchanged(xGiven, x, $"{label}: your function changed x, which it was given.", InputsOnlyRead);
            Exercise.ExpectUnchanged(weightGiven, weight, $"{label}: your function changed weight, which it was given.", InputsOnlyRead);
            Exercise.ExpectUnchanged(biasGiven, bias, $"{label}: your function changed bias, which it was given.", InputsOnlyRead);
            Exercise.ExpectClose(got, expected, label, hint: MistakeHint(got, expected,
                (nIn == nOut ? x.MatMul(weight) + bias : null,
                    "weight has one row per neuron: neuron j's weight for input i is weight[j, i], not weight[i, j]."),
                (x.MatMul(weight.T()), "Add bias[j] to the total of neuron j."),
                (expected.ClampMin(0f), "This layer stops at the weighted sums plus bias; there is no ReLU in it."))
                ?? (got is not null && got.Rank == 2 && got.Size(0) == batch && got.Size(1) == nIn && nIn != nOut
                    ? "There is one output column per neuron, and weight has one row per neuron: nOut is weight's first size."
                    : null));
        }
    });

    /// <summary>Exercise 1.5: <c>PredictStd(nIn, inputStd, weightStd, relu)</c> agrees with the std measured after one random layer.</summary>
    public static ExerciseResult CheckPredictStd(Func<int, double, double, bool, double>? predictStd) => Exercise.Run("1.5", () =>
    {
        var answer = Exercise.Given(predictStd, "PredictStd");
        var g = new Generator(105);
        (int NIn, double InputStd, double WeightStd, bool Relu)[] cases =
            [(100, 1, 1, false), (100, 1, 1, true), (64, 1, 0.5, true), (64, 1, 0.5, false), (30, 2, 0.2, true), (400, 0.5, 0.1, false)];
        double reluFactor = Math.Sqrt((1 - 1 / Math.PI) / 2);
        foreach (var (nIn, inputStd, weightStd, relu) in cases)
        {
            var x = g.Normal([1000, nIn]) * (float)inputStd;
            var sums = x.MatMul(g.Normal([nIn, 100]) * (float)weightStd);
            double measured = (relu ? sums.ClampMin(0f) : sums).Std().Item();
            double got = answer(nIn, inputStd, weightStd, relu);
            string label = $"one layer with nIn = {nIn}, input std {Exercise.Show(inputStd)}, weight std {Exercise.Show(weightStd)}, "
                + (relu ? "ReLU after it" : "no ReLU") + ": the std measured on 1000 samples";
            double sigma = Math.Sqrt(nIn) * inputStd * weightStd;
            Exercise.ExpectClose(got, measured, 0.05 * measured, label, MistakeHint(got, measured, 0.03,
                (relu ? sigma / Math.Sqrt(2) : double.NaN,
                    "ReLU halves the mean square, but the std is the square root of the mean square minus the squared mean, and after ReLU the mean is no longer 0."),
                (relu ? sigma : double.NaN, "This case has a ReLU after the layer: it turns the negative half of the sums into zeros, which shrinks the std."),
                (relu ? double.NaN : sigma * reluFactor, "This case has no ReLU: predict the std of the weighted sums themselves."),
                (nIn * inputStd * weightStd * (relu ? reluFactor : 1), "Variances add up over the nIn products, standard deviations do not: the std grows like √nIn."))
                ?? "Work out the variance of one product x·w first, then of a sum of nIn independent ones; the std is its square root.");
        }
    });

    /// <summary>Exercise 1.6: the first layer of the chapter's stack whose std, by the chapter's estimates, passes float.MaxValue.</summary>
    public static ExerciseResult CheckOverflowLayer(Func<int, int>? layerWhereStdOverflows) => Exercise.Run("1.6", () =>
    {
        var answer = Exercise.Given(layerWhereStdOverflows, "LayerWhereStdOverflows");
        double reluFactor = Math.Sqrt((1 - 1 / Math.PI) / 2);
        foreach (int width in new[] { 100, 4, 10, 16, 400, 1000 })
        {
            int expected = FirstLayerAbove(Math.Sqrt(width) * reluFactor, Math.Sqrt(width / 2.0));
            int got = answer(width);
            if (Math.Abs(got - expected) <= 1) continue;
            string? hint =
                Math.Abs(got - FirstLayerAbove(Math.Sqrt(width) * reluFactor, Math.Sqrt(width))) <= 1
                    ? "From layer 2 on, each layer's inputs come out of a ReLU, whose mean square is half the sums': the factor per layer is √(width/2), not √width."
                : Math.Abs(got - FirstLayerAbove(Math.Sqrt(width), Math.Sqrt(width / 2.0))) <= 1
                    ? "Layer 1 ends with a ReLU too: its output's std is about 0.58·√width, not the √width of its sums."
                : got < expected
                    ? "Too few layers: the std starts near 0.58·√width after layer 1 and is multiplied by √(width/2) at each layer after it."
                    : "Too many layers: the std starts near 0.58·√width after layer 1 and is multiplied by √(width/2) at each layer after it.";
            Exercise.Fail($"LayerWhereStdOverflows({width}): expected layer {expected} (give or take 1), got {got}.", hint);
        }
    }, $"For width 100 the check also ran such a stack (200 samples): its first infinity appeared at layer {MeasuredOverflowLayer(100, 200)}. "
        + "The largest of its 20,000 values runs ahead of their std, so it overflows a little before the std does.");

    /// <summary>The first k ≥ 1 with firstStd·factor^(k−1) above float.MaxValue, in double.</summary>
    private static int FirstLayerAbove(double firstStd, double factor)
    {
        int k = 1;
        for (double std = firstStd; std <= float.MaxValue && k < 100_000; std *= factor) k++;
        return k;
    }

    /// <summary>The first layer of a real stack (standard normal inputs and weights, ReLU) that holds a value that is not finite.</summary>
    private static int MeasuredOverflowLayer(int width, int samples)
    {
        var g = new Generator(106);
        var h = g.Normal([samples, width]);
        for (int layer = 1; layer <= 1000; layer++)
        {
            h = h.MatMul(g.Normal([width, width])).ClampMin(0f);
            if (h.ToArray().Any(v => !float.IsFinite(v))) return layer;
        }
        return -1;
    }

    /// <summary>The cases of exercise 1.7: a width, a description, the weights' std and a way to draw them.</summary>
    private static (int Width, string Weights, double WeightStd, Func<Generator, int, int, Tensor> Draw)[] GrowthCases =>
    [
        (100, "standard normal weights", 1, (g, a, b) => g.Normal([a, b])),
        (50, "normal weights with std 0.5", 0.5, (g, a, b) => g.Normal([a, b]) * 0.5f),
        (200, "weights uniform between -1 and 1", 1 / Math.Sqrt(3), (g, a, b) => g.Uniform([a, b]) * 2f - 1f),
        (64, "normal weights with std 2", 2, (g, a, b) => g.Normal([a, b]) * 2f),
    ];

    /// <summary>
    /// Exercise 1.7: the measured growth of the std per layer, from layer 1 to layer depth, through ReLU layers
    /// whose weights the check draws, against the estimate √(width/2)·(weight std). Over 200 stacks of each
    /// case (seeds 5000 to 5199) the measured factor's spread was 2 % to 4 % (one standard deviation), so
    /// the check allows 20 %; a stack without ReLU is 41 % off.
    /// </summary>
    public static ExerciseResult CheckGrowthPerLayer(Func<Tensor, Func<int, int, Tensor>, int, double>? growthPerLayer) => Exercise.Run("1.7", () =>
    {
        var answer = Exercise.Given(growthPerLayer, "GrowthPerLayer");
        const int Depth = 10, Samples = 200;
        const double Tolerance = 0.2;
        ulong seed = 107;
        foreach (var (width, weights, weightStd, draw) in GrowthCases)
        {
            var g = new Generator(seed++);
            var input = g.Normal([Samples, width]);
            int draws = 0;
            double got = answer(input.Clone(), (nIn, nOut) => { draws++; return draw(g, nIn, nOut); }, Depth);
            double estimate = Math.Sqrt(width / 2.0) * weightStd;
            string label = $"{Samples} samples through {Depth} layers of width {width} with {weights}";
            Exercise.Expect(draws >= Depth, $"{label}: your function drew {draws} weight matrices; a stack of {Depth} layers needs one per layer.",
                "Call drawWeights(width, width) once for every layer, inside the loop.");
            if (Math.Abs(got / estimate - 1) <= Tolerance) continue;
            double ratio = got / estimate;
            string hint =
                Math.Abs(ratio / Math.Sqrt(2) - 1) <= Tolerance ? "Your factor is about √2 too large, what a stack without ReLU gives: put a ReLU (ClampMin(0f)) after every layer."
                : got > 1 && Math.Abs(Math.Log(got) / Math.Log(estimate) / (Depth - 1) - 1) <= 0.2 ? "That is the whole growth from layer 1 to the last; the factor per layer is its (depth − 1)-th root."
                : got > 1 && Math.Abs(Math.Log(got) / Math.Log(estimate) / Depth - 1) <= 0.2 ? "That is the whole growth through the stack; the factor per layer is its root."
                : Math.Abs(got * estimate - 1) <= Tolerance ? "Your factor is upside down: divide the later std by the earlier one."
                : "Record the std after each layer's ReLU, then take (std of the last layer / std of layer 1)^(1/(depth − 1)).";
            Exercise.Fail($"{label}: your factor per layer is {Exercise.Show(got)}, but the estimate √(width/2)·(weight std) is {Exercise.Show(estimate)} "
                + $"and a measurement lands within {Tolerance:P0} of it.", hint);
        }
    });

    private const string InputsOnlyRead = "Build the result in a new tensor; the inputs are only read.";

    /// <summary>The hint of the first known mistake whose result matches the learner's, when it is not also the right answer.</summary>
    private static string? MistakeHint(double got, double expected, double rtol, params (double Result, string Hint)[] mistakes)
    {
        foreach (var (result, hint) in mistakes)
            if (Exercise.Near(got, result, rtol, 1e-3 * rtol) && !Exercise.Near(result, expected, rtol, 1e-3 * rtol)) return hint;
        return null;
    }

    private static string? MistakeHint(Tensor? got, Tensor expected, params (Tensor? Result, string Hint)[] mistakes)
    {
        if (got is null) return null;
        foreach (var (result, hint) in mistakes)
            if (result is not null && Exercise.Close(got, result, 1e-4, 1e-4) && !Exercise.Close(result, expected, 1e-4, 1e-4))
                return hint;
        return null;
    }

    private static float[] Normal(Generator g, int count) => g.Normal([count]).ToArray();

    /// <summary>An array for a message: its values when there are a few, else how many.</summary>
    private static string Values(float[] values) =>
        values.Length <= 8 ? "[" + string.Join(", ", values.Select(v => Exercise.Show(v))) + "]" : $"of length {values.Length}";
}
