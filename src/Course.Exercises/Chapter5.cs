namespace Course.Exercises;

/// <summary>
/// The checks of chapter 5's exercises (05_forward_backward.ipynb): backward rules written by hand,
/// each run on several shapes with non-trivial values against autograd, finite differences or the
/// library's own operations. When an answer is wrong, a check tries the mistakes learners really make
/// (a missing outGrad, a sum over the wrong axis, a lost share) and names the one that fits.
/// </summary>
public static class Chapter5
{
    /// <summary>5.1: the gradients of the chapter's one-number network with b₁ = -1.25, worked out by hand.</summary>
    public static ExerciseResult CheckDeadUnit(double? dLdOut, double? dLdH, double? dLdW2, double? dLdb2, double? dLdW1) =>
        Exercise.Run("5.1", () =>
        {
            var answers = new[]
            {
                Exercise.Given(dLdOut, "dLdOut"), Exercise.Given(dLdH, "dLdH"), Exercise.Given(dLdW2, "dLdW2"),
                Exercise.Given(dLdb2, "dLdb2"), Exercise.Given(dLdW1, "dLdW1"),
            };
            // The chapter's numbers with b₁ moved from -0.25 to -1.25, so z turns negative.
            const double x = 2, w1 = 0.5, b1 = -1.25, w2 = 3, b2 = 1, y = 2;
            double z = x * w1 + b1, h = Math.Max(z, 0), output = h * w2 + b2;
            double gOut = 2 * (output - y), gH = w2 * gOut, gZ = z > 0 ? gH : 0;
            const string redo = "That is the chapter's value for b₁ = -0.25; redo the forward pass with b₁ = -1.25 first: z, h and out all change.";
            const string negativeZ = "Work out z = x·W₁ + b₁ first: it is negative now, so the ReLU passes no gradient from h down to z.";

            // A prediction is checked without printing the right number, which would give it away.
            Expect(answers[0], gOut, "dL/dout", answers[0] switch
            {
                2.5 => redo,
                var a when Math.Abs(a + gOut) < 1e-9 => "The sign: out is now below the target y, and dL/dout = 2 (out - y).",
                var a when Math.Abs(a - gOut / 2) < 1e-9 => "The square's derivative brings a factor 2.",
                _ => "Run the forward pass first (z, h, out), then differentiate L = (out - y)².",
            });
            Expect(answers[1], gH, "dL/dh", answers[1] switch
            {
                0 => "dL/dh is the gradient arriving at h from the layer above, W₂ times dL/dout. The ReLU blocks it further down, between h and z, not before it reaches h.",
                7.5 => redo,
                _ => "h feeds out = h·W₂ + b₂, so dL/dh is dL/dout times W₂.",
            });
            Expect(answers[2], h * gOut, "dL/dW₂", "dL/dW₂ is h times dL/dout. What is h = relu(z) when z is negative?");
            Expect(answers[3], gOut, "dL/db₂",
                answers[3] == 0 ? "b₂ is added after the ReLU, so the dead unit does not block its gradient: dL/db₂ is dL/dout." : "b₂ is added straight to out, so dL/db₂ is dL/dout.");
            Expect(answers[4], x * gZ, "dL/dW₁", negativeZ);

            static void Expect(double answer, double expected, string what, string hint) =>
                Exercise.Expect(Math.Abs(answer - expected) <= 1e-9, $"{what}: {Exercise.Show(answer)} is not right.", hint);
        });

