using Course.Setup;
using static Course.Setup.Kernelspec;

namespace Course.Setup.Tests;

public sealed class KernelspecTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void UserKernelsFolder_IsJupytersPerUserFolder_OnEachPlatform()
    {
        Assert.Equal(Path.Combine("C:/Users/ada/AppData/Roaming", "jupyter", "kernels"),
            UserKernelsFolder(Platform.Windows, Environment(("APPDATA", "C:/Users/ada/AppData/Roaming")), "C:/Users/ada"));
        Assert.Equal(Path.Combine("/Users/ada", "Library", "Jupyter", "kernels"), UserKernelsFolder(Platform.MacOS, Environment(), "/Users/ada"));
        Assert.Equal(Path.Combine("/home/ada", ".local", "share", "jupyter", "kernels"), UserKernelsFolder(Platform.Linux, Environment(), "/home/ada"));
    }

    [Fact]
    public void UserKernelsFolder_FollowsJupyterDataDirAndXdgDataHome_WhenSet()
    {
        Assert.Equal(Path.Combine("/data/j", "kernels"), UserKernelsFolder(Platform.MacOS, Environment(("JUPYTER_DATA_DIR", "/data/j")), "/Users/ada"));
        Assert.Equal(Path.Combine("/xdg", "jupyter", "kernels"), UserKernelsFolder(Platform.Linux, Environment(("XDG_DATA_HOME", "/xdg")), "/home/ada"));
        // An empty variable counts as unset, as in jupyter_core.
        Assert.Equal(Path.Combine("/home/ada", ".local", "share", "jupyter", "kernels"),
            UserKernelsFolder(Platform.Linux, Environment(("JUPYTER_DATA_DIR", ""), ("XDG_DATA_HOME", "")), "/home/ada"));
    }

    [Fact]
    public void WithEnvironment_AddsTheVariables_AndKeepsWhatTheSpecHad()
    {
        const string spec = """{"argv": ["dotnet", "interactive", "jupyter", "{connection_file}", "--http-port-range", "2050-3000"], "env": {"KEEP": "x", "DOTNET_NOLOGO": "0"}}""";
        var result = System.Text.Json.Nodes.JsonNode.Parse(WithEnvironment(spec, new Dictionary<string, string> { ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" }))!;
        Assert.Equal("x", result["env"]!["KEEP"]!.GetValue<string>());
        Assert.Equal("1", result["env"]!["DOTNET_NOLOGO"]!.GetValue<string>());
        Assert.Equal("1", result["env"]!["DOTNET_CLI_TELEMETRY_OPTOUT"]!.GetValue<string>());
        Assert.Equal("2050-3000", HttpPortRange(result.ToJsonString()));
        Assert.Equal("1", System.Text.Json.Nodes.JsonNode.Parse(WithEnvironment("""{"argv": []}""", new Dictionary<string, string> { ["A"] = "1" }))!["env"]!["A"]!.GetValue<string>());
    }

    [Fact]
    public void ResourceDirectory_ReadsJupytersList_AndIsNullForAnotherOrBrokenOne()
    {
        const string list = """{"kernelspecs": {".net-csharp": {"resource_dir": "/k/.net-csharp", "spec": {}}}}""";
        Assert.Equal("/k/.net-csharp", ResourceDirectory(list, ".net-csharp"));
        Assert.Null(ResourceDirectory(list, ".net-fsharp"));
        Assert.Null(ResourceDirectory("0.00s - Debugger warning", ".net-csharp"));
    }
}
