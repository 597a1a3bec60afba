using System.Runtime.InteropServices;

namespace Foundations;

/// <summary>
/// Where a new tensor's elements live. A small tensor gets an array of exactly its size, starting
/// at element 0. On Linux, a tensor of 4 MB or more starts at a 2 MB boundary inside a slightly
/// longer array, and the kernel is asked to back it with transparent huge pages, as NumPy does for
/// its large arrays.
/// </summary>
/// <remarks>
/// Why: .NET hands a large new array memory that it took back from the OS at the last full
/// collection, so the first write to each 4 KB page faults. On the course's 2-core VM one such
/// fault costs about 13 µs, 13 ms for a 4 MB result: twice the 1024³ product that fills it. With
/// 2 MB pages a 4 MB result takes two faults (about 0.15 ms). A huge page only backs a whole,
/// aligned 2 MB of one mapping, so the result must start on a boundary; the array is 2 MB longer
/// than the tensor for that, and the unused part is never touched, so it costs address space only.
/// Code that reads a fresh tensor's storage must therefore start at its <c>Offset</c>, like any view.
/// </remarks>
internal static class FreshStorage
{
    private const int HugePageBytes = 2 << 20;
    internal const int HugePageFloats = HugePageBytes / sizeof(float);

    /// <summary>Tensors of at least this many elements (4 MB of float32) start on a huge page.</summary>
    internal const int HugePageMinimum = 1 << 20;

    /// <summary>Whether this machine offers transparent huge pages on request (Linux, THP mode "always" or "madvise").</summary>
    internal static readonly bool HugePagesAvailable = OperatingSystem.IsLinux() && TransparentHugePagesOffered();

    /// <summary>
    /// For tests only: when above 0, every new storage that is not on huge pages starts this many
    /// elements in, and every gap before a tensor's first element holds NaN, so that code which
    /// wrongly reads a fresh tensor from element 0 gives NaN and fails its test.
    /// </summary>
    internal static int TestLeadingGap;

    internal static (float[] Storage, int Offset) Allocate(int count, bool zeroed) =>
        Allocate(count, zeroed, TestLeadingGap, HugePagesAvailable);

    internal static (float[] Storage, int Offset) Allocate(int count, bool zeroed, int leadingGap, bool hugePages)
    {
        bool large = hugePages && count >= HugePageMinimum && count <= Array.MaxLength - HugePageFloats;
        if (!large && leadingGap > 0 && count <= Array.MaxLength - leadingGap)
        {
            var padded = GC.AllocateUninitializedArray<float>(leadingGap + count);
            padded.AsSpan(0, leadingGap).Fill(float.NaN);
            if (zeroed) padded.AsSpan(leadingGap).Clear();
            return (padded, leadingGap);
        }
        if (!large)
            return (zeroed ? new float[count] : GC.AllocateUninitializedArray<float>(count), 0);

        // Pinned, so the address the kernel was told about stays the tensor's address.
        var storage = GC.AllocateUninitializedArray<float>(count + HugePageFloats, pinned: true);
        nint start = Marshal.UnsafeAddrOfPinnedArrayElement(storage, 0);
        nint aligned = RoundUp(start);
        int offset = (int)((aligned - start) / sizeof(float));
        // Whole 2 MB pages only, and none past the array's end: the tail of a tensor whose size is
        // not a multiple of 2 MB stays on small pages.
        nint end = Math.Min(RoundUp(aligned + (nint)count * sizeof(float)), RoundDown(start + (nint)storage.Length * sizeof(float)));
        if (end > aligned) Advise(aligned, (nuint)(end - aligned));
        if (zeroed) storage.AsSpan(offset, count).Clear();
        if (leadingGap > 0) storage.AsSpan(0, offset).Fill(float.NaN);
        return (storage, offset);
    }

    private static nint RoundUp(nint address) => (address + HugePageBytes - 1) & ~(nint)(HugePageBytes - 1);

    private static nint RoundDown(nint address) => address & ~(nint)(HugePageBytes - 1);

    /// <summary>The mode Linux prints in brackets, e.g. "always [madvise] never"; "never" or no file means no huge pages.</summary>
    private static bool TransparentHugePagesOffered()
    {
        try
        {
            string modes = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
            return modes.Contains("[always]") || modes.Contains("[madvise]");
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private const int MadviseHugePage = 14;   // MADV_HUGEPAGE in Linux's uapi/asm-generic/mman-common.h

    private static bool canAdvise = true;

    /// <summary>Only advice: if the kernel refuses, or this Linux has no libc to call, the tensor stays on small pages.</summary>
    private static void Advise(nint address, nuint length)
    {
        if (!canAdvise) return;
        try { _ = madvise(address, length, MadviseHugePage); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { canAdvise = false; }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(nint address, nuint length, int advice);
}
