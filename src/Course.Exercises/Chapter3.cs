using System.Diagnostics;

namespace Course.Exercises;

/// <summary>
/// The checks behind chapter 3's exercises (notebooks/03_broadcasting.ipynb): shapes predicted and
/// computed with the broadcasting rules, the strides of an expanded view, four computations written
/// with broadcasting instead of loops, and a nearest-neighbour classifier judged by its accuracy. Cases come from private generators, never the
/// notebook's shared one, and every expected value from the library or a loop in double precision.
/// </summary>
public static class Chapter3
{
    /// <summary>Exercise 3.1: the predicted result shapes of three broadcasts, and whether two more run at all.</summary>
    public static ExerciseResult CheckPredictedShapes(int[]? shapeA, int[]? shapeB, int[]? shapeC, bool? dRuns, bool? eRuns) =>
        Exercise.Run("3.1", () =>
        {
            Exercise.ExpectShape(Exercise.Given(shapeA, "shapeA"), ShapeOf(() => Tensor.Zeros(8, 1, 6, 1) + Tensor.Zeros(7, 1, 5))!,
                "shapeA, for Tensor.Zeros(8, 1, 6, 1) + Tensor.Zeros(7, 1, 5)",
                "line the two shapes up at the right (the shorter one gets a 1 in front), then take the larger size in each position.");
            Exercise.ExpectShape(Exercise.Given(shapeB, "shapeB"), ShapeOf(() => Tensor.Zeros(6, 1, 4).Sum(0) * Tensor.Zeros(5, 1))!,
                "shapeB, for Tensor.Zeros(6, 1, 4).Sum(0) * Tensor.Zeros(5, 1)",
                "first work out the shape of the sum: without keepDim, the dimension summed over disappears.");
            Exercise.ExpectShape(Exercise.Given(shapeC, "shapeC"), ShapeOf(() => Tensor.Zeros(3).Unsqueeze(1) - Tensor.Zeros(2, 1, 3))!,
                "shapeC, for Tensor.Zeros(3).Unsqueeze(1) - Tensor.Zeros(2, 1, 3)",
                "Unsqueeze(1) turns the vector of 3 into a column; line that shape up at the right with (2, 1, 3).");
            ExpectRuns(Exercise.Given(dRuns, "dRuns"), "d", "Tensor.Zeros(2, 3) * Tensor.Zeros(3, 1)", () => Tensor.Zeros(2, 3) * Tensor.Zeros(3, 1),
                "line (2, 3) and (3, 1) up at the right and compare each pair of sizes.");
            ExpectRuns(Exercise.Given(eRuns, "eRuns"), "e", "Tensor.Zeros(3, 3).Sum(1) + Tensor.Zeros(3, 3)", () => Tensor.Zeros(3, 3).Sum(1) + Tensor.Zeros(3, 3),
                "the sum has shape (3,); line it up at the right with (3, 3). Which sizes meet?");
        });

    /// <summary>Exercise 3.2: a function that broadcasts any number of shapes, or returns null when they do not fit.</summary>
    public static ExerciseResult CheckBroadcastShapes(Func<int[][], int[]?>? broadcastShapes) =>
        Exercise.Run("3.2", () =>
        {
            var learner = Exercise.Given(broadcastShapes, "BroadcastShapes");
            int[][][] cases =
            [
                [[3, 3], [3]], [[784, 1], [784, 10]], [[3, 1], [1, 3]], [[8, 1, 6, 1], [7, 1, 5]], [[7, 1], [7]],
                [[], [2, 3]], [[4]], [[1], [1, 1]], [[3], [4]], [[5, 784], [10, 784]], [[2, 3], [3, 2]],
                [[2, 1, 5], [3, 1], [1, 1, 1, 5]], [[5, 1, 1], [1, 4, 1], [1, 1, 3]], [[1, 4], [4, 1], []], [[6, 1], [1, 5], [6, 7]],
            ];
            foreach (var shapes in cases)
            {
                var given = shapes.Select(s => (int[])s.Clone()).ToArray();
                string onCase = "shapes " + Join(shapes.Select(s => Shapes.Format(s)).ToArray());
                var got = Invoke(() => learner(given), onCase, "return null when the shapes do not fit, rather than throwing.");
                for (int s = 0; s < shapes.Length; s++)
                    Exercise.Expect(given[s].AsSpan().SequenceEqual(shapes[s]), $"{onCase}: your function changed the shape it was given ({Shapes.Format(shapes[s])} became {Shapes.Format(given[s])}).",
                        "read the input shapes, and write the result into a new array.");
                var expected = LibraryBroadcast(shapes);
                if (expected is null && got is not null)
                    Exercise.Fail($"{onCase} do not fit: expected null, got {Shapes.Format(got)}.",
                        "two sizes fit only when they are equal or one of them is 1; return null as soon as one pair does not.");
                else if (expected is null)
                    continue;
                else if (got is null)
                    Exercise.Fail($"{onCase}: expected {Shapes.Format(expected!)}, got null.",
                        "line the shapes up at the right; a shape with fewer dimensions counts as having size 1 in the missing ones.");
                else
                    Exercise.ExpectShape(got, expected!, onCase, got.Length != expected!.Length
                        ? "the result has as many dimensions as the longest shape."
                        : "line the shapes up at the right; in each position the result takes the size that is not 1.");
            }
        });

