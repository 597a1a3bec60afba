using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Foundations.Engine;

// The 512-bit micro-kernel, for CPUs with AVX-512 (thirty-two zmm registers).
public static unsafe partial class Gemm
{
    /// <summary>
    /// 14×32 on AVX-512: 28 accumulators (14 rows of 2 Vector512) plus 2 rows of B and one
    /// broadcast value of A use 31 of the 32 zmm registers; each step is 28 FMAs for 16 loads.
    /// </summary>
    /// <remarks>
    /// The blocks are deep rather than L1-sized: a 1024-deep sliver of B (128 KiB) and a block of
    /// 8 slivers of A (448 KiB) share L2, and both are streamed from there. Every further depth
    /// slice reads and rewrites all of C once more, so fewer, deeper slices save passes over C,
    /// and on a 1 MiB L2 that saving is larger than the cost of reading B from L2 instead of L1.
    /// The block sizes were chosen with the benchmarks in src/Foundations.Benchmarks, whose
    /// results, not this comment, are the place for the timings.
    /// </remarks>
    internal readonly struct Avx512Kernel : IMicroKernel
    {
        public static int Rows => 14;
        public static int Columns => 32;
        public static int Depth => 1024;
        public static int BlockRows => 8 * Rows;
        public static int PanelColumns => 128 * Columns;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Multiply(int kc, float* a, float* b, float* c, nint ldc, int rows, int columns, bool accumulate)
        {
            for (int i = 0; i < Rows; i++)
                for (int j = 0; j < Columns; j += 16)
                    Sse.Prefetch0(c + i * ldc + j);
            Vector512<float> c000 = default, c001 = default, c010 = default, c011 = default;
            Vector512<float> c020 = default, c021 = default, c030 = default, c031 = default;
            Vector512<float> c040 = default, c041 = default, c050 = default, c051 = default;
            Vector512<float> c060 = default, c061 = default, c070 = default, c071 = default;
            Vector512<float> c080 = default, c081 = default, c090 = default, c091 = default;
            Vector512<float> c100 = default, c101 = default, c110 = default, c111 = default;
            Vector512<float> c120 = default, c121 = default, c130 = default, c131 = default;
            for (int p = 0; p < kc; p++, a += Rows, b += Columns)
            {
                var b0 = Vector512.Load(b);
                var b1 = Vector512.Load(b + 16);
                var ai = Vector512.Create(a[0]);
                c000 = Avx512F.FusedMultiplyAdd(ai, b0, c000);
                c001 = Avx512F.FusedMultiplyAdd(ai, b1, c001);
                ai = Vector512.Create(a[1]);
                c010 = Avx512F.FusedMultiplyAdd(ai, b0, c010);
                c011 = Avx512F.FusedMultiplyAdd(ai, b1, c011);
                ai = Vector512.Create(a[2]);
                c020 = Avx512F.FusedMultiplyAdd(ai, b0, c020);
                c021 = Avx512F.FusedMultiplyAdd(ai, b1, c021);
                ai = Vector512.Create(a[3]);
                c030 = Avx512F.FusedMultiplyAdd(ai, b0, c030);
                c031 = Avx512F.FusedMultiplyAdd(ai, b1, c031);
                ai = Vector512.Create(a[4]);
                c040 = Avx512F.FusedMultiplyAdd(ai, b0, c040);
                c041 = Avx512F.FusedMultiplyAdd(ai, b1, c041);
                ai = Vector512.Create(a[5]);
                c050 = Avx512F.FusedMultiplyAdd(ai, b0, c050);
                c051 = Avx512F.FusedMultiplyAdd(ai, b1, c051);
                ai = Vector512.Create(a[6]);
                c060 = Avx512F.FusedMultiplyAdd(ai, b0, c060);
                c061 = Avx512F.FusedMultiplyAdd(ai, b1, c061);
                ai = Vector512.Create(a[7]);
                c070 = Avx512F.FusedMultiplyAdd(ai, b0, c070);
                c071 = Avx512F.FusedMultiplyAdd(ai, b1, c071);
                ai = Vector512.Create(a[8]);
                c080 = Avx512F.FusedMultiplyAdd(ai, b0, c080);
                c081 = Avx512F.FusedMultiplyAdd(ai, b1, c081);
                ai = Vector512.Create(a[9]);
                c090 = Avx512F.FusedMultiplyAdd(ai, b0, c090);
                c091 = Avx512F.FusedMultiplyAdd(ai, b1, c091);
                ai = Vector512.Create(a[10]);
                c100 = Avx512F.FusedMultiplyAdd(ai, b0, c100);
                c101 = Avx512F.FusedMultiplyAdd(ai, b1, c101);
                ai = Vector512.Create(a[11]);
                c110 = Avx512F.FusedMultiplyAdd(ai, b0, c110);
                c111 = Avx512F.FusedMultiplyAdd(ai, b1, c111);
                ai = Vector512.Create(a[12]);
                c120 = Avx512F.FusedMultiplyAdd(ai, b0, c120);
                c121 = Avx512F.FusedMultiplyAdd(ai, b1, c121);
                ai = Vector512.Create(a[13]);
                c130 = Avx512F.FusedMultiplyAdd(ai, b0, c130);
                c131 = Avx512F.FusedMultiplyAdd(ai, b1, c131);
            }
            if (rows == Rows && columns == Columns)
            {
                StoreRow(c + 0 * ldc, c000, c001, accumulate);
                StoreRow(c + 1 * ldc, c010, c011, accumulate);
                StoreRow(c + 2 * ldc, c020, c021, accumulate);
                StoreRow(c + 3 * ldc, c030, c031, accumulate);
                StoreRow(c + 4 * ldc, c040, c041, accumulate);
                StoreRow(c + 5 * ldc, c050, c051, accumulate);
                StoreRow(c + 6 * ldc, c060, c061, accumulate);
                StoreRow(c + 7 * ldc, c070, c071, accumulate);
                StoreRow(c + 8 * ldc, c080, c081, accumulate);
                StoreRow(c + 9 * ldc, c090, c091, accumulate);
                StoreRow(c + 10 * ldc, c100, c101, accumulate);
                StoreRow(c + 11 * ldc, c110, c111, accumulate);
                StoreRow(c + 12 * ldc, c120, c121, accumulate);
                StoreRow(c + 13 * ldc, c130, c131, accumulate);
                return;
            }
            // A tile on C's edge: masked stores write only its first `columns` columns, and only
            // its first `rows` rows are stored; a neighbouring tile's elements are never touched.
            var lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            var left = Vector512.LessThan(lane, Vector512.Create(columns)).AsSingle();
            var right = Vector512.LessThan(lane, Vector512.Create(columns - 16)).AsSingle();
            StoreRow(c + 0 * ldc, c000, c001, left, right, accumulate); if (rows == 1) return;
            StoreRow(c + 1 * ldc, c010, c011, left, right, accumulate); if (rows == 2) return;
            StoreRow(c + 2 * ldc, c020, c021, left, right, accumulate); if (rows == 3) return;
            StoreRow(c + 3 * ldc, c030, c031, left, right, accumulate); if (rows == 4) return;
            StoreRow(c + 4 * ldc, c040, c041, left, right, accumulate); if (rows == 5) return;
            StoreRow(c + 5 * ldc, c050, c051, left, right, accumulate); if (rows == 6) return;
            StoreRow(c + 6 * ldc, c060, c061, left, right, accumulate); if (rows == 7) return;
            StoreRow(c + 7 * ldc, c070, c071, left, right, accumulate); if (rows == 8) return;
            StoreRow(c + 8 * ldc, c080, c081, left, right, accumulate); if (rows == 9) return;
            StoreRow(c + 9 * ldc, c090, c091, left, right, accumulate); if (rows == 10) return;
            StoreRow(c + 10 * ldc, c100, c101, left, right, accumulate); if (rows == 11) return;
            StoreRow(c + 11 * ldc, c110, c111, left, right, accumulate); if (rows == 12) return;
            StoreRow(c + 12 * ldc, c120, c121, left, right, accumulate); if (rows == 13) return;
            StoreRow(c + 13 * ldc, c130, c131, left, right, accumulate);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void StoreRow(float* c, Vector512<float> v0, Vector512<float> v1, bool accumulate)
        {
            if (accumulate)
            {
                v0 += Vector512.Load(c + 0);
                v1 += Vector512.Load(c + 16);
            }
            Vector512.Store(v0, c + 0);
            Vector512.Store(v1, c + 16);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void StoreRow(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> left, Vector512<float> right, bool accumulate)
        {
            if (accumulate)
            {
                v0 += Avx512F.MaskLoad(c + 0, left, Vector512<float>.Zero);
                v1 += Avx512F.MaskLoad(c + 16, right, Vector512<float>.Zero);
            }
            Avx512F.MaskStore(c + 0, left, v0);
            Avx512F.MaskStore(c + 16, right, v1);
        }
    }
}
