using System;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>
    /// Applies a <see cref="Gradients"/> object (means over the samples of a batch, whose samples are columns) to a
    /// network's parameters. <see cref="Step"/> validates everything first, so a rejected step leaves the parameters
    /// and the optimizer's state unchanged. Derive from this class for a custom update rule.
    /// </summary>
    public abstract class Optimizer
    {
        private DenseNetwork? _stateOwner;

        /// <summary>Creates an optimizer with a positive, finite learning rate.</summary>
        protected Optimizer(double learningRate)
        {
            Guard.Positive(learningRate, nameof(learningRate));
            LearningRate = learningRate;
        }

        /// <summary>The step size.</summary>
        public double LearningRate { get; }

        /// <summary>Number of steps applied so far.</summary>
        public long StepCount { get; private set; }

        /// <summary>
        /// Updates <paramref name="network"/>'s weights and biases in place with <paramref name="gradients"/>. Throws
        /// <see cref="ArgumentException"/> before changing anything when the gradients do not fit the network (layer count,
        /// shapes) or contain NaN/∞.
        /// </summary>
        public void Step(DenseNetwork network, Gradients gradients)
        {
            Guard.NotNull(network, nameof(network));
            Guard.NotNull(gradients, nameof(gradients));
            network.CheckGradientShapes(gradients, nameof(gradients));
            for (var i = 0; i < gradients.LayerCount; i++)
            {
                Guard.Finite(gradients.WeightGradients[i], nameof(gradients));
                Guard.Finite(gradients.BiasGradients[i], nameof(gradients));
            }

            if (!ReferenceEquals(_stateOwner, network))
            {
                ResetState(network);
                _stateOwner = network;
            }

            StepCount++;
            for (var i = 0; i < network.Layers.Count; i++)
            {
                var layer = network.Layers[i];
                Update(i, layer.Weights, gradients.WeightGradients[i], layer.Biases, gradients.BiasGradients[i]);
            }
        }

        /// <summary>Creates per-parameter state (velocities, moments) for <paramref name="network"/>; called before its first step.</summary>
        protected virtual void ResetState(DenseNetwork network)
        {
        }

        /// <summary>
        /// Updates one layer's parameters in place (already validated): <paramref name="weights"/> (outputs × inputs, for
        /// inputs holding one sample per column) with <paramref name="weightGradient"/> (same shape, a mean over the
        /// batch's sample columns), <paramref name="biases"/> with <paramref name="biasGradient"/>.
        /// </summary>
        protected abstract void Update(int layer, Matrix<double> weights, Matrix<double> weightGradient, Vector<double> biases, Vector<double> biasGradient);

        internal static double[] Values(Matrix<double> m) => m.AsColumnMajorArray() ?? throw new ArgumentException("Dense storage expected.");

        internal static double[] Values(Vector<double> v) => v.AsArray() ?? throw new ArgumentException("Dense storage expected.");
    }

    /// <summary>
    /// Stochastic gradient descent with optional (heavy-ball) momentum: v ← μ·v − η·g; θ ← θ + v. With μ = 0 this is
    /// θ ← θ − η·g.
    /// </summary>
    public sealed class SgdOptimizer : Optimizer
    {
        private double[][] _weightVelocity = Array.Empty<double[]>();
        private double[][] _biasVelocity = Array.Empty<double[]>();

        /// <summary>Creates SGD with learning rate η &gt; 0 and momentum μ in [0, 1).</summary>
        public SgdOptimizer(double learningRate, double momentum = 0.0)
            : base(learningRate)
        {
            Guard.InRange(momentum, 0.0, 1.0, nameof(momentum));
            Momentum = momentum;
        }

        /// <summary>The momentum μ.</summary>
        public double Momentum { get; }

        /// <inheritdoc />
        protected override void ResetState(DenseNetwork network)
        {
            _weightVelocity = new double[network.Layers.Count][];
            _biasVelocity = new double[network.Layers.Count][];
            for (var i = 0; i < network.Layers.Count; i++)
            {
                _weightVelocity[i] = new double[network.Layers[i].Weights.RowCount * network.Layers[i].Weights.ColumnCount];
                _biasVelocity[i] = new double[network.Layers[i].Biases.Count];
            }
        }

        /// <inheritdoc />
        protected override void Update(int layer, Matrix<double> weights, Matrix<double> weightGradient, Vector<double> biases, Vector<double> biasGradient)
        {
            Apply(Values(weights), Values(weightGradient), _weightVelocity[layer]);
            Apply(Values(biases), Values(biasGradient), _biasVelocity[layer]);
        }

        private void Apply(double[] parameters, double[] gradient, double[] velocity)
        {
            var rate = LearningRate;
            var momentum = Momentum;
            if (momentum == 0)
            {
                // θ ← θ − η·g
                Kernels.Axpy(parameters, 0, gradient, 0, parameters.Length, -rate);
                return;
            }

            for (var k = 0; k < parameters.Length; k++)
            {
                velocity[k] = (momentum * velocity[k]) - (rate * gradient[k]);
                parameters[k] += velocity[k];
            }
        }
    }

    /// <summary>
    /// Adam (Kingma &amp; Ba): m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ − η·m̂ / (√v̂ + ε) with bias-corrected
    /// m̂ = m/(1−β1^t), v̂ = v/(1−β2^t).
    /// </summary>
    public sealed class AdamOptimizer : Optimizer
    {
        private double[][] _m = Array.Empty<double[]>();
        private double[][] _v = Array.Empty<double[]>();
        private double[][] _mb = Array.Empty<double[]>();
        private double[][] _vb = Array.Empty<double[]>();

        /// <summary>Creates Adam; β1, β2 in [0, 1), ε &gt; 0.</summary>
        public AdamOptimizer(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
            : base(learningRate)
        {
            Guard.InRange(beta1, 0.0, 1.0, nameof(beta1));
            Guard.InRange(beta2, 0.0, 1.0, nameof(beta2));
            Guard.Positive(epsilon, nameof(epsilon));
            Beta1 = beta1;
            Beta2 = beta2;
            Epsilon = epsilon;
        }

        /// <summary>Decay of the first moment.</summary>
        public double Beta1 { get; }

        /// <summary>Decay of the second moment.</summary>
        public double Beta2 { get; }

        /// <summary>Added to √v̂ to avoid division by zero.</summary>
        public double Epsilon { get; }

        /// <inheritdoc />
        protected override void ResetState(DenseNetwork network)
        {
            var n = network.Layers.Count;
            _m = new double[n][];
            _v = new double[n][];
            _mb = new double[n][];
            _vb = new double[n][];
            for (var i = 0; i < n; i++)
            {
                var size = network.Layers[i].Weights.RowCount * network.Layers[i].Weights.ColumnCount;
                _m[i] = new double[size];
                _v[i] = new double[size];
                _mb[i] = new double[network.Layers[i].Biases.Count];
                _vb[i] = new double[network.Layers[i].Biases.Count];
            }
        }

        /// <inheritdoc />
        protected override void Update(int layer, Matrix<double> weights, Matrix<double> weightGradient, Vector<double> biases, Vector<double> biasGradient)
        {
            // StepCount is incremented once per Step before the layers are updated.
            var t = (double)StepCount;
            var correction1 = 1.0 - Math.Pow(Beta1, t);
            var correction2 = 1.0 - Math.Pow(Beta2, t);
            Apply(Values(weights), Values(weightGradient), _m[layer], _v[layer], correction1, correction2);
            Apply(Values(biases), Values(biasGradient), _mb[layer], _vb[layer], correction1, correction2);
        }

        private void Apply(double[] parameters, double[] gradient, double[] m, double[] v, double correction1, double correction2)
        {
            for (var k = 0; k < parameters.Length; k++)
            {
                var g = gradient[k];
                m[k] = (Beta1 * m[k]) + ((1.0 - Beta1) * g);
                v[k] = (Beta2 * v[k]) + ((1.0 - Beta2) * g * g);
                var mHat = m[k] / correction1;
                var vHat = v[k] / correction2;
                parameters[k] -= LearningRate * mHat / (Math.Sqrt(vHat) + Epsilon);
            }
        }
    }
}
