using System.Text.Json.Nodes;

namespace Course.Tests;

/// <summary>
/// Fast checks of the committed notebooks' JSON, no kernel involved: metadata that every Jupyter client
/// needs, no committed outputs, paths that stay inside the repository, package versions equal to the
/// central pins, and the shape every chapter shares. Each rule is also shown to reject a bad sample.
/// </summary>
public sealed class MetadataTests
{
    public static TheoryData<string> Notebooks() => NotebookTests.Notebooks();

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Pinned =
        new(() => Repo.PinnedPackages(Repo.Read("Directory.Packages.props")));

    private static NotebookDocument Load(string notebook)
    {
        Assert.NotEqual(NotebookTests.Missing, notebook);
        return NotebookDocument.Load(Path.Combine(Repo.Notebooks, notebook));
    }

    private static void NoProblems(IReadOnlyList<string> problems, string notebook, string rule) =>
        Assert.True(problems.Count == 0, $"{notebook}: {rule}:\n - " + string.Join("\n - ", problems));

    [Fact]
    public void Notebooks_AreNumbered01To06()
    {
        NoProblems(NotebookRules.Numbering(Repo.NotebookNames()), "notebooks/", "numbering");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_HasTheDotNetKernelMetadata(string notebook) =>
        NoProblems(NotebookRules.KernelMetadata(Load(notebook)), notebook, "kernel metadata");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_MarksEveryCodeCellAsCSharp(string notebook) =>
        NoProblems(NotebookRules.CellLanguage(Load(notebook)), notebook, "cell language");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_HasNoCommittedOutputs(string notebook) =>
        NoProblems(NotebookRules.NoOutputs(Load(notebook)), notebook, "committed outputs (clear them before committing)");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_IsNbformat4WithCellIds(string notebook) =>
        NoProblems(NotebookRules.Format(Load(notebook)), notebook, "format");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_ReferencesNoPathOutsideTheRepository(string notebook) =>
        NoProblems(NotebookRules.PathsStayInRepository(Load(notebook), Repo.Notebooks, Repo.Root), notebook, "paths");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_PinsTheCentralPackageVersions(string notebook) =>
        NoProblems(NotebookRules.NuGetPins(Load(notebook), Pinned.Value), notebook, "#r \"nuget: ...\" versions");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_LoadsTheLibraryFromSrcFirst(string notebook) =>
        NoProblems(NotebookRules.LoadsLibraryFirst(Load(notebook), Repo.Notebooks, Repo.Root), notebook, "loading the library");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_SeedsTheGenerator(string notebook) =>
        NoProblems(NotebookRules.SeedsGenerator(Load(notebook)), notebook, "seed");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_ChecksItsResults(string notebook) =>
        NoProblems(NotebookRules.HasCheck(Load(notebook)), notebook, "checks");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_PlotsLayerStatistics(string notebook) =>
        NoProblems(NotebookRules.PlotsLayerStats(Load(notebook)), notebook, "layer statistics chart");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_EndsWithQuestionsOrExercises(string notebook) =>
        NoProblems(NotebookRules.EndsWithQuestions(Load(notebook)), notebook, "closing section");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_OpensWithItsChapterTitle(string notebook) =>
        NoProblems(NotebookRules.ChapterHeading(Load(notebook)), notebook, "title");

    // The rules on hand-made samples: the good sample passes all of them, and each bad one is caught.

    private static IEnumerable<(string Rule, IReadOnlyList<string> Problems)> AllRules(NotebookDocument nb) =>
    [
        ("kernel metadata", NotebookRules.KernelMetadata(nb)),
        ("cell language", NotebookRules.CellLanguage(nb)),
        ("outputs", NotebookRules.NoOutputs(nb)),
        ("format", NotebookRules.Format(nb)),
        ("paths", NotebookRules.PathsStayInRepository(nb, NotebookSamples.NotebookDirectory, NotebookSamples.Root)),
        ("nuget pins", NotebookRules.NuGetPins(nb, NotebookSamples.Pinned)),
        ("loads library first", NotebookRules.LoadsLibraryFirst(nb, NotebookSamples.NotebookDirectory, NotebookSamples.Root)),
        ("seed", NotebookRules.SeedsGenerator(nb)),
        ("check", NotebookRules.HasCheck(nb)),
        ("layer stats", NotebookRules.PlotsLayerStats(nb)),
        ("questions", NotebookRules.EndsWithQuestions(nb)),
        ("title", NotebookRules.ChapterHeading(nb)),
    ];

    [Fact]
    public void Rules_AcceptTheGoodSample()
    {
        var problems = AllRules(NotebookSamples.Good()).SelectMany(r => r.Problems.Select(p => $"{r.Rule}: {p}")).ToList();
        Assert.True(problems.Count == 0, "the good sample should pass every rule:\n - " + string.Join("\n - ", problems));
    }

    /// <summary>A way to break the good sample, and a fragment the rule's message must contain.</summary>
    private static readonly Dictionary<string, (Action<JsonObject> Break, string Rule, string Expected)> BadSamples = new()
    {
        ["python kernel"] = (r => r["metadata"]!["kernelspec"]!["name"] = "python3", "kernel metadata", "kernelspec.name"),
        ["language_info F#"] = (r => r["metadata"]!["language_info"]!["name"] = "F#", "kernel metadata", "language_info.name"),
        ["no polyglot kernelInfo"] = (r => r["metadata"]!.AsObject().Remove("polyglot_notebook"), "kernel metadata", "polyglot_notebook"),
        ["cell in F#"] = (r => NotebookSamples.Cells(r)[3]!["metadata"]!["dotnet_interactive"]!["language"] = "fsharp", "cell language", "cell 3"),
        ["cell without language"] = (r => NotebookSamples.Cells(r)[5]!["metadata"] = new JsonObject(), "cell language", "cell 5"),
        ["committed output"] = (r => NotebookSamples.Cells(r)[3]!["outputs"] = new JsonArray(NotebookSamples.Stream("stdout", "hi")), "outputs", "committed output"),
        ["execution count"] = (r => NotebookSamples.Cells(r)[3]!["execution_count"] = 7, "outputs", "execution_count 7"),
        ["nbformat 3"] = (r => r["nbformat"] = 3, "format", "nbformat is 3"),
        ["no cell id"] = (r => NotebookSamples.Cells(r)[2]!.AsObject().Remove("id"), "format", "has no id"),
        ["repeated cell id"] = (r => NotebookSamples.Cells(r)[2]!["id"] = "c1", "format", "c1 is used by cells 1, 2"),
        ["#r outside"] = (r => NotebookSamples.SetSource(r, "c3", "#r \"../../elsewhere/Other.dll\""), "paths", "outside the repository"),
        ["#load absolute"] = (r => NotebookSamples.SetSource(r, "c3", "#load \"/home/me/helpers.csx\""), "paths", "absolute path"),
        ["string up and out"] = (r => NotebookSamples.SetSource(r, "c3", "var data = Idx.Read(\"../../datasets/images.gz\");"), "paths", "outside the repository"),
        ["absolute string"] = (r => NotebookSamples.SetSource(r, "c3", "var data = FashionMnist.Load(\"/usr/share/datasets/fashion-mnist\", \"t10k\");"), "paths", "absolute path"),
        ["machine description"] = (r => NotebookSamples.SetSource(r, "c4", "if (File.Exists(\"/proc/cpuinfo\")) Console.WriteLine(File.ReadAllLines(\"/proc/cpuinfo\")[0]);"), "none", ""),
        ["absolute under proc"] = (r => NotebookSamples.SetSource(r, "c3", "var p = \"/procedures/data.csv\";"), "paths", "absolute path"),
        ["home string"] = (r => NotebookSamples.SetSource(r, "c3", "var p = \"~/data\";"), "paths", "absolute path"),
        ["verbatim drive"] = (r => NotebookSamples.SetSource(r, "c3", "var p = @\"C:\\Users\\me\\data\";"), "paths", "Windows drive path"),
        ["markdown link out"] = (r => NotebookSamples.SetSource(r, "c6", "See [notes](../../notes.md).\n## Questions"), "paths", "outside the repository"),
        ["nuget unpinned"] = (r => NotebookSamples.SetSource(r, "c2", NotebookSamples.LoadCell.Replace("MathNet.Numerics, 5.0.0", "MathNet.Numerics", StringComparison.Ordinal)), "nuget pins", "names no version"),
        ["nuget other version"] = (r => NotebookSamples.SetSource(r, "c2", NotebookSamples.LoadCell.Replace("XPlot.Plotly, 4.1.0", "XPlot.Plotly, 4.0.6", StringComparison.Ordinal)), "nuget pins", "pins 4.1.0"),
        ["nuget not central"] = (r => NotebookSamples.SetSource(r, "c3", "#r \"nuget: Newtonsoft.Json, 13.0.3\""), "nuget pins", "not in Directory.Packages.props"),
        ["library from elsewhere"] = (r => NotebookSamples.SetSource(r, "c2", NotebookSamples.LoadCell.Replace("../src/Foundations.Interactive/bin/Release/net10.0/Foundations.dll", "../lib/Foundations.dll", StringComparison.Ordinal)), "loads library first", "no code cell"),
        ["library loaded late"] = (r =>
        {
            var cells = NotebookSamples.Cells(r);
            var load = cells[2]!;
            cells.RemoveAt(2);
            cells.Insert(4, load);
        }, "loads library first", "after 3 other code cells"),
        ["code before loading"] = (r => NotebookSamples.SetSource(r, "c1", "var answer = 42;"), "loads library first", "runs before the library is loaded"),
        ["no seed"] = (r => NotebookSamples.SetSource(r, "c2", NotebookSamples.LoadCell.Replace("Tensor.ManualSeed(42);", "", StringComparison.Ordinal)), "seed", "no code cell calls Tensor.ManualSeed"),
        ["seed after use"] = (r =>
        {
            NotebookSamples.SetSource(r, "c2", NotebookSamples.LoadCell.Replace("Tensor.ManualSeed(42);", "", StringComparison.Ordinal));
            NotebookSamples.SetSource(r, "c5", "Tensor.ManualSeed(1);\nCharts.LayerStats(new ActivationStats().Records, \"t\")");
        }, "seed", "before the generator is seeded"),
        ["no check"] = (r => NotebookSamples.SetSource(r, "c3", "var x = Tensor.Randn(3, 4);\nx"), "check", "Check.TestClose"),
        ["no layer stats"] = (r => NotebookSamples.SetSource(r, "c5", "Charts.Lines(\"t\", \"x\", \"y\", \"s\", new double[] { 1 })"), "layer stats", "Charts.LayerStats"),
        ["ends with summary"] = (r => NotebookSamples.Cells(r).Add(NotebookSamples.Markdown("c7", "## Summary\nDone.")), "questions", "\"Summary\""),
        ["heading in code fence"] = (r => NotebookSamples.SetSource(r, "c6", "## Questions\n1. Why?\n\n```python\n# in PyTorch\nx.sum()\n```"), "none", ""),
        ["title without number"] = (r => NotebookSamples.SetSource(r, "c0", "# Matrix multiplication"), "title", "not \"# Chapter N"),
        ["title of another chapter"] = (r => NotebookSamples.SetSource(r, "c0", "# Chapter 2 — Sample"), "title", "chapter 2 but the file is numbered 01"),
    };

    public static TheoryData<string> BadSampleNames() => new(BadSamples.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(BadSampleNames))]
    public void Rules_RejectTheBadSample(string sample)
    {
        var (change, rule, expected) = BadSamples[sample];
        var results = AllRules(NotebookSamples.Good(change)).ToList();
        var failing = results.Where(r => r.Problems.Count > 0).Select(r => r.Rule).ToList();
        if (rule == "none")
        {
            // A control: this change keeps every rule.
            Assert.Empty(failing);
            return;
        }
        var problems = results.Single(r => r.Rule == rule).Problems;
        Assert.True(problems.Count > 0, $"the rule \"{rule}\" accepted the bad sample \"{sample}\"");
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Numbering_RejectsGapsRepeatsAndOtherNames()
    {
        string[] good = ["01_neuron.ipynb", "02_matmul.ipynb", "03_broadcasting.ipynb", "04_initialisation.ipynb", "05_forward_backward.ipynb", "06_framework_training.ipynb"];
        Assert.Empty(NotebookRules.Numbering(good));
        Assert.NotEmpty(NotebookRules.Numbering(good.Take(5)));
        Assert.NotEmpty(NotebookRules.Numbering([.. good.Take(5), "07_extra.ipynb"]));
        Assert.NotEmpty(NotebookRules.Numbering([.. good, "scratch.ipynb"]));
        Assert.NotEmpty(NotebookRules.Numbering([.. good.Where(n => !n.StartsWith("03", StringComparison.Ordinal)), "03_Broadcasting.ipynb"]));
        Assert.NotEmpty(NotebookRules.Numbering([.. good.Skip(1), "02_matmul_again.ipynb"]));
    }

    [Fact]
    public void StringLiterals_FindsRegularVerbatimAndInterpolatedStrings()
    {
        var code = "var a = \"one\"; var b = @\"two \"\"quoted\"\"\"; var c = $\"three {a}\"; char q = '\"'; var d = \"four\\\"s\";";
        Assert.Equal(["one", "two \"quoted\"", "three {a}", "four\\\"s"], NotebookRules.StringLiterals(code));
    }
}
