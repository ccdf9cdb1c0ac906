using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using NnAnalyzers.Tests.Meta;
using Xunit;
using Xunit.Abstractions;

namespace NnAnalyzers.Tests.Robustness
{
    /// <summary>
    /// For every diagnostic in every positive rule-test input and in the seed port: every offered code action yields
    /// code with no new compiler error and one diagnostic fewer of that id; Fix All applied twice changes nothing the
    /// second time.
    /// </summary>
    public class FixSweepTests
    {
        private readonly ITestOutputHelper _output;

        public FixSweepTests(ITestOutputHelper output)
        {
            _output = output;
        }

        public static IEnumerable<TestInput> Inputs()
        {
            return TestInputs.RuleTestSources().Where(i => i.HadMarkup)
                .Concat(TestInputs.FilesUnder("samples", "SeedPort").Where(f => f.Origin.EndsWith("SeedNetwork.cs", StringComparison.Ordinal)));
        }

        private static async Task<(ImmutableArray<Diagnostic> Ours, HashSet<string> Errors)> AnalyzeAsync(Document document)
        {
            var compilation = (await document.Project.GetCompilationAsync())!;
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)
                .Select(d => d.Id + ": " + d.GetMessage()).ToHashSet(StringComparer.Ordinal);
            var run = AnalyzerRunner.Run(compilation);
            Assert.True(run.Exceptions.Count == 0, string.Join("\n", run.Exceptions));
            return (run.Diagnostics, errors);
        }

        [Fact]
        public async Task Every_offered_action_compiles_and_removes_its_diagnostic()
        {
            var failures = new List<string>();
            var inputs = Inputs().ToList();
            Assert.NotEmpty(inputs);
            int diagnostics = 0, actions = 0;
            foreach (var input in inputs)
            {
                var document = FixRunner.CreateDocument(input.Text);
                var (before, errorsBefore) = await AnalyzeAsync(document);
                foreach (var diagnostic in before)
                {
                    diagnostics++;
                    foreach (var action in await FixRunner.GetActionsAsync(document, diagnostic))
                    {
                        actions++;
                        var changed = await FixRunner.ApplyAsync(document, action);
                        var (after, errorsAfter) = await AnalyzeAsync(changed);
                        var newErrors = errorsAfter.Except(errorsBefore).ToList();
                        var where = $"{input.Origin} {diagnostic.Id} at {diagnostic.Location.GetLineSpan().StartLinePosition} '{action.Title}'";
                        if (newErrors.Count > 0)
                        {
                            failures.Add($"{where}: new errors {string.Join(" | ", newErrors)}\n{(await changed.GetTextAsync())}");
                        }

                        if (after.Count(d => d.Id == diagnostic.Id) >= before.Count(d => d.Id == diagnostic.Id))
                        {
                            failures.Add($"{where}: the diagnostic is still there");
                        }

                        if ((await changed.GetTextAsync()).ToString() == input.Text)
                        {
                            failures.Add($"{where}: the action changes nothing");
                        }
                    }
                }
            }

            _output.WriteLine($"{inputs.Count} inputs, {diagnostics} diagnostics, {actions} actions applied");
            Assert.True(diagnostics > 0);
            Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(10)));
        }

        [Fact]
        public async Task Fix_all_applied_twice_changes_nothing_the_second_time()
        {
            var failures = new List<string>();
            foreach (var input in Inputs())
            {
                var document = FixRunner.CreateDocument(input.Text);
                var (diagnostics, _) = await AnalyzeAsync(document);
                foreach (var group in diagnostics.GroupBy(d => d.Id))
                {
                    var first = await FixAllOnceAsync(document, group.Key);
                    if (first is null)
                    {
                        continue;
                    }

                    var second = await FixAllOnceAsync(first, group.Key);
                    var firstText = (await first.GetTextAsync()).ToString();
                    if (second is not null && (await second.GetTextAsync()).ToString() != firstText)
                    {
                        failures.Add($"{input.Origin} {group.Key}: the second Fix All changed the code again:\n{firstText}\n---\n{await second.GetTextAsync()}");
                    }
                }
            }

            Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)));
        }

        /// <summary>Runs the provider's Fix All (document scope, the first action's equivalence key); null when nothing is offered.</summary>
        private static async Task<Document?> FixAllOnceAsync(Document document, string id)
        {
            var (diagnostics, _) = await AnalyzeAsync(document);
            var ofId = diagnostics.Where(d => d.Id == id).ToImmutableArray();
            if (ofId.IsEmpty)
            {
                return null;
            }

            var provider = RuleCatalog.CodeFixes.FirstOrDefault(p => p.FixableDiagnosticIds.Contains(id));
            var fixAll = provider?.GetFixAllProvider();
            if (provider is null || fixAll is null)
            {
                return null;
            }

            var registered = new List<CodeAction>();
            foreach (var d in ofId)
            {
                await provider.RegisterCodeFixesAsync(new CodeFixContext(document, d, (a, _) => registered.Add(a), CancellationToken.None));
                if (registered.Count > 0)
                {
                    break;
                }
            }

            if (registered.Count == 0)
            {
                return null;
            }

            var context = new FixAllContext(document, provider, FixAllScope.Document, registered[0].EquivalenceKey,
                new[] { id }, new FixedDiagnostics(ofId), CancellationToken.None);
            var action = await fixAll.GetFixAsync(context);
            if (action is null)
            {
                return null;
            }

            return await FixRunner.ApplyAsync(document, action);
        }

        private sealed class FixedDiagnostics : FixAllContext.DiagnosticProvider
        {
            private readonly ImmutableArray<Diagnostic> _diagnostics;

            public FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics)
            {
                _diagnostics = diagnostics;
            }

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
                => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
                => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
                => Task.FromResult<IEnumerable<Diagnostic>>(Array.Empty<Diagnostic>());
        }
    }
}
