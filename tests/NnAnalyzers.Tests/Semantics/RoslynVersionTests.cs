using Microsoft.CodeAnalysis;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    /// <summary>Proves which compiler each test project runs the analyzers on (4.8 here, 5.9 in the Roslyn5 project).</summary>
    public class RoslynVersionTests
    {
        [Fact]
        public void Tests_run_on_the_intended_roslyn()
        {
            var version = typeof(Compilation).Assembly.GetName().Version!;
#if ROSLYN5
            Assert.Equal(5, version.Major);
            Assert.Equal(9, version.Minor);
#else
            Assert.Equal(4, version.Major);
            Assert.Equal(8, version.Minor);
#endif
            // The analyzers themselves are always compiled against 4.8.
            var referenced = typeof(NnAnalyzer).Assembly.GetReferencedAssemblies();
            Assert.Contains(referenced, a => a.Name == "Microsoft.CodeAnalysis" && a.Version!.Major == 4 && a.Version.Minor == 8);
        }
    }
}
