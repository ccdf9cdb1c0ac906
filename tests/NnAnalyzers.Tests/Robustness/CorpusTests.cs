using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NnAnalyzers.Tests.Meta;
using Xunit;
using Xunit.Abstractions;

namespace NnAnalyzers.Tests.Robustness
{
    /// <summary>
    /// Every analyzer over the C# of this repository: correct NN code (the reference library, the Ionosphere sample,
    /// the seed port once fixed) reports nothing; the analyzers' own sources (full of words like weights, softmax and
    /// NextDouble, but no network) report nothing; nothing throws on any file or test input.
    /// </summary>
    public class CorpusTests
    {
        private readonly ITestOutputHelper _output;

        public CorpusTests(ITestOutputHelper output)
        {
            _output = output;
        }

        private static string Describe(IEnumerable<Diagnostic> diagnostics)
            => string.Join("\n", diagnostics.Select(d => $"{d.Location.GetLineSpan().Path}({d.Location.GetLineSpan().StartLinePosition.Line + 1}): {d.Id} {d.GetMessage()}"));

        [Fact]
        public void Reference_library_and_ionosphere_sample_report_nothing()
        {
            var files = TestInputs.FilesUnder("src", "NnAnalyzers.Network").Concat(TestInputs.FilesUnder("samples", "Ionosphere")).ToList();
            Assert.NotEmpty(files);
            var run = AnalyzerRunner.Run(AnalyzerRunner.Compile(files.Select(f => (f.Origin, f.Text)), OutputKind.DynamicallyLinkedLibrary));
            Assert.True(run.Exceptions.Count == 0, string.Join("\n", run.Exceptions));
            Assert.True(run.Diagnostics.IsEmpty, Describe(run.Diagnostics));
        }

        [Fact]
        public void Analyzer_and_fixer_sources_report_nothing()
        {
            var files = TestInputs.FilesUnder("src", "NnAnalyzers").Concat(TestInputs.FilesUnder("src", "NnAnalyzers.CodeFixes")).ToList();
            var run = AnalyzerRunner.Run(AnalyzerRunner.Compile(files.Select(f => (f.Origin, f.Text)), extraReferences: AnalyzerRunner.RoslynReferences()));
            Assert.True(run.Exceptions.Count == 0, string.Join("\n", run.Exceptions));
            Assert.True(run.Diagnostics.IsEmpty, Describe(run.Diagnostics));
        }

        [Fact]
        public void Nothing_throws_on_any_test_input_or_sample()
        {
            var inputs = TestInputs.RuleTestSources().Concat(TestInputs.FilesUnder("samples")).ToList();
            Assert.NotEmpty(inputs);
            var exceptions = new List<string>();
            foreach (var input in inputs)
            {
                var run = AnalyzerRunner.Run(AnalyzerRunner.Compile(new[] { (input.Origin, input.Text) }));
                exceptions.AddRange(run.Exceptions.Select(e => input.Origin + ": " + e));
            }

            _output.WriteLine($"{inputs.Count} inputs analyzed");
            Assert.True(exceptions.Count == 0, string.Join("\n", exceptions.Take(10)));
        }

        [Fact]
        public async Task The_seed_port_fixed_by_our_code_fixes_reports_nothing()
        {
            var files = TestInputs.FilesUnder("samples", "SeedPort").ToList();
            Assert.NotEmpty(files);
            var document = FixRunner.CreateDocument(string.Join("\n", files.Where(f => f.Origin.EndsWith("SeedNetwork.cs", StringComparison.Ordinal)).Select(f => f.Text)));
            var applied = new List<string>();
            for (var round = 0; round < 40; round++)
            {
                var run = AnalyzerRunner.Run((await document.Project.GetCompilationAsync())!);
                Assert.True(run.Exceptions.Count == 0, string.Join("\n", run.Exceptions));
                if (run.Diagnostics.IsEmpty)
                {
                    _output.WriteLine("applied: " + string.Join("; ", applied));
                    Assert.NotEmpty(applied);
                    return;
                }

                var diagnostic = run.Diagnostics.OrderBy(d => d.Location.SourceSpan.Start).First();
                var action = (await FixRunner.GetActionsAsync(document, diagnostic)).FirstOrDefault();
                Assert.True(action is not null, "no fix offered for " + Describe(new[] { diagnostic }));
                applied.Add(diagnostic.Id + " '" + action!.Title + "'");
                document = await FixRunner.ApplyAsync(document, action);
            }

            Assert.Fail("the fixes did not converge in 40 rounds: " + string.Join("; ", applied));
        }
    }
}
