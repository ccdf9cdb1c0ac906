using System.Linq;
using Microsoft.CodeAnalysis;
using NnAnalyzers.Semantics;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    /// <summary>Namespace tests by parts (they replace ToDisplayString comparisons on hot paths).</summary>
    public class NamespacesTests
    {
        private static INamespaceSymbol NamespaceOf(string metadataName)
        {
            var compilation = SemanticsTestHelper.Compile("namespace MathNetExtras.Numerics { class X { } } namespace A.B.C { class Y { } } class Z { }");
            return compilation.GetTypeByMetadataName(metadataName)!.ContainingNamespace;
        }

        [Theory]
        [InlineData("MathNet.Numerics.Distributions.ContinuousUniform", "MathNet.Numerics.Distributions", true)]
        [InlineData("MathNet.Numerics.Distributions.ContinuousUniform", "MathNet.Numerics", false)]
        [InlineData("MathNet.Numerics.Distributions.ContinuousUniform", "Numerics.Distributions", false)]
        [InlineData("MathNet.Numerics.Distributions.ContinuousUniform", "XMathNet.Numerics.Distributions", false)]
        [InlineData("MathNet.Numerics.LinearAlgebra.Matrix`1", "MathNet.Numerics.LinearAlgebra", true)]
        [InlineData("System.Numerics.Complex", "System.Numerics", true)]
        [InlineData("System.Math", "System", true)]
        [InlineData("System.Math", "Systems", false)]
        [InlineData("A.B.C.Y", "A.B.C", true)]
        [InlineData("A.B.C.Y", "B.C", false)]
        [InlineData("A.B.C.Y", "A.BC", false)]
        [InlineData("Z", "", true)]
        [InlineData("Z", "System", false)]
        public void Is_compares_the_whole_name(string type, string ns, bool expected)
        {
            Assert.Equal(expected, Namespaces.Is(NamespaceOf(type), ns));
            Assert.Equal(NamespaceOf(type).ToDisplayString() == ns || (ns.Length == 0 && NamespaceOf(type).IsGlobalNamespace), Namespaces.Is(NamespaceOf(type), ns));
        }

        [Theory]
        [InlineData("MathNet.Numerics.Distributions.ContinuousUniform", "MathNet", true)]
        [InlineData("MathNet.Numerics.Distributions.ContinuousUniform", "MathNet.Numerics", true)]
        [InlineData("MathNetExtras.Numerics.X", "MathNet", false)]
        [InlineData("System.Collections.Generic.List`1", "System.Collections", true)]
        [InlineData("System.Collections.Generic.List`1", "System.Collections.Generic", true)]
        [InlineData("System.Math", "System.Collections", false)]
        [InlineData("Z", "System", false)]
        public void IsWithin_accepts_the_namespace_and_those_nested_in_it(string type, string prefix, bool expected)
        {
            Assert.Equal(expected, Namespaces.IsWithin(NamespaceOf(type), prefix));
        }

        [Fact]
        public void Null_is_no_namespace()
        {
            Assert.False(Namespaces.Is(null, "System"));
            Assert.False(Namespaces.IsWithin(null, "System"));
        }
    }
}
