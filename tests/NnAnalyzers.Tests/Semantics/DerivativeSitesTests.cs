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
    }
}
