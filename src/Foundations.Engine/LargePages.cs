using System.Runtime.InteropServices;

namespace Foundations.Engine;

/// <summary>
/// Float arrays for large results, placed so that Linux can back them with 2 MB transparent huge
/// pages, as NumPy does for its large arrays. A request of <see cref="MinimumCount"/> floats or more,
/// on a machine that offers huge pages, gets an array slightly longer than asked for, and the
/// elements to use start at a 2 MB boundary inside it; anything else gets a plain array of exactly
/// the size asked for, starting at element 0.
/// </summary>
/// <remarks>
/// Why: .NET hands a large new array memory that it took back from the OS at the last full
/// collection, so the first write to each 4 KB page faults into the kernel. With 2 MB pages a 4 MB
/// result takes 2 faults instead of 1024. A huge page only backs a whole, aligned 2 MB of one
/// mapping, so the elements must start on a boundary; the array is 2 MB longer than asked for to
/// leave room for that, and the unused part is never touched, so it costs address space only.
/// Callers must therefore read and write from the returned offset, not from element 0.
/// </remarks>
public static class LargePages
{
    private const int PageBytes = 2 << 20;

    /// <summary>Floats in one 2 MB huge page: the alignment of the elements of a large allocation.</summary>
    public const int PageFloats = PageBytes / sizeof(float);

    /// <summary>Requests of at least this many floats (4 MB) are placed for huge pages.</summary>
    public const int MinimumCount = 1 << 20;

    /// <summary>Whether this machine offers transparent huge pages on request (Linux, THP mode "always" or "madvise").</summary>
    public static bool Available { get; } = OperatingSystem.IsLinux() && TransparentHugePagesOffered();

    /// <summary>Whether <see cref="Allocate(int, bool)"/> places <paramref name="count"/> floats for huge pages (so possibly past element 0).</summary>
    public static bool Applies(int count) => Applies(count, Available);

    private static bool Applies(int count, bool hugePages) =>
        hugePages && count >= MinimumCount && count <= Array.MaxLength - PageFloats;

    /// <summary>
    /// An array holding at least <paramref name="count"/> floats from <c>Offset</c> on; with
    /// <paramref name="zeroed"/> those are zero, otherwise they are whatever memory held.
    /// </summary>
    public static (float[] Array, int Offset) Allocate(int count, bool zeroed) => Allocate(count, zeroed, Available);

    /// <summary>As above, with the huge-page path forced on or off, so tests can check both on any machine.</summary>
    internal static (float[] Array, int Offset) Allocate(int count, bool zeroed, bool hugePages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!Applies(count, hugePages))
            return (zeroed ? new float[count] : GC.AllocateUninitializedArray<float>(count), 0);

        // Pinned, so the address the kernel was told about stays the array's address.
        var array = GC.AllocateUninitializedArray<float>(count + PageFloats, pinned: true);
        nint start = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        nint aligned = RoundUp(start);
        int offset = (int)((aligned - start) / sizeof(float));
        // Whole 2 MB pages only, and none past the array's end: the tail of a request whose size
        // is not a multiple of 2 MB stays on small pages.
        nint end = Math.Min(RoundUp(aligned + (nint)count * sizeof(float)), RoundDown(start + (nint)array.Length * sizeof(float)));
        if (end > aligned) Advise(aligned, (nuint)(end - aligned));
        if (zeroed) array.AsSpan(offset, count).Clear();
        return (array, offset);
    }

    private static nint RoundUp(nint address) => (address + PageBytes - 1) & ~(nint)(PageBytes - 1);

    private static nint RoundDown(nint address) => address & ~(nint)(PageBytes - 1);

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

    /// <summary>Only advice: if the kernel refuses, or this Linux has no libc to call, the array stays on small pages.</summary>
    private static void Advise(nint address, nuint length)
    {
        if (!canAdvise) return;
        try { _ = madvise(address, length, MadviseHugePage); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { canAdvise = false; }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(nint address, nuint length, int advice);
}
