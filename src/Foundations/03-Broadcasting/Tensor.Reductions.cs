using System.Numerics;
using System.Runtime.InteropServices;

namespace Foundations;

// Reductions over every element (a 0-d result) or along one dim (that dim removed, or kept with
// size 1 when keepDim is true). Sums accumulate in double, so long sums lose no precision.
public sealed partial class Tensor
{
    public Tensor Sum()
    {
        var result = Scalar((float)SumAll("Sum"));
        return Autograd.ShouldRecord(this) ? Derivatives.Sum(result, this) : result;
    }

    public Tensor Sum(int dim, bool keepDim = false)
    {
        var result = Reduce(dim, keepDim, "Sum", Accumulate.Sum);
        return Autograd.ShouldRecord(this) ? Derivatives.Sum(result, this, dim, keepDim) : result;
    }

    public Tensor Mean()
    {
        var result = Scalar((float)(SumAll("Mean", requireElements: true) / Count));
        return Autograd.ShouldRecord(this) ? Derivatives.Mean(result, this) : result;
    }

    public Tensor Mean(int dim, bool keepDim = false)
    {
        var result = Reduce(dim, keepDim, "Mean", Accumulate.Mean);
        return Autograd.ShouldRecord(this) ? Derivatives.Mean(result, this, dim, keepDim) : result;
    }

    // Std, Max, Min, ArgMax and Norm have no backward rule: their results never require gradients.

    /// <summary>Standard deviation with Bessel's correction (divides by n-1), as PyTorch's <c>std()</c>.</summary>
    public Tensor Std() => Reduce(-1, false, "Std", Accumulate.Std, all: true);
    public Tensor Std(int dim, bool keepDim = false) => Reduce(dim, keepDim, "Std", Accumulate.Std);

    public Tensor Max() => Reduce(-1, false, "Max", Accumulate.Max, all: true);
    public Tensor Max(int dim, bool keepDim = false) => Reduce(dim, keepDim, "Max", Accumulate.Max);
    public Tensor Min() => Reduce(-1, false, "Min", Accumulate.Min, all: true);
    public Tensor Min(int dim, bool keepDim = false) => Reduce(dim, keepDim, "Min", Accumulate.Min);

    /// <summary>The flat (row-major) index of the largest element; the first one on ties.</summary>
    public Tensor ArgMax() => Reduce(-1, false, "ArgMax", Accumulate.ArgMax, all: true);
    public Tensor ArgMax(int dim, bool keepDim = false) => Reduce(dim, keepDim, "ArgMax", Accumulate.ArgMax);

    /// <summary>The Frobenius norm: the square root of the sum of squared elements.</summary>
    public Tensor Norm()
    {
        double sum = 0;
        foreach (float v in ToArray()) sum += (double)v * v;
        return Scalar((float)Math.Sqrt(sum));
    }

    private double SumAll(string operation, bool requireElements = false)
    {
        if (requireElements && Count == 0)
            throw new ArgumentException($"{operation}: the tensor is empty (shape {ShapeString}).");
        var c = Contiguous();
        double sum = 0;
        var span = c.Storage.AsSpan(c.Offset, c.Count);
        foreach (float v in span) sum += v;
        return sum;
    }

    private enum Accumulate { Sum, Mean, Std, Max, Min, ArgMax }

