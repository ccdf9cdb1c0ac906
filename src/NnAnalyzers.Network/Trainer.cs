using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>Settings of a <see cref="Trainer"/>.</summary>
    public sealed class TrainerOptions
    {
        /// <summary>Maximum number of passes over the training samples (default 100).</summary>
        public int Epochs { get; set; } = 100;

        /// <summary>Samples (columns) per mini-batch (default 32; the last batch of an epoch may be smaller).</summary>
        public int BatchSize { get; set; } = 32;

        /// <summary>Shuffle the samples before each epoch (default true), with a <see cref="Random"/> seeded by <see cref="Seed"/>.</summary>
        public bool Shuffle { get; set; } = true;

        /// <summary>Seed of the shuffling (default 0): the same seed gives the same training.</summary>
        public int Seed { get; set; }

        /// <summary>
        /// Stop when the monitored loss (validation loss when validation data is given, else training loss) has not
        /// improved by more than <see cref="EarlyStoppingMinDelta"/> for this many epochs; 0 (default) disables early stopping.
        /// </summary>
        public int EarlyStoppingPatience { get; set; }

        /// <summary>The improvement that counts for early stopping (default 1e−4).</summary>
        public double EarlyStoppingMinDelta { get; set; } = 1e-4;

        /// <summary>After early stopping, restore the parameters of the best epoch (default true).</summary>
        public bool RestoreBestParameters { get; set; } = true;

        /// <summary>An opt-in training-symptom monitor (default none).</summary>
        public TrainingMonitor? Monitor { get; set; }
    }

    /// <summary>The state after one epoch, as reported through <see cref="IProgress{T}"/>.</summary>
    public sealed class EpochReport
    {
        internal EpochReport(int epoch, int epochs, double trainingLoss, double trainingAccuracy, double validationLoss, double validationAccuracy, TimeSpan elapsed, IReadOnlyList<Symptom> symptoms)
        {
            Epoch = epoch;
            Epochs = epochs;
            TrainingLoss = trainingLoss;
            TrainingAccuracy = trainingAccuracy;
            ValidationLoss = validationLoss;
            ValidationAccuracy = validationAccuracy;
            Elapsed = elapsed;
            Symptoms = symptoms;
        }

        /// <summary>The epoch just finished (1-based).</summary>
        public int Epoch { get; }

        /// <summary>The maximum number of epochs.</summary>
        public int Epochs { get; }

        /// <summary>The loss on all training samples after the epoch (a mean over the samples).</summary>
        public double TrainingLoss { get; }

        /// <summary>Accuracy on the training samples (NaN when the loss is not a classification loss).</summary>
        public double TrainingAccuracy { get; }

        /// <summary>The loss on the validation samples (NaN without validation data).</summary>
        public double ValidationLoss { get; }

        /// <summary>Accuracy on the validation samples (NaN without validation data or for regression).</summary>
        public double ValidationAccuracy { get; }

        /// <summary>Time since training started.</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>The monitor's symptoms found so far (empty without a monitor).</summary>
        public IReadOnlyList<Symptom> Symptoms { get; }
    }

    /// <summary>The outcome of <see cref="Trainer.Fit"/>.</summary>
    public sealed class TrainingResult
    {
        internal TrainingResult(IReadOnlyList<EpochReport> history, int bestEpoch, bool stoppedEarly, bool diverged, IReadOnlyList<Symptom> symptoms, TimeSpan elapsed, long steps)
        {
            History = history;
            BestEpoch = bestEpoch;
            StoppedEarly = stoppedEarly;
            Diverged = diverged;
            Symptoms = symptoms;
            Elapsed = elapsed;
            Steps = steps;
        }

        /// <summary>One report per finished epoch.</summary>
        public IReadOnlyList<EpochReport> History { get; }

        /// <summary>The epoch with the lowest monitored loss.</summary>
        public int BestEpoch { get; }

        /// <summary>True when early stopping ended training.</summary>
        public bool StoppedEarly { get; }

        /// <summary>True when a batch loss or gradient became NaN/∞; that step was not applied and training stopped.</summary>
        public bool Diverged { get; }

        /// <summary>The monitor's symptoms (empty without a monitor).</summary>
        public IReadOnlyList<Symptom> Symptoms { get; }

        /// <summary>Total training time.</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>Number of optimizer steps applied.</summary>
        public long Steps { get; }
    }

    /// <summary>
    /// Mini-batch training of a <see cref="DenseNetwork"/> with a <see cref="Loss"/> and an <see cref="Optimizer"/>:
    /// seeded shuffling, epochs, early stopping, progress through <see cref="IProgress{T}"/> and an optional
    /// <see cref="TrainingMonitor"/>. Inputs are features × samples and targets outputs × samples (one sample per column).
    /// </summary>
    public sealed class Trainer
    {
        private static readonly IReadOnlyList<Symptom> s_noSymptoms = Array.Empty<Symptom>();

        /// <summary>Creates a trainer; <paramref name="options"/> defaults to <see cref="TrainerOptions"/>'s defaults.</summary>
        public Trainer(DenseNetwork network, Loss loss, Optimizer optimizer, TrainerOptions? options = null)
        {
            Network = Guard.NotNull(network, nameof(network));
            Loss = Guard.NotNull(loss, nameof(loss));
            Optimizer = Guard.NotNull(optimizer, nameof(optimizer));
            Options = options ?? new TrainerOptions();
            ValidateOptions(Options);
            network.CheckLossFitsOutput(loss, nameof(loss));
        }

        /// <summary>The network being trained (updated in place).</summary>
        public DenseNetwork Network { get; }

        /// <summary>The loss (a mean over the samples of each batch).</summary>
        public Loss Loss { get; }

        /// <summary>The optimizer that applies each batch's gradients.</summary>
        public Optimizer Optimizer { get; }

        /// <summary>The settings.</summary>
        public TrainerOptions Options { get; }

        /// <summary>
        /// Trains on <paramref name="inputs"/> (features × samples) and <paramref name="targets"/> (outputs × samples), one
        /// sample per column, optionally evaluating <paramref name="validationInputs"/>/<paramref name="validationTargets"/>
        /// after each epoch. Every argument is validated before the first step. Reports each epoch to
        /// <paramref name="progress"/>. A batch whose loss or gradients are not finite is not applied and ends training
        /// (<see cref="TrainingResult.Diverged"/>).
        /// </summary>
        public TrainingResult Fit(
            Matrix<double> inputs,
            Matrix<double> targets,
            Matrix<double>? validationInputs = null,
            Matrix<double>? validationTargets = null,
            IProgress<EpochReport>? progress = null,
            CancellationToken cancellationToken = default)
        {
            ValidateOptions(Options); // the options object may have changed since the trainer was created
            ValidatePair(inputs, targets, nameof(inputs), nameof(targets));
            var hasValidation = validationInputs is not null || validationTargets is not null;
            if (hasValidation)
            {
                Guard.NotNull(validationInputs, nameof(validationInputs));
                Guard.NotNull(validationTargets, nameof(validationTargets));
                ValidatePair(validationInputs!, validationTargets!, nameof(validationInputs), nameof(validationTargets));
            }

            var monitor = Options.Monitor;
            var clock = Stopwatch.StartNew();
            var n = inputs.ColumnCount;
            var features = inputs.RowCount;
            var outputs = targets.RowCount;
            var batchSize = Math.Min(Options.BatchSize, n);
            var x = inputs.AsColumnMajorArray() ?? inputs.ToColumnMajorArray();
            var y = targets.AsColumnMajorArray() ?? targets.ToColumnMajorArray();
            var order = new int[n];
            for (var i = 0; i < n; i++)
            {
                order[i] = i;
            }

            var random = new Random(Options.Seed);
            var full = new BatchBuffers(features, outputs, batchSize);
            var remainder = n % batchSize;
            var partial = remainder > 0 ? new BatchBuffers(features, outputs, remainder) : null;
            var gradients = Network.CreateGradients();

            if (monitor is not null)
            {
                monitor.CheckInitialization(Network, inputs);
                var first = Math.Min(n, Math.Max(batchSize, 2));
                monitor.CheckBatchScaling(Network, Loss, inputs.SubMatrix(0, features, 0, first), targets.SubMatrix(0, outputs, 0, first));
            }

            var history = new List<EpochReport>();
            var best = double.PositiveInfinity;
            var bestEpoch = 0;
            var sinceBest = 0;
            var stoppedEarly = false;
            var diverged = false;
            long steps = 0;
            DenseNetwork? bestParameters = null;

            for (var epoch = 1; epoch <= Options.Epochs && !diverged; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Options.Shuffle)
                {
                    Splits.Shuffle(order, random);
                }

                for (var start = 0; start < n; start += batchSize)
                {
                    var count = Math.Min(batchSize, n - start);
                    var buffers = count == batchSize ? full : partial!;
                    for (var k = 0; k < count; k++)
                    {
                        var sample = order[start + k];
                        Array.Copy(x, sample * features, buffers.X, k * features, features);
                        Array.Copy(y, sample * outputs, buffers.Y, k * outputs, outputs);
                    }

                    Network.BackwardCore(buffers.Inputs, buffers.Targets, Loss, gradients, Network.GetWorkspace(count));
                    monitor?.ObserveBatchLoss(epoch, gradients.Loss);
                    if (!Guard.IsFinite(gradients.Loss) || !AllFinite(gradients))
                    {
                        monitor?.ObserveBatchLoss(epoch, double.NaN);
                        diverged = true;
                        break;
                    }

                    Optimizer.Step(Network, gradients);
                    steps++;
                }

                var (trainLoss, trainAccuracy) = Evaluate(inputs, targets);

                // The monitor reads the activations the evaluation just left in the workspace of the training set.
                monitor?.ObserveEpochCore(epoch, Network, inputs, targets, Loss, trainLoss, Network.GetWorkspace(n));
                var (validationLoss, validationAccuracy) = hasValidation ? Evaluate(validationInputs!, validationTargets!) : (double.NaN, double.NaN);
                var report = new EpochReport(epoch, Options.Epochs, trainLoss, trainAccuracy, validationLoss, validationAccuracy, clock.Elapsed, monitor?.Symptoms ?? s_noSymptoms);
                history.Add(report);
                progress?.Report(report);
                if (!Guard.IsFinite(trainLoss))
                {
                    diverged = true;
                    break;
                }

                var watched = hasValidation ? validationLoss : trainLoss;
                if (watched < best - Options.EarlyStoppingMinDelta)
                {
                    best = watched;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    if (Options.EarlyStoppingPatience > 0 && Options.RestoreBestParameters)
                    {
                        if (bestParameters is null)
                        {
                            bestParameters = Network.Clone();
                        }
                        else
                        {
                            bestParameters.CopyParametersFrom(Network);
                        }
                    }
                }
                else if (Options.EarlyStoppingPatience > 0 && ++sinceBest >= Options.EarlyStoppingPatience)
                {
                    stoppedEarly = true;
                    if (bestParameters is not null)
                    {
                        Network.CopyParametersFrom(bestParameters);
                    }

                    break;
                }
            }

            return new TrainingResult(history, bestEpoch, stoppedEarly, diverged, monitor?.Symptoms ?? s_noSymptoms, clock.Elapsed, steps);
        }

        /// <summary>
        /// The loss (mean over the samples) and, for classification losses, the accuracy of the network on
        /// <paramref name="inputs"/> (features × samples) against <paramref name="targets"/> (outputs × samples), one sample per column.
        /// </summary>
        public (double Loss, double Accuracy) Evaluate(Matrix<double> inputs, Matrix<double> targets)
        {
            ValidatePair(inputs, targets, nameof(inputs), nameof(targets));
            var outputs = Network.ForwardCore(inputs, Network.GetWorkspace(inputs.ColumnCount));
            var loss = Loss.ValueUnchecked(outputs, targets);
            if (!Loss.ExpectsLogits)
            {
                return (loss, double.NaN);
            }

            var lastActivation = Network.Layers[Network.Layers.Count - 1].Activation;
            var predicted = Evaluation.ArgMax(outputs, lastActivation);
            var actual = targets.RowCount == 1 ? Evaluation.ArgMax(targets, Activation.Sigmoid) : Evaluation.ArgMax(targets);
            return (loss, Evaluation.Accuracy(predicted, actual));
        }

        private static void ValidateOptions(TrainerOptions options)
        {
            Guard.Positive(options.Epochs, "options.Epochs");
            Guard.Positive(options.BatchSize, "options.BatchSize");
            if (options.EarlyStoppingPatience < 0)
            {
                throw new ArgumentOutOfRangeException("options.EarlyStoppingPatience", options.EarlyStoppingPatience, "'options.EarlyStoppingPatience' must be 0 (off) or positive.");
            }

            if (!(options.EarlyStoppingMinDelta >= 0) || double.IsInfinity(options.EarlyStoppingMinDelta))
            {
                throw new ArgumentOutOfRangeException("options.EarlyStoppingMinDelta", options.EarlyStoppingMinDelta, "'options.EarlyStoppingMinDelta' must be a finite number ≥ 0.");
            }
        }

        private void ValidatePair(Matrix<double> inputs, Matrix<double> targets, string inputsName, string targetsName)
        {
            Network.ValidateInputs(inputs, inputsName);
            Guard.NotNull(targets, targetsName);
            if (targets.RowCount != Network.OutputCount || targets.ColumnCount != inputs.ColumnCount)
            {
                throw new ArgumentException(
                    $"'{targetsName}' is {Guard.Shape(targets)} but needs {Guard.Shape(Network.OutputCount, inputs.ColumnCount)}: {Network.OutputCount} outputs × the {inputs.ColumnCount} samples (columns) of '{inputsName}' ({Guard.Shape(inputs)}).",
                    targetsName);
            }

            Guard.Finite(targets, targetsName);
        }

        private static bool AllFinite(Gradients gradients)
        {
            for (var i = 0; i < gradients.LayerCount; i++)
            {
                if (!Kernels.AllFinite(gradients.WeightGradient(i).AsColumnMajorArray()!) || !Kernels.AllFinite(gradients.BiasGradient(i).AsArray()!))
                {
                    return false;
                }
            }

            return true;
        }

        private sealed class BatchBuffers
        {
            public BatchBuffers(int features, int outputs, int count)
            {
                Inputs = Matrix<double>.Build.Dense(features, count);
                Targets = Matrix<double>.Build.Dense(outputs, count);
                X = Inputs.AsColumnMajorArray()!;
                Y = Targets.AsColumnMajorArray()!;
            }

            public Matrix<double> Inputs { get; }

            public Matrix<double> Targets { get; }

            public double[] X { get; }

            public double[] Y { get; }
        }
    }
}
