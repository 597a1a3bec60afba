using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Foundations;

/// <summary>
/// The library's fast float32 matrix multiply, C = A·B, with A (m×k) and B (k×n) given as strided
/// views and C a dense row-major m×n destination that is overwritten.
/// </summary>
/// <remarks>
/// The layout follows the BLIS/GotoBLAS recipe. A 6×16 block of C lives in twelve AVX registers
/// while the micro-kernel streams one column of a 6-row sliver of A and one row of a 16-column
/// sliver of B per step: 12 FMAs for 8 loads, enough to keep both FMA pipes busy. To make those
/// streams contiguous, and to make any strides (transposed, broadcast) look the same to the
/// kernel, A and B are first copied ("packed") into buffers: a KC×16 sliver of B stays in L1 while
/// an MC×KC block of A sits in L2 and a KC-deep slice of a packed B panel in L3.
/// </remarks>
internal static unsafe class Gemm
{
    const int MR = 6;           // rows of the register tile
    const int NR = 16;          // columns of the register tile: two Vector256<float>
    const int KC = 256;         // depth of one slice: a 16-column sliver of B is 16 KiB, half of L1
    const int MC = 40 * MR;     // rows of a packed A block: 240×256 floats = 240 KiB, half of L2
    const int NC = 256 * NR;    // widest packed B panel; a 256-deep slice of it is 4 MiB, in L3

    // Floats of packed B per panel (16 MiB): every slice of a panel is packed before any thread
    // starts computing, so products deeper than 1024 get narrower panels.
    const int PackedBBudget = 1 << 22;

    // Waking the other threads costs ~4 µs; below this many multiply-adds (~10 µs on one
    // core) that is more than they save.
    const long ParallelThreshold = 1L << 19;
    const int ChunksPerWorker = 2;
    static readonly ParallelOptions Options = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    [ThreadStatic] static float[]? packedA;
    [ThreadStatic] static float[]? packedB;

    /// <summary>
    /// c[cOffset + i*n + j] = Σ_p a[aOffset + i*aRowStride + p*aColStride] · b[bOffset + p*bRowStride + j*bColStride].
    /// Strides are in elements and may be anything a view produces: 1, transposed, negative, or 0 for
    /// a broadcast dimension. Shapes are the caller's job (the public MatMul API checks them).
    /// Small products run on the calling thread; with <paramref name="parallel"/>, larger ones use every core.
    /// </summary>
    internal static void Multiply(
        float[] a, int aOffset, int aRowStride, int aColStride,
        float[] b, int bOffset, int bRowStride, int bColStride,
        float[] c, int cOffset, int m, int k, int n, bool parallel) =>
        Multiply(a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride,
            c, cOffset, m, k, n, parallel, useFma: Fma.IsSupported);

