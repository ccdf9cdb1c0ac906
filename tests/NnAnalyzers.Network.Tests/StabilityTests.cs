using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace NnAnalyzers.Network.Tests
{
    public class StabilityTests
    {
        private static Matrix<double> ExtremeLogits() => Matrix<double>.Build.DenseOfArray(new double[,]
        {
            { 1e4, -1e4, 0.0, 1e4 },
            { -1e4, 1e4, 0.0, 1e4 - 1 },
            { 0.0, -1e4, 0.0, -1e4 },
        });

        [Fact]
        public void Softmax_is_finite_and_per_sample_for_logits_of_plus_minus_1e4()
        {
            var p = Activations.Softmax(ExtremeLogits());
            Assert.All(p.Enumerate(), v => Assert.True(!double.IsNaN(v) && !double.IsInfinity(v)));
            for (var c = 0; c < p.ColumnCount; c++)
            {
                Assert.Equal(1.0, p.Column(c).Sum(), 12);
            }

            Assert.Equal(1.0, p[0, 0], 12);
            Assert.Equal(1.0, p[1, 1], 12);
            Assert.Equal(1.0 / 3, p[2, 2], 12);
            Assert.Equal(1.0 / (1.0 + Math.Exp(-1)), p[0, 3], 12);
        }

        [Fact]
        public void Softmax_normalises_each_column_not_the_whole_matrix()
        {
            var logits = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 5 }, { 2, 1 } });
            var p = Activations.Softmax(logits);
            Assert.Equal(1.0, p.Column(0).Sum(), 14);
            Assert.Equal(1.0, p.Column(1).Sum(), 14);
            Assert.Equal(Math.Exp(1) / (Math.Exp(1) + Math.Exp(2)), p[0, 0], 14);
        }

        [Fact]
        public void Cross_entropy_is_finite_and_correct_for_logits_of_plus_minus_1e4()
        {
            var logits = ExtremeLogits();
            var targets = Dataset.OneHot(new[] { 1, 1, 2, 0 }, 3);
            var loss = Loss.SoftmaxCrossEntropy.Value(logits, targets);

            // Per sample: 2e4 (wrong by 2e4), 0 (right), ln 3 (uniform), ln(1 + e^-1) (right by 1).
            var expected = (2e4 + 0.0 + Math.Log(3) + Math.Log(1 + Math.Exp(-1))) / 4;
            Assert.Equal(expected, loss, 9);
            var gradient = Loss.SoftmaxCrossEntropy.Gradient(logits, targets);
            Assert.All(gradient.Enumerate(), v => Assert.True(!double.IsNaN(v) && !double.IsInfinity(v)));
            Assert.Equal(0.25, gradient[0, 0], 12);
            Assert.Equal(-0.25, gradient[1, 0], 12);
            Assert.Equal(0.0, gradient[1, 1], 12);
        }

        [Fact]
        public void Binary_cross_entropy_and_sigmoid_are_finite_for_logits_of_plus_minus_1e4()
        {
            var logits = Matrix<double>.Build.DenseOfArray(new double[,] { { 1e4, -1e4, 1e4, 0 } });
            var targets = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 0, 0, 1 } });
            var loss = Loss.BinaryCrossEntropy.Value(logits, targets);
            Assert.Equal((0 + 0 + 1e4 + Math.Log(2)) / 4, loss, 9);
            Assert.Equal(1.0, Activations.Sigmoid(1e4));
            Assert.Equal(0.0, Activations.Sigmoid(-1e4));
            Assert.True(Math.Abs(Activations.Sigmoid(-700) - Math.Exp(-700)) <= 1e-12 * Math.Exp(-700));
            Assert.All(Loss.BinaryCrossEntropy.Gradient(logits, targets).Enumerate(), v => Assert.False(double.IsNaN(v)));
        }

        [Fact]
        public void LogSumExp_is_finite_for_large_logits()
        {
            var lse = Activations.LogSumExp(ExtremeLogits());
            Assert.Equal(1e4, lse[0], 9);
            Assert.Equal(Math.Log(3), lse[2], 12);
            Assert.Equal(1e4 + Math.Log(1 + Math.Exp(-1)), lse[3], 9);
        }

        [Fact]
        public void Losses_are_means_over_the_batch()
        {
            var outputs = TestData.Normal(3, 4, 1);
            var targets = TestData.OneHotRandom(3, 4, 2);
            foreach (var loss in new[] { Loss.SoftmaxCrossEntropy, Loss.BinaryCrossEntropy, Loss.MeanSquaredError })
            {
                Assert.Equal(loss.Value(outputs, targets), loss.Value(outputs.Append(outputs), targets.Append(targets)), 12);
            }
        }

        [Fact]
        public void Predict_gives_probabilities()
        {
            var logits = ExtremeLogits();
            Assert.Equal(Activations.Softmax(logits), Loss.SoftmaxCrossEntropy.Predict(logits));
            Assert.Equal(0.5, Loss.BinaryCrossEntropy.Predict(Matrix<double>.Build.Dense(1, 1))[0, 0]);
            Assert.Equal(logits, Loss.MeanSquaredError.Predict(logits));
        }
    }
}
