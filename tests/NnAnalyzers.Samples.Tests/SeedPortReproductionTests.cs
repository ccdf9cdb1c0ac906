using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using MathNet.Numerics.LinearAlgebra;
using SeedPort;
using Xunit;
using Xunit.Abstractions;

namespace NnAnalyzers.Samples.Tests
{
    /// <summary>
    /// The seed port against the numbers of shared/docs/SEED-NUMBERS.md (measured with the numpy original,
    /// shared/reference/seed_numpy.py): seed 0, split first200, lr 1e-4, batch 1, 400 epochs.
    /// </summary>
    public class SeedPortReproductionTests : IClassFixture<SeedPortReproductionTests.GradientsApplied>
    {
        private const string DataSha256 = "a549c82ac0c568971e841ba175c3d3ee3cce428459bf1f787dff7e6fed717b9a";
        private readonly GradientsApplied _run;
        private readonly ITestOutputHelper _output;

        public SeedPortReproductionTests(GradientsApplied run, ITestOutputHelper output)
        {
            _run = run;
            _output = output;
        }

        [Fact]
        public void Data_next_to_the_program_is_the_ionosphere_file()
        {
            using var stream = File.OpenRead(IonosphereData.DefaultPath);
            Assert.Equal(DataSha256, Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant());
            var data = IonosphereData.Load();
            Assert.Equal((351, 34), (data.X.RowCount, data.X.ColumnCount));
            Assert.Equal(new[] { 126.0, 225.0 }, data.Y.ColumnSums().ToArray());   // b, g
        }

        [Fact]
        public void First200_split_is_the_original_authors_split()
        {
            var (xTrain, yTrain, xTest, yTest) = IonosphereData.Load().Split("first200");
            Assert.Equal(200, xTrain.RowCount);
            Assert.Equal(151, xTest.RowCount);
            Assert.Equal(new[] { 99.0, 101.0 }, yTrain.ColumnSums().ToArray());
            Assert.Equal(new[] { 27.0, 124.0 }, yTest.ColumnSums().ToArray());
        }

        [Fact]
        public void Shuffle70_split_follows_numpys_permutation()
        {
            var data = IonosphereData.Load();
            var (xTrain, _, xTest, _) = data.Split("shuffle70");
            Assert.Equal(246, xTrain.RowCount);   // round(0.7 * 351)
            Assert.Equal(105, xTest.RowCount);
            Assert.Equal(data.X.Row(157), xTrain.Row(0));   // RandomState(42).permutation(351)[0] = 157
            Assert.Equal(data.X.Row(102), xTest.Row(104));  // ... and the last index is 102
        }

        [Fact]
        public void Weights_are_drawn_in_numpy_order()
        {
            var (w, b) = SeedNetwork.InitModel(34, new[] { 20, 20 }, 2, 1, new NumpyRandom(0));
            Assert.Equal((20, 34), (w[0].RowCount, w[0].ColumnCount));
            Assert.Equal((20, 1), (b[0].RowCount, b[0].ColumnCount));
            Assert.Equal((2, 20), (w[2].RowCount, w[2].ColumnCount));
            Assert.Equal(0.5488135039273248, w[0][0, 0]);   // first draw, row-major
            Assert.Equal(0.7151893663724195, w[0][0, 1]);
            var reference = new NumpyRandom(0);
            for (var i = 0; i < 20 * 34; i++)
                reference.NextDouble();
            Assert.Equal(reference.NextDouble(), b[0][0, 0]);   // b1 right after W1
        }

        [Fact]
        public void Initial_cost_is_the_originals()
        {
            Assert.Equal(1.8781, Math.Round(_run.InitialCost, 4));
        }

        [Fact]
        public void Cost_after_the_first_epoch_is_the_originals()
        {
            Assert.Equal(1.6893, Math.Round(_run.CostAfterEpoch1, 4));
            // the running costs the question's loop prints while it updates (SEED-NUMBERS.md)
            Assert.Equal(1.7840, Math.Round(_run.RunningCosts[0], 4));
            Assert.Equal(1.6003, Math.Round(_run.RunningCosts[1], 4));
        }

