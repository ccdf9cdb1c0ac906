using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace NnAnalyzers.Tests.Verifiers
{
    /// <summary>
    /// Thin verifier for analyzers: markup-only sources (<c>[|…|]</c>, <c>{|NN0001:…|}</c>, <c>{|#0:…|}</c>), offline
    /// references, MathNet in every compilation, and sources that must compile.
    /// </summary>
    public static class CSharpAnalyzerVerifier<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        /// <summary>A diagnostic of the analyzer's only descriptor (use with <c>{|#0:…|}</c> and <c>.WithLocation(0)</c>).</summary>
        public static DiagnosticResult Diagnostic() => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic();

        /// <summary>A diagnostic of the given id.</summary>
        public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

        /// <summary>Verifies that <paramref name="source"/> produces exactly the marked (and <paramref name="expected"/>) diagnostics.</summary>
        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
        {
            var test = new Test { TestCode = source };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync(CancellationToken.None);
        }

        /// <summary>The configurable test: language version, .editorconfig text, extra sources.</summary>
        public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            /// <summary>Creates a test with our offline references.</summary>
            public Test()
            {
                ReferenceAssemblies = TestReferences.ReferenceAssemblies;
                TestState.AdditionalReferences.AddRange(TestReferences.All);
            }

            /// <summary>The C# version to parse with (default: latest).</summary>
            public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.Latest;

            /// <summary>Text of a root .editorconfig (without the <c>root = true</c>/<c>[*.cs]</c> header).</summary>
            public string? EditorConfig
            {
                set
                {
                    if (value is not null)
                    {
                        TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + value));
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
