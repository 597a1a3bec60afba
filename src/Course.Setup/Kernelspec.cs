using System.Text.Json;
using System.Text.Json.Nodes;

namespace Course.Setup;

/// <summary>
/// Where Jupyter kernelspecs live and how the course's is finished off. With Jupyter on PATH,
/// <c>dotnet-interactive jupyter install</c> registers the kernelspec through <c>jupyter kernelspec install --user</c>.
/// Without it, the tool copies the files into a folder it guesses, and fails (exit code 3, "The kernelspec
/// path ... does not exist") when that folder is missing; on macOS it guesses a folder Jupyter never reads.
/// So without Jupyter the set-up names Jupyter's own per-user folder and passes it as <c>--path</c>: VS Code's
/// Jupyter extension reads that folder itself and starts a non-Python kernelspec with no Python at all.
/// </summary>
public static class Kernelspec
{
    public enum Platform { Windows, MacOS, Linux }

    public static Platform Current =>
        OperatingSystem.IsWindows() ? Platform.Windows : OperatingSystem.IsMacOS() ? Platform.MacOS : Platform.Linux;

    /// <summary>
    /// Jupyter's per-user kernelspec folder, as jupyter_core defines it: <c>$JUPYTER_DATA_DIR/kernels</c> when
    /// set, else <c>%APPDATA%\jupyter\kernels</c>, <c>~/Library/Jupyter/kernels</c>, or
    /// <c>$XDG_DATA_HOME/jupyter/kernels</c> (default <c>~/.local/share/jupyter/kernels</c>).
    /// </summary>
    public static string UserKernelsFolder(Platform platform, Func<string, string?> environment, string home)
    {
        static string? Set(string? value) => string.IsNullOrEmpty(value) ? null : value;
        var data = Set(environment("JUPYTER_DATA_DIR")) ?? platform switch
        {
            Platform.Windows => Path.Combine(Set(environment("APPDATA")) ?? Path.Combine(home, "AppData", "Roaming"), "jupyter"),
            Platform.MacOS => Path.Combine(home, "Library", "Jupyter"),
            _ => Path.Combine(Set(environment("XDG_DATA_HOME")) ?? Path.Combine(home, ".local", "share"), "jupyter"),
        };
        return Path.Combine(data, "kernels");
    }

    public static string UserKernelsFolder() =>
        UserKernelsFolder(Current, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>The folder that <c>jupyter kernelspec list --json</c> gives for <paramref name="kernel"/>, or null.</summary>
    public static string? ResourceDirectory(string kernelspecListJson, string kernel)
    {
        try
        {
            return JsonNode.Parse(kernelspecListJson)?["kernelspecs"]?[kernel]?["resource_dir"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>kernel.json with <paramref name="environment"/> added to its "env" (entries already there are kept unless named).</summary>
    public static string WithEnvironment(string kernelJson, IReadOnlyDictionary<string, string> environment)
    {
        var spec = JsonNode.Parse(kernelJson)?.AsObject() ?? throw new SetupException("kernel.json is empty");
        if (spec["env"] is not JsonObject env) spec["env"] = env = new JsonObject();
        foreach (var (name, value) in environment) env[name] = value;
        return spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The HTTP port range a kernelspec's argv passes to the kernel, or null.</summary>
    public static string? HttpPortRange(string kernelJson)
    {
        var argv = JsonNode.Parse(kernelJson)?["argv"]?.AsArray().Select(a => a?.GetValue<string>()).ToList() ?? [];
        var at = argv.IndexOf("--http-port-range");
        return at >= 0 && at + 1 < argv.Count ? argv[at + 1] : null;
    }
}
