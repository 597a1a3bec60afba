using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Foundations.Engine;

/// <summary>
/// Fast float32 matrix multiply over spans: C = A·B or C += A·B, with A (m×k) and B (k×n) read
/// through any pair of strides and C written as m rows of n elements, row i starting at i·ldc.
/// </summary>
/// <remarks>
/// The layout follows the BLIS/GotoBLAS recipe. An MR×NR block of C lives in vector registers while
/// the micro-kernel streams one column of an MR-row sliver of A and one row of an NR-column sliver
/// of B per step, MR·NR/width FMAs for a handful of loads. To make those streams contiguous, and to
/// make any strides (transposed, broadcast) look the same to the kernel, A and B are first copied
/// ("packed") into buffers: an MC×KC block of A sits in L2 while the KC×NR slivers of B pass
/// through, each used for every sliver of A in the block, and a KC-deep slice of a packed B panel
/// waits in L3. The textbook sizes keep a sliver of B in L1; the 512-bit kernel's deeper blocks
/// stream it from L2 instead (Gemm.Avx512.cs says why). Each micro-kernel (Gemm.Kernels.cs,
/// Gemm.Avx512.cs) carries its own tile and block sizes; the loops here are generic over it, so
/// the JIT compiles one specialised copy per kernel with those sizes as constants.
/// </remarks>
public static unsafe partial class Gemm
{
    // Floats of packed B per panel (16 MiB): every slice of a panel is packed before any thread
    // starts computing, so products deeper than 1024 get narrower panels.
    const int PackedBBudget = 1 << 22;

    /// <summary>
    /// A product runs on the calling thread unless one thread would spend at least this much work
    /// on it (<see cref="EstimatedWork"/>'s units). Below it, handing chunks to the helpers and
    /// waiting for the last one costs more than the split saves, the more so when other processes
    /// keep the other cores busy. The crossover benchmark
    /// (<c>dotnet run -c Release --project src/Foundations.Benchmarks -- crossover</c>) measures
    /// where the split starts to win; this sits where it wins on a busy machine too.
    /// </summary>
    public const long ParallelThreshold = 450_000;

    // What copying one float costs, in multiply-adds of 512-bit lanes (one FMA instruction is 16):
    // packing a float of A or B about half an instruction, storing a float of C about one.
    // Fitted to the crossover benchmark's single-thread times.
    const int PackCost = 8, StoreCost = 16;
    const int ChunksPerWorker = 2;

    // A packed B panel up to this many floats (256 KiB, well within L2) is packed by each thread
    // for itself, only the tiles its chunks need: reading tiles another core has just packed costs
    // more than packing them again. A larger one is packed once, in shares, and read by all.
    const long PrivatePackFloats = 1L << 16;

    /// <summary>The micro-kernel this process uses: the widest its CPU and runtime settings allow.</summary>
    public static GemmKernel Best { get; } =
        IsSupported(GemmKernel.Avx512) ? GemmKernel.Avx512
        : IsSupported(GemmKernel.Avx2) ? GemmKernel.Avx2
        : GemmKernel.Portable;

    /// <summary>
    /// Whether <paramref name="kernel"/> can run here. AVX-512 also needs Vector512 to be preferred,
    /// so DOTNET_PreferredVectorBitWidth=256 (or DOTNET_EnableAVX512=0) selects the AVX2 kernel.
    /// </summary>
    public static bool IsSupported(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        GemmKernel.Avx2 => Fma.IsSupported && Avx2.IsSupported,
        _ => true,
    };

    /// <summary>Bits per vector register the kernel computes with (the portable one: Vector&lt;float&gt;).</summary>
    public static int VectorBits(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Avx512 => 512,
        GemmKernel.Avx2 => 256,
        _ => Vector<float>.Count * 32,
    };

    /// <summary>Rows and columns of the tile of C that <paramref name="kernel"/> computes at a time.</summary>
    public static (int Rows, int Columns) Tile(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Avx512 => (Avx512Kernel.Rows, Avx512Kernel.Columns),
        GemmKernel.Avx2 => (Avx2Kernel.Rows, Avx2Kernel.Columns),
        _ => (PortableKernel.Rows, PortableKernel.Columns),
    };

