using System.Diagnostics;
using System.Reflection;

namespace Foundations.Engine.Tests;

/// <summary>
/// The kernel a process picks depends on what the runtime lets it use, so the kernel-check tests of
/// the engine and of the library start their test assembly again (its <c>kernel-check</c> entry
/// point) with .NET's instruction-set switches, and check that it picks the expected kernel and still
/// matches the reference. .NET 10 honours DOTNET_EnableAVX512 (not the older DOTNET_EnableAVX512F,
/// which it ignores), DOTNET_EnableAVX2 (which also turns off FMA and AVX-512),
/// DOTNET_EnableHWIntrinsic and DOTNET_PreferredVectorBitWidth. Shared by both test projects.
/// </summary>
internal static class KernelProcess
{
    private static string NarrowerThanAvx512 => Gemm.IsSupported(GemmKernel.Avx2) ? "Avx2" : "Portable";

    /// <summary>(variable, value, the kernel the process must pick).</summary>
    public static TheoryData<string, string, string> Settings() => new()
    {
        { "", "", Gemm.Best.ToString() },
        { "DOTNET_EnableAVX512", "0", NarrowerThanAvx512 },
        { "DOTNET_PreferredVectorBitWidth", "256", NarrowerThanAvx512 },
        { "DOTNET_EnableAVX2", "0", "Portable" },
        { "DOTNET_EnableHWIntrinsic", "0", "Portable" },
    };

    /// <summary>Runs <paramref name="testAssembly"/>'s kernel check with one switch set and asserts on what it printed.</summary>
    public static void Check(Assembly testAssembly, string variable, string value, string kernel)
    {
        var (exitCode, output) = Run(testAssembly, variable, value);
        Assert.True(exitCode == 0, $"kernel check with {variable}={value} exited with {exitCode}:\n{output}");
        Assert.StartsWith($"kernel={kernel} ", output);
        Assert.Contains("cases match", output);
    }

    private static (int ExitCode, string Output) Run(Assembly testAssembly, string variable, string value)
    {
        // The SDK tells test hosts where dotnet is; a runner started some other way has it on PATH.
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { testAssembly.Location, "kernel-check" },
        };
        if (variable.Length > 0) start.Environment[variable] = value;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"kernel check with {variable}={value} did not finish in two minutes:\n{output}");
        }
        return (process.ExitCode, output + error.Result);
    }
}
