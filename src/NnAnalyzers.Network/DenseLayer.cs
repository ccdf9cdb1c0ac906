using System;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>
    /// A fully connected layer a = f(W · x + b) on inputs x that hold one sample per column: <see cref="Weights"/> is
    /// outputs × inputs, <see cref="Biases"/> has one entry per output unit and is added to every sample (column).
    /// </summary>
    public sealed class DenseLayer
    {
        /// <summary>
        /// Creates a layer with weights drawn by <paramref name="initialization"/> (by default the scheme suited to
        /// <paramref name="activation"/>, see <see cref="Initializers.DefaultFor"/>) from <paramref name="random"/>, and zero biases.
        /// </summary>
        public DenseLayer(int inputs, int outputs, Activation activation, Random random, Initialization? initialization = null)
        {
            Guard.Positive(inputs, nameof(inputs));
            Guard.Positive(outputs, nameof(outputs));
            Guard.NotNull(random, nameof(random));
            CheckActivation(activation);
            Weights = Initializers.Create(initialization ?? Initializers.DefaultFor(activation), outputs, inputs, random);
            Biases = Initializers.ZeroBiases(outputs);
            Activation = activation;
        }

        /// <summary>
        /// Creates a layer from given parameters (copied): <paramref name="weights"/> is outputs × inputs (inputs hold one
        /// sample per column), <paramref name="biases"/> has one entry per output unit. Both must be finite.
        /// </summary>
        public DenseLayer(Matrix<double> weights, Vector<double> biases, Activation activation, double leakySlope = Activations.DefaultLeakySlope)
        {
            Guard.NotEmpty(weights, nameof(weights));
            Guard.NotNull(biases, nameof(biases));
            if (biases.Count != weights.RowCount)
            {
                throw new ArgumentException(
                    $"'biases' has length {biases.Count} but 'weights' is {Guard.Shape(weights)} (outputs × inputs); it needs one bias per output unit ({weights.RowCount}).",
                    nameof(biases));
            }

            Guard.Finite(weights, nameof(weights));
            Guard.Finite(biases, nameof(biases));
            CheckActivation(activation);
            if (!Guard.IsFinite(leakySlope))
            {
                throw new ArgumentOutOfRangeException(nameof(leakySlope), leakySlope, "'leakySlope' must be finite.");
            }

            Weights = Matrix<double>.Build.DenseOfMatrix(weights);
            Biases = Vector<double>.Build.DenseOfVector(biases);
            Activation = activation;
            LeakySlope = leakySlope;
        }

        /// <summary>The weights, outputs × inputs (inputs hold one sample per column). Updated in place by optimizers.</summary>
        public Matrix<double> Weights { get; }

        /// <summary>The biases, one per output unit, added to every sample (column). Updated in place by optimizers.</summary>
        public Vector<double> Biases { get; }

        /// <summary>The activation applied to W · x + b.</summary>
        public Activation Activation { get; }

        /// <summary>The negative slope used by <see cref="Activation.LeakyReLU"/>.</summary>
        public double LeakySlope { get; } = Activations.DefaultLeakySlope;

        /// <summary>Number of inputs (rows of the input matrix, whose columns are samples).</summary>
        public int InputCount => Weights.ColumnCount;

        /// <summary>Number of output units (rows of the output matrix, whose columns are samples).</summary>
        public int OutputCount => Weights.RowCount;

        /// <summary>
        /// The layer's activations f(W · x + b) for <paramref name="inputs"/> (inputs × samples, one sample per column);
        /// returns a new outputs × samples matrix.
        /// </summary>
        public Matrix<double> Forward(Matrix<double> inputs)
        {
            Guard.NotEmpty(inputs, nameof(inputs));
            if (inputs.RowCount != InputCount)
            {
                throw new ArgumentException(
                    $"'inputs' is {Guard.Shape(inputs)} but the layer's weights are {Guard.Shape(Weights)}; inputs need {InputCount} rows (one sample per column).",
                    nameof(inputs));
            }

            Guard.Finite(inputs, nameof(inputs));
            var z = Matrix<double>.Build.Dense(OutputCount, inputs.ColumnCount);
            var a = Matrix<double>.Build.Dense(OutputCount, inputs.ColumnCount);
            ForwardInto(inputs, z, a);
            return a;
        }

        /// <summary>z = W · x + b (bias added to each column), a = f(z); buffers are outputs × samples.</summary>
        internal void ForwardInto(Matrix<double> inputs, Matrix<double> z, Matrix<double> a)
        {
            Kernels.Multiply(Weights, inputs, z);
            var zs = z.AsColumnMajorArray()!;
            var bs = Biases.AsArray()!;
            var rows = z.RowCount;
            for (var c = 0; c < z.ColumnCount; c++)
            {
                var offset = c * rows;
                for (var r = 0; r < rows; r++)
                {
                    zs[offset + r] += bs[r];
                }
            }

            Activations.Apply(Activation, LeakySlope, z, a);
        }

        internal DenseLayer Clone() => new DenseLayer(Weights, Biases, Activation, LeakySlope);

        private static void CheckActivation(Activation activation)
        {
            if (activation < Activation.Identity || activation > Activation.LeakyReLU)
            {
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }
    }
}
