using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Foundations.Engine;

// Packing: copying slivers of A and B into the contiguous, kernel-ordered buffers each thread keeps.
public static unsafe partial class Gemm
{
    [ThreadStatic] static float[]? packedA;
    [ThreadStatic] static float[]? packedB;

    // Which tiles of which parallel panel this thread's packedB holds, when it packed its own copy;
    // every parallel panel gets a new number, so a stale record never matches.
    [ThreadStatic] static long privatePanel;
    [ThreadStatic] static int privateFirstTile, privateEndTile;
    static long parallelPanels;

    readonly partial struct Problem<TKernel>
    {
        /// <summary>
        /// Rows i..i+MR of A, depth p0..p0+kc, into [kc][MR] order. Rows past m repeat the last
        /// row: the kernel computes them but Compute never stores them, so they need no zeroing.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void PackA(float* dst, int i, int p0, int kc)
        {
            nint cs = aColStride;
            int last = Math.Min(MR, m - i) - 1;
            float** rows = stackalloc float*[MR];
            for (int r = 0; r < MR; r++) rows[r] = a + (i + Math.Min(r, last)) * aRowStride + p0 * cs;
            nint p = 0;
            if (cs == 1 && Avx.IsSupported)
            {
                // Eight steps at a time, each group of eight rows transposed so that its rows
                // become eight columns of the packed sliver. When MR is not a multiple of 8 the
                // last group's stores run past the column into the first rows of the next one,
                // so that group goes first and the full groups overwrite the spill. The very last
                // spill lands in space that is packed next or is slack.
                for (; p + 8 <= kc; p += 8, dst += 8 * MR)
                    for (int g = (MR - 1) / 8 * 8; g >= 0; g -= 8)
                    {
                        Vector256<float> v0 = Vector256.Load(rows[g] + p);
                        Vector256<float> v1 = Vector256.Load(rows[Math.Min(g + 1, MR - 1)] + p);
                        Vector256<float> v2 = Vector256.Load(rows[Math.Min(g + 2, MR - 1)] + p);
                        Vector256<float> v3 = Vector256.Load(rows[Math.Min(g + 3, MR - 1)] + p);
                        Vector256<float> v4 = Vector256.Load(rows[Math.Min(g + 4, MR - 1)] + p);
                        Vector256<float> v5 = Vector256.Load(rows[Math.Min(g + 5, MR - 1)] + p);
                        Vector256<float> v6 = Vector256.Load(rows[Math.Min(g + 6, MR - 1)] + p);
                        Vector256<float> v7 = Vector256.Load(rows[Math.Min(g + 7, MR - 1)] + p);
                        Transpose(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                        float* d = dst + g;
                        Vector256.Store(v0, d);
                        Vector256.Store(v1, d + MR);
                        Vector256.Store(v2, d + 2 * MR);
                        Vector256.Store(v3, d + 3 * MR);
                        Vector256.Store(v4, d + 4 * MR);
                        Vector256.Store(v5, d + 5 * MR);
                        Vector256.Store(v6, d + 6 * MR);
                        Vector256.Store(v7, d + 7 * MR);
                    }
            }
            for (nint offset = p * cs; p < kc; p++, offset += cs, dst += MR)
                for (int r = 0; r < MR; r++)
                    dst[r] = rows[r][offset];
        }

        /// <summary>
        /// Column tiles [q0, q1) of the panel at column j0, every depth slice, each slice in
        /// [tile][kc][NR] order. Columns past the panel's edge are zero or repeat the last column;
        /// either way Compute never stores them.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void PackB(float* packedPanel, int depth, int j0, int cols, int q0, int q1)
        {
            nint rs = bRowStride, cs = bColStride;
            int colTiles = (cols + NR - 1) / NR;
            for (int p0 = 0; p0 < k; p0 += depth)
            {
                int kc = Math.Min(depth, k - p0);
                for (int q = q0; q < q1; q++)
                {
                    float* dst = packedPanel + (nint)p0 * colTiles * NR + q * NR * kc;
                    int j = j0 + q * NR, width = Math.Min(NR, j0 + cols - j);
                    float* src = b + p0 * rs + j * cs;
                    if (cs == 1 && width == NR)
                    {
                        for (int p = 0; p < kc; p++, dst += NR, src += rs)
                            for (int v = 0; v < NR; v += 8)
                                Vector256.Store(Vector256.Load(src + v), dst + v);
                    }
                    else if (cs == 1 && Avx.IsSupported)
                    {
                        // Masked loads read only the columns that exist and zero the rest.
                        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
                        for (int p = 0; p < kc; p++, dst += NR, src += rs)
                            for (int v = 0; v < NR; v += 8)
                                Vector256.Store(Avx.MaskLoad(src + v, Vector256.LessThan(lane, Vector256.Create(width - v)).AsSingle()), dst + v);
                    }
                    else if (rs == 1 && Avx.IsSupported)
                    {
                        // Column-major B (a transposed view): transpose 8×8 blocks. Columns past
                        // the edge repeat the last one.
                        int p = 0;
                        for (; p + 8 <= kc; p += 8, src += 8)
                            for (int v = 0; v < NR; v += 8)
                            {
                                Vector256<float> v0 = Vector256.Load(src + Math.Min(v, width - 1) * cs);
                                Vector256<float> v1 = Vector256.Load(src + Math.Min(v + 1, width - 1) * cs);
                                Vector256<float> v2 = Vector256.Load(src + Math.Min(v + 2, width - 1) * cs);
                                Vector256<float> v3 = Vector256.Load(src + Math.Min(v + 3, width - 1) * cs);
                                Vector256<float> v4 = Vector256.Load(src + Math.Min(v + 4, width - 1) * cs);
                                Vector256<float> v5 = Vector256.Load(src + Math.Min(v + 5, width - 1) * cs);
                                Vector256<float> v6 = Vector256.Load(src + Math.Min(v + 6, width - 1) * cs);
                                Vector256<float> v7 = Vector256.Load(src + Math.Min(v + 7, width - 1) * cs);
                                Transpose(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                                float* d = dst + p * NR + v;
                                Vector256.Store(v0, d);
                                Vector256.Store(v1, d + NR);
                                Vector256.Store(v2, d + 2 * NR);
                                Vector256.Store(v3, d + 3 * NR);
                                Vector256.Store(v4, d + 4 * NR);
                                Vector256.Store(v5, d + 5 * NR);
                                Vector256.Store(v6, d + 6 * NR);
                                Vector256.Store(v7, d + 7 * NR);
                            }
                        for (dst += p * NR; p < kc; p++, dst += NR, src += rs)
                            for (int jj = 0; jj < NR; jj++)
                                dst[jj] = src[Math.Min(jj, width - 1) * cs];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++, dst += NR, src += rs)
                            for (int jj = 0; jj < NR; jj++)
                                dst[jj] = src[Math.Min(jj, width - 1) * cs];
                    }
                }
            }
        }
    }

    /// <summary>
    /// In place, row t of the result is column t of the input: afterwards r_t[i] holds what r_i[t] held.
    /// Pairs are interleaved, then pairs of pairs, then the 128-bit halves swapped across.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose(
        ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        // t0 = (r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5]), t1 likewise for elements 2, 3, 6, 7.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        // s0 = (r0[0] r1[0] r2[0] r3[0] | r0[4] r1[4] r2[4] r3[4]), and so on for elements 1..3.
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(s0, s4, 0x20);
        r1 = Avx.Permute2x128(s1, s5, 0x20);
        r2 = Avx.Permute2x128(s2, s6, 0x20);
        r3 = Avx.Permute2x128(s3, s7, 0x20);
        r4 = Avx.Permute2x128(s0, s4, 0x31);
        r5 = Avx.Permute2x128(s1, s5, 0x31);
        r6 = Avx.Permute2x128(s2, s6, 0x31);
        r7 = Avx.Permute2x128(s3, s7, 0x31);
    }

    /// <summary>A thread's pack buffer, pinned so its address survives GC, aligned to 64 bytes.</summary>
    static float* Rent(ref float[]? buffer, int length)
    {
        const int Slack = 16 + 8;   // room to align to 64 bytes, plus the under-8-float spill of PackA
        if (buffer is null || buffer.Length < length + Slack)
            buffer = GC.AllocateUninitializedArray<float>(Math.Max(length + Slack, 4096), pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)(((nint)p + 63) & ~(nint)63);
    }
}