    /// <summary>Exercise 3.3: an outer product by broadcasting a column against a row.</summary>
    public static ExerciseResult CheckOuter(Func<Tensor, Tensor, Tensor>? outer) =>
        Exercise.Run("3.3", () =>
        {
            var learner = Exercise.Given(outer, "Outer");
            var random = new Generator(31);
            foreach (var (n, m) in new[] { (3, 4), (4, 4), (1, 5), (5, 1), (1, 1) })
            {
                var u = random.Normal([n]) * 3f;
                var v = random.Normal([m]) * 3f - 1f;
                var (uBefore, vBefore) = (u.ToArray(), v.ToArray());
                string onCase = $"u of shape {u.ShapeString} and v of shape {v.ShapeString}";
                var got = Invoke(() => learner(u, v), onCase, "give each vector its own new axis before multiplying: u as a column, v as a row.");
                Exercise.ExpectUnchanged(u, Tensor.FromArray(uBefore, u.Shape), $"{onCase}: your function changed its input u.", LeaveInputsAlone);
                Exercise.ExpectUnchanged(v, Tensor.FromArray(vBefore, v.Shape), $"{onCase}: your function changed its input v.", LeaveInputsAlone);
                var expected = Table(n, m, (i, j) => (double)uBefore[i] * vBefore[j]);
                string hint = got?.Rank == 1
                    ? "multiplying two vectors directly pairs up their elements; give them an axis each with Unsqueeze first."
                    : Exercise.Close(got, Transposed(expected), 1e-4, 1e-4)
                        ? "your table is the transpose: row i should belong to u[i], so u is the column (n, 1) and v the row (1, m)."
                        : "element [i, j] is u[i] · v[j]: u as a column (n, 1) times v as a row (1, m).";
                Exercise.ExpectClose(got, expected, onCase, hint: hint);
            }
        });

