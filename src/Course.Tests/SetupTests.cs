namespace Course.Tests;

/// <summary>
/// The one-command set-up and its pins: the devcontainer, the README's commands, the SDK, the kernel
/// tool, the lock files and the package sources. Each check runs on the real file and on a bad sample.
/// </summary>
public sealed class SetupTests
{
    private static void NoProblems(IReadOnlyList<string> problems, string what) =>
        Assert.True(problems.Count == 0, $"{what}:\n - " + string.Join("\n - ", problems));

    private static void Rejects(IReadOnlyList<string> problems, string expected) =>
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));

    private const string GoodDevcontainer = """
        // A comment, as VS Code writes them.
        {
          "name": "sample",
          "image": "mcr.microsoft.com/devcontainers/base:2.1.11-bookworm",
          "features": {
            "ghcr.io/devcontainers/features/dotnet:2": { "version": "10.0.401" },
            "ghcr.io/devcontainers/features/node:1": { "version": "20.20.2" }, /* trailing comma next */
          },
          "customizations": {
            "vscode": { "extensions": ["ms-toolsai.jupyter", "ms-dotnettools.csharp", "ms-dotnettools.csdevkit"] },
            "codespaces": { "openFiles": ["README.md", "notebooks/01_neuron.ipynb"] }
          },
          "onCreateCommand": "dotnet run --project src/Course.Setup",
          "containerEnv": { "DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT": "1" }
        }
        """;

    private static string SdkVersion => RepoRules.SdkVersion(Repo.Read("global.json")) ?? "";

    [Fact]
    public void Devcontainer_IsPinnedWithTheExtensionsAndRunsTheSetup() =>
        NoProblems(RepoRules.Devcontainer(Repo.Read(".devcontainer", "devcontainer.json"), SdkVersion), ".devcontainer/devcontainer.json");

    [Fact]
    public void Devcontainer_RuleAcceptsAGoodSampleAndRejectsBadOnes()
    {
        Assert.Empty(RepoRules.Devcontainer(GoodDevcontainer, "10.0.401"));
        Rejects(RepoRules.Devcontainer("{ \"image\": ", "10.0.401"), "does not parse");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace("base:2.1.11-bookworm", "base:latest", StringComparison.Ordinal), "10.0.401"), "does not pin a version");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace("base:2.1.11-bookworm", "base", StringComparison.Ordinal), "10.0.401"), "has no tag");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace("base:2.1.11-bookworm", "base:bookworm", StringComparison.Ordinal), "10.0.401"), "does not pin a version");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace("\"ms-toolsai.jupyter\", ", "", StringComparison.Ordinal), "10.0.401"), "lacks ms-toolsai.jupyter");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace("[\"ms-toolsai.jupyter\", ", "[\"ms-dotnettools.dotnet-interactive-vscode\", \"ms-toolsai.jupyter\", ", StringComparison.Ordinal), "10.0.401"), "Polyglot Notebooks");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace(", \"ms-dotnettools.csharp\", \"ms-dotnettools.csdevkit\"", "", StringComparison.Ordinal), "10.0.401"), "lacks a C# extension");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace(", \"notebooks/01_neuron.ipynb\"", "", StringComparison.Ordinal), "10.0.401"), "does not open notebooks/01_neuron.ipynb");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace("\"onCreateCommand\"", "\"postCreateCommand\"", StringComparison.Ordinal), "10.0.401"), "onCreateCommand");
        const string learnerSetup = "\"dotnet run --project src/Course.Setup\"";
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace(learnerSetup, "\"dotnet restore\"", StringComparison.Ordinal), "10.0.401"), "should run dotnet run --project src/Course.Setup");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace(learnerSetup, "\"dotnet run --project src/Course.SetupOld\"", StringComparison.Ordinal), "10.0.401"), "should run dotnet run --project src/Course.Setup");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace(learnerSetup, "\".ci/setup\"", StringComparison.Ordinal), "10.0.401"), "CI's set-up");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace(learnerSetup, "{\"a\": \".ci/setup\", \"b\": " + learnerSetup + "}", StringComparison.Ordinal), "10.0.401"), "CI's set-up");
        Assert.Empty(RepoRules.Devcontainer(GoodDevcontainer.Replace(learnerSetup, "{\"setup\": " + learnerSetup + ", \"data\": \"sudo apt-get install -y dataset-fashion-mnist\"}", StringComparison.Ordinal), "10.0.401"));
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace("\"20.20.2\"", "\"lts\"", StringComparison.Ordinal), "10.0.401"), "pin an exact version");
        Assert.Empty(RepoRules.Devcontainer(GoodDevcontainer, "10.0.100"));
        Rejects(RepoRules.Devcontainer(GoodDevcontainer, "10.0.500"), "accepts .NET 10 SDKs from 10.0.500");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace("\"10.0.401\"", "\"9.0.300\"", StringComparison.Ordinal), "10.0.100"), "installs SDK 9.0.300");
        Rejects(RepoRules.Devcontainer(GoodDevcontainer.Replace("\"DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT\": \"1\"", "", StringComparison.Ordinal), "10.0.401"), "sends telemetry");
        Assert.Empty(RepoRules.Devcontainer(GoodDevcontainer.Replace(learnerSetup, "[\"dotnet\", \"run\", \"--project\", \"src/Course.Setup\"]", StringComparison.Ordinal), "10.0.401"));
        Assert.Empty(RepoRules.ImagePinned("mcr.microsoft.com/devcontainers/base@sha256:9a5942e64b35c5497c591b9bf177f4a3002d43440bf0a5e1a14fc34667b1a5c1"));
        Assert.Empty(RepoRules.ImagePinned("localhost:5000/course:1.2"));
        Assert.NotEmpty(RepoRules.ImagePinned("localhost:5000/course"));
    }

    [Fact]
    public void Readme_ShowsBothCommandsInACodeBlock() =>
        NoProblems(RepoRules.ReadmeCommands(Repo.Read("README.md")), "README.md");

    [Fact]
    public void Readme_RuleRejectsCommandsOutsideACodeBlock()
    {
        const string good = "Set-up is `.ci/setup`.\n\n```bash\n.ci/handouts   # build\n.ci/test\n```\n\n1. Set up:\n\n   ```\n   dotnet run --project src/Course.Setup\n   ```\n";
        Assert.Empty(RepoRules.ReadmeCommands(good));
        Rejects(RepoRules.ReadmeCommands("Run `.ci/setup`, then `.ci/handouts` and `.ci/test`.\n"), "no fenced code block");
        Rejects(RepoRules.ReadmeCommands(good.Replace(".ci/test\n", "dotnet test\n", StringComparison.Ordinal)), "running .ci/test");
        Rejects(RepoRules.ReadmeCommands(good.Replace("Set-up is `.ci/setup`.", "", StringComparison.Ordinal)), "never names the set-up command");
        Rejects(RepoRules.ReadmeCommands(good.Replace("dotnet run --project src/Course.Setup\n", "dotnet run\n", StringComparison.Ordinal)), "running dotnet run --project src/Course.Setup");
    }

    [Fact]
    public void GlobalJson_AcceptsEveryDotNet10SdkOrNewer() => NoProblems(RepoRules.GlobalJson(Repo.Read("global.json")), "global.json");

    [Fact]
    public void GlobalJson_RuleRejectsPinsThatRefuseALearnersSdk()
    {
        Assert.Empty(RepoRules.GlobalJson("{\"sdk\": {\"version\": \"10.0.100\", \"rollForward\": \"latestMajor\", \"allowPrerelease\": false}}"));
        Rejects(RepoRules.GlobalJson("{\"sdk\": {\"version\": \"10.0.401\", \"rollForward\": \"latestPatch\"}}"), "refuses no .NET 10 SDK");
        Rejects(RepoRules.GlobalJson("{\"sdk\": {\"version\": \"10.0.401\", \"rollForward\": \"latestPatch\"}}"), "rollForward");
        Rejects(RepoRules.GlobalJson("{\"sdk\": {\"version\": \"10.0.100\", \"rollForward\": \"latestFeature\"}}"), "latestMajor");
        Rejects(RepoRules.GlobalJson("{\"sdk\": {\"version\": \"10.0.100\", \"rollForward\": \"latestMajor\", \"allowPrerelease\": true}}"), "preview");
        Rejects(RepoRules.GlobalJson("{\"sdk\": {\"version\": \"10.0\"}}"), "not an exact");
        Rejects(RepoRules.GlobalJson("{\"sdk\": {\"version\": \"9.0.300\"}}"), "not an exact");
        Rejects(RepoRules.GlobalJson("{}"), "no \"sdk\"");
    }

    [Fact]
    public void ToolManifest_PinsTheKernel_AndLetsItRunOnNewerRuntimes() =>
        NoProblems(RepoRules.ToolManifest(Repo.Read(".config", "dotnet-tools.json")), ".config/dotnet-tools.json");

    [Fact]
    public void ToolManifest_RuleRejectsALooseKernelVersion()
    {
        const string good = "{\"version\": 1, \"isRoot\": true, \"tools\": {\"microsoft.dotnet-interactive\": {\"version\": \"1.0.712001\", \"commands\": [\"dotnet-interactive\"], \"rollForward\": true}}}";
        Assert.Empty(RepoRules.ToolManifest(good));
        Rejects(RepoRules.ToolManifest(good.Replace("1.0.712001", "1.0.*", StringComparison.Ordinal)), "not an exact version");
        Rejects(RepoRules.ToolManifest(good.Replace("\"rollForward\": true", "\"rollForward\": false", StringComparison.Ordinal)), "newer .NET runtime");
        Rejects(RepoRules.ToolManifest("{\"version\": 1, \"tools\": {}}"), "does not list");
    }

    [Fact]
    public void RunScript_CallsTheTestCommand() => NoProblems(RepoRules.RunCallsTest(Repo.Read(".ci", "run")), ".ci/run");

    [Fact]
    public void RunScript_RuleRejectsAScriptThatOnlyMentionsIt()
    {
        Assert.Empty(RepoRules.RunCallsTest("#!/usr/bin/env bash\n.ci/test 2>&1 | tee log\n"));
        Rejects(RepoRules.RunCallsTest("#!/usr/bin/env bash\n# runs .ci/test\ndotnet test\n"), "never runs .ci/test");
        Rejects(RepoRules.RunCallsTest("#!/usr/bin/env bash\n.ci/testing\n"), "never runs .ci/test");
    }

    [Fact]
    public void Projects_HaveLockFilesAndAreInTheSolution() =>
        NoProblems(RepoRules.ProjectsLockedAndListed(Repo.Projects(), f => File.Exists(Repo.PathOf(f)), Repo.Read("Foundations.slnx")), "projects");

    [Fact]
    public void Projects_RuleRejectsAMissingLockFileOrSolutionEntry()
    {
        const string solution = "<Solution><Folder Name=\"/src/\"><Project Path=\"src/A/A.csproj\" /></Folder></Solution>";
        Assert.Empty(RepoRules.ProjectsLockedAndListed(["src/A/A.csproj"], f => f == "src/A/packages.lock.json", solution));
        Rejects(RepoRules.ProjectsLockedAndListed(["src/A/A.csproj"], _ => false, solution), "has no src/A/packages.lock.json");
        Rejects(RepoRules.ProjectsLockedAndListed(["src/A/A.csproj", "src/B/B.csproj"], _ => true, solution), "src/B/B.csproj is not in Foundations.slnx");
    }

    [Fact]
    public void NuGetConfig_MapsEveryPackageToADeclaredSource() => NoProblems(RepoRules.NuGetSourceMapping(Repo.Read("nuget.config")), "nuget.config");

    [Fact]
    public void NuGetConfig_RuleRejectsAConfigWithoutSourceMapping()
    {
        const string good = """
            <configuration>
              <packageSources><clear /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources>
              <packageSourceMapping><packageSource key="nuget.org"><package pattern="*" /></packageSource></packageSourceMapping>
            </configuration>
            """;
        Assert.Empty(RepoRules.NuGetSourceMapping(good));
        var start = good.IndexOf("<packageSourceMapping>", StringComparison.Ordinal);
        var end = good.IndexOf("</packageSourceMapping>", StringComparison.Ordinal) + "</packageSourceMapping>".Length;
        Rejects(RepoRules.NuGetSourceMapping(good.Remove(start, end - start)), "no <packageSourceMapping>");
        Rejects(RepoRules.NuGetSourceMapping(good.Replace("<clear />", "", StringComparison.Ordinal)), "<clear />");
        Rejects(RepoRules.NuGetSourceMapping(good.Replace("packageSource key=\"nuget.org\"", "packageSource key=\"myget\"", StringComparison.Ordinal)), "\"myget\", which <packageSources> does not declare");
    }

    [Fact]
    public void PackageVersions_AreExact() => NoProblems(RepoRules.PackageVersionsExact(Repo.Read("Directory.Packages.props")), "Directory.Packages.props");

    [Fact]
    public void PackageVersions_RuleRejectsRangesAndWildcards()
    {
        static string Props(string version) => $"<Project><ItemGroup><PackageVersion Include=\"X\" Version=\"{version}\" /></ItemGroup></Project>";
        Assert.Empty(RepoRules.PackageVersionsExact(Props("1.0.0-beta.26120.1")));
        Rejects(RepoRules.PackageVersionsExact(Props("5.*")), "X has version \"5.*\"");
        Rejects(RepoRules.PackageVersionsExact(Props("[5.0.0,6.0.0)")), "X has version");
    }
}

