using System.Globalization;

namespace Course.Exercises;

/// <summary>
/// The checks behind chapter 2's exercises (02_matmul.ipynb): rungs of the matmul ladder written by
/// hand, the work a product costs and the speed that makes of it, two relatives of the product, and a
/// sum whose rounding does not grow with its length.
/// Every product is compared with the library's <see cref="Tensor.MatMul"/> on shapes chosen to catch
/// the usual slips: a square case first (where swapped indices give the wrong values, which can be
/// recognised and named), then a single row, a single column, an inner size of 1 and odd sizes.
/// </summary>
public static class Chapter2
{
    private static readonly (int M, int K, int N)[] ProductShapes =
        [(3, 3, 3), (1, 5, 1), (1, 6, 4), (5, 3, 1), (4, 1, 3), (7, 5, 3), (2, 9, 6)];

    /// <summary>Exercise 2.1: three nested loops in the order i, p, j give a·b.</summary>
    public static ExerciseResult CheckMatMulIpj(Func<Tensor, Tensor, Tensor>? matMulIpj) => Exercise.Run("2.1", () =>
    {
        var multiply = Exercise.Given(matMulIpj, "MatMulIpj");
        CheckProducts(multiply, seed: 2_1,
            hint: "for each i and p, add a[i, p] · b[p, j] to c[i, j] for every j, starting from Tensor.Zeros(m, n).",
            (a, b) => [(LastTermOnly(a, b), "each entry holds only its last product: add every product to c[i, j] (+=) instead of assigning it (=)."),
                       (TransposeOfB(a, b), "your result is a times the transpose of b: b's first index runs along k, so the term is b[p, j], not b[j, p]."),
                       (BTimesA(a, b), "your result is b times a: the order of the factors matters; row i of c comes from row i of a.")]);
    });

    /// <summary>Exercise 2.2: two loops, with entry (i, j) the sum of row i of a times column j of b.</summary>
    public static ExerciseResult CheckRowTimesColumn(Func<Tensor, Tensor, Tensor>? rowTimesColumn) => Exercise.Run("2.2", () =>
    {
        var multiply = Exercise.Given(rowTimesColumn, "RowTimesColumn");
        CheckProducts(multiply, seed: 2_2,
            hint: "entry (i, j) is the elementwise product of row i of a (a[i]) and column j of b (b[.., j]), summed.",
            (a, b) => [(TransposeOfB(a, b), "your result is a times the transpose of b: b[j] is row j of b; column j is b[.., j]."),
                       (BTimesA(a, b), "your result is b times a: row i of the result comes from row i of a.")]);
    });

    /// <summary>Exercise 2.3: one loop over the columns of the result, broadcasting all of a against one column of b.</summary>
    public static ExerciseResult CheckMatMulByColumns(Func<Tensor, Tensor, Tensor>? matMulByColumns) => Exercise.Run("2.3", () =>
    {
        var multiply = Exercise.Given(matMulByColumns, "MatMulByColumns");
        CheckProducts(multiply, seed: 2_3,
            hint: "column j of the result has one entry per row of a, so the sum runs along k (dimension 1 of the (m, k) product) and leaves m values.",
            (a, b) => [(SummedDownTheRows(a, b), "each column was summed down the rows of a (dimension 0) instead of along k (dimension 1)."),
                       (TransposeOfB(a, b), "your result is a times the transpose of b: use column j of b (b[.., j]), not row j (b[j]).")]);
    });

    /// <summary>Exercise 2.4: the floating-point operations of an (m, k)·(k, n) product, 2·m·k·n, without overflowing.</summary>
    public static ExerciseResult CheckFlops(Func<int, int, int, long>? flops) => Exercise.Run("2.4", () =>
    {
        var count = Exercise.Given(flops, "Flops");
        foreach (var (m, k, n) in CountShapes)
        {
            long expected = 2L * m * k * n;
            long got = count(m, k, n);
            if (got == expected) continue;
            string hint =
                got == (long)m * k * n ? "that is the number of multiply-adds; each one is two floating-point operations, a multiply and an add."
                : got == (long)m * n * (2L * k - 1) ? "you counted k - 1 additions per entry; the chapter counts every multiply-add as two operations, so each entry costs 2·k."
                : expected > int.MaxValue && got is >= int.MinValue and <= int.MaxValue ? $"the count is larger than an int can hold ({Count(int.MaxValue)}), so multiplying ints overflowed: convert to long before multiplying."
                : "each of the m·n entries of the result takes k multiply-adds, and each multiply-add is two operations.";
            Exercise.Fail($"Flops({m}, {k}, {n}): expected {Count(expected)}, got {Count(got)}.", hint);
        }
    });

