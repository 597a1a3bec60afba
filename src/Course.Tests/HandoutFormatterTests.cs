using System.Text.Json;
using System.Text.RegularExpressions;
using Foundations;
using Foundations.Interactive;

namespace Course.Tests;

/// <summary>The HTML that charts and tensors put into notebooks, and so into the handouts.</summary>
public sealed class HandoutFormatterTests
{
    [Fact]
    public void PlotlyScript_VersionIsExactAndIsWhatNpmInstalled()
    {
        // PlotlyScript.Version names the version in the library; .ci/npm/package.json pins it for npm, and the lock
        // file and the installed copy must be that version, or the handouts embed another one than the CDN fallback names.
        Assert.Matches(@"^\d+\.\d+\.\d+$", PlotlyScript.Version);
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, ".ci", "npm", "package.json")));
        Assert.Equal(PlotlyScript.Version, package.RootElement.GetProperty("dependencies").GetProperty(PlotlyScript.PackageName).GetString());
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, ".ci", "npm", "package-lock.json")));
        Assert.Equal(PlotlyScript.Version,
            lockFile.RootElement.GetProperty("packages").GetProperty("node_modules/" + PlotlyScript.PackageName).GetProperty("version").GetString());
    }

    [Fact]
    public void PlotlyScript_FindsTheInstalledCopy()
    {
        var path = PlotlyScript.FindLocal();
        Assert.True(path is not null, "plotly.js is not installed: run .ci/setup (npm ci in .ci/npm).");
        var header = string.Join("\n", File.ReadLines(path).Take(5));
        Assert.Contains("plotly.js (basic - minified) v" + PlotlyScript.Version, header);
    }

    [Fact]
    public void Lines_DrawsNonFiniteValuesAsGapsAndSaysSo()
    {
        var chart = Charts.Lines("t", "x", "y", [("a", [0.0, 1, 2, 3], [1.0, double.NaN, double.PositiveInfinity, 2])]);
        var html = ChartHtml.Render(chart);
        Assert.Contains("\"y\":[1.0,null,null,2.0]", html);
        Assert.Contains("gaps: non-finite values", html);
        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("Infinity", html);
    }

    [Fact]
    public void Lines_OnALogAxisDrawsValuesAtOrBelowZeroAsGaps()
    {
        var chart = Charts.Lines("t", "x", "y", [("a", [0.0, 1, 2], [0.0, -1, 10])], logY: true);
        var html = ChartHtml.Render(chart);
        Assert.Contains("\"y\":[null,null,10.0]", html);
        Assert.Contains("\"type\":\"log\"", html);
        Assert.Contains("gaps: values ≤ 0 on a log axis", html);
    }

    [Fact]
    public void Lines_OnALogAxisLabelsWholeDecadesOnly()
    {
        var fewDecades = ChartHtml.Render(Charts.Lines("t", "x", "y", [("a", [0.0, 1, 2], [0.015, 0.2, 1.1])], logY: true));
        var manyDecades = ChartHtml.Render(Charts.Lines("t", "x", "y", [("a", [0.0, 1], [1e-30, 1e30])], logY: true));
        Assert.Contains("\"dtick\":1.0", fewDecades);
        Assert.Contains("\"dtick\":8.0", manyDecades);
    }

    [Fact]
    public void Lines_WithoutGapsHasNoGapNoteAndKeepsItsTitles()
    {
        var html = ChartHtml.Render(Charts.Lines("Loss", "step", "mse", [("train", [0.0, 1], [2.0, 1])]));
        Assert.DoesNotContain("gaps:", html);
        Assert.Contains("\"title\":{\"text\":\"Loss\"}", html);
        Assert.Contains("\"title\":{\"text\":\"step\"}", html);
        Assert.Contains("\"title\":{\"text\":\"mse\"}", html);
    }

    [Fact]
    public void Lines_ThinsALongRunButKeepsItsEndsItsSpikeAndItsGaps()
    {
        int n = 10_000;
        var x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var y = x.Select(i => 1.0 / (1 + i)).ToArray();
        y[4321] = 50;              // a one-step spike
        y[7000] = double.NaN;      // a gap
        var html = ChartHtml.Render(Charts.Lines("Loss", "step", "mse", [("train", x, y)]));
        var data = System.Text.Json.JsonDocument.Parse(Regex.Match(html, "^  var data = (.*);$", RegexOptions.Multiline).Groups[1].Value);
        var trace = data.RootElement[0];
        var keptX = trace.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var keptY = trace.GetProperty("y").EnumerateArray().Select(v => v.ValueKind == System.Text.Json.JsonValueKind.Null ? (double?)null : v.GetDouble()).ToList();
        Assert.InRange(keptY.Count, 300, 600);
        Assert.Equal(0.0, keptX[0]);
        Assert.Equal(n - 1.0, keptX[^1]);
        Assert.Contains(50.0, keptY);
        Assert.Contains(null, keptY);
        Assert.Equal(keptX.Order().ToList(), keptX);

        var small = ChartHtml.Render(Charts.Lines("Loss", "step", "mse", [("train", x[..600], y[..600])]));
        Assert.Equal(600, System.Text.Json.JsonDocument.Parse(Regex.Match(small, "^  var data = (.*);$", RegexOptions.Multiline).Groups[1].Value)
            .RootElement[0].GetProperty("y").GetArrayLength());
    }

    [Fact]
    public void Lines_ThrowsWhenASeriesHasMismatchedLengths()
    {
        var error = Assert.Throws<ArgumentException>(() => Charts.Lines("t", "x", "y", [("a", [0.0, 1], [1.0])]));
        Assert.Contains("'a'", error.Message);
    }

    [Fact]
    public void ChartHtml_CannotBeClosedEarlyByATitle()
    {
        var html = ChartHtml.Render(Charts.Lines("</script><b>oops</b>", "x", "y", [("a", [0.0], [1.0])]));
        Assert.Single(Regex.Matches(html, "</script>"));
        Assert.DoesNotContain("<b>oops", html);
    }

    [Fact]
    public void ChartHtml_CdnFallbackCarriesTheIntegrityOfThePinnedFile()
    {
        var local = PlotlyScript.FindLocal();
        Assert.True(local is not null, "plotly.min.js is not installed under .ci/npm: run .ci/setup");
        var hash = "sha384-" + Convert.ToBase64String(System.Security.Cryptography.SHA384.HashData(File.ReadAllBytes(local!)));
        Assert.Equal(PlotlyScript.CdnIntegrity, hash);
        var html = ChartHtml.Render(Charts.Lines("t", "x", "y", [("a", [0.0], [1.0])]));
        Assert.Equal(2, Regex.Matches(html, Regex.Escape(PlotlyScript.CdnIntegrity)).Count);   // script tag and require.js paths
        Assert.Contains("crossOrigin = \"anonymous\"", html, StringComparison.Ordinal);
        int begin = html.IndexOf(ChartHtml.FallbackBegin, StringComparison.Ordinal), end = html.IndexOf(ChartHtml.FallbackEnd, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin && html.IndexOf(PlotlyScript.CdnUrl, StringComparison.Ordinal) is var url && url > begin && url < end,
            "the CDN address must sit inside the fallback markers, so the pipeline can strip it from handouts");
    }

    [Fact]
    public void ChartHtml_IdsComeFromTheChartsContentSoRunsCompareByteForByte()
    {
        static string Id(string html) => Regex.Match(html, "id=\"(foundations-chart-[0-9a-f-]+)\"").Groups[1].Value;
        var title = $"ids {Guid.NewGuid()}";   // content no other test draws
        var first = Id(ChartHtml.Render(Charts.Lines(title, "x", "y", [("a", [0.0, 1], [1.0, 2])])));
        var again = Id(ChartHtml.Render(Charts.Lines(title, "x", "y", [("a", [0.0, 1], [1.0, 2])])));
        var other = Id(ChartHtml.Render(Charts.Lines(title, "x", "y", [("a", [0.0, 1], [1.0, 3])])));
        Assert.Matches("^foundations-chart-[0-9a-f]{16}$", first);
        Assert.Equal(first + "-1", again);   // the same chart twice on one page: distinct elements
        Assert.NotEqual(first[..34], other[..34]);
    }

    [Fact]
    public void LayerStats_PutsEachSchemesMeanAndStdInTwoPanels()
    {
        var normal = Enumerable.Range(0, 4).Select(l => new LayerStat(0, l, "lin", 0.1 * l, Math.Pow(3, l))).ToList();
        var tiny = Enumerable.Range(0, 4).Select(l => new LayerStat(0, l, "lin", -0.1, l < 2 ? 0.1 : double.NaN)).ToList();
        var html = ChartHtml.Render(Charts.LayerStats("init", true, ("normal", normal), ("tiny", tiny)));
        Assert.Equal(2, Regex.Matches(html, "\"name\":\"normal\"").Count);
        Assert.Equal(2, Regex.Matches(html, "\"name\":\"tiny\"").Count);
        Assert.Equal(2, Regex.Matches(html, "\"yaxis\":\"y2\"").Count);
        Assert.Contains("\"title\":{\"text\":\"|mean|\"}", html);
        Assert.Contains("gaps: non-finite values", html);
    }

    [Fact]
    public void LayerStats_DrawsTheLastStepAsOneLineLabelledByLayer()
    {
        var stats = new[]
        {
            new LayerStat(0, 0, "lin", 5, 5), new LayerStat(1, 0, "lin", 1, 2), new LayerStat(1, 1, "relu", 0.5, 0.7),
        };
        var html = ChartHtml.Render(Charts.LayerStats(stats, "stats"));
        Assert.Equal(2, Regex.Matches(html, "\"name\":\"activations\"").Count);
        Assert.Contains("\"text\":[\"lin\",\"relu\"]", html);
        Assert.DoesNotContain("5.0", html);
    }

    [Fact]
    public void LayerStats_DrawsOneLinePerScheme()
    {
        IReadOnlyList<LayerStat> Stack(string name) => [new(0, 0, name, 0, 1), new(0, 1, name, 0, 2)];
        var html = ChartHtml.Render(Charts.LayerStats("schemes", true, ("plain", Stack("lin")), ("kaiming", Stack("lin"))));
        Assert.Equal(2, Regex.Matches(html, "\"name\":\"plain\"").Count);
        Assert.Equal(2, Regex.Matches(html, "\"name\":\"kaiming\"").Count);
        Assert.Contains("\"exponentformat\":\"power\"", html);
    }

    [Fact]
    public void LayerStats_DrawsAReferenceAsADashedLineInEachPanelItNames()
    {
        var stats = Enumerable.Range(0, 4).Select(l => new LayerStat(0, l, "relu", 0.5, 0.8)).ToList();
        var html = ChartHtml.Render(Charts.LayerStats("kaiming", false,
            [new LayerReference("expected", Mean: 0.564, Std: 0.826), new LayerReference("std only", Std: 1.5)], ("kaiming", stats)));
        var expected = Traces(html).Where(t => t.GetProperty("name").GetString() == "expected").ToList();
        Assert.Equal(2, expected.Count);
        Assert.Equal([0.564, 0.564], Numbers(expected[0], "y"));
        Assert.Equal([0.0, 3.0], Numbers(expected[0], "x"));
        Assert.False(expected[0].TryGetProperty("yaxis", out _));
        Assert.Equal([0.826, 0.826], Numbers(expected[1], "y"));
        Assert.Equal("y2", expected[1].GetProperty("yaxis").GetString());
        Assert.Equal("dash", expected[0].GetProperty("line").GetProperty("dash").GetString());
        Assert.False(expected[1].GetProperty("showlegend").GetBoolean());   // one legend entry per reference
        var stdOnly = Assert.Single(Traces(html), t => t.GetProperty("name").GetString() == "std only");
        Assert.Equal("y2", stdOnly.GetProperty("yaxis").GetString());
        Assert.NotEqual("dash", stdOnly.GetProperty("line").GetProperty("dash").GetString());
    }

    [Fact]
    public void LayerStats_ThrowsForAReferenceALogAxisCannotShow()
    {
        var stats = new[] { new LayerStat(0, 0, "lin", 0, 1) };
        var error = Assert.Throws<ArgumentException>(() =>
            Charts.LayerStats("xavier", true, [new LayerReference("zero mean", Mean: 0, Std: 1)], ("xavier", stats)));
        Assert.Contains("'zero mean'", error.Message);
        Assert.Throws<ArgumentException>(() => Charts.LayerStats("t", false, [new LayerReference("nothing")], ("xavier", stats)));
    }

    [Fact]
    public void ActivationsAndGradients_PutsTheActivationStdLeftAndTheGradientStdRight()
    {
        var activations = Enumerable.Range(0, 3).Select(l => new LayerStat(0, l, "lin", 7, Math.Pow(10, l))).ToList();
        var gradients = Enumerable.Range(0, 3).Select(l => new LayerStat(0, l, "lin", 7, Math.Pow(10, 2 - l))).ToList();
        var html = ChartHtml.Render(Charts.ActivationsAndGradients("both ways", true, ("randn", activations, gradients)));
        var traces = Traces(html);
        Assert.Equal(2, traces.Count);
        Assert.Equal([1.0, 10, 100], Numbers(traces[0], "y"));
        Assert.Equal([100.0, 10, 1], Numbers(traces[1], "y"));
        Assert.Equal("y2", traces[1].GetProperty("yaxis").GetString());
        Assert.Contains("\"title\":{\"text\":\"std of the activations\"}", html);
        Assert.Contains("\"title\":{\"text\":\"std of the gradient\"}", html);
        Assert.DoesNotContain("7.0", html);   // the means are not drawn
    }

    /// <summary>The traces of the one chart in <paramref name="html"/>, parsed from its Plotly.newPlot call.</summary>
    private static List<JsonElement> Traces(string html)
    {
        var match = Regex.Match(html, @"var data = (\[.*?\]);\s*var layout", RegexOptions.Singleline);
        Assert.True(match.Success, "no trace array found in the chart's HTML");
        using var document = JsonDocument.Parse(match.Groups[1].Value);
        return document.RootElement.EnumerateArray().Select(t => t.Clone()).ToList();
    }

    private static double[] Numbers(JsonElement trace, string property) =>
        trace.GetProperty(property).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    [Fact]
    public void OverSteps_DrawsOneLinePerLayerAgainstTheStep()
    {
        var stats = Enumerable.Range(0, 3).SelectMany(s => Enumerable.Range(0, 2).Select(l => new LayerStat(s, l, "relu", s, 1))).ToList();
        var html = ChartHtml.Render(Charts.OverSteps(stats, "training"));
        Assert.Equal(2, Regex.Matches(html, "\"name\":\"0: relu\"").Count);
        Assert.Equal(2, Regex.Matches(html, "\"name\":\"1: relu\"").Count);
        Assert.Contains("\"title\":{\"text\":\"step\"}", html);
    }

    [Fact]
    public void Bars_ShowsEachLabelAndValue()
    {
        var html = ChartHtml.Render(Charts.Bars("times", "ms", [("naive", 1200), ("blas", 0.3)], logY: true));
        Assert.Contains("\"x\":[\"naive\",\"blas\"]", html);
        Assert.Contains("\"text\":[\"1.2e+03\",\"0.3\"]", html);
        Assert.Contains("\"type\":\"bar\"", html);
    }

    [Fact]
    public void TensorHtml_CaptionsTheShapeAndElidesLargeDimensions()
    {
        var html = TensorHtml.Render(Tensor.Zeros(5, 784));
        Assert.Contains("shape (5, 784)", html);
        Assert.Equal(5 * 7, Regex.Matches(html, "<td").Count);
        Assert.Contains(">781<", html);
        Assert.Contains("…", html);
    }

    [Fact]
    public void TensorHtml_ShowsScalarsAndVectors()
    {
        var scalar = TensorHtml.Render(Tensor.Scalar(3.5f));
        Assert.Contains("shape ()", scalar);
        Assert.Contains(">3.5000<", scalar);
        var vector = TensorHtml.Render(Tensor.From(1f, float.NaN, float.PositiveInfinity));
        Assert.Contains("shape (3,)", vector);
        Assert.Contains(">nan<", vector);
        Assert.Contains(">inf<", vector);
    }

    [Fact]
    public void TensorHtml_ShowsTheLeadingSlicesOfHigherRanks()
    {
        var html = TensorHtml.Render(Tensor.Zeros(6, 2, 3));
        Assert.Contains("shape (6, 2, 3)", html);
        Assert.Contains("[0, :, :]", html);
        Assert.Contains("[3, :, :]", html);
        Assert.DoesNotContain("[4, :, :]", html);
        Assert.Contains("2 more slices", html);
    }

    [Fact]
    public void TensorHtml_RoundsHalfwayValuesAsToStringDoes()
    {
        var tensor = Tensor.From(0.03125f, 1f);
        Assert.Equal("tensor([0.0312, 1.0000])", tensor.ToString());
        var html = TensorHtml.Render(tensor);
        Assert.Contains(">0.0312<", html);
        Assert.DoesNotContain("0.0313", html);
    }

    [Fact]
    public void TensorHtml_ElidesADimensionOfSevenAsToStringDoes()
    {
        var html = TensorHtml.Render(Tensor.Arange(7));
        Assert.Equal(7, Regex.Matches(html, "<td").Count);
        Assert.Contains(">…<", html);
        Assert.DoesNotContain(">3.<", html);
        Assert.Contains(">6.<", html);
    }

    private static readonly Dictionary<string, Func<Tensor>> FormatCases = new()
    {
        ["halfway"] = () => Tensor.From(0.03125f, 1f),
        ["whole"] = () => Tensor.From(new float[,] { { 1, 2 }, { -3, 40 } }),
        ["hundred million"] = () => Tensor.From(1e8f),
        ["tiny"] = () => Tensor.From(1e-5f, 1f),
        ["wide"] = () => Tensor.From(0.5f, 2000f),
        ["non-finite"] = () => Tensor.From(1.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity),
        ["scalar"] = () => Tensor.Scalar(3.5f),
        ["rank 3"] = () => Tensor.Arange(24).Reshape(2, 3, 4),
        ["summarized, odd value hidden"] = () =>
        {
            var t = Tensor.Full(0.5f, 10, 200);
            t.SetValue(1e-6f, 5, 100);
            return t;
        },
    };

    public static TheoryData<string> FormatCaseNames => [.. FormatCases.Keys];

    /// <summary>Every number in the table is written exactly as ToString writes the same element, in the same order.</summary>
    [Theory]
    [MemberData(nameof(FormatCaseNames))]
    public void TensorHtml_WritesEachCellAsToStringDoes(string name)
    {
        var tensor = FormatCases[name]();
        var text = tensor.ToString();
        int shapeSuffix = text.IndexOf(", shape=", StringComparison.Ordinal);
        var printed = Regex.Split(text[..(shapeSuffix < 0 ? text.Length : shapeSuffix)].Replace("tensor(", "").Replace(")", ""), @"[\[\],\s]+")
            .Where(token => token.Length > 0 && token != "...");
        var cells = Regex.Matches(TensorHtml.Render(tensor), "<td[^>]*>([^<]*)</td>").Select(m => m.Groups[1].Value)
            .Where(cell => cell != "…").ToList();
        Assert.NotEmpty(cells);
        Assert.Equal(printed, cells);
    }
}
