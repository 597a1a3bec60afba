namespace Course.Exercises;

/// <summary>
/// The checks of chapter 6's exercises (notebooks/06_framework_training.ipynb). Each runs the learner's
/// answer on cases built from its own <see cref="Generator"/>, never the notebook's (later cells rely on
/// that sequence), and reports the first case that comes out wrong: what was given, expected and returned.
/// </summary>
public static class Chapter6
{
    /// <summary>Exercise 6.1: the fraction of rows whose first largest output is in the labelled class, written with loops.</summary>
    public static ExerciseResult CheckAccuracy(Func<Tensor, Tensor, double>? accuracy) => Exercise.Run("6.1", () =>
    {
        var learner = Exercise.Given(accuracy, "Accuracy");
        foreach (var c in ClassificationCases())
        {
            string what = $"Accuracy on {c.What}";
            double expected = Classification.Accuracy(c.Outputs, c.Labels);
            double got = Guarded(() => learner(c.Outputs, c.Labels), what, ("outputs", c.Outputs), ("labels", c.Labels));
            int rows = c.Outputs.Size(0);
            string hint = rows > 1 && got > 1 && Math.Abs(got - expected * rows) < 1e-6
                ? "that is the number of rows predicted right; an accuracy is a fraction of the rows, between 0 and 1."
                : c.Hint == PredictionRule ? c.Hint + " Count the rows whose prediction equals labels[i], then divide by the number of rows." : c.Hint;
            Exercise.ExpectClose(got, expected, 1e-6, what, hint);
        }
    });

    /// <summary>Exercise 6.2: a confusion matrix, rows the true class and columns the predicted class.</summary>
    public static ExerciseResult CheckConfusionMatrix(Func<Tensor, Tensor, int[,]>? confusionMatrix) => Exercise.Run("6.2", () =>
    {
        var learner = Exercise.Given(confusionMatrix, "ConfusionMatrix");
        foreach (var c in ClassificationCases())
        {
            string what = $"ConfusionMatrix on {c.What}";
            int rows = c.Outputs.Size(0), classes = c.Outputs.Size(1);
            var predicted = c.Outputs.ArgMax(1).ToArray();
            var expected = new int[classes, classes];
            for (int i = 0; i < rows; i++) expected[(int)c.Labels.GetValue(i), (int)predicted[i]]++;

            var got = Guarded(() => learner(c.Outputs, c.Labels), what, ("outputs", c.Outputs), ("labels", c.Labels))
                ?? throw new WrongAnswerException($"{what}: got null instead of an array.");
            Exercise.Expect(got.GetLength(0) == classes && got.GetLength(1) == classes,
                $"{what}: expected a {classes} × {classes} array, got {got.GetLength(0)} × {got.GetLength(1)}.",
                "one row and one column per class; the number of classes is outputs.Size(1), the number of columns.");
            for (int t = 0; t < classes; t++)
                for (int p = 0; p < classes; p++)
                {
                    if (got[t, p] == expected[t, p]) continue;
                    int total = 0, transposed = 0;
                    for (int i = 0; i < classes; i++)
                        for (int j = 0; j < classes; j++) { total += got[i, j]; transposed += got[i, j] == expected[j, i] ? 1 : 0; }
                    string hint = transposed == classes * classes
                        ? "rows are the true class (the label) and columns the predicted class; your array is the transpose."
                        : total != rows
                            ? $"each of the {rows} rows of outputs adds 1 to exactly one entry, so the entries add up to {rows}; yours add up to {total}."
                            : c.Hint;
                    Exercise.Fail($"{what}: at [{t}, {p}] (true class {t}, predicted {p}) expected {expected[t, p]}, got {got[t, p]}.", hint);
                }
        }
    });

    /// <summary>Exercise 6.3: a leaky ReLU module, forward and backward, on its own and inside a Sequential against finite differences.</summary>
    public static ExerciseResult CheckLeakyRelu(Func<float, Module>? makeLayer) => Exercise.Run("6.3", () =>
    {
        var make = Exercise.Given(makeLayer, "makeLayer");
        var generator = new Generator(63);
        var inputs = new (string What, Tensor Input)[]
        {
            ("a (3, 4) input with negative, zero and positive values",
                Tensor.From(new float[,] { { -2f, -0.5f, 0f, 0.5f }, { 1.5f, -3f, 2f, 0f }, { -0.25f, 4f, -1f, 0.75f } })),
            ("a (1, 7) input", generator.Normal([1, 7])),
            ("a (6, 1) input", generator.Normal([6, 1])),
            ("a 1-d input of shape (5,)", generator.Normal([5])),
        };
        foreach (float slope in new[] { 0.2f, 0.01f })
            foreach (var (what, input) in inputs)
                CheckLeakyReluCase(make, slope, input.Clone(), generator.Normal(input.Shape), $"LeakyRelu({Exercise.Show(slope)}) on {what}");
        CheckLeakyReluAccumulates(make, generator);
        CheckLeakyReluInSequential(make, generator);
    });

