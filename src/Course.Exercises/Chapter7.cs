namespace Course.Exercises;

/// <summary>
/// The checks of chapter 7's exercises (automatic differentiation): the order a backward pass needs,
/// the gradient of a tensor read twice, an operation with its own backward rule, softmax,
/// cross-entropy and its gradient written by hand, and an operation of the learner's own choosing, held
/// against finite differences of its own forward pass. Cases come from a private <see cref="Generator"/>,
/// so a check never moves the notebook's shared random numbers.
/// </summary>
public static class Chapter7
{
    private const string OverflowHint =
        "exp overflows float32 above about 88.7 (and gives 0 below about -103): subtract each row's largest logit from the row before exponentiating; the softmax does not change";

    /// <summary>Exercise 7.1: an order of a graph's nodes, given as edges, in which every node comes after all of its inputs.</summary>
    public static ExerciseResult CheckTopologicalOrder(Func<int, (int From, int To)[], int[]>? topologicalOrder) =>
        Exercise.Run("7.1", () =>
        {
            var order = Exercise.Given(topologicalOrder, "TopologicalOrder");
            foreach (var (name, count, edges) in GraphCases())
            {
                var given = ((int From, int To)[])edges.Clone();
                var result = order(count, given);
                string where = $"{name} ({count} node{(count == 1 ? "" : "s")}; edges {EdgesText(edges)})";
                Exercise.Expect(given.AsSpan().SequenceEqual(edges), $"{where}: your function changed the edges array it was given.",
                    "build your own lists from the edges and leave the argument as it was");
                CheckOrder(where, count, edges, result);
            }
        });

    private static void CheckOrder(string where, int count, (int From, int To)[] edges, int[]? result)
    {
        if (result is null)
        {
            Exercise.Fail($"{where}: expected an order of the nodes, got null.");
            return;
        }
        var position = Enumerable.Repeat(-1, count).ToArray();
        for (int k = 0; k < result.Length; k++)
        {
            int node = result[k];
            if (node < 0 || node >= count)
                Exercise.Fail($"{where}: your order {Exercise.Show(result)} contains {node}, which is not a node (they are numbered 0 to {count - 1}).");
            if (position[node] >= 0)
                Exercise.Fail($"{where}: your order {Exercise.Show(result)} lists node {node} twice.",
                    "a node read by two operations is reached twice: remember which nodes you have already placed");
            position[node] = k;
        }
        int missing = Array.IndexOf(position, -1);
        if (missing >= 0)
            Exercise.Fail($"{where}: your order {Exercise.Show(result)} has {result.Length} of the {count} nodes; node {missing} is missing.",
                "list every node exactly once, including nodes that no edge touches and nodes the last node was not computed from");
        var backwards = edges.Where(e => position[e.From] > position[e.To]).ToList();
        if (backwards.Count == 0) return;
        string hint = result.SequenceEqual(Enumerable.Range(0, count))
            ? "here the node numbers do not follow the order of computation: follow the edges, not the numbers"
            : backwards.Count == edges.Length
                ? "every edge points backwards in your order: that is the order Backward walks (outputs first), while the task asks for inputs first"
                : "a node may be placed only after all of its inputs have been";
        Exercise.Fail($"{where}: your order {Exercise.Show(result)} lists node {backwards[0].To} before its input {backwards[0].From}.", hint);
    }

    // Edge (u, v): v was computed from u. Each case breaks a different shortcut.
    private static IEnumerable<(string Name, int Count, (int From, int To)[] Edges)> GraphCases()
    {
        yield return ("the chapter's y = relu(x·w + b)·x, numbered x, w, b, x·w, +b, relu, y", 7,
            [(0, 3), (1, 3), (3, 4), (2, 4), (4, 5), (5, 6), (0, 6)]);
        yield return ("a chain numbered from its end", 5, [(4, 3), (3, 2), (2, 1), (1, 0)]);
        yield return ("x·x: node 1 read twice by the same operation", 2, [(1, 0), (1, 0)]);
        yield return ("a diamond", 4, [(3, 0), (3, 2), (0, 1), (2, 1)]);
        yield return ("a single node", 1, []);
        yield return ("two separate graphs and a lone node", 6, [(5, 1), (1, 0), (4, 2)]);
        var generator = new Generator(71);
        var rank = generator.Permutation(12);
        var edges = new List<(int, int)>();
        for (int i = 0; i < 12; i++)
            for (int j = i + 1; j < 12; j++)
                if (generator.NextDouble() < 0.25) edges.Add((rank[i], rank[j]));
        yield return ("a random graph", 12, edges.ToArray());
    }

