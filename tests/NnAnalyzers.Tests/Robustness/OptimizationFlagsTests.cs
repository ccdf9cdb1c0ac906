using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Xunit;

namespace NnAnalyzers.Tests.Robustness
{
    /// <summary>
    /// The analyzer assembly the tests (and the package) use went through src/NnAnalyzers/OptimizeAtFirstCall.targets:
    /// every method with a body except type initialisers is compiled fully optimised at its first call, and the patch
    /// left the assembly readable (its metadata, its IL bodies) and every type loadable.
    /// </summary>
    public class OptimizationFlagsTests
    {
        private static readonly string AnalyzerPath = typeof(NnAnalyzer).Assembly.Location;

        private static List<(string Name, MethodImplAttributes Flags)> MethodsWithBodies()
        {
            using var stream = File.OpenRead(AnalyzerPath);
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            var methods = new List<(string, MethodImplAttributes)>();
            foreach (var handle in reader.MethodDefinitions)
            {
                var method = reader.GetMethodDefinition(handle);
                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                // Reading every body checks that the patch moved nothing the IL readers rely on.
                Assert.True(pe.GetMethodBody(method.RelativeVirtualAddress).Size > 0);
                var type = reader.GetTypeDefinition(method.GetDeclaringType());
                methods.Add((reader.GetString(type.Name) + "::" + reader.GetString(method.Name), method.ImplAttributes));
            }

            return methods;
        }

        [Fact]
        public void Every_method_but_the_type_initialisers_is_optimised_at_its_first_call()
        {
            var methods = MethodsWithBodies();
            Assert.True(methods.Count > 500, $"only {methods.Count} methods with bodies read from {AnalyzerPath}");
            var unmarked = methods.Where(m => (m.Flags & MethodImplAttributes.AggressiveOptimization) == 0 && !m.Name.EndsWith("::.cctor")).ToList();
            Assert.True(unmarked.Count == 0, "not optimised at the first call: " + string.Join(", ", unmarked.Take(20).Select(m => m.Name)));
            var initialisers = methods.Where(m => m.Name.EndsWith("::.cctor")).ToList();
            Assert.NotEmpty(initialisers);
            Assert.All(initialisers, m => Assert.Equal((MethodImplAttributes)0, m.Flags & MethodImplAttributes.AggressiveOptimization));
        }

        [Fact]
        public void The_patched_assembly_loads_and_its_types_resolve()
        {
            var assembly = typeof(NnAnalyzer).Assembly;
            var types = assembly.GetTypes();
            Assert.Contains(types, t => t.Name == "NN0001AllPositiveWeightInitializationAnalyzer");
            foreach (var type in types)
            {
                foreach (var method in type.GetMethods(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
                {
                    if (method.GetMethodBody() is not null)
                    {
                        Assert.True((method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0, type.FullName + "." + method.Name);
                    }
                }
            }
        }
    }
}