    /// <summary>Exercise 3.4: the strides that read a tensor as a bigger shape without copying (Expand's stride-0 trick).</summary>
    public static ExerciseResult CheckExpandStrides(Func<int[], int[], int[], int[]?>? expandStrides) =>
        Exercise.Run("3.4", () =>
        {
            var learner = Exercise.Given(expandStrides, "ExpandStrides");
            (Tensor Source, int[] Target)[] cases =
            [
                (Tensor.Zeros(3), [4, 3]), (Tensor.Zeros(3, 1), [3, 5]), (Tensor.Zeros(3), [2, 4, 3]),
                (Tensor.Zeros(5, 7)[.., 2], [3, 5]), (Tensor.Zeros(1, 4).T(), [4, 6]), (Tensor.Zeros(2, 3), [2, 3]),
                (Tensor.Zeros(2, 1, 3), [4, 2, 5, 3]), (Tensor.Zeros(2, 1, 3), [4, 2, 1, 3]), (Tensor.Scalar(0f), [2, 2]),
                (Tensor.Zeros(3), [4]), (Tensor.Zeros(2, 3), [3]), (Tensor.Zeros(3), [3, 2]),
            ];
            foreach (var (source, target) in cases)
            {
                int[] shape = source.Shape, strides = source.Strides, targetCopy = (int[])target.Clone();
                string onCase = $"shape {Shapes.Format(shape)} with strides {Shapes.Format(strides)}, expanded to {Shapes.Format(target)}";
                var got = Invoke(() => learner(shape, strides, targetCopy), onCase, "return null when the shape cannot be expanded, rather than throwing.");
                Exercise.Expect(shape.AsSpan().SequenceEqual(source.Shape) && strides.AsSpan().SequenceEqual(source.Strides) && targetCopy.AsSpan().SequenceEqual(target),
                    $"{onCase}: your function changed one of the arrays it was given.", "write the strides into a new array.");
                int[]? expected;
                try { expected = source.Expand(target).Strides; }
                catch (ArgumentException) { expected = null; }
                if (expected is null)
                {
                    if (got is not null)
                        Exercise.Fail($"{onCase}: this cannot be expanded, so expected null, got {Shapes.Format(got)}.",
                            target.Length < shape.Length
                                ? "Expand never removes dimensions: the target needs at least as many as the shape."
                                : "lined up at the right, each size must equal the target's or be 1.");
                    continue;
                }
                if (got is null)
                {
                    Exercise.Fail($"{onCase}: expected strides {Shapes.Format(expected)}, got null.",
                        "lined up at the right, each size equals the target's or is 1, so this one can be expanded.");
                    return;
                }
                // A dimension of size 1 is never stepped along, so any stride is right there.
                int lead = target.Length - shape.Length;
                int wrong = got.Length != expected.Length ? -1
                    : Enumerable.Range(0, expected.Length).FirstOrDefault(d => target[d] > 1 && got[d] != expected[d], -2);
                if (wrong == -2) continue;
                string hint = wrong == -1 ? "there is one stride per dimension of the target shape."
                    : wrong < lead ? $"dimension {wrong} is new: every step along it repeats the whole tensor, so it moves 0 places in storage."
                    : shape[wrong - lead] == 1 ? $"dimension {wrong} is stretched from size 1 to {target[wrong]}: every step along it must stay on the same element."
                    : $"dimension {wrong} keeps its size, so it keeps the stride it had.";
                Exercise.Fail($"{onCase}: expected strides {Shapes.Format(expected)}, got {Shapes.Format(got)}.", hint);
            }
        }, whenCorrect: "A stride of 0 repeats an element without copying it: this is how Expand and every broadcast read a smaller tensor.");

    /// <summary>Exercise 3.5: every row divided by its own length, which needs the lengths as a column.</summary>
    public static ExerciseResult CheckNormaliseRows(Func<Tensor, Tensor>? normaliseRows) =>
        Exercise.Run("3.5", () =>
        {
            var learner = Exercise.Given(normaliseRows, "NormaliseRows");
            var random = new Generator(35);
            Tensor[] cases =
            [
                Tensor.From(new float[,] { { 3, 4, 0, 0 }, { 1, -1, 1, -1 } }), random.Normal([4, 4]), random.Normal([3, 5]) * 10f,
                random.Normal([1, 5]), random.Normal([5, 1]) - 0.5f,
            ];
            foreach (var x in cases)
            {
                var before = x.ToArray();
                string onCase = $"x of shape {x.ShapeString}";
                var got = Invoke(() => learner(x), onCase,
                    "the n row lengths must be a column (n, 1) to line up with the rows of x (n, m).");
                Exercise.ExpectUnchanged(x, Tensor.FromArray(before, x.Shape), $"{onCase}: your function changed its input x.", LeaveInputsAlone);
                int n = x.Size(0), m = x.Size(1);
                var lengths = Enumerable.Range(0, n).Select(i => Math.Sqrt(Enumerable.Range(0, m).Sum(j => (double)before[i * m + j] * before[i * m + j]))).ToArray();
                var expected = Table(n, m, (i, j) => before[i * m + j] / lengths[i]);
                Exercise.ExpectShape(got?.Shape, expected.Shape, onCase, "the result has the shape of x.");
                var values = got!.ToArray();
                for (int i = 0; i < n; i++)
                {
                    double length = Math.Sqrt(Enumerable.Range(0, m).Sum(j => (double)values[i * m + j] * values[i * m + j]));
                    Exercise.ExpectClose(length, 1, 1e-4, $"{onCase}: the length of row {i} of your result",
                        "divide each row by its own length; the n lengths must be a column (n, 1), or they line up with the columns instead.");
                }
                Exercise.ExpectClose(got, expected, onCase, hint: "each row keeps its direction: row i is x[i] divided by the length of x[i].");
            }
        });