    private static string EdgesText((int From, int To)[] edges) =>
        edges.Length == 0 ? "none" : string.Join(", ", edges.Select(e => $"{e.From}→{e.To}"));

    /// <summary>Exercise 7.2: the predicted gradients of a = (2, −1, 3), read twice, and of b = (5), broadcast, in Σ (a + b)·a.</summary>
    public static ExerciseResult CheckUsedTwice(float[]? gradientOfA, float[]? gradientOfB) =>
        Exercise.Run("7.2", () =>
        {
            var predictedA = Exercise.Given(gradientOfA, "gradientOfA");
            var predictedB = Exercise.Given(gradientOfB, "gradientOfB");
            var a = Tensor.From(2f, -1f, 3f).SetRequiresGrad();
            var b = Tensor.From(5f).SetRequiresGrad();
            a.Add(b).Mul(a).Sum().Backward();

            Exercise.ExpectEqual(predictedA.Length, 3, "the number of values in gradientOfA", "a gradient has the shape of its tensor, and a has three elements");
            var expectedA = a.Grad!.ToArray();
            if (!Exercise.Close(Tensor.FromArray(predictedA), a.Grad!, 1e-4, 1e-4))
            {
                string hint = Exercise.Close(Tensor.FromArray(predictedA), Tensor.From(7f, 4f, 8f), 1e-4, 1e-4) ? "that is only the share a gets as Mul's second input; a is also an input of Add, which passes its own share on"
                    : Exercise.Close(Tensor.FromArray(predictedA), Tensor.From(2f, -1f, 3f), 1e-4, 1e-4) ? "that is only the share a gets through Add; a is also Mul's second input, with a share of its own"
                    : "a is read by two operations, Add and Mul: work out the share each passes back to a, then add them";
                Exercise.Fail($"gradientOfA: expected {ValuesText(expectedA)}, got {ValuesText(predictedA)}.", hint);
            }
            Exercise.ExpectEqual(predictedB.Length, 1, "the number of values in gradientOfB",
                "b has shape (1,), so its gradient has one value: broadcasting sent b to all three positions, and the three shares are summed back into it");
            var expectedB = b.Grad!.ToArray();
            if (!Exercise.Close(Tensor.FromArray(predictedB), b.Grad!, 1e-4, 1e-4))
                Exercise.Fail($"gradientOfB: expected {ValuesText(expectedB)}, got {ValuesText(predictedB)}.",
                    "b reaches each of the three elements of a + b; its gradient is the sum of dL/d(a + b) over them");
        });