    /// <summary>5.2: tanh's backward from the input and the output's gradient, on several shapes.</summary>
    public static ExerciseResult CheckTanhGrad(Func<Tensor, Tensor, Tensor>? tanhGrad) =>
        Exercise.Run("5.2", () =>
        {
            var learner = Exercise.Given(tanhGrad, "TanhGrad");
            var gen = new Generator(52);
            foreach (var inp in ElementwiseInputs(gen, Tensor.From(-12f, -2.5f, -0.75f, 0f, 0.3f, 1.5f, 9f)))
            {
                var outGrad = gen.Normal(inp.Shape);
                string what = $"TanhGrad(inp, outGrad) with inp of shape {inp.ShapeString}";
                var result = LeavingUnchanged(what, () => learner(inp, outGrad), (inp, "inp"), (outGrad, "outGrad"));

                var t = Exercise.Map(inp, Math.Tanh);
                var hint = Diagnose(result,
                    "Check your derivative on two numbers: at x = 0 tanh's slope is 1, and for large |x| tanh is flat.",
                    (1f - t * t, "You returned tanh's derivative alone; multiply it by outGrad, the gradient arriving from above (the chain rule)."),
                    (outGrad * (1f - inp * inp), "tanh′(x) is written with tanh(x): square tanh(inp), not inp itself."),
                    (outGrad * (1f - t), "Nearly: the derivative has tanh(x) squared."),
                    (outGrad * t, "That multiplies outGrad by the forward output tanh(inp), not by tanh's derivative."));
                ExpectElementwise(result, FiniteDifferences(inp, outGrad, Math.Tanh), inp, "inp", what + ", against finite differences", hint);
                ExpectElementwise(result, GradientByAutograd(inp, outGrad, TanhByAutograd), inp, "inp", what + ", against autograd", hint);
            }
        });

    /// <summary>5.3: the sigmoid's backward from its output (not its input) and the output's gradient.</summary>
    public static ExerciseResult CheckSigmoidGrad(Func<Tensor, Tensor, Tensor>? sigmoidGrad) =>
        Exercise.Run("5.3", () =>
        {
            var learner = Exercise.Given(sigmoidGrad, "SigmoidGrad");
            var gen = new Generator(53);
            foreach (var inp in ElementwiseInputs(gen, Tensor.From(-9f, -2f, -0.5f, 0f, 1f, 9f)))
            {
                var output = Exercise.Map(inp, v => 1 / (1 + Math.Exp(-v)));
                var outGrad = gen.Normal(inp.Shape);
                string what = $"SigmoidGrad(output, outGrad) with output of shape {output.ShapeString}";
                var result = LeavingUnchanged(what, () => learner(output, outGrad), (output, "output"), (outGrad, "outGrad"));

                var again = Exercise.Map(output, v => 1 / (1 + Math.Exp(-v)));
                var hint = Diagnose(result,
                    "Write σ′ with σ itself and check it at inp = 0, where output = 0.5 and the slope is 0.25.",
                    (outGrad * again * (1f - again), "You applied the sigmoid to output again: output already is σ(inp), so the derivative needs only output itself."),
                    (output * (1f - output), "You returned the sigmoid's derivative alone; multiply it by outGrad (the chain rule)."),
                    (outGrad * (1f - output * output), "1 - σ² is tanh's rule written with its output; the sigmoid's is a different product."),
                    (outGrad * output, "That multiplies outGrad by the forward output, not by the sigmoid's derivative."));
                ExpectElementwise(result, FiniteDifferences(inp, outGrad, v => 1 / (1 + Math.Exp(-v))), output, "output", what + ", against finite differences", hint);
                ExpectElementwise(result, GradientByAutograd(inp, outGrad, SigmoidByAutograd), output, "output", what + ", against autograd", hint);
            }
        });

