using System;
using System.IO;
using System.Linq;
using Xunit;

namespace NnAnalyzers.IntegrationTests
{
    /// <summary>
    /// Packs NnAnalyzers and NnAnalyzers.Network once per test run into a fresh local feed, with a version unique to
    /// the run (so the NuGet cache never serves an older build of the same version).
    /// </summary>
    public sealed class PackagesFixture
    {
        public PackagesFixture()
        {
            Version = "0.1.0-it." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;
            Feed = DotnetCli.TempFolder("feed");
            Pack = DotnetCli.Dotnet(Repo.Root, "pack", Repo.Path("src", "NnAnalyzers.Package", "NnAnalyzers.Package.csproj"),
                "-c", "Release", "-o", Feed, "-p:Version=" + Version);
            if (File.Exists(Repo.Path("src", "NnAnalyzers.Network", "NnAnalyzers.Network.csproj")))
            {
                NetworkPack = DotnetCli.Dotnet(Repo.Root, "pack", Repo.Path("src", "NnAnalyzers.Network", "NnAnalyzers.Network.csproj"),
                    "-c", "Release", "-o", Feed, "-p:Version=" + Version);
            }
        }

        public string Version { get; }

        public string Feed { get; }

        public ProcessResult Pack { get; }

        public ProcessResult? NetworkPack { get; }

        public string AnalyzersPackage => Path.Combine(Feed, "NnAnalyzers." + Version + ".nupkg");

        public string NetworkPackage => Path.Combine(Feed, "NnAnalyzers.Network." + Version + ".nupkg");

        /// <summary>Writes a nuget.config that adds the local feed to the default sources.</summary>
        public void WriteNuGetConfig(string folder)
        {
            File.WriteAllText(Path.Combine(folder, "nuget.config"),
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n" +
                "    <add key=\"nnanalyzers-local\" value=\"" + Feed + "\" />\n  </packageSources>\n</configuration>\n");
        }
    }

    [CollectionDefinition(Name)]
    public sealed class PackagesCollection : ICollectionFixture<PackagesFixture>
    {
        public const string Name = "packages";
    }
}