    /// <summary>
    /// The kernel <see cref="Multiply(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, int, int, int, Span{float}, int, int, int, int, bool, bool)"/>
    /// uses for an m×n result: the best one, except that a 14×32 tile is mostly padding on a small C
    /// (a 5×10 result fills 11% of one). The 6×16 kernel is chosen when the share of its tiles that
    /// C fills is more than twice the 512-bit kernel's, since the latter does twice the work per instruction.
    /// </summary>
    public static GemmKernel Choose(int m, int n)
    {
        if (Best != GemmKernel.Avx512 || m <= 0 || n <= 0) return Best;
        return 2 * Filled<Avx512Kernel>(m, n) >= Filled<Avx2Kernel>(m, n) ? GemmKernel.Avx512 : GemmKernel.Avx2;
    }

    static double Filled<TKernel>(int m, int n) where TKernel : struct, IMicroKernel =>
        (double)m * n / ((m + TKernel.Rows - 1) / TKernel.Rows * TKernel.Rows) / ((n + TKernel.Columns - 1) / TKernel.Columns * TKernel.Columns);

    /// <summary>Threads a product runs on: the whole team when it may and is big enough to gain, else one.</summary>
    public static int Workers(bool parallel, int m, int k, int n, GemmKernel kernel) =>
        parallel && EstimatedWork(m, k, n, kernel) >= ParallelThreshold ? GemmTeam.Size : 1;

    /// <summary>
    /// What one thread spends on the product, in multiply-adds of 512-bit lanes: the arithmetic of
    /// every tile, padding included (a 256-bit FMA instruction takes as long as a 512-bit one, so
    /// its lanes count double), plus packing A and B and storing C. Counting the padding and the
    /// copies matters for thin products: 1×784×50 has 39,200 multiply-adds but, in 6-row tiles of
    /// which it fills one row, costs as much as a 100×100×100 product's 1,000,000.
    /// </summary>
    public static long EstimatedWork(int m, int k, int n, GemmKernel kernel)
    {
        var (rows, columns) = Tile(kernel);
        long paddedM = (m + rows - 1) / rows * rows, paddedN = (n + columns - 1) / columns * columns;
        long arithmetic = paddedM * paddedN * k * Math.Max(1, 512 / VectorBits(kernel));
        return arithmetic + PackCost * (paddedM + paddedN) * k + StoreCost * (long)m * n;
    }

    /// <summary>
    /// c[i·ldc + j] = Σ_p a[aOffset + i·aRowStride + p·aColStride] · b[bOffset + p·bRowStride + j·bColStride]
    /// for i &lt; m, j &lt; n (with <paramref name="accumulate"/>, c[i·ldc + j] += the same sum).
    /// </summary>
    /// <remarks>
    /// Strides are in elements and may be anything a strided view produces: 1, a transpose's row
    /// length, negative, or 0 for a broadcast dimension; the offsets say where element (0, 0) sits,
    /// so a negative stride can walk back from there. Every element addressed must lie inside its
    /// span, and C must not overlap A or B. The elements of C between row ends and the next row
    /// (j ≥ n when ldc &gt; n) are never touched. When k = 0 the product is all zeros, so C is
    /// cleared (or left alone when accumulating). Small products run on the calling thread; with
    /// <paramref name="parallel"/>, larger ones (<see cref="Workers"/>) use every core.
    /// </remarks>
    public static void Multiply(
        ReadOnlySpan<float> a, int aOffset, int aRowStride, int aColStride,
        ReadOnlySpan<float> b, int bOffset, int bRowStride, int bColStride,
        Span<float> c, int ldc, int m, int k, int n, bool accumulate = false, bool parallel = true)
    {
        var kernel = Choose(m, n);
        Multiply(a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride,
            c, ldc, m, k, n, accumulate, m < 0 || k < 0 || n < 0 ? 1 : Workers(parallel, m, k, n, kernel), kernel);
    }