        [Fact]
        public void After_400_epochs_the_cost_is_stuck_at_the_prior_and_the_test_predictions_collapse()
        {
            _output.WriteLine($"train cost after 400 epochs {_run.FinalCost:F6}, test predictions b/g {_run.TestCounts[0]}/{_run.TestCounts[1]}, {_run.MsPerEpoch:F2} ms per epoch");
            Assert.InRange(_run.FinalCost, 0.6926 - 0.005, 0.6926 + 0.005);
            Assert.True((double)_run.TestCounts.Max() / _run.TestCounts.Sum() >= 0.97, $"test predictions b/g = {_run.TestCounts[0]}/{_run.TestCounts[1]}");
        }

        [Fact]
        public void Train_as_posted_never_changes_the_cost()
        {
            var (xTrain, yTrain, _, _) = IonosphereData.Load().Split("first200");
            var (w, b) = SeedNetwork.InitModel(34, new[] { 20, 20 }, 2, 1, new NumpyRandom(0));
            var before = w.Values.Concat(b.Values).Select(m => m.Clone()).ToList();
            var initial = SeedNetwork.Evaluate(xTrain, yTrain, w, b).Cost;
            var evaluated = new List<double>();
            var log = new StringWriter();

            var result = SeedNetwork.Train(xTrain, yTrain, w, b, 5, 1e-2, 1, log,
                (epoch, wNow, bNow) => evaluated.Add(SeedNetwork.Evaluate(xTrain, yTrain, wNow, bNow).Cost));

            Assert.Equal(1.8781, Math.Round(initial, 4));
            Assert.Equal(5, result.Costs.Count);
            Assert.All(result.Costs, c => Assert.Equal(initial, c, 12));
            Assert.All(evaluated, c => Assert.Equal(initial, c));
            Assert.Equal(before, result.W.Values.Concat(result.B.Values).ToList());
            Assert.Contains("iteration: 0  cost: 1.878146", log.ToString(), StringComparison.Ordinal);
        }

        /// <summary>
        /// The question's training loop with its gradients applied: the port's own InitModel, ForwardProp, BackProp
        /// and Update, run once for all the tests of the class.
        /// </summary>
        public sealed class GradientsApplied
        {
            public GradientsApplied()
            {
                const double learnRate = 1e-4;
                const int epochs = 400;
                var (xTrain, yTrain, xTest, yTest) = IonosphereData.Load().Split("first200");
                var (w, b) = SeedNetwork.InitModel(xTrain.ColumnCount, new[] { 20, 20 }, 2, 1, new NumpyRandom(0));
                InitialCost = SeedNetwork.Evaluate(xTrain, yTrain, w, b).Cost;

                // the rows sliced once: the loop measures the network, not SubMatrix
                var xs = Enumerable.Range(0, xTrain.RowCount).Select(k => xTrain.SubMatrix(k, 1, 0, xTrain.ColumnCount)).ToArray();
                var ys = Enumerable.Range(0, yTrain.RowCount).Select(k => yTrain.SubMatrix(k, 1, 0, yTrain.ColumnCount)).ToArray();
                var watch = Stopwatch.StartNew();
                for (var epoch = 0; epoch < epochs; epoch++)
                {
                    double e = 0;
                    for (var k = 0; k < xs.Length; k++)
                    {
                        var (pred, a) = SeedNetwork.ForwardProp(xs[k], w, b);
                        e += SeedNetwork.SumError(ys[k], pred);
                        var (dW, dB) = SeedNetwork.BackProp(ys[k], pred, a, w, b);
                        SeedNetwork.Update(w, b, dW, dB, learnRate);
                    }

                    RunningCosts.Add(-e / xs.Length);
                    if (epoch == 0)
                    {
                        watch.Stop();
                        CostAfterEpoch1 = SeedNetwork.Evaluate(xTrain, yTrain, w, b).Cost;
                        watch.Start();
                    }
                }

                MsPerEpoch = watch.Elapsed.TotalMilliseconds / epochs;
                FinalCost = SeedNetwork.Evaluate(xTrain, yTrain, w, b).Cost;
                var testPred = SeedNetwork.Evaluate(xTest, yTest, w, b).Predictions;
                TestCounts = new[] { testPred.Count(p => p == 0), testPred.Count(p => p == 1) };
            }

            public double InitialCost { get; }

            public double CostAfterEpoch1 { get; }

            public List<double> RunningCosts { get; } = new List<double>();

            public double FinalCost { get; }

            public int[] TestCounts { get; }

            public double MsPerEpoch { get; }
        }
    }
}