    /// <summary>5.4: leaky ReLU's backward (slope where inp ≤ 0), with exact zeros among the inputs.</summary>
    public static ExerciseResult CheckLeakyReluGrad(Func<Tensor, Tensor, float, Tensor>? leakyReluGrad) =>
        Exercise.Run("5.4", () =>
        {
            var learner = Exercise.Given(leakyReluGrad, "LeakyReluGrad");
            var gen = new Generator(54);
            float[] slopes = [0.01f, 0.1f, 0.3f, 0.2f, 0.05f];
            var inputs = ElementwiseInputs(gen, Tensor.From(-3f, -0.5f, 0f, 0f, 0.25f, 2f, -1e-3f, 1e-3f));
            for (int c = 0; c < inputs.Length; c++)
            {
                var (inp, slope) = (inputs[c], slopes[c]);
                var outGrad = gen.Normal(inp.Shape);
                string what = $"LeakyReluGrad(inp, outGrad, slope: {Exercise.Show(slope)}) with inp of shape {inp.ShapeString}";
                var result = LeavingUnchanged(what, () => learner(inp, outGrad, slope), (inp, "inp"), (outGrad, "outGrad"));

                var positive = inp > 0f;
                var expected = outGrad * (positive + slope * (1f - positive));
                var atOrAbove = inp >= 0f;
                var hint = Diagnose(result,
                    "Where inp > 0 the gradient passes unchanged; where inp ≤ 0 it is multiplied by slope.",
                    (positive * outGrad, "Where inp is negative, leaky ReLU's slope is `slope`, not 0: pass slope × outGrad there."),
                    (outGrad * (atOrAbove + slope * (1f - atOrAbove)), "At inp = 0 exactly use the slope: the rule is inp > 0, as in the chapter's ReluGrad."),
                    (outGrad * (slope * positive + (1f - positive)), "The slope belongs to the negative side; positive inputs pass the gradient unchanged."),
                    (positive + slope * (1f - positive), "You returned the local derivative alone; multiply it by outGrad (the chain rule)."),
                    (outGrad * ((outGrad > 0f) + slope * (outGrad <= 0f)), "The test is on inp, the layer's input, not on outGrad."));
                ExpectElementwise(result, expected, inp, "inp", what, hint, rtol: 1e-6, atol: 1e-7);
            }
        });

    /// <summary>5.5: the gradient of the mean squared error over a whole (n, k) matrix with respect to its input.</summary>
    public static ExerciseResult CheckMseMatrixGrad(Func<Tensor, Tensor, Tensor>? mseMatrixGrad) =>
        Exercise.Run("5.5", () =>
        {
            var learner = Exercise.Given(mseMatrixGrad, "MseMatrixGrad");
            var gen = new Generator(55);
            foreach (var (n, k) in new[] { (4, 3), (1, 5), (5, 1), (3, 7), (1, 1) })
            {
                var inp = gen.Normal([n, k]) * 2f;
                var targ = gen.Normal([n, k]);
                string what = $"MseMatrixGrad(inp, targ) with inp and targ of shape ({n}, {k})";
                var result = LeavingUnchanged(what, () => learner(inp, targ), (inp, "inp"), (targ, "targ"));

                var expected = GradientByAutograd(inp, Tensor.Scalar(1f), t => t.Sub(targ).Pow(2f).Mean());
                var hint = Diagnose(result,
                    "L is the mean of (inp - targ)² over every element; differentiate one term, then divide as the mean does.",
                    (expected * k, $"You divided by the number of rows ({n}); the mean is over all n·k = {n * k} elements."),
                    (expected * n, $"You divided by the number of columns ({k}); the mean is over all n·k = {n * k} elements."),
                    (expected / 2f, "The square's derivative brings a factor 2."),
                    (-expected, "The sign: the loss grows when inp moves away from targ, so the gradient points from targ towards inp."),
                    (expected * (n * k), "L is a mean, not a sum: divide by the number of elements."));
                Exercise.ExpectClose(result, expected, what, rtol: 1e-5, atol: 1e-6, hint: hint);
            }
        });