    /// <summary>Exercise 6.4: one SGD step with momentum and weight decay as a pure function on tensors.</summary>
    public static ExerciseResult CheckSgdStep(Func<Tensor, Tensor, Tensor, float, float, float, (Tensor, Tensor)>? sgdStep) => Exercise.Run("6.4", () =>
    {
        var step = Exercise.Given(sgdStep, "SgdStep");
        var generator = new Generator(64);
        var cases = new (string What, int[] Shape, bool Moving, float Lr, float Momentum, float WeightDecay)[]
        {
            ("plain SGD (lr 0.1, momentum 0, weight decay 0), p of shape (3, 4), velocity all zeros", [3, 4], false, 0.1f, 0f, 0f),
            ("lr 0.1, momentum 0.9 and a velocity left by earlier steps, weight decay 0, p of shape (1, 5)", [1, 5], true, 0.1f, 0.9f, 0f),
            ("lr 0.5, weight decay 0.01, momentum 0, p of shape (5, 1), velocity all zeros", [5, 1], false, 0.5f, 0f, 0.01f),
            ("lr 0.3, momentum 0.9 and a velocity left by earlier steps, weight decay 0.05, a 1-d p of shape (7,)", [7], true, 0.3f, 0.9f, 0.05f),
        };
        foreach (var (caseWhat, shape, moving, lr, momentum, weightDecay) in cases)
        {
            string what = $"SgdStep with {caseWhat}";
            var p = generator.Normal(shape) * 2f - 0.5f;
            var grad = generator.Normal(shape);
            var velocity = moving ? generator.Normal(shape) : Tensor.Zeros(shape);
            var (gotP, gotVelocity) = Guarded(() => step(p, grad, velocity, lr, momentum, weightDecay), what, ("p", p), ("grad", grad), ("velocity", velocity));
            var (expectedP, expectedVelocity) = ReferenceStep(p, grad, velocity, lr, momentum, weightDecay);
            string hint = SgdHint(gotP, gotVelocity, p, grad, velocity, lr, momentum, weightDecay);
            Exercise.ExpectClose(gotP, expectedP, $"{what}: the new p", 1e-5, 1e-6, hint);
            Exercise.ExpectClose(gotVelocity, expectedVelocity, $"{what}: the new velocity", 1e-5, 1e-6, hint);
        }

        // Five steps in a row on L = ½ |p - target|², whose gradient is p - target: the velocity carries over.
        var target = generator.Normal([2, 3]);
        var (learnerP, learnerVelocity) = (generator.Normal([2, 3]), Tensor.Zeros(2, 3));
        var (referenceP, referenceVelocity) = (learnerP.Clone(), Tensor.Zeros(2, 3));
        for (int k = 1; k <= 5; k++)
        {
            string what = $"SgdStep, step {k} of five in a row on the loss ½ |p - target|² (lr 0.1, momentum 0.9, weight decay 0.01), each step given the last one's p and velocity";
            var (p, velocity) = (learnerP, learnerVelocity);
            (learnerP, learnerVelocity) = Guarded(() => step(p, p - target, velocity, 0.1f, 0.9f, 0.01f), what, ("p", p), ("velocity", velocity));
            (referenceP, referenceVelocity) = ReferenceStep(referenceP, referenceP - target, referenceVelocity, 0.1f, 0.9f, 0.01f);
            Exercise.ExpectClose(learnerP, referenceP, $"{what}: p", 1e-5, 1e-6, "return the new velocity so that the next step can build on it.");
            Exercise.ExpectClose(learnerVelocity, referenceVelocity, $"{what}: the velocity", 1e-5, 1e-6);
        }
    });

