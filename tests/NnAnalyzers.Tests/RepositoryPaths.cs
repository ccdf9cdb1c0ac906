using System;
using System.IO;

namespace NnAnalyzers.Tests
{
    /// <summary>Locates files of this repository from the test's output folder.</summary>
    public static class RepositoryPaths
    {
        private static readonly Lazy<string> s_root = new Lazy<string>(FindRoot);

        /// <summary>The folder that holds NnAnalyzers.sln.</summary>
        public static string Root => s_root.Value;

        /// <summary>A path under the repository root.</summary>
        public static string Combine(params string[] parts) => Path.Combine(Root, Path.Combine(parts));

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NnAnalyzers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("NnAnalyzers.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
