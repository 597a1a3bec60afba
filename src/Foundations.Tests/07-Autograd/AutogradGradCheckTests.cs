using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Every recorded operation's backward rule against central differences in double precision. The
/// reference forward passes are written here on double[] with plain loops (independent of the
/// library); the loss is L = Σ out ⊙ R for a fixed random R, so <c>out.Backward(R)</c> gives dL/dinput
/// and every output element counts with a different weight.
/// </summary>
public sealed class AutogradGradCheckTests
{
    // Our backward runs in float32 over at most a few dozen terms per entry (rounding ~1e-6 relative);
    // the reference is good to ~1e-9. A wrong rule (missing factor, unsummed broadcast) is off by O(1).
    private const double Rtol = 1e-4, Atol = 1e-5;

    private enum Values { Any, NonZero, Positive }

    private sealed record Case(int[][] Shapes, Values Kind, Func<Tensor[], Tensor> Ours, Func<double[][], int[][], double[]> Reference);

    private static Case Binary(int[] a, int[] b, Func<Tensor, Tensor, Tensor> ours, Func<double, double, double> f, Values kind = Values.Any) =>
        new([a, b], kind, t => ours(t[0], t[1]), (x, s) => Reference.Zip(x[0], s[0], x[1], s[1], f));

    private static Case Unary(int[] a, Func<Tensor, Tensor> ours, Func<double, double> f, Values kind = Values.Any) =>
        new([a], kind, t => ours(t[0]), (x, _) => Array.ConvertAll(x[0], v => f(v)));

