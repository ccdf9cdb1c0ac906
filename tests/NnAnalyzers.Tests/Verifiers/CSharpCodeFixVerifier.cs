using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace NnAnalyzers.Tests.Verifiers
{
    /// <summary>
    /// Thin verifier for code fixes. Every fix test also checks Fix All (document, project and solution scopes:
    /// Microsoft.CodeAnalysis.Testing runs them whenever the provider has a Fix All provider) and that the fixed code
    /// compiles and has no diagnostic left unless one is expected.
    /// </summary>
    public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        /// <summary>A diagnostic of the analyzer's only descriptor.</summary>
        public static DiagnosticResult Diagnostic() => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic();

        /// <summary>A diagnostic of the given id.</summary>
        public static DiagnosticResult Diagnostic(string id) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(id);

        /// <summary>Analyzer only: the marked diagnostics and no other.</summary>
        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
        {
            var test = new Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync(CancellationToken.None);
        }

        /// <summary>Applies the fix (the first one offered, or the one with <paramref name="equivalenceKey"/>) and compares.</summary>
        public static Task VerifyCodeFixAsync(string source, string fixedSource, string? equivalenceKey = null)
        {
            var test = new Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey };
            return test.RunAsync(CancellationToken.None);
        }

        /// <summary>The configurable test.</summary>
        public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            /// <summary>Creates a test with our offline references in every state (test, fixed, batch-fixed).</summary>
            public Test()
            {
                ReferenceAssemblies = TestReferences.ReferenceAssemblies;
                TestState.AdditionalReferences.AddRange(TestReferences.All);
                FixedState.AdditionalReferences.AddRange(TestReferences.All);
                BatchFixedState.AdditionalReferences.AddRange(TestReferences.All);
            }

            /// <summary>The C# version to parse with (default: latest).</summary>
            public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.Latest;

            /// <summary>Text of a root .editorconfig (without the header).</summary>
            public string? EditorConfig
            {
                set
                {
                    if (value is not null)
                    {
                        var file = ("/.editorconfig", "root = true\n\n[*.cs]\n" + value);
                        TestState.AnalyzerConfigFiles.Add(file);
                        FixedState.AnalyzerConfigFiles.Add(file);
                        BatchFixedState.AnalyzerConfigFiles.Add(file);
                    }
                }
            }

            /// <inheritdoc />
            protected override ParseOptions CreateParseOptions()
                => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion);

            /// <inheritdoc />
            protected override CompilationOptions CreateCompilationOptions()
                => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Disable);
        }
    }
}
