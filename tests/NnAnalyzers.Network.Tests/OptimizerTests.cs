using System;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace NnAnalyzers.Network.Tests
{
    public class OptimizerTests
    {
        private static (DenseNetwork Net, Gradients Gradients) OneLayer(double w, double b, double gw, double gb)
        {
            var net = new DenseNetwork(new[] { new DenseLayer(Matrix<double>.Build.Dense(1, 1, w), Vector<double>.Build.Dense(1, b), Activation.Identity) });
            var gradients = new Gradients(new[] { Matrix<double>.Build.Dense(1, 1, gw) }, new[] { Vector<double>.Build.Dense(1, gb) });
            return (net, gradients);
        }

        [Fact]
        public void Sgd_subtracts_the_learning_rate_times_the_gradient()
        {
            var (net, g) = OneLayer(1.0, 2.0, 0.5, -4.0);
            new SgdOptimizer(0.1).Step(net, g);
            Assert.Equal(0.95, net.Layers[0].Weights[0, 0], 15);
            Assert.Equal(2.4, net.Layers[0].Biases[0], 15);
        }

        [Fact]
        public void Sgd_momentum_accumulates_velocity()
        {
            var (net, g) = OneLayer(1.0, 0.0, 1.0, 0.0);
            var sgd = new SgdOptimizer(0.1, 0.9);
            sgd.Step(net, g); // v = -0.1, w = 0.9
            sgd.Step(net, g); // v = -0.09 - 0.1 = -0.19, w = 0.71
            Assert.Equal(0.71, net.Layers[0].Weights[0, 0], 14);
            Assert.Equal(2, sgd.StepCount);
        }

        [Fact]
        public void Adam_first_steps_move_by_about_the_learning_rate_against_the_gradient()
        {
            var (net, g) = OneLayer(1.0, 1.0, 123.0, -1e-3);
            var adam = new AdamOptimizer(0.01);
            adam.Step(net, g);
            Assert.Equal(0.99, net.Layers[0].Weights[0, 0], 8);
            Assert.Equal(1.01, net.Layers[0].Biases[0], 6);
            adam.Step(net, g);
            Assert.Equal(0.98, net.Layers[0].Weights[0, 0], 8);
        }

        [Fact]
        public void An_optimizer_used_on_another_network_starts_fresh_state()
        {
            var (a, ga) = OneLayer(1.0, 0.0, 1.0, 0.0);
            var (b, gb) = OneLayer(1.0, 0.0, 1.0, 0.0);
            var sgd = new SgdOptimizer(0.1, 0.9);
            sgd.Step(a, ga);
            sgd.Step(b, gb);
            Assert.Equal(0.9, b.Layers[0].Weights[0, 0], 15);
        }

        [Fact]
        public void Gradients_objects_are_checked_at_construction()
        {
            var ex = Assert.Throws<ArgumentException>(() => new Gradients(new[] { Matrix<double>.Build.Dense(1, 1) }, new Vector<double>[0]));
            Assert.Equal("biasGradients", ex.ParamName);
            var (net, g) = OneLayer(1, 1, 3, 4);
            Assert.Equal(5.0, g.LayerNorm(0), 14);
            Assert.Equal("layer", Assert.Throws<ArgumentOutOfRangeException>(() => g.LayerNorm(1)).ParamName);
            Assert.True(double.IsNaN(g.Loss));
            Assert.Single(net.Layers);
        }
    }
}
