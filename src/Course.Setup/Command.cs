using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Course.Setup;

/// <summary>
/// What a command printed: <see cref="Output"/> is standard output and error interleaved as they arrived,
/// for messages; <see cref="StandardOutput"/> alone, for output that is parsed.
/// </summary>
public sealed record CommandResult(int ExitCode, string Output, string StandardOutput)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last <paramref name="lines"/> non-empty lines of the output, for an error message.</summary>
    public string Tail(int lines = 25) => Command.Tail(Output, lines);
}

/// <summary>Runs the tools the set-up needs, found without a shell, so that it works the same on Windows.</summary>
public static class Command
{
    public static CommandResult Run(string file, IEnumerable<string> arguments, string directory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var output = new List<string>();
        var standardOutput = new List<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            lock (output) { output.Add(line.Data); standardOutput.Add(line.Data); }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            lock (output) output.Add(line.Data);
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CommandResult(-1, $"could not start {file}: {e.Message}", "");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        lock (output) return new CommandResult(process.ExitCode, string.Join(Environment.NewLine, output), string.Join(Environment.NewLine, standardOutput));
    }

    public static string Tail(string output, int lines)
    {
        var kept = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        return string.Join(Environment.NewLine, kept.Skip(Math.Max(0, kept.Count - lines)));
    }

    /// <summary>
    /// The dotnet that runs this program: <c>dotnet run</c> starts it on the SDK's own runtime, which
    /// lives in <c>&lt;dotnet root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/</c>; else the SDK's
    /// DOTNET_HOST_PATH, else dotnet on PATH.
    /// </summary>
    public static string Dotnet()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        if (File.Exists(Path.Combine(root, name))) return Path.Combine(root, name);
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        return FindOnPath("dotnet") ?? "dotnet";
    }

    /// <summary>An executable on PATH, as a shell would find it (with PATHEXT's extensions on Windows), or null.</summary>
    public static string? FindOnPath(string name) =>
        FindOnPath(name, Environment.GetEnvironmentVariable("PATH"), OperatingSystem.IsWindows(), Environment.GetEnvironmentVariable("PATHEXT"));

    public static string? FindOnPath(string name, string? path, bool windows, string? pathExt = null)
    {
        string[] extensions = windows ? (pathExt ?? ".COM;.EXE;.BAT;.CMD").Split(';', StringSplitOptions.RemoveEmptyEntries) : [""];
        foreach (var folder in (path ?? "").Split(windows ? ';' : ':', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(folder.Trim('"'), name + extension);
                if (File.Exists(candidate) && (windows || IsExecutable(candidate))) return candidate;
            }
        }
        return null;
    }

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