    /// <summary>Exercise 6.5: a learning rate that warms up linearly, then decays along half a cosine to 0.</summary>
    public static ExerciseResult CheckWarmupThenCosine(Func<float, int, int, Func<int, float>>? warmupThenCosine) => Exercise.Run("6.5", () =>
    {
        var make = Exercise.Given(warmupThenCosine, "WarmupThenCosine");
        foreach (var (peak, warmup, total) in new[] { (0.1f, 50, 2000), (1f, 1, 10), (0.5f, 3, 7), (2f, 10, 11) })
        {
            string what = $"WarmupThenCosine({Exercise.Show(peak)}, {warmup}, {total})";
            var schedule = Guarded(() => make(peak, warmup, total), what)
                ?? throw new WrongAnswerException($"{what} returned null instead of a function of the step.");
            // Step 0 twice first: a schedule that counts its own calls gives itself away at once.
            int[] steps = [0, 0, total - 1, warmup, 5 * total, 1, (warmup + total) / 2, warmup - 1, total, warmup + 1, total + 7, 0];
            var earlier = new Dictionary<int, float>();
            foreach (int step in steps)
            {
                float got = Guarded(() => schedule(step), $"{what} at step {step}");
                if (earlier.TryGetValue(step, out float before) && !before.Equals(got))
                    Exercise.Fail($"{what}: step {step} gave {Exercise.Show(before)} when first asked and {Exercise.Show(got)} when asked again.",
                        "the rate must depend on the step alone: compute it from step, peak, warmupSteps and totalSteps, with no counter kept between calls.");
                earlier[step] = got;
                double expected = ScheduledRate(peak, warmup, total, step);
                Exercise.ExpectClose(got, expected, 1e-6 + 1e-5 * Math.Abs(expected), $"{what} at step {step}", ScheduleHint(got, peak, warmup, total, step));
            }
        }
    });

    // The ranges the experiment of exercise 6.6 gives (100 steps, rows 32k to 32k + 31, constant 0.1), with margin:
    // measured over 61 seeds (100 to 160, 7 December 2026), layer 3's std at step 0 was 0.0097 to 0.0193, layer 1's
    // mean at step 99 0.16 to 0.25 with the tiny weights and -2.06 to -1.22 with the chapter's (Chapter6Tests runs
    // the experiment itself).
    private const double MinOutputStd = 0.005, MaxOutputStd = 0.03;
    private const double MinTinyMean = 0.05, MaxTinyMean = 0.5;
    private const double MinChapterMean = -3.0, MaxChapterMean = -1.0;

    /// <summary>Exercise 6.6: what the activation statistics show after 100 steps from weights of std 0.01, against the chapter's initialisation.</summary>
    public static ExerciseResult CheckTinyInitialisation(int? smallestStdLayer, double? tinyOutputStd, double? tinyFirstLayerMean, double? chapterFirstLayerMean) => Exercise.Run("6.6", () =>
    {
        int layer = Exercise.Given(smallestStdLayer, "smallestStdLayer");
        double outputStd = Exercise.Given(tinyOutputStd, "tinyOutputStd");
        double tinyMean = Exercise.Given(tinyFirstLayerMean, "tinyFirstLayerMean");
        double chapterMean = Exercise.Given(chapterFirstLayerMean, "chapterFirstLayerMean");

        Exercise.Expect(layer is >= 0 and <= 3, $"smallestStdLayer is {layer}, but the layers are numbered 0 (the input) to 3 (the output of Lin(50, 10)).");
        Exercise.Expect(layer == 3, $"smallestStdLayer: layer {layer} is not the layer with the smallest std at step 0 of the run with std-0.01 weights.",
            layer == 0
                ? "layer 0 is the standardised input: its std is near 1 whatever the weights."
                : "compare the std of every layer at step 0 (tinyStats.AtStep(0), or the chart's first step): each Lin with std-0.01 weights shrinks what it receives, and the ReLU shrinks it again.");

        Exercise.Expect(outputStd is >= MinOutputStd and <= MaxOutputStd,
            $"tinyOutputStd = {Exercise.Show(outputStd)} is outside the range this experiment gives, whatever the random weights.",
            outputStd > 0.5 ? "a std near 1 is what the chapter's initialisation gives; draw both weight matrices with std 0.01."
            : outputStd > MaxOutputStd ? "read the std of layer 3 (not layer 1 or 2) at step 0 (not later: training makes it grow)."
            : "read the std (not the mean) of layer 3 at step 0.");

        bool tinyInRange = tinyMean is >= MinTinyMean and <= MaxTinyMean, chapterInRange = chapterMean is >= MinChapterMean and <= MaxChapterMean;
        Exercise.Expect(!(tinyMean is >= MinChapterMean and <= MaxChapterMean && chapterMean is >= MinTinyMean and <= MaxTinyMean),
            $"tinyFirstLayerMean = {Exercise.Show(tinyMean)} and chapterFirstLayerMean = {Exercise.Show(chapterMean)} look swapped.",
            "tinyFirstLayerMean belongs to the run with std-0.01 weights, chapterFirstLayerMean to the run with Kaiming and Xavier weights.");
        Exercise.Expect(tinyInRange,
            $"tinyFirstLayerMean = {Exercise.Show(tinyMean)} is outside the range this experiment gives, whatever the random weights.",
            tinyMean < MinChapterMean / 3
                ? "a mean far below 0 is what the chapter's weights give; read it from the run with std-0.01 weights."
                : "read the mean of layer 1 (the first Lin's output) at the last step, step 99, of the run with std-0.01 weights (at step 0 it is near 0).");
        Exercise.Expect(chapterInRange,
            $"chapterFirstLayerMean = {Exercise.Show(chapterMean)} is outside the range this experiment gives, whatever the random weights.",
            chapterMean > MaxChapterMean && chapterMean < MinTinyMean
                ? "did you train at a constant 0.1, with no warm-up, on rows 32k to 32k + 31 for k = 0 to 99? The warm-up spares the first layer most of the knock."
                : chapterMean >= MinTinyMean
                    ? "a mean above 0 is what the std-0.01 weights give; read it from the run with Kaiming and Xavier weights."
                    : "read the mean of layer 1 (the first Lin's output, not layer 3) at step 99.");
    });

