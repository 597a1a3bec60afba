using System.Xml.Linq;

namespace Course.Tests;

/// <summary>The repository these tests run in, found by walking up to Foundations.slnx, and its well-known files.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The chapters' sources, stubs and solutions together (notebooks/instructor/).</summary>
    public static string Notebooks => Path.Combine(Root, "notebooks", "instructor");

    /// <summary>notebooks/: setup.dib, and the learner's edition of every chapter as committed, executed.</summary>
    public static string LearnerNotebooks => Path.Combine(Root, "notebooks");

    /// <summary>The first execution of every notebook, written by .ci/handouts.</summary>
    public static string Executed => Path.Combine(Root, "build", "executed");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts)
    {
        var path = PathOf(parts);
        Assert.True(File.Exists(path), $"{Path.GetRelativePath(Root, path)} is missing from the repository.");
        return File.ReadAllText(path);
    }

    /// <summary>True when <paramref name="fullPath"/> is the repository root or lies below it.</summary>
    public static bool Contains(string root, string fullPath)
    {
        var normalizedRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var normalized = Path.TrimEndingDirectorySeparator(Path.GetFullPath(fullPath));
        return normalized == normalizedRoot || normalized.StartsWith(normalizedRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>The notebook file names in notebooks/instructor/, sorted.</summary>
    public static IReadOnlyList<string> NotebookNames() =>
        Directory.Exists(Notebooks)
            ? Directory.GetFiles(Notebooks, "*.ipynb").Select(Path.GetFileName).OfType<string>()
                .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>Package name to version, from the central Directory.Packages.props text.</summary>
    public static IReadOnlyDictionary<string, string> PinnedPackages(string propsXml) =>
        XDocument.Parse(propsXml).Descendants("PackageVersion")
            .ToDictionary(e => (string?)e.Attribute("Include") ?? "", e => (string?)e.Attribute("Version") ?? "", StringComparer.OrdinalIgnoreCase);

    /// <summary>The csproj files under src/ (build output excluded), relative to the root with forward slashes.</summary>
    public static IReadOnlyList<string> Projects() =>
        Directory.GetFiles(PathOf("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
            .Where(p => !p.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal).ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Foundations.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No Foundations.slnx above {AppContext.BaseDirectory}.");
    }
}
