using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace NnAnalyzers.Tests.Robustness
{
    /// <summary>
    /// Incomplete and broken code, as an IDE sees it while the user types: every prefix of every sample and rule-test
    /// input cut at a statement or member boundary, plus random token deletions and duplications (fixed seed). No
    /// analyzer and no code fix provider may throw, and no analysis of one variant may take longer than 1 s.
    /// The CI run takes NN_MUTATION_VARIANTS variants (default 2 500); the full run is
    /// <c>NN_MUTATION_VARIANTS=25000 dotnet test tests/NnAnalyzers.Tests --filter FullyQualifiedName~MutationTests</c>.
    /// </summary>
    public class MutationTests
    {
        private readonly ITestOutputHelper _output;

        public MutationTests(ITestOutputHelper output)
        {
            _output = output;
        }

        private static int VariantBudget()
        {
            var text = Environment.GetEnvironmentVariable("NN_MUTATION_VARIANTS");
            return int.TryParse(text, out var n) && n > 0 ? n : 2500;
        }

        public static IEnumerable<string> Variants(string text, Random random, int randomPerSource)
        {
            var root = CSharpSyntaxTree.ParseText(text, AnalyzerRunner.ParseOptions).GetRoot();

            // Prefix truncations at statement and member boundaries.
            var cuts = root.DescendantNodes()
                .Where(n => n is StatementSyntax || n is MemberDeclarationSyntax || n is UsingDirectiveSyntax)
                .Select(n => n.Span.End)
                .Concat(root.DescendantNodes().OfType<BlockSyntax>().Select(b => b.OpenBraceToken.Span.End))
                .Distinct()
                .OrderBy(x => x);
            foreach (var cut in cuts)
            {
                yield return text.Substring(0, cut);
            }

            // Random token deletions and duplications.
            var tokens = root.DescendantTokens().Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).ToArray();
            if (tokens.Length == 0)
            {
                yield break;
            }

            for (var k = 0; k < randomPerSource; k++)
            {
                var edits = 1 + random.Next(3);
                var chosen = new Dictionary<int, bool>();
                for (var e = 0; e < edits; e++)
                {
                    chosen[random.Next(tokens.Length)] = random.Next(2) == 0; // true = delete, false = duplicate
                }

                var sb = new System.Text.StringBuilder(text.Length + 16);
                for (var i = 0; i < tokens.Length; i++)
                {
                    var full = tokens[i].ToFullString();
                    if (chosen.TryGetValue(i, out var delete))
                    {
                        if (delete)
                        {
                            sb.Append(tokens[i].LeadingTrivia.ToFullString()).Append(tokens[i].TrailingTrivia.ToFullString());
                            continue;
                        }

                        sb.Append(full).Append(' ');
                    }

                    sb.Append(full);
                }

                yield return sb.ToString();
            }
        }

        [Fact]
        public async Task Analyzers_and_fixes_never_throw_on_broken_code()
        {
            var sources = TestInputs.FilesUnder("samples")
                .Concat(TestInputs.RuleTestSources())
                .ToList();
            Assert.NotEmpty(sources);

            var budget = VariantBudget();
            var random = new Random(20261204);
            var perSourceRandom = Math.Max(4, budget / Math.Max(1, sources.Count));
            var variants = sources
                .SelectMany(s => Variants(s.Text, random, perSourceRandom).Select(v => (s.Origin, Text: v)))
                .ToList();

            // Spread the budget over all sources: keep every k-th variant when there are more than the budget.
            var step = Math.Max(1, variants.Count / budget);
            var chosen = variants.Where((_, i) => i % step == 0).Take(budget).ToList();

            // Warm up (JIT) on the unmodified sources so that the 1 s limit measures analysis, not compilation of our code.
            foreach (var source in sources.Take(12))
            {
                AnalyzerRunner.Run((await FixRunner.CreateDocument(source.Text).Project.GetCompilationAsync())!);
            }

            var failures = new List<string>();
            var slowest = TimeSpan.Zero;
            var diagnosticsSeen = 0;
            var actionsApplied = 0;
            var sw = Stopwatch.StartNew();
            foreach (var (origin, text) in chosen)
            {
                var document = FixRunner.CreateDocument(text);
                var compilation = (await document.Project.GetCompilationAsync())!;
                var run = AnalyzerRunner.Run(compilation);

                // A slow call is measured again (best of three): a real hang or quadratic blow-up repeats, a pause of
                // the machine's scheduler does not.
                for (var retry = 0; retry < 2 && run.SlowestAnalyzer > TimeSpan.FromSeconds(1); retry++)
                {
                    var again = AnalyzerRunner.Run(compilation);
                    if (again.SlowestAnalyzer < run.SlowestAnalyzer)
                    {
                        run = again;
                    }
                }
                if (run.SlowestAnalyzer > slowest)
                {
                    slowest = run.SlowestAnalyzer;
                }

                if (run.SlowestAnalyzer > TimeSpan.FromSeconds(1))
                {
                    failures.Add($"{origin}: {run.SlowestAnalyzerName} took {run.SlowestAnalyzer.TotalMilliseconds:F0} ms");
                }

                failures.AddRange(run.Exceptions.Select(e => origin + ": " + e));
                if (run.Diagnostics.IsEmpty)
                {
                    continue;
                }

                foreach (var diagnostic in run.Diagnostics.Take(4))
                {
                    diagnosticsSeen++;
                    try
                    {
                        foreach (var action in await FixRunner.GetActionsAsync(document, diagnostic))
                        {
                            await FixRunner.ApplyAsync(document, action);
                            actionsApplied++;
                        }
                    }
                    catch (Exception ex)
                    {
                        failures.Add($"{origin}: code fix for {diagnostic.Id} threw {ex}");
                    }
                }
            }

            _output.WriteLine($"{chosen.Count} variants of {sources.Count} sources ({variants.Count} available), {diagnosticsSeen} diagnostics fixed with {actionsApplied} actions, slowest analyzer call {slowest.TotalMilliseconds:F0} ms, total {sw.Elapsed.TotalSeconds:F1} s");
            Assert.True(chosen.Count >= Math.Min(budget, variants.Count));
            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        }
    }
}