    /// <summary>
    /// As above, on <paramref name="workers"/> threads (split however small the product) with the
    /// micro-kernel given, so tests can run every kernel on either path and benchmarks can time them.
    /// </summary>
    public static void Multiply(
        ReadOnlySpan<float> a, int aOffset, int aRowStride, int aColStride,
        ReadOnlySpan<float> b, int bOffset, int bRowStride, int bColStride,
        Span<float> c, int ldc, int m, int k, int n, bool accumulate, int workers, GemmKernel kernel)
    {
        if (m < 0 || k < 0 || n < 0)
            throw new ArgumentOutOfRangeException(m < 0 ? nameof(m) : k < 0 ? nameof(k) : nameof(n), $"Gemm.Multiply: sizes must not be negative, got m = {m}, k = {k}, n = {n}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if (!IsSupported(kernel))
            throw new PlatformNotSupportedException($"Gemm.Multiply: the {kernel} micro-kernel cannot run in this process.");
        if (m == 0 || n == 0) return;
        if (ldc < n)
            throw new ArgumentOutOfRangeException(nameof(ldc), $"Gemm.Multiply: rows of C must not overlap: ldc = {ldc} is less than n = {n}.");
        if ((long)(m - 1) * ldc + n > c.Length)
            throw new ArgumentException($"Gemm.Multiply: C has {c.Length} elements, too few for {m} rows of {n} with ldc = {ldc}.", nameof(c));
        if (k > 0 && !InBounds(a.Length, aOffset, m, aRowStride, k, aColStride))
            throw new ArgumentException($"Gemm.Multiply: the ({m}×{k}) view of A at offset {aOffset}, strides ({aRowStride}, {aColStride}), reaches outside its {a.Length} elements.", nameof(a));
        if (k > 0 && !InBounds(b.Length, bOffset, k, bRowStride, n, bColStride))
            throw new ArgumentException($"Gemm.Multiply: the ({k}×{n}) view of B at offset {bOffset}, strides ({bRowStride}, {bColStride}), reaches outside its {b.Length} elements.", nameof(b));
        var cUsed = c[..((m - 1) * ldc + n)];
        if (k > 0 && (cUsed.Overlaps(a) || cUsed.Overlaps(b)))
            throw new ArgumentException("Gemm.Multiply: C overlaps an operand; the product would overwrite its own input.", nameof(c));
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            var operands = new Operands(pa + aOffset, aRowStride, aColStride, pb + bOffset, bRowStride, bColStride,
                pc, ldc, m, k, n, accumulate);
            switch (kernel)
            {
                case GemmKernel.Avx512: new Problem<Avx512Kernel>(operands).Run(workers); break;
                case GemmKernel.Avx2: new Problem<Avx2Kernel>(operands).Run(workers); break;
                default: new Problem<PortableKernel>(operands).Run(workers); break;
            }
        }
    }

    static bool InBounds(int length, int offset, int rows, int rowStride, int cols, int colStride)
    {
        long down = (long)(rows - 1) * rowStride, across = (long)(cols - 1) * colStride;
        long first = offset + Math.Min(down, 0) + Math.Min(across, 0);
        long last = offset + Math.Max(down, 0) + Math.Max(across, 0);
        return first >= 0 && last < length;
    }

    /// <summary>One call's operands as raw pointers, so worker threads can share them.</summary>
    readonly struct Operands(
        float* a, nint aRowStride, nint aColStride, float* b, nint bRowStride, nint bColStride,
        float* c, nint ldc, int m, int k, int n, bool accumulate)
    {
        public readonly float* A = a, B = b, C = c;
        public readonly nint Ldc = ldc;
        public readonly nint ARowStride = aRowStride, AColStride = aColStride, BRowStride = bRowStride, BColStride = bColStride;
        public readonly int M = m, K = k, N = n;
        // C += A·B instead of C = A·B: the first depth slice adds to C as the later ones do.
        public readonly bool Accumulate = accumulate;
    }