    /// <summary>
    /// Exercise 6.7: three learning rates the learner found by experiment, each claim tested by training, as the task
    /// describes, from three starts of the check's own: a rate that trains at a constant rate, one that diverges, and
    /// one that diverges at a constant rate but trains with the chapter's warm-up.
    /// </summary>
    public static ExerciseResult CheckLearningRateEdges(float? stableRate, float? divergingRate, float? rescuedRate) => Exercise.Run("6.7", () =>
    {
        float stable = Exercise.Given(stableRate, "stableRate");
        float diverging = Exercise.Given(divergingRate, "divergingRate");
        float rescued = Exercise.Given(rescuedRate, "rescuedRate");
        foreach (var (name, rate) in new[] { ("stableRate", stable), ("divergingRate", diverging), ("rescuedRate", rescued) })
            Exercise.Expect(float.IsFinite(rate) && rate > 0, $"{name} = {Exercise.Show(rate)} is not a learning rate.", "a learning rate is a positive, finite number.");
        Exercise.Expect(diverging > stable,
            $"divergingRate = {Exercise.Show(diverging)} is not above stableRate = {Exercise.Show(stable)}.",
            "a rate at which training diverges from every start is larger than one at which it trains from every start: did you swap them?");

        var starts = EdgeData.Value.Starts;
        for (int k = 0; k < starts.Length; k++)
        {
            string what = $"stableRate = {Exercise.Show(stable)} at a constant rate, from the check's start {k + 1} of {starts.Length}";
            var run = RunEdge(starts[k], stable, warmUp: false);
            Exercise.Expect(!run.Diverged, $"{what}: the loss diverged at step {run.Steps}.",
                "near an edge a rate trains from some starts and diverges from others; a rate that trains from every start lies further down.");
            Exercise.Expect(run.Trained, $"{what}: after {EdgeSteps} steps the mean loss of the last 20 is {run.LastToFirst:F3} times the first step's, not below half.",
                "this rate is stable, but too small to train in 100 steps: a stable rate must also learn.");
        }
        for (int k = 0; k < starts.Length; k++)
        {
            string what = $"divergingRate = {Exercise.Show(diverging)} at a constant rate, from the check's start {k + 1} of {starts.Length}";
            var run = RunEdge(starts[k], diverging, warmUp: false);
            Exercise.Expect(run.Diverged, $"{what}: the loss did not diverge in {EdgeSteps} steps (at most {run.Largest:F2} times the first step's).",
                "near an edge some starts diverge and others do not; a rate that diverges from every start lies further up.");
        }
        for (int k = 0; k < starts.Length; k++)
        {
            string what = $"rescuedRate = {Exercise.Show(rescued)}, from the check's start {k + 1} of {starts.Length}";
            var constant = RunEdge(starts[k], rescued, warmUp: false);
            Exercise.Expect(constant.Diverged, $"{what}, at a constant rate: the loss did not diverge in {EdgeSteps} steps.",
                "without a warm-up this rate does not diverge from this start, so it needs no rescue: choose one at which a constant rate diverges from every start.");
            var warmed = RunEdge(starts[k], rescued, warmUp: true);
            Exercise.Expect(!warmed.Diverged, $"{what}, with the warm-up: the loss diverged at step {warmed.Steps}.",
                "the warm-up's last step, and every step after it, uses the full rate, and this one is too large for them: a warm-up cannot rescue every rate.");
            Exercise.Expect(warmed.Trained, $"{what}, with the warm-up: after {EdgeSteps} steps the mean loss of the last 20 is {warmed.LastToFirst:F3} times the first step's, not below half.",
                "the warm-up kept the loss finite, but the network did not learn: try a smaller rate that still diverges without a warm-up.");
        }
    });