    /// <summary>Exercise 3.6: every column centred to mean 0 and scaled to std 1, with the column statistics broadcast down the rows.</summary>
    public static ExerciseResult CheckStandardiseColumns(Func<Tensor, Tensor>? standardiseColumns) =>
        Exercise.Run("3.6", () =>
        {
            var learner = Exercise.Given(standardiseColumns, "StandardiseColumns");
            var random = new Generator(36);
            Tensor[] cases =
            [
                random.Normal([6, 3]) * Tensor.From(1f, 10f, 0.1f) + Tensor.From(5f, -3f, 20f),
                random.Normal([50, 4]) * Tensor.From(2f, 0.5f, 3f, 1f) + Tensor.From(-1f, 0f, 7f, 2f),
                random.Normal([5, 5]) * 4f + 2f, random.Normal([7, 1]) - 3f, random.Normal([2, 5]),
            ];
            foreach (var x in cases)
            {
                var before = x.ToArray();
                string onCase = $"x of shape {x.ShapeString}";
                var got = Invoke(() => learner(x), onCase, "each column's mean and std must have shape (1, m), or (m,), to line up with the columns.");
                Exercise.ExpectUnchanged(x, Tensor.FromArray(before, x.Shape), $"{onCase}: your function changed its input x.", LeaveInputsAlone);
                int n = x.Size(0), m = x.Size(1);
                var (means, stds) = ColumnStats(before, n, m);
                var expected = Table(n, m, (i, j) => (before[i * m + j] - means[j]) / stds[j]);
                Exercise.ExpectShape(got?.Shape, expected.Shape, onCase, "the result has the shape of x.");
                var values = got!.ToArray().Select(v => (double)v).ToArray();
                var (gotMeans, gotStds) = ColumnStats(values, n, m);
                var (rowMeans, rowStds) = ColumnStats(Transposed(got).ToArray().Select(v => (double)v).ToArray(), m, n);
                bool rowsStandardised = m > 1 && rowMeans.All(v => Math.Abs(v) < 1e-3) && rowStds.All(v => Math.Abs(v - 1) < 1e-3);
                for (int j = 0; j < m; j++)
                {
                    string hint = rowsStandardised ? "your rows have mean 0 and std 1: take the means and stds down each column (dimension 0), not along each row."
                        : Math.Abs(gotMeans[j]) > 1e-3 ? "subtract each column's own mean: a row of m means, one per column, broadcast down the n rows."
                        : Math.Abs(gotStds[j] - Math.Sqrt(n / (n - 1.0))) < 1e-3 ? "the std here is the library's Std, which divides by n − 1, not by n."
                        : "divide by each column's own std: a row of m stds, one per column.";
                    Exercise.ExpectClose(gotMeans[j], 0, 1e-3, $"{onCase}: the mean of column {j} of your result", hint);
                    Exercise.ExpectClose(gotStds[j], 1, 1e-3, $"{onCase}: the std of column {j} of your result", hint);
                }
                Exercise.ExpectClose(got, expected, onCase, hint: "element [i, j] is (x[i, j] − mean of column j) / std of column j.");
            }
        });

