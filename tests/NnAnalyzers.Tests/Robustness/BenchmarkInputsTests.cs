using System.Linq;
using NnAnalyzers.Benchmarks;
using NnAnalyzers.Tests.Meta;
using Xunit;

namespace NnAnalyzers.Tests.Robustness
{
    /// <summary>
    /// The generated inputs of the analyzer benchmarks and of perf/build-cost.sh do what their names say: the
    /// triggering file reports every rule, the correct NN file and the file without NN signs report nothing. A cost
    /// measured on inputs where a rule has no work would say nothing about that rule.
    /// </summary>
    public class BenchmarkInputsTests
    {
        private static string Describe(AnalysisRun run)
            => string.Join("\n", run.Diagnostics.Select(d => $"({d.Location.GetLineSpan().StartLinePosition.Line + 1}): {d.Id} {d.GetMessage()}"));

        [Fact]
        public void The_triggering_input_reports_every_rule()
        {
            var run = AnalyzerRunner.Run(AnalyzerRunner.Compile(InputGenerator.Files(InputGenerator.Kind.Triggering, 2)));
            Assert.Empty(run.Exceptions);
            foreach (var id in RuleCatalog.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct())
            {
                Assert.True(run.Diagnostics.Count(d => d.Id == id) >= 2, id + " is not reported in each triggering file:\n" + Describe(run));
            }
        }

        [Theory]
        [InlineData(InputGenerator.Kind.CorrectNn)]
        [InlineData(InputGenerator.Kind.NoNnSigns)]
        public void The_other_inputs_report_nothing(InputGenerator.Kind kind)
        {
            var run = AnalyzerRunner.Run(AnalyzerRunner.Compile(InputGenerator.Files(kind, 2)));
            Assert.Empty(run.Exceptions);
            Assert.True(run.Diagnostics.IsEmpty, Describe(run));
        }
    }
}