    // Exercise 6.7's experiment, as its task states it: 100 steps of 32 images, with or without a 50-step linear warm-up.
    private const int EdgeSteps = 100, EdgeWarmupSteps = 50, EdgeBatch = 32, EdgeTrainCount = 8000;

    /// <summary>One run of the experiment: whether and when it diverged, its largest loss and its last 20 steps' mean loss, each over the first step's.</summary>
    private sealed record EdgeRun(bool Diverged, int Steps, double Largest, double LastToFirst)
    {
        public bool Trained => !Diverged && LastToFirst < 0.5;
    }

    private sealed record EdgeStart(Tensor W1, Tensor W2, int[] Order);

    // The chapter's training images, standardised as the chapter does, and three starts built as the chapter builds
    // them (Kaiming, then 1/√n, zero biases), from the check's own generator; loaded once, on first use.
    private static readonly Lazy<(Tensor X, Tensor Y, EdgeStart[] Starts)> EdgeData = new(() =>
    {
        var (images, labels) = FashionMnist.Load(FashionMnist.FindDataDirectory());
        var training = images[..EdgeTrainCount];
        float mean = training.Mean().Item(), std = training.Std().Item();
        var generator = new Generator(67);
        var starts = new EdgeStart[3];
        for (int k = 0; k < starts.Length; k++)
            starts[k] = new(generator.Normal([784, 50]) * MathF.Sqrt(2f / 784), generator.Normal([50, 10]) * (1f / MathF.Sqrt(50)), generator.Permutation(EdgeTrainCount));
        return ((training - mean) / std, Classification.OneHot(labels[..EdgeTrainCount], 10), starts);
    });

    private static EdgeRun RunEdge(EdgeStart start, float rate, bool warmUp)
    {
        var (x, y, _) = EdgeData.Value;
        var network = new Sequential(new Lin(start.W1.Clone(), Tensor.Zeros(50)), new Relu(), new Lin(start.W2.Clone(), Tensor.Zeros(10)));
        var loss = new OneHotMse();
        var sgd = new Sgd(network.Parameters(), rate);
        var losses = new List<double>();
        for (int step = 0; step < EdgeSteps; step++)
        {
            var batch = start.Order.AsSpan(step * EdgeBatch, EdgeBatch);
            sgd.ZeroGrad();
            sgd.Lr = warmUp ? rate * Math.Min(1f, (step + 1) / (float)EdgeWarmupSteps) : rate;
            double value = loss.Forward(network.Forward(x.IndexSelect(batch)), y.IndexSelect(batch)).Item();
            losses.Add(value);
            if (!double.IsFinite(value) || value > 100 * losses[0])
                return new(true, step + 1, double.PositiveInfinity, double.NaN);
            loss.Backward();
            network.Backward();
            sgd.Step();
        }
        return new(false, EdgeSteps, losses.Max() / losses[0], losses.TakeLast(20).Average() / losses[0]);
    }