    /// <summary>5.6: a linear layer's backward (dinp, dW, db) with W stored (nOut, nIn), as PyTorch's nn.Linear stores it.</summary>
    public static ExerciseResult CheckLinearBackward(Func<Tensor, Tensor, Tensor, (Tensor DInp, Tensor DW, Tensor DB)>? linearBackward) =>
        Exercise.Run("5.6", () =>
        {
            var learner = Exercise.Given(linearBackward, "LinearBackward");
            var gen = new Generator(56);
            foreach (var (n, nIn, nOut) in new[] { (5, 3, 2), (1, 4, 3), (4, 3, 1), (3, 1, 4), (3, 3, 3), (7, 5, 6) })
            {
                var inp = gen.Normal([n, nIn]);
                var w = gen.Normal([nOut, nIn]) * 0.5f;
                var outGrad = gen.Normal([n, nOut]);
                string what = $"LinearBackward(inp, w, outGrad) with inp ({n}, {nIn}), w ({nOut}, {nIn}), outGrad ({n}, {nOut})";
                const string layout = "Here W is stored (nOut, nIn) and the layer computes inp @ Wᵀ + b: the chapter's formulas were for a W stored (nIn, nOut), so derive them again for this layout.";
                Tensor? dInp, dW, dB;
                try
                {
                    (dInp, dW, dB) = LeavingUnchanged(what, () => learner(inp, w, outGrad), (inp, "inp"), (w, "w"), (outGrad, "outGrad"));
                }
                catch (ArgumentException e)
                {
                    // Most often a product whose shapes do not fit: say which case, and why the chapter's rules do not fit it.
                    Exercise.Fail($"{what}: your code threw {e.GetType().Name}: {e.Message}", layout);
                    return;
                }

                var expectedDInp = outGrad.MatMul(w);
                Exercise.ExpectClose(dInp, expectedDInp, what + ": DInp", rtol: 1e-5, atol: 1e-6, hint: Diagnose(dInp,
                    "DInp[i, k] sums, over the outputs j, outGrad[i, j] times the weight joining input k to output j.",
                    (nIn == nOut ? outGrad.MatMul(w.T()) : null, layout)));

                var expectedDW = outGrad.T().MatMul(inp);
                if (dW is not null && nIn != nOut && dW.Shape.AsSpan().SequenceEqual([nIn, nOut]))
                    Exercise.Fail($"{what}: DW has shape ({nIn}, {nOut}), but W has shape ({nOut}, {nIn}).",
                        "A gradient has the shape of the tensor it belongs to. W is (nOut, nIn) here, as in PyTorch's nn.Linear, so the product you take must come out (nOut, nIn).");
                Exercise.ExpectClose(dW, expectedDW, what + ": DW", rtol: 1e-5, atol: 1e-6, hint: Diagnose(dW,
                    "DW[j, k] sums, over the batch, outGrad[i, j] times inp[i, k].",
                    (nIn == nOut ? inp.T().MatMul(outGrad) : null, layout)));

                var expectedDB = outGrad.Sum(0);
                if (dB is not null && dB.Shape.AsSpan().SequenceEqual([1, nOut]))
                    Exercise.Fail($"{what}: DB has shape (1, {nOut}), but b has shape ({nOut},).",
                        "b has one dimension: after summing over the batch, do not keep the summed dimension.");
                if (dB is not null && n != 1 && dB.Shape.AsSpan().SequenceEqual([n, nOut]))
                    Exercise.Fail($"{what}: DB has shape ({n}, {nOut}), one row per example, but b has shape ({nOut},).",
                        "The bias is added to every row of the batch, so its gradient collects the shares of all the rows.");
                if (dB is not null && dB.Shape.AsSpan().SequenceEqual([n]) && n != nOut)
                    Exercise.Fail($"{what}: DB has shape ({n},), one number per example, but b has shape ({nOut},).",
                        "You summed over the outputs; sum over the batch instead.");
                Exercise.ExpectClose(dB, expectedDB, what + ": DB", rtol: 1e-5, atol: 1e-6, hint: Diagnose(dB,
                    "b[j] is added to output j of every example.",
                    (n > 1 ? expectedDB / n : null, $"That is the mean over the batch; each of the {n} examples adds its whole share, so sum them."),
                    (n == nOut ? outGrad.Sum(1) : null, "You summed over the outputs; sum over the batch instead.")));
            }
        });

