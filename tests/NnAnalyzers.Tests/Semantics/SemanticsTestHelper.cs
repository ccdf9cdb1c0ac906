using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NnAnalyzers.Tests.Verifiers;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    /// <summary>Compiles a snippet with the test references, for unit tests of the semantics layer.</summary>
    public static class SemanticsTestHelper
    {
        public static CSharpCompilation Compile(string source, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
        {
            var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
            var compilation = CSharpCompilation.Create(
                "SemanticsTest",
                new[] { tree },
                TestReferences.All,
                new CSharpCompilationOptions(outputKind));
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            return compilation;
        }
    }
}
