using System;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>
    /// Argument checks shared by the library. Every message names the argument and, for matrices, their shapes
    /// (rows×columns; samples are columns). Checks run before anything is mutated.
    /// </summary>
    internal static class Guard
    {
        public static T NotNull<T>(T? value, string name)
            where T : class
        {
            if (value is null)
            {
                throw new ArgumentNullException(name);
            }

            return value;
        }

        public static string Shape<T>(Matrix<T> m)
            where T : struct, IEquatable<T>, IFormattable
        {
            return m.RowCount.ToString(CultureInfo.InvariantCulture) + "×" + m.ColumnCount.ToString(CultureInfo.InvariantCulture);
        }

        public static string Shape(int rows, int columns)
        {
            return rows.ToString(CultureInfo.InvariantCulture) + "×" + columns.ToString(CultureInfo.InvariantCulture);
        }

        public static bool IsFinite(double value)
        {
            // NaN − NaN and ∞ − ∞ are NaN; every finite value minus itself is 0.
            return value - value == 0;
        }

        public static void NotEmpty(Matrix<double> m, string name)
        {
            NotNull(m, name);
            if (m.RowCount == 0 || m.ColumnCount == 0)
            {
                throw new ArgumentException(
                    $"'{name}' is empty ({Shape(m)}); it needs at least one feature row and one sample column.", name);
            }
        }

        public static void Finite(Matrix<double> m, string name)
        {
            NotNull(m, name);
            var values = m.AsColumnMajorArray();
            if (values is not null)
            {
                if (Kernels.AllFinite(values))
                {
                    return;
                }

                for (var i = 0; i < values.Length; i++)
                {
                    if (!IsFinite(values[i]))
                    {
                        ThrowNonFinite(name, m, i % m.RowCount, i / m.RowCount, values[i]);
                    }
                }

                return;
            }

            for (var c = 0; c < m.ColumnCount; c++)
            {
                for (var r = 0; r < m.RowCount; r++)
                {
                    var v = m.At(r, c);
                    if (!IsFinite(v))
                    {
                        ThrowNonFinite(name, m, r, c, v);
                    }
                }
            }
        }

        public static void Finite(Vector<double> v, string name)
        {
            NotNull(v, name);
            var values = v.AsArray();
            if (values is not null)
            {
                if (Kernels.AllFinite(values))
                {
                    return;
                }

                for (var i = 0; i < values.Length; i++)
                {
                    if (!IsFinite(values[i]))
                    {
                        throw new ArgumentException(
                            string.Format(CultureInfo.InvariantCulture, "'{0}' (length {1}) contains {2} at index {3}.", name, v.Count, values[i], i), name);
                    }
                }

                return;
            }

            for (var i = 0; i < v.Count; i++)
            {
                if (!IsFinite(v.At(i)))
                {
                    throw new ArgumentException(
                        string.Format(CultureInfo.InvariantCulture, "'{0}' (length {1}) contains {2} at index {3}.", name, v.Count, v.At(i), i), name);
                }
            }
        }

        private static void ThrowNonFinite(string name, Matrix<double> m, int row, int column, double value)
        {
            throw new ArgumentException(
                string.Format(
                    CultureInfo.InvariantCulture,
                    "'{0}' ({1}, one sample per column) contains {2} at row {3}, column {4}; inputs must be finite.",
                    name,
                    Shape(m),
                    value,
                    row,
                    column),
                name);
        }

        public static void SameShape(Matrix<double> actual, Matrix<double> expected, string name, string expectedName)
        {
            if (actual.RowCount != expected.RowCount || actual.ColumnCount != expected.ColumnCount)
            {
                throw new ArgumentException(
                    $"'{name}' is {Shape(actual)} but '{expectedName}' is {Shape(expected)}; they must have the same shape (rows × samples).",
                    name);
            }
        }

        public static void Positive(double value, string name)
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(
                    name, value, $"'{name}' must be a positive finite number; it is {value.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        public static void Positive(int value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentOutOfRangeException(
                    name, value, $"'{name}' must be positive; it is {value.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        public static void InRange(double value, double minInclusive, double maxExclusive, string name)
        {
            if (!(value >= minInclusive && value < maxExclusive))
            {
                throw new ArgumentOutOfRangeException(
                    name,
                    value,
                    string.Format(CultureInfo.InvariantCulture, "'{0}' must be in [{1}, {2}); it is {3}.", name, minInclusive, maxExclusive, value));
            }
        }
    }
}
