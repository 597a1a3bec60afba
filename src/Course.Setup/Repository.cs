using System.Text.Json.Nodes;

namespace Course.Setup;

/// <summary>
/// The clone being set up, and the constants the set-up shares with CI's notebook pipeline, read from
/// <c>.ci/pipeline/settings.json</c> so that each is defined once.
/// </summary>
public sealed record Repository(string Root, string Kernel, string KernelHttpPortRange, IReadOnlyDictionary<string, string> KernelEnvironment, string KernelToolVersion)
{
    public const string SolutionFile = "Foundations.slnx";
    public const string KernelToolId = "microsoft.dotnet-interactive";

    /// <summary>The repository holding <paramref name="start"/> (the folder with Foundations.slnx above it).</summary>
    public static Repository Find(string start)
    {
        var root = RootAbove(start) ?? throw new SetupException($"no {SolutionFile} in {start} or above it: run this from a clone of the course");
        var settings = ReadJson(Path.Combine(root, ".ci", "pipeline", "settings.json"));
        var tools = ReadJson(Path.Combine(root, ".config", "dotnet-tools.json"));
        var environment = settings["kernelEnvironment"]?.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];
        return new Repository(
            root,
            settings["kernel"]?.GetValue<string>() ?? throw new SetupException("settings.json names no \"kernel\""),
            settings["kernelHttpPortRange"]?.GetValue<string>() ?? throw new SetupException("settings.json has no \"kernelHttpPortRange\""),
            environment,
            tools["tools"]?[KernelToolId]?["version"]?.GetValue<string>() ?? "?");
    }

    public static string? RootAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile))) return directory.FullName;
        return null;
    }

    private static JsonNode ReadJson(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) ?? throw new SetupException($"{path} is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new SetupException($"cannot read {path}: {e.Message}");
        }
    }
}
