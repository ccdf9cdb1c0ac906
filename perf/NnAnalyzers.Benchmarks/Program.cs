using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using BenchmarkDotNet.Running;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NnAnalyzers.Benchmarks
{
    public static class Program
    {
        /// <summary>
        /// <c>dotnet run -c Release --project perf/NnAnalyzers.Benchmarks</c> runs the BenchmarkDotNet suite (pass
        /// BenchmarkDotNet arguments after <c>--</c>, e.g. <c>--filter * --job short</c>);
        /// <c>... -- quick</c> prints a side-by-side timed run (every rule and the empty baseline in one process).
        /// </summary>
        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "quick")
            {
                Quick(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000, args.Length > 2 ? args[2] : null);
                return 0;
            }

            if (args.Length > 0 && args[0] == "cold")
            {
                Cold(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000, args.Length > 2 ? Enum.Parse<InputGenerator.Kind>(args[2]) : InputGenerator.Kind.NoNnSigns,
                    args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5);
                return 0;
            }

            if (args.Length > 1 && args[0] == "compare")
            {
                Compare(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2000,
                    args.Length > 3 ? Enum.Parse<InputGenerator.Kind>(args[3]) : InputGenerator.Kind.CorrectNn,
                    args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 7);
                return 0;
            }

            if (args.Length > 0 && args[0] == "alloc")
            {
                Alloc(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000,
                    args.Length > 2 ? Enum.Parse<InputGenerator.Kind>(args[2]) : InputGenerator.Kind.CorrectNn, args.Skip(3).ToArray());
                return 0;
            }

            if (args.Length > 0 && args[0] == "types")
            {
                Types();
                return 0;
            }

            if (args.Length > 0 && args[0] == "gate")
            {
                Gate(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000, args.Length > 2 ? Enum.Parse<InputGenerator.Kind>(args[2]) : InputGenerator.Kind.NoNnSigns);
                return 0;
            }

            if (args.Length == 4 && args[0] == "generate")
            {
                // generate <Triggering|CorrectNn|NoNnSigns> <count> <folder>: writes the inputs as files (for build-cost.sh).
                var kind = Enum.Parse<InputGenerator.Kind>(args[1]);
                var count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
                System.IO.Directory.CreateDirectory(args[3]);
                foreach (var (path, text) in InputGenerator.Files(kind, count))
                {
                    System.IO.File.WriteAllText(System.IO.Path.Combine(args[3], System.IO.Path.GetFileName(path)), text);
                }

                return 0;
            }

            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return 0;
        }

        /// <summary>
        /// One cold analysis, as a build runs it: a fresh compilation, bound once, then every rule (and the empty
        /// baseline) together, each analyzer's execution time as the compiler's ReportAnalyzer counts it (time inside
        /// the analyzer's callbacks; sequential, so that a loaded machine inflates it less). Round 0 runs in a fresh
        /// process (JIT included); then <c>rounds</c> more, each on a new compilation after a full GC (a collection
        /// inside a callback is charged to whichever analyzer runs), and the median of those per analyzer.
        /// </summary>
        private static void Cold(int files, InputGenerator.Kind input, int rounds = 5)
        {
            var rules = new[] { "Empty", "NN0001", "NN0002", "NN0003", "NN0004", "NN0005", "NN0006", "NN0007", "NN0008" };
            var analyzers = rules.Select(AnalyzerBenchmarks.CreateAnalyzer).ToArray();
            Console.WriteLine($"files={files} input={input}; analyzer execution time (ms) per round, fresh compilation each round");
            Console.WriteLine("| round | " + string.Join(" | ", rules) + " | ours total | bind ms |");
            Console.WriteLine("|---|" + string.Concat(rules.Select(_ => "---|")) + "---|---|");
            var all = new List<double[]>();
            for (var round = 0; round <= rounds; round++)
            {
                var bench = new AnalyzerBenchmarks { Rule = "Empty", Files = files, Input = input };
                var sw = Stopwatch.StartNew();
                bench.Setup();
                var bindMs = sw.Elapsed.TotalMilliseconds;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var options = new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzersOptions(
                    new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions(System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.AdditionalText>.Empty),
                    null, concurrentAnalysis: false, logAnalyzerExecutionTime: true);
                var withAnalyzers = bench.Compilation.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create(analyzers), options);
                withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
                var ms = analyzers.Select(a => withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds).ToArray();
                if (round > 0)
                {
                    all.Add(ms);
                }

                Console.WriteLine($"| {round} | " + string.Join(" | ", ms.Select(m => m.ToString("F1", System.Globalization.CultureInfo.InvariantCulture))) + $" | {ms.Skip(1).Sum():F1} | {bindMs:F0} |");
            }

            var medians = Enumerable.Range(0, rules.Length).Select(i => all.Select(r => r[i]).OrderBy(v => v).ElementAt(all.Count / 2)).ToArray();
            Console.WriteLine("| median 1.." + rounds + " | " + string.Join(" | ", medians.Select(m => m.ToString("F1", System.Globalization.CultureInfo.InvariantCulture))) + $" | {medians.Skip(1).Sum():F1} | |");
        }

        /// <summary>
        /// Bytes each rule allocates in one analysis (its own and the driver's on its behalf), as the difference between
        /// an analysis with the empty baseline alone and one with the baseline and the rule, on the same bound
        /// compilation (each analysis binds afresh); the least of three runs each. Allocation volume decides how many collections a build pauses for,
        /// and a pause inside a callback is charged to the analyzer that runs it. Sequential, one warm-up.
        /// </summary>
        private static void Alloc(int files, InputGenerator.Kind input, string[] only)
        {
            var rules = only.Length > 0 ? only : new[] { "NN0001", "NN0002", "NN0003", "NN0004", "NN0005", "NN0006", "NN0007", "NN0008" };
            var bench = new AnalyzerBenchmarks { Rule = "Empty", Files = files, Input = input };
            bench.Setup();
            var empty = AnalyzerBenchmarks.CreateAnalyzer("Empty");
            var second = AnalyzerBenchmarks.CreateAnalyzer("Empty"); // the driver keeps state per analyzer: the baseline has two
            long Run(params DiagnosticAnalyzer[] analyzers)
            {
                GC.Collect();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var options = new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.AdditionalText>.Empty),
                    null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
                bench.Compilation.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create(analyzers), options)
                    .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
                return GC.GetTotalAllocatedBytes(precise: true) - before;
            }

            var all = rules.Select(AnalyzerBenchmarks.CreateAnalyzer).ToArray();
            Run(all.Prepend(empty).ToArray()); // warm-up: JIT and first-touch caches
            long Min(Func<long> run) => Enumerable.Range(0, 3).Select(_ => run()).Min(); // background work only ever adds
            var baseline = Min(() => Run(empty, second));
            Console.WriteLine($"files={files} input={input}; baseline (two empty analyzers: binding, operation trees, the driver's state) {baseline / 1e6:F1} MB");
            Console.WriteLine("| rule | MB allocated beyond the baseline |");
            Console.WriteLine("|---|---|");
            foreach (var rule in rules)
            {
                var bytes = Min(() => Run(empty, AnalyzerBenchmarks.CreateAnalyzer(rule))) - baseline;
                Console.WriteLine($"| {rule} | {bytes / 1e6:F2} |");
            }

            if (only.Length == 0)
            {
                Console.WriteLine($"| all | {(Min(() => Run(all.Prepend(empty).ToArray())) - baseline) / 1e6:F2} |");
            }
        }

        /// <summary>
        /// The has-NN-code gate alone, side by side in one process: the declaration walk over freshly parsed trees (the
        /// first touch of their nodes, as in a build) against the text pre-filter that skips files without signs before
        /// walking the rest. Eleven alternating rounds, medians.
        /// </summary>
        private static void Gate(int files, InputGenerator.Kind input)
        {
            var texts = InputGenerator.Files(input, files).Select(f => f.Text).ToArray();
            var walk = new List<double>();
            var filtered = new List<double>();
            var passed = 0;
            for (var round = 0; round < 11; round++)
            {
                var trees = texts.Select(t => Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(t)).ToArray();
                GC.Collect();
                var sw = Stopwatch.StartNew();
                var any = false;
                foreach (var tree in trees)
                {
                    any |= NnAnalyzers.Semantics.NnContext.DeclarationsShowSigns(tree);
                }

                walk.Add(sw.Elapsed.TotalMilliseconds);
                trees = texts.Select(t => Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(t)).ToArray();
                GC.Collect();
                sw.Restart();
                passed = 0;
                foreach (var tree in trees)
                {
                    if (tree.TryGetText(out var text) && !NnAnalyzers.Semantics.SignText.MayShowSigns(text))
                    {
                        continue;
                    }

                    passed++;
                    any |= NnAnalyzers.Semantics.NnContext.DeclarationsShowSigns(tree);
                }

                filtered.Add(sw.Elapsed.TotalMilliseconds);
            }

            static double Median(List<double> v) => v.OrderBy(x => x).ElementAt(v.Count / 2);
            Console.WriteLine($"files={files} input={input}: declaration walk {Median(walk):F1} ms; text filter + walk {Median(filtered):F1} ms "
                + $"({passed} of {files} files walked); ratio {Median(filtered) / Median(walk):F2}");
        }

        /// <summary>
        /// Resolving the types the rules speak about, as in a fresh compiler process: new metadata references each round
        /// (nothing read yet), a compilation bound as the compiler binds it before analyzers run, then either the
        /// compilation-wide lookup of each name or KnownSymbols' lookup in the defining assemblies. Alternating, medians.
        /// </summary>
        private static void Types()
        {
            var paths = AnalyzerBenchmarks.References.Value.OfType<Microsoft.CodeAnalysis.PortableExecutableReference>().Select(r => r.FilePath!).ToArray();
            var names = new[]
            {
                "System.Random", "System.Math", "System.MathF", "System.Linq.Enumerable", "MathNet.Numerics.LinearAlgebra.Matrix`1",
                "MathNet.Numerics.LinearAlgebra.Vector`1", "MathNet.Numerics.LinearAlgebra.MatrixBuilder`1", "MathNet.Numerics.LinearAlgebra.VectorBuilder`1",
                "MathNet.Numerics.Distributions.ContinuousUniform", "MathNet.Numerics.Distributions.DiscreteUniform",
                "MathNet.Numerics.Distributions.IContinuousDistribution", "MathNet.Numerics.Random.RandomSource",
                "MathNet.Numerics.SpecialFunctions", "NnAnalyzers.Network.DenseLayer", "NnAnalyzers.Network.Gradients",
            };
            Microsoft.CodeAnalysis.CSharp.CSharpCompilation Fresh()
            {
                var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(InputGenerator.File(InputGenerator.Kind.CorrectNn, 0));
                var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Types", new[] { tree },
                    paths.Select(p => (Microsoft.CodeAnalysis.MetadataReference)Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(p)),
                    new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary));
                compilation.GetDiagnostics();
                return compilation;
            }

            var wide = new List<double>();
            var targeted = new List<double>();
            for (var round = 0; round < 9; round++)
            {
                var compilation = Fresh();
                var sw = Stopwatch.StartNew();
                foreach (var name in names)
                {
                    compilation.GetTypeByMetadataName(name);
                }

                wide.Add(sw.Elapsed.TotalMilliseconds);
                compilation = Fresh();
                sw.Restart();
                _ = NnAnalyzers.Semantics.KnownSymbols.Create(compilation).Math;
                targeted.Add(sw.Elapsed.TotalMilliseconds);
            }

            static double Median(List<double> v) => v.OrderBy(x => x).ElementAt(v.Count / 2);
            Console.WriteLine($"{paths.Length} references: compilation-wide lookup of {names.Length} types {Median(wide):F2} ms; "
                + $"KnownSymbols (defining assemblies) {Median(targeted):F2} ms; ratio {Median(targeted) / Median(wide):F3}");
        }

        /// <summary>
        /// Another build of our analyzers (an older commit's NnAnalyzers.dll, loaded in its own load context) against this
        /// one, side by side in one process: each round runs both on fresh compilations of the same input, in alternating
        /// order, after a full GC. Per-rule medians and minimums (noise on a shared machine only ever adds time).
        /// </summary>
        private static void Compare(string otherDll, int files, InputGenerator.Kind input, int rounds)
        {
            var rules = new[] { "NN0001", "NN0002", "NN0003", "NN0004", "NN0005", "NN0006", "NN0007", "NN0008" };
            var context = new IsolatedLoadContext();
            var otherAssembly = context.LoadFromAssemblyPath(System.IO.Path.GetFullPath(otherDll));
            DiagnosticAnalyzer[] Load(System.Reflection.Assembly assembly) => rules.Select(rule => assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
                .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
                .First(a => a.SupportedDiagnostics.Any(d => d.Id == rule))).ToArray();
            var sets = new[] { ("other", Load(otherAssembly)), ("this", Load(typeof(NnAnalyzers.Semantics.NnContext).Assembly)) };
            var times = sets.Select(_ => new List<double[]>()).ToArray();
            for (var round = 0; round <= rounds; round++)
            {
                for (var k = 0; k < sets.Length; k++)
                {
                    var which = (round % 2 == 0) ? k : sets.Length - 1 - k;
                    var bench = new AnalyzerBenchmarks { Rule = "Empty", Files = files, Input = input };
                    bench.Setup();
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    var analyzers = sets[which].Item2;
                    var options = new CompilationWithAnalyzersOptions(
                        new AnalyzerOptions(System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.AdditionalText>.Empty),
                        null, concurrentAnalysis: false, logAnalyzerExecutionTime: true);
                    var withAnalyzers = bench.Compilation.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create(analyzers), options);
                    withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
                    var ms = analyzers.Select(a => withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds).ToArray();
                    if (round > 0)
                    {
                        times[which].Add(ms);
                    }
                }
            }

            static double Median(IEnumerable<double> v) { var a = v.OrderBy(x => x).ToArray(); return a[a.Length / 2]; }
            Console.WriteLine($"files={files} input={input}; {rounds} rounds after a warm-up, fresh compilation per run; ms inside each analyzer's callbacks");
            Console.WriteLine("| rule | other median | this median | other min | this min |");
            Console.WriteLine("|---|---|---|---|---|");
            for (var i = 0; i <= rules.Length; i++)
            {
                Func<double[], double> pick = i < rules.Length ? (r => r[i]) : (r => r.Sum());
                var label = i < rules.Length ? rules[i] : "all";
                Console.WriteLine($"| {label} | {Median(times[0].Select(pick)):F1} | {Median(times[1].Select(pick)):F1} | {times[0].Select(pick).Min():F1} | {times[1].Select(pick).Min():F1} |");
            }
        }

        private sealed class IsolatedLoadContext : System.Runtime.Loader.AssemblyLoadContext
        {
            // Everything but the loaded file itself (Roslyn, MathNet, the BCL) comes from the default context.
            protected override System.Reflection.Assembly? Load(System.Reflection.AssemblyName assemblyName) => null;
        }

        private static void Quick(int files, string? onlyInput)
        {
            Console.WriteLine($"files={files}; median of 5 runs per cell; ms and MB allocated per analysis of the whole compilation");
            Console.WriteLine("| rule | input | ms | ms over empty | MB allocated |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var input in Enum.GetValues<InputGenerator.Kind>())
            {
                if (onlyInput is not null && input.ToString() != onlyInput)
                {
                    continue;
                }

                double emptyMs = 0;
                foreach (var rule in new[] { "Empty", "NN0001", "NN0002", "NN0003", "NN0004", "NN0005", "NN0006", "NN0007", "NN0008" })
                {
                    var bench = new AnalyzerBenchmarks { Rule = rule, Files = files, Input = input };
                    bench.Setup();
                    bench.Analyze();
                    var times = new double[5];
                    long bytes = 0;
                    for (var i = 0; i < times.Length; i++)
                    {
                        var before = GC.GetTotalAllocatedBytes(true);
                        var sw = Stopwatch.StartNew();
                        bench.Analyze();
                        times[i] = sw.Elapsed.TotalMilliseconds;
                        bytes = GC.GetTotalAllocatedBytes(true) - before;
                    }

                    var median = times.OrderBy(t => t).ElementAt(times.Length / 2);
                    if (rule == "Empty")
                    {
                        emptyMs = median;
                    }

                    Console.WriteLine($"| {rule} | {input} | {median:F1} | {median - emptyMs:F1} | {bytes / 1048576.0:F1} |");
                }
            }
        }
    }
}
