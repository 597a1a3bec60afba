using System.Reflection;
using Foundations;
using Foundations.Interactive;
using Microsoft.CodeAnalysis;
using Microsoft.DotNet.Interactive.Formatting;
using XPlot.Plotly;

namespace Course.Runner;

/// <summary>
/// What a submission may reference. The framework is always there, as in the kernel. The course's
/// assemblies become visible only when a cell asks for them with <c>#r</c>, and then as the copies
/// this process has already loaded: one copy of each, so a <c>Tensor</c> made by a cell is the
/// <c>Tensor</c> the runner prints and a chart is the <c>PlotlyChart</c> it saves.
/// </summary>
public static class ScriptReferences
{
    /// <summary>The runner's own copies, by assembly name; the notebooks' #r paths name the same assemblies built from the same source.</summary>
    public static readonly IReadOnlyDictionary<string, Assembly> Loaded = new[]
    {
        typeof(Tensor).Assembly,
        typeof(Foundations.Engine.Gemm).Assembly,
        typeof(Course.Exercises.Exercise).Assembly,
        typeof(Notebook).Assembly,
        typeof(PlotlyChart).Assembly,
        typeof(MathNet.Numerics.Control).Assembly,
        typeof(Formatter).Assembly,
    }.ToDictionary(assembly => assembly.GetName().Name!, StringComparer.OrdinalIgnoreCase);

    /// <summary>NuGet packages whose #r "nuget: ..." lines are satisfied by the runner's own package references.</summary>
    public static readonly IReadOnlySet<string> Packages = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "MathNet.Numerics", "XPlot.Plotly", "Microsoft.DotNet.Interactive.Formatting",
    };

    /// <summary>Every assembly of the shared framework (Microsoft.NETCore.App), as the kernel offers them.</summary>
    public static IReadOnlyList<MetadataReference> Framework() => framework.Value;

    private static readonly Lazy<IReadOnlyList<MetadataReference>> framework = new(() =>
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        return trusted
            .Where(path => path.Length > 0 && string.Equals(Path.GetDirectoryName(path), runtimeDirectory, StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
    });

    /// <summary>
    /// The reference for <c>#r "path"</c>, resolved from <paramref name="directory"/> as the kernel resolves
    /// it from the notebook's folder: a loaded copy when the runner has one, else the file itself.
    /// </summary>
    public static MetadataReference ForPath(string path, string directory)
    {
        var full = Path.GetFullPath(path, directory);
        if (!File.Exists(full))
            throw new RunnerException($"#r \"{path}\": no such file ({full})");
        return Loaded.TryGetValue(Path.GetFileNameWithoutExtension(full), out var assembly)
            ? MetadataReference.CreateFromFile(assembly.Location)
            : MetadataReference.CreateFromFile(full);
    }
}