    /// <summary>As above, with the micro-kernel chosen by the caller so tests can run the portable one.</summary>
    internal static void Multiply(
        float[] a, int aOffset, int aRowStride, int aColStride,
        float[] b, int bOffset, int bRowStride, int bColStride,
        float[] c, int cOffset, int m, int k, int n, bool parallel, bool useFma)
    {
        Debug.Assert(m >= 0 && k >= 0 && n >= 0);
        Debug.Assert(cOffset >= 0 && cOffset + (long)m * n <= c.Length);
        Debug.Assert(m == 0 || k == 0 || InBounds(a.Length, aOffset, m, aRowStride, k, aColStride));
        Debug.Assert(k == 0 || n == 0 || InBounds(b.Length, bOffset, k, bRowStride, n, bColStride));
        Debug.Assert(!useFma || Fma.IsSupported);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            c.AsSpan(cOffset, m * n).Clear();
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            var problem = new Problem(
                pa + aOffset, aRowStride, aColStride, pb + bOffset, bRowStride, bColStride,
                pc + cOffset, m, k, n, useFma);
            int workers = parallel && (long)m * n * k >= ParallelThreshold ? Environment.ProcessorCount : 1;
            problem.Run(workers);
        }
    }

    static bool InBounds(int length, int offset, int rows, int rowStride, int cols, int colStride)
    {
        long down = (long)(rows - 1) * rowStride, across = (long)(cols - 1) * colStride;
        long first = offset + Math.Min(down, 0) + Math.Min(across, 0);
        long last = offset + Math.Max(down, 0) + Math.Max(across, 0);
        return first >= 0 && last < length;
    }

    /// <summary>
    /// The chapter's "SIMD" rung: the i-k-j loop, where row i of C accumulates a[i,p] times row p
    /// of B, one Vector&lt;float&gt; at a time. No blocking, no packing beyond making B's rows contiguous.
    /// </summary>
    internal static void MultiplySimd(
        float[] a, int aOffset, int aRowStride, int aColStride,
        float[] b, int bOffset, int bRowStride, int bColStride,
        float[] c, int cOffset, int m, int k, int n)
    {
        Debug.Assert(cOffset >= 0 && cOffset + (long)m * n <= c.Length);
        if (bColStride != 1)
        {
            var dense = new float[k * n];
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++)
                    dense[p * n + j] = b[bOffset + p * bRowStride + j * bColStride];
            (b, bOffset, bRowStride, bColStride) = (dense, 0, n, 1);
        }

        int width = Vector<float>.Count;
        for (int i = 0; i < m; i++)
        {
            var cRow = c.AsSpan(cOffset + i * n, n);
            cRow.Clear();
            for (int p = 0; p < k; p++)
            {
                float aip = a[aOffset + i * aRowStride + p * aColStride];
                var bRow = b.AsSpan(bOffset + p * bRowStride, n);
                var aVector = new Vector<float>(aip);
                int j = 0;
                for (; j <= n - width; j += width)
                    (new Vector<float>(cRow[j..]) + aVector * new Vector<float>(bRow[j..])).CopyTo(cRow[j..]);
                for (; j < n; j++)
                    cRow[j] += aip * bRow[j];
            }
        }
    }

    /// <summary>One call's operands as raw pointers, so worker threads can share them.</summary>
    readonly struct Problem(
        float* a, nint aRowStride, nint aColStride, float* b, nint bRowStride, nint bColStride,
        float* c, int m, int k, int n, bool useFma)
    {
        readonly float* a = a, b = b, c = c;
        readonly nint aRowStride = aRowStride, aColStride = aColStride;
        readonly nint bRowStride = bRowStride, bColStride = bColStride;
        readonly int m = m, k = k, n = n;
        readonly bool useFma = useFma;

        /// <summary>
        /// Packs B one panel of columns at a time (every KC-deep slice of it, so that threads need
        /// to meet only twice per panel), then computes C's rectangles for that panel.
        /// </summary>
        public void Run(int workers)
        {
            int rowTiles = (m + MR - 1) / MR;
            int slices = (k + KC - 1) / KC;
            int depth = (k + slices - 1) / slices;   // equal slices: no thin last one
            int panelWidth = Math.Clamp(PackedBBudget / k / NR * NR, NR, NC);
            for (int j0 = 0; j0 < n; j0 += panelWidth)
            {
                int cols = Math.Min(panelWidth, n - j0);
                int colTiles = (cols + NR - 1) / NR;
                float* packed = Rent(ref packedB, k * colTiles * NR);
                if (workers == 1)
                {
                    PackB(packed, depth, j0, cols, 0, colTiles);
                    Compute(packed, depth, j0, cols, 0, rowTiles, 0, colTiles);
                }
                else
                {
                    RunParallel(workers, packed, depth, j0, cols, rowTiles, colTiles);
                }
            }
        }

        /// <summary>
        /// One panel on several threads: pack B's tiles in shares, then compute C in a grid of
        /// rectangles. There are several rectangles per thread, handed out as threads free up,
        /// so a thread that the OS preempts delays the call by one rectangle, not by half of it.
        /// Rows are split first; columns only when there are too few rows to go round.
        /// </summary>
        void RunParallel(int workers, float* packed, int depth, int j0, int cols, int rowTiles, int colTiles)
        {
            int target = ChunksPerWorker * workers;
            int rowChunks = rowTiles >= 2 * workers ? Math.Min(rowTiles, target) : 1;
            int colChunks = Math.Min(colTiles, (target + rowChunks - 1) / rowChunks);
            int packChunks = Math.Min(colTiles, target);
            var self = this;
            Parallel.For(0, packChunks, Options, chunk => self.PackB(
                packed, depth, j0, cols, chunk * colTiles / packChunks, (chunk + 1) * colTiles / packChunks));
            Parallel.For(0, rowChunks * colChunks, Options, chunk =>
            {
                int r = chunk / colChunks, q = chunk % colChunks;
                self.Compute(packed, depth, j0, cols,
                    r * rowTiles / rowChunks, (r + 1) * rowTiles / rowChunks,
                    q * colTiles / colChunks, (q + 1) * colTiles / colChunks);
            });
        }

        /// <summary>
        /// C[tiles [r0, r1) × [q0, q1) of the panel at column j0] = A · B, one depth slice at a
        /// time: the first slice stores, later ones add. The slice of B starting at depth p0 sits
        /// at packedPanel + p0 * (panel width rounded up to whole tiles).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Compute(float* packedPanel, int depth, int j0, int cols, int r0, int r1, int q0, int q1)
        {
            if (r0 >= r1 || q0 >= q1) return;
            int blocks = (r1 - r0 + MC / MR - 1) / (MC / MR);
            int blockTiles = (r1 - r0 + blocks - 1) / blocks;
            int colTiles = (cols + NR - 1) / NR;
            float* tile = stackalloc float[MR * NR];
            float* packed = Rent(ref packedA, blockTiles * MR * depth);
            for (int p0 = 0; p0 < k; p0 += depth)
            {
                int kc = Math.Min(depth, k - p0);
                bool accumulate = p0 > 0;
                float* packedSlice = packedPanel + (nint)p0 * colTiles * NR;
                for (int rb = r0; rb < r1; rb += blockTiles)
                {
                    int re = Math.Min(rb + blockTiles, r1);
                    for (int r = rb; r < re; r++)
                        PackA(packed + (r - rb) * MR * kc, r * MR, p0, kc);

                    for (int q = q0; q < q1; q++)
                    {
                        float* bSliver = packedSlice + q * NR * kc;
                        int j = j0 + q * NR, width = Math.Min(NR, j0 + cols - j);
                        for (int r = rb; r < re; r++)
                        {
                            float* aSliver = packed + (r - rb) * MR * kc;
                            int i = r * MR, height = Math.Min(MR, m - i);
                            float* cTile = c + (nint)i * n + j;
                            if (height == MR && width == NR)
                            {
                                Kernel(kc, aSliver, bSliver, cTile, n, accumulate);
                                continue;
                            }
                            Kernel(kc, aSliver, bSliver, tile, NR, accumulate: false);
                            for (int ii = 0; ii < height; ii++)
                                for (int jj = 0; jj < width; jj++)
                                    cTile[(nint)ii * n + jj] = accumulate
                                        ? cTile[(nint)ii * n + jj] + tile[ii * NR + jj]
                                        : tile[ii * NR + jj];
                        }
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void Kernel(int kc, float* aSliver, float* bSliver, float* cTile, nint ldc, bool accumulate)
        {
            if (useFma) KernelFma(kc, aSliver, bSliver, cTile, ldc, accumulate);
            else KernelPortable(kc, aSliver, bSliver, cTile, ldc, accumulate);
        }

        /// <summary>
        /// Rows i..i+MR of A, depth p0..p0+kc, into [kc][MR] order. Rows past m repeat the last
        /// row: the kernel computes them but Compute never stores them, so they need no zeroing.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void PackA(float* dst, int i, int p0, int kc)
        {
            nint rs = aRowStride, cs = aColStride;
            int last = Math.Min(MR, m - i) - 1;
            float* src = a + i * rs + p0 * cs;
            float* r0 = src, r1 = src + Math.Min(1, last) * rs, r2 = src + Math.Min(2, last) * rs;
            float* r3 = src + Math.Min(3, last) * rs, r4 = src + Math.Min(4, last) * rs, r5 = src + last * rs;
            if (cs == 1)
            {
                nint p = 0;
                if (Avx.IsSupported)
                {
                    // Transpose 8 steps of the six rows at a time. Each stored column of 8 has six
                    // real values and two spare lanes, which the next store overwrites; the last
                    // spills two floats past the group, into space that is packed next or is slack.
                    for (; p + 8 <= kc; p += 8, dst += 8 * MR)
                    {
                        Vector256<float> v0 = Vector256.Load(r0 + p), v1 = Vector256.Load(r1 + p);
                        Vector256<float> v2 = Vector256.Load(r2 + p), v3 = Vector256.Load(r3 + p);
                        Vector256<float> v4 = Vector256.Load(r4 + p), v5 = Vector256.Load(r5 + p);
                        Vector256<float> v6 = v5, v7 = v5;
                        Transpose(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                        Vector256.Store(v0, dst);
                        Vector256.Store(v1, dst + MR);
                        Vector256.Store(v2, dst + 2 * MR);
                        Vector256.Store(v3, dst + 3 * MR);
                        Vector256.Store(v4, dst + 4 * MR);
                        Vector256.Store(v5, dst + 5 * MR);
                        Vector256.Store(v6, dst + 6 * MR);
                        Vector256.Store(v7, dst + 7 * MR);
                    }
                }
                for (; p < kc; p++, dst += MR)
                {
                    dst[0] = r0[p]; dst[1] = r1[p]; dst[2] = r2[p];
                    dst[3] = r3[p]; dst[4] = r4[p]; dst[5] = r5[p];
                }
                return;
            }
            for (nint p = 0, offset = 0; p < kc; p++, offset += cs, dst += MR)
            {
                dst[0] = r0[offset]; dst[1] = r1[offset]; dst[2] = r2[offset];
                dst[3] = r3[offset]; dst[4] = r4[offset]; dst[5] = r5[offset];
            }
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
                        {
                            Vector256.Store(Vector256.Load(src), dst);
                            Vector256.Store(Vector256.Load(src + 8), dst + 8);
                        }
                    }
                    else if (cs == 1 && Avx.IsSupported)
                    {
                        // Masked loads read only the columns that exist and zero the rest.
                        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
                        var left = Vector256.LessThan(lane, Vector256.Create(width)).AsSingle();
                        var right = Vector256.LessThan(lane, Vector256.Create(width - 8)).AsSingle();
                        for (int p = 0; p < kc; p++, dst += NR, src += rs)
                        {
                            Vector256.Store(Avx.MaskLoad(src, left), dst);
                            Vector256.Store(Avx.MaskLoad(src + 8, right), dst + 8);
                        }
                    }
                    else if (rs == 1 && Avx.IsSupported)
                    {
                        // Column-major B (a transposed view): transpose 8×8 blocks. Columns past
                        // the edge repeat the last one.
                        int p = 0;
                        for (; p + 8 <= kc; p += 8, src += 8)
                            for (int half = 0; half < NR; half += 8)
                            {
                                Vector256<float> v0 = Vector256.Load(src + Math.Min(half, width - 1) * cs);
                                Vector256<float> v1 = Vector256.Load(src + Math.Min(half + 1, width - 1) * cs);
                                Vector256<float> v2 = Vector256.Load(src + Math.Min(half + 2, width - 1) * cs);
                                Vector256<float> v3 = Vector256.Load(src + Math.Min(half + 3, width - 1) * cs);
                                Vector256<float> v4 = Vector256.Load(src + Math.Min(half + 4, width - 1) * cs);
                                Vector256<float> v5 = Vector256.Load(src + Math.Min(half + 5, width - 1) * cs);
                                Vector256<float> v6 = Vector256.Load(src + Math.Min(half + 6, width - 1) * cs);
                                Vector256<float> v7 = Vector256.Load(src + Math.Min(half + 7, width - 1) * cs);
                                Transpose(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                                float* d = dst + p * NR + half;
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
        const int Slack = 16 + 8;   // room to align to 64 bytes, plus PackA's two-float spill
        if (buffer is null || buffer.Length < length + Slack)
            buffer = GC.AllocateUninitializedArray<float>(Math.Max(length + Slack, 4096), pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)(((nint)p + 63) & ~(nint)63);
    }

    /// <summary>
    /// cTile[6×16] (+)= aSliver[kc][6] · bSliver[kc][16]: the twelve accumulators are
    /// c[i][0..8] and c[i][8..16] for the six rows i, each updated by one FMA per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void KernelFma(int kc, float* a, float* b, float* c, nint ldc, bool accumulate)
    {
        // Fetch the tile of C now so its cache misses overlap the loop instead of stalling the stores.
        for (int i = 0; i < MR; i++)
        {
            Sse.Prefetch0(c + i * ldc);
            Sse.Prefetch0(c + i * ldc + NR - 1);
        }
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            var b0 = Avx.LoadAlignedVector256(b);
            var b1 = Avx.LoadAlignedVector256(b + 8);
            var ai = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(ai, b0, c00);
            c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(ai, b0, c10);
            c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(ai, b0, c20);
            c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(ai, b0, c30);
            c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(ai, b0, c40);
            c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(ai, b0, c50);
            c51 = Fma.MultiplyAdd(ai, b1, c51);
        }
        StoreRow(c, c00, c01, accumulate);
        StoreRow(c + ldc, c10, c11, accumulate);
        StoreRow(c + 2 * ldc, c20, c21, accumulate);
        StoreRow(c + 3 * ldc, c30, c31, accumulate);
        StoreRow(c + 4 * ldc, c40, c41, accumulate);
        StoreRow(c + 5 * ldc, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow(float* c, Vector256<float> left, Vector256<float> right, bool accumulate)
    {
        if (accumulate)
        {
            left += Vector256.Load(c);
            right += Vector256.Load(c + 8);
        }
        Vector256.Store(left, c);
        Vector256.Store(right, c + 8);
    }

    /// <summary>
    /// The same tile without FMA or AVX: each Vector&lt;float&gt;-wide strip of each row of the tile
    /// is one dot product over p, kept in a register.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void KernelPortable(int kc, float* a, float* b, float* c, nint ldc, bool accumulate)
    {
        int width = Vector<float>.Count;
        for (int i = 0; i < MR; i++)
        {
            float* cRow = c + i * ldc;
            int j = 0;
            for (; j + width <= NR; j += width)
            {
                var sum = Vector<float>.Zero;
                for (int p = 0; p < kc; p++)
                    sum += new Vector<float>(a[p * MR + i]) * Vector.Load(b + p * NR + j);
                if (accumulate) sum += Vector.Load(cRow + j);
                Vector.Store(sum, cRow + j);
            }
            for (; j < NR; j++)
            {
                float sum = 0;
                for (int p = 0; p < kc; p++)
                    sum += a[p * MR + i] * b[p * NR + j];
                cRow[j] = accumulate ? cRow[j] + sum : sum;
            }
        }
    }
}
