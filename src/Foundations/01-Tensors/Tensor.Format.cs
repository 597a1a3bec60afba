using System.Globalization;
using System.Text;

namespace Foundations;

// Text that reads like PyTorch's repr: tensor([[ 1.,  2.], ...]). Values share one width and one
// style (whole numbers, 4 decimals, or scientific when magnitudes differ by 1000x or more);
// tensors over 1000 elements show the first and last 3 entries of each dimension, followed by
// the shape (which PyTorch leaves out). src/Foundations.Tests/FormatTests.cs compares with torch.
public sealed partial class Tensor
{
    private const int SummaryThreshold = 1000, LineWidth = 80;
    internal const int EdgeItems = 3;

    public override string ToString()
    {
        // As PyTorch: an empty tensor prints no brackets per row (a (10000000, 0) tensor would be
        // megabytes of "[]"), only its size when the rank is not 1.
        if (Count == 0 && Rank > 0) return Rank == 1 ? "tensor([])" : $"tensor([], size={ShapeString})";
        bool summarize = Count > SummaryThreshold;
        var values = summarize ? SummaryValues() : ToArray();
        var format = ChooseFormat(values);
        // As PyTorch: the width comes from the non-zero finite values only; nan, inf and -0. may stick out.
        int width = values.Where(v => v != 0 && float.IsFinite(v)).Select(v => FormatValue(v, format).Length).DefaultIfEmpty(1).Max();
        var text = new StringBuilder("tensor(");
        if (Rank == 0) text.Append(FormatValue(Item(), format));
        else AppendDim(text, Storage, Offset, 0, "tensor(".Length, summarize, format, width);
        // PyTorch leaves the shape out of a summary; we add it.
        if (summarize) text.Append(", shape=").Append(ShapeString);
        return text.Append(')').ToString();
    }

    /// <summary>
    /// How <see cref="ToString"/> writes each of <paramref name="values"/> (one style chosen for all
    /// of them), so other views of a tensor, such as the notebook's HTML table, print the same digits.
    /// </summary>
    internal static Func<float, string> ElementFormatter(float[] values)
    {
        var format = ChooseFormat(values);
        return value => FormatValue(value, format);
    }

    /// <summary>The elements <see cref="ToString"/> would show: all of them, or the first and last 3 per dimension of a big tensor.</summary>
    internal float[] ShownValues() => Count > SummaryThreshold ? SummaryValues() : ToArray();

    private void AppendDim(StringBuilder text, float[] storage, int position, int dim, int indent, bool summarize, string format, int width)
    {
        int size = shape[dim];
        var indices = Shown(size, summarize);
        text.Append('[');
        if (dim == Rank - 1)
        {
            int perLine = Math.Max(1, (LineWidth - indent) / (width + 2));
            for (int n = 0; n < indices.Count; n++)
            {
                if (n > 0) text.Append(n % perLine == 0 ? ",\n" + new string(' ', indent + 1) : ", ");
                text.Append(indices[n] < 0 ? " ..." : FormatValue(storage[position + indices[n] * strides[dim]], format).PadLeft(width));
            }
        }
        else
        {
            string separator = "," + new string('\n', Rank - dim - 1) + new string(' ', indent + 1);
            for (int n = 0; n < indices.Count; n++)
            {
                if (n > 0) text.Append(separator);
                if (indices[n] < 0) text.Append("...");
                else AppendDim(text, storage, position + indices[n] * strides[dim], dim + 1, indent + 1, summarize, format, width);
            }
        }
        text.Append(']');
    }

    /// <summary>The indices printed along a dimension; -1 stands for the elided middle (the HTML table elides the same way).</summary>
    internal static List<int> Shown(int size, bool summarize)
    {
        if (!summarize || size <= 2 * EdgeItems) return Enumerable.Range(0, size).ToList();
        return [.. Enumerable.Range(0, EdgeItems), -1, .. Enumerable.Range(size - EdgeItems, EdgeItems)];
    }

    private float[] SummaryValues()
    {
        var picked = new List<float>();
        void Walk(int position, int dim)
        {
            foreach (int i in Shown(shape[dim], true))
            {
                if (i < 0) continue;
                int p = position + i * strides[dim];
                if (dim == Rank - 1) picked.Add(Storage[p]); else Walk(p, dim + 1);
            }
        }
        if (Count > 0) Walk(Offset, 0);
        return picked.ToArray();
    }

    private static string ChooseFormat(float[] values)
    {
        var finite = values.Where(float.IsFinite).Select(Math.Abs).Where(v => v != 0).ToArray();
        if (finite.Length == 0) return "int";
        double max = finite.Max(), min = finite.Min();
        bool wide = max / min > 1000 || max > 1e8;
        bool whole = values.Where(float.IsFinite).All(v => v == MathF.Round(v));
        if (whole) return wide ? "sci" : "int";
        return wide || min < 1e-4 ? "sci" : "fixed";
    }

    private static string FormatValue(float value, string format)
    {
        if (float.IsNaN(value)) return "nan";
        if (float.IsPositiveInfinity(value)) return "inf";
        if (float.IsNegativeInfinity(value)) return "-inf";
        // The standard F and E formats round the exact binary value half to even, as Python's
        // '{:.4f}' does (0.03125 -> 0.0312); custom formats like "0.0000" would give 0.0313.
        var culture = CultureInfo.InvariantCulture;
        return format switch
        {
            "int" => ((double)value).ToString("F0", culture) + ".",
            "fixed" => ((double)value).ToString("F4", culture),
            _ => Scientific(value),
        };
    }

    /// <summary>Python's '{:.4e}': "1.0000e-05", with at least two exponent digits (.NET's E4 writes "1.0000E-005").</summary>
    private static string Scientific(float value)
    {
        string text = ((double)value).ToString("E4", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E');
        string digits = text[(e + 2)..].TrimStart('0').PadLeft(2, '0');
        return text[..e] + "e" + text[e + 1] + digits;
    }
}
