using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NnAnalyzers.Tests.Verifiers
{
    /// <summary>
    /// Compiles C# sources in memory with <see cref="TestReferences.All"/> and loads the result in a collectible
    /// <see cref="AssemblyLoadContext"/>, so that behavioural tests can run the code a fix produced. Dispose to unload.
    /// References (MathNet, our library) resolve to the copies already loaded by the test process.
    /// </summary>
    public sealed class CompiledCode : IDisposable
    {
        private readonly AssemblyLoadContext _context;

        private CompiledCode(AssemblyLoadContext context, Assembly assembly)
        {
            _context = context;
            Assembly = assembly;
        }

        /// <summary>The loaded assembly.</summary>
        public Assembly Assembly { get; }

        /// <summary>
        /// Compiles <paramref name="sources"/> into a library (optimised, the given C# version) and loads it; throws with
        /// the compiler's errors when it does not compile.
        /// </summary>
        public static CompiledCode Compile(LanguageVersion languageVersion, params string[] sources)
        {
            var parseOptions = new CSharpParseOptions(languageVersion);
            var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: "Source" + i + ".cs")).ToArray();
            var compilation = CSharpCompilation.Create(
                "Compiled_" + Guid.NewGuid().ToString("N"),
                trees,
                TestReferences.All,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true));
            using var stream = new MemoryStream();
            var result = compilation.Emit(stream);
            if (!result.Success)
            {
                var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
                throw new InvalidOperationException("The code does not compile:\n" + string.Join("\n", errors));
            }

            stream.Position = 0;
            var context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
            var assembly = context.LoadFromStream(stream);
            return new CompiledCode(context, assembly);
        }

        /// <summary>Compiles with the latest C# version.</summary>
        public static CompiledCode Compile(params string[] sources) => Compile(LanguageVersion.Latest, sources);

        /// <summary>A type of the compiled code by its full name.</summary>
        public Type GetType(string fullName)
            => Assembly.GetType(fullName, throwOnError: false) ?? throw new InvalidOperationException("no type " + fullName);

        /// <summary>Invokes a static method (public or not) by type and name; the single overload whose arity matches.</summary>
        public object? InvokeStatic(string typeName, string methodName, params object?[] arguments)
        {
            var methods = GetType(typeName)
                .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Where(m => m.Name == methodName && m.GetParameters().Length == arguments.Length)
                .ToList();
            if (methods.Count != 1)
            {
                throw new InvalidOperationException($"{methods.Count} methods {typeName}.{methodName} with {arguments.Length} parameters");
            }

            try
            {
                return methods[0].Invoke(null, arguments);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }

        /// <summary>Invokes a static method and casts its result.</summary>
        public T InvokeStatic<T>(string typeName, string methodName, params object?[] arguments)
            => (T)InvokeStatic(typeName, methodName, arguments)!;

        /// <inheritdoc />
        public void Dispose() => _context.Unload();
    }
}