/// <summary>The kernelspec that .ci/setup registers: what every Jupyter front end and the pipeline start.</summary>
public sealed class KernelspecTests
{
    [Fact]
    public void Kernelspec_TurnsTelemetryOffAndAvoidsPortsBrowsersRefuse()
    {
        var start = new System.Diagnostics.ProcessStartInfo("jupyter", "kernelspec list --json") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = System.Diagnostics.Process.Start(start)!;
        var specs = System.Text.Json.Nodes.JsonNode.Parse(process.StandardOutput.ReadToEnd())!["kernelspecs"]!;
        process.WaitForExit();
        var spec = specs[PipelineSettings.Kernel];
        Assert.True(spec is not null, $"the {PipelineSettings.Kernel} kernelspec is not registered: run .ci/setup");
        var kernel = spec!["spec"]!;
        Assert.Equal("1", kernel["env"]?["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"]?.GetValue<string>());
        var argv = kernel["argv"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        int at = argv.IndexOf("--http-port-range");
        Assert.True(at >= 0, "the kernelspec passes no --http-port-range, so the kernel's default 2048-3000 applies and can land on 2049");
        var range = argv[at + 1].Split('-').Select(int.Parse).ToArray();
        // Chromium and Firefox refuse 2049 (nfs), 3659, 4045, 5060, 5061, 6000, 6566, 6665-6669, 6697 and 10080.
        int[] refused = [2049, 3659, 4045, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080];
        Assert.DoesNotContain(refused, port => port >= range[0] && port <= range[1]);
        Assert.Equal(PipelineSettings.KernelHttpPortRange, argv[at + 1]);
    }
}
