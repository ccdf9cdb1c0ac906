using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace NnAnalyzers.Network.Tests
{
    internal sealed class Collect<T> : IProgress<T>
    {
        public List<T> Items { get; } = new List<T>();

        public void Report(T value) => Items.Add(value);
    }

    public class TrainingTests
    {
        private static (Dataset Train, Dataset Test) Blobs()
        {
            var data = TestData.Blobs(400, 10, 7, separation: 4.0);
            return Splits.Random(data, 0.7, new Random(1), stratified: true);
        }

        [Theory]
        [InlineData("adam")]
        [InlineData("sgd")]
        public void Two_gaussian_blobs_are_learned(string optimizerName)
        {
            var (train, test) = Blobs();
            var net = DenseNetwork.Create(10, new[] { 8 }, 2, new Random(3), Activation.Tanh);
            Optimizer optimizer = optimizerName == "adam" ? new AdamOptimizer(0.01) : new SgdOptimizer(0.1, 0.9);
            var progress = new Collect<EpochReport>();
            var trainer = new Trainer(net, Loss.SoftmaxCrossEntropy, optimizer, new TrainerOptions { Epochs = 30, BatchSize = 16, Seed = 5 });
            var result = trainer.Fit(train.Features, train.OneHot(), test.Features, test.OneHot(), progress);

            Assert.Equal(30, result.History.Count);
            Assert.Equal(Enumerable.Range(1, 30), progress.Items.Select(r => r.Epoch));
            Assert.True(result.History.Last().TrainingLoss < result.History.First().TrainingLoss);
            var accuracy = Evaluation.Accuracy(net.PredictClasses(test.Features), test.Labels);
            Assert.True(accuracy >= 0.95, $"test accuracy {accuracy}");
            Assert.Equal(accuracy, result.History.Last().ValidationAccuracy, 12);
            Assert.False(result.Diverged);
            Assert.Equal(30L * (long)Math.Ceiling(train.Count / 16.0), result.Steps);
        }

        [Fact]
        public void Binary_cross_entropy_with_one_output_learns_the_blobs()
        {
            var (train, test) = Blobs();
            var net = DenseNetwork.Create(10, new[] { 6 }, 1, new Random(3), Activation.ReLU);
            var trainer = new Trainer(net, Loss.BinaryCrossEntropy, new AdamOptimizer(0.01), new TrainerOptions { Epochs = 20, BatchSize = 8 });
            var y = Matrix<double>.Build.Dense(1, train.Count, (r, c) => train.Labels[c]);
            trainer.Fit(train.Features, y);
            var accuracy = Evaluation.Accuracy(net.PredictClasses(test.Features), test.Labels);
            Assert.True(accuracy >= 0.93, $"test accuracy {accuracy} (Bayes accuracy of these blobs: 0.977)");
        }

        [Fact]
        public void Training_is_deterministic_for_a_fixed_seed()
        {
            var (train, _) = Blobs();
            TrainingResult Run(int netSeed, int shuffleSeed, out DenseNetwork net)
            {
                net = DenseNetwork.Create(10, new[] { 5 }, 2, new Random(netSeed));
                return new Trainer(net, Loss.SoftmaxCrossEntropy, new AdamOptimizer(0.01), new TrainerOptions { Epochs = 5, BatchSize = 7, Seed = shuffleSeed })
                    .Fit(train.Features, train.OneHot());
            }

            var a = Run(1, 2, out var netA);
            var b = Run(1, 2, out var netB);
            var c = Run(1, 3, out var netC);
            Assert.Equal(a.History.Select(h => h.TrainingLoss), b.History.Select(h => h.TrainingLoss));
            for (var l = 0; l < netA.Layers.Count; l++)
            {
                Assert.Equal(netA.Layers[l].Weights, netB.Layers[l].Weights);
                Assert.Equal(netA.Layers[l].Biases, netB.Layers[l].Biases);
            }

            Assert.NotEqual(netA.Layers[0].Weights, netC.Layers[0].Weights);
        }

        [Fact]
        public void Early_stopping_stops_and_restores_the_best_parameters()
        {
            var (train, test) = Blobs();
            DenseNetwork Fresh() => DenseNetwork.Create(10, new[] { 5 }, 2, new Random(4));
            var net = Fresh();

            // Nothing after epoch 1 improves by 10 nats: stop after 1 + patience epochs, restore epoch 1.
            var options = new TrainerOptions { Epochs = 50, BatchSize = 10, EarlyStoppingPatience = 2, EarlyStoppingMinDelta = 10 };
            var result = new Trainer(net, Loss.SoftmaxCrossEntropy, new SgdOptimizer(0.05), options).Fit(train.Features, train.OneHot(), test.Features, test.OneHot());
            Assert.True(result.StoppedEarly);
            Assert.Equal(3, result.History.Count);
            Assert.Equal(1, result.BestEpoch);

            var once = Fresh();
            new Trainer(once, Loss.SoftmaxCrossEntropy, new SgdOptimizer(0.05), new TrainerOptions { Epochs = 1, BatchSize = 10 }).Fit(train.Features, train.OneHot());
            Assert.Equal(once.Layers[0].Weights, net.Layers[0].Weights);
        }

        [Fact]
        public void A_diverging_loss_stops_training_without_applying_the_step()
        {
            var net = DenseNetwork.Create(2, new int[0], 2, new Random(0));
            var x = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 1, 1 } });
            var y = Dataset.OneHot(new[] { 0, 1 }, 2);
            var result = new Trainer(net, new NaiveSummedSoftmaxLoss(), new SgdOptimizer(1e6), new TrainerOptions { Epochs = 20, BatchSize = 2 }).Fit(x, y);
            Assert.True(result.Diverged);
            Assert.All(net.Layers[0].Weights.Enumerate(), v => Assert.False(double.IsNaN(v) || double.IsInfinity(v)));
        }

        [Fact]
        public void Evaluation_metrics()
        {
            var predicted = new[] { 0, 1, 1, 0, 1 };
            var actual = new[] { 0, 1, 0, 0, 1 };
            Assert.Equal(0.8, Evaluation.Accuracy(predicted, actual), 12);
            var cm = Evaluation.ConfusionMatrix(predicted, actual, 2);
            Assert.Equal(2, cm[0, 0]);
            Assert.Equal(1, cm[0, 1]);
            Assert.Equal(0, cm[1, 0]);
            Assert.Equal(2, cm[1, 1]);
            Assert.Equal(5, cm.Total);
            Assert.Equal("2\t1" + Environment.NewLine + "0\t2" + Environment.NewLine, cm.ToString());
            var outputs = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, -1, 0.2 }, { 0.5, 3, 0.1 } });
            Assert.Equal(new[] { 0, 1, 0 }, Evaluation.ArgMax(outputs));
            Assert.Equal(new[] { 1, 0 }, Evaluation.ArgMax(Matrix<double>.Build.DenseOfArray(new double[,] { { 0.1, -0.1 } })));
        }

        [Fact]
        public void Backward_does_not_change_the_parameters()
        {
            var net = DenseNetwork.Create(4, new[] { 3 }, 2, new Random(0));
            var before = net.Layers[0].Weights.Clone();
            net.Backward(TestData.Normal(4, 5, 1), TestData.OneHotRandom(2, 5, 2), Loss.SoftmaxCrossEntropy);
            Assert.Equal(before, net.Layers[0].Weights);
        }

        [Fact]
        public void Forward_all_and_layer_forward_agree()
        {
            var net = DenseNetwork.Create(4, new[] { 3 }, 2, new Random(0), Activation.LeakyReLU);
            var x = TestData.Normal(4, 5, 1);
            var all = net.ForwardAll(x);
            Assert.Equal(net.Layers[0].Forward(x), all[0]);
            Assert.Equal(net.Forward(x), all[1]);
            Assert.Equal(net.Layers[1].Forward(all[0]), all[1]);
            Assert.Equal(4 * 3 + 3 + 3 * 2 + 2, net.ParameterCount);
        }
    }

    /// <summary>A buggy loss for provoking symptoms: softmax without max shift, summed (not averaged) over the batch.</summary>
    internal sealed class NaiveSummedSoftmaxLoss : Loss
    {
        public override string Name => "naive summed softmax";

        public override bool ExpectsLogits => true;

        protected override double ValueCore(Matrix<double> outputs, Matrix<double> targets)
        {
            var total = 0.0;
            for (var c = 0; c < outputs.ColumnCount; c++)
            {
                var sum = 0.0;
                for (var r = 0; r < outputs.RowCount; r++)
                {
                    sum += Math.Exp(outputs[r, c]);
                }

                for (var r = 0; r < outputs.RowCount; r++)
                {
                    total -= targets[r, c] * Math.Log(Math.Exp(outputs[r, c]) / sum);
                }
            }

            return total;
        }

        protected override void GradientCore(Matrix<double> outputs, Matrix<double> targets, Matrix<double> result)
        {
            for (var c = 0; c < outputs.ColumnCount; c++)
            {
                var sum = 0.0;
                for (var r = 0; r < outputs.RowCount; r++)
                {
                    sum += Math.Exp(outputs[r, c]);
                }

                for (var r = 0; r < outputs.RowCount; r++)
                {
                    result[r, c] = (Math.Exp(outputs[r, c]) / sum) - targets[r, c];
                }
            }
        }
    }
}