    /// <summary>5.7: dL/dW for out = relu(x @ W) @ W, one W used twice, added to what W.Grad already holds.</summary>
    public static ExerciseResult CheckTiedGrad(Action<Tensor, Tensor, Tensor>? tiedGrad) =>
        Exercise.Run("5.7", () =>
        {
            var learner = Exercise.Given(tiedGrad, "TiedGrad");
            var gen = new Generator(57);
            foreach (var (n, d, earlier) in new[] { (4, 3, false), (1, 2, false), (5, 1, false), (3, 4, true), (6, 5, true) })
            {
                var x = gen.Normal([n, d]);
                var w = gen.Normal([d, d]) * 0.7f;
                var outGrad = gen.Normal([n, d]);
                var before = earlier ? gen.Normal([d, d]) : null;
                w.Grad = before?.Clone();
                string what = $"TiedGrad(x, w, outGrad) with x ({n}, {d}), w ({d}, {d}), outGrad ({n}, {d}) and w.Grad "
                    + (earlier ? "already holding an earlier pass's gradient" : "null") + " before the call";
                LeavingUnchanged(what, () => { learner(x, w, outGrad); return 0; }, (x, "x"), (w, "the values of w (only w.Grad should change)"), (outGrad, "outGrad"));
                Exercise.Expect(w.Grad is not null, $"{what}: w.Grad is still null after the call.", "Leave dL/dW in w.Grad.");

                var share = GradientByAutograd(w, outGrad, p => x.MatMul(p).Relu().MatMul(p));
                var expected = before is null ? share : before + share;
                var z = x.MatMul(w);
                var secondUse = z.ClampMin(0f).T().MatMul(outGrad);
                var firstUse = x.T().MatMul((z > 0f) * outGrad.MatMul(w.T()));
                var ungated = x.T().MatMul(outGrad.MatMul(w.T()));
                var prior = before ?? Tensor.Zeros(d, d);
                var hint = Diagnose(w.Grad,
                    "W is used twice, once in x @ W and once in h @ W with h = relu(x @ W): its gradient is the sum of one share from each use.",
                    (prior + secondUse, "w.Grad holds only the share from W's second use (the outer one, h @ W); the first use, x @ W, adds a share too."),
                    (prior + firstUse, "w.Grad holds only the share from W's first use (x @ W): the second use's share was overwritten or never added. The two shares must be added."),
                    (firstUse, "w.Grad holds only the share from W's first use (x @ W): the earlier gradient and the second use's share were overwritten. Add, do not assign."),
                    (before is null ? null : share, "w.Grad held an earlier pass's gradient before your call, and you replaced it: add this pass's gradient to it, as the library's layers do."),
                    (prior + secondUse + ungated, "The share through W's first use must pass the ReLU's gate: zero it where x @ W ≤ 0."));
                Exercise.ExpectClose(w.Grad, expected, what + ": w.Grad", rtol: 1e-5, atol: 1e-5, hint: hint);
            }
        });

