using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace NnAnalyzers.IntegrationTests
{
    /// <summary>
    /// A fresh project outside the solution restores our packages from a local folder feed and builds: the NN
    /// warnings appear, -warnaserror fails the build, .editorconfig severities and our own options are honoured, and
    /// SARIF 2.1 carries our ids, messages, locations and help links.
    /// </summary>
    [Collection(PackagesCollection.Name)]
    public class ConsumerTests
    {
        public const string NetworkCode = @"using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Consumer
{
    public sealed class Layer
    {
        private readonly double[,] _weights;
        private readonly double[] _bias;

        public Layer(int inputs, int units, Random rng)
        {
            _weights = new double[units, inputs];
            _bias = new double[units];
            for (var i = 0; i < units; i++)
            {
                for (var j = 0; j < inputs; j++)
                {
                    _weights[i, j] = rng.NextDouble();
                }
            }
        }

        public double[] Forward(double[] x)
        {
            var z = new double[_bias.Length];
            for (var i = 0; i < z.Length; i++)
            {
                var sum = _bias[i];
                for (var j = 0; j < x.Length; j++)
                {
                    sum += _weights[i, j] * x[j];
                }

                z[i] = 1.0 / (1.0 + Math.Exp(-sum));
            }

            return z;
        }
    }

    public static class Activations
    {
        public static double[] Softmax(double[] logits)
        {
            var exps = logits.Select(v => Math.Exp(v)).ToArray();
            var total = exps.Sum();
            return exps.Select(e => e / total).ToArray();
        }
    }

    public static class Training
    {
        public static void Step(Matrix<double> weights, Matrix<double> gradW, double learningRate)
        {
            weights.Subtract(gradW.Multiply(learningRate));
        }
    }
}
";

        public const string PortfolioCode = @"using System;

namespace Consumer
{
    public sealed class Portfolio
    {
        private readonly double[] _weights = new double[10];

        public void Randomize(Random rng)
        {
            for (var i = 0; i < _weights.Length; i++)
            {
                _weights[i] = rng.NextDouble();
            }
        }

        public double Value(double[] prices) => 0;
    }
}
";

        private readonly PackagesFixture _packages;

        public ConsumerTests(PackagesFixture packages)
        {
            _packages = packages;
        }

        private string CreateConsumer(string? editorConfig = null)
        {
            Assert.True(_packages.Pack.ExitCode == 0, _packages.Pack.ToString());
            return CreateProject(
                $@"<PackageReference Include=""NnAnalyzers"" Version=""{_packages.Version}"" PrivateAssets=""all"" />
    <PackageReference Include=""MathNet.Numerics"" Version=""5.0.0"" />",
                editorConfig);
        }

        // A project with the network and portfolio code, the local feed and the given package references.
        private string CreateProject(string packageReferences, string? editorConfig = null)
        {
            var dir = DotnetCli.TempFolder("consumer");
            _packages.WriteNuGetConfig(dir);
            File.WriteAllText(Path.Combine(dir, "Consumer.csproj"),
$@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>disable</Nullable>
    <NoWarn>$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    {packageReferences}
  </ItemGroup>
</Project>
");
            File.WriteAllText(Path.Combine(dir, "Network.cs"), NetworkCode);
            File.WriteAllText(Path.Combine(dir, "Portfolio.cs"), PortfolioCode);
            if (editorConfig is not null)
            {
                File.WriteAllText(Path.Combine(dir, ".editorconfig"), "root = true\n\n[*.cs]\n" + editorConfig + "\n");
            }

            return dir;
        }

        private static string[] Ids(ProcessResult build, string kind)
        {
            return Regex.Matches(build.Output, @"(?<file>[^\s:]+\.cs)\(\d+,\d+\): " + kind + @" (?<id>NN\d{4})")
                .Select(m => m.Groups["file"].Value.Split('/', '\\').Last() + ":" + m.Groups["id"].Value)
                .Distinct()
                .OrderBy(x => x, StringComparer.Ordinal)
                .ToArray();
        }

        [Fact]
        public void Build_shows_the_NN_warnings_and_warnaserror_fails_it()
        {
            var dir = CreateConsumer();
            var warnings = BuildWarnings(dir);
            Assert.Contains("Network.cs:NN0004", warnings);

            var strict = DotnetCli.Dotnet(dir, "build", "--no-incremental", "-warnaserror");
            Assert.NotEqual(0, strict.ExitCode);
            Assert.Contains("Network.cs:NN0001", Ids(strict, "error"));
        }

        [Fact]
        public void The_library_package_alone_brings_the_analyzers_along()
        {
            // A project that references only NnAnalyzers.Network gets the NN warnings through its package dependency.
            Assert.NotNull(_packages.NetworkPack);
            Assert.True(_packages.NetworkPack!.ExitCode == 0, _packages.NetworkPack.ToString());
            var dir = CreateProject($@"<PackageReference Include=""NnAnalyzers.Network"" Version=""{_packages.Version}"" />");

            // The library's own derivatives are known from their symbols in the package's assembly: the output form given
            // the pre-activation is reported.
            File.WriteAllText(Path.Combine(dir, "Delta.cs"), @"using NnAnalyzers.Network;

public static class Unit
{
    public static double Delta(double[] x, double[] w, double b, double error)
    {
        var z = b;
        for (var k = 0; k < x.Length; k++) z += w[k] * x[k];
        var a = Activations.Sigmoid(z);
        return error * Activations.SigmoidDerivativeFromOutput(z);
    }
}
");
            Assert.Contains("Delta.cs:NN0008", BuildWarnings(dir));
        }

        // Builds the project: it succeeds with the network's NN0001 and NN0002 and nothing on the portfolio's weights.
        private static string[] BuildWarnings(string dir)
        {
            var build = DotnetCli.Dotnet(dir, "build", "--no-incremental");
            Assert.True(build.ExitCode == 0, build.ToString());
            var warnings = Ids(build, "warning");
            Assert.Contains("Network.cs:NN0001", warnings);
            Assert.Contains("Network.cs:NN0002", warnings);
            Assert.DoesNotContain("Portfolio.cs:NN0001", warnings);
            return warnings;
        }

        [Fact]
        public void Editorconfig_severities_are_honoured()
        {
            var off = DotnetCli.Dotnet(CreateConsumer("dotnet_diagnostic.NN0001.severity = none"), "build", "--no-incremental");
            Assert.True(off.ExitCode == 0, off.ToString());
            Assert.DoesNotContain(Ids(off, "warning"), x => x.EndsWith("NN0001", StringComparison.Ordinal));
            Assert.Contains("Network.cs:NN0002", Ids(off, "warning"));

            var error = DotnetCli.Dotnet(CreateConsumer("dotnet_diagnostic.NN0001.severity = error"), "build", "--no-incremental");
            Assert.NotEqual(0, error.ExitCode);
            Assert.Contains("Network.cs:NN0001", Ids(error, "error"));
        }

        [Fact]
        public void Our_own_options_are_honoured()
        {
            // Outside an NN context a portfolio's weights are not parameters; the option reports by name alone.
            var build = DotnetCli.Dotnet(CreateConsumer("nn_analyzers.NN0001.require_nn_context = false"), "build", "--no-incremental");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Contains("Portfolio.cs:NN0001", Ids(build, "warning"));

            // A parameter-name pattern that matches nothing of the layer silences NN0001 there.
            var renamed = DotnetCli.Dotnet(CreateConsumer("nn_analyzers.NN0001.parameter_names = ^theta$"), "build", "--no-incremental");
            Assert.True(renamed.ExitCode == 0, renamed.ToString());
            Assert.DoesNotContain(Ids(renamed, "warning"), x => x.EndsWith("NN0001", StringComparison.Ordinal));
        }

        [Fact]
        public void Sarif_2_1_carries_ids_messages_locations_and_help_links()
        {
            var dir = CreateConsumer();
            var sarifPath = Path.Combine(dir, "out.sarif");
            var build = DotnetCli.Dotnet(dir, "build", "--no-incremental", "-p:ErrorLog=" + sarifPath + "%2Cversion=2.1");
            Assert.True(build.ExitCode == 0, build.ToString());
            using var doc = JsonDocument.Parse(File.ReadAllText(sarifPath));
            Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
            var run = doc.RootElement.GetProperty("runs")[0];
            var results = run.GetProperty("results").EnumerateArray()
                .Where(r => r.GetProperty("ruleId").GetString()!.StartsWith("NN", StringComparison.Ordinal))
                .ToList();
            Assert.Contains(results, r => r.GetProperty("ruleId").GetString() == "NN0001");
            foreach (var r in results)
            {
                Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("message").GetProperty("text").GetString()));
                var location = r.GetProperty("locations")[0].GetProperty("physicalLocation");
                Assert.EndsWith(".cs", location.GetProperty("artifactLocation").GetProperty("uri").GetString(), StringComparison.Ordinal);
                Assert.True(location.GetProperty("region").GetProperty("startLine").GetInt32() > 0);
            }

            var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
                .Where(r => r.GetProperty("id").GetString()!.StartsWith("NN", StringComparison.Ordinal))
                .ToList();
            Assert.NotEmpty(rules);
            foreach (var rule in rules)
            {
                var id = rule.GetProperty("id").GetString();
                Assert.Equal("https://github.com/NnAnalyzers/NnAnalyzers/blob/main/docs/rules/" + id + ".md", rule.GetProperty("helpUri").GetString());
            }
        }
    }
}
