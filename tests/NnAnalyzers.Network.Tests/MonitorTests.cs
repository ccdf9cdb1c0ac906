using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace NnAnalyzers.Network.Tests
{
    /// <summary>Each symptom is provoked by the bug that causes it, and names the rule that catches that bug.</summary>
    public class MonitorTests
    {
        /// <summary>Positive features in [0, 1) like raw Ionosphere, two balanced classes: samples as columns.</summary>
        private static Dataset PositiveData(int count = 200, int features = 34)
        {
            var random = new Random(5);
            var labels = Enumerable.Range(0, count).Select(i => i % 2).ToArray();
            var x = Matrix<double>.Build.Dense(features, count, (r, c) => Math.Min(0.999, (0.3 * random.NextDouble()) + (labels[c] == 1 && r < 5 ? 0.6 : 0.2)));
            return new Dataset(x, labels, new LabelMap(new[] { "b", "g" }));
        }

        /// <summary>The question's initialisation: every weight and bias from [0, 1).</summary>
        private static DenseNetwork AllPositiveNetwork(int seed)
        {
            var random = new Random(seed);
            var net = DenseNetwork.Create(34, new[] { 20, 20 }, 2, random, Activation.Sigmoid);
            foreach (var layer in net.Layers)
            {
                layer.Weights.MapInplace(_ => random.NextDouble());
                layer.Biases.MapInplace(_ => random.NextDouble());
            }

            return net;
        }

        [Fact]
        public void All_positive_init_shows_saturation_collapse_and_prior_entropy_naming_NN0001()
        {
            var data = PositiveData();
            var reported = new Collect<Symptom>();
            var monitor = new TrainingMonitor(reported);
            var net = AllPositiveNetwork(0);
            var result = new Trainer(net, Loss.SoftmaxCrossEntropy, new SgdOptimizer(1e-4), new TrainerOptions { Epochs = 30, BatchSize = 1, Shuffle = false, Monitor = monitor })
                .Fit(data.Features, data.OneHot());
            var all = string.Join(" | ", monitor.Symptoms.Select(s => s.Epoch + ":" + s.Kind)) + " losses " + string.Join(",", result.History.Select(h => h.TrainingLoss.ToString("F4")));
            Assert.True(monitor.Symptoms.Count > 5, all);

            var atInit = Assert.Single(monitor.Symptoms, s => s.Kind == SymptomKind.SaturatedUnits && s.Epoch == 0 && s.Layer == 1);
            Assert.Equal("NN0001", atInit.RuleId);
            Assert.True(atInit.Value > 0.9, $"share {atInit.Value}");
            Assert.Contains("NN0001", atInit.Message);
            Assert.Contains("at initialisation", atInit.Message);
            Assert.Contains(monitor.Symptoms, s => s.Kind == SymptomKind.SaturatedUnits && s.Epoch > 0 && s.RuleId == "NN0001");
            var collapse = Assert.Single(monitor.Symptoms, s => s.Kind == SymptomKind.CollapsedPredictions);
            Assert.Equal("NN0001", collapse.RuleId);
            Assert.True(collapse.Value >= 0.97);
            var prior = Assert.Single(monitor.Symptoms, s => s.Kind == SymptomKind.LossAtPriorEntropy);
            Assert.Equal("NN0001", prior.RuleId);
            Assert.Contains("0.6931", prior.Message);
            Assert.DoesNotContain(monitor.Symptoms, s => s.Kind == SymptomKind.FrozenWeights);
            Assert.Equal(monitor.Symptoms, reported.Items);
            Assert.Equal(monitor.Symptoms, result.Symptoms);
            Assert.Equal(monitor.Symptoms, result.History.Last().Symptoms);
        }

        [Fact]
        public void A_healthy_training_reports_nothing()
        {
            var data = PositiveData();
            var scaler = Standardizer.Fit(data.Features);
            var monitor = new TrainingMonitor();
            var net = DenseNetwork.Create(34, new[] { 20, 20 }, 2, new Random(0), Activation.Sigmoid);
            new Trainer(net, Loss.SoftmaxCrossEntropy, new SgdOptimizer(1e-2), new TrainerOptions { Epochs = 12, BatchSize = 1, Monitor = monitor })
                .Fit(scaler.Transform(data.Features), data.OneHot());
            Assert.Empty(monitor.Symptoms);

            var tanhMonitor = new TrainingMonitor();
            var (train, _) = Splits.Random(TestData.Blobs(200, 6, 1), 0.7, new Random(0));
            new Trainer(DenseNetwork.Create(6, new[] { 8 }, 2, new Random(1), Activation.Tanh), Loss.SoftmaxCrossEntropy, new AdamOptimizer(0.01), new TrainerOptions { Epochs = 15, BatchSize = 8, Monitor = tanhMonitor })
                .Fit(train.Features, train.OneHot());
            Assert.Empty(tanhMonitor.Symptoms);
        }

        [Fact]
        public void Saturation_that_appears_during_training_is_reported_with_its_epoch()
        {
            var data = PositiveData(50, 34);
            var x = Standardizer.Fit(data.Features).Transform(data.Features);
            var monitor = new TrainingMonitor();
            var net = DenseNetwork.Create(34, new[] { 20 }, 2, new Random(0), Activation.Tanh);
            monitor.CheckInitialization(net, x);
            Assert.Empty(monitor.Symptoms);
            net.Layers[0].Weights.MapInplace(w => w * 100);
            monitor.ObserveEpoch(3, net, x, data.OneHot(), Loss.SoftmaxCrossEntropy, 0.5);
            var s = Assert.Single(monitor.Symptoms, k => k.Kind == SymptomKind.SaturatedUnits);
            Assert.Equal(3, s.Epoch);
            Assert.Equal(0, s.Layer);
            Assert.Contains("after epoch 3", s.Message);
            Assert.Contains("tanh", s.Message);
        }

        /// <summary>The NN0004 bug: gradients computed and thrown away.</summary>
        private sealed class DiscardingOptimizer : Optimizer
        {
            public DiscardingOptimizer()
                : base(0.1)
            {
            }

            protected override void Update(int layer, Matrix<double> weights, Matrix<double> weightGradient, Vector<double> biases, Vector<double> biasGradient)
            {
            }
        }

        [Fact]
        public void Gradients_that_never_reach_the_weights_show_frozen_weights_naming_NN0004()
        {
            var (train, _) = Splits.Random(TestData.Blobs(100, 4, 2), 0.7, new Random(0));
            var monitor = new TrainingMonitor();
            new Trainer(DenseNetwork.Create(4, new[] { 5 }, 2, new Random(1), Activation.Tanh), Loss.SoftmaxCrossEntropy, new DiscardingOptimizer(), new TrainerOptions { Epochs = 4, BatchSize = 10, Monitor = monitor })
                .Fit(train.Features, train.OneHot());
            var frozen = monitor.Symptoms.Where(s => s.Kind == SymptomKind.FrozenWeights).ToArray();
            Assert.Equal(new[] { 0, 1 }, frozen.Select(s => s.Layer));
            Assert.All(frozen, s => Assert.Equal("NN0004", s.RuleId));
            Assert.All(frozen, s => Assert.Equal(2, s.Epoch));
            Assert.Contains("never applied", frozen[0].Message);
        }

        [Fact]
        public void An_unshifted_softmax_on_large_logits_shows_a_non_finite_loss_naming_NN0002()
        {
            var (train, _) = Splits.Random(TestData.Blobs(100, 4, 2), 0.7, new Random(0));
            var monitor = new TrainingMonitor();
            var big = train.Features * 1000.0;
            var result = new Trainer(DenseNetwork.Create(4, new[] { 5 }, 2, new Random(1), Activation.ReLU), new NaiveSummedSoftmaxLoss(), new SgdOptimizer(0.1), new TrainerOptions { Epochs = 3, BatchSize = 10, Monitor = monitor })
                .Fit(big, train.OneHot());
            var s = Assert.Single(monitor.Symptoms, k => k.Kind == SymptomKind.NonFiniteLoss);
            Assert.Equal("NN0002", s.RuleId);
            Assert.Equal(1, s.Epoch);
            Assert.Contains("maximum", s.Message);
            Assert.True(result.Diverged);

            // The same data with the library's loss (log-sum-exp) stays finite.
            var safe = new TrainingMonitor();
            new Trainer(DenseNetwork.Create(4, new[] { 5 }, 2, new Random(1), Activation.ReLU), Loss.SoftmaxCrossEntropy, new SgdOptimizer(1e-6), new TrainerOptions { Epochs = 2, BatchSize = 10, Monitor = safe })
                .Fit(big, train.OneHot());
            Assert.DoesNotContain(safe.Symptoms, k => k.Kind == SymptomKind.NonFiniteLoss);
        }

        [Fact]
        public void A_loss_summed_over_the_batch_is_reported_naming_NN0003()
        {
            var (train, _) = Splits.Random(TestData.Blobs(100, 4, 2), 0.7, new Random(0));
            var monitor = new TrainingMonitor();
            new Trainer(DenseNetwork.Create(4, new[] { 5 }, 2, new Random(1), Activation.Tanh), new NaiveSummedSoftmaxLoss(), new SgdOptimizer(0.01), new TrainerOptions { Epochs = 1, BatchSize = 10, Monitor = monitor })
                .Fit(train.Features, train.OneHot());
            var s = Assert.Single(monitor.Symptoms, k => k.Kind == SymptomKind.LossScalesWithBatch);
            Assert.Equal("NN0003", s.RuleId);
            Assert.Equal(2.0, s.Value, 9);
            Assert.Contains("mean over the batch", s.Message);

            // A plain function works too; the library's losses are means and pass.
            var plain = new TrainingMonitor();
            var outputs = TestData.Normal(2, 6, 1);
            var targets = TestData.OneHotRandom(2, 6, 2);
            plain.CheckBatchScaling((o, t) => Loss.MeanSquaredError.Value(o, t), outputs, targets);
            plain.CheckBatchScaling((o, t) => Loss.SoftmaxCrossEntropy.Value(o, t), outputs, targets);
            Assert.Empty(plain.Symptoms);
            plain.CheckBatchScaling((o, t) => (o - t).PointwisePower(2).Enumerate().Sum(), outputs, targets);
            Assert.Equal(SymptomKind.LossScalesWithBatch, Assert.Single(plain.Symptoms).Kind);
        }

        [Fact]
        public void Non_finite_batch_losses_are_reported_once()
        {
            var monitor = new TrainingMonitor();
            monitor.ObserveBatchLoss(1, 0.5);
            Assert.Empty(monitor.Symptoms);
            monitor.ObserveBatchLoss(2, double.PositiveInfinity);
            monitor.ObserveBatchLoss(2, double.NaN);
            Assert.Equal(2, Assert.Single(monitor.Symptoms).Epoch);
            Assert.True(monitor.Has(SymptomKind.NonFiniteLoss));
        }

        [Fact]
        public void Prior_entropy_of_the_seed_split()
        {
            // first200: 99 b / 101 g.
            var y = Dataset.OneHot(Enumerable.Range(0, 200).Select(i => i < 99 ? 0 : 1).ToArray(), 2);
            Assert.Equal(0.69310, TrainingMonitor.PriorEntropy(y, false), 5);
        }
    }
}
