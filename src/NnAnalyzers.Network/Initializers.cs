using System;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>How a <see cref="DenseLayer"/>'s weights are drawn. Every scheme is zero-centred.</summary>
    public enum Initialization
    {
        /// <summary>Glorot/Xavier uniform: U(−√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut))). Default for sigmoid and tanh.</summary>
        GlorotUniform,

        /// <summary>Glorot/Xavier normal: N(0, 2/(fanIn+fanOut)).</summary>
        GlorotNormal,

        /// <summary>He uniform: U(−√(6/fanIn), +√(6/fanIn)). Default for the rectifiers.</summary>
        HeUniform,

        /// <summary>He normal: N(0, 2/fanIn).</summary>
        HeNormal,

        /// <summary>LeCun uniform: U(−√(3/fanIn), +√(3/fanIn)).</summary>
        LeCunUniform,

        /// <summary>LeCun normal: N(0, 1/fanIn).</summary>
        LeCunNormal,
    }

    /// <summary>
    /// Weight and bias initializers. A weight matrix is outputs × inputs (fanOut × fanIn) because the layer computes
    /// W · X on inputs X that hold one sample per column. Every initializer takes an explicit <see cref="Random"/> (a
    /// fixed seed gives the same weights) and draws zero-centred values; biases start at zero.
    /// </summary>
    public static class Initializers
    {
        /// <summary>The scheme suited to an activation: Glorot uniform for sigmoid, tanh and identity; He uniform for the rectifiers.</summary>
        public static Initialization DefaultFor(Activation activation)
        {
            return activation == Activation.ReLU || activation == Activation.LeakyReLU ? Initialization.HeUniform : Initialization.GlorotUniform;
        }

        /// <summary>Draws a fanOut × fanIn weight matrix with <paramref name="scheme"/> (for inputs holding one sample per column).</summary>
        public static Matrix<double> Create(Initialization scheme, int fanOut, int fanIn, Random random)
        {
            switch (scheme)
            {
                case Initialization.GlorotUniform: return GlorotUniform(fanOut, fanIn, random);
                case Initialization.GlorotNormal: return GlorotNormal(fanOut, fanIn, random);
                case Initialization.HeUniform: return HeUniform(fanOut, fanIn, random);
                case Initialization.HeNormal: return HeNormal(fanOut, fanIn, random);
                case Initialization.LeCunUniform: return LeCunUniform(fanOut, fanIn, random);
                case Initialization.LeCunNormal: return LeCunNormal(fanOut, fanIn, random);
                default: throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown initialization scheme.");
            }
        }

        /// <summary>Glorot/Xavier uniform fanOut × fanIn weights (inputs hold one sample per column), limit √(6/(fanIn+fanOut)).</summary>
        public static Matrix<double> GlorotUniform(int fanOut, int fanIn, Random random)
        {
            Check(fanOut, fanIn, random);
            return SymmetricUniform(fanOut, fanIn, Math.Sqrt(6.0 / (fanIn + fanOut)), random);
        }

        /// <summary>Glorot/Xavier normal fanOut × fanIn weights (inputs hold one sample per column), σ = √(2/(fanIn+fanOut)).</summary>
        public static Matrix<double> GlorotNormal(int fanOut, int fanIn, Random random)
        {
            Check(fanOut, fanIn, random);
            return CentredNormal(fanOut, fanIn, Math.Sqrt(2.0 / (fanIn + fanOut)), random);
        }

        /// <summary>He uniform fanOut × fanIn weights (inputs hold one sample per column), limit √(6/fanIn).</summary>
        public static Matrix<double> HeUniform(int fanOut, int fanIn, Random random)
        {
            Check(fanOut, fanIn, random);
            return SymmetricUniform(fanOut, fanIn, Math.Sqrt(6.0 / fanIn), random);
        }

        /// <summary>He normal fanOut × fanIn weights (inputs hold one sample per column), σ = √(2/fanIn).</summary>
        public static Matrix<double> HeNormal(int fanOut, int fanIn, Random random)
        {
            Check(fanOut, fanIn, random);
            return CentredNormal(fanOut, fanIn, Math.Sqrt(2.0 / fanIn), random);
        }

        /// <summary>LeCun uniform fanOut × fanIn weights (inputs hold one sample per column), limit √(3/fanIn).</summary>
        public static Matrix<double> LeCunUniform(int fanOut, int fanIn, Random random)
        {
            Check(fanOut, fanIn, random);
            return SymmetricUniform(fanOut, fanIn, Math.Sqrt(3.0 / fanIn), random);
        }

        /// <summary>LeCun normal fanOut × fanIn weights (inputs hold one sample per column), σ = √(1/fanIn).</summary>
        public static Matrix<double> LeCunNormal(int fanOut, int fanIn, Random random)
        {
            Check(fanOut, fanIn, random);
            return CentredNormal(fanOut, fanIn, Math.Sqrt(1.0 / fanIn), random);
        }

        /// <summary>Zero biases: one per output unit, shared by every sample (column) of a batch.</summary>
        public static Vector<double> ZeroBiases(int outputs)
        {
            Guard.Positive(outputs, nameof(outputs));
            return Vector<double>.Build.Dense(outputs);
        }

        private static Matrix<double> SymmetricUniform(int fanOut, int fanIn, double limit, Random random)
        {
            var weights = Matrix<double>.Build.Dense(fanOut, fanIn);
            for (var r = 0; r < fanOut; r++)
            {
                for (var c = 0; c < fanIn; c++)
                {
                    weights[r, c] = (random.NextDouble() * 2.0 - 1.0) * limit;
                }
            }

            return weights;
        }

        private static Matrix<double> CentredNormal(int fanOut, int fanIn, double standardDeviation, Random random)
        {
            var weights = Matrix<double>.Build.Dense(fanOut, fanIn);
            for (var r = 0; r < fanOut; r++)
            {
                for (var c = 0; c < fanIn; c++)
                {
                    weights[r, c] = Normal.Sample(random, 0.0, standardDeviation);
                }
            }

            return weights;
        }

        private static void Check(int fanOut, int fanIn, Random random)
        {
            Guard.Positive(fanOut, nameof(fanOut));
            Guard.Positive(fanIn, nameof(fanIn));
            Guard.NotNull(random, nameof(random));
        }
    }
}
