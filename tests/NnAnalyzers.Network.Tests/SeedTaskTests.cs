using System;
using System.IO;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace NnAnalyzers.Network.Tests
{
    /// <summary>
    /// The question's task (34-20-20-2 sigmoid, batch 1, rows in file order, first200, raw features) with the library: the
    /// question's initialisation collapses and the monitor names NN0001; Glorot learns. On the real Ionosphere file when
    /// the repository has it, otherwise on generated data of the same shape and class balance.
    /// </summary>
    public class SeedTaskTests
    {
        private static (Dataset Train, Dataset Test, bool Real) Data()
        {
            var path = TestData.IonospherePath();
            if (path is not null)
            {
                var (train, test) = Splits.Seed(CsvData.Load(path), SeedSplit.First200);
                return (train, test, true);
            }

            // Raw Ionosphere features lie in [−1, 1], the first one is 0/1; 351 rows, 64 % "g".
            var random = new Random(3);
            var n = 351;
            var labels = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.64 ? 1 : 0).ToArray();
            var x = Matrix<double>.Build.Dense(34, n, (r, c) =>
                Math.Max(-1, Math.Min(1, (r < 10 ? (labels[c] == 1 ? 0.5 : -0.2) : 0.1) + (0.4 * ((2 * random.NextDouble()) - 1)))));
            var data = new Dataset(x, labels, new LabelMap(new[] { "b", "g" }));
            var (tr, te) = Splits.Seed(data, SeedSplit.First200);
            return (tr, te, false);
        }

        private static DenseNetwork QuestionNetwork(Random random)
        {
            var net = DenseNetwork.Create(34, new[] { 20, 20 }, 2, random, Activation.Sigmoid);
            foreach (var layer in net.Layers)
            {
                layer.Weights.MapInplace(_ => random.NextDouble());
                layer.Biases.MapInplace(_ => random.NextDouble());
            }

            return net;
        }

        [Fact]
        public void The_question_s_initialisation_collapses_and_the_monitor_names_NN0001()
        {
            var (train, test, _) = Data();
            var monitor = new TrainingMonitor();
            var net = QuestionNetwork(new Random(0));
            var result = new Trainer(net, Loss.SoftmaxCrossEntropy, new SgdOptimizer(1e-4), new TrainerOptions { Epochs = 100, BatchSize = 1, Shuffle = false, Monitor = monitor })
                .Fit(train.Features, train.OneHot());

            var prior = TrainingMonitor.PriorEntropy(train.OneHot(), false);
            Assert.InRange(result.History.Last().TrainingLoss, prior - 0.01, prior + 0.01);
            var predicted = net.PredictClasses(test.Features);
            var majority = predicted.GroupBy(p => p).Max(g => g.Count()) / (double)predicted.Length;
            Assert.True(majority >= 0.97, $"majority share {majority}");
            Assert.Contains(monitor.Symptoms, s => s.Kind == SymptomKind.SaturatedUnits && s.Epoch == 0 && s.RuleId == "NN0001");
            Assert.Contains(monitor.Symptoms, s => s.Kind == SymptomKind.CollapsedPredictions && s.RuleId == "NN0001");
            Assert.Contains(monitor.Symptoms, s => s.Kind == SymptomKind.LossAtPriorEntropy && s.RuleId == "NN0001");
        }

        [Fact]
        public void Glorot_initialisation_learns_the_task_and_the_monitor_stays_silent()
        {
            var (train, test, real) = Data();
            var monitor = new TrainingMonitor();
            var net = DenseNetwork.Create(34, new[] { 20, 20 }, 2, new Random(0), Activation.Sigmoid);
            new Trainer(net, Loss.SoftmaxCrossEntropy, new SgdOptimizer(1e-2), new TrainerOptions { Epochs = 100, BatchSize = 1, Shuffle = false, Monitor = monitor })
                .Fit(train.Features, train.OneHot());
            var accuracy = Evaluation.Accuracy(net.PredictClasses(test.Features), test.Labels);
            Assert.True(accuracy >= (real ? 0.93 : 0.9), $"test accuracy {accuracy} ({(real ? "Ionosphere" : "generated data")})");
            Assert.Empty(monitor.Symptoms);
        }
    }
}