    /// <summary>One product, computed with the tile and block sizes of <typeparamref name="TKernel"/>.</summary>
    readonly partial struct Problem<TKernel>(Operands operands) where TKernel : struct, IMicroKernel
    {
        readonly float* a = operands.A, b = operands.B, c = operands.C;
        readonly nint aRowStride = operands.ARowStride, aColStride = operands.AColStride;
        readonly nint bRowStride = operands.BRowStride, bColStride = operands.BColStride;
        readonly nint ldc = operands.Ldc;
        readonly int m = operands.M, k = operands.K, n = operands.N;
        readonly bool addToC = operands.Accumulate;

        static int MR => TKernel.Rows;
        static int NR => TKernel.Columns;
        static int KC => TKernel.Depth;
        static int MC => TKernel.BlockRows;
        static int NC => TKernel.PanelColumns;

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
                if (workers == 1)
                {
                    float* packed = Rent(ref packedB, k * colTiles * NR);
                    PackB(packed, depth, j0, cols, 0, colTiles);
                    Compute(packed, depth, j0, cols, 0, rowTiles, 0, colTiles);
                }
                else
                {
                    RunParallel(workers, depth, j0, cols, rowTiles, colTiles);
                }
            }
        }

        /// <summary>
        /// One panel on several threads, as a grid of rectangles of C, several per thread, so that a
        /// thread the OS preempts delays the call by one rectangle, not by half of it (GemmTeam hands
        /// them out). Rows are split first; columns only when there are too few rows to go round.
        /// A small panel of B is packed by each thread for its own rectangles; a large one is packed
        /// in shares first and then read by every thread.
        /// </summary>
        void RunParallel(int workers, int depth, int j0, int cols, int rowTiles, int colTiles)
        {
            int target = ChunksPerWorker * workers;
            int rowChunks = rowTiles >= 2 * workers ? Math.Min(rowTiles, target) : 1;
            int colChunks = Math.Min(colTiles, (target + rowChunks - 1) / rowChunks);
            int panelFloats = k * colTiles * NR;
            var self = this;
            if (panelFloats <= PrivatePackFloats)
            {
                long call = Interlocked.Increment(ref parallelPanels);
                GemmTeam.Run(rowChunks * colChunks, chunk =>
                {
                    int r = chunk / colChunks, q = chunk % colChunks;
                    int q0 = q * colTiles / colChunks, q1 = (q + 1) * colTiles / colChunks;
                    float* own = Rent(ref packedB, panelFloats);
                    // A thread that already packed these tiles for this panel (an earlier row chunk) reuses them.
                    if (privatePanel != call || q0 < privateFirstTile || q1 > privateEndTile)
                    {
                        self.PackB(own, depth, j0, cols, q0, q1);
                        (privatePanel, privateFirstTile, privateEndTile) = (call, q0, q1);
                    }
                    self.Compute(own, depth, j0, cols,
                        r * rowTiles / rowChunks, (r + 1) * rowTiles / rowChunks, q0, q1);
                });
                return;
            }

            float* packed = Rent(ref packedB, panelFloats);
            int packChunks = Math.Min(colTiles, target);
            GemmTeam.Run(packChunks, chunk => self.PackB(
                packed, depth, j0, cols, chunk * colTiles / packChunks, (chunk + 1) * colTiles / packChunks));
            GemmTeam.Run(rowChunks * colChunks, chunk =>
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
            float* packed = Rent(ref packedA, blockTiles * MR * depth);
            for (int p0 = 0; p0 < k; p0 += depth)
            {
                int kc = Math.Min(depth, k - p0);
                bool accumulate = addToC || p0 > 0;
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
                            int i = r * MR;
                            TKernel.Multiply(kc, packed + (r - rb) * MR * kc, bSliver, c + i * ldc + j, ldc,
                                Math.Min(MR, m - i), width, accumulate);
                        }
                    }
                }
            }
        }
    }
}
