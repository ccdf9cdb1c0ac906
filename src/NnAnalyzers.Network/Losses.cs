using System;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>
    /// A loss over a batch whose outputs and targets hold one sample per column. Every loss value and every gradient
    /// is a mean over the samples (columns) of the batch, so duplicating a batch changes neither. Derive from this class
    /// for a custom loss; the built-in ones are <see cref="SoftmaxCrossEntropy"/>, <see cref="BinaryCrossEntropy"/>
    /// and <see cref="MeanSquaredError"/>.
    /// </summary>
    public abstract class Loss
    {
        /// <summary>Softmax cross-entropy computed from logits with log-sum-exp (targets: one-hot or probability columns).</summary>
        public static Loss SoftmaxCrossEntropy { get; } = new SoftmaxCrossEntropyLoss();

        /// <summary>Binary cross-entropy computed from logits (targets: 0/1 per output row, one sample per column).</summary>
        public static Loss BinaryCrossEntropy { get; } = new BinaryCrossEntropyLoss();

        /// <summary>Mean squared error over outputs and samples (one sample per column).</summary>
        public static Loss MeanSquaredError { get; } = new MeanSquaredErrorLoss();

        /// <summary>A short name for reports.</summary>
        public abstract string Name { get; }

        /// <summary>True when the loss takes logits, i.e. the network's output layer must be <see cref="Activation.Identity"/>.</summary>
        public virtual bool ExpectsLogits => false;

        /// <summary>
        /// The loss of a batch: <paramref name="outputs"/> and <paramref name="targets"/> are outputs × samples (one sample
        /// per column), same shape, finite. The value is a mean over the samples.
        /// </summary>
        public double Value(Matrix<double> outputs, Matrix<double> targets)
        {
            Validate(outputs, targets);
            return ValueCore(outputs, targets);
        }

        /// <summary>dLoss/dOutputs of a batch (one sample per column), a mean over the samples; returns a new matrix.</summary>
        public Matrix<double> Gradient(Matrix<double> outputs, Matrix<double> targets)
        {
            Validate(outputs, targets);
            var result = Matrix<double>.Build.Dense(outputs.RowCount, outputs.ColumnCount);
            GradientCore(outputs, targets, result);
            return result;
        }

        /// <summary>dLoss/dOutputs (one sample per column, a mean over the samples) written into <paramref name="result"/> (same shape).</summary>
        public void Gradient(Matrix<double> outputs, Matrix<double> targets, Matrix<double> result)
        {
            Validate(outputs, targets);
            Guard.NotNull(result, nameof(result));
            Guard.SameShape(result, outputs, nameof(result), nameof(outputs));
            GradientCore(outputs, targets, result);
        }

        /// <summary>
        /// Turns raw network outputs (one sample per column) into what the loss compares with the targets: softmax
        /// probabilities per column, sigmoid probabilities, or the outputs themselves. Returns a new matrix.
        /// </summary>
        public Matrix<double> Predict(Matrix<double> outputs)
        {
            Guard.NotNull(outputs, nameof(outputs));
            var result = Matrix<double>.Build.Dense(outputs.RowCount, outputs.ColumnCount);
            PredictCore(outputs, result);
            return result;
        }

        /// <summary>The loss of a validated batch (one sample per column), a mean over the samples.</summary>
        protected abstract double ValueCore(Matrix<double> outputs, Matrix<double> targets);

        /// <summary>Writes dLoss/dOutputs of a validated batch (one sample per column, mean over samples) into <paramref name="result"/>.</summary>
        protected abstract void GradientCore(Matrix<double> outputs, Matrix<double> targets, Matrix<double> result);

        /// <summary>Writes the predictions for raw outputs (one sample per column) into <paramref name="result"/>; identity by default.</summary>
        protected virtual void PredictCore(Matrix<double> outputs, Matrix<double> result)
        {
            outputs.CopyTo(result);
        }

        /// <summary>The loss and its gradient without argument checks (the trainer validated the whole data set once).</summary>
        internal double ValueAndGradientUnchecked(Matrix<double> outputs, Matrix<double> targets, Matrix<double> gradient)
        {
            GradientCore(outputs, targets, gradient);
            return ValueCore(outputs, targets);
        }

        internal double ValueUnchecked(Matrix<double> outputs, Matrix<double> targets) => ValueCore(outputs, targets);

        internal void PredictUnchecked(Matrix<double> outputs, Matrix<double> result) => PredictCore(outputs, result);

        private static void Validate(Matrix<double> outputs, Matrix<double> targets)
        {
            Guard.NotEmpty(outputs, nameof(outputs));
            Guard.NotEmpty(targets, nameof(targets));
            Guard.SameShape(targets, outputs, nameof(targets), nameof(outputs));
            Guard.Finite(outputs, nameof(outputs));
            Guard.Finite(targets, nameof(targets));
        }
    }

    /// <summary>
    /// Softmax cross-entropy from logits: for each sample (column) −Σ y · log softmax(z), with log softmax(z) = z − max −
    /// log Σ exp(z − max) (log-sum-exp), finite for any finite logits; averaged over the samples. Gradient (softmax(z) − y) / n.
    /// </summary>
    public sealed class SoftmaxCrossEntropyLoss : Loss
    {
        /// <inheritdoc />
        public override string Name => "softmax cross-entropy";

        /// <inheritdoc />
        public override bool ExpectsLogits => true;

        /// <inheritdoc />
        protected override double ValueCore(Matrix<double> outputs, Matrix<double> targets)
        {
            var total = 0.0;
            for (var c = 0; c < outputs.ColumnCount; c++)
            {
                var logSumExp = Activations.LogSumExpOfColumn(outputs, c);
                for (var r = 0; r < outputs.RowCount; r++)
                {
                    var y = targets.At(r, c);
                    if (y != 0)
                    {
                        total -= y * (outputs.At(r, c) - logSumExp);
                    }
                }
            }

            return total / outputs.ColumnCount;
        }

        /// <inheritdoc />
        protected override void GradientCore(Matrix<double> outputs, Matrix<double> targets, Matrix<double> result)
        {
            Activations.SoftmaxColumns(outputs, result);
            var batchSize = outputs.ColumnCount;
            for (var c = 0; c < batchSize; c++)
            {
                for (var r = 0; r < outputs.RowCount; r++)
                {
                    result.At(r, c, (result.At(r, c) - targets.At(r, c)) / batchSize);
                }
            }
        }

        /// <inheritdoc />
        protected override void PredictCore(Matrix<double> outputs, Matrix<double> result)
        {
            Activations.SoftmaxColumns(outputs, result);
        }
    }

    /// <summary>
    /// Binary cross-entropy from logits: per element max(z, 0) − z·y + log(1 + e^−|z|) (never overflows), summed over the
    /// output rows and averaged over the samples (columns). Gradient (σ(z) − y) / n.
    /// </summary>
    public sealed class BinaryCrossEntropyLoss : Loss
    {
        /// <inheritdoc />
        public override string Name => "binary cross-entropy";

        /// <inheritdoc />
        public override bool ExpectsLogits => true;

        /// <inheritdoc />
        protected override double ValueCore(Matrix<double> outputs, Matrix<double> targets)
        {
            var total = 0.0;
            for (var c = 0; c < outputs.ColumnCount; c++)
            {
                for (var r = 0; r < outputs.RowCount; r++)
                {
                    var z = outputs.At(r, c);
                    total += Math.Max(z, 0.0) - (z * targets.At(r, c)) + Log1PExp(-Math.Abs(z));
                }
            }

            return total / outputs.ColumnCount;
        }

        /// <inheritdoc />
        protected override void GradientCore(Matrix<double> outputs, Matrix<double> targets, Matrix<double> result)
        {
            var batchSize = outputs.ColumnCount;
            for (var c = 0; c < batchSize; c++)
            {
                for (var r = 0; r < outputs.RowCount; r++)
                {
                    result.At(r, c, (Activations.Sigmoid(outputs.At(r, c)) - targets.At(r, c)) / batchSize);
                }
            }
        }

        /// <inheritdoc />
        protected override void PredictCore(Matrix<double> outputs, Matrix<double> result)
        {
            for (var c = 0; c < outputs.ColumnCount; c++)
            {
                for (var r = 0; r < outputs.RowCount; r++)
                {
                    result.At(r, c, Activations.Sigmoid(outputs.At(r, c)));
                }
            }
        }

        private static double Log1PExp(double x)
        {
            // x ≤ 0 here: e^x ≤ 1, no overflow; for tiny e^x, log(1 + e^x) ≈ e^x.
            var e = Math.Exp(x);
            return e < 1e-10 ? e : Math.Log(1.0 + e);
        }
    }

    /// <summary>
    /// Mean squared error: Σ (o − y)² over outputs and samples divided by (outputs × samples), i.e. a mean over the
    /// samples (columns) of the per-sample mean squared error. Gradient 2 (o − y) / (outputs × samples).
    /// </summary>
    public sealed class MeanSquaredErrorLoss : Loss
    {
        /// <inheritdoc />
        public override string Name => "mean squared error";

        /// <inheritdoc />
        protected override double ValueCore(Matrix<double> outputs, Matrix<double> targets)
        {
            var total = 0.0;
            for (var c = 0; c < outputs.ColumnCount; c++)
            {
                for (var r = 0; r < outputs.RowCount; r++)
                {
                    var d = outputs.At(r, c) - targets.At(r, c);
                    total += d * d;
                }
            }

            return total / ((double)outputs.ColumnCount * outputs.RowCount);
        }

        /// <inheritdoc />
        protected override void GradientCore(Matrix<double> outputs, Matrix<double> targets, Matrix<double> result)
        {
            var scale = 2.0 / ((double)outputs.ColumnCount * outputs.RowCount);
            for (var c = 0; c < outputs.ColumnCount; c++)
            {
                for (var r = 0; r < outputs.RowCount; r++)
                {
                    result.At(r, c, (outputs.At(r, c) - targets.At(r, c)) * scale);
                }
            }
        }
    }
}