    // The learner's code on one case: an exception other than the placeholder names the case, and so does a change to an input.
    private static T Guarded<T>(Func<T> run, string what, params (string Name, Tensor Value)[] inputs)
    {
        var before = inputs.Select(input => input.Value.Clone()).ToArray();
        T result;
        try
        {
            result = run();
        }
        catch (Exception e) when (e is not (NotImplementedException or NotAttemptedException or WrongAnswerException))
        {
            throw new WrongAnswerException($"{what}: your code threw {e.GetType().Name}: {e.Message}");
        }
        for (int i = 0; i < inputs.Length; i++)
            Exercise.ExpectUnchanged(inputs[i].Value, before[i], $"{what}: your code changed {inputs[i].Name}, one of its inputs.",
                "compute the result in new tensors and leave what you were given as it was: the caller still needs it.");
        return result;
    }

    private sealed record ClassificationCase(string What, Tensor Outputs, Tensor Labels, string Hint);

    private const string PredictionRule = "the prediction for row i is the column j with the largest outputs[i, j], the first such column on a tie.";

    private static IEnumerable<ClassificationCase> ClassificationCases()
    {
        var generator = new Generator(61);
        // Right and wrong rows mixed, so that neither 0 nor 1 is the answer.
        var outputs = generator.Normal([8, 5]);
        var predicted = outputs.ArgMax(1).ToArray();
        var labels = predicted.Select((p, i) => i % 3 == 0 ? (p + 1) % 5 : p).ToArray();
        yield return new("outputs of shape (8, 5)", outputs, Tensor.FromArray(labels), PredictionRule);

        yield return new("a single row, outputs [0.3, -1.2, 2.5, 0.7] of shape (1, 4) and label 2",
            Tensor.From(0.3f, -1.2f, 2.5f, 0.7f).Reshape(1, 4), Tensor.From(2f), PredictionRule);

        yield return new("outputs of shape (6, 1), a single class", generator.Normal([6, 1]), Tensor.Zeros(6),
            "with a single column every row predicts class 0.");

        yield return new("outputs of shape (4, 3), all negative",
            Tensor.From(new float[,] { { -3f, -1f, -2f }, { -0.5f, -4f, -0.1f }, { -2f, -2.5f, -1.5f }, { -1f, -6f, -3f } }), Tensor.From(1f, 2f, 2f, 0f),
            "every output here is negative: start each row's running maximum at its first output (or at float.NegativeInfinity), not at 0.");

        yield return new("outputs of shape (3, 4) with ties for the largest output in every row",
            Tensor.From(new float[,] { { 1f, 3f, 3f, 0f }, { 2f, 2f, 2f, 2f }, { 0f, 5f, 1f, 5f } }), Tensor.From(1f, 0f, 3f),
            "on a tie the prediction is the first of the tied columns (ArgMax(1) picks that one): move to a later column only when its output is strictly larger.");

        yield return new("outputs of shape (5, 3) that are a transposed view", generator.Normal([3, 5]).T(), Tensor.From(0f, 2f, 1f, 1f, 2f),
            "outputs[i, j] reads row i, column j of any view, transposed or not; a flat index into the storage would not.");

        var many = generator.Normal([40, 10]);
        var manyLabels = generator.Uniform([40]) * 10f;
        for (int i = 0; i < 40; i++) manyLabels.SetValue(MathF.Floor(manyLabels.GetValue(i)), i);
        yield return new("outputs of shape (40, 10) with random labels", many, manyLabels, PredictionRule);

        // Class 3 never occurs as a label, yet some rows predict it.
        var missing = Tensor.From(new float[,] { { 0f, 0f, 0f, 1f }, { 1f, 0f, 0f, 0f }, { 0f, 2f, 0f, 3f }, { 0f, 0f, 1f, 0f }, { 0f, 1f, 0f, 0f }, { 2f, 0f, 0f, 0f } });
        yield return new("outputs of shape (6, 4) where no label is class 3", missing, Tensor.From(0f, 0f, 1f, 2f, 1f, 2f), PredictionRule);
    }

