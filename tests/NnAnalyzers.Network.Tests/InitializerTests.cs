using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;
using Xunit;

namespace NnAnalyzers.Network.Tests
{
    public class InitializerTests
    {
        public static TheoryData<Initialization, double> Schemes => new TheoryData<Initialization, double>
        {
            // Expected standard deviation for fanIn 200, fanOut 100.
            { Initialization.GlorotUniform, Math.Sqrt(2.0 / 300) },
            { Initialization.GlorotNormal, Math.Sqrt(2.0 / 300) },
            { Initialization.HeUniform, Math.Sqrt(2.0 / 200) },
            { Initialization.HeNormal, Math.Sqrt(2.0 / 200) },
            { Initialization.LeCunUniform, Math.Sqrt(1.0 / 200) },
            { Initialization.LeCunNormal, Math.Sqrt(1.0 / 200) },
        };

        [Theory]
        [MemberData(nameof(Schemes))]
        public void Every_scheme_is_zero_centred_with_the_right_spread(Initialization scheme, double expectedSd)
        {
            var w = Initializers.Create(scheme, 100, 200, new Random(1));
            Assert.Equal(100, w.RowCount);
            Assert.Equal(200, w.ColumnCount);
            var values = w.Enumerate().ToArray();
            Assert.True(Math.Abs(values.Mean()) < 0.05 * expectedSd * 10, $"mean {values.Mean()}");
            Assert.InRange(values.PopulationStandardDeviation(), 0.95 * expectedSd, 1.05 * expectedSd);
            Assert.True(values.Count(v => v < 0) > 0.45 * values.Length);
        }

        [Theory]
        [MemberData(nameof(Schemes))]
        public void The_same_seed_gives_the_same_weights(Initialization scheme, double expectedSd)
        {
            _ = expectedSd;
            Assert.Equal(Initializers.Create(scheme, 5, 7, new Random(42)), Initializers.Create(scheme, 5, 7, new Random(42)));
            Assert.NotEqual(Initializers.Create(scheme, 5, 7, new Random(42)), Initializers.Create(scheme, 5, 7, new Random(43)));
        }

        [Fact]
        public void Uniform_schemes_stay_inside_their_limit()
        {
            var limit = Math.Sqrt(6.0 / (34 + 20));
            var w = Initializers.GlorotUniform(20, 34, new Random(0));
            Assert.All(w.Enumerate(), v => Assert.InRange(v, -limit, limit));
        }

        [Fact]
        public void Biases_start_at_zero_and_layers_use_the_activation_default()
        {
            Assert.All(Initializers.ZeroBiases(4), v => Assert.Equal(0.0, v));
            Assert.Equal(Initialization.HeUniform, Initializers.DefaultFor(Activation.ReLU));
            Assert.Equal(Initialization.GlorotUniform, Initializers.DefaultFor(Activation.Sigmoid));
            var layer = new DenseLayer(3, 2, Activation.Tanh, new Random(0));
            Assert.All(layer.Biases, v => Assert.Equal(0.0, v));
            Assert.Equal(Initializers.GlorotUniform(2, 3, new Random(0)), layer.Weights);
        }
    }
}