    /// <summary>Exercise 7.3: sigmoid's forward pass, and the backward rule beside it, against finite differences.</summary>
    public static ExerciseResult CheckSigmoid(Func<Tensor, (Tensor Output, Func<Tensor, Tensor> Backward)>? sigmoid) =>
        Exercise.Run("7.3", () =>
        {
            var learner = Exercise.Given(sigmoid, "Sigmoid");
            var generator = new Generator(73);
            (string Name, Tensor X)[] cases =
            [
                ("x of shape (3, 7), random", generator.Normal([3, 7]) * 3f),
                ("x of shape (1, 5), random", generator.Normal([1, 5])),
                ("x of shape (4, 1), random", generator.Normal([4, 1])),
                ("x = (-30, -5, -0.5, 0, 0.5, 5, 30)", Tensor.From(-30f, -5f, -0.5f, 0f, 0.5f, 5f, 30f)),
                ("a 0-d x = 0.25", Tensor.Scalar(0.25f)),
            ];
            static double Sigma(double v) => 1 / (1 + Math.Exp(-v));
            foreach (var (name, x) in cases)
            {
                var xBefore = x.Clone();
                var (output, backward) = learner(x);
                Exercise.ExpectUnchanged(x, xBefore, $"{name}: your Sigmoid changed its input x.", WriteNothing);
                Exercise.ExpectClose(output, Exercise.Map(x, x, (v, _) => Sigma(v)), $"{name}: the output", rtol: 1e-5, atol: 1e-6,
                    hint: "σ(x) = 1 / (1 + exp(-x)), element by element");
                Exercise.Expect(backward is not null, $"{name}: your Sigmoid returned no backward rule (null).");

                var g = generator.Normal(x.Shape);
                var gBefore = g.Clone();
                var gradient = backward!(g);
                Exercise.ExpectUnchanged(g, gBefore, $"{name}: your backward rule changed the gradient g it was given.", WriteNothing);
                // dL/dx for L = Σ g·σ(x), by central differences of the exact sigmoid: nothing here knows σ's derivative.
                const double h = 1e-4;
                var expected = Exercise.Map(x, g, (v, gi) => gi * (Sigma(v + h) - Sigma(v - h)) / (2 * h));
                string what = $"{name}: Backward(g) against finite differences, with g random of the same shape";
                var comparison = gradient is null ? null : Check.Compare(gradient, expected, 1e-3, 1e-6);
                if (comparison is { ShapesMatch: true, Close: false })
                {
                    string? hint = Check.Compare(gradient!, Exercise.Map(x, g, (v, gi) => gi * v * (1 - v)), 1e-3, 1e-6).Close
                        ? "you wrote σ'(x) with x where the output σ(x) belongs"
                        : Check.Compare(gradient!, Exercise.Map(x, g, (v, _) => Sigma(v) * (1 - Sigma(v))), 1e-3, 1e-6).Close
                            ? "the rule must multiply by g, the gradient dL/dout it is given (the chain rule)"
                            : Check.Compare(gradient!, Exercise.Map(x, g, (v, gi) => gi * Sigma(v)), 1e-3, 1e-6).Close
                                ? "g times the output is the rule of exp, whose derivative is itself; σ's derivative is not σ"
                                : null;
                    if (hint is not null)
                        Exercise.Fail($"{what}: at {Exercise.IndexText(comparison.WorstIndex, x.Shape)} expected {Exercise.Show(comparison.WorstExpected)}, got {Exercise.Show(comparison.WorstActual)}.", hint);
                }
                Exercise.ExpectClose(gradient, expected, what, rtol: 1e-3, atol: 1e-6,
                    hint: "dL/dx = g · dσ/dx, element by element, and dσ/dx can be written with the output σ(x) alone");
            }
        });

    /// <summary>Exercise 7.4: log-softmax over each row of (n, c) logits, finite for logits of any size.</summary>
    public static ExerciseResult CheckLogSoftmax(Func<Tensor, Tensor>? logSoftmax) =>
        Exercise.Run("7.4", () =>
        {
            var learner = Exercise.Given(logSoftmax, "LogSoftmax");
            foreach (var (name, logits, _) in ClassificationCases(74))
            {
                var before = logits.Clone();
                var result = learner(logits);
                Exercise.ExpectUnchanged(logits, before, $"{name}: your LogSoftmax changed the logits it was given.", WriteNothing);
                var expected = LogSoftmaxRows(logits);
                Exercise.ExpectShape(result?.Shape, logits.Shape, name, "one log-probability per logit: the result has the logits' shape (n, c)");
                ExpectFinite(result!, expected, name);
                if (Check.Compare(result!, expected, 1e-5, 1e-4).Close) continue;
                if (Check.Compare(result!, LogSoftmaxRows(logits.T()).T(), 1e-5, 1e-4).Close)
                    Exercise.Fail($"{name}: you normalised each column.", "each row is one example: normalise over its c classes, dimension 1");
                if (Check.Compare(result!, expected.Exp(), 1e-5, 1e-4).Close)
                    Exercise.Fail($"{name}: you returned the softmax itself.", "return its logarithm, computed without taking the log of a probability that may have rounded to 0");
                Exercise.ExpectClose(result, expected, name, rtol: 1e-5, atol: 1e-4,
                    hint: OffByAConstantPerRow(result!, expected)
                        ? "in every row all your values are off by the same amount, so the log Σ exp you subtract is wrong: with m the row's largest logit, log Σ exp(z) = m + log Σ exp(z - m)"
                        : "log softmax(z)_j = z_j - log Σ_k exp(z_k), row by row");
            }
        });

