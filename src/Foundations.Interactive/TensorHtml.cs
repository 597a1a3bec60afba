using System.Globalization;
using System.Net;
using System.Text;

namespace Foundations.Interactive;

/// <summary>
/// A tensor as a compact HTML table captioned with its shape. Large dimensions show their first
/// and last <see cref="EdgeItems"/> entries around an ellipsis, like PyTorch's repr. Each cell reads
/// as <see cref="Tensor.ToString"/> writes that element: the number style comes from the library.
/// </summary>
public static class TensorHtml
{
    public const int EdgeItems = Tensor.EdgeItems;

    /// <summary>Tensors of rank 3 or more show this many leading 2-d slices, then a count of the rest.</summary>
    public const int MaxSlices = 4;

    private const string TableStyle = "border-collapse:collapse;font-family:monospace;font-size:85%;margin:0.25em 0";
    private const string CellStyle = "text-align:right;padding:1px 6px";
    private const string IndexStyle = "text-align:right;padding:1px 6px;color:#888;font-weight:normal";

    public static string Render(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        // ToString picks one style for the values it prints (at most ~1000 of them); use the same one.
        var format = Tensor.ElementFormatter(tensor.ShownValues());
        var html = new StringBuilder("<div class=\"foundations-tensor\">");
        if (tensor.Rank <= 2)
        {
            AppendMatrix(html, tensor, [], format, "shape " + tensor.ShapeString);
        }
        else
        {
            html.Append("<div style=\"font-family:monospace;font-size:85%\">shape ")
                .Append(tensor.ShapeString).Append(": its leading 2-d slices</div>");
            var leading = tensor.Shape[..^2];
            int sliceCount = tensor.Count == 0 ? 0 : Shapes.Count(leading);
            for (int s = 0; s < Math.Min(sliceCount, MaxSlices); s++)
            {
                var index = SliceIndex(leading, s);
                AppendMatrix(html, tensor, index, format, "[" + string.Join(", ", index) + ", :, :]");
            }
            if (sliceCount > MaxSlices)
                html.Append("<div style=\"font-family:monospace;font-size:85%\">… ")
                    .Append((sliceCount - MaxSlices).ToString(CultureInfo.InvariantCulture)).Append(" more slices</div>");
        }
        return html.Append("</div>").ToString();
    }

    /// <summary>
    /// The 0-, 1- or 2-d block of <paramref name="tensor"/> under the index prefix <paramref name="leading"/>;
    /// only the shown cells are read.
    /// </summary>
    private static void AppendMatrix(StringBuilder html, Tensor tensor, int[] leading, Func<float, string> format, string caption)
    {
        int rank = tensor.Rank - leading.Length;
        int rows = rank == 2 ? tensor.Size(-2) : 1;
        int columns = rank == 0 ? 1 : tensor.Size(-1);
        float Cell(int r, int c) => rank switch
        {
            0 => tensor.GetValue(),
            1 => tensor.GetValue(c),
            _ => tensor.GetValue([.. leading, r, c]),
        };

        html.Append("<table style=\"").Append(TableStyle).Append("\"><caption style=\"caption-side:top;text-align:left;color:#666;white-space:nowrap\">")
            .Append(WebUtility.HtmlEncode(caption)).Append("</caption>");
        var shownRows = Tensor.Shown(rows, summarize: true);
        var shownColumns = Tensor.Shown(columns, summarize: true);
        if (rank >= 1)
        {
            html.Append("<thead><tr>");
            if (rank == 2) html.Append("<th></th>");
            foreach (int c in shownColumns) AppendIndex(html, c);
            html.Append("</tr></thead>");
        }
        html.Append("<tbody>");
        foreach (int r in shownRows)
        {
            html.Append("<tr>");
            if (rank == 2) AppendIndex(html, r);
            foreach (int c in shownColumns)
            {
                string text = r < 0 || c < 0 ? "…" : format(Cell(r, c));
                html.Append("<td style=\"").Append(CellStyle).Append("\">").Append(text).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
    }

    private static void AppendIndex(StringBuilder html, int index) =>
        html.Append("<th style=\"").Append(IndexStyle).Append("\">")
            .Append(index < 0 ? "…" : index.ToString(CultureInfo.InvariantCulture)).Append("</th>");

    /// <summary>The leading indices of slice number <paramref name="slice"/> in row-major order, e.g. [1, 0] for [1, 0, :, :].</summary>
    private static int[] SliceIndex(int[] leading, int slice)
    {
        var index = new int[leading.Length];
        for (int d = leading.Length - 1; d >= 0; d--)
        {
            index[d] = slice % leading[d];
            slice /= leading[d];
        }
        return index;
    }
}
