using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace NnAnalyzers.Tests.Verifiers
{
    /// <summary>
    /// The references every test compilation gets, offline: the SDK's own net10.0 reference assemblies (the
    /// Net90/Net100 reference packs are not served here), MathNet.Numerics and, once it exists, our library.
    /// </summary>
    public static class TestReferences
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> s_all = new Lazy<ImmutableArray<MetadataReference>>(Load);

        /// <summary>An empty reference-assembly set: the DLLs come through <see cref="All"/>.</summary>
        public static ReferenceAssemblies ReferenceAssemblies { get; } = new ReferenceAssemblies("net10.0");

        /// <summary>Framework reference assemblies plus MathNet (and our library when present).</summary>
        public static ImmutableArray<MetadataReference> All => s_all.Value;

        /// <summary>The folder of the newest Microsoft.NETCore.App.Ref pack in the running SDK.</summary>
        public static string FrameworkReferenceFolder()
        {
            var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
            var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
            var packRoot = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
            if (Directory.Exists(packRoot))
            {
                var best = Directory.GetDirectories(packRoot)
                    .Select(d => (Dir: d, Version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
                    .Where(x => x.Version is not null)
                    .OrderByDescending(x => x.Version)
                    .Select(x => x.Dir)
                    .FirstOrDefault();
                if (best is not null)
                {
                    var refDir = Directory.GetDirectories(Path.Combine(best, "ref")).OrderByDescending(d => d, StringComparer.Ordinal).First();
                    return refDir;
                }
            }

            // Fall back to the runtime's implementation assemblies (compiles the same public surface).
            return runtimeDir;
        }

        private static ImmutableArray<MetadataReference> Load()
        {
            var list = new List<MetadataReference>();
            foreach (var dll in Directory.GetFiles(FrameworkReferenceFolder(), "*.dll"))
            {
                if (IsManagedAssembly(dll))
                {
                    list.Add(MetadataReference.CreateFromFile(dll));
                }
            }

            list.Add(MetadataReference.CreateFromFile(typeof(Matrix<double>).Assembly.Location));
            foreach (var extra in ExtraAssemblies())
            {
                list.Add(MetadataReference.CreateFromFile(extra));
            }

            return list.ToImmutableArray();
        }

        /// <summary>Our reference library, when the test project references it (added to every compilation).</summary>
        private static IEnumerable<string> ExtraAssemblies()
        {
            var here = AppContext.BaseDirectory;
            var network = Path.Combine(here, "NnAnalyzers.Network.dll");
            if (File.Exists(network))
            {
                yield return network;
            }
        }

        private static bool IsManagedAssembly(string path)
        {
            try
            {
                System.Reflection.AssemblyName.GetAssemblyName(path);
                return true;
            }
            catch (BadImageFormatException)
            {
                return false;
            }
        }
    }
}