    /// <summary>Exercise 7.5: the cross-entropy of (n, c) logits and n labels, averaged over the batch.</summary>
    public static ExerciseResult CheckCrossEntropy(Func<Tensor, Tensor, float>? crossEntropy) =>
        Exercise.Run("7.5", () =>
        {
            var learner = Exercise.Given(crossEntropy, "CrossEntropy");
            foreach (var (name, logits, labels) in ClassificationCases(75))
            {
                var (logitsBefore, labelsBefore) = (logits.Clone(), labels.Clone());
                float loss = learner(logits, labels);
                Exercise.ExpectUnchanged(logits, logitsBefore, $"{name}: your CrossEntropy changed the logits it was given.", WriteNothing);
                Exercise.ExpectUnchanged(labels, labelsBefore, $"{name}: your CrossEntropy changed the labels it was given.", WriteNothing);
                var logProbabilities = LogSoftmaxRows(logits);
                int n = logits.Size(0);
                double expected = -Enumerable.Range(0, n).Average(i => (double)logProbabilities[i, (int)labels.GetValue(i)]);
                double tolerance = 1e-4 * (1 + Math.Abs(expected));
                if (Math.Abs(loss - expected) <= tolerance) continue;
                string where = $"{name}, labels {ValuesText(labels.ToArray())}";
                if (!float.IsFinite(loss))
                    Exercise.Fail($"{where}: expected {Exercise.Show(expected)}, got {Exercise.Show(loss)}.", OverflowHint);
                string hint = n > 1 && Math.Abs(loss - n * expected) <= n * tolerance ? "that is the sum over the rows; the loss is their mean"
                    : Math.Abs(loss + expected) <= tolerance ? "the loss is minus the log-probability of the right class: positive, and near 0 when that probability is near 1"
                    : "for each row i, take minus the log-probability in column labels[i], then average over the rows";
                Exercise.ExpectClose(loss, expected, tolerance, where, hint);
            }
        });

    /// <summary>Exercise 7.6: cross-entropy's gradient (softmax − one_hot) / n by hand, against autograd's.</summary>
    public static ExerciseResult CheckCrossEntropyGradient(Func<Tensor, Tensor, Tensor>? crossEntropyGradient) =>
        Exercise.Run("7.6", () =>
        {
            var learner = Exercise.Given(crossEntropyGradient, "CrossEntropyGradient");
            foreach (var (name, logits, labels) in ClassificationCases(76))
            {
                var (logitsBefore, labelsBefore) = (logits.Clone(), labels.Clone());
                var result = learner(logits, labels);
                Exercise.ExpectUnchanged(logits, logitsBefore, $"{name}: your CrossEntropyGradient changed the logits it was given.", WriteNothing);
                Exercise.ExpectUnchanged(labels, labelsBefore, $"{name}: your CrossEntropyGradient changed the labels it was given.", WriteNothing);
                var leaf = logits.Clone().SetRequiresGrad();
                Classification.CrossEntropy(leaf, labels).Backward();
                var expected = leaf.Grad!;
                string where = $"{name}, labels {ValuesText(labels.ToArray())}, against autograd";
                Exercise.ExpectShape(result?.Shape, logits.Shape, where, "one value per logit: dL/dlogits has the logits' shape (n, c)");
                ExpectFinite(result!, expected, where);
                if (Check.Compare(result!, expected, 1e-4, 1e-6).Close) continue;
                int n = logits.Size(0);
                string hint = n > 1 && Check.Compare(result!, expected * n, 1e-4, 1e-6).Close ? "the loss is the mean over the n rows, so each row's gradient is divided by n"
                    : Check.Compare(result!, -expected, 1e-4, 1e-6).Close ? "it is softmax minus one_hot, not the other way round: the labelled class's entry is negative, since raising that logit lowers the loss"
                    : Check.Compare(result!, LogSoftmaxRows(logits).Exp() / n, 1e-4, 1e-6).Close ? "that is softmax / n; subtract the one-hot row too (1 in column labels[i])"
                    : "row i is (softmax(logits[i]) - one_hot(labels[i])) / n";
                Exercise.ExpectClose(result, expected, where, rtol: 1e-4, atol: 1e-6, hint: hint);
            }
        });

