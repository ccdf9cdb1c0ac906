using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NnAnalyzers.Semantics;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    public class DerivativeSitesTests
    {
        [Theory]
        [InlineData("var g = a * (1 - a);")]
        [InlineData("var g = a*(1-a);")]
        [InlineData("var g = a.PointwiseMultiply(1.0 - a);")]
        [InlineData("var g = 1d - a * a;")]
        [InlineData("var g = 1f - Math.Pow(a, 2);")]
        [InlineData("var g = (double)1 - a;")]
        [InlineData("var g = (1) - a;")]
        [InlineData("var g = 1e0 - a;")]
        [InlineData("var g = 0x1 - a;")]
        [InlineData("var g = 1 /* one */ - a;")]
        [InlineData("var g = 1\n    - a;")]
        public void Text_with_a_subtraction_from_one_may_hold_a_derivative(string text)
        {
            Assert.True(DerivativeSites.MayHoldOneMinus(text));
        }

        [Theory]
        [InlineData("return _weights.Select(w => Math.Exp(-w) / sum).Average();")]
        [InlineData("var d = x - y; i--; j -= 2; var p = q->r;")]
        [InlineData("var d = Math.Exp(x) - 1; var e = total - 1;")]
        [InlineData("var d = v[1] - x; var e = a.b1 - x;")]
        public void Text_without_one_minus_holds_no_derivative_formula(string text)
        {
            Assert.False(DerivativeSites.MayHoldOneMinus(text));
        }
    

        // A body's inline formula is found from its subtractions of a constant 1, however the 1 is written, also inside a
        // lambda or a local function of the body.
        [Theory]
        [InlineData("return a * (1 - a);")]
        [InlineData("return a * (1.0 - a);")]
        [InlineData("return (1f - a) * a;")]
        [InlineData("return 1d - a * a;")]
        [InlineData("return 1 - Math.Pow(a, 2);")]
        [InlineData("return a * ((double)1 - a);")]
        [InlineData("return a * ((1) - a);")]
        [InlineData("return a * (1e0 - a);")]
        [InlineData("return a * (1 /* one */ - a);")]
        [InlineData("return v.Map(x => x * (1 - x)).Sum();")]
        [InlineData("double D(double y) => y * (1 - y); return D(a);")]
        public void A_body_with_an_inline_derivative_may_hold_one(string body)
        {
            Assert.True(MayHoldDerivative(body));
        }

        [Theory]
        [InlineData("return a * (a - 1);")]
        [InlineData("return a * (2 - a);")]
        [InlineData("return Math.Exp(a) - 1;")]
        [InlineData("return 1 - a;")]
        [InlineData("return v.Map(x => x - 1).Sum();")]
        public void A_body_without_one_holds_none(string body)
        {
            Assert.False(MayHoldDerivative(body));
        }

        private static bool MayHoldDerivative(string body)
        {
            var source = @"using System;
using MathNet.Numerics.LinearAlgebra;
public class Layer
{
    private const double One = 1.0;
    private static readonly double Other = 1 - 0.5; // some file of the compilation holds a one-minus either way
    public double Backward(double a, Vector<double> v)
    {
        " + body + @"
    }
}";
            var compilation = SemanticsTestHelper.Compile(source);
            var tree = compilation.SyntaxTrees.Single();
            var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single();
            var operation = compilation.GetSemanticModel(tree).GetOperation(method)!;
            var sites = DerivativeSites.Create(compilation, new ActivationValues(), CancellationToken.None);
            return sites.MayHoldDerivative(operation, CancellationToken.None);
        }
    }
}