    /// <summary>Exercise 2.5: GFLOPS from a product's shape and the seconds it took.</summary>
    public static ExerciseResult CheckGflops(Func<int, int, int, double, double>? gflops) => Exercise.Run("2.5", () =>
    {
        var rate = Exercise.Given(gflops, "Gflops");
        foreach (var (m, k, n, seconds) in RateCases)
        {
            double operations = 2.0 * m * k * n;
            double expected = operations / seconds / 1e9;
            double got = rate(m, k, n, seconds);
            if (Math.Abs(got - expected) <= 1e-9 * expected) continue;
            double ratio = got / expected;
            bool overflowed = operations > int.MaxValue
                && (got < 0 || Exercise.Near(ratio, unchecked(2 * m * k * n) / operations, 1e-6) || Exercise.Near(ratio, unchecked(m * k * n) * 2.0 / operations, 1e-6));
            string hint =
                overflowed ? $"here 2·m·k·n is {Count((long)operations)}, more than an int can hold ({Count(int.MaxValue)}): multiply in long or double."
                : Exercise.Near(ratio, 0.5, 1e-6) ? "your answer is half the expected one: a multiply-add is two floating-point operations."
                : Exercise.Near(ratio, 1e9, 1e-6) ? "that is operations per second; a GFLOPS figure counts billions (1e9) of them."
                : Exercise.Near(ratio, 1e3, 1e-6) || Exercise.Near(ratio, 1e-3, 1e-6) ? $"your answer is 1000 times too {(ratio > 1 ? "big" : "small")}: the time is given in seconds (not milliseconds), and giga means 1e9."
                : "count the operations (two per multiply-add), divide by the seconds, and give the result in billions.";
            Exercise.Fail($"Gflops(m: {m}, k: {k}, n: {n}, seconds: {Exercise.Show(seconds)}): expected {Exercise.Show(expected)}, got {Exercise.Show(got)}.", hint);
        }
    });

    /// <summary>Exercise 2.6: a matrix times a vector, (m, k)·(k,) = (m,).</summary>
    public static ExerciseResult CheckMatVec(Func<Tensor, Tensor, Tensor>? matVec) => Exercise.Run("2.6", () =>
    {
        var multiply = Exercise.Given(matVec, "MatVec");
        var generator = new Generator(2_6);
        foreach (var (m, k) in new[] { (3, 3), (1, 5), (4, 1), (6, 9), (9, 2) })
        {
            var a = generator.Normal([m, k]);
            var x = generator.Normal([k]);
            string what = $"a {Shapes.Format([m, k])} times x {Shapes.Format([k])}";
            var got = CallLeavingInputsAlone(multiply, a, x, "x", what);
            var expected = a.MatMul(x.Unsqueeze(1)).Squeeze(1);
            if (got is not null && got.Rank == 2 && got.Shape.SequenceEqual(new[] { m, 1 }))
                Exercise.Fail($"{what}: expected shape {Shapes.Format([m])}, got {Shapes.Format(got.Shape)}.",
                    "the result is a vector with one entry per row of a, not an (m, 1) matrix: create it with Tensor.Zeros(m).");
            ExpectProduct(got, expected, what, "entry i is row i of a times x, summed over k.",
                [(m == k ? a.T().MatMul(x.Unsqueeze(1)).Squeeze(1) : null, "your result is the transpose of a times x: entry i pairs row i of a (a[i, p]) with x[p], not column i (a[p, i]).")]);
        }
    });

