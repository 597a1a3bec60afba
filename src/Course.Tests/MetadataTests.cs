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

    private static readonly Lazy<string> Setup = new(() => Repo.Read("notebooks", NotebookRules.SetupFile));

    private static NotebookDocument Load(string notebook) => NotebookTests.Load(notebook);

    private static void NoProblems(IReadOnlyList<string> problems, string notebook, string rule) =>
        NotebookTests.NoProblems(problems, notebook, rule);

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
    public void Notebook_HasNoNuGetReferences(string notebook) =>
        NoProblems(NotebookRules.NoNuGetReferences(Load(notebook)), notebook, "#r \"nuget: ...\"");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_StartsWithTheOneLineSetup(string notebook) =>
        NoProblems(NotebookRules.StartsWithSetup(Load(notebook)), notebook, "set-up cell");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_SeedsTheGenerator(string notebook) =>
        NoProblems(NotebookRules.SeedsGenerator(Load(notebook), Setup.Value), notebook, "seed");

    [Fact]
    public void SetupFile_BuildsLoadsRegistersAndSeeds() =>
        NoProblems(NotebookRules.SetupScript(Setup.Value, Repo.LearnerNotebooks, Repo.Root), NotebookRules.SetupFile, "set-up");

    [Theory]
    [InlineData("#r \"../src/Foundations.Interactive/bin/Release/net10.0/Foundations.dll\"", "#r \"../lib/Foundations.dll\"", "does not #r Foundations.dll")]
    [InlineData("Tensor.ManualSeed(42);", "", "does not call Tensor.ManualSeed")]
    [InlineData("Notebook.Setup();", "", "does not call Notebook.Setup()")]
    [InlineData("using Foundations;", "#r \"nuget: XPlot.Plotly, 4.1.0\"\nusing Foundations;", "#r \"nuget: ...\"")]
    [InlineData("#!csharp\n\nif", "if", "#!csharp sections that build the library")]
    [InlineData("Process.Start(\"dotnet\", \"build", "Process.Start(\"dotnet\", \"restore", "does not build the library")]
    [InlineData("\nAppContext.SetData(\"Foundations.Setup\", \"complete\");", "", "its guard would stop every later cell")]
    public void SetupFile_RuleRejectsABadScript(string from, string to, string expected)
    {
        Assert.Empty(NotebookRules.SetupScript(NotebookSamples.SetupScript, NotebookSamples.NotebookDirectory, NotebookSamples.Root));
        var bad = NotebookSamples.SetupScript.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(NotebookSamples.SetupScript, bad);
        Assert.Contains(NotebookRules.SetupScript(bad, NotebookSamples.NotebookDirectory, NotebookSamples.Root), p => p.Contains(expected, StringComparison.Ordinal));
    }

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
        ("nuget", NotebookRules.NoNuGetReferences(nb)),
        ("setup", NotebookRules.StartsWithSetup(nb)),
        ("seed", NotebookRules.SeedsGenerator(nb, NotebookSamples.SetupScript)),
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
        ["cell without language"] = (r => NotebookSamples.Cells(r)[4]!["metadata"] = new JsonObject(), "cell language", "cell 4"),
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
        ["nuget reference"] = (r => NotebookSamples.SetSource(r, "c3", "#r \"nuget: Newtonsoft.Json, 13.0.3\""), "nuget", "pins a package a second time"),
        ["no setup cell"] = (r => NotebookSamples.SetSource(r, "c1", "var answer = 42;"), "setup", "is not the set-up cell"),
        ["setup not tagged"] = (r => NotebookSamples.Cells(r)[1]!["metadata"]!.AsObject().Remove("tags"), "setup", "not tagged \"setup\""),
        ["setup with more code"] = (r => NotebookSamples.SetSource(r, "c1", "#!import setup.dib\nvar answer = 42;"), "setup", "is not the set-up cell"),
        ["setup twice"] = (r => NotebookSamples.SetSource(r, "c4", "#!import setup.dib"), "setup", "imports the set-up again"),
        ["library loaded again"] = (r => NotebookSamples.SetSource(r, "c3", "#r \"../src/Foundations.Interactive/bin/Release/net10.0/Foundations.dll\""), "setup", "loads the library itself"),
        ["setup with a comment"] = (r => NotebookSamples.SetSource(r, "c1", "// the course's set-up\n#!import setup.dib"), "none", ""),
        ["no seed"] = (r => NotebookSamples.SetSource(r, "c1", "#!import other.dib"), "seed", "no code cell calls Tensor.ManualSeed"),
        ["seed after use"] = (r =>
        {
            NotebookSamples.SetSource(r, "c1", "#!import other.dib");
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
        string[] good = ["01_neuron.ipynb", "02_matmul.ipynb", "03_broadcasting.ipynb", "04_initialisation.ipynb", "05_forward_backward.ipynb", "06_framework_training.ipynb", "07_autograd.ipynb"];
        Assert.Empty(NotebookRules.Numbering(good));
        Assert.NotEmpty(NotebookRules.Numbering(good.Take(6)));
        Assert.NotEmpty(NotebookRules.Numbering([.. good.Take(6), "08_extra.ipynb"]));
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
