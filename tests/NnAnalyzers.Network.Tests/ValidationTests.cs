using System;
using System.IO;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace NnAnalyzers.Network.Tests
{
    /// <summary>Every bad input is rejected with an exception naming the argument and the shapes, before anything changes.</summary>
    public class ValidationTests
    {
        private static DenseNetwork Net(int seed = 1) => DenseNetwork.Create(4, new[] { 5 }, 3, new Random(seed));

        private static Matrix<double>[] Snapshot(DenseNetwork n) =>
            n.Layers.SelectMany(l => new[] { l.Weights.Clone(), Matrix<double>.Build.DenseOfColumnVectors(l.Biases) }).ToArray();

        private static void AssertUnchanged(Matrix<double>[] before, DenseNetwork n)
        {
            var after = Snapshot(n);
            for (var i = 0; i < before.Length; i++)
            {
                Assert.Equal(before[i], after[i]);
            }
        }

        [Fact]
        public void Input_with_the_wrong_number_of_features_names_inputs_and_the_shapes()
        {
            var ex = Assert.Throws<ArgumentException>(() => Net().Forward(Matrix<double>.Build.Dense(3, 7)));
            Assert.Equal("inputs", ex.ParamName);
            Assert.Contains("3×7", ex.Message);
            Assert.Contains("4 rows", ex.Message);
        }

        [Theory]
        [InlineData(double.NaN, "NaN")]
        [InlineData(double.PositiveInfinity, "Infinity")]
        [InlineData(double.NegativeInfinity, "-Infinity")]
        public void Non_finite_inputs_are_rejected_with_their_position(double bad, string shown)
        {
            var x = TestData.Normal(4, 3, 1);
            x[2, 1] = bad;
            var ex = Assert.Throws<ArgumentException>(() => Net().Forward(x));
            Assert.Equal("inputs", ex.ParamName);
            Assert.Contains(shown, ex.Message);
            Assert.Contains("row 2, column 1", ex.Message);
            Assert.Contains("4×3", ex.Message);
        }

        [Fact]
        public void The_fast_finiteness_check_is_exact()
        {
            Assert.True(Kernels.AllFinite(new[] { 1e308, 1e308, 1e308, 1e308, 1e308 })); // the sum overflows, the values are finite
            Assert.True(Kernels.AllFinite(new[] { -1e308, 1e308, 1.0 }));
            Assert.False(Kernels.AllFinite(new[] { 1.0, 2.0, 3.0, 4.0, double.NaN }));
            Assert.False(Kernels.AllFinite(new[] { double.PositiveInfinity, double.NegativeInfinity, 0, 0, 0, 0 }));
            Assert.False(Kernels.AllFinite(new[] { 1e308, 1e308, double.PositiveInfinity }));
            var x = Matrix<double>.Build.Dense(4, 2, 1e308);
            Assert.Equal(2, Net().Forward(x).ColumnCount); // finite (if huge) inputs are accepted
        }

        [Fact]
        public void Targets_of_the_wrong_shape_are_rejected_by_backward_and_loss()
        {
            var x = TestData.Normal(4, 6, 1);
            var ex = Assert.Throws<ArgumentException>(() => Net().Backward(x, Matrix<double>.Build.Dense(3, 5), Loss.SoftmaxCrossEntropy));
            Assert.Equal("targets", ex.ParamName);
            Assert.Contains("3×5", ex.Message);
            Assert.Contains("3×6", ex.Message);

            var lossEx = Assert.Throws<ArgumentException>(() => Loss.MeanSquaredError.Value(Matrix<double>.Build.Dense(3, 4), Matrix<double>.Build.Dense(2, 4)));
            Assert.Equal("targets", lossEx.ParamName);
            Assert.Contains("2×4", lossEx.Message);
            Assert.Contains("3×4", lossEx.Message);
        }

        [Fact]
        public void Non_finite_targets_are_rejected()
        {
            var y = Matrix<double>.Build.Dense(3, 2);
            y[0, 0] = double.NaN;
            var ex = Assert.Throws<ArgumentException>(() => Net().Backward(TestData.Normal(4, 2, 1), y, Loss.SoftmaxCrossEntropy));
            Assert.Equal("targets", ex.ParamName);
            Assert.Contains("NaN", ex.Message);
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(-0.01)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        public void Non_positive_learning_rates_are_rejected(double rate)
        {
            var sgd = Assert.Throws<ArgumentOutOfRangeException>(() => new SgdOptimizer(rate));
            Assert.Equal("learningRate", sgd.ParamName);
            Assert.Contains("positive", sgd.Message);
            var adam = Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer(rate));
            Assert.Equal("learningRate", adam.ParamName);
        }

        [Fact]
        public void Bad_optimizer_settings_are_rejected()
        {
            Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new SgdOptimizer(0.1, 1.0)).ParamName);
            Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer(0.1, beta1: -0.1)).ParamName);
            Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer(0.1, epsilon: 0)).ParamName);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-3)]
        public void Non_positive_batch_sizes_and_epochs_are_rejected(int value)
        {
            var batch = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Net(), Loss.SoftmaxCrossEntropy, new SgdOptimizer(0.1), new TrainerOptions { BatchSize = value }));
            Assert.Equal("options.BatchSize", batch.ParamName);
            Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), batch.Message);
            var epochs = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Net(), Loss.SoftmaxCrossEntropy, new SgdOptimizer(0.1), new TrainerOptions { Epochs = value }));
            Assert.Equal("options.Epochs", epochs.ParamName);
        }

        [Fact]
        public void Options_changed_after_construction_are_checked_again_by_fit()
        {
            var options = new TrainerOptions { BatchSize = 4 };
            var trainer = new Trainer(Net(), Loss.SoftmaxCrossEntropy, new SgdOptimizer(0.1), options);
            options.BatchSize = 0;
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(TestData.Normal(4, 8, 1), TestData.OneHotRandom(3, 8, 2)));
            Assert.Equal("options.BatchSize", ex.ParamName);
            options.BatchSize = 4;
            options.EarlyStoppingMinDelta = double.NaN;
            Assert.Equal("options.EarlyStoppingMinDelta", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(TestData.Normal(4, 8, 1), TestData.OneHotRandom(3, 8, 2))).ParamName);
        }

        [Fact]
        public void Labels_out_of_range_are_rejected()
        {
            var oneHot = Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.OneHot(new[] { 0, 1, 2 }, 2));
            Assert.Equal("labels", oneHot.ParamName);
            Assert.Contains("[0, 2)", oneHot.Message);
            Assert.Contains("'labels'[2] = 2", oneHot.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.OneHot(new[] { -1 }, 2));
            var dataset = Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(TestData.Normal(2, 2, 1), new[] { 0, 5 }, new LabelMap(new[] { "a", "b" })));
            Assert.Equal("labels", dataset.ParamName);
            var confusion = Assert.Throws<ArgumentOutOfRangeException>(() => Evaluation.ConfusionMatrix(new[] { 0, 3 }, new[] { 0, 1 }, 2));
            Assert.Equal("predicted", confusion.ParamName);
        }

        [Fact]
        public void Mismatched_label_counts_are_rejected()
        {
            var ex = Assert.Throws<ArgumentException>(() => new Dataset(TestData.Normal(2, 3, 1), new[] { 0, 1 }, new LabelMap(new[] { "a", "b" })));
            Assert.Equal("labels", ex.ParamName);
            Assert.Contains("2×3", ex.Message);
            Assert.Equal("predicted", Assert.Throws<ArgumentException>(() => Evaluation.Accuracy(new[] { 0 }, new[] { 0, 1 })).ParamName);
        }

        [Fact]
        public void Empty_data_is_rejected()
        {
            Assert.Equal("actual", Assert.Throws<ArgumentException>(() => Evaluation.Accuracy(new int[0], new int[0])).ParamName);
            Assert.Equal("labels", Assert.Throws<ArgumentException>(() => Dataset.OneHot(new int[0], 2)).ParamName);
            var headerOnly = Assert.Throws<ArgumentException>(() => CsvData.Load(new StringReader("a,b,label\n")));
            Assert.Equal("reader", headerOnly.ParamName);
            Assert.Contains("no data rows", headerOnly.Message);
            Assert.Equal("reader", Assert.Throws<ArgumentException>(() => CsvData.Load(new StringReader(string.Empty))).ParamName);
            Assert.Equal("layers", Assert.Throws<ArgumentException>(() => new DenseNetwork(new DenseLayer[0])).ParamName);
            Assert.Equal("labels", Assert.Throws<ArgumentException>(() => new LabelMap(new string[0])).ParamName);
        }

        [Fact]
        public void Bad_layers_are_rejected_with_shapes()
        {
            var biases = Assert.Throws<ArgumentException>(() => new DenseLayer(Matrix<double>.Build.Dense(3, 4), Vector<double>.Build.Dense(2), Activation.Tanh));
            Assert.Equal("biases", biases.ParamName);
            Assert.Contains("3×4", biases.Message);
            var chain = Assert.Throws<ArgumentException>(() => new DenseNetwork(new[]
            {
                new DenseLayer(4, 5, Activation.Tanh, new Random(0)),
                new DenseLayer(6, 2, Activation.Identity, new Random(0)),
            }));
            Assert.Equal("layers", chain.ParamName);
            Assert.Contains("2×6", chain.Message);
            Assert.Equal("inputs", Assert.Throws<ArgumentOutOfRangeException>(() => new DenseLayer(0, 2, Activation.Tanh, new Random(0))).ParamName);
            Assert.Equal("random", Assert.Throws<ArgumentNullException>(() => new DenseLayer(2, 2, Activation.Tanh, null!)).ParamName);
        }

        [Fact]
        public void A_loss_from_logits_on_a_squashed_output_is_rejected()
        {
            var net = DenseNetwork.Create(4, new[] { 3 }, 2, new Random(0), outputActivation: Activation.Sigmoid);
            var ex = Assert.Throws<ArgumentException>(() => new Trainer(net, Loss.SoftmaxCrossEntropy, new SgdOptimizer(0.1)));
            Assert.Equal("loss", ex.ParamName);
            Assert.Contains("logits", ex.Message);
        }

        [Fact]
        public void A_step_with_non_finite_gradients_changes_nothing()
        {
            var net = DenseNetwork.Create(4, new[] { 5, 4 }, 3, new Random(1));
            var gradients = net.Backward(TestData.Normal(4, 3, 2), TestData.OneHotRandom(3, 3, 3), Loss.SoftmaxCrossEntropy);
            gradients.BiasGradients[2][1] = double.NaN; // the last layer: earlier layers would be updated first
            var before = Snapshot(net);
            var optimizer = new AdamOptimizer(0.1);
            var ex = Assert.Throws<ArgumentException>(() => optimizer.Step(net, gradients));
            Assert.Equal("gradients", ex.ParamName);
            Assert.Contains("NaN", ex.Message);
            AssertUnchanged(before, net);
            Assert.Equal(0, optimizer.StepCount);
        }

        [Fact]
        public void A_step_with_gradients_of_another_network_changes_nothing()
        {
            var net = Net();
            var other = DenseNetwork.Create(4, new[] { 6 }, 3, new Random(2));
            var gradients = other.Backward(TestData.Normal(4, 3, 2), TestData.OneHotRandom(3, 3, 3), Loss.SoftmaxCrossEntropy);
            var before = Snapshot(net);
            var ex = Assert.Throws<ArgumentException>(() => new SgdOptimizer(0.1, 0.9).Step(net, gradients));
            Assert.Equal("gradients", ex.ParamName);
            Assert.Contains("6×4", ex.Message);
            Assert.Contains("5×4", ex.Message);
            AssertUnchanged(before, net);
        }

        [Fact]
        public void Fit_with_a_bad_input_changes_nothing()
        {
            var net = Net();
            var before = Snapshot(net);
            var trainer = new Trainer(net, Loss.SoftmaxCrossEntropy, new SgdOptimizer(0.1));
            var x = TestData.Normal(4, 10, 1);
            x[3, 9] = double.NaN;
            var ex = Assert.Throws<ArgumentException>(() => trainer.Fit(x, TestData.OneHotRandom(3, 10, 2)));
            Assert.Equal("inputs", ex.ParamName);
            var validation = Assert.Throws<ArgumentException>(() => trainer.Fit(TestData.Normal(4, 10, 1), TestData.OneHotRandom(3, 10, 2), TestData.Normal(4, 5, 3), TestData.OneHotRandom(3, 4, 4)));
            Assert.Equal("validationTargets", validation.ParamName);
            Assert.Contains("3×4", validation.Message);
            Assert.Contains("3×5", validation.Message);
            AssertUnchanged(before, net);
        }

        [Fact]
        public void Standardizer_rejects_another_feature_count()
        {
            var s = Standardizer.Fit(TestData.Normal(3, 10, 1));
            var ex = Assert.Throws<ArgumentException>(() => s.Transform(TestData.Normal(4, 2, 1)));
            Assert.Equal("features", ex.ParamName);
            Assert.Contains("4×2", ex.Message);
        }

        [Fact]
        public void Csv_errors_name_the_line_and_the_column()
        {
            var missing = Assert.Throws<ArgumentException>(() => CsvData.Load(new StringReader("a,b\n1,2\n"), "label"));
            Assert.Equal("labelColumn", missing.ParamName);
            var bad = Assert.Throws<FormatException>(() => CsvData.Load(new StringReader("a,label\n1,x\nzz,y\n")));
            Assert.Contains("Line 3", bad.Message);
            Assert.Contains("\"a\"", bad.Message);
            Assert.Throws<FormatException>(() => CsvData.Load(new StringReader("a,label\n1,x,3\n")));
            Assert.Throws<FormatException>(() => CsvData.Load(new StringReader("a,label\nNaN,x\n")));
        }
    }
}
