namespace Foundations.Interactive;

/// <summary>
/// Where the pinned plotly.js comes from: the copy that <c>.ci/setup</c> installs with npm
/// (exact version in <c>.ci/npm/package-lock.json</c>), or the same version from the CDN when no
/// local copy can be found.
/// </summary>
public static class PlotlyScript
{
    /// <summary>
    /// The plotly.js version the charts and handouts use, in its basic bundle (scatter and bar traces,
    /// which is every chart the course draws: 1.2 MB, against 4.6 MB for the full bundle). <c>.ci/setup</c>
    /// installs it with npm from <c>.ci/npm/package.json</c>, which must name the same version
    /// (src/Course.Tests checks that it does).
    /// </summary>
    public const string Version = "4.1.1";

    /// <summary>Names a plotly.min.js to use instead of the one under <c>.ci/npm</c>.</summary>
    public const string PathVariable = "FOUNDATIONS_PLOTLY_JS";

    public static string CdnUrl => $"https://cdn.plot.ly/plotly-basic-{Version}.min.js";

    /// <summary>
    /// The subresource-integrity hash of <see cref="Version"/>'s plotly.min.js (SHA-384 of the file that
    /// npm installs under .ci/npm; a test recomputes it). A CDN copy that differs is refused.
    /// </summary>
    public const string CdnIntegrity = "sha384-N2HZsG+IG/3J8CwhGGYz/kmzZ0sprpPWwjhor9ZI4lxuf47i9DXK2/NDGxMaJiEb";

    /// <summary>The npm package the bundle comes from.</summary>
    public const string PackageName = "plotly.js-basic-dist-min";

    private const string SolutionFile = "Foundations.slnx";
    private static readonly string RelativePath = Path.Combine(".ci", "npm", "node_modules", PackageName, "plotly-basic.min.js");

    /// <summary>
    /// The local plotly.min.js: <see cref="PathVariable"/> if set, else the npm copy in the
    /// repository that holds this assembly (or the current directory); null when there is none.
    /// </summary>
    public static string? FindLocal()
    {
        var overridden = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
            return File.Exists(overridden) ? Path.GetFullPath(overridden) : null;

        var starts = new[] { Path.GetDirectoryName(typeof(PlotlyScript).Assembly.Location), Environment.CurrentDirectory };
        foreach (var start in starts)
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, SolutionFile))) continue;
                var candidate = Path.Combine(dir.FullName, RelativePath);
                if (File.Exists(candidate)) return candidate;
                break;
            }
        }
        return null;
    }
}