    /// <summary>
    /// Exercise 7.7 (open-ended): an operation of the learner's choosing, with its backward rule beside it.
    /// Any operation passes whose rule agrees with central differences of its own forward pass
    /// (<see cref="GradCheck"/>, the chapter's float32 version) on random inputs, and whose gradient
    /// depends on its input: a linear operation's rule never reads x, which makes it too easy.
    /// </summary>
    public static ExerciseResult CheckOwnOperation(Func<Tensor, (Tensor Output, Func<Tensor, Tensor> Backward)>? operation)
    {
        double largest = 0;
        var result = Exercise.Run("7.7", () => largest = CheckOwnOperationCases(Exercise.Given(operation, "MyOperation")));
        return result.Status == ExerciseStatus.Correct
            ? new ExerciseResult(result.Exercise, ExerciseStatus.Correct,
                $"Your rule agreed with finite differences in every case; the largest difference was {Exercise.Show(largest)}.")
            : result;
    }

    private const float OwnStep = 1e-3f;

    private static double CheckOwnOperationCases(Func<Tensor, (Tensor Output, Func<Tensor, Tensor> Backward)> operation)
    {
        var generator = new Generator(77);
        double largest = 0;
        bool dependsOnX = false;
        foreach (var shape in new[] { new[] { 4, 5 }, [1, 8], [6, 3] })
        {
            string name = $"x of shape {Shapes.Format(shape)}, random";
            var x = AwayFromWholeNumbers(generator.Normal(shape));
            var (output, gradient, g) = RunOwn(operation, x, generator, name);
            var numerical = OwnNumerical(operation, x, g);
            var comparison = Check.Compare(gradient, numerical, 1e-2, 1e-3);
            if (!comparison.Close) FailOwn(operation, name, x, output, g, gradient, numerical, comparison);
            largest = Math.Max(largest, comparison.MaxDiff);

            // The same g at another x: a rule that gives the same gradient there does not depend on x.
            var other = AwayFromWholeNumbers(generator.Normal(shape));
            var (otherOutput, otherBackward) = operation(other);
            var otherGradient = otherOutput is null || otherBackward is null || !otherOutput.Shape.AsSpan().SequenceEqual(output.Shape) ? null : otherBackward(g);
            if (otherGradient is null || !Exercise.Close(otherGradient, gradient, 1e-4, 1e-6)) dependsOnX = true;
        }
        Exercise.Expect(dependsOnX, "Your rule returned the same gradient at two different x, for the same g, in every case: the operation is linear (or constant), so its rule never needs x.",
            "choose an operation whose derivative depends on x, such as x³, softplus log(1 + exp(x)), or the softmax of each row");
        return largest;
    }

    // The learner's forward and backward on x, with g random of the output's shape; each checked for shape, finiteness and writes into its inputs.
    private static (Tensor Output, Tensor Gradient, Tensor G) RunOwn(
        Func<Tensor, (Tensor Output, Func<Tensor, Tensor> Backward)> operation, Tensor x, Generator generator, string name)
    {
        var xBefore = x.Clone();
        var (output, backward) = operation(x);
        Exercise.ExpectUnchanged(x, xBefore, $"{name}: your operation changed its input x.", WriteNothing);
        Exercise.Expect(output is not null, $"{name}: your operation returned no output (null).");
        Exercise.Expect(backward is not null, $"{name}: your operation returned no backward rule (null).");
        int bad = Array.FindIndex(output!.ToArray(), v => !float.IsFinite(v));
        Exercise.Expect(bad < 0, $"{name}: your output is {Exercise.Show(bad < 0 ? 0f : output.ToArray()[bad])} at {Exercise.IndexText(Math.Max(bad, 0), output.Shape)}.",
            "the check's inputs are standard normal, of either sign: choose an operation defined for every real number (log(1 + x²) rather than log x)");
        var g = generator.Normal(output.Shape);
        var gBefore = g.Clone();
        var gradient = backward!(g);
        Exercise.ExpectUnchanged(g, gBefore, $"{name}: your backward rule changed the gradient g it was given.", WriteNothing);
        Exercise.ExpectShape(gradient?.Shape, x.Shape, $"{name}: Backward(g), with g of your output's shape {output.ShapeString}",
            "Backward returns dL/dx, one value per element of x, whatever the output's shape");
        return (output, gradient!, g);
    }

