using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>
    /// A feed-forward network of <see cref="DenseLayer"/>s. Inputs are features × samples (one sample per column); every
    /// layer's output is units × samples. Not thread-safe: it reuses buffers between calls.
    /// </summary>
    public sealed class DenseNetwork
    {
        private readonly DenseLayer[] _layers;
        private readonly Workspace?[] _workspaces = new Workspace?[4];

        /// <summary>Creates a network from layers whose sizes chain (each layer's inputs = the previous layer's outputs).</summary>
        public DenseNetwork(IEnumerable<DenseLayer> layers)
        {
            _layers = Guard.NotNull(layers, nameof(layers)).ToArray();
            if (_layers.Length == 0)
            {
                throw new ArgumentException("'layers' is empty; a network needs at least one layer.", nameof(layers));
            }

            for (var i = 0; i < _layers.Length; i++)
            {
                if (_layers[i] is null)
                {
                    throw new ArgumentNullException(nameof(layers), $"Layer {i} is null.");
                }

                if (i > 0 && _layers[i].InputCount != _layers[i - 1].OutputCount)
                {
                    throw new ArgumentException(
                        $"'layers': layer {i} has weights {Guard.Shape(_layers[i].Weights)} (outputs × inputs) but layer {i - 1} outputs {_layers[i - 1].OutputCount} units.",
                        nameof(layers));
                }
            }
        }

        /// <summary>
        /// Creates a network <paramref name="inputs"/> → <paramref name="hidden"/> units (with
        /// <paramref name="hiddenActivation"/>) → <paramref name="outputs"/> (with <paramref name="outputActivation"/>;
        /// Identity gives logits for <see cref="Loss.SoftmaxCrossEntropy"/>), weights drawn from <paramref name="random"/>
        /// by <paramref name="initialization"/> (default: suited to each layer's activation), zero biases. Inputs hold one
        /// sample per column.
        /// </summary>
        public static DenseNetwork Create(
            int inputs,
            IReadOnlyList<int> hidden,
            int outputs,
            Random random,
            Activation hiddenActivation = Activation.Sigmoid,
            Activation outputActivation = Activation.Identity,
            Initialization? initialization = null)
        {
            Guard.Positive(inputs, nameof(inputs));
            Guard.NotNull(hidden, nameof(hidden));
            Guard.Positive(outputs, nameof(outputs));
            Guard.NotNull(random, nameof(random));
            var layers = new List<DenseLayer>();
            var previous = inputs;
            foreach (var size in hidden)
            {
                Guard.Positive(size, nameof(hidden));
                layers.Add(new DenseLayer(previous, size, hiddenActivation, random, initialization));
                previous = size;
            }

            layers.Add(new DenseLayer(previous, outputs, outputActivation, random, initialization));
            return new DenseNetwork(layers);
        }

        /// <summary>The layers, input side first.</summary>
        public IReadOnlyList<DenseLayer> Layers => _layers;

        /// <summary>Number of input features (rows of an input matrix whose columns are samples).</summary>
        public int InputCount => _layers[0].InputCount;

        /// <summary>Number of outputs (rows of the output matrix whose columns are samples).</summary>
        public int OutputCount => _layers[_layers.Length - 1].OutputCount;

        /// <summary>Total number of weights and biases.</summary>
        public int ParameterCount => _layers.Sum(l => (l.InputCount + 1) * l.OutputCount);

        /// <summary>
        /// The network's raw outputs (logits when the output layer is Identity) for <paramref name="inputs"/>
        /// (features × samples, one sample per column); returns a new outputs × samples matrix.
        /// </summary>
        public Matrix<double> Forward(Matrix<double> inputs)
        {
            ValidateInputs(inputs, nameof(inputs));
            var ws = GetWorkspace(inputs.ColumnCount);
            return ForwardCore(inputs, ws).Clone();
        }

        /// <summary>
        /// The activations of every layer for <paramref name="inputs"/> (features × samples, one sample per column):
        /// element i is layer i's output (units × samples). New matrices.
        /// </summary>
        public IReadOnlyList<Matrix<double>> ForwardAll(Matrix<double> inputs)
        {
            ValidateInputs(inputs, nameof(inputs));
            var ws = GetWorkspace(inputs.ColumnCount);
            ForwardCore(inputs, ws);
            return ws.A.Select(a => a.Clone()).ToArray();
        }

        /// <summary>
        /// Backpropagation: the gradients of <paramref name="loss"/> (a mean over the samples) on the batch
        /// <paramref name="inputs"/> (features × samples) with <paramref name="targets"/> (outputs × samples), one sample
        /// per column. Changes no parameter; apply the result with an <see cref="Optimizer"/>.
        /// </summary>
        public Gradients Backward(Matrix<double> inputs, Matrix<double> targets, Loss loss)
        {
            var gradients = new Gradients(this);
            Backward(inputs, targets, loss, gradients);
            return gradients;
        }

        /// <summary>
        /// Backpropagation into an existing <paramref name="gradients"/> object (from <see cref="CreateGradients"/>), to
        /// avoid allocations in a training loop. Inputs are features × samples and targets outputs × samples (one sample
        /// per column); the loss and the gradients are means over the samples. Changes no parameter.
        /// </summary>
        public void Backward(Matrix<double> inputs, Matrix<double> targets, Loss loss, Gradients gradients)
        {
            ValidateInputs(inputs, nameof(inputs));
            Guard.NotNull(targets, nameof(targets));
            Guard.NotNull(loss, nameof(loss));
            Guard.NotNull(gradients, nameof(gradients));
            if (targets.RowCount != OutputCount || targets.ColumnCount != inputs.ColumnCount)
            {
                throw new ArgumentException(
                    $"'targets' is {Guard.Shape(targets)} but needs {Guard.Shape(OutputCount, inputs.ColumnCount)}: {OutputCount} outputs × the {inputs.ColumnCount} samples (columns) of 'inputs' ({Guard.Shape(inputs)}).",
                    nameof(targets));
            }

            Guard.Finite(targets, nameof(targets));
            CheckLossFitsOutput(loss, nameof(loss));
            CheckGradientShapes(gradients, nameof(gradients));
            BackwardCore(inputs, targets, loss, gradients, GetWorkspace(inputs.ColumnCount));
        }

        /// <summary>A gradients object shaped like this network, for <see cref="Backward(Matrix{double}, Matrix{double}, Loss, Gradients)"/>.</summary>
        public Gradients CreateGradients() => new Gradients(this);

        /// <summary>
        /// The predicted class of each sample (column of <paramref name="inputs"/>, features × samples): the arg-max of the
        /// outputs, or for a single output whether its logit (Identity output) or value (other activations) passes 0 / 0.5.
        /// </summary>
        public int[] PredictClasses(Matrix<double> inputs)
        {
            ValidateInputs(inputs, nameof(inputs));
            return Evaluation.ArgMax(ForwardCore(inputs, GetWorkspace(inputs.ColumnCount)), _layers[_layers.Length - 1].Activation);
        }

        /// <summary>A deep copy (same parameters, no shared state).</summary>
        public DenseNetwork Clone() => new DenseNetwork(_layers.Select(l => l.Clone()));

        /// <summary>Copies every parameter of <paramref name="source"/> (same architecture) into this network.</summary>
        public void CopyParametersFrom(DenseNetwork source)
        {
            Guard.NotNull(source, nameof(source));
            if (source._layers.Length != _layers.Length || source._layers.Where((l, i) => l.InputCount != _layers[i].InputCount || l.OutputCount != _layers[i].OutputCount).Any())
            {
                throw new ArgumentException("'source' has a different architecture.", nameof(source));
            }

            for (var i = 0; i < _layers.Length; i++)
            {
                source._layers[i].Weights.CopyTo(_layers[i].Weights);
                source._layers[i].Biases.CopyTo(_layers[i].Biases);
            }
        }

        internal void ValidateInputs(Matrix<double> inputs, string name)
        {
            Guard.NotEmpty(inputs, name);
            if (inputs.RowCount != InputCount)
            {
                throw new ArgumentException(
                    $"'{name}' is {Guard.Shape(inputs)} but the network takes {InputCount} features: it needs {InputCount} rows (features × samples, one sample per column).",
                    name);
            }

            Guard.Finite(inputs, name);
        }

        internal void CheckLossFitsOutput(Loss loss, string name)
        {
            var last = _layers[_layers.Length - 1];
            if (loss.ExpectsLogits && last.Activation != Activation.Identity)
            {
                throw new ArgumentException(
                    $"'{name}' ({loss.Name}) is computed from logits, but the output layer applies {last.Activation}; use Activation.Identity on the output layer.",
                    name);
            }
        }

        internal void CheckGradientShapes(Gradients gradients, string name)
        {
            if (gradients.LayerCount != _layers.Length)
            {
                throw new ArgumentException($"'{name}' has {gradients.LayerCount} layers but the network has {_layers.Length}.", name);
            }

            for (var i = 0; i < _layers.Length; i++)
            {
                var w = gradients.WeightGradient(i);
                var b = gradients.BiasGradient(i);
                if (w.RowCount != _layers[i].OutputCount || w.ColumnCount != _layers[i].InputCount)
                {
                    throw new ArgumentException(
                        $"'{name}': the weight gradient of layer {i} is {Guard.Shape(w)} but the layer's weights are {Guard.Shape(_layers[i].Weights)}.", name);
                }

                if (b.Count != _layers[i].OutputCount)
                {
                    throw new ArgumentException(
                        $"'{name}': the bias gradient of layer {i} has length {b.Count} but the layer has {_layers[i].OutputCount} biases.", name);
                }
            }
        }

        internal Workspace GetWorkspace(int batchSize)
        {
            // A few batch sizes live at once in training (full batch, last partial batch, training and validation sets).
            for (var i = 0; i < _workspaces.Length; i++)
            {
                var hit = _workspaces[i];
                if (hit is not null && hit.BatchSize == batchSize)
                {
                    // Move to the front: the least recently used one is evicted first.
                    Array.Copy(_workspaces, 0, _workspaces, 1, i);
                    _workspaces[0] = hit;
                    return hit;
                }
            }

            var created = new Workspace(this, batchSize);
            Array.Copy(_workspaces, 0, _workspaces, 1, _workspaces.Length - 1);
            _workspaces[0] = created;
            return created;
        }

        internal Matrix<double> ForwardCore(Matrix<double> inputs, Workspace ws)
        {
            var a = inputs;
            for (var i = 0; i < _layers.Length; i++)
            {
                _layers[i].ForwardInto(a, ws.Z[i], ws.A[i]);
                a = ws.A[i];
            }

            return a;
        }

        internal void BackwardCore(Matrix<double> inputs, Matrix<double> targets, Loss loss, Gradients gradients, Workspace ws)
        {
            var output = ForwardCore(inputs, ws);
            var last = _layers.Length - 1;
            gradients.Loss = loss.ValueAndGradientUnchecked(output, targets, ws.Delta[last]);
            gradients.BatchSize = inputs.ColumnCount;
            for (var i = last; i >= 0; i--)
            {
                var layer = _layers[i];
                var delta = ws.Delta[i];

                // delta holds dL/da of layer i; turn it into dL/dz.
                Activations.MultiplyByDerivative(layer.Activation, layer.LeakySlope, ws.Z[i], ws.A[i], delta);
                var previous = i == 0 ? inputs : ws.A[i - 1];

                // dL/dW = δ · aᵀ (already a mean: the loss gradient carries 1/n); dL/db = δ summed over the samples.
                Kernels.MultiplyTransposed(delta, previous, gradients.WeightGradient(i));
                var biasGradient = gradients.BiasGradient(i).AsArray()!;
                var ds = delta.AsColumnMajorArray()!;
                var rows = delta.RowCount;
                Array.Clear(biasGradient, 0, rows);
                for (var c = 0; c < delta.ColumnCount; c++)
                {
                    var offset = c * rows;
                    for (var r = 0; r < rows; r++)
                    {
                        biasGradient[r] += ds[offset + r];
                    }
                }

                if (i > 0)
                {
                    Kernels.TransposedMultiply(layer.Weights, delta, ws.Delta[i - 1]);
                }
            }
        }

        /// <summary>Per-batch-size buffers: pre-activations, activations and deltas of every layer (units × samples).</summary>
        internal sealed class Workspace
        {
            public Workspace(DenseNetwork network, int batchSize)
            {
                BatchSize = batchSize;
                var n = network._layers.Length;
                Z = new Matrix<double>[n];
                A = new Matrix<double>[n];
                Delta = new Matrix<double>[n];
                for (var i = 0; i < n; i++)
                {
                    var units = network._layers[i].OutputCount;
                    Z[i] = Matrix<double>.Build.Dense(units, batchSize);
                    A[i] = Matrix<double>.Build.Dense(units, batchSize);
                    Delta[i] = Matrix<double>.Build.Dense(units, batchSize);
                }
            }

            public int BatchSize { get; }

            public Matrix<double>[] Z { get; }

            public Matrix<double>[] A { get; }

            public Matrix<double>[] Delta { get; }
        }
    }
}