    /// <summary>Exercise 2.7: a times the transpose of b, (m, k)·(n, k)ᵀ = (m, n), with loops.</summary>
    public static ExerciseResult CheckMatMulTransposedB(Func<Tensor, Tensor, Tensor>? matMulTransposedB) => Exercise.Run("2.7", () =>
    {
        var multiply = Exercise.Given(matMulTransposedB, "MatMulTransposedB");
        var generator = new Generator(2_7);
        const string hint = "b holds one row per column of the result: the result is (a.Size(0), b.Size(0)), and entry (i, j) pairs row i of a with row j of b.";
        foreach (var (m, k, n) in ProductShapes)
        {
            var a = generator.Normal([m, k]);
            var b = generator.Normal([n, k]);
            string what = $"a {Shapes.Format([m, k])} times the transpose of b {Shapes.Format([n, k])}";
            var got = CallLeavingInputsAlone(multiply, a, b, "b", what);
            ExpectProduct(got, a.MatMul(b.T()), what, hint,
                [(k == n ? a.MatMul(b) : null, "your result is a times b, not a times the transpose of b: the term is b[j, p], not b[p, j].")]);
        }
    });

    /// <summary>How far from the exact sum exercise 2.8 accepts, as a share of the sum of the absolute values.</summary>
    public const double SumTolerance = 5e-6;

    /// <summary>
    /// Exercise 2.8: a float32 sum whose rounding error stays small on long arrays. The answer is compared
    /// with the exact sum (in double) on short arrays, where any order is nearly exact, and on arrays of a
    /// million values, where a plain loop is off by up to 10⁻² of the sum and pairwise or compensated
    /// summation by less than 10⁻⁶. It passes within <see cref="SumTolerance"/> of the sum of |values|.
    /// </summary>
    public static ExerciseResult CheckAccurateSum(Func<float[], float>? accurateSum) => Exercise.Run("2.8", () =>
    {
        var sum = Exercise.Given(accurateSum, "AccurateSum");
        var generator = new Generator(2_8);
        (string What, float[] Values)[] cases =
        [
            ("no values", []),
            ("one value, 2.5", [2.5f]),
            ("1, 2, 3, 4", [1f, 2f, 3f, 4f]),
            ("seven values of mixed signs", [3f, -1.5f, 0.25f, 8f, -2f, 0.5f, 1f]),
            ("a million copies of 0.1f", Enumerable.Repeat(0.1f, 1_000_000).ToArray()),
            ("a million values uniform in [0, 1)", generator.Uniform([1_000_000]).ToArray()),
            ("2²⁰ normal values with mean 0.5", (generator.Normal([1 << 20]) + 0.5f).ToArray()),
            ("999,999 values, 1 then 10⁻⁴ over and over", [1f, .. Enumerable.Repeat(1e-4f, 999_998)]),
        ];
        foreach (var (what, values) in cases)
        {
            double exact = 0, absolute = 0;
            foreach (float v in values) { exact += v; absolute += Math.Abs(v); }
            var given = (float[])values.Clone();
            float got = sum(given);
            Exercise.Expect(given.AsSpan().SequenceEqual(values), $"{what}: your function changed the array it was given.",
                "Read the values and keep the partial sums in variables or arrays of your own.");
            double tolerance = SumTolerance * absolute;
            if (Math.Abs(got - exact) <= tolerance) continue;
            float plain = 0;
            foreach (float v in values) plain += v;
            double error = Math.Abs(got - exact), plainError = Math.Abs(plain - exact);
            string hint =
                !float.IsFinite(got) ? "Your sum is not a finite number."
                : error > 0.1 * absolute ? "Start from 0 and add every value exactly once."
                : error >= 0.5 * plainError ? "That is about as far off as a plain loop: each addition rounds the running total, and once the total is large every small value added to it loses digits. Add values of similar size to each other instead (pairs, then pairs of pairs), or carry along the part each addition rounds off (Kahan)."
                : "Closer than a plain loop, but not close enough: some running total still grows large and swallows small values. Halve the array, sum each half the same way and add the two results; or carry along the rounding error (Kahan).";
            Exercise.Fail($"{what}: the exact sum is {Exercise.Show(exact)}, yours is {Exercise.Show(got)}, off by {Exercise.Show(Math.Abs(got - exact) / absolute)} of the sum of the absolute values; "
                + $"the check accepts {Exercise.Show(SumTolerance)}.", hint);
        }
    }, "On a million copies of 0.1f a plain loop is off by about 1 % of the sum; yours is within 5·10⁻⁶ of it.");

    private static readonly (int M, int K, int N)[] CountShapes =
        [(5, 784, 10), (1, 1, 1), (1, 7, 1), (7, 1, 7), (3, 4, 5), (10_000, 784, 10), (1024, 1024, 1024), (4096, 4096, 4096)];

