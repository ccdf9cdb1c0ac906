using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>
    /// The three products of a dense layer on column-major storage (samples are columns). Small products — the seed
    /// network at any batch size — run as plain loops without allocation (MathNet's provider costs more in call overhead and
    /// temporary transposes than the arithmetic there); larger ones go to MathNet's in-place overloads.
    /// </summary>
    internal static class Kernels
    {
        /// <summary>Products with fewer multiply-adds than this use the loops.</summary>
        private const long SmallWork = 1L << 20;

        /// <summary>z = W · a (W: m×k, a: k×n, z: m×n).</summary>
        public static void Multiply(Matrix<double> w, Matrix<double> a, Matrix<double> z)
        {
            int m = w.RowCount, k = w.ColumnCount, n = a.ColumnCount;
            var ws = w.AsColumnMajorArray();
            var aS = a.AsColumnMajorArray();
            var zs = z.AsColumnMajorArray();
            if (ws is null || aS is null || zs is null || (long)m * k * n > SmallWork)
            {
                w.Multiply(a, z);
                return;
            }

            System.Array.Clear(zs, 0, m * n);
            for (var j = 0; j < n; j++)
            {
                var zOffset = j * m;
                var aOffset = j * k;
                for (var p = 0; p < k; p++)
                {
                    var v = aS[aOffset + p];
                    if (v == 0)
                    {
                        continue;
                    }

                    var wOffset = p * m;
                    for (var i = 0; i < m; i++)
                    {
                        zs[zOffset + i] += ws[wOffset + i] * v;
                    }
                }
            }
        }

        /// <summary>g = δ · aᵀ (δ: m×n, a: k×n, g: m×k).</summary>
        public static void MultiplyTransposed(Matrix<double> delta, Matrix<double> a, Matrix<double> g)
        {
            int m = delta.RowCount, n = delta.ColumnCount, k = a.RowCount;
            var ds = delta.AsColumnMajorArray();
            var aS = a.AsColumnMajorArray();
            var gs = g.AsColumnMajorArray();
            if (ds is null || aS is null || gs is null || (long)m * k * n > SmallWork)
            {
                delta.TransposeAndMultiply(a, g);
                return;
            }

            System.Array.Clear(gs, 0, m * k);
            for (var j = 0; j < n; j++)
            {
                var dOffset = j * m;
                var aOffset = j * k;
                for (var p = 0; p < k; p++)
                {
                    var v = aS[aOffset + p];
                    var gOffset = p * m;
                    for (var i = 0; i < m; i++)
                    {
                        gs[gOffset + i] += ds[dOffset + i] * v;
                    }
                }
            }
        }

        /// <summary>d = Wᵀ · δ (W: m×k, δ: m×n, d: k×n).</summary>
        public static void TransposedMultiply(Matrix<double> w, Matrix<double> delta, Matrix<double> d)
        {
            int m = w.RowCount, k = w.ColumnCount, n = delta.ColumnCount;
            var ws = w.AsColumnMajorArray();
            var es = delta.AsColumnMajorArray();
            var ds = d.AsColumnMajorArray();
            if (ws is null || es is null || ds is null || (long)m * k * n > SmallWork)
            {
                w.TransposeThisAndMultiply(delta, d);
                return;
            }

            for (var j = 0; j < n; j++)
            {
                var eOffset = j * m;
                var dOffset = j * k;
                for (var p = 0; p < k; p++)
                {
                    var wOffset = p * m;
                    var sum = 0.0;
                    for (var i = 0; i < m; i++)
                    {
                        sum += ws[wOffset + i] * es[eOffset + i];
                    }

                    ds[dOffset + p] = sum;
                }
            }
        }
    }
}
