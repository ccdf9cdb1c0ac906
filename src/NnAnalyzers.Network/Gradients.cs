using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>
    /// The gradients of a batch loss (a mean over the samples, which are columns of the batch) with respect to every
    /// layer's parameters, as returned by <see cref="DenseNetwork.Backward(Matrix{double}, Matrix{double}, Loss)"/>.
    /// Computing them changes nothing: pass them to <see cref="Optimizer.Step"/> to update the network.
    /// </summary>
    public sealed class Gradients
    {
        private readonly Matrix<double>[] _weightGradients;
        private readonly Vector<double>[] _biasGradients;

        /// <summary>
        /// Creates a gradients object from per-layer matrices (same shapes as each layer's weights, outputs × inputs, for
        /// inputs holding one sample per column) and vectors (one entry per output unit). The matrices are used as given
        /// (not copied).
        /// </summary>
        public Gradients(IEnumerable<Matrix<double>> weightGradients, IEnumerable<Vector<double>> biasGradients)
        {
            _weightGradients = Guard.NotNull(weightGradients, nameof(weightGradients)).ToArray();
            _biasGradients = Guard.NotNull(biasGradients, nameof(biasGradients)).ToArray();
            if (_weightGradients.Length != _biasGradients.Length)
            {
                throw new ArgumentException(
                    $"'biasGradients' has {_biasGradients.Length} layers but 'weightGradients' has {_weightGradients.Length}.", nameof(biasGradients));
            }

            for (var i = 0; i < _weightGradients.Length; i++)
            {
                if (_weightGradients[i] is null || _biasGradients[i] is null)
                {
                    throw new ArgumentNullException(_weightGradients[i] is null ? nameof(weightGradients) : nameof(biasGradients), $"Layer {i} has no gradient.");
                }
            }
        }

        internal Gradients(DenseNetwork network)
        {
            _weightGradients = new Matrix<double>[network.Layers.Count];
            _biasGradients = new Vector<double>[network.Layers.Count];
            for (var i = 0; i < _weightGradients.Length; i++)
            {
                var layer = network.Layers[i];
                _weightGradients[i] = Matrix<double>.Build.Dense(layer.OutputCount, layer.InputCount);
                _biasGradients[i] = Vector<double>.Build.Dense(layer.OutputCount);
            }
        }

        /// <summary>Number of layers.</summary>
        public int LayerCount => _weightGradients.Length;

        /// <summary>dLoss/dW per layer, each the shape of that layer's weights (outputs × inputs), a mean over the batch's sample columns.</summary>
        public IReadOnlyList<Matrix<double>> WeightGradients => _weightGradients;

        /// <summary>dLoss/db per layer, one entry per output unit.</summary>
        public IReadOnlyList<Vector<double>> BiasGradients => _biasGradients;

        /// <summary>The batch loss (mean over the samples) at the parameters the gradients were computed for; NaN when not computed.</summary>
        public double Loss { get; internal set; } = double.NaN;

        /// <summary>The number of samples (columns) of the batch the gradients were computed on; 0 when not computed.</summary>
        public int BatchSize { get; internal set; }

        /// <summary>The Euclidean norm of all the gradients of one layer (weights and biases together).</summary>
        public double LayerNorm(int layer)
        {
            if (layer < 0 || layer >= LayerCount)
            {
                throw new ArgumentOutOfRangeException(nameof(layer), layer, $"'layer' must be in [0, {LayerCount}).");
            }

            var w = _weightGradients[layer].FrobeniusNorm();
            var b = _biasGradients[layer].L2Norm();
            return Math.Sqrt((w * w) + (b * b));
        }

        internal Matrix<double> WeightGradient(int layer) => _weightGradients[layer];

        internal Vector<double> BiasGradient(int layer) => _biasGradients[layer];
    }
}
