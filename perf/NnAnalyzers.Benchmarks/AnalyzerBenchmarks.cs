using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NnAnalyzers.Benchmarks
{
    /// <summary>
    /// The baseline every rule is compared with (as NetAnalyzers' perf suite does): it registers no-op operation
    /// actions on the kinds our rules use, so the driver binds every method body as it does for a real rule, and the
    /// difference is the rule's own work.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class EmptyAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor s_descriptor = new DiagnosticDescriptor("EMPTY0001", "Empty", "Empty", "Perf", DiagnosticSeverity.Hidden, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(s_descriptor);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(
                static _ => { },
                Microsoft.CodeAnalysis.OperationKind.Invocation,
                Microsoft.CodeAnalysis.OperationKind.SimpleAssignment,
                Microsoft.CodeAnalysis.OperationKind.CompoundAssignment,
                Microsoft.CodeAnalysis.OperationKind.Binary,
                Microsoft.CodeAnalysis.OperationKind.ExpressionStatement);
        }
    }

    /// <summary>Time and allocations of each rule (and the empty baseline) over 100 and 1 000 generated files.</summary>
    [MemoryDiagnoser]
    public class AnalyzerBenchmarks
    {
        private CSharpCompilation _compilation = null!;
        private DiagnosticAnalyzer _analyzer = null!;

        [Params("Empty", "NN0001", "NN0002", "NN0003", "NN0004", "NN0005", "NN0006", "NN0007", "NN0008")]
        public string Rule { get; set; } = "Empty";

        [Params(100, 1000)]
        public int Files { get; set; }

        [Params(InputGenerator.Kind.Triggering, InputGenerator.Kind.CorrectNn, InputGenerator.Kind.NoNnSigns)]
        public InputGenerator.Kind Input { get; set; }

        /// <summary>The bound compilation (after <see cref="Setup"/>).</summary>
        public CSharpCompilation Compilation => _compilation;

        [GlobalSetup]
        public void Setup()
        {
            _analyzer = CreateAnalyzer(Rule);
            var trees = InputGenerator.Files(Input, Files)
                .Select(f => CSharpSyntaxTree.ParseText(f.Text, new CSharpParseOptions(LanguageVersion.Latest), f.Path))
                .ToArray();
            _compilation = CSharpCompilation.Create("Bench", trees, References.Value, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            // Bind once so that the benchmark measures the analyzer, not the compiler's first binding.
            _compilation.GetDiagnostics();
        }

        [Benchmark]
        public int Analyze()
        {
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
            return _compilation.WithAnalyzers(ImmutableArray.Create(_analyzer), options)
                .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Length;
        }

        public static DiagnosticAnalyzer CreateAnalyzer(string rule)
        {
            if (rule == "Empty")
            {
                return new EmptyAnalyzer();
            }

            var type = typeof(NnAnalyzer).Assembly.GetTypes()
                .Single(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t)
                    && ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics.Any(d => d.Id == rule));
            return (DiagnosticAnalyzer)Activator.CreateInstance(type)!;
        }

        public static readonly Lazy<MetadataReference[]> References = new Lazy<MetadataReference[]>(() =>
        {
            var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
            return trusted
                .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll" || Path.GetFileName(p) == "mscorlib.dll")
                .Append(typeof(Matrix<double>).Assembly.Location)
                .Distinct()
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToArray();
        });
    }
}