    // dL/dx for L = Σ g·(Output(x') - Output(x)), by the library's central differences: nothing here knows the learner's rule.
    // Subtracting the output at x leaves L's gradient alone and keeps L near 0, where float32 rounds it finely.
    private static Tensor OwnNumerical(Func<Tensor, (Tensor Output, Func<Tensor, Tensor> Backward)> operation, Tensor x, Tensor g)
    {
        var (gValues, start) = (g.ToArray(), operation(x).Output.ToArray());
        var probe = x.Clone();
        float Loss()
        {
            var values = operation(probe).Output.ToArray();
            double sum = 0;
            for (int i = 0; i < values.Length; i++) sum += gValues[i] * ((double)values[i] - start[i]);
            return (float)sum;
        }
        return GradCheck.Numerical(Loss, probe, OwnStep);
    }

    private static void FailOwn(Func<Tensor, (Tensor Output, Func<Tensor, Tensor> Backward)> operation, string name, Tensor x, Tensor output,
        Tensor g, Tensor gradient, Tensor numerical, Check.Comparison comparison)
    {
        string where = $"{name}: Backward(g) against finite differences of your own forward pass (GradCheck.Numerical, h = {Exercise.Show(OwnStep)}), with g random";
        string message = $"{where}: at {Exercise.IndexText(comparison.WorstIndex, x.Shape)} expected {Exercise.Show(comparison.WorstExpected)}, got {Exercise.Show(comparison.WorstActual)}.";
        if (gradient.ToArray().Any(v => !float.IsFinite(v)))
            Exercise.Fail(message, "your rule gives a value that is not finite: look for a division by something that can be 0");
        if (Exercise.Close(gradient, -numerical, 1e-2, 1e-3))
            Exercise.Fail(message, "every value has the wrong sign");
        if (Exercise.Close(gradient, OwnNumerical(operation, x, Tensor.Ones(output.Shape)), 1e-2, 1e-3))
            Exercise.Fail(message, "your rule gives dL/dx for g = 1 everywhere: it must multiply by the g it is given (the chain rule)");
        if (output.Shape.AsSpan().SequenceEqual(x.Shape) && Exercise.Close(gradient, OwnDiagonal(operation, x, g), 1e-2, 1e-3))
            Exercise.Fail(message, "your rule passes each output's gradient back only to the input in its own place, but each output reads several inputs: "
                + "dL/dx_j = Σ_i g_i ∂out_i/∂x_j, a sum over every output that x_j reaches");
        double scale = ConstantRatio(gradient, numerical);
        if (Math.Abs(scale - 1) > 0.05 && Exercise.Close(gradient, numerical * (float)scale, 1e-2, 1e-3))
            Exercise.Fail(message, $"every value of yours is {Exercise.Show(scale)} times what finite differences give: a constant factor is missing or extra (d(x³)/dx = 3x², for example)");
        Exercise.Fail(message, "dL/dx_j = Σ_i g_i ∂out_i/∂x_j: work out ∂out/∂x on paper, then compare your rule's value with finite differences at that element");
    }

    // g_j ∂out_j/∂x_j alone, by central differences: what a rule gives that forgets the other outputs an input reaches.
    private static Tensor OwnDiagonal(Func<Tensor, (Tensor Output, Func<Tensor, Tensor> Backward)> operation, Tensor x, Tensor g)
    {
        var (values, gValues) = (x.ToArray(), g.ToArray());
        var diagonal = new float[values.Length];
        for (int j = 0; j < values.Length; j++)
        {
            var up = (float[])values.Clone();
            var down = (float[])values.Clone();
            up[j] += OwnStep;
            down[j] -= OwnStep;
            double difference = (double)operation(Tensor.FromArray(up, x.Shape)).Output.ToArray()[j] - operation(Tensor.FromArray(down, x.Shape)).Output.ToArray()[j];
            diagonal[j] = (float)(gValues[j] * difference / (2.0 * OwnStep));
        }
        return Tensor.FromArray(diagonal, x.Shape);
    }