    /// <summary>
    /// 5.8, open-ended: the learner's gradient check runs on a small lin-relu-lin network with a right
    /// backward pass and three broken ones. On the right one it must not raise an alarm (relative error
    /// under 0.1, never NaN); on each broken one it must name the broken parameter and an element that is
    /// badly wrong there (at least half the largest relative error in that parameter).
    /// </summary>
    public static ExerciseResult CheckWorstElement(Func<Func<float>, (string Name, Tensor Value, Tensor Grad)[], (string Name, int Index, double RelativeError)>? worstElement)
    {
        var found = new List<string>();
        var result = Exercise.Run("5.8", () =>
        {
            var learner = Exercise.Given(worstElement, "WorstElement");
            var net = WorstElementNetwork.Create();
            foreach (var (what, broken, grads) in net.Passes())
            {
                (string Name, Tensor Value, Tensor Grad)[] parameters = [.. net.Names.Select((name, i) => (name, net.Values[i], grads[i].Clone()))];
                var before = net.Values.Select(v => v.Clone()).ToArray();
                var (name, index, relative) = learner(net.Loss, parameters);
                for (int i = 0; i < before.Length; i++)
                    Exercise.ExpectUnchanged(net.Values[i], before[i], $"On {what}, your check left {net.Names[i]} changed.",
                        "put every nudged value back after measuring the loss (GradCheck.Numerical does).");
                int p = Array.IndexOf(net.Names, name);
                Exercise.Expect(p >= 0, $"On {what}, your check named \"{name}\", which is not one of the parameters ({string.Join(", ", net.Names)}).");
                Exercise.Expect(index >= 0 && index < net.Values[p].Count,
                    $"On {what}, your check named {name} element {index}, but {name} has {net.Values[p].Count} elements (flat indices 0 to {net.Values[p].Count - 1}).");
                string at = $"{name}{Exercise.IndexText(index, net.Values[p].Shape)}";
                float given = grads[p].ToArray()[index], right = net.Right[p].ToArray()[index];
                Exercise.Expect(!double.IsNaN(relative),
                    $"On {what}, your check reported a relative error of NaN at {at}, where the gradient is {Exercise.Show(given)}.",
                    "0/0 is NaN: where a gradient and its estimate are both exactly 0 (a dead unit's), the relative error must still be a number. Give the denominator a floor.");
                if (broken is null)
                {
                    Exercise.Expect(relative < 0.1,
                        $"On {what}, your check reported {at} with a relative error of {Exercise.Show(relative)}; the gradient there is {Exercise.Show(given)}, and right.",
                        "where the gradient is tiny, rounding alone makes the estimate differ by a large fraction of it: divide the difference by something that does not go to 0, "
                        + "such as max(|grad|, |estimate|, floor) with a floor well above the estimates' rounding noise (about ε·L/h ≈ 5e-4 here, the loss being about 4).");
                    continue;
                }
                var wrongBy = RelativeErrors(grads[p], net.Right[p]);
                double worst = RelativeErrors(grads[Array.IndexOf(net.Names, broken)], net.Right[Array.IndexOf(net.Names, broken)]).Max();
                Exercise.Expect(name == broken,
                    $"On {what}, your check named {at} (relative error {Exercise.Show(relative)}), where the gradient {Exercise.Show(given)} is "
                    + (wrongBy[index] < 1e-3 ? "right" : $"off by {Exercise.Show(wrongBy[index])} of it") + "; the badly wrong elements are elsewhere.",
                    "estimate every element of every parameter, compare each with the gradient at the same place, and keep the largest relative error over all of them.");
                Exercise.Expect(wrongBy[index] >= 0.5 * worst,
                    $"On {what}, your check named {at}, where the gradient is {Exercise.Show(given)} against {Exercise.Show(right)}; other elements of {name} are much further off.",
                    "index the elements in row-major order, as a tensor stores them (row · columns + column), and keep the element whose relative error is largest.");
                Exercise.Expect(relative >= 0.3,
                    $"On {what}, your check named the right element, {at}, but reported its relative error as {Exercise.Show(relative)}; there the gradient is {Exercise.Show(given)} and the right value {Exercise.Show(right)}.",
                    "a relative error compares the difference with the size of the numbers, |grad - estimate| / max(|grad|, |estimate|, floor).");
                found.Add($"  {what}: {at}, relative error {Exercise.Show(relative)}");
            }
        });
        return result.Status == ExerciseStatus.Correct
            ? new ExerciseResult("5.8", ExerciseStatus.Correct, "On each broken pass your check named:\n" + string.Join("\n", found) + "\nWhy those elements?")
            : result;
    }

