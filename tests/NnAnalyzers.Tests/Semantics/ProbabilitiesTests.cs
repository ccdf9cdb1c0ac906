using System.Linq;
using Microsoft.CodeAnalysis;
using NnAnalyzers.Semantics;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    public class ProbabilitiesTests
    {
        private const string Source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        var s = z.Enumerate().Sum();
        return z / s;
    }

    public static double[] SoftmaxArray(double[] x)
    {
        var m = x.Max();
        var e = x.Select(v => Math.Exp(v - m)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static Matrix<double> Forward(Matrix<double> x) => Softmax(Sig(x));

    public static double Logistic(double z)
    {
        var e = Math.Exp(z);
        return e / (1 + e);
    }

    public static Matrix<double> Relu(Matrix<double> x) => x.Map(v => Math.Max(v, 0));

    public static double Decay(double lr, int t) => lr * Math.Exp(-0.1 * t);

    public static double Clipped(double p) => Math.Max(p, 1e-12);

    public static double Recursive(double p) => p > 1 ? Recursive(p / 2) : p;
}";

        [Theory]
        [InlineData("Sig", ProbabilitySource.Sigmoid)]
        [InlineData("Softmax", ProbabilitySource.Softmax)]
        [InlineData("SoftmaxArray", ProbabilitySource.Softmax)]
        [InlineData("Forward", ProbabilitySource.Softmax)]
        [InlineData("Logistic", ProbabilitySource.Sigmoid)]
        [InlineData("Relu", ProbabilitySource.None)]
        [InlineData("Decay", ProbabilitySource.None)]
        [InlineData("Clipped", ProbabilitySource.None)]
        [InlineData("Recursive", ProbabilitySource.None)]
        public void Methods_returning_probabilities_are_recognised(string method, ProbabilitySource expected)
        {
            var compilation = SemanticsTestHelper.Compile(Source);
            var semantics = NnSemantics.Create(compilation);
            var symbol = compilation.GetTypeByMetadataName("Net")!.GetMembers(method).OfType<IMethodSymbol>().Single();

            Assert.Equal(expected, semantics.Probabilities.Returns(symbol, default));
            // Asked again (now from the cache): the same answer.
            Assert.Equal(expected, semantics.Probabilities.Returns(symbol, default));
        }
    }
}
