using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Course.Tests;

/// <summary>
/// What makes the course reproducible on a fresh machine: pinned versions and the one-command set-up.
/// Each rule is a pure function of file contents returning what is wrong (empty when all is well), so
/// the tests can show that every rule rejects a bad sample.
/// </summary>
public static partial class RepoRules
{
    public const string SetupCommand = ".ci/setup";
    /// <summary>The learner's set-up, which needs only the .NET SDK; <see cref="SetupCommand"/> calls it for the shared part.</summary>
    public const string LearnerSetupCommand = "dotnet run --project src/Course.Setup";
    public const string HandoutsCommand = ".ci/handouts";
    public const string TestCommand = ".ci/test";
    public const string KernelToolId = "microsoft.dotnet-interactive";

    public static readonly string[] RequiredExtensions = ["ms-toolsai.jupyter"];

    /// <summary>Polyglot Notebooks: deprecated, and it takes every .NET notebook over with a kernel it downloads.</summary>
    public const string PolyglotExtension = "ms-dotnettools.dotnet-interactive-vscode";
    public static readonly string[] CSharpExtensions = ["ms-dotnettools.csharp", "ms-dotnettools.csdevkit"];

    private static readonly JsonDocumentOptions JsonWithComments = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>
    /// devcontainer.json (JSON with comments): a pinned image, the Jupyter and C# extensions and not
    /// Polyglot Notebooks, features pinned to exact versions (the .NET SDK one to a .NET 10 SDK that
    /// global.json accepts), the learner's set-up command in onCreateCommand (which prebuilds keep) and
    /// not CI's, whose packages a learner does not need, and the README and chapter 1 opened for the learner.
    /// </summary>
    public static IReadOnlyList<string> Devcontainer(string devcontainerJson, string? sdkVersion)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(devcontainerJson, JsonWithComments);
        }
        catch (JsonException e)
        {
            return [$"devcontainer.json does not parse: {e.Message}"];
        }
        using (document)
        {
            var root = document.RootElement;
            var problems = new List<string>();

            var image = root.TryGetProperty("image", out var imageElement) && imageElement.ValueKind == JsonValueKind.String ? imageElement.GetString()! : null;
            if (image is null) problems.Add("no \"image\": name a published image with a pinned tag");
            else problems.AddRange(ImagePinned(image));

            var extensions = new List<string>();
            if (root.TryGetProperty("customizations", out var customizations) && customizations.ValueKind == JsonValueKind.Object
                && customizations.TryGetProperty("vscode", out var vscode) && vscode.ValueKind == JsonValueKind.Object
                && vscode.TryGetProperty("extensions", out var list) && list.ValueKind == JsonValueKind.Array)
                extensions.AddRange(list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!.ToLowerInvariant()));
            foreach (var required in RequiredExtensions.Where(r => !extensions.Contains(r)))
                problems.Add($"customizations.vscode.extensions lacks {required}");
            if (!CSharpExtensions.Any(extensions.Contains))
                problems.Add($"customizations.vscode.extensions lacks a C# extension ({string.Join(" or ", CSharpExtensions)})");
            if (extensions.Contains(PolyglotExtension))
                problems.Add($"customizations.vscode.extensions installs {PolyglotExtension} (Polyglot Notebooks), which takes every .NET notebook over with a kernel it downloads, instead of the pinned one");
            var openFiles = root.TryGetProperty("customizations", out var c2) && c2.ValueKind == JsonValueKind.Object
                && c2.TryGetProperty("codespaces", out var codespaces) && codespaces.ValueKind == JsonValueKind.Object
                && codespaces.TryGetProperty("openFiles", out var files) && files.ValueKind == JsonValueKind.Array
                ? files.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!).ToList() : [];
            foreach (var file in new[] { "README.md", "notebooks/01_neuron.ipynb" }.Where(f => !openFiles.Contains(f)))
                problems.Add($"customizations.codespaces.openFiles does not open {file}");

            if (root.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Object)
            {
                foreach (var feature in features.EnumerateObject())
                {
                    var version = feature.Value.ValueKind == JsonValueKind.Object && feature.Value.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String
                        ? v.GetString()! : "";
                    if (!ExactVersion().IsMatch(version))
                        problems.Add($"feature {feature.Name} has version \"{version}\"; pin an exact version (x.y.z)");
                    else if (feature.Name.Contains("/features/dotnet:", StringComparison.Ordinal) && sdkVersion is not null
                        && (!version.StartsWith("10.0.", StringComparison.Ordinal) || Version.Parse(version) < Version.Parse(sdkVersion)))
                        problems.Add($"feature {feature.Name} installs SDK {version}, but global.json accepts .NET 10 SDKs from {sdkVersion} on");
                }
            }

            var onCreate = root.TryGetProperty("onCreateCommand", out var command) ? CommandText(command) : "";
            if (!Runs(onCreate, LearnerSetupCommand))
                problems.Add($"onCreateCommand is \"{onCreate}\"; it should run {LearnerSetupCommand}, the learner's set-up, where prebuilds keep its work");
            if (Runs(onCreate, SetupCommand))
                problems.Add($"onCreateCommand runs {SetupCommand}, CI's set-up, whose packages (Chromium, nbconvert, npm...) a learner does not need; run {LearnerSetupCommand}");
            var telemetry = root.TryGetProperty("containerEnv", out var env) && env.ValueKind == JsonValueKind.Object
                && env.TryGetProperty("DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT", out var optOut) && optOut.ValueKind == JsonValueKind.String ? optOut.GetString() : null;
            if (telemetry != "1")
                problems.Add("containerEnv does not set DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT to \"1\", so the kernel sends telemetry");
            return problems;
        }
    }

    /// <summary>An image reference is pinned when it has a digest, or a tag that carries a version and is not "latest".</summary>
    public static IReadOnlyList<string> ImagePinned(string image)
    {
        if (image.Contains("@sha256:", StringComparison.Ordinal)) return [];
        var lastSlash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', lastSlash + 1);
        if (colon < 0) return [$"image {image} has no tag, so it means :latest; pin a versioned tag"];
        var tag = image[(colon + 1)..];
        if (tag.Equals("latest", StringComparison.OrdinalIgnoreCase) || !VersionInTag().IsMatch(tag))
            return [$"image tag \"{tag}\" does not pin a version (expected something like 2.1.11-bookworm)"];
        return [];
    }

    /// <summary>The README shows both commands and the learner's set-up in fenced code blocks, and names CI's set-up command.</summary>
    public static IReadOnlyList<string> ReadmeCommands(string readme)
    {
        var problems = new List<string>();
        var commandLines = FencedBlock().Matches(readme)
            .SelectMany(m => m.Groups["body"].Value.Split('\n'))
            .Select(l => l.Trim())
            .ToList();
        foreach (var command in new[] { HandoutsCommand, TestCommand, LearnerSetupCommand })
            if (!commandLines.Any(l => l == command || l.StartsWith(command + " ", StringComparison.Ordinal)))
                problems.Add($"no fenced code block in the README has a line running {command}");
        if (!readme.Contains(SetupCommand, StringComparison.Ordinal))
            problems.Add($"the README never names the set-up command {SetupCommand}");
        return problems;
    }

    /// <summary>
    /// global.json accepts any .NET 10 SDK or newer, so a learner's Visual Studio (10.0.1xx) or a later
    /// feature band or major version is not refused: the lowest 10.0 feature band as the version, and a
    /// roll-forward to the latest major, without previews.
    /// </summary>
    public static IReadOnlyList<string> GlobalJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, JsonWithComments);
            if (!document.RootElement.TryGetProperty("sdk", out var sdk)) return ["global.json has no \"sdk\" section"];
            var version = sdk.TryGetProperty("version", out var v) ? v.GetString() ?? "" : "";
            var rollForward = sdk.TryGetProperty("rollForward", out var r) ? r.GetString() ?? "" : "";
            var problems = new List<string>();
            if (!SdkVersionPattern().IsMatch(version)) problems.Add($"sdk.version is \"{version}\", not an exact 10.0.xyz SDK version");
            else if (version != "10.0.100") problems.Add($"sdk.version is \"{version}\"; 10.0.100, the first .NET 10 SDK, refuses no .NET 10 SDK");
            if (rollForward != "latestMajor")
                problems.Add($"sdk.rollForward is \"{rollForward}\"; \"latestMajor\" lets every newer feature band and major version in");
            if (sdk.TryGetProperty("allowPrerelease", out var pre) && pre.ValueKind == JsonValueKind.True)
                problems.Add("sdk.allowPrerelease is true, so a preview SDK would be picked over a release");
            return problems;
        }
        catch (JsonException e)
        {
            return [$"global.json does not parse: {e.Message}"];
        }
    }

    /// <summary>The SDK version global.json pins, or null.</summary>
    public static string? SdkVersion(string globalJson)
    {
        try
        {
            using var document = JsonDocument.Parse(globalJson, JsonWithComments);
            return document.RootElement.TryGetProperty("sdk", out var sdk) && sdk.TryGetProperty("version", out var v) ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// .config/dotnet-tools.json pins the kernel tool to the version the course was built with, and lets
    /// it run on a newer .NET runtime than the one it targets (rollForward true), so a machine with only
    /// .NET 11 can start it. The version stays exact: roll-forward is about the runtime, not the tool.
    /// </summary>
    public static IReadOnlyList<string> ToolManifest(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, JsonWithComments);
            if (!document.RootElement.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Object)
                return ["dotnet-tools.json has no \"tools\" object"];
            var problems = new List<string>();
            var kernel = tools.EnumerateObject().FirstOrDefault(t => t.Name.Equals(KernelToolId, StringComparison.OrdinalIgnoreCase));
            if (kernel.Value.ValueKind != JsonValueKind.Object)
                return [$"dotnet-tools.json does not list {KernelToolId}"];
            var version = kernel.Value.TryGetProperty("version", out var v) ? v.GetString() : null;
            if (version is null || !ExactVersion().IsMatch(version)) problems.Add($"{KernelToolId} is pinned to \"{version ?? "nothing"}\", not an exact version (the kernel is pinned here and only here)");
            if (!kernel.Value.TryGetProperty("rollForward", out var roll) || roll.ValueKind != JsonValueKind.True)
                problems.Add($"{KernelToolId} lacks rollForward true, so a machine with only a newer .NET runtime cannot start the kernel");
            return problems;
        }
        catch (JsonException e)
        {
            return [$"dotnet-tools.json does not parse: {e.Message}"];
        }
    }

    /// <summary>The CI entry point runs the README's test command on a line that is not a comment.</summary>
    public static IReadOnlyList<string> RunCallsTest(string runScript) =>
        runScript.Split('\n').Select(l => l.Trim()).Any(l => !l.StartsWith('#') && Runs(l, TestCommand))
            ? []
            : [$".ci/run never runs {TestCommand}"];

    /// <summary>Every project has a lock file beside it (restores are repeatable) and is in the solution (dotnet test runs it).</summary>
    public static IReadOnlyList<string> ProjectsLockedAndListed(IEnumerable<string> projects, Func<string, bool> fileExists, string solutionXml)
    {
        var listed = XDocument.Parse(solutionXml).Descendants("Project")
            .Select(p => ((string?)p.Attribute("Path") ?? "").Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var project in projects)
        {
            var lockFile = Path.Combine(Path.GetDirectoryName(project) ?? "", "packages.lock.json").Replace('\\', '/');
            if (!fileExists(lockFile)) problems.Add($"{project} has no {lockFile}; restore once and commit it");
            if (!listed.Contains(project)) problems.Add($"{project} is not in Foundations.slnx, so dotnet test skips it");
        }
        return problems;
    }

    /// <summary>nuget.config clears inherited sources and maps every package to a declared source.</summary>
    public static IReadOnlyList<string> NuGetSourceMapping(string nugetConfigXml)
    {
        var document = XDocument.Parse(nugetConfigXml);
        var problems = new List<string>();
        var sources = document.Root?.Element("packageSources");
        if (sources is null) return ["nuget.config has no <packageSources>"];
        if (sources.Element("clear") is null) problems.Add("<packageSources> does not start with <clear />, so machine-wide sources leak in");
        var declared = sources.Elements("add").Select(e => (string?)e.Attribute("key")).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var mapping = document.Root?.Element("packageSourceMapping");
        if (mapping is null) return [.. problems, "nuget.config has no <packageSourceMapping>"];
        var mapped = mapping.Elements("packageSource").ToList();
        if (mapped.Count == 0) problems.Add("<packageSourceMapping> maps no source");
        foreach (var source in mapped)
        {
            var key = (string?)source.Attribute("key") ?? "";
            if (!declared.Contains(key)) problems.Add($"<packageSourceMapping> names source \"{key}\", which <packageSources> does not declare");
            if (!source.Elements("package").Any(p => !string.IsNullOrWhiteSpace((string?)p.Attribute("pattern"))))
                problems.Add($"<packageSourceMapping> source \"{key}\" has no package pattern");
        }
        return problems;
    }

    /// <summary>Directory.Packages.props gives every package one exact version (no ranges, no wildcards).</summary>
    public static IReadOnlyList<string> PackageVersionsExact(string propsXml) =>
        Repo.PinnedPackages(propsXml)
            .Where(p => !PackageVersion().IsMatch(p.Value))
            .Select(p => $"{p.Key} has version \"{p.Value}\"; pin one exact version")
            .ToList();

    /// <summary>True when <paramref name="commandLine"/> runs <paramref name="script"/> (as a word, not part of a longer path).</summary>
    private static bool Runs(string commandLine, string script) =>
        Regex.IsMatch(commandLine, @"(^|[\s;&|(""'/])(\./)?" + Regex.Escape(script) + @"($|[\s;&|)""'])");

    private static string CommandText(JsonElement command) => command.ValueKind switch
    {
        JsonValueKind.String => command.GetString() ?? "",
        JsonValueKind.Array => string.Join(" ", command.EnumerateArray().Select(CommandText)),
        JsonValueKind.Object => string.Join(" ; ", command.EnumerateObject().Select(p => CommandText(p.Value))),
        _ => "",
    };

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex ExactVersion();

    [GeneratedRegex(@"\d+\.\d+")]
    private static partial Regex VersionInTag();

    [GeneratedRegex(@"^10\.0\.\d{3}$")]
    private static partial Regex SdkVersionPattern();

    [GeneratedRegex(@"^\d+\.\d+\.\d+(\.\d+)?(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex PackageVersion();

    // A fence may be indented, as inside a list item.
    [GeneratedRegex(@"^[ \t]*(```|~~~)[^\n]*\n(?<body>.*?)^[ \t]*(```|~~~)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