    /// <summary>|a - b| / max(|a|, |b|) per element, 0 where both are 0.</summary>
    private static double[] RelativeErrors(Tensor a, Tensor b)
    {
        var (xs, ys) = (a.ToArray(), b.ToArray());
        return [.. xs.Select((v, i) => Math.Max(Math.Abs(v), Math.Abs(ys[i])) == 0 ? 0 : Math.Abs(v - ys[i]) / Math.Max(Math.Abs(v), Math.Abs(ys[i])))];
    }

    /// <summary>
    /// 5.8's network, lin-relu-lin with a squared error, fixed by its own generator: 16 examples of 6
    /// features, the first of them a thousand times smaller than the others (so the gradients of its row
    /// of w1 are tiny and their estimates mostly rounding), and 5 hidden units of which the last is dead
    /// for every example (its bias is -20), so some gradients are exactly 0.
    /// </summary>
    private sealed class WorstElementNetwork
    {
        public string[] Names { get; } = ["w1", "b1", "w2", "b2"];
        public required Tensor[] Values { get; init; }
        public required Tensor X { get; init; }
        public required Tensor Y { get; init; }
        public Tensor[] Right { get; private set; } = [];

        public static WorstElementNetwork Create()
        {
            var g = new Generator(58);
            var x = g.Normal([16, 6]) * Tensor.From(1e-3f, 1f, 1f, 1f, 1f, 1f);
            var y = g.Normal([16]) * 0.5f;
            var w1 = g.Normal([6, 5]) * 0.5f;
            var b1 = g.Normal([5]) * 0.3f;
            b1.SetValue(-20f, 4);
            var w2 = g.Normal([5, 1]) * 0.5f;
            var b2 = g.Normal([1]) * 0.3f;
            var net = new WorstElementNetwork { Values = [w1, b1, w2, b2], X = x, Y = y };
            net.Right = net.Gradients(gate: true);
            return net;
        }

        public Tensor PreActivations => X.MatMul(Values[0]) + Values[1];

        public float Loss() => (PreActivations.ClampMin(0f).MatMul(Values[2]) + Values[3]).Squeeze(-1).Sub(Y).Pow(2f).Mean().Item();

        /// <summary>The chapter's backward rules; without the gate, b1's gradient also passes where the unit is off.</summary>
        public Tensor[] Gradients(bool gate)
        {
            var z = PreActivations;
            var h = z.ClampMin(0f);
            var output = h.MatMul(Values[2]) + Values[3];
            var dOut = (2f * (output.Squeeze(-1) - Y) / Y.Count).Unsqueeze(-1);
            var dH = dOut.MatMul(Values[2].T());
            var dZ = (z > 0f) * dH;
            return [X.T().MatMul(dZ), (gate ? dZ : dH).Sum(0), h.T().MatMul(dOut), dOut.Sum(0)];
        }

        public IEnumerable<(string What, string? Broken, Tensor[] Grads)> Passes()
        {
            yield return ("a correct backward pass", null, Right);
            var ungated = Gradients(gate: false);
            yield return ("the pass whose b1 gradient forgets the ReLU's gate", "b1", [Right[0], ungated[1], Right[2], Right[3]]);
            yield return ("the pass whose b2 gradient is a mean over the batch, not a sum", "b2", [Right[0], Right[1], Right[2], Right[3] / X.Size(0)]);
            var lastRowZero = Right[0].Clone();
            lastRowZero[^1].Fill(0f);
            yield return ("the pass that leaves the last row of w1's gradient at 0", "w1", [lastRowZero, Right[1], Right[2], Right[3]]);
        }
    }

    // Awkward shapes for an elementwise rule: a row, a column, odd sizes, rank 3, and fixed values
    // reaching far into the flat tails and through 0.
    private static Tensor[] ElementwiseInputs(Generator gen, Tensor fixedValues) =>
        [gen.Normal([1, 6]) * 1.5f, gen.Normal([6, 1]) * 1.5f, gen.Normal([3, 5]) * 2f, fixedValues, gen.Normal([2, 3, 4]) * 1.5f];

