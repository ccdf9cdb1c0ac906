using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace NnAnalyzers.IntegrationTests
{
    /// <summary>
    /// Runs samples/Ionosphere as a user would: the question's initialisation collapses and the monitor names NN0001;
    /// the defaults learn on every seed. (In the packages collection so its Release build never overlaps the packing.)
    /// </summary>
    [Collection(PackagesCollection.Name)]
    public class IonosphereSampleTests
    {
        private readonly ITestOutputHelper _output;

        public IonosphereSampleTests(ITestOutputHelper output)
        {
            _output = output;
        }

        private static string BuildSample()
        {
            var build = DotnetCli.Dotnet(Repo.Root, "build", Repo.Path("samples", "Ionosphere", "Ionosphere.csproj"), "-c", "Release", "-o", Path.Combine(Path.GetTempPath(), "nnanalyzers-it", "ionosphere-bin"));
            Assert.True(build.ExitCode == 0, build.ToString());
            return Path.Combine(Path.GetTempPath(), "nnanalyzers-it", "ionosphere-bin", "Ionosphere.dll");
        }

        private static JsonElement Run(string dll, params string[] args)
        {
            var all = new List<string> { dll, "--data", Repo.Path("samples", "data", "ionosphere.csv") };
            all.AddRange(args);
            var run = DotnetCli.Run("dotnet", Repo.Root, TimeSpan.FromMinutes(5), all.ToArray());
            Assert.True(run.ExitCode == 0, run.ToString());
            var last = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.TrimStart().StartsWith("{", StringComparison.Ordinal));
            return JsonDocument.Parse(last).RootElement.Clone();
        }

        [Fact]
        public void Question_init_collapses_and_the_monitor_names_NN0001_while_the_defaults_learn_on_every_seed()
        {
            var dll = BuildSample();
            var bad = Run(dll, "--init", "uniform01", "--lr", "1e-4", "--batch", "1", "--epochs", "400", "--seed", "0");
            var costs = bad.GetProperty("costs").EnumerateArray().Select(c => c.GetDouble()).ToArray();
            var prior = bad.GetProperty("prior_entropy").GetDouble();
            var symptoms = bad.GetProperty("symptoms").EnumerateArray()
                .Select(s => s.GetProperty("rule").GetString() + ":" + s.GetProperty("kind").GetString()).Distinct().ToList();
            _output.WriteLine($"uniform01, lr 1e-4, seed 0: final cost {costs[^1]:F4} (prior entropy {prior:F4}), majority {bad.GetProperty("test_majority_frac").GetDouble():F3}, symptoms {string.Join(", ", symptoms)}");
            Assert.InRange(costs[^1], prior - 0.01, prior + 0.01);
            Assert.True(bad.GetProperty("test_majority_frac").GetDouble() >= 0.97);
            Assert.Contains("NN0001:SaturatedUnits", symptoms);
            Assert.Contains("NN0001:CollapsedPredictions", symptoms);

            for (var seed = 0; seed < 5; seed++)
            {
                var good = Run(dll, "--seed", seed.ToString(CultureInfo.InvariantCulture));
                var acc = good.GetProperty("test_acc").GetDouble();
                _output.WriteLine($"defaults, seed {seed}: test acc {acc:F3}, symptoms {good.GetProperty("symptoms").GetArrayLength()}");
                Assert.True(acc >= 0.93, $"seed {seed}: test accuracy {acc:F3}");
                Assert.Equal(0, good.GetProperty("symptoms").GetArrayLength());
            }
        }
    }
}
