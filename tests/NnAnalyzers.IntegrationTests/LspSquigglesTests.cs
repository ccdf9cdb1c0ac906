using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace NnAnalyzers.IntegrationTests
{
    /// <summary>
    /// Squiggles in a real editor client: csharp-ls 0.28.0 (installed as a local dotnet tool) over stdio, on a small
    /// solution that references our analyzer package; the client answers workspace/configuration with analyzers
    /// enabled, opens a file with the four bugs and must receive NN0001–NN0004 at the marked ranges.
    /// </summary>
    [Collection(PackagesCollection.Name)]
    public class LspSquigglesTests
    {
        // Each expected diagnostic is marked /*<NN000x>*/ … /*</NN000x>*/ around its exact range.
        public const string MarkedSource = @"using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Squiggles
{
    public sealed class TinyNetwork
    {
        private Matrix<double> _weights;

        public TinyNetwork(int inputs, int units, Random rng)
        {
            _weights = Matrix<double>.Build.Dense(units, inputs);
            for (var i = 0; i < units; i++)
            {
                for (var j = 0; j < inputs; j++)
                {
                    _weights[i, j] = /*<NN0001>*/rng.NextDouble()/*</NN0001>*/;
                }
            }
        }

        public static double[] Softmax(double[] logits)
        {
            var exps = logits.Select(v => /*<NN0002>*/Math.Exp(v)/*</NN0002>*/).ToArray();
            var total = exps.Sum();
            return exps.Select(e => e / total).ToArray();
        }

        public Matrix<double> Forward(Matrix<double> x)
        {
            var z = _weights * x;
            var e = z.Map(v => Math.Exp(v - z.Enumerate().Max()));
            return e / /*<NN0003>*/e.Enumerate().Sum()/*</NN0003>*/;
        }

        public void Step(Matrix<double> gradW, double learningRate)
        {
            /*<NN0004>*/_weights.Subtract(gradW.Multiply(learningRate))/*</NN0004>*/;
        }
    }
}
";

        private readonly PackagesFixture _packages;
        private readonly ITestOutputHelper _output;

        public LspSquigglesTests(PackagesFixture packages, ITestOutputHelper output)
        {
            _packages = packages;
            _output = output;
        }

        /// <summary>Expected (id, start line, start char, end line, end char) from the markers, in the marker-bearing text.</summary>
        public static List<(string Id, int L1, int C1, int L2, int C2)> ExpectedRanges(string text)
        {
            var result = new List<(string, int, int, int, int)>();
            foreach (Match open in Regex.Matches(text, @"/\*<(NN\d{4})>\*/"))
            {
                var id = open.Groups[1].Value;
                var start = open.Index + open.Length;
                var end = text.IndexOf("/*</" + id + ">*/", start, StringComparison.Ordinal);
                var (l1, c1) = Position(text, start);
                var (l2, c2) = Position(text, end);
                result.Add((id, l1, c1, l2, c2));
            }

            return result;
        }

        private static (int Line, int Character) Position(string text, int offset)
        {
            var line = 0;
            var lineStart = 0;
            for (var i = 0; i < offset; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            return (line, offset - lineStart);
        }

        [Fact]
        public void Csharp_ls_publishes_NN0001_to_NN0004_at_the_marked_ranges()
        {
            Assert.True(_packages.Pack.ExitCode == 0, _packages.Pack.ToString());
            var dir = DotnetCli.TempFolder("lsp");
            var tools = Path.Combine(dir, ".tools");
            var install = DotnetCli.Dotnet(dir, "tool", "install", "--tool-path", tools, "csharp-ls", "--version", "0.28.0");
            Assert.True(install.ExitCode == 0, install.ToString());

            var project = Path.Combine(dir, "Squiggles");
            Directory.CreateDirectory(project);
            _packages.WriteNuGetConfig(dir);
            File.WriteAllText(Path.Combine(project, "Squiggles.csproj"),
$@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>disable</Nullable>
    <NoWarn>$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include=""NnAnalyzers"" Version=""{_packages.Version}"" PrivateAssets=""all"" />
    <PackageReference Include=""MathNet.Numerics"" Version=""5.0.0"" />
  </ItemGroup>
</Project>
");
            var file = Path.Combine(project, "TinyNetwork.cs");
            File.WriteAllText(file, MarkedSource);
            Assert.Equal(0, DotnetCli.Dotnet(dir, "new", "sln", "-n", "Squiggles", "--format", "sln").ExitCode);
            Assert.Equal(0, DotnetCli.Dotnet(dir, "sln", "Squiggles.sln", "add", Path.Combine("Squiggles", "Squiggles.csproj")).ExitCode);
            var restore = DotnetCli.Dotnet(dir, "restore", "Squiggles.sln");
            Assert.True(restore.ExitCode == 0, restore.ToString());

            var configurationRequests = 0;
            using var client = new LspClient(Path.Combine(tools, "csharp-ls"), dir, new[] { "--solution", "Squiggles.sln" }, (method, parameters) =>
            {
                if (method == "workspace/configuration")
                {
                    configurationRequests++;
                    var items = parameters?["items"]?.AsArray() ?? new JsonArray();
                    var answer = new JsonArray();
                    foreach (var _ in items)
                    {
                        answer.Add(new JsonObject { ["analyzersEnabled"] = true });
                    }

                    return answer;
                }

                return null;
            });

            var rootUri = new Uri(dir + Path.DirectorySeparatorChar).AbsoluteUri;
            var fileUri = new Uri(file).AbsoluteUri;
            var init = client.Request("initialize", new JsonObject
            {
                ["processId"] = Environment.ProcessId,
                ["rootUri"] = rootUri,
                ["capabilities"] = new JsonObject
                {
                    ["workspace"] = new JsonObject { ["configuration"] = true },
                    ["textDocument"] = new JsonObject { ["publishDiagnostics"] = new JsonObject { ["relatedInformation"] = false } },
                },
                ["workspaceFolders"] = new JsonArray { new JsonObject { ["uri"] = rootUri, ["name"] = "Squiggles" } },
            }, TimeSpan.FromMinutes(2));
            Assert.NotNull(init);
            client.Notify("initialized", new JsonObject());
            client.Notify("textDocument/didOpen", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = fileUri, ["languageId"] = "csharp", ["version"] = 1, ["text"] = MarkedSource },
            });

            var expected = ExpectedRanges(MarkedSource);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            List<(string Id, int L1, int C1, int L2, int C2)> got = new();
            while (DateTime.UtcNow < deadline)
            {
                if (!client.Notifications.TryTake(out var note, TimeSpan.FromSeconds(5)))
                {
                    continue;
                }

                if (note.Method != "textDocument/publishDiagnostics" || note.Params?["uri"]?.GetValue<string>() != fileUri)
                {
                    continue;
                }

                got = note.Params!["diagnostics"]!.AsArray()
                    .Select(d => d!)
                    .Where(d => (d["code"]?.ToString() ?? string.Empty).StartsWith("NN", StringComparison.Ordinal))
                    .Select(d => (d["code"]!.ToString(),
                        d["range"]!["start"]!["line"]!.GetValue<int>(), d["range"]!["start"]!["character"]!.GetValue<int>(),
                        d["range"]!["end"]!["line"]!.GetValue<int>(), d["range"]!["end"]!["character"]!.GetValue<int>()))
                    .OrderBy(x => x.Item1, StringComparer.Ordinal)
                    .ToList();
                if (expected.All(e => got.Contains(e)))
                {
                    break;
                }
            }

            _output.WriteLine($"workspace/configuration answered {configurationRequests}×; received: " + string.Join("; ", got.Select(g => $"{g.Id} {g.L1 + 1}:{g.C1 + 1}-{g.L2 + 1}:{g.C2 + 1}")));
            Assert.True(configurationRequests > 0, "the server never asked for its configuration");
            foreach (var e in expected)
            {
                Assert.True(got.Contains(e), $"missing {e.Id} at {e.L1 + 1}:{e.C1 + 1}-{e.L2 + 1}:{e.C2 + 1}; received: " + string.Join("; ", got) + "\n" + client.StandardError);
            }

            Assert.Equal(expected.Count, got.Count);
        }
    }
}
