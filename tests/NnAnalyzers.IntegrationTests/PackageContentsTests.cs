using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace NnAnalyzers.IntegrationTests
{
    [Collection(PackagesCollection.Name)]
    public class PackageContentsTests
    {
        private readonly PackagesFixture _packages;

        public PackageContentsTests(PackagesFixture packages)
        {
            _packages = packages;
        }

        private static XElement Nuspec(ZipArchive zip)
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", System.StringComparison.Ordinal));
            using var s = entry.Open();
            return XDocument.Load(s).Root!;
        }

        [Fact]
        public void Analyzer_package_holds_analyzers_and_fixes_in_analyzers_dotnet_cs_and_nothing_under_lib()
        {
            Assert.True(_packages.Pack.ExitCode == 0, _packages.Pack.ToString());
            using var zip = ZipFile.OpenRead(_packages.AnalyzersPackage);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("analyzers/dotnet/cs/NnAnalyzers.dll", names);
            Assert.Contains("analyzers/dotnet/cs/NnAnalyzers.CodeFixes.dll", names);
            Assert.DoesNotContain(names, n => n.StartsWith("lib/", System.StringComparison.Ordinal));
            Assert.DoesNotContain(names, n => n.Contains("Microsoft.CodeAnalysis", System.StringComparison.Ordinal));

            var nuspec = Nuspec(zip);
            var ns = nuspec.Name.Namespace;
            var metadata = nuspec.Element(ns + "metadata")!;
            Assert.Equal("NnAnalyzers", metadata.Element(ns + "id")!.Value);
            Assert.Equal("true", metadata.Element(ns + "developmentDependency")!.Value);
            Assert.Empty(metadata.Descendants(ns + "dependency"));
        }

        [Fact]
        public void Network_package_holds_the_library_and_depends_on_MathNet_and_the_analyzers()
        {
            Assert.NotNull(_packages.NetworkPack);
            Assert.True(_packages.NetworkPack!.ExitCode == 0, _packages.NetworkPack.ToString());
            using var zip = ZipFile.OpenRead(_packages.NetworkPackage);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains(names, n => n.StartsWith("lib/", System.StringComparison.Ordinal) && n.EndsWith("/NnAnalyzers.Network.dll", System.StringComparison.Ordinal));
            Assert.DoesNotContain(names, n => n.EndsWith("/NnAnalyzers.dll", System.StringComparison.Ordinal));

            var nuspec = Nuspec(zip);
            var ns = nuspec.Name.Namespace;
            var deps = nuspec.Descendants(ns + "dependency").Select(d => (Id: d.Attribute("id")!.Value, Version: d.Attribute("version")!.Value)).ToList();
            Assert.Contains(deps, d => d.Id == "MathNet.Numerics");
            Assert.Contains(deps, d => d.Id == "NnAnalyzers" && d.Version.Contains(_packages.Version, System.StringComparison.Ordinal));
        }
    }
}