    private Tensor Reduce(int dim, bool keepDim, string operation, Accumulate kind, bool all = false)
    {
        if (all)
        {
            if (Count == 0 && kind != Accumulate.Sum)
                throw new ArgumentException($"{operation}: the tensor is empty (shape {ShapeString}); there is nothing to reduce.");
            // An internal view: a reduction's result never records, so neither does the flattening.
            var flat = Contiguous().ContiguousView([Count]);
            return flat.Reduce(0, false, operation, kind);
        }
        // A 0-d tensor takes dim 0 or -1 and stays 0-d, as in PyTorch.
        if (Rank == 0)
        {
            if (dim is not (0 or -1))
                throw new ArgumentOutOfRangeException(nameof(dim), $"{operation}: dim {dim} is out of range for a 0-dimensional tensor (expected -1..0).");
            return ContiguousView([1]).Reduce(0, false, operation, kind);
        }
        int d = NormalizeDim(dim, operation);
        int size = shape[d];
        if (size == 0 && kind != Accumulate.Sum)
            throw new ArgumentException($"{operation}: dimension {d} of shape {ShapeString} is empty; there is nothing to reduce.");
        // Indices come back as float32, which holds every whole number only up to 2^24.
        if (kind == Accumulate.ArgMax && size > 1 << 24)
            throw new ArgumentException($"{operation}: dimension {d} of shape {ShapeString} has more than 2^24 entries; a float32 index would be inexact.");
        int outer = Shapes.Count(shape.AsSpan(0, d)), inner = Shapes.Count(shape.AsSpan(d + 1));
        var source = Contiguous();
        var input = source.Storage;
        int baseOffset = source.Offset;
        var output = new float[outer * inner];
        ReduceLines(input, baseOffset, outer, size, inner, output, kind);
        var newShape = keepDim ? shape.Select((s, k) => k == d ? 1 : s).ToArray() : shape.Where((_, k) => k != d).ToArray();
        return new Tensor(output, 0, newShape, Shapes.ContiguousStrides(newShape));
    }

    /// <summary>
    /// Reduces over the middle dim of a contiguous (outer, size, inner) block into an (outer, inner)
    /// output, one <see cref="ReduceLine"/> per output element. A sum or mean over a dim that is not
    /// the last (a bias gradient summed over the batch) adds a whole row per step with SIMD instead of
    /// walking each column with a stride; each sum is still added up in double from k = 0 upward, as
    /// ReduceLine does, so the results are the same to the bit.
    /// </summary>
    private static void ReduceLines(float[] data, int baseOffset, int outer, int size, int inner, Span<float> output, Accumulate kind)
    {
        bool mean = kind == Accumulate.Mean;
        if (kind is not (Accumulate.Sum or Accumulate.Mean) || inner < 2 * Vector<float>.Count || !Vector.IsHardwareAccelerated)
        {
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                    output[o * inner + i] = ReduceLine(data, baseOffset + o * size * inner + i, inner, size, kind);
            return;
        }
        var sums = new double[inner];
        for (int o = 0; o < outer; o++)
        {
            Array.Clear(sums);
            for (int k = 0; k < size; k++)
                AddWidened(data.AsSpan(baseOffset + (o * size + k) * inner, inner), sums);
            for (int i = 0; i < inner; i++) output[o * inner + i] = (float)(mean ? sums[i] / size : sums[i]);
        }
    }

    /// <summary>sums[i] += row[i] for every i, in double.</summary>
    private static void AddWidened(ReadOnlySpan<float> row, Span<double> sums)
    {
        var rowVectors = MemoryMarshal.Cast<float, Vector<float>>(row);
        var sumVectors = MemoryMarshal.Cast<double, Vector<double>>(sums);
        for (int v = 0; v < rowVectors.Length; v++)
        {
            Vector.Widen(rowVectors[v], out var low, out var high);
            sumVectors[2 * v] += low;
            sumVectors[2 * v + 1] += high;
        }
        for (int i = rowVectors.Length * Vector<float>.Count; i < row.Length; i++) sums[i] += row[i];
    }

    private static float ReduceLine(float[] data, int start, int stride, int size, Accumulate kind)
    {
        switch (kind)
        {
            case Accumulate.Sum:
            case Accumulate.Mean:
            {
                double sum = 0;
                for (int k = 0; k < size; k++) sum += data[start + k * stride];
                return (float)(kind == Accumulate.Sum ? sum : sum / size);
            }
            case Accumulate.Std:
            {
                double mean = 0;
                for (int k = 0; k < size; k++) mean += data[start + k * stride];
                mean /= size;
                double squares = 0;
                for (int k = 0; k < size; k++) { double e = data[start + k * stride] - mean; squares += e * e; }
                return size < 2 ? float.NaN : (float)Math.Sqrt(squares / (size - 1));
            }
            default:
            {
                int best = 0;
                float bestValue = data[start];
                for (int k = 1; k < size; k++)
                {
                    float v = data[start + k * stride];
                    if (float.IsNaN(bestValue)) break;
                    bool better = float.IsNaN(v) || (kind == Accumulate.Min ? v < bestValue : v > bestValue);
                    if (better) { best = k; bestValue = v; }
                }
                return kind == Accumulate.ArgMax ? best : bestValue;
            }
        }
    }
}
