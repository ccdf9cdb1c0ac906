using System;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>The activation function of a <see cref="DenseLayer"/>.</summary>
    public enum Activation
    {
        /// <summary>No activation: the layer outputs its pre-activations (logits for a loss computed from logits).</summary>
        Identity,

        /// <summary>The logistic sigmoid 1 / (1 + e^−z), computed without overflow.</summary>
        Sigmoid,

        /// <summary>The hyperbolic tangent.</summary>
        Tanh,

        /// <summary>The rectified linear unit max(0, z).</summary>
        ReLU,

        /// <summary>The leaky rectified linear unit: z for z &gt; 0, slope · z otherwise.</summary>
        LeakyReLU,
    }

    /// <summary>
    /// Activation functions and their derivatives. Matrices hold one sample per column (rows are units). Every
    /// derivative says in its name what it takes: <c>…FromOutput(a)</c> takes the activation's output a = f(z),
    /// <c>…FromPreActivation(z)</c> takes the pre-activation z, so a caller cannot feed one where the other is due.
    /// </summary>
    public static class Activations
    {
        /// <summary>The default slope of <see cref="Activation.LeakyReLU"/> for negative inputs.</summary>
        public const double DefaultLeakySlope = 0.01;

        /// <summary>The sigmoid of one value, overflow-safe: never evaluates e^x for a positive x.</summary>
        public static double Sigmoid(double z)
        {
            if (z >= 0)
            {
                return 1.0 / (1.0 + Math.Exp(-z));
            }

            var e = Math.Exp(z);
            return e / (1.0 + e);
        }

        /// <summary>σ′ from the sigmoid's output a = σ(z): a · (1 − a).</summary>
        public static double SigmoidDerivativeFromOutput(double a) => a * (1.0 - a);

        /// <summary>σ′ from the pre-activation z: σ(z) · (1 − σ(z)).</summary>
        public static double SigmoidDerivativeFromPreActivation(double z)
        {
            var a = Sigmoid(z);
            return a * (1.0 - a);
        }

        /// <summary>tanh′ from the output a = tanh(z): 1 − a².</summary>
        public static double TanhDerivativeFromOutput(double a) => 1.0 - (a * a);

        /// <summary>tanh′ from the pre-activation z: 1 − tanh(z)².</summary>
        public static double TanhDerivativeFromPreActivation(double z)
        {
            var a = Math.Tanh(z);
            return 1.0 - (a * a);
        }

        /// <summary>ReLU of one value.</summary>
        public static double Relu(double z) => z > 0 ? z : 0.0;

        /// <summary>ReLU′ from the pre-activation z: 1 for z &gt; 0, else 0.</summary>
        public static double ReluDerivativeFromPreActivation(double z) => z > 0 ? 1.0 : 0.0;

        /// <summary>ReLU′ from the output a = max(0, z): 1 for a &gt; 0, else 0.</summary>
        public static double ReluDerivativeFromOutput(double a) => a > 0 ? 1.0 : 0.0;

        /// <summary>Leaky ReLU of one value with the given negative slope.</summary>
        public static double LeakyRelu(double z, double slope = DefaultLeakySlope) => z > 0 ? z : slope * z;

        /// <summary>Leaky ReLU′ from the pre-activation z: 1 for z &gt; 0, else the slope.</summary>
        public static double LeakyReluDerivativeFromPreActivation(double z, double slope = DefaultLeakySlope) => z > 0 ? 1.0 : slope;

        /// <summary>Element-wise sigmoid of a matrix (one sample per column); returns a new matrix.</summary>
        public static Matrix<double> Sigmoid(Matrix<double> z) => MapNew(z, nameof(z), Sigmoid);

        /// <summary>Element-wise σ′ from the sigmoid's output (one sample per column); returns a new matrix.</summary>
        public static Matrix<double> SigmoidDerivativeFromOutput(Matrix<double> a) => MapNew(a, nameof(a), SigmoidDerivativeFromOutput);

        /// <summary>Element-wise σ′ from the pre-activation (one sample per column); returns a new matrix.</summary>
        public static Matrix<double> SigmoidDerivativeFromPreActivation(Matrix<double> z) => MapNew(z, nameof(z), SigmoidDerivativeFromPreActivation);

        /// <summary>Element-wise tanh of a matrix (one sample per column); returns a new matrix.</summary>
        public static Matrix<double> Tanh(Matrix<double> z) => MapNew(z, nameof(z), Math.Tanh);

        /// <summary>Element-wise tanh′ from the output (one sample per column); returns a new matrix.</summary>
        public static Matrix<double> TanhDerivativeFromOutput(Matrix<double> a) => MapNew(a, nameof(a), TanhDerivativeFromOutput);

        /// <summary>Element-wise tanh′ from the pre-activation (one sample per column); returns a new matrix.</summary>
        public static Matrix<double> TanhDerivativeFromPreActivation(Matrix<double> z) => MapNew(z, nameof(z), TanhDerivativeFromPreActivation);

        /// <summary>Element-wise ReLU (one sample per column); returns a new matrix.</summary>
        public static Matrix<double> Relu(Matrix<double> z) => MapNew(z, nameof(z), Relu);

        /// <summary>Element-wise ReLU′ from the pre-activation (one sample per column); returns a new matrix.</summary>
        public static Matrix<double> ReluDerivativeFromPreActivation(Matrix<double> z) => MapNew(z, nameof(z), ReluDerivativeFromPreActivation);

        /// <summary>Element-wise leaky ReLU (one sample per column); returns a new matrix.</summary>
        public static Matrix<double> LeakyRelu(Matrix<double> z, double slope = DefaultLeakySlope) => MapNew(z, nameof(z), v => LeakyRelu(v, slope));

        /// <summary>Element-wise leaky ReLU′ from the pre-activation (one sample per column); returns a new matrix.</summary>
        public static Matrix<double> LeakyReluDerivativeFromPreActivation(Matrix<double> z, double slope = DefaultLeakySlope) =>
            MapNew(z, nameof(z), v => LeakyReluDerivativeFromPreActivation(v, slope));

        /// <summary>
        /// Softmax of each sample: <paramref name="logits"/> holds one sample per column, and each column is shifted by
        /// its own maximum before exponentiation and divided by its own sum, so the result is finite for any finite
        /// logits and every column sums to 1. Returns a new matrix.
        /// </summary>
        public static Matrix<double> Softmax(Matrix<double> logits)
        {
            Guard.NotNull(logits, nameof(logits));
            var result = Matrix<double>.Build.Dense(logits.RowCount, logits.ColumnCount);
            Softmax(logits, result);
            return result;
        }

        /// <summary>
        /// Softmax of each sample (one sample per column, max-shifted per column) written into <paramref name="result"/>,
        /// which must have the shape of <paramref name="logits"/> (it may be the same matrix).
        /// </summary>
        public static void Softmax(Matrix<double> logits, Matrix<double> result)
        {
            Guard.NotNull(logits, nameof(logits));
            Guard.NotNull(result, nameof(result));
            Guard.SameShape(result, logits, nameof(result), nameof(logits));
            SoftmaxColumns(logits, result);
        }

        /// <summary>
        /// log Σ exp over each sample (one sample per column), shifted by the column maximum; returns one value per column.
        /// </summary>
        public static Vector<double> LogSumExp(Matrix<double> logits)
        {
            Guard.NotNull(logits, nameof(logits));
            var result = Vector<double>.Build.Dense(logits.ColumnCount);
            for (var c = 0; c < logits.ColumnCount; c++)
            {
                result[c] = LogSumExpOfColumn(logits, c);
            }

            return result;
        }

        internal static double LogSumExpOfColumn(Matrix<double> logits, int column)
        {
            var max = double.NegativeInfinity;
            for (var r = 0; r < logits.RowCount; r++)
            {
                max = Math.Max(max, logits.At(r, column));
            }

            var sum = 0.0;
            for (var r = 0; r < logits.RowCount; r++)
            {
                sum += Math.Exp(logits.At(r, column) - max);
            }

            return max + Math.Log(sum);
        }

        internal static void SoftmaxColumns(Matrix<double> logits, Matrix<double> result)
        {
            for (var c = 0; c < logits.ColumnCount; c++)
            {
                var max = double.NegativeInfinity;
                for (var r = 0; r < logits.RowCount; r++)
                {
                    max = Math.Max(max, logits.At(r, c));
                }

                var sum = 0.0;
                for (var r = 0; r < logits.RowCount; r++)
                {
                    var e = Math.Exp(logits.At(r, c) - max);
                    result.At(r, c, e);
                    sum += e;
                }

                for (var r = 0; r < logits.RowCount; r++)
                {
                    result.At(r, c, result.At(r, c) / sum);
                }
            }
        }

        /// <summary>Applies <paramref name="activation"/> element-wise from <paramref name="z"/> into <paramref name="a"/> (same shape).</summary>
        internal static void Apply(Activation activation, double leakySlope, Matrix<double> z, Matrix<double> a)
        {
            var zs = z.AsColumnMajorArray();
            var aS = a.AsColumnMajorArray();
            if (zs is null || aS is null)
            {
                for (var c = 0; c < z.ColumnCount; c++)
                {
                    for (var r = 0; r < z.RowCount; r++)
                    {
                        a.At(r, c, Apply(activation, leakySlope, z.At(r, c)));
                    }
                }

                return;
            }

            switch (activation)
            {
                case Activation.Identity:
                    if (!ReferenceEquals(zs, aS))
                    {
                        Array.Copy(zs, aS, zs.Length);
                    }

                    break;
                case Activation.Sigmoid:
                    for (var i = 0; i < zs.Length; i++)
                    {
                        aS[i] = Sigmoid(zs[i]);
                    }

                    break;
                case Activation.Tanh:
                    for (var i = 0; i < zs.Length; i++)
                    {
                        aS[i] = Math.Tanh(zs[i]);
                    }

                    break;
                case Activation.ReLU:
                    for (var i = 0; i < zs.Length; i++)
                    {
                        aS[i] = Relu(zs[i]);
                    }

                    break;
                default:
                    for (var i = 0; i < zs.Length; i++)
                    {
                        aS[i] = LeakyRelu(zs[i], leakySlope);
                    }

                    break;
            }
        }

        internal static double Apply(Activation activation, double leakySlope, double z)
        {
            switch (activation)
            {
                case Activation.Identity: return z;
                case Activation.Sigmoid: return Sigmoid(z);
                case Activation.Tanh: return Math.Tanh(z);
                case Activation.ReLU: return Relu(z);
                default: return LeakyRelu(z, leakySlope);
            }
        }

        /// <summary>
        /// Multiplies <paramref name="delta"/> (dL/da) in place by f′, using the output a for sigmoid and tanh and the
        /// pre-activation z for the rectifiers; the result is dL/dz.
        /// </summary>
        internal static void MultiplyByDerivative(Activation activation, double leakySlope, Matrix<double> z, Matrix<double> a, Matrix<double> delta)
        {
            if (activation == Activation.Identity)
            {
                return;
            }

            var zs = z.AsColumnMajorArray()!;
            var aS = a.AsColumnMajorArray()!;
            var ds = delta.AsColumnMajorArray()!;
            switch (activation)
            {
                case Activation.Sigmoid:
                    for (var i = 0; i < ds.Length; i++)
                    {
                        ds[i] *= SigmoidDerivativeFromOutput(aS[i]);
                    }

                    break;
                case Activation.Tanh:
                    for (var i = 0; i < ds.Length; i++)
                    {
                        ds[i] *= TanhDerivativeFromOutput(aS[i]);
                    }

                    break;
                case Activation.ReLU:
                    for (var i = 0; i < ds.Length; i++)
                    {
                        ds[i] *= ReluDerivativeFromPreActivation(zs[i]);
                    }

                    break;
                default:
                    for (var i = 0; i < ds.Length; i++)
                    {
                        ds[i] *= LeakyReluDerivativeFromPreActivation(zs[i], leakySlope);
                    }

                    break;
            }
        }

        private static Matrix<double> MapNew(Matrix<double> m, string name, Func<double, double> f)
        {
            Guard.NotNull(m, name);
            var result = Matrix<double>.Build.Dense(m.RowCount, m.ColumnCount);
            for (var c = 0; c < m.ColumnCount; c++)
            {
                for (var r = 0; r < m.RowCount; r++)
                {
                    result.At(r, c, f(m.At(r, c)));
                }
            }

            return result;
        }
    }
}