    private static readonly (int M, int K, int N, double Seconds)[] RateCases =
        [(5, 784, 10, 2.6e-6), (64, 64, 64, 0.01), (1, 1, 1, 1e-9), (300, 200, 100, 0.004), (1024, 1024, 1024, 0.025), (4096, 4096, 4096, 1.5)];

    /// <summary>
    /// Runs a learner's product on every shape in <see cref="ProductShapes"/> and compares it with
    /// a.MatMul(b). <paramref name="slips"/> gives, for a case, the results of known mistakes and what
    /// to say when the answer matches one of them.
    /// </summary>
    private static void CheckProducts(Func<Tensor, Tensor, Tensor> multiply, ulong seed, string hint,
        Func<Tensor, Tensor, (Tensor? Result, string Hint)[]> slips)
    {
        var generator = new Generator(seed);
        foreach (var (m, k, n) in ProductShapes)
        {
            var a = generator.Normal([m, k]);
            var b = generator.Normal([k, n]);
            string what = $"a {Shapes.Format([m, k])} times b {Shapes.Format([k, n])}";
            var got = CallLeavingInputsAlone(multiply, a, b, "b", what);
            ExpectProduct(got, a.MatMul(b), what, hint, slips(a, b));
        }
    }

    /// <summary>Names a known mistake when the answer matches it; otherwise the usual comparison with the general hint.</summary>
    private static void ExpectProduct(Tensor? got, Tensor expected, string what, string hint, (Tensor? Result, string Hint)[] slips)
    {
        if (got is not null)
        {
            var c = Check.Compare(got, expected, 1e-4, 1e-4);
            if (!c.Close)
                foreach (var (result, slipHint) in slips)
                    if (result is not null && result.Shape.SequenceEqual(expected.Shape) && Check.Compare(got, result, 1e-4, 1e-4).Close)
                        Exercise.Fail($"{what}: the values differ; at {Exercise.IndexText(c.WorstIndex, expected.Shape)} expected {Exercise.Show(c.WorstExpected)}, got {Exercise.Show(c.WorstActual)}.", slipHint);
        }
        Exercise.ExpectClose(got, expected, what, hint: hint);
    }

    /// <summary>Calls the learner's function and fails if it wrote into either of its inputs.</summary>
    private static Tensor? CallLeavingInputsAlone(Func<Tensor, Tensor, Tensor> multiply, Tensor a, Tensor b, string nameOfB, string what)
    {
        var aBefore = a.Clone();
        var bBefore = b.Clone();
        var got = multiply(a, b);
        foreach (var (name, now, before) in new[] { ("a", a, aBefore), (nameOfB, b, bBefore) })
        {
            var c = Check.Compare(now, before, 0, 0);
            if (!c.Exact)
                Exercise.Fail($"{what}: your function changed its input {name}: at {Exercise.IndexText(c.WorstIndex, before.Shape)} it held {Exercise.Show(c.WorstExpected)}, afterwards {Exercise.Show(c.WorstActual)}.",
                    "leave the inputs as they are and write the result into a new tensor (Tensor.Zeros of the result's shape).");
        }
        return got;
    }

    /// <summary>What c[i, j] = a[i, p] · b[p, j] (assigning, not adding) leaves: the last product of each sum.</summary>
    private static Tensor LastTermOnly(Tensor a, Tensor b)
    {
        int last = a.Size(1) - 1;
        return a[.., last].Unsqueeze(1) * b[last].Unsqueeze(0);
    }

    // The mistakes below only produce a result of the right shape on some cases; elsewhere they are null.

    /// <summary>a·bᵀ, what b[j, p] in place of b[p, j] computes (b must be square).</summary>
    private static Tensor? TransposeOfB(Tensor a, Tensor b) => b.Size(0) == b.Size(1) ? a.MatMul(b.T()) : null;

    /// <summary>b·a, the factors swapped.</summary>
    private static Tensor? BTimesA(Tensor a, Tensor b) => b.Size(1) == a.Size(0) ? b.MatMul(a) : null;

    /// <summary>Column j summed over dimension 0 of a * b[.., j] instead of dimension 1 (a must be square).</summary>
    private static Tensor? SummedDownTheRows(Tensor a, Tensor b) => a.Size(0) == a.Size(1) ? a.Sum(0).Unsqueeze(1) * b : null;

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
