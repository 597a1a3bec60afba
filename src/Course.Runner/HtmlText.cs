using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Course.Runner;

/// <summary>
/// Plain text for the HTML a cell displays with <c>DisplayAs("text/html")</c>: a table becomes aligned
/// columns under its caption, anything else loses its tags.
/// </summary>
public static partial class HtmlText
{
    public static string ToPlainText(string html)
    {
        var rows = Row().Matches(html).Select(row => Cell().Matches(row.Groups[1].Value).Select(cell => Text(cell.Groups[2].Value)).ToList()).Where(r => r.Count > 0).ToList();
        if (rows.Count == 0) return Text(LineBreak().Replace(html, "\n")).Trim();

        var text = new StringBuilder();
        var caption = Caption().Match(html);
        if (caption.Success) text.Append(Text(caption.Groups[1].Value)).Append('\n');
        int columns = rows.Max(r => r.Count);
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        bool header = HeaderRow().IsMatch(html);
        for (int r = 0; r < rows.Count; r++)
        {
            text.Append(string.Join("  ", rows[r].Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
            if (r == 0 && header) text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        }
        return text.ToString().TrimEnd('\n');
    }

    private static string Text(string html) => WebUtility.HtmlDecode(Tag().Replace(html, "")).Trim();

    [GeneratedRegex(@"<tr[^>]*>(.*?)</tr>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Row();

    [GeneratedRegex(@"<t(h|d)[^>]*>(.*?)</t\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Cell();

    [GeneratedRegex(@"<caption[^>]*>(.*?)</caption>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Caption();

    [GeneratedRegex(@"^(?:(?!<td).)*?<tr[^>]*>\s*<th", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex HeaderRow();

    [GeneratedRegex(@"<br\s*/?>|</p>|</div>|</li>|</h\d>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();
}
