using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace NnAnalyzers.Network.Tests
{
    /// <summary>
    /// Five-point central finite differences (h = 1e-4: truncation ~h⁴, round-off ~ε/h) against every analytic
    /// derivative; relative error ≤ 1e-6 in double.
    /// </summary>
    public class GradientCheckTests
    {
        private const double H = 1e-4;
        private const double Tolerance = 1e-6;

        private static void AssertClose(double analytic, double numeric, string what)
        {
            var scale = Math.Max(Math.Abs(analytic), Math.Abs(numeric));
            var error = scale < 1e-7 ? Math.Abs(analytic - numeric) : Math.Abs(analytic - numeric) / scale;
            Assert.True(error <= Tolerance, $"{what}: analytic {analytic:R}, numeric {numeric:R}, relative error {error:E2}");
        }

        private static double Numeric(Func<double, double> f, double x) =>
            (-f(x + 2 * H) + 8 * f(x + H) - 8 * f(x - H) + f(x - 2 * H)) / (12 * H);

        /// <summary>d f / d (entry) by the five-point stencil, restoring the entry.</summary>
        private static double NumericEntry(Func<double> f, Func<double> get, Action<double> set)
        {
            var original = get();
            return Numeric(v => { set(v); var r = f(); set(original); return r; }, original);
        }

        public static TheoryData<double> Points => new TheoryData<double> { -6.0, -2.5, -0.7, -0.1, 0.3, 1.1, 2.9, 7.0 };

        [Theory]
        [MemberData(nameof(Points))]
        public void Sigmoid_derivatives_match_finite_differences(double z)
        {
            var numeric = Numeric(Activations.Sigmoid, z);
            AssertClose(Activations.SigmoidDerivativeFromPreActivation(z), numeric, "σ′(z)");
            AssertClose(Activations.SigmoidDerivativeFromOutput(Activations.Sigmoid(z)), numeric, "σ′ from a");
        }

        [Theory]
        [MemberData(nameof(Points))]
        public void Tanh_derivatives_match_finite_differences(double z)
        {
            var numeric = Numeric(Math.Tanh, z);
            AssertClose(Activations.TanhDerivativeFromPreActivation(z), numeric, "tanh′(z)");
            AssertClose(Activations.TanhDerivativeFromOutput(Math.Tanh(z)), numeric, "tanh′ from a");
        }

        [Theory]
        [MemberData(nameof(Points))]
        public void Rectifier_derivatives_match_finite_differences(double z)
        {
            AssertClose(Activations.ReluDerivativeFromPreActivation(z), Numeric(Activations.Relu, z), "ReLU′(z)");
            AssertClose(Activations.ReluDerivativeFromOutput(Activations.Relu(z)), Numeric(Activations.Relu, z), "ReLU′ from a");
            AssertClose(Activations.LeakyReluDerivativeFromPreActivation(z, 0.1), Numeric(v => Activations.LeakyRelu(v, 0.1), z), "leaky ReLU′(z)");
        }

        [Fact]
        public void Matrix_derivatives_match_the_scalar_ones()
        {
            var z = TestData.Normal(3, 4, 1, 2.0);
            var a = Activations.Sigmoid(z);
            Assert.True(Activations.SigmoidDerivativeFromOutput(a).Equals(Activations.SigmoidDerivativeFromPreActivation(z)) ||
                (Activations.SigmoidDerivativeFromOutput(a) - Activations.SigmoidDerivativeFromPreActivation(z)).InfinityNorm() < 1e-15);
            Assert.True((Activations.TanhDerivativeFromOutput(Activations.Tanh(z)) - Activations.TanhDerivativeFromPreActivation(z)).InfinityNorm() < 1e-15);
            Assert.True((Activations.Relu(z) - z.Map(Activations.Relu)).InfinityNorm() == 0);
            Assert.True((Activations.ReluDerivativeFromPreActivation(z) - z.Map(Activations.ReluDerivativeFromPreActivation)).InfinityNorm() == 0);
            Assert.True((Activations.LeakyRelu(z) - z.Map(v => Activations.LeakyRelu(v))).InfinityNorm() == 0);
            Assert.True((Activations.LeakyReluDerivativeFromPreActivation(z) - z.Map(v => Activations.LeakyReluDerivativeFromPreActivation(v))).InfinityNorm() == 0);
        }

        public static TheoryData<string> LossNames => new TheoryData<string> { "softmax", "binary", "mse" };

        private static (Loss Loss, Matrix<double> Targets) LossCase(string name, int rows, int columns)
        {
            switch (name)
            {
                case "softmax": return (Loss.SoftmaxCrossEntropy, TestData.OneHotRandom(rows, columns, 5));
                case "binary": return (Loss.BinaryCrossEntropy, TestData.Normal(rows, columns, 6).Map(v => v > 0 ? 1.0 : 0.0));
                default: return (Loss.MeanSquaredError, TestData.Normal(rows, columns, 7));
            }
        }

        [Theory]
        [MemberData(nameof(LossNames))]
        public void Loss_gradients_match_finite_differences(string name)
        {
            var (loss, targets) = LossCase(name, 3, 5);
            var outputs = TestData.Normal(3, 5, 11, 2.0);
            var analytic = loss.Gradient(outputs, targets);
            for (var r = 0; r < outputs.RowCount; r++)
            {
                for (var c = 0; c < outputs.ColumnCount; c++)
                {
                    var numeric = NumericEntry(() => loss.Value(outputs, targets), () => outputs[r, c], v => outputs[r, c] = v);                    AssertClose(analytic[r, c], numeric, $"{name} dL/do[{r},{c}]");
                }
            }
        }

        public static TheoryData<Activation, string> LayerCases => new TheoryData<Activation, string>
        {
            { Activation.Sigmoid, "softmax" },
            { Activation.Tanh, "softmax" },
            { Activation.ReLU, "softmax" },
            { Activation.LeakyReLU, "softmax" },
            { Activation.Identity, "softmax" },
            { Activation.Sigmoid, "binary" },
            { Activation.Tanh, "mse" },
        };

        [Theory]
        [MemberData(nameof(LayerCases))]
        public void Network_gradients_match_finite_differences_for_every_layer(Activation hidden, string lossName)
        {
            var random = new Random(3);
            var network = DenseNetwork.Create(4, new[] { 5, 3 }, 3, random, hidden, Activation.Identity);
            var x = TestData.Normal(4, 6, 21);
            var (loss, targets) = LossCase(lossName, 3, 6);
            var gradients = network.Backward(x, targets, loss);
            Assert.Equal(loss.Value(network.Forward(x), targets), gradients.Loss, 12);

            for (var l = 0; l < network.Layers.Count; l++)
            {
                var w = network.Layers[l].Weights;
                for (var r = 0; r < w.RowCount; r++)
                {
                    for (var c = 0; c < w.ColumnCount; c++)
                    {
                        var numeric = NumericEntry(() => loss.Value(network.Forward(x), targets), () => w[r, c], v => w[r, c] = v);                        AssertClose(gradients.WeightGradients[l][r, c], numeric, $"{hidden}/{lossName} dW{l}[{r},{c}]");
                    }
                }

                var b = network.Layers[l].Biases;
                for (var r = 0; r < b.Count; r++)
                {
                    var numeric = NumericEntry(() => loss.Value(network.Forward(x), targets), () => b[r], v => b[r] = v);                    AssertClose(gradients.BiasGradients[l][r], numeric, $"{hidden}/{lossName} db{l}[{r}]");
                }
            }
        }

        [Fact]
        public void Sigmoid_output_layer_with_mse_matches_finite_differences()
        {
            var network = DenseNetwork.Create(3, new[] { 4 }, 2, new Random(8), Activation.Tanh, Activation.Sigmoid);
            var x = TestData.Normal(3, 5, 9);
            var targets = TestData.Normal(2, 5, 10).Map(v => v > 0 ? 1.0 : 0.0);
            var gradients = network.Backward(x, targets, Loss.MeanSquaredError);
            var w = network.Layers[1].Weights;
            for (var r = 0; r < w.RowCount; r++)
            {
                for (var c = 0; c < w.ColumnCount; c++)
                {
                    var numeric = NumericEntry(() => Loss.MeanSquaredError.Value(network.Forward(x), targets), () => w[r, c], v => w[r, c] = v);                    AssertClose(gradients.WeightGradients[1][r, c], numeric, $"dW1[{r},{c}]");
                }
            }
        }

        [Fact]
        public void Gradients_are_means_over_the_batch()
        {
            var network = DenseNetwork.Create(3, new[] { 4 }, 2, new Random(2));
            var x = TestData.Normal(3, 4, 1);
            var y = TestData.OneHotRandom(2, 4, 2);
            var once = network.Backward(x, y, Loss.SoftmaxCrossEntropy);
            var twice = network.Backward(x.Append(x), y.Append(y), Loss.SoftmaxCrossEntropy);
            Assert.Equal(once.Loss, twice.Loss, 12);
            for (var l = 0; l < once.LayerCount; l++)
            {
                Assert.True((once.WeightGradients[l] - twice.WeightGradients[l]).InfinityNorm() < 1e-12);
                Assert.True((once.BiasGradients[l] - twice.BiasGradients[l]).InfinityNorm() < 1e-12);
            }
        }
    }
}