    // The c that makes actual ≈ c · expected fit best, by least squares.
    private static double ConstantRatio(Tensor actual, Tensor expected)
    {
        var (a, e) = (actual.ToArray(), expected.ToArray());
        double product = 0, square = 0;
        for (int i = 0; i < a.Length; i++) { product += (double)a[i] * e[i]; square += (double)e[i] * e[i]; }
        return square == 0 ? 1 : product / square;
    }

    // Standard normal values, none within 0.01 of a whole number: a nudge of h never straddles a corner at 0 or ±1 (ReLU, abs, clamp).
    private static Tensor AwayFromWholeNumbers(Tensor x) =>
        Exercise.Map(x, v => Math.Abs(v - Math.Round(v)) < 0.01 ? v + 0.03 : v);

    // Logits that break the naive formulas, odd shapes, rows of equal logits; labels at both ends of the classes
    // (the log-softmax check ignores the labels).
    private static IEnumerable<(string Name, Tensor Logits, Tensor Labels)> ClassificationCases(ulong seed)
    {
        var generator = new Generator(seed);
        Tensor RandomLabels(int n, int classes) =>
            Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (float)(generator.NextUInt64() % (ulong)classes)).ToArray());
        yield return ("logits of shape (8, 10), random with std 3", generator.Normal([8, 10]) * 3f, RandomLabels(8, 10));
        yield return ("logits (1000, 1001, 1002) and (-1000, 0, 1000)", Tensor.From(new float[,] { { 1000, 1001, 1002 }, { -1000, 0, 1000 } }), Tensor.From(0f, 0f));
        yield return ("one row of 7 logits, random", generator.Normal([1, 7]) * 5f, Tensor.From(6f));
        yield return ("5 rows of a single class", generator.Normal([5, 1]), Tensor.Zeros(5));
        yield return ("logits (3, 3, 3, 3), (-50, 0, 50, 100) and (-500, -501, -502, -503)",
            Tensor.From(new float[,] { { 3, 3, 3, 3 }, { -50, 0, 50, 100 }, { -500, -501, -502, -503 } }), Tensor.From(0f, 3f, 3f));
        yield return ("logits all 0 in 4 rows of 10 classes (a uniform guess)", Tensor.Zeros(4, 10), Tensor.From(0f, 9f, 4f, 9f));
    }

    // log softmax over each row, in double precision, shifted by the row's maximum.
    private static Tensor LogSoftmaxRows(Tensor logits)
    {
        int n = logits.Size(0), c = logits.Size(1);
        var result = Tensor.Zeros(n, c);
        for (int i = 0; i < n; i++)
        {
            double max = Enumerable.Range(0, c).Max(j => (double)logits[i, j]);
            double logSumExp = max + Math.Log(Enumerable.Range(0, c).Sum(j => Math.Exp(logits[i, j] - max)));
            for (int j = 0; j < c; j++) result[i, j] = (float)(logits[i, j] - logSumExp);
        }
        return result;
    }

    private static void ExpectFinite(Tensor actual, Tensor expected, string what)
    {
        var values = actual.ToArray();
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
            Exercise.Fail($"{what}: at {Exercise.IndexText(bad, actual.Shape)} expected {Exercise.Show(expected.ToArray()[bad])}, got {Exercise.Show(values[bad])}.", OverflowHint);
    }

    private static bool OffByAConstantPerRow(Tensor actual, Tensor expected)
    {
        var difference = actual - expected;
        return Check.Compare(difference, difference[.., ..1].Expand(difference.Shape), 1e-5, 1e-3).Close;
    }

    private const string WriteNothing = "compute new tensors from it (a - m, x.Exp(), ...) instead of writing into it";

    private static string ValuesText(float[] values) => "(" + string.Join(", ", values.Select(v => Exercise.Show(v))) + ")";
}
