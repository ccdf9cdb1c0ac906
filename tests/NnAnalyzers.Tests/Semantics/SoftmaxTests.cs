using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    /// <summary>The softmax oracle as other rules (NN0003) use it: kinds, sums, normalisers and their axis.</summary>
    public class SoftmaxTests
    {
        private const string Source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

static class C
{
    static Matrix<double> Whole(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        var s = z.Enumerate().Sum();
        return z / s;
    }

    static Matrix<double> Columns(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        var s = z.ColumnSums();
        return z.MapIndexed((i, j, v) => v / s[j]);
    }

    static Matrix<double> Rows(Matrix<double> x) => x.Map(Math.Exp).NormalizeRows(1.0);

    static double[] LogSoftmax(double[] x)
    {
        var m = x.Max();
        var lse = m + Math.Log(x.Sum(v => Math.Exp(v - m)));
        return x.Select(v => v - lse).ToArray();
    }

    static double Ratio(double a, double b) => a / b;

    static double Sigmoid(double v) => 1.0 / (1.0 + Math.Exp(-v));
}";

        private static (Softmax Oracle, IOperation Body) Method(string name)
        {
            var compilation = SemanticsTestHelper.Compile(Source);
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var method = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>()
                .Single(m => m.Identifier.ValueText == name);
            var body = model.GetOperation(method)!;
            return (new Softmax(KnownSymbols.Create(compilation)), body);
        }

        [Theory]
        [InlineData("Whole", SoftmaxKind.Softmax, NormaliserAxis.Whole, Certainty.No)]
        [InlineData("Columns", SoftmaxKind.Softmax, NormaliserAxis.Columns, Certainty.No)]
        [InlineData("Rows", SoftmaxKind.Softmax, NormaliserAxis.Rows, Certainty.No)]
        [InlineData("LogSoftmax", SoftmaxKind.LogSumExp, NormaliserAxis.Unknown, Certainty.Yes)]
        public void Finds_the_softmax_its_axis_and_its_shift(string method, SoftmaxKind kind, NormaliserAxis axis, Certainty shifted)
        {
            var (oracle, body) = Method(method);
            var site = Assert.Single(oracle.FindAll(body));
            Assert.Equal(kind, site.Kind);
            Assert.Equal(axis, site.Axis);
            Assert.Equal(shifted, site.ShiftedByMaximum);
            Assert.NotEmpty(site.Normalisers);
            Assert.Equal("x", site.LogitsName);
        }

        [Fact]
        public void A_division_by_the_sum_of_the_exponentials_is_a_softmax_normaliser()
        {
            var (oracle, body) = Method("Whole");
            var division = body.Descendants().OfType<IBinaryOperation>().Single(b => b.OperatorKind == BinaryOperatorKind.Divide);
            Assert.True(oracle.IsSoftmaxNormaliser(division, out var site));
            Assert.Equal(NormaliserAxis.Whole, site!.Axis);
            var sum = Assert.Single(site.Sums);
            Assert.Contains("Enumerate().Sum()", sum.Syntax.ToString());
        }

        [Theory]
        [InlineData("Ratio")]
        [InlineData("Sigmoid")]
        public void Other_divisions_and_exponentials_are_not(string method)
        {
            var (oracle, body) = Method(method);
            Assert.Empty(oracle.FindAll(body));
            var division = body.Descendants().OfType<IBinaryOperation>().First(b => b.OperatorKind == BinaryOperatorKind.Divide);
            Assert.False(oracle.IsSoftmaxNormaliser(division, out _));
        }
    }
}
