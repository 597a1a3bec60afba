using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Foundations.Engine;

namespace Foundations.Tests;

/// <summary>
/// Every test in this assembly runs with new tensors that start past element 0 of their storage,
/// after a gap of NaN (<see cref="FreshStorage.TestLeadingGap"/>), so code that reads a fresh tensor
/// from element 0 instead of its offset fails the test that reaches it. Large tensors start on a
/// 2 MB boundary instead, as they do outside the tests. (How the engine places large storage is
/// tested in Foundations.Engine.Tests, LargePagesTests.)
/// </summary>
internal static class FreshStorageSetup
{
    [ModuleInitializer]
    internal static void StartFreshTensorsPastAGap() => FreshStorage.TestLeadingGap = 3;
}

public sealed class FreshStorageTests
{
    private const long TwoMegabytes = 2 << 20;

    [Fact]
    public void SmallTensor_InTheseTests_StartsAfterAGapOfNaN()
    {
        var t = Tensor.Zeros(2, 3);

        Assert.Equal(3, t.Offset);
        Assert.All(t.Storage[..3], x => Assert.True(float.IsNaN(x), "the gap before a fresh tensor holds NaN"));
        Assert.All(t.ToArray(), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void LargeTensor_WhereTheMachineOffersHugePages_IsOnAMappingThatMayUseThem()
    {
        var t = Tensor.Zeros(1024, 1024);
        if (!LargePages.Available)
        {
            Assert.False(File.Exists("/sys/kernel/mm/transparent_hugepage/enabled")
                && !File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Contains("[never]"),
                "this Linux machine offers transparent huge pages, but LargePages says it does not");
            return;
        }
        t.Fill(1f);
        long address = AddressOf(t.Storage, t.Offset);

        Assert.Equal(0, address % TwoMegabytes);
        var mapping = MappingHolding(address);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(mapping, @"^THPeligible:\s+1$", System.Text.RegularExpressions.RegexOptions.Multiline), $"the kernel will not use huge pages for the new tensor's mapping:\n{mapping}");
    }

    [Fact]
    public void LargeProduct_OnHugePages_MatchesAReference()
    {
        var random = new Generator(20261202);
        var a = random.Normal([1024, 96]);
        var b = random.Normal([96, 1024]);

        var c = a.MatMul(b);

        Assert.True(c.Count >= LargePages.MinimumCount, "the product is not large enough to test the huge-page path");
        double[] expected = new double[1024 * 1024];
        for (int i = 0; i < 1024; i++)
            for (int p = 0; p < 96; p++)
            {
                double x = a[i, p];
                for (int j = 0; j < 1024; j++) expected[i * 1024 + j] += x * b[p, j];
            }
        TestHelpers.AssertClose(c, Tensor.FromArray(expected.Select(v => (float)v).ToArray(), 1024, 1024), 1e-4, 1e-4, "1024×96·96×1024");
    }

    private static long AddressOf(float[] storage, int offset)
    {
        var handle = GCHandle.Alloc(storage, GCHandleType.Pinned);
        try { return Marshal.UnsafeAddrOfPinnedArrayElement(storage, offset); }
        finally { handle.Free(); }
    }

    private static readonly System.Text.RegularExpressions.Regex MappingHeader = new("^[0-9a-f]+-[0-9a-f]+ ");

    /// <summary>The /proc/self/smaps entry of the mapping that holds <paramref name="address"/>.</summary>
    private static string MappingHolding(long address)
    {
        var lines = File.ReadAllLines("/proc/self/smaps");
        for (int i = 0; i < lines.Length; i++)
        {
            var range = lines[i].Split(' ')[0].Split('-');
            if (range.Length != 2 || !long.TryParse(range[0], System.Globalization.NumberStyles.HexNumber, null, out long start)
                || !long.TryParse(range[1], System.Globalization.NumberStyles.HexNumber, null, out long end)) continue;
            if (address < start || address >= end) continue;
            int next = i + 1;
            while (next < lines.Length && !MappingHeader.IsMatch(lines[next])) next++;
            return string.Join('\n', lines[i..next]);
        }
        throw new InvalidOperationException($"no mapping in /proc/self/smaps holds address 0x{address:x}");
    }
}