    /// <summary>Runs the learner's code, then fails if it changed any of the inputs' values.</summary>
    private static T LeavingUnchanged<T>(string what, Func<T> learnersCode, params (Tensor Tensor, string Name)[] inputs)
    {
        var before = inputs.Select(input => input.Tensor.Clone()).ToArray();
        var result = learnersCode();
        for (int i = 0; i < inputs.Length; i++)
            Exercise.ExpectUnchanged(inputs[i].Tensor, before[i],
                $"{what}: your function changed {inputs[i].Name}, one of its inputs.",
                "A backward rule reads its inputs and leaves them as they were (other steps may still need them): build the result in new tensors.");
        return result;
    }

    /// <summary>Like <see cref="Exercise.ExpectClose(Tensor?, Tensor, string, double, double, string?)"/>, also naming the input's value where the result is off.</summary>
    private static void ExpectElementwise(Tensor? actual, Tensor expected, Tensor input, string inputName, string what, string hint, double rtol = 1e-4, double atol = 1e-5)
    {
        if (actual is null || !actual.Shape.AsSpan().SequenceEqual(expected.Shape))
        {
            Exercise.ExpectClose(actual, expected, what, rtol, atol, hint);
            return;
        }
        var c = Check.Compare(actual, expected, rtol, atol);
        if (!c.Close)
            Exercise.Fail($"{what}: at {Exercise.IndexText(c.WorstIndex, expected.Shape)}, where {inputName} = {Exercise.Show(input.ToArray()[c.WorstIndex])}, "
                + $"expected {Exercise.Show(c.WorstExpected)}, got {Exercise.Show(c.WorstActual)}.", hint);
    }

    /// <summary>The hint of the first known mistake the answer matches (null candidates are skipped), else <paramref name="otherwise"/>.</summary>
    private static string Diagnose(Tensor? actual, string otherwise, params (Tensor? Candidate, string Hint)[] mistakes)
    {
        if (actual is null) return otherwise;
        foreach (var (candidate, hint) in mistakes)
            if (candidate is not null && Exercise.Close(actual, candidate, 1e-4, 1e-5)) return hint;
        return otherwise;
    }

    /// <summary>d/dinp of Σ outGrad·f(inp), by central differences in double precision, one element at a time.</summary>
    private static Tensor FiniteDifferences(Tensor inp, Tensor outGrad, Func<double, double> f)
    {
        var g = outGrad.ToArray();
        double[] at = [.. inp.ToArray().Select(v => (double)v)];
        var gradient = GradCheck.Numerical(p => p.Select((v, i) => g[i] * f(v)).Sum(), at);
        return Tensor.FromArray([.. gradient.Select(v => (float)v)], inp.Shape);
    }

    /// <summary>dL/dinput by the library's autograd, for a forward pass <paramref name="f"/> whose output's gradient is <paramref name="outGrad"/>.</summary>
    private static Tensor GradientByAutograd(Tensor input, Tensor outGrad, Func<Tensor, Tensor> f)
    {
        var leaf = input.Clone().SetRequiresGrad();
        f(leaf).Backward(outGrad);
        return leaf.Grad!;
    }

    // tanh(x) = 1 - 2 / (e^{2x} + 1) and σ(x) = 1 / (1 + e^{-x}), both finite for any float x.
    private static Tensor TanhByAutograd(Tensor t)
    {
        var one = Tensor.Scalar(1f);
        var e = Tensor.Scalar(2f).Mul(t).Exp();
        return one.Sub(Tensor.Scalar(2f).Div(e.Add(one)));
    }

    private static Tensor SigmoidByAutograd(Tensor t)
    {
        var one = Tensor.Scalar(1f);
        return one.Div(one.Add(t.Neg().Exp()));
    }
}
