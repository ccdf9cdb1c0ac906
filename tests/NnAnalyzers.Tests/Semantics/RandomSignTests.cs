using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NnAnalyzers.Semantics;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    public class RandomSignTests
    {
        private const string Prelude = @"
using System;
using System.Linq;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

class MyRandom : Random { }

static class Helpers
{
    public static double Unit(Random r) => r.NextDouble();
    public static double Centred(Random r) => r.NextDouble() - 0.5;
    public static double[] Fill(Random r, int n)
    {
        var a = new double[n];
        for (var i = 0; i < n; i++) a[i] = r.NextDouble();
        return a;
    }
    public static Matrix<double> Rand(Random rng, int rows, int cols)
    {
        var m = Matrix<double>.Build.Dense(rows, cols);
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                m[r, c] = rng.NextDouble();
        return m;
    }
}

class Probe
{
    object Value(Random r, MyRandom mine, int n, double s)
    {
        return ";

        private static RandomValue Analyze(string expression)
        {
            var compilation = SemanticsTestHelper.Compile(Prelude + expression + ";\n    }\n}\n");
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var ret = tree.GetRoot().DescendantNodes().OfType<ReturnStatementSyntax>().Last();
            var operation = model.GetOperation(ret.Expression!)!;
            while (operation is Microsoft.CodeAnalysis.Operations.IConversionOperation { IsImplicit: true } conversion)
            {
                operation = conversion.Operand;
            }

            return NnSemantics.Create(compilation).RandomSign.Analyze(operation);
        }

        [Theory]
        [InlineData("r.NextDouble()", "[0, 1)")]
        [InlineData("r.NextSingle()", "[0, 1)")]
        [InlineData("Random.Shared.NextDouble()", "[0, 1)")]
        [InlineData("mine.NextDouble()", "[0, 1)")]
        [InlineData("r.Next(0, 10)", "[0, 10)")]
        [InlineData("r.Next(n)", "[0, n)")]
        [InlineData("0.01 * r.NextDouble()", "[0, 1)")]
        [InlineData("r.NextDouble() / Math.Sqrt(n)", "[0, 1)")]
        [InlineData("(float)r.NextDouble()", "[0, 1)")]
        [InlineData("Math.Sqrt(r.NextDouble())", "[0, 1)")]
        [InlineData("Math.Abs(Normal.Sample(r, 0, 1))", "[0, ∞)")]
        [InlineData("new ContinuousUniform().Sample()", "[0, 1]")]
        [InlineData("new ContinuousUniform(0.1, 2).Sample()", "[0.1, 2]")]
        [InlineData("Matrix<double>.Build.Random(3, 4, new ContinuousUniform(0, 1))", "[0, 1]")]
        [InlineData("Matrix<double>.Build.Dense(3, 4, (i, j) => r.NextDouble())", "[0, 1)")]
        [InlineData("Enumerable.Range(0, n).Select(_ => r.NextDouble()).ToArray()", "[0, 1)")]
        [InlineData("Helpers.Unit(r)", "[0, 1)")]
        [InlineData("Helpers.Fill(r, n)", "[0, 1)")]
        [InlineData("Helpers.Rand(r, 3, 4)", "[0, 1)")]
        [InlineData("(r.Next(2) * 2 + 1) * r.NextDouble()", "[0, 2)")]
        public void Non_negative_random_values(string expression, string range)
        {
            var value = Analyze(expression);
            Assert.True(value.IsNonNegativeRandom, expression);
            Assert.Equal(range, value.Draw!.Range);
        }

        [Theory]
        [InlineData("r.NextDouble() - 0.5")]
        [InlineData("2 * r.NextDouble() - 1")]
        [InlineData("(r.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (n + 3))")]
        [InlineData("(r.Next(2) == 0 ? -1 : 1) * r.NextDouble()")]
        [InlineData("(r.Next(2) * 2 - 1) * r.NextDouble()")]
        [InlineData("Normal.Sample(r, 0, 1)")]
        [InlineData("new Normal(0, 0.1).Sample()")]
        [InlineData("r.Next(-5, 5)")]
        [InlineData("new ContinuousUniform(-0.1, 0.1).Sample()")]
        [InlineData("Matrix<double>.Build.Random(3, 4)")]
        [InlineData("Matrix<double>.Build.Random(3, 4, new Normal(0, 1))")]
        [InlineData("Helpers.Rand(r, 3, 4) * 2.0 - 1.0")]
        [InlineData("Helpers.Centred(r)")]
        [InlineData("s * r.NextDouble()")]
        [InlineData("0.5")]
        [InlineData("Math.Exp(s)")]
        public void Centred_signed_or_non_random_values(string expression)
        {
            Assert.False(Analyze(expression).IsNonNegativeRandom, expression);
        }

        [Fact]
        public void Dimensions_and_exactness_flow_from_a_helper_call_to_its_arguments()
        {
            var value = Analyze("Helpers.Rand(r, n + 1, n)");
            Assert.True(value.IsExactDraw);
            Assert.True(value.Draw!.IsHelperCall);
            Assert.Equal(DrawRange.Unit, value.Draw.Kind);
            Assert.Equal("n + 1", value.Rows!.Syntax.ToString());
            Assert.Equal("n", value.Columns!.Syntax.ToString());
        }

        [Fact]
        public void Scaling_keeps_the_draw_linear_but_not_exact()
        {
            var value = Analyze("0.1 * r.NextDouble() + 0.05");
            Assert.True(value.IsNonNegativeRandom);
            Assert.True(value.IsLinear);
            Assert.False(value.IsExactDraw);
            Assert.False(Analyze("Math.Sqrt(r.NextDouble())").IsLinear);
        }

        [Fact]
        public void Synapse_values_and_matrices_used_as_W_are_network_parameters()
        {
            var compilation = SemanticsTestHelper.Compile(@"
using MathNet.Numerics.LinearAlgebra;
class Synapse { public double Value; public double Delta; }
class Layer
{
    public Vector<double> Forward(Matrix<double> m, Vector<double> a) => m * a;
    public double Sum(double[,] k, double[] x)
    {
        double s = 0;
        for (var j = 0; j < x.Length; j++) s += k[0, j] * x[j];
        return s;
    }
    public Vector<double> Scale(Matrix<double> n, Vector<double> a) => a * 2.0;
}");
            var semantics = NnSemantics.Create(compilation);
            var synapse = compilation.GetTypeByMetadataName("Synapse")!;
            Assert.Equal(ParameterKind.Weight, semantics.Parameters.Classify(synapse.GetMembers("Value")[0]));
            Assert.Equal(ParameterKind.None, semantics.Parameters.Classify(synapse.GetMembers("Delta")[0]));

            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var layer = compilation.GetTypeByMetadataName("Layer")!;
            foreach (var (method, parameter, expected) in new[] { ("Forward", "m", true), ("Sum", "k", true), ("Scale", "n", false) })
            {
                var symbol = (IMethodSymbol)layer.GetMembers(method)[0];
                var body = model.GetOperation(symbol.DeclaringSyntaxReferences[0].GetSyntax())!;
                var storage = symbol.Parameters.Single(p => p.Name == parameter);
                Assert.Equal(expected, NetworkParameters.IsUsedAsWeightMatrix(storage, body, semantics.Symbols));
            }
        }
    }
}
