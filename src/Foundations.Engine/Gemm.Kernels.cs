using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Foundations.Engine;

/// <summary>Which micro-kernel computes the tiles of C.</summary>
public enum GemmKernel { Avx512, Avx2, Portable }

/// <summary>
/// A micro-kernel and the sizes it was tuned with: cTile[Rows×Columns] (+)= aSliver[kc][Rows] · bSliver[kc][Columns],
/// where a sliver of A holds, for each step p, the Rows values of one column of A, and a sliver of B
/// one row of Columns values. On C's edges only the first <c>rows</c> × <c>columns</c> of the tile
/// exist, and the kernel stores only those (the rest of its arithmetic is thrown away). Depth (KC) bounds kc; BlockRows (MC) and PanelColumns (NC) size the
/// packed blocks of A and B that Problem keeps in L2 and L3.
/// </summary>
internal unsafe interface IMicroKernel
{
    static abstract int Rows { get; }
    static abstract int Columns { get; }
    static abstract int Depth { get; }
    static abstract int BlockRows { get; }
    static abstract int PanelColumns { get; }
    static abstract void Multiply(int kc, float* a, float* b, float* c, nint ldc, int rows, int columns, bool accumulate);
}

// The 256-bit and portable micro-kernels; the 512-bit one is in Gemm.Avx512.cs.
public static unsafe partial class Gemm
{
    /// <summary>
    /// 6×16 on AVX2 + FMA: the twelve accumulators c[i][0..8] and c[i][8..16] for the six rows i
    /// fill twelve of the sixteen ymm registers, each updated by one FMA per step: 12 FMAs for
    /// 8 loads, enough to keep both FMA pipes busy. A 16-column sliver of B 256 deep is 16 KiB,
    /// half of L1; a 240×256 block of A is 240 KiB, half of L2.
    /// </summary>
    internal readonly struct Avx2Kernel : IMicroKernel
    {
        public static int Rows => 6;
        public static int Columns => 16;
        public static int Depth => 256;
        public static int BlockRows => 40 * Rows;
        public static int PanelColumns => 256 * Columns;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Multiply(int kc, float* a, float* b, float* c, nint ldc, int rows, int columns, bool accumulate)
        {
            // Fetch the tile of C now so its cache misses overlap the loop instead of stalling the stores.
            for (int i = 0; i < Rows; i++)
            {
                Sse.Prefetch0(c + i * ldc);
                Sse.Prefetch0(c + i * ldc + Columns - 1);
            }
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
            Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
            for (int p = 0; p < kc; p++, a += Rows, b += Columns)
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
            if (rows == Rows && columns == Columns)
            {
                StoreRow(c, c00, c01, accumulate);
                StoreRow(c + ldc, c10, c11, accumulate);
                StoreRow(c + 2 * ldc, c20, c21, accumulate);
                StoreRow(c + 3 * ldc, c30, c31, accumulate);
                StoreRow(c + 4 * ldc, c40, c41, accumulate);
                StoreRow(c + 5 * ldc, c50, c51, accumulate);
                return;
            }
            // An edge tile: masked stores, only the rows that exist (as in the 512-bit kernel).
            var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            var left = Vector256.LessThan(lane, Vector256.Create(columns)).AsSingle();
            var right = Vector256.LessThan(lane, Vector256.Create(columns - 8)).AsSingle();
            StoreRow(c, c00, c01, left, right, accumulate); if (rows == 1) return;
            StoreRow(c + ldc, c10, c11, left, right, accumulate); if (rows == 2) return;
            StoreRow(c + 2 * ldc, c20, c21, left, right, accumulate); if (rows == 3) return;
            StoreRow(c + 3 * ldc, c30, c31, left, right, accumulate); if (rows == 4) return;
            StoreRow(c + 4 * ldc, c40, c41, left, right, accumulate); if (rows == 5) return;
            StoreRow(c + 5 * ldc, c50, c51, left, right, accumulate);
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

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void StoreRow(float* c, Vector256<float> v0, Vector256<float> v1, Vector256<float> left, Vector256<float> right, bool accumulate)
        {
            if (accumulate)
            {
                v0 += Avx.MaskLoad(c, left);
                v1 += Avx.MaskLoad(c + 8, right);
            }
            Avx.MaskStore(c, left, v0);
            Avx.MaskStore(c + 8, right, v1);
        }
    }

    /// <summary>
    /// The same tile and blocking without FMA or AVX, for any CPU: each Vector&lt;float&gt;-wide
    /// strip of each row of the tile is one dot product over p, kept in a register. Being a loop over
    /// the tile's elements, it computes only the ones that exist.
    /// </summary>
    internal readonly struct PortableKernel : IMicroKernel
    {
        public static int Rows => Avx2Kernel.Rows;
        public static int Columns => Avx2Kernel.Columns;
        public static int Depth => Avx2Kernel.Depth;
        public static int BlockRows => Avx2Kernel.BlockRows;
        public static int PanelColumns => Avx2Kernel.PanelColumns;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Multiply(int kc, float* a, float* b, float* c, nint ldc, int rows, int columns, bool accumulate)
        {
            int width = Vector<float>.Count;
            for (int i = 0; i < rows; i++)
            {
                float* cRow = c + i * ldc;
                int j = 0;
                for (; j + width <= columns; j += width)
                {
                    var sum = Vector<float>.Zero;
                    for (int p = 0; p < kc; p++)
                        sum += new Vector<float>(a[p * Rows + i]) * Vector.Load(b + p * Columns + j);
                    if (accumulate) sum += Vector.Load(cRow + j);
                    Vector.Store(sum, cRow + j);
                }
                for (; j < columns; j++)
                {
                    float sum = 0;
                    for (int p = 0; p < kc; p++)
                        sum += a[p * Rows + i] * b[p * Columns + j];
                    cRow[j] = accumulate ? cRow[j] + sum : sum;
                }
            }
        }
    }
}
