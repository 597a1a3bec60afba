using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Foundations;

// The micro-kernels: one MR×NR tile of C from a packed sliver of A and one of B.
internal static unsafe partial class Gemm
{
    readonly partial struct Problem
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void Kernel(int kc, float* aSliver, float* bSliver, float* cTile, nint ldc, bool accumulate)
        {
            if (useFma) KernelFma(kc, aSliver, bSliver, cTile, ldc, accumulate);
            else KernelPortable(kc, aSliver, bSliver, cTile, ldc, accumulate);
        }
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