    /// <summary>Exercise 3.7: the squared distance between every row of one matrix and every row of another, by broadcasting.</summary>
    public static ExerciseResult CheckSquaredDistances(Func<Tensor, Tensor, Tensor>? squaredDistances) =>
        Exercise.Run("3.7", () =>
        {
            var learner = Exercise.Given(squaredDistances, "SquaredDistances");
            var random = new Generator(37);
            var same = random.Normal([3, 4]);
            (Tensor A, Tensor B)[] cases =
            [
                (random.Normal([4, 3]) * 2f, random.Normal([5, 3]) + 1f), (random.Normal([1, 3]), random.Normal([6, 3]) * 3f),
                (random.Normal([5, 1]) - 2f, random.Normal([2, 1])), (random.Normal([4, 2]), random.Normal([4, 2]) * 2f - 1f), (same, same),
            ];
            foreach (var (a, b) in cases)
            {
                var (aBefore, bBefore) = (a.ToArray(), b.ToArray());
                string onCase = ReferenceEquals(a, b) ? $"a and b both the same tensor of shape {a.ShapeString}" : $"a of shape {a.ShapeString} and b of shape {b.ShapeString}";
                var got = Invoke(() => learner(a, b), onCase,
                    "a (n, d) and b (m, d) must first become (n, 1, d) and (1, m, d), so that their difference is (n, m, d).");
                Exercise.ExpectUnchanged(a, Tensor.FromArray(aBefore, a.Shape), $"{onCase}: your function changed its input a.", LeaveInputsAlone);
                Exercise.ExpectUnchanged(b, Tensor.FromArray(bBefore, b.Shape), $"{onCase}: your function changed its input b.", LeaveInputsAlone);
                int n = a.Size(0), m = b.Size(0), d = a.Size(1);
                var expected = Table(n, m, (i, j) => Enumerable.Range(0, d).Sum(k => Math.Pow((double)aBefore[i * d + k] - bBefore[j * d + k], 2)));
                bool shapeRight = got is not null && got.Shape.AsSpan().SequenceEqual(expected.Shape);
                bool transposed = got is not null && (n != m && got.Shape.AsSpan().SequenceEqual([m, n])
                    || shapeRight && Exercise.Close(got, Transposed(expected), 1e-4, 1e-3) && !Exercise.Close(got, expected, 1e-4, 1e-3));
                string hint = transposed ? "row i of the result belongs to row i of a: a gets its new axis at position 1, b at position 0."
                    : got?.Rank == 3 ? "sum the squared differences over the last axis, the d coordinates."
                    : got is not null && !shapeRight ? "the (n, m, d) differences are summed over the last axis (d), leaving one value per pair of rows."
                    : "element [i, j] is the sum over k of (a[i, k] − b[j, k])²: square the differences, then sum over the last axis.";
                Exercise.ExpectClose(got, expected, onCase, atol: 1e-3, hint: hint);
            }
        });

    /// <summary>The accuracy exercise 3.8 asks for; raw-pixel squared distances, the simplest answer, reach 72.4 %.</summary>
    public const double NearestAccuracyWanted = 0.65;

    /// <summary>The committed Fashion-MNIST test images, loaded once: exercise 3.8's references and queries.</summary>
    private static readonly Lazy<(Tensor Images, Tensor Labels)> CommittedImages = new(() => FashionMnist.Load(FashionMnist.FindDataDirectory()));

    /// <summary>
    /// Exercise 3.8: a nearest-neighbour classifier. The references are images 0 to 999 of the committed
    /// set, the queries images 9000 to 9499, given 20 at a time; the check tests what the answer achieves,
    /// an accuracy of at least <see cref="NearestAccuracyWanted"/> (guessing gets about 10 %), not how.
    /// </summary>
    public static ExerciseResult CheckNearestLabels(Func<Tensor, Tensor, Tensor, Tensor>? nearestLabels)
    {
        int right = 0;
        const int Queries = 500, Batch = 20;
        var result = Exercise.Run("3.8", () =>
        {
            var learner = Exercise.Given(nearestLabels, "NearestLabels");
            var (images, labels) = CommittedImages.Value;
            var references = images[0..1000].Clone();
            var referenceLabels = labels[0..1000].Clone();
            var (referencesBefore, labelsBefore) = (references.Clone(), referenceLabels.Clone());
            for (int start = 9000; start < 9000 + Queries; start += Batch)
            {
                var queries = images[start..(start + Batch)].Clone();
                var queriesBefore = queries.Clone();
                string onCase = $"queries {start} to {start + Batch - 1} against the 1000 references";
                var got = Invoke(() => learner(references, referenceLabels, queries), onCase,
                    "an (n, m, 784) tensor of differences for 20 queries and 1000 references takes 63 MB; compute the distances for one batch at a time.");
                Exercise.ExpectUnchanged(references, referencesBefore, $"{onCase}: your function changed the references.", LeaveInputsAlone);
                Exercise.ExpectUnchanged(referenceLabels, labelsBefore, $"{onCase}: your function changed the reference labels.", LeaveInputsAlone);
                Exercise.ExpectUnchanged(queries, queriesBefore, $"{onCase}: your function changed the queries.", LeaveInputsAlone);
                Exercise.ExpectShape(got?.Shape, [Batch], onCase, got?.Rank == 2
                    ? "return one class per query, shape (n,): if you kept a dimension of size 1, drop it (keepDim: false, or Squeeze)."
                    : "return one class per query, shape (n,).");
                var predicted = got!.ToArray();
                var badClass = predicted.Select((v, i) => (v, i)).FirstOrDefault(p => !(p.v >= 0 && p.v <= 9 && p.v == MathF.Round(p.v)), (v: 0f, i: -1));
                if (badClass.i >= 0)
                    Exercise.Fail($"{onCase}: query {start + badClass.i} was given {Exercise.Show(badClass.v)}, which is not a class (0 to 9).",
                        badClass.v > 9 ? "that looks like the index of the nearest reference; return its label, referenceLabels[index]." : "return the label of a reference, one of 0 to 9.");
                for (int i = 0; i < Batch; i++)
                    if (predicted[i] == labels[start + i].Item()) right++;
            }
            double accuracy = (double)right / Queries;
            if (accuracy >= NearestAccuracyWanted) return;
            Exercise.Fail($"Your classifier got {right} of {Queries} queries right ({accuracy:P1}); the check wants {NearestAccuracyWanted:P0}.",
                accuracy < 0.2
                    ? "that is little better than guessing (10 %): take the reference with the smallest distance (ArgMax of minus the distances), and make sure row i of your distances belongs to query i."
                    : "the nearest reference by squared distance on the raw pixels already does better: start from that, then try to improve on it.");
        }, "");
        return result.Status == ExerciseStatus.Correct
            ? new ExerciseResult("3.8", ExerciseStatus.Correct, $"Your classifier got {right} of {Queries} queries right ({(double)right / Queries:P1}); guessing would get about 10 %. Try more references, or another measure of closeness.")
            : result;
    }

