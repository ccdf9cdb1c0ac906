using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NnAnalyzers.Tests.Meta;
using NnAnalyzers.Tests.Verifiers;

namespace NnAnalyzers.Tests.Robustness
{
    /// <summary>The outcome of running every analyzer of the product over some sources.</summary>
    public sealed class AnalysisRun
    {
        public AnalysisRun(Compilation compilation, ImmutableArray<Diagnostic> diagnostics, IReadOnlyList<string> exceptions, TimeSpan elapsed, TimeSpan slowestAnalyzer, string slowestAnalyzerName)
        {
            SlowestAnalyzer = slowestAnalyzer;
            SlowestAnalyzerName = slowestAnalyzerName;
            Compilation = compilation;
            Diagnostics = diagnostics;
            Exceptions = exceptions;
            Elapsed = elapsed;
        }

        public Compilation Compilation { get; }

        /// <summary>Our diagnostics (NN ids) only.</summary>
        public ImmutableArray<Diagnostic> Diagnostics { get; }

        /// <summary>Exceptions thrown by analyzers (each would be an AD0001 warning in a user's build).</summary>
        public IReadOnlyList<string> Exceptions { get; }

        /// <summary>Wall time of the whole analysis (compiler binding included).</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>The execution time of the slowest of our analyzers, as the analyzer driver measures it.</summary>
        public TimeSpan SlowestAnalyzer { get; }

        public string SlowestAnalyzerName { get; }
    }

    /// <summary>Runs all analyzers of NnAnalyzers.dll over sources, compiled against the test references.</summary>
    public static class AnalyzerRunner
    {
        private static readonly Lazy<CSharpCompilation> s_empty = new Lazy<CSharpCompilation>(() =>
            CSharpCompilation.Create(
                "Corpus",
                Array.Empty<SyntaxTree>(),
                TestReferences.All,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)));

        public static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.Latest);

        public static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> sources, OutputKind kind = OutputKind.DynamicallyLinkedLibrary, IEnumerable<MetadataReference>? extraReferences = null)
        {
            var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)).ToArray();
            var compilation = s_empty.Value.WithOptions(s_empty.Value.Options.WithOutputKind(kind)).AddSyntaxTrees(trees);
            return extraReferences is null ? compilation : compilation.AddReferences(extraReferences);
        }

        /// <summary>The Roslyn assemblies this test runs on (to compile the analyzers' own sources).</summary>
        public static IEnumerable<MetadataReference> RoslynReferences()
        {
            return new[]
            {
                typeof(Compilation).Assembly,
                typeof(CSharpCompilation).Assembly,
                typeof(Microsoft.CodeAnalysis.Workspace).Assembly,
                typeof(Microsoft.CodeAnalysis.CSharp.Formatting.CSharpFormattingOptions).Assembly,
            }.Distinct().Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location));
        }

        public static AnalysisRun Run(Compilation compilation, CancellationToken cancellationToken = default)
            => Run(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), cancellationToken);

        public static AnalysisRun Run(Compilation compilation, AnalyzerOptions analyzerOptions, CancellationToken cancellationToken = default)
        {
            var exceptions = new ConcurrentBag<string>();
            var options = new CompilationWithAnalyzersOptions(
                analyzerOptions,
                onAnalyzerException: (ex, analyzer, diagnostic) => exceptions.Add(analyzer.GetType().Name + ": " + ex),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false);
            var sw = Stopwatch.StartNew();

            // Bind everything first (cached in the compilation), then time each analyzer on its own: what remains is
            // the analyzer's own work.
            compilation.GetDiagnostics(cancellationToken);
            var ours = ImmutableArray.CreateBuilder<Diagnostic>();
            var slowest = TimeSpan.Zero;
            var slowestName = string.Empty;
            foreach (var analyzer in RuleCatalog.Analyzers)
            {
                var one = Stopwatch.StartNew();
                var diagnostics = compilation.WithAnalyzers(ImmutableArray.Create(analyzer), options)
                    .GetAnalyzerDiagnosticsAsync(cancellationToken).GetAwaiter().GetResult();
                one.Stop();
                if (one.Elapsed > slowest)
                {
                    slowest = one.Elapsed;
                    slowestName = analyzer.GetType().Name;
                }

                foreach (var d in diagnostics)
                {
                    if (d.Id == "AD0001")
                    {
                        exceptions.Add(d.GetMessage());
                    }
                    else if (d.Id.StartsWith("NN", StringComparison.Ordinal))
                    {
                        ours.Add(d);
                    }
                }
            }

            sw.Stop();
            return new AnalysisRun(compilation, ours.ToImmutable(), exceptions.ToList(), sw.Elapsed, slowest, slowestName);
        }
    }
}
