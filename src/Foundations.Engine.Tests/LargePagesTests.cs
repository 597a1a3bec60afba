using System.Runtime.InteropServices;

namespace Foundations.Engine.Tests;

public sealed class LargePagesTests
{
    private const long TwoMegabytes = 2 << 20;

    [Theory]
    [InlineData(1 << 20)]
    [InlineData((1 << 20) + 1)]
    [InlineData((1 << 20) + 12_345)]
    [InlineData(3 << 20)]
    public void LargeStorage_StartsOnA2MBBoundary_ZeroedAndInsideItsArray(int count)
    {
        var (storage, offset) = LargePages.Allocate(count, zeroed: true, hugePages: true);

        Assert.Equal(0, AddressOf(storage, offset) % TwoMegabytes);
        Assert.True(offset + count <= storage.Length, $"offset {offset} + count {count} passes the array's end ({storage.Length})");
        Assert.True(storage.AsSpan(offset, count).IndexOfAnyExcept(0f) < 0, "a zeroed large storage holds a non-zero value");
    }

    [Fact]
    public void LargeStorage_WithoutHugePages_IsAPlainArray()
    {
        var (storage, offset) = LargePages.Allocate(1 << 20, zeroed: true, hugePages: false);

        Assert.Equal(0, offset);
        Assert.Equal(1 << 20, storage.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData((1 << 20) - 1)]
    public void SmallStorage_IsAPlainArrayOfExactlyItsSize(int count)
    {
        Assert.False(LargePages.Applies(count));
        var (storage, offset) = LargePages.Allocate(count, zeroed: true);

        Assert.Equal(0, offset);
        Assert.Equal(count, storage.Length);
        Assert.True(storage.AsSpan().IndexOfAnyExcept(0f) < 0, "a zeroed storage holds a non-zero value");
    }

    [Fact]
    public void Applies_FromTheMinimumWhereTheMachineOffersHugePages()
    {
        Assert.Equal(LargePages.Available, LargePages.Applies(LargePages.MinimumCount));
        Assert.False(LargePages.Applies(LargePages.MinimumCount - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LargePages.Allocate(-1, zeroed: false));
    }

    private static long AddressOf(float[] storage, int offset)
    {
        var handle = GCHandle.Alloc(storage, GCHandleType.Pinned);
        try { return Marshal.UnsafeAddrOfPinnedArrayElement(storage, offset); }
        finally { handle.Free(); }
    }
}
