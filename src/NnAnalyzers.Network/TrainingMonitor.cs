using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>A training symptom the <see cref="TrainingMonitor"/> can report.</summary>
    public enum SymptomKind
    {
        /// <summary>A sigmoid/tanh layer whose units sit in the flat tails (usual cause: all-positive init, NN0001).</summary>
        SaturatedUnits,

        /// <summary>Nearly every prediction falls in one class although the labels are mixed (NN0001).</summary>
        CollapsedPredictions,

        /// <summary>The loss sits at the entropy of the class prior: the network learned only the class frequencies (NN0001).</summary>
        LossAtPriorEntropy,

        /// <summary>A layer's weights no longer change between epochs (gradients computed but never applied, NN0004).</summary>
        FrozenWeights,

        /// <summary>The loss became NaN or ∞ (usual cause: an exponential without max shift, NN0002).</summary>
        NonFiniteLoss,

        /// <summary>Duplicating a batch changes the loss: it is a sum over samples, not a mean (NN0003).</summary>
        LossScalesWithBatch,
    }

    /// <summary>One observed symptom, with the static rule that catches its usual cause.</summary>
    public sealed class Symptom
    {
        internal Symptom(SymptomKind kind, string ruleId, int epoch, int layer, double value, string message)
        {
            Kind = kind;
            RuleId = ruleId;
            Epoch = epoch;
            Layer = layer;
            Value = value;
            Message = message;
        }

        /// <summary>What was observed.</summary>
        public SymptomKind Kind { get; }

        /// <summary>The NnAnalyzers rule whose bug usually causes it (NN0001 … NN0004).</summary>
        public string RuleId { get; }

        /// <summary>The epoch after which it was observed; 0 = at initialisation, before any update.</summary>
        public int Epoch { get; }

        /// <summary>The layer concerned (0 = first hidden layer), or −1 when it concerns the whole network.</summary>
        public int Layer { get; }

        /// <summary>The measured quantity (a share, a loss, a ratio…; see the message).</summary>
        public double Value { get; }

        /// <summary>A readable description naming the rule.</summary>
        public string Message { get; }

        /// <inheritdoc />
        public override string ToString() => RuleId + " " + Kind + ": " + Message;
    }

    /// <summary>
    /// An opt-in monitor of training (set <see cref="TrainerOptions.Monitor"/>, or call its methods from your own loop).
    /// It watches the loss, the activations, the weight changes and the predictions, on inputs and targets that hold one
    /// sample per column, and reports each symptom once (per layer where it applies), naming the static rule that catches
    /// its usual cause. Under a <see cref="Trainer"/> it reuses the epoch's evaluation pass over the training samples, so
    /// it costs a scan of the activations, a copy of the weights and a finiteness check per batch; a full-batch
    /// backward pass is added only in epochs where some layer's weights stopped moving.
    /// Thresholds (all settable):
    /// <list type="bullet">
    /// <item><description><see cref="SymptomKind.SaturatedUnits"/> (NN0001): in a sigmoid or tanh layer, a unit is saturated on a sample
    /// when its derivative f′ is below <see cref="SaturationDerivative"/> (0.01; sigmoid's maximum is 0.25, tanh's 1); the layer
    /// is reported when at least <see cref="SaturatedShare"/> (0.5) of its unit-sample pairs are saturated — at initialisation
    /// and, separately, after any epoch.</description></item>
    /// <item><description><see cref="SymptomKind.CollapsedPredictions"/> (NN0001): at least <see cref="CollapseShare"/> (0.97) of the
    /// predictions fall in one class whose share of the labels is below 0.9, for <see cref="CollapsePatience"/> (10) epochs in a row.</description></item>
    /// <item><description><see cref="SymptomKind.LossAtPriorEntropy"/> (NN0001): for a cross-entropy loss, the training loss is within
    /// <see cref="PriorEntropyTolerance"/> (0.01) of the entropy of the class prior (−Σ p·ln p over the label frequencies) for
    /// <see cref="PriorEntropyPatience"/> (10) epochs in a row. Collapse and prior entropy are heuristics: a healthy network may show either for a few epochs before it learns, hence the patience.</description></item>
    /// <item><description><see cref="SymptomKind.FrozenWeights"/> (NN0004): a layer's relative weight change ‖ΔW‖/‖W‖ over an epoch is
    /// below <see cref="FrozenRelativeChange"/> (1e−9) for <see cref="FrozenPatience"/> (2) epochs in a row while its full-batch
    /// gradient is not vanishing (‖∂L/∂W‖/‖W‖ above <see cref="VanishingGradient"/>, 1e−6).</description></item>
    /// <item><description><see cref="SymptomKind.NonFiniteLoss"/> (NN0002): a batch loss is NaN or ±∞ (reported at once).</description></item>
    /// <item><description><see cref="SymptomKind.LossScalesWithBatch"/> (NN0003): the loss of a batch concatenated with itself differs
    /// from the loss of the batch by a factor of at least <see cref="BatchScalingRatio"/> (1.5); a mean gives 1, a sum 2.</description></item>
    /// </list>
    /// </summary>
    public sealed class TrainingMonitor
    {
        private readonly List<Symptom> _symptoms = new List<Symptom>();
        private readonly HashSet<string> _reported = new HashSet<string>(StringComparer.Ordinal);
        private Matrix<double>[]? _previousWeights;
        private int[]? _frozenRuns;
        private int _collapseRun;
        private int _priorRun;
        private Gradients? _probe;
        private Matrix<double>? _labelsOf;
        private int[]? _labels;
        private Matrix<double>? _priorOf;
        private double _prior;

        /// <summary>Creates a monitor; <paramref name="reporter"/>, when given, receives each symptom as it is found.</summary>
        public TrainingMonitor(IProgress<Symptom>? reporter = null)
        {
            Reporter = reporter;
        }

        /// <summary>Receives each symptom as it is found (optional).</summary>
        public IProgress<Symptom>? Reporter { get; }

        /// <summary>A sigmoid/tanh unit is saturated on a sample when f′ is below this (default 0.01).</summary>
        public double SaturationDerivative { get; set; } = 0.01;

        /// <summary>A layer is reported when at least this share of its unit-sample pairs is saturated (default 0.5).</summary>
        public double SaturatedShare { get; set; } = 0.5;

        /// <summary>Predictions are collapsed when at least this share falls in one class (default 0.97).</summary>
        public double CollapseShare { get; set; } = 0.97;

        /// <summary>Epochs in a row the collapse must last before it is reported (default 10: a healthy network may predict the majority class for its first few epochs).</summary>
        public int CollapsePatience { get; set; } = 10;

        /// <summary>How close to the prior's entropy the loss must be (default 0.01 nats).</summary>
        public double PriorEntropyTolerance { get; set; } = 0.01;

        /// <summary>Epochs in a row the loss must stay at the prior's entropy (default 10: a healthy network may sit there for its first few epochs).</summary>
        public int PriorEntropyPatience { get; set; } = 10;

        /// <summary>A layer is frozen in an epoch when ‖ΔW‖/‖W‖ is below this (default 1e−9).</summary>
        public double FrozenRelativeChange { get; set; } = 1e-9;

        /// <summary>
        /// A layer counts as frozen only when its full-batch gradient is larger than this, relative to its weights
        /// (‖∂L/∂W‖/‖W‖, default 1e−6): the update was due but did not arrive.
        /// </summary>
        public double VanishingGradient { get; set; } = 1e-6;

        /// <summary>Epochs in a row a layer must stay frozen (default 2).</summary>
        public int FrozenPatience { get; set; } = 2;

        /// <summary>The loss ratio (duplicated batch / batch) at which the loss is reported as a sum (default 1.5).</summary>
        public double BatchScalingRatio { get; set; } = 1.5;

        /// <summary>The symptoms found so far, in order.</summary>
        public IReadOnlyList<Symptom> Symptoms => _symptoms;

        /// <summary>True when a symptom of <paramref name="kind"/> was reported.</summary>
        public bool Has(SymptomKind kind) => _symptoms.Any(s => s.Kind == kind);

        /// <summary>
        /// Checks the network before training: saturated sigmoid/tanh layers on <paramref name="inputs"/> (features ×
        /// samples, one sample per column), and remembers the weights for the frozen-weights check.
        /// </summary>
        public void CheckInitialization(DenseNetwork network, Matrix<double> inputs)
        {
            Guard.NotNull(network, nameof(network));
            network.ValidateInputs(inputs, nameof(inputs));
            var ws = network.GetWorkspace(inputs.ColumnCount);
            network.ForwardCore(inputs, ws);
            CheckSaturation(network, ws, 0);
            Snapshot(network);
        }

        /// <summary>Checks one batch loss: NaN or ±∞ is reported as <see cref="SymptomKind.NonFiniteLoss"/> (NN0002).</summary>
        public void ObserveBatchLoss(int epoch, double loss)
        {
            if (!Guard.IsFinite(loss))
            {
                Report(
                    SymptomKind.NonFiniteLoss,
                    "NN0002",
                    epoch,
                    -1,
                    loss,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "the loss became {0} in epoch {1}; the usual cause is an exponential (softmax, log-sum-exp) of logits not shifted by their maximum, or a log of 0 (NN0002)",
                        loss,
                        epoch));
            }
        }

        /// <summary>
        /// Checks the state after an epoch (1-based): saturation, collapsed predictions, loss at the prior's entropy and
        /// frozen weights, on <paramref name="inputs"/> (features × samples) and <paramref name="targets"/> (outputs ×
        /// samples), one sample per column. <paramref name="trainingLoss"/> is the epoch's loss on those samples.
        /// </summary>
        public void ObserveEpoch(int epoch, DenseNetwork network, Matrix<double> inputs, Matrix<double> targets, Loss loss, double trainingLoss)
        {
            Guard.NotNull(network, nameof(network));
            Guard.NotNull(loss, nameof(loss));
            network.ValidateInputs(inputs, nameof(inputs));
            Guard.NotNull(targets, nameof(targets));
            if (targets.RowCount != network.OutputCount || targets.ColumnCount != inputs.ColumnCount)
            {
                throw new ArgumentException(
                    $"'targets' is {Guard.Shape(targets)} but needs {Guard.Shape(network.OutputCount, inputs.ColumnCount)} (outputs × samples).", nameof(targets));
            }

            var ws = network.GetWorkspace(inputs.ColumnCount);
            network.ForwardCore(inputs, ws);
            ObserveEpochCore(epoch, network, inputs, targets, loss, trainingLoss, ws);
        }

        /// <summary>The checks of <see cref="ObserveEpoch"/> on validated arguments; <paramref name="ws"/> holds the forward pass of <paramref name="inputs"/>.</summary>
        internal void ObserveEpochCore(int epoch, DenseNetwork network, Matrix<double> inputs, Matrix<double> targets, Loss loss, double trainingLoss, DenseNetwork.Workspace ws)
        {
            ObserveBatchLoss(epoch, trainingLoss);
            var outputs = ws.A[network.Layers.Count - 1];
            CheckSaturation(network, ws, epoch);
            if (loss.ExpectsLogits || network.OutputCount > 1)
            {
                CheckCollapse(epoch, outputs, targets, network.Layers[network.Layers.Count - 1].Activation);
            }

            if (loss.ExpectsLogits)
            {
                CheckPriorEntropy(epoch, targets, loss, trainingLoss);
            }

            CheckFrozen(epoch, network, inputs, targets, loss, ws);
        }

        /// <summary>
        /// Checks that <paramref name="loss"/> is a mean over the samples: it compares the loss of the network's outputs on
        /// <paramref name="inputs"/> (features × samples, one sample per column) with the loss of the same batch
        /// concatenated with itself; a ratio of at least <see cref="BatchScalingRatio"/> is reported (NN0003).
        /// </summary>
        public void CheckBatchScaling(DenseNetwork network, Loss loss, Matrix<double> inputs, Matrix<double> targets)
        {
            Guard.NotNull(network, nameof(network));
            Guard.NotNull(loss, nameof(loss));
            var outputs = network.Forward(inputs);
            CheckBatchScaling((o, t) => loss.Value(o, t), outputs, targets);
        }

        /// <summary>
        /// Checks that a loss function is a mean over the samples (columns): <paramref name="lossFunction"/>(outputs, targets)
        /// is compared with its value on the batch concatenated with itself; a ratio of at least
        /// <see cref="BatchScalingRatio"/> is reported (NN0003).
        /// </summary>
        public void CheckBatchScaling(Func<Matrix<double>, Matrix<double>, double> lossFunction, Matrix<double> outputs, Matrix<double> targets)
        {
            Guard.NotNull(lossFunction, nameof(lossFunction));
            Guard.NotEmpty(outputs, nameof(outputs));
            Guard.NotEmpty(targets, nameof(targets));
            Guard.SameShape(targets, outputs, nameof(targets), nameof(outputs));
            var single = lossFunction(outputs, targets);
            var doubled = lossFunction(outputs.Append(outputs), targets.Append(targets));
            if (!Guard.IsFinite(single) || !Guard.IsFinite(doubled) || Math.Abs(single) < 1e-12)
            {
                return;
            }

            var ratio = doubled / single;
            if (ratio >= BatchScalingRatio || ratio <= 1.0 / BatchScalingRatio)
            {
                Report(
                    SymptomKind.LossScalesWithBatch,
                    "NN0003",
                    0,
                    -1,
                    ratio,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "duplicating a batch of {0} samples multiplies the loss by {1:0.###}; a loss (and its gradient) must be a mean over the batch, not a sum, or the step size changes with the batch size (NN0003)",
                        outputs.ColumnCount,
                        ratio));
            }
        }

        private void CheckSaturation(DenseNetwork network, DenseNetwork.Workspace ws, int epoch)
        {
            for (var i = 0; i < network.Layers.Count; i++)
            {
                var activation = network.Layers[i].Activation;
                if (activation != Activation.Sigmoid && activation != Activation.Tanh)
                {
                    continue;
                }

                var a = ws.A[i].AsColumnMajorArray()!;
                var saturated = 0;
                for (var k = 0; k < a.Length; k++)
                {
                    var derivative = activation == Activation.Sigmoid
                        ? Activations.SigmoidDerivativeFromOutput(a[k])
                        : Activations.TanhDerivativeFromOutput(a[k]);
                    if (derivative < SaturationDerivative)
                    {
                        saturated++;
                    }
                }

                var share = (double)saturated / a.Length;
                if (share >= SaturatedShare)
                {
                    var when = epoch == 0 ? "at initialisation" : "after epoch " + epoch.ToString(CultureInfo.InvariantCulture);
                    Report(
                        SymptomKind.SaturatedUnits,
                        "NN0001",
                        epoch,
                        i,
                        share,
                        string.Format(
                            CultureInfo.InvariantCulture,
                            "{0:0.#}% of layer {1}'s {2} units are saturated ({3}′ < {4}) {5}; their gradients vanish. The usual cause is weights or biases drawn from a non-negative range such as [0, 1) (NN0001)",
                            100 * share,
                            i,
                            activation,
                            activation == Activation.Sigmoid ? "σ" : "tanh",
                            SaturationDerivative,
                            when),
                        epoch == 0 ? "init" : "training");
                }
            }
        }

        private void CheckCollapse(int epoch, Matrix<double> outputs, Matrix<double> targets, Activation outputActivation)
        {
            var classes = Math.Max(2, outputs.RowCount);
            var predicted = Evaluation.ArgMax(outputs, outputActivation);
            if (!ReferenceEquals(_labelsOf, targets))
            {
                _labels = targets.RowCount == 1 ? Evaluation.ArgMax(targets, Activation.Sigmoid) : Evaluation.ArgMax(targets);
                _labelsOf = targets;
            }

            var actual = _labels!;
            var predictedCounts = new int[classes];
            var actualCounts = new int[classes];
            for (var k = 0; k < predicted.Length; k++)
            {
                predictedCounts[predicted[k]]++;
                actualCounts[actual[k]]++;
            }

            var top = Array.IndexOf(predictedCounts, predictedCounts.Max());
            var share = (double)predictedCounts[top] / predicted.Length;
            var labelShare = (double)actualCounts[top] / actual.Length;
            if (share >= CollapseShare && labelShare < 0.9)
            {
                _collapseRun++;
                if (_collapseRun >= CollapsePatience)
                {
                    Report(
                        SymptomKind.CollapsedPredictions,
                        "NN0001",
                        epoch,
                        -1,
                        share,
                        string.Format(
                            CultureInfo.InvariantCulture,
                            "{0:0.#}% of the predictions fall in class {1} (which is {2:0.#}% of the labels) for {3} epochs; the network ignores its inputs. The usual cause is saturated units from an all-positive initialization (NN0001)",
                            100 * share,
                            top,
                            100 * labelShare,
                            _collapseRun));
                }
            }
            else
            {
                _collapseRun = 0;
            }
        }

        private void CheckPriorEntropy(int epoch, Matrix<double> targets, Loss loss, double trainingLoss)
        {
            if (!Guard.IsFinite(trainingLoss))
            {
                return;
            }

            if (!ReferenceEquals(_priorOf, targets))
            {
                _prior = PriorEntropy(targets, loss is BinaryCrossEntropyLoss);
                _priorOf = targets;
            }

            var entropy = _prior;
            if (entropy > 1e-6 && Math.Abs(trainingLoss - entropy) < PriorEntropyTolerance)
            {
                _priorRun++;
                if (_priorRun >= PriorEntropyPatience)
                {
                    Report(
                        SymptomKind.LossAtPriorEntropy,
                        "NN0001",
                        epoch,
                        -1,
                        trainingLoss,
                        string.Format(
                            CultureInfo.InvariantCulture,
                            "the training loss {0:0.####} has stayed within {1} of the entropy of the class prior ({2:0.####}) for {3} epochs: the network has learned only the class frequencies. The usual cause is saturated units from an all-positive initialization (NN0001)",
                            trainingLoss,
                            PriorEntropyTolerance,
                            entropy,
                            _priorRun));
                }
            }
            else
            {
                _priorRun = 0;
            }
        }

        /// <summary>−Σ p ln p of the class frequencies (rows of one-hot targets; per row binary entropies for 0/1 targets).</summary>
        internal static double PriorEntropy(Matrix<double> targets, bool binaryRows)
        {
            var n = (double)targets.ColumnCount;
            var entropy = 0.0;
            for (var r = 0; r < targets.RowCount; r++)
            {
                var p = targets.Row(r).Sum() / n;
                if (p > 0)
                {
                    entropy -= p * Math.Log(p);
                }

                if (binaryRows && p < 1)
                {
                    entropy -= (1 - p) * Math.Log(1 - p);
                }
            }

            return entropy;
        }

        private void CheckFrozen(int epoch, DenseNetwork network, Matrix<double> inputs, Matrix<double> targets, Loss loss, DenseNetwork.Workspace ws)
        {
            var gradientKnown = false;
            if (_previousWeights is null || _frozenRuns is null || _previousWeights.Length != network.Layers.Count)
            {
                Snapshot(network);
                return;
            }

            for (var i = 0; i < network.Layers.Count; i++)
            {
                var current = network.Layers[i].Weights;
                var previous = _previousWeights[i];
                var change = 0.0;
                var c = current.AsColumnMajorArray()!;
                var p = previous.AsColumnMajorArray()!;
                for (var k = 0; k < c.Length; k++)
                {
                    var d = c[k] - p[k];
                    change += d * d;
                }

                var norm = Math.Max(current.FrobeniusNorm(), 1e-12);
                var relative = Math.Sqrt(change) / norm;

                // Frozen only while the gradient is not vanishing: weights of saturated units barely move because their
                // gradient is tiny (reported as saturation), not because the update never arrives. The full-batch
                // gradient is computed only when some layer has stopped moving.
                var frozen = false;
                if (relative < FrozenRelativeChange)
                {
                    if (!gradientKnown)
                    {
                        _probe ??= network.CreateGradients();
                        network.BackwardCore(inputs, targets, loss, _probe, ws);
                        gradientKnown = true;
                    }

                    frozen = _probe!.WeightGradients[i].FrobeniusNorm() / norm > VanishingGradient;
                }

                _frozenRuns[i] = frozen ? _frozenRuns[i] + 1 : 0;
                if (_frozenRuns[i] >= FrozenPatience)
                {
                    Report(
                        SymptomKind.FrozenWeights,
                        "NN0004",
                        epoch,
                        i,
                        relative,
                        string.Format(
                            CultureInfo.InvariantCulture,
                            "layer {0}'s weights have not changed for {1} epochs (relative change {2:0.##e+0}); the usual cause is gradients that are computed but never applied to the parameters (NN0004)",
                            i,
                            _frozenRuns[i],
                            relative));
                }

                current.CopyTo(previous);
            }
        }

        private void Snapshot(DenseNetwork network)
        {
            _previousWeights = network.Layers.Select(l => l.Weights.Clone()).ToArray();
            _frozenRuns = new int[network.Layers.Count];
        }

        private void Report(SymptomKind kind, string ruleId, int epoch, int layer, double value, string message, string phase = "")
        {
            var key = kind.ToString() + "/" + layer.ToString(CultureInfo.InvariantCulture) + "/" + phase;
            if (!_reported.Add(key))
            {
                return;
            }

            var symptom = new Symptom(kind, ruleId, epoch, layer, value, message);
            _symptoms.Add(symptom);
            Reporter?.Report(symptom);
        }
    }
}
