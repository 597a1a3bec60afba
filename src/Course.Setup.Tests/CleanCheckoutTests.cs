using System.Diagnostics;
using System.Text.Json.Nodes;
using Course.Setup;

namespace Course.Setup.Tests;

/// <summary>
/// The learner's route as the README gives it, on a machine that has nothing but the .NET SDK: a fresh
/// copy of the repository, the set-up command, then chapter 1 through the terminal runner. PATH holds
/// only dotnet's folder, so Jupyter is absent and the set-up's no-Jupyter branch runs (it writes the
/// kernelspec itself, here into a Jupyter data folder of the test's own, never the machine's).
/// </summary>
public sealed class CleanCheckoutTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(20);

    [Fact]
    public void LearnersRoute_SetsUpAndRunsChapter1_FromACleanCheckoutWithOnlyDotnetOnPath()
    {
        var repository = Repository.RootAbove(AppContext.BaseDirectory) ?? throw new InvalidOperationException($"no {Repository.SolutionFile} above {AppContext.BaseDirectory}");
        var work = Directory.CreateTempSubdirectory("course-clean-checkout-").FullName;
        try
        {
            var checkout = Path.Combine(work, "course");
            CopyTrackedFiles(repository, checkout);
            var dotnet = Command.Dotnet();
            var jupyterData = Path.Combine(work, "jupyter");
            var environment = OnlyDotnet(Path.GetDirectoryName(dotnet)!, jupyterData);

            var setup = RunIsolated(dotnet, ["run", "--project", "src/Course.Setup"], checkout, environment);
            Assert.True(setup.ExitCode == 0, $"the set-up failed (exit code {setup.ExitCode}):\n{setup.Output}");
            Assert.Contains("Jupyter is not on PATH", setup.Output);
            Assert.Contains("dotnet run --no-build --project src/Course.Runner -c Release -- notebooks/01_neuron.ipynb", setup.Output);
            var kernelJson = Path.Combine(jupyterData, "kernels", ".net-csharp", "kernel.json");
            Assert.True(File.Exists(kernelJson), $"the set-up wrote no {kernelJson}:\n{setup.Output}");
            var spec = JsonNode.Parse(File.ReadAllText(kernelJson))!;
            Assert.Equal("1", spec["env"]?["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"]?.GetValue<string>());
            Assert.Equal(Repository.Find(repository).KernelHttpPortRange, Kernelspec.HttpPortRange(spec.ToJsonString()));

            var chapter = RunIsolated(dotnet, ["run", "--no-build", "--project", "src/Course.Runner", "-c", "Release", "--", "notebooks/01_neuron.ipynb"], checkout, environment);
            Assert.True(chapter.ExitCode == 0, $"chapter 1 failed from the terminal (exit code {chapter.ExitCode}):\n{chapter.Output}");
            Assert.Contains("ok  notebooks/01_neuron.ipynb", chapter.Output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// What a fresh clone holds: every file git tracks, plus new ones it does not ignore, read from the
    /// working tree (as the notebook pipeline's input hash does), so a change is tried before it is committed.
    /// </summary>
    private static void CopyTrackedFiles(string repository, string destination)
    {
        var listing = RunIsolated("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], repository, null);
        Assert.True(listing.ExitCode == 0, $"git ls-files failed:\n{listing.Output}");
        foreach (var file in listing.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var source = Path.Combine(repository, file);
            if (!File.Exists(source)) continue; // deleted in the working tree, not yet in the index
            var target = Path.Combine(destination, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
    }

    /// <summary>
    /// A learner's bare environment: PATH is dotnet's folder alone; the home folder stays (the NuGet cache
    /// is there, so nothing is downloaded again); Jupyter's data folder is the test's. Build servers are
    /// off, so that no compiler server outlives the test in its deleted folder.
    /// </summary>
    private static Dictionary<string, string> OnlyDotnet(string dotnetFolder, string jupyterData)
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = dotnetFolder,
            ["JUPYTER_DATA_DIR"] = jupyterData,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["UseSharedCompilation"] = "false",
        };
        foreach (var name in new[] { "HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA", "SystemRoot", "SystemDrive", "TEMP", "TMP", "TMPDIR", "NUGET_PACKAGES" })
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) environment[name] = value;
        return environment;
    }

    /// <summary>Runs a command with exactly <paramref name="environment"/> (the inherited one when null), within <see cref="Limit"/>.</summary>
    private static CommandResult RunIsolated(string file, IEnumerable<string> arguments, string directory, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
        {
            start.Environment.Clear();
            foreach (var (name, value) in environment) start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CommandResult(-1, $"{file} {string.Join(' ', arguments)} took more than {Limit.TotalMinutes} minutes:\n{output.Result}\n{error.Result}", output.Result);
        }
        process.WaitForExit();
        return new CommandResult(process.ExitCode, $"{output.Result}\n{error.Result}", output.Result);
    }
}
