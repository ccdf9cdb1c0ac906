using System;
using MathNet.Numerics.LinearAlgebra;
#if NET
using Simd = System.Numerics.Vector<double>;
using SimdOps = System.Numerics.Vector;
using System.Runtime.InteropServices;
#endif

namespace NnAnalyzers.Network
{
    /// <summary>
    /// The three products of a dense layer on column-major storage (samples are columns), as allocation-free loops over
    /// the dense arrays (SIMD on .NET 5+). The weight column stays in cache while it meets every sample of the batch.
    /// Non-dense storage goes to MathNet's in-place overloads.
    /// </summary>
    internal static class Kernels
    {
        /// <summary>z = W · a (W: m×k, a: k×n, z: m×n).</summary>
        public static void Multiply(Matrix<double> w, Matrix<double> a, Matrix<double> z)
        {
            int m = w.RowCount, k = w.ColumnCount, n = a.ColumnCount;
            var ws = w.AsColumnMajorArray();
            var aS = a.AsColumnMajorArray();
            var zs = z.AsColumnMajorArray();
            if (ws is null || aS is null || zs is null)
            {
                w.Multiply(a, z);
                return;
            }

            Array.Clear(zs, 0, m * n);
            for (var p = 0; p < k; p++)
            {
                var wOffset = p * m;
                for (var j = 0; j < n; j++)
                {
                    var v = aS[(j * k) + p];
                    if (v != 0)
                    {
                        Axpy(zs, j * m, ws, wOffset, m, v);
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
            if (ds is null || aS is null || gs is null)
            {
                delta.TransposeAndMultiply(a, g);
                return;
            }

            Array.Clear(gs, 0, m * k);
            for (var p = 0; p < k; p++)
            {
                var gOffset = p * m;
                for (var j = 0; j < n; j++)
                {
                    var v = aS[(j * k) + p];
                    if (v != 0)
                    {
                        Axpy(gs, gOffset, ds, j * m, m, v);
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
            if (ws is null || es is null || ds is null)
            {
                w.TransposeThisAndMultiply(delta, d);
                return;
            }

            for (var p = 0; p < k; p++)
            {
                var wOffset = p * m;
                for (var j = 0; j < n; j++)
                {
                    ds[(j * k) + p] = Dot(ws, wOffset, es, j * m, m);
                }
            }
        }

        /// <summary>y[yOffset..+count] += a · x[xOffset..+count].</summary>
        internal static void Axpy(double[] y, int yOffset, double[] x, int xOffset, int count, double a)
        {
            var i = 0;
#if NET
            if (SimdOps.IsHardwareAccelerated && count >= Simd.Count)
            {
                var yv = MemoryMarshal.Cast<double, Simd>(y.AsSpan(yOffset, count));
                var xv = MemoryMarshal.Cast<double, Simd>(x.AsSpan(xOffset, count));
                var av = new Simd(a);
                for (var v = 0; v < yv.Length; v++)
                {
                    yv[v] += xv[v] * av;
                }

                i = yv.Length * Simd.Count;
            }
#endif
            for (; i < count; i++)
            {
                y[yOffset + i] += x[xOffset + i] * a;
            }
        }

        /// <summary>
        /// True when every value is finite. Fast path: the sum of the values is finite only if no value is NaN or ±∞
        /// (a finite sum proves it); only a non-finite sum, which may be an overflow, needs the element-wise check.
        /// </summary>
        internal static bool AllFinite(double[] values)
        {
            var i = 0;
            var sum = 0.0;
#if NET
            if (SimdOps.IsHardwareAccelerated && values.Length >= Simd.Count)
            {
                var vs = MemoryMarshal.Cast<double, Simd>(values.AsSpan());
                var acc = Simd.Zero;
                for (var v = 0; v < vs.Length; v++)
                {
                    acc += vs[v];
                }

                sum = SimdOps.Dot(acc, Simd.One);
                i = vs.Length * Simd.Count;
            }
#endif
            for (; i < values.Length; i++)
            {
                sum += values[i];
            }

            if (sum - sum == 0)
            {
                return true;
            }

            foreach (var v in values)
            {
                if (v - v != 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Σ x[xOffset+i] · y[yOffset+i] for i &lt; count.</summary>
        private static double Dot(double[] x, int xOffset, double[] y, int yOffset, int count)
        {
            var i = 0;
            var sum = 0.0;
#if NET
            if (SimdOps.IsHardwareAccelerated && count >= Simd.Count)
            {
                var xv = MemoryMarshal.Cast<double, Simd>(x.AsSpan(xOffset, count));
                var yv = MemoryMarshal.Cast<double, Simd>(y.AsSpan(yOffset, count));
                var acc = Simd.Zero;
                for (var v = 0; v < xv.Length; v++)
                {
                    acc += xv[v] * yv[v];
                }

                sum = SimdOps.Dot(acc, Simd.One);
                i = xv.Length * Simd.Count;
            }
#endif
            for (; i < count; i++)
            {
                sum += x[xOffset + i] * y[yOffset + i];
            }

            return sum;
        }
    }
}