    /// <summary>The learner's function on one case; a crash other than the placeholder is reported with the case it happened on.</summary>
    private static T Invoke<T>(Func<T> call, string onCase, string hint)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is not (NotImplementedException or NotAttemptedException or WrongAnswerException))
        {
            Exercise.Fail($"{onCase}: your code threw {e.GetType().Name}: {e.Message}", hint);
            throw new UnreachableException();
        }
    }

    private const string LeaveInputsAlone =
        "leave the inputs as they are and return a new tensor; the elementwise operators and reductions never write into their operands.";

    /// <summary>The result shape of <paramref name="expression"/>, or null when its shapes do not broadcast.</summary>
    private static int[]? ShapeOf(Func<Tensor> expression)
    {
        try { return expression().Shape; }
        catch (ArgumentException) { return null; }
    }

    private static void ExpectRuns(bool answer, string label, string expression, Func<Tensor> compute, string hint)
    {
        var shape = ShapeOf(compute);
        if (shape is null)
            Exercise.Expect(!answer, $"{label}Runs, for {expression}: it throws, because the shapes do not broadcast, but {label}Runs is true.", hint);
        else
            Exercise.Expect(answer, $"{label}Runs, for {expression}: it runs and gives shape {Shapes.Format(shape)}, but {label}Runs is false.", hint);
    }

    private static int[]? LibraryBroadcast(int[][] shapes)
    {
        int[] result = [];
        try
        {
            foreach (var shape in shapes) result = Shapes.Broadcast(result, shape, "BroadcastShapes");
            return result;
        }
        catch (ArgumentException) { return null; }
    }

    private static string Join(string[] items) =>
        items.Length == 1 ? items[0] : string.Join(", ", items[..^1]) + " and " + items[^1];

    /// <summary>An (n, m) tensor whose element [i, j] is <paramref name="value"/>(i, j), computed in double.</summary>
    private static Tensor Table(int n, int m, Func<int, int, double> value)
    {
        var data = new float[n * m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                data[i * m + j] = (float)value(i, j);
        return Tensor.FromArray(data, n, m);
    }

    private static Tensor Transposed(Tensor t) => t.Rank == 2 ? t.T().Contiguous() : t;

    /// <summary>The mean and std (dividing by n − 1, as <see cref="Tensor.Std()"/>) of each column of a row-major (n, m) array.</summary>
    private static (double[] Means, double[] Stds) ColumnStats(IReadOnlyList<double> values, int n, int m)
    {
        var means = new double[m];
        var stds = new double[m];
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < n; i++) means[j] += values[i * m + j] / n;
            double squares = 0;
            for (int i = 0; i < n; i++) squares += (values[i * m + j] - means[j]) * (values[i * m + j] - means[j]);
            stds[j] = Math.Sqrt(squares / (n - 1));
        }
        return (means, stds);
    }

    private static (double[] Means, double[] Stds) ColumnStats(float[] values, int n, int m) =>
        ColumnStats(values.Select(v => (double)v).ToArray(), n, m);
}
