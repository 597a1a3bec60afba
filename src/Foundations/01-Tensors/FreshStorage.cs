using Foundations.Engine;

namespace Foundations;

/// <summary>
/// Where a new tensor's elements live. A small tensor gets an array of exactly its size, starting
/// at element 0. A large one (4 MB or more of float32) gets its storage from the engine's
/// <see cref="LargePages"/>: on Linux it starts at a 2 MB boundary inside a slightly longer array,
/// so that the kernel can back it with huge pages, which makes the first write to a big result
/// fault far fewer times. Code that reads a fresh tensor's storage must therefore start at its
/// <c>Offset</c>, like any view.
/// </summary>
internal static class FreshStorage
{
    /// <summary>
    /// For tests only: when above 0, every new storage that is not on huge pages starts this many
    /// elements in, and every gap before a tensor's first element holds NaN, so that code which
    /// wrongly reads a fresh tensor from element 0 gives NaN and fails its test.
    /// </summary>
    internal static int TestLeadingGap;

    internal static (float[] Storage, int Offset) Allocate(int count, bool zeroed)
    {
        int gap = TestLeadingGap;
        if (gap > 0 && !LargePages.Applies(count) && count <= Array.MaxLength - gap)
        {
            var padded = GC.AllocateUninitializedArray<float>(gap + count);
            padded.AsSpan(0, gap).Fill(float.NaN);
            if (zeroed) padded.AsSpan(gap).Clear();
            return (padded, gap);
        }
        // The one call into the engine for storage.
        var (storage, offset) = LargePages.Allocate(count, zeroed);
        if (gap > 0) storage.AsSpan(0, offset).Fill(float.NaN);
        return (storage, offset);
    }
}
