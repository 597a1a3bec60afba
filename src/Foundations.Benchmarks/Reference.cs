using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Foundations.Benchmarks;

/// <summary>Runs reference.py, which times the same workloads in NumPy and PyTorch, and returns its JSON.</summary>
public static class Reference
{
    // Debian's interpreter: python3 on PATH may be one without torch.
    public const string Python = "/usr/bin/python3";

    // Set by the machine's environment to pin OpenBLAS to its AVX2 kernels; removed for the Python
    // side only, so that NumPy and PyTorch run the kernel OpenBLAS picks for this CPU.
    private static readonly string[] PinnedOpenBlasVariables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

    /// <summary>
    /// reference.py's results for <paramref name="workloads"/> (each a spec it understands), with
    /// PyTorch and, when <paramref name="pinOpenBlasThreads"/>, OpenBLAS limited to
    /// <paramref name="threads"/> threads (OPENBLAS_NUM_THREADS is read when the library loads, so
    /// each thread count needs its own process); null, with the reason on stderr, if it fails.
    /// </summary>
    public static JsonNode? Run(int threads, IEnumerable<JsonNode> workloads, bool pinOpenBlasThreads = false)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "reference.py");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                script, "--threads", threads.ToString(CultureInfo.InvariantCulture),
                "--workloads", new JsonArray(workloads.Select(w => w.DeepClone()).ToArray()).ToJsonString(),
            },
        };
        foreach (string variable in PinnedOpenBlasVariables) start.Environment.Remove(variable);
        if (pinOpenBlasThreads) start.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 0) return JsonNode.Parse(output);
            Console.Error.WriteLine($"{Python} {script} failed ({process.ExitCode}):\n{error.Result}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException)
        {
            Console.Error.WriteLine($"could not run {Python} {script}: {e.Message}");
        }
        return null;
    }

    /// <summary>OpenBLAS's x86 cores with 512-bit SGEMM kernels; the others use 256-bit (or narrower) ones.</summary>
    public static int OpenBlasVectorBits(string core) =>
        core.ToUpperInvariant() is "SKYLAKEX" or "COOPERLAKE" or "SAPPHIRERAPIDS" ? 512 : 256;
}
