using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace NnAnalyzers.IntegrationTests
{
    /// <summary>
    /// End to end with the real tools: a copy of samples/SeedPort that takes the NnAnalyzers package from a local feed,
    /// fixed by <c>dotnet format analyzers</c>, rebuilt and trained.
    /// </summary>
    [Collection(PackagesCollection.Name)]
    public class FormatEndToEndTests
    {
        // The four rules the question's bugs are about (each must show on the unfixed port)...
        private static readonly string[] s_seedIds = { "NN0001", "NN0002", "NN0003", "NN0004" };

        // ...and every rule the product has (the fixed port must show none of them).
        private static readonly string[] s_allIds = { "NN0001", "NN0002", "NN0003", "NN0004", "NN0005", "NN0006", "NN0007", "NN0008" };
        private readonly PackagesFixture _packages;
        private readonly ITestOutputHelper _output;

        public FormatEndToEndTests(PackagesFixture packages, ITestOutputHelper output)
        {
            _packages = packages;
            _output = output;
        }

        private string CopySeedPort()
        {
            Assert.True(_packages.Pack.ExitCode == 0, _packages.Pack.ToString());
            var dir = DotnetCli.TempFolder("seedport");
            foreach (var file in Directory.GetFiles(Repo.Path("samples", "SeedPort"), "*.cs"))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            _packages.WriteNuGetConfig(dir);
            File.WriteAllText(Path.Combine(dir, "SeedPort.csproj"),
$@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <NoWarn>$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include=""NnAnalyzers"" Version=""{_packages.Version}"" PrivateAssets=""all"" />
    <PackageReference Include=""MathNet.Numerics"" Version=""5.0.0"" />
  </ItemGroup>
</Project>
");
            var restore = DotnetCli.Dotnet(dir, "restore");
            Assert.True(restore.ExitCode == 0, restore.ToString());
            return dir;
        }

        private static string[] NnWarnings(ProcessResult build)
        {
            return Regex.Matches(build.Output, @"([^\s/\\]+\.cs)\((\d+),(\d+)\): warning (NN\d{4})")
                .Select(m => $"{m.Groups[1].Value}({m.Groups[2].Value}): {m.Groups[4].Value}")
                .Distinct()
                .ToArray();
        }

        private ProcessResult Format(string dir, params string[] ids)
        {
            var args = new List<string> { "format", "analyzers", Path.Combine(dir, "SeedPort.csproj"), "--diagnostics" };
            args.AddRange(ids);
            args.AddRange(new[] { "--severity", "warn", "-v", "diag" });
            var format = DotnetCli.Dotnet(dir, args.ToArray());
            Assert.True(format.ExitCode == 0, format.ToString());
            return format;
        }

        private JsonElement Train(string dir, int seed, double lr)
        {
            var run = DotnetCli.Dotnet(dir, "run", "-c", "Release", "--no-build", "--",
                "--seed", seed.ToString(CultureInfo.InvariantCulture), "--lr", lr.ToString("R", CultureInfo.InvariantCulture),
                "--data", Repo.Path("samples", "data", "ionosphere.csv"));
            Assert.True(run.ExitCode == 0, run.ToString());
            var last = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.TrimStart().StartsWith("{", StringComparison.Ordinal));
            return JsonDocument.Parse(last).RootElement.Clone();
        }

        private ProcessResult BuildRelease(string dir)
        {
            var build = DotnetCli.Dotnet(dir, "build", "-c", "Release", "--no-restore", "--no-incremental");
            Assert.True(build.ExitCode == 0, build.ToString());
            return build;
        }

        [Fact]
        public void Unfixed_port_shows_all_four_rules_and_its_cost_never_moves()
        {
            var dir = CopySeedPort();
            var warnings = NnWarnings(BuildRelease(dir));
            _output.WriteLine("unfixed port warnings:\n  " + string.Join("\n  ", warnings));
            foreach (var id in s_seedIds)
            {
                Assert.Contains(warnings, w => w.EndsWith(id, StringComparison.Ordinal));
            }

            var result = Train(dir, 0, 1e-3);
            var costs = result.GetProperty("costs").EnumerateArray().Select(c => c.GetDouble()).ToArray();
            _output.WriteLine($"unfixed, lr 1e-3, seed 0: init cost {result.GetProperty("init_cost").GetDouble():F4}, costs {costs.Min():F4}..{costs.Max():F4}, test acc {result.GetProperty("test_acc").GetDouble():F3}");
            Assert.All(costs, c => Assert.Equal(result.GetProperty("init_cost").GetDouble(), c, 12));
        }

        [Fact]
        public void Dotnet_format_fixes_every_rule_and_the_fixed_port_learns()
        {
            var dir = CopySeedPort();

            // The issue's command: the four rules of the question. None of them is left...
            Format(dir, s_seedIds);
            var afterFour = NnWarnings(BuildRelease(dir));
            _output.WriteLine("after formatting NN0001-NN0004: " + (afterFour.Length == 0 ? "no NN warning" : string.Join(", ", afterFour)));
            Assert.DoesNotContain(afterFour, w => s_seedIds.Any(id => w.EndsWith(id, StringComparison.Ordinal)));

            // ...and with every rule of the product, nothing at all is left (NN0005 flags the cost's unguarded log).
            Format(dir, s_allIds);
            var warnings = NnWarnings(BuildRelease(dir));
            Assert.True(warnings.Length == 0, "NN warnings left after dotnet format:\n" + string.Join("\n", warnings));

            var accuracies = new List<double>();
            for (var seed = 0; seed < 5; seed++)
            {
                var result = Train(dir, seed, 1e-3);
                var acc = result.GetProperty("test_acc").GetDouble();
                accuracies.Add(acc);
                var costs = result.GetProperty("costs").EnumerateArray().Select(c => c.GetDouble()).ToArray();
                _output.WriteLine($"fixed, lr 1e-3, seed {seed}: init cost {result.GetProperty("init_cost").GetDouble():F4} -> final {costs.Last():F4}, test acc {acc:F3}, majority frac {result.GetProperty("test_majority_frac").GetDouble():F3}");
            }

            Assert.All(accuracies, a => Assert.True(a >= 0.90, $"test accuracy {a:F3} < 0.90 (all: {string.Join(", ", accuracies.Select(x => x.ToString("F3", CultureInfo.InvariantCulture)))})"));
        }

        [Fact]
        public void Fixing_only_NN0004_reproduces_the_original_numbers()
        {
            var dir = CopySeedPort();
            Format(dir, "NN0004");
            var warnings = NnWarnings(BuildRelease(dir));
            Assert.DoesNotContain(warnings, w => w.EndsWith("NN0004", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.EndsWith("NN0001", StringComparison.Ordinal));

            var result = Train(dir, 0, 1e-4);
            var init = result.GetProperty("init_cost").GetDouble();
            var costs = result.GetProperty("costs").EnumerateArray().Select(c => c.GetDouble()).ToArray();
            var majority = result.GetProperty("test_majority_frac").GetDouble();
            _output.WriteLine($"NN0004 fixed only, lr 1e-4, seed 0: init {init:F4}, epoch 1 {costs[0]:F4}, epoch 400 {costs[^1]:F4}, test acc {result.GetProperty("test_acc").GetDouble():F3}, majority frac {majority:F3}");
            Assert.Equal(1.8781, Math.Round(init, 4));
            Assert.Equal(1.6893, Math.Round(costs[0], 4));
            Assert.InRange(costs[^1], 0.6926 - 0.005, 0.6926 + 0.005);
            Assert.True(majority >= 0.97, $"majority fraction {majority:F3}");
        }
    }
}
