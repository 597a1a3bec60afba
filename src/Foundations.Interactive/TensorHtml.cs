using System.Globalization;
using System.Net;
using System.Text;

namespace Foundations.Interactive;

/// <summary>
/// A tensor as a compact HTML table captioned with its shape. Large dimensions show their first
/// and last <see cref="EdgeItems"/> entries around an ellipsis, like PyTorch's repr.
/// </summary>
public static class TensorHtml
{
    public const int EdgeItems = 3;

    /// <summary>Tensors of rank 3 or more show this many leading 2-d slices, then a count of the rest.</summary>
    public const int MaxSlices = 4;

    private const string TableStyle = "border-collapse:collapse;font-family:monospace;font-size:85%;margin:0.25em 0";
    private const string CellStyle = "text-align:right;padding:1px 6px";
    private const string IndexStyle = "text-align:right;padding:1px 6px;color:#888;font-weight:normal";

    public static string Render(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.Shape;
        var values = tensor.ToArray();
        var html = new StringBuilder("<div class=\"foundations-tensor\">");
        if (shape.Length <= 2)
        {
            AppendMatrix(html, values, 0, shape, "shape " + FormatShape(shape));
        }
        else
        {
            html.Append("<div style=\"font-family:monospace;font-size:85%\">shape ")
                .Append(FormatShape(shape)).Append(": its leading 2-d slices</div>");
            int rows = shape[^2], columns = shape[^1], sliceSize = rows * columns;
            int sliceCount = sliceSize == 0 ? 0 : values.Length / sliceSize;
            var leading = shape[..^2];
            for (int s = 0; s < Math.Min(sliceCount, MaxSlices); s++)
                AppendMatrix(html, values, s * sliceSize, [rows, columns], SliceLabel(leading, s));
            if (sliceCount > MaxSlices)
                html.Append("<div style=\"font-family:monospace;font-size:85%\">… ")
                    .Append((sliceCount - MaxSlices).ToString(CultureInfo.InvariantCulture)).Append(" more slices</div>");
        }
        return html.Append("</div>").ToString();
    }

    /// <summary>A 0-, 1- or 2-d block of <paramref name="values"/> starting at <paramref name="start"/>.</summary>
    private static void AppendMatrix(StringBuilder html, float[] values, int start, int[] shape, string caption)
    {
        int rows = shape.Length == 2 ? shape[0] : 1;
        int columns = shape.Length switch { 0 => 1, 1 => shape[0], _ => shape[1] };
        var shownRows = Shown(rows);
        var shownColumns = Shown(columns);
        var format = ChooseFormat(shownRows.Where(r => r >= 0)
            .SelectMany(r => shownColumns.Where(c => c >= 0).Select(c => values[start + r * columns + c])));

        html.Append("<table style=\"").Append(TableStyle).Append("\"><caption style=\"caption-side:top;text-align:left;color:#666;white-space:nowrap\">")
            .Append(WebUtility.HtmlEncode(caption)).Append("</caption>");
        if (shape.Length >= 1)
        {
            html.Append("<thead><tr>");
            if (shape.Length == 2) html.Append("<th></th>");
            foreach (int c in shownColumns) AppendIndex(html, c);
            html.Append("</tr></thead>");
        }
        html.Append("<tbody>");
        foreach (int r in shownRows)
        {
            html.Append("<tr>");
            if (shape.Length == 2) AppendIndex(html, r);
            foreach (int c in shownColumns)
            {
                string text = r < 0 || c < 0 ? "…" : FormatValue(values[start + r * columns + c], format);
                html.Append("<td style=\"").Append(CellStyle).Append("\">").Append(text).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
    }

    private static void AppendIndex(StringBuilder html, int index) =>
        html.Append("<th style=\"").Append(IndexStyle).Append("\">")
            .Append(index < 0 ? "…" : index.ToString(CultureInfo.InvariantCulture)).Append("</th>");

    /// <summary>The indices shown along a dimension; -1 marks the elided middle.</summary>
    internal static List<int> Shown(int size) =>
        size <= 2 * EdgeItems + 1
            ? Enumerable.Range(0, size).ToList()
            : [.. Enumerable.Range(0, EdgeItems), -1, .. Enumerable.Range(size - EdgeItems, EdgeItems)];

    /// <summary>PyTorch's spelling: (), (5,), (5, 784).</summary>
    internal static string FormatShape(int[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    /// <summary>The index prefix of slice number <paramref name="slice"/>, e.g. [1, 0, :, :].</summary>
    private static string SliceLabel(int[] leading, int slice)
    {
        var index = new int[leading.Length];
        for (int d = leading.Length - 1; d >= 0; d--)
        {
            index[d] = slice % leading[d];
            slice /= leading[d];
        }
        return "[" + string.Join(", ", index) + ", :, :]";
    }

    private enum NumberFormat { Whole, Fixed, Scientific }

    /// <summary>One style for every shown value, so the columns line up.</summary>
    private static NumberFormat ChooseFormat(IEnumerable<float> shown)
    {
        var finite = shown.Where(float.IsFinite).ToArray();
        var magnitudes = finite.Select(Math.Abs).Where(v => v != 0).ToArray();
        if (magnitudes.Length == 0) return NumberFormat.Whole;
        double max = magnitudes.Max(), min = magnitudes.Min();
        bool wide = max / min > 1000 || max >= 1e8;
        if (finite.All(v => v == MathF.Round(v))) return wide ? NumberFormat.Scientific : NumberFormat.Whole;
        return wide || min < 1e-4 ? NumberFormat.Scientific : NumberFormat.Fixed;
    }

    private static string FormatValue(float value, NumberFormat format)
    {
        if (float.IsNaN(value)) return "nan";
        if (float.IsPositiveInfinity(value)) return "inf";
        if (float.IsNegativeInfinity(value)) return "-inf";
        return format switch
        {
            NumberFormat.Whole => ((double)value).ToString("0", CultureInfo.InvariantCulture),
            NumberFormat.Fixed => ((double)value).ToString("0.0000", CultureInfo.InvariantCulture),
            _ => ((double)value).ToString("0.000e+00", CultureInfo.InvariantCulture),
        };
    }
}