    private static Case Reduction(int[] a, Func<Tensor, Tensor> ours, Func<double[], int[], double[]> reference, Values kind = Values.Any) =>
        new([a], kind, t => ours(t[0]), (x, s) => reference(x[0], s[0]));

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["Add (3, 4) + (4,)"] = Binary([3, 4], [4], (a, b) => a.Add(b), (x, y) => x + y),
        ["Add (2, 1, 3) + (4, 1)"] = Binary([2, 1, 3], [4, 1], (a, b) => a.Add(b), (x, y) => x + y),
        ["Add (3, 4) + ()"] = Binary([3, 4], [], (a, b) => a.Add(b), (x, y) => x + y),
        ["Sub (3, 1) - (1, 4)"] = Binary([3, 1], [1, 4], (a, b) => a.Sub(b), (x, y) => x - y),
        ["Sub (4,) - (2, 3, 4)"] = Binary([4], [2, 3, 4], (a, b) => a.Sub(b), (x, y) => x - y),
        ["Mul (2, 3, 4) * (3, 1)"] = Binary([2, 3, 4], [3, 1], (a, b) => a.Mul(b), (x, y) => x * y),
        ["Mul (5,) * (5,)"] = Binary([5], [5], (a, b) => a.Mul(b), (x, y) => x * y),
        ["Div (3, 4) / (1, 4)"] = Binary([3, 4], [1, 4], (a, b) => a.Div(b), (x, y) => x / y, Values.NonZero),
        ["Neg (2, 3)"] = Unary([2, 3], a => a.Neg(), x => -x),
        ["MatMul (3, 5) @ (5, 2)"] = new([[3, 5], [5, 2]], Values.Any, t => t[0].MatMul(t[1]), (x, s) => Reference.MatMul(x[0], s[0], x[1], s[1])),
        ["MatMul (1, 4) @ (4, 1)"] = new([[1, 4], [4, 1]], Values.Any, t => t[0].MatMul(t[1]), (x, s) => Reference.MatMul(x[0], s[0], x[1], s[1])),
        ["Relu (3, 4)"] = Unary([3, 4], a => a.Relu(), x => Math.Max(x, 0), Values.NonZero),
        ["Pow 2"] = Unary([3, 4], a => a.Pow(2f), x => x * x),
        ["Pow 3"] = Unary([3, 4], a => a.Pow(3f), x => x * x * x),
        ["Pow 0.5"] = Unary([3, 4], a => a.Pow(0.5f), Math.Sqrt, Values.Positive),
        ["Pow -1"] = Unary([3, 4], a => a.Pow(-1f), x => 1 / x, Values.Positive),
        ["Exp"] = Unary([3, 4], a => a.Exp(), Math.Exp),
        ["Log"] = Unary([3, 4], a => a.Log(), Math.Log, Values.Positive),
        ["Reshape (2, 6) to (3, 4)"] = Unary([2, 6], a => a.Reshape(3, 4), x => x),
        ["Reshape of a transpose (non-contiguous)"] = Reduction([3, 4], a => a.T().Reshape(12), (x, _) => Reference.Transposed(x, 3, 4)),
        ["View (2, 6) as (12,)"] = Unary([2, 6], a => a.View(-1), x => x),
        ["T (3, 4)"] = Reduction([3, 4], a => a.T(), (x, _) => Reference.Transposed(x, 3, 4)),
        ["Transpose (2, 3, 4) dims 0, 2"] = Reduction([2, 3, 4], a => a.Transpose(0, 2), (x, _) => Reference.SwapOuterAndInner(x, 2, 3, 4)),
        ["Unsqueeze (3, 4) at 1"] = Unary([3, 4], a => a.Unsqueeze(1), x => x),
        ["Squeeze (3, 1, 4)"] = Unary([3, 1, 4], a => a.Squeeze(), x => x),
        ["Squeeze (3, 1, 4) dim 1"] = Unary([3, 1, 4], a => a.Squeeze(1), x => x),
        ["Expand (3, 1) to (3, 4)"] = new([[3, 1]], Values.Any, t => t[0].Expand(3, 4), (x, _) => [.. x[0].SelectMany(v => Enumerable.Repeat(v, 4))]),
        ["Sum all"] = Reduction([2, 3, 4], a => a.Sum(), (x, _) => [x.Sum()]),
        ["Sum dim 0"] = Reduction([2, 3, 4], a => a.Sum(0), (x, s) => Reference.Reduce(x, s, 0, mean: false)),
        ["Sum dim 1 keepDim"] = Reduction([2, 3, 4], a => a.Sum(1, keepDim: true), (x, s) => Reference.Reduce(x, s, 1, mean: false)),
        ["Sum dim -1"] = Reduction([2, 3, 4], a => a.Sum(-1), (x, s) => Reference.Reduce(x, s, 2, mean: false)),
        ["Mean all"] = Reduction([2, 3, 4], a => a.Mean(), (x, _) => [x.Average()]),
        ["Mean dim 1"] = Reduction([2, 3, 4], a => a.Mean(1), (x, s) => Reference.Reduce(x, s, 1, mean: true)),
        ["Mean dim -1 keepDim"] = Reduction([2, 3, 4], a => a.Mean(-1, keepDim: true), (x, s) => Reference.Reduce(x, s, 2, mean: true)),
        ["LogSumExp dim 1"] = Reduction([3, 4], a => a.LogSumExp(1), (x, s) => Reference.LogSumExp(x, s, 1)),
        ["LogSumExp dim 0 keepDim"] = Reduction([3, 4], a => a.LogSumExp(0, keepDim: true), (x, s) => Reference.LogSumExp(x, s, 0)),
        ["LogSoftmax dim 1"] = Reduction([3, 4], a => a.LogSoftmax(1), (x, s) => Reference.LogSoftmax(x, s, 1)),
        ["LogSoftmax dim 0"] = Reduction([3, 4], a => a.LogSoftmax(0), (x, s) => Reference.LogSoftmax(x, s, 0)),
        ["Softmax dim 1"] = Reduction([3, 4], a => a.Softmax(1), (x, s) => Array.ConvertAll(Reference.LogSoftmax(x, s, 1), Math.Exp)),
        ["CrossEntropy (4, 3)"] = Reduction([4, 3], a => Classification.CrossEntropy(a, Tensor.From(2f, 0f, 1f, 2f)), (x, s) => Reference.CrossEntropy(x, s, [2, 0, 1, 2])),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Backward_MatchesDoublePrecisionCentralDifferences(string name)
    {
        var c = Cases[name];
        var random = new Random(name.Length * 7919 + 17);
        var inputs = c.Shapes.Select(s => Input(random, s, c.Kind).SetRequiresGrad()).ToArray();
        var output = c.Ours(inputs);
        var weights = RandomTensor(random, output.Shape);
        var w = ToDoubles(weights);

        output.Backward(weights);

        var values = inputs.Select(ToDoubles).ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            int k = i;
            var numerical = GradCheck.Numerical(x =>
            {
                var args = (double[][])values.Clone();
                args[k] = x;
                var reference = c.Reference(args, c.Shapes);
                double loss = 0;
                for (int j = 0; j < reference.Length; j++) loss += reference[j] * w[j];
                return loss;
            }, values[i]);
            Assert.NotNull(inputs[i].Grad);
            Assert.Equal(inputs[i].Shape, inputs[i].Grad!.Shape);
            AssertClose(ToDoubles(inputs[i].Grad!), numerical, Rtol, Atol, $"{name}: dL/dinput {i}");
        }
    }

    private static Tensor Input(Random random, int[] shape, Values kind) => kind switch
    {
        Values.NonZero => RandomNonZero(random, shape),
        Values.Positive => RandomNonZero(random, shape).Abs(),
        _ => RandomTensor(random, shape),
    };

    /// <summary>Forward passes in double precision on flat row-major arrays.</summary>
    private static class Reference
    {
        // out[j, i] = x[i, j] for x of shape (rows, cols).
        public static double[] Transposed(double[] x, int rows, int cols)
        {
            var result = new double[x.Length];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) result[j * rows + i] = x[i * cols + j];
            return result;
        }

        // out[k, j, i] = x[i, j, k] for x of shape (n0, n1, n2).
        public static double[] SwapOuterAndInner(double[] x, int n0, int n1, int n2)
        {
            var result = new double[x.Length];
            for (int i = 0; i < n0; i++)
                for (int j = 0; j < n1; j++)
                    for (int k = 0; k < n2; k++) result[(k * n1 + j) * n0 + i] = x[(i * n1 + j) * n2 + k];
            return result;
        }

        public static double[] Zip(double[] a, int[] sa, double[] b, int[] sb, Func<double, double, double> f)
        {
            var shape = Shapes.Broadcast(sa, sb, "reference");
            var result = new double[Shapes.Count(shape)];
            var index = new int[shape.Length];
            for (int o = 0; o < result.Length; o++)
            {
                for (int d = shape.Length - 1, rest = o; d >= 0; d--) { index[d] = rest % shape[d]; rest /= shape[d]; }
                result[o] = f(a[Position(index, sa)], b[Position(index, sb)]);
            }
            return result;
        }

        // Where a broadcast index lands in an operand: aligned at the right, size-1 dimensions read at 0.
        private static int Position(int[] index, int[] shape)
        {
            int position = 0, lead = index.Length - shape.Length;
            for (int d = 0; d < shape.Length; d++) position = position * shape[d] + (shape[d] == 1 ? 0 : index[lead + d]);
            return position;
        }

        public static double[] MatMul(double[] a, int[] sa, double[] b, int[] sb)
        {
            int m = sa[0], k = sa[1], n = sb[1];
            var c = new double[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    for (int p = 0; p < k; p++) c[i * n + j] += a[i * k + p] * b[p * n + j];
            return c;
        }

        // A shape seen as (outer, size, inner) around one dimension.
        private static (int Outer, int Size, int Inner) Around(int[] shape, int dim) =>
            (shape[..dim].Aggregate(1, (x, y) => x * y), shape[dim], shape[(dim + 1)..].Aggregate(1, (x, y) => x * y));

        public static double[] Reduce(double[] a, int[] shape, int dim, bool mean)
        {
            var (outer, size, inner) = Around(shape, dim);
            var result = new double[outer * inner];
            for (int o = 0; o < outer; o++)
                for (int k = 0; k < size; k++)
                    for (int i = 0; i < inner; i++) result[o * inner + i] += a[(o * size + k) * inner + i] / (mean ? size : 1);
            return result;
        }

        public static double[] LogSumExp(double[] a, int[] shape, int dim) =>
            Array.ConvertAll(Reduce(Array.ConvertAll(a, Math.Exp), shape, dim, mean: false), Math.Log);

        public static double[] LogSoftmax(double[] a, int[] shape, int dim)
        {
            var (outer, size, inner) = Around(shape, dim);
            var lse = LogSumExp(a, shape, dim);
            var result = new double[a.Length];
            for (int o = 0; o < outer; o++)
                for (int k = 0; k < size; k++)
                    for (int i = 0; i < inner; i++) result[(o * size + k) * inner + i] = a[(o * size + k) * inner + i] - lse[o * inner + i];
            return result;
        }

        public static double[] CrossEntropy(double[] logits, int[] shape, int[] labels)
        {
            var logSoftmax = LogSoftmax(logits, shape, 1);
            return [-labels.Select((label, row) => logSoftmax[row * shape[1] + label]).Average()];
        }
    }
}