    private static void CheckLeakyReluCase(Func<float, Module> make, float slope, Tensor input, Tensor outGrad, string what)
    {
        var layer = Guarded(() => make(slope), what) ?? throw new WrongAnswerException($"{what}: makeLayer returned null instead of a layer.");
        var output = Guarded(() => layer.Forward(input), $"{what}, Forward", ("its input", input));
        Exercise.ExpectClose(output, Exercise.Map(input, x => x > 0 ? x : slope * x), $"{what}, Forward", 1e-6, 1e-7,
            Exercise.Close(output, Exercise.Map(input, x => Math.Max(x, 0)), 1e-5, 1e-6)
                ? "for a negative input the output is Slope × input, not 0 (that is Relu)."
                : Exercise.Close(output, Exercise.Map(input, x => x > 0 ? x : 0.01f * x), 1e-5, 1e-6)
                    ? "use the layer's own Slope, the constructor's argument, not a fixed 0.01."
                    : "out = inp where inp > 0, and Slope × inp elsewhere.");

        layer.Out!.Grad = outGrad;
        Guarded(() => { layer.Backward(); return 0; }, $"{what}, Backward", ("its input", input), ("outGrad, the gradient on the output", outGrad));
        if (input.Grad is null)
            throw new WrongAnswerException($"{what}, Backward: inp.Grad is still null.\nHint: ComputeGradients must set inp.Grad to dL/dinp (or add it on, when inp.Grad already holds a gradient).");
        Exercise.ExpectClose(input.Grad, Exercise.Map(input, outGrad, (x, g) => x > 0 ? g : slope * g), $"{what}, Backward: the gradient on the input", 1e-6, 1e-7,
            Exercise.Close(input.Grad, Exercise.Map(input, outGrad, (x, g) => x > 0 ? g : 0), 1e-5, 1e-6)
                ? "where the input is negative the local slope is Slope, not 0 as in Relu: the gradient there is Slope × outGrad."
                : Exercise.Close(input.Grad, Exercise.Map(input, outGrad, (x, g) => x >= 0 ? g : slope * g), 1e-5, 1e-6)
                    ? "at an input of exactly 0 the factor is Slope: the rule is inp > 0, as in Relu."
                    : Exercise.Close(input.Grad, outGrad, 1e-5, 1e-6)
                        ? "the gradient passes unchanged only where inp > 0; elsewhere it is multiplied by Slope."
                        : "dL/dinp = outGrad × (1 where inp > 0, else Slope), element by element.");
    }

    private static void CheckLeakyReluAccumulates(Func<float, Module> make, Generator generator)
    {
        const string What = "LeakyRelu(0.2), Backward on a (4, 3) input whose Grad already holds a gradient from elsewhere";
        var input = generator.Normal([4, 3]);
        var earlier = generator.Normal([4, 3]);
        var outGrad = generator.Normal([4, 3]);
        input.Grad = earlier.Clone();
        var layer = Guarded(() => make(0.2f), What) ?? throw new WrongAnswerException($"{What}: makeLayer returned null instead of a layer.");
        Guarded(() => layer.Forward(input), What);
        layer.Out!.Grad = outGrad;
        Guarded(() => { layer.Backward(); return 0; }, What);
        var share = Exercise.Map(input, outGrad, (x, g) => x > 0 ? g : 0.2f * g);
        Exercise.ExpectClose(input.Grad, earlier + share, $"{What}: the input's Grad afterwards", 1e-6, 1e-6,
            Exercise.Close(input.Grad, share, 1e-5, 1e-6)
                ? "Backward replaced the gradient that was there; it must add its share to it (gradients accumulate, as in every layer of the library and in PyTorch)."
                : "inp.Grad should end up as the gradient it held plus this layer's share.");
    }

    private static void CheckLeakyReluInSequential(Func<float, Module> make, Generator generator)
    {
        const string What = "inside Sequential(Lin(5, 4), LeakyRelu(0.2), Lin(4, 3)) with OneHotMse on a batch of 6";
        var (w1, b1) = (generator.Normal([5, 4]) * 0.5f, generator.Normal([4]) * 0.1f);
        var (w2, b2) = (generator.Normal([4, 3]) * 0.5f, Tensor.Zeros(3));
        var x = generator.Normal([6, 5]);
        var targets = Classification.OneHot(Tensor.From(0f, 2f, 1f, 1f, 0f, 2f), 3);
        var layer = Guarded(() => make(0.2f), What) ?? throw new WrongAnswerException($"{What}: makeLayer returned null instead of a layer.");
        var network = new Sequential(new Lin(w1, b1), layer, new Lin(w2, b2));
        var loss = new OneHotMse();
        Guarded(() =>
        {
            loss.Forward(network.Forward(x), targets);
            loss.Backward();
            network.Backward();
            return 0;
        }, What);
        var analytic = w1.Grad?.Clone() ?? throw new WrongAnswerException($"{What}: the first Lin's W has no gradient after the backward pass.");
        var numerical = GradCheck.Numerical(() => loss.Forward(network.Forward(x), targets).Item(), w1, 1e-3f);
        Exercise.ExpectClose(analytic, numerical, $"{What}: the first Lin's weight gradient against GradCheck.Numerical", 2e-2, 2e-3,
            "the layer is right on its own, so look at what it leaves for the layer before it: its gradient must land on inp.Grad, the very tensor the first Lin returned.");
    }

    private static (Tensor P, Tensor Velocity) ReferenceStep(Tensor p, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay)
    {
        var g = grad + p * weightDecay;
        var newVelocity = velocity * momentum + g;
        return (p - newVelocity * lr, newVelocity);
    }

    // Names the mistake when the answer matches a plausible wrong version of the step.
    private static string SgdHint(Tensor? gotP, Tensor? gotVelocity, Tensor p, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay)
    {
        var g = grad + p * weightDecay;
        var rightVelocity = velocity * momentum + g;
        var lrInVelocity = velocity * momentum + g * lr;
        var decayOutside = velocity * momentum + grad;
        var decayWrongWay = velocity * momentum + grad - p * weightDecay;
        var mistakes = new (Tensor P, Tensor Velocity, string Hint)[]
        {
            (p - lrInVelocity, lrInVelocity, "your velocity includes the learning rate. Here, as in PyTorch, the velocity sums gradients (momentum × velocity + g), and lr multiplies it only in the update of p."),
            (p - (decayOutside + p * weightDecay) * lr, decayOutside, "the weight-decay term, weightDecay × p, joins the gradient before it enters the velocity, so the new velocity includes it too."),
            (p - velocity * lr, rightVelocity, "update p with the new velocity, the one that already includes this step's gradient, not the one you were given."),
            (p - g * lr, rightVelocity, "p moves by lr × the new velocity, not by lr × this step's gradient alone: that is what gives momentum its effect."),
            (p - decayWrongWay * lr, decayWrongWay, "weight decay pulls p towards 0: add weightDecay × p to the gradient, so that the step subtracts it."),
            (p - rightVelocity * lr, velocity, "return the new velocity, not the one you were given: the caller passes it back in on the next step."),
            (p - g * lr, g, "the new velocity keeps momentum × the old velocity and adds g to it."),
        };
        foreach (var (mistakeP, mistakeVelocity, hint) in mistakes)
            if (Exercise.Close(gotP, mistakeP, 1e-5, 1e-6) && Exercise.Close(gotVelocity, mistakeVelocity, 1e-5, 1e-6)) return hint;
        return "check the two cases of the task by hand: with momentum 0 and weightDecay 0 the step is Sgd's, p - lr × grad; with grad 0 and momentum 0 it multiplies p by (1 - lr × weightDecay). Then the velocity: this step's gradient counts once in it, the last step's momentum times.";
    }

    private static double ScheduledRate(float peak, int warmup, int total, int step) =>
        step < warmup ? peak * (step + 1.0) / warmup
        : step >= total ? 0
        : peak * (1 + Math.Cos(Math.PI * (step - warmup) / (total - warmup))) / 2;

    private static string ScheduleHint(float got, float peak, int warmup, int total, int step)
    {
        if (step < warmup)
            return got == 0 || Exercise.Near(got, peak * (double)step / warmup, 1e-5, 1e-6)
                ? "the first step must already move: step 0 uses peak × 1 / warmupSteps, and step warmupSteps - 1 the full peak. In C#, (step + 1) / warmupSteps with two ints is an integer division, 0 until the last warm-up step."
                : "during the warm-up (step < warmupSteps) the rate is peak × (step + 1) / warmupSteps.";
        if (step >= total)
            return "from step totalSteps on the rate stays 0 (the cosine, left alone, would climb back up).";
        if (Exercise.Near(got, peak * (1 + Math.Cos(Math.PI * step / total)) / 2, 1e-5, 1e-6))
            return "the cosine starts at step warmupSteps, at the full peak: its progress is (step - warmupSteps) / (totalSteps - warmupSteps).";
        if (Exercise.Near(got, peak, 1e-5, 1e-6) && step > warmup)
            return "(step - warmupSteps) / (totalSteps - warmupSteps) with two ints is an integer division, 0 until the end; make one of them a float.";
        return "from step warmupSteps on the rate is peak × (1 + cos(π × (step - warmupSteps) / (totalSteps - warmupSteps))) / 2.";
    }
}
