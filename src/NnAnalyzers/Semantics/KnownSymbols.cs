using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// The types the rules speak about, resolved once per compilation, at the first question.
    /// Any of them may be null when the compilation does not reference the assembly that defines it.
    /// </summary>
    public sealed class KnownSymbols
    {
        private KnownSymbols(Compilation compilation)
        {
            Compilation = compilation;
            _resolved = new System.Lazy<Resolved>(() => new Resolved(compilation), System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
        }

        // Resolved at the first question, not in the compilation-start action: the first type lookup of a compilation
        // binds its references (100 ms and more for net10.0), work the compiler does anyway before any operation
        // callback runs, but charged to whichever analyzer asks first while the build is still starting.
        private readonly System.Lazy<Resolved> _resolved;

        /// <summary>The assembly name of our reference library.</summary>
        public const string NetworkAssembly = "NnAnalyzers.Network";

        private sealed class Resolved
        {
            public readonly INamedTypeSymbol? Random;
            public readonly INamedTypeSymbol? Math;
            public readonly INamedTypeSymbol? MathF;
            public readonly INamedTypeSymbol? Enumerable;
            public readonly INamedTypeSymbol? MatrixOfT;
            public readonly INamedTypeSymbol? VectorOfT;
            public readonly INamedTypeSymbol? MatrixBuilderOfT;
            public readonly INamedTypeSymbol? VectorBuilderOfT;
            public readonly INamedTypeSymbol? ContinuousUniform;
            public readonly INamedTypeSymbol? DiscreteUniform;
            public readonly INamedTypeSymbol? ContinuousDistribution;
            public readonly INamedTypeSymbol? MathNetRandomSource;
            public readonly INamedTypeSymbol? MathNetSpecialFunctions;
            public readonly INamedTypeSymbol? NetworkNamespaceMarker;
            public readonly INamedTypeSymbol? NetworkGradients;

            public Resolved(Compilation compilation)
            {
                // Each type is looked up in the assembly that defines it, not across the compilation: a compilation-wide
                // lookup asks every referenced assembly (about 170 for net10.0) for every name, to detect ambiguities,
                // and in a fresh compiler process that reads their type tables. The compilation-wide lookup remains the
                // fallback for the system types (an unusual reference set), never for MathNet or our library.
                var core = compilation.ObjectType.ContainingAssembly;
                IAssemblySymbol? linq = null, systemCore = null, mathNet = null, network = null;
                foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
                {
                    switch (assembly.Identity.Name)
                    {
                        case "System.Linq":
                            linq = assembly;
                            break;
                        case "System.Core":
                            systemCore = assembly;
                            break;
                        case "MathNet.Numerics":
                            mathNet = assembly;
                            break;
                        case NetworkAssembly:
                            network = assembly;
                            break;
                    }
                }

                INamedTypeSymbol? System(string name, IAssemblySymbol? other = null, IAssemblySymbol? third = null)
                    => core.GetTypeByMetadataName(name) ?? other?.GetTypeByMetadataName(name) ?? third?.GetTypeByMetadataName(name)
                        ?? compilation.GetTypeByMetadataName(name);

                // MathNet and our library: their assembly, or this compilation's source (the library itself, a stand-in).
                INamedTypeSymbol? From(IAssemblySymbol? assembly, string name)
                    => assembly?.GetTypeByMetadataName(name) ?? compilation.Assembly.GetTypeByMetadataName(name);

                Random = System("System.Random");
                Math = System("System.Math");
                MathF = System("System.MathF");
                Enumerable = System("System.Linq.Enumerable", linq, systemCore);
                MatrixOfT = From(mathNet, "MathNet.Numerics.LinearAlgebra.Matrix`1");
                VectorOfT = From(mathNet, "MathNet.Numerics.LinearAlgebra.Vector`1");
                MatrixBuilderOfT = From(mathNet, "MathNet.Numerics.LinearAlgebra.MatrixBuilder`1");
                VectorBuilderOfT = From(mathNet, "MathNet.Numerics.LinearAlgebra.VectorBuilder`1");
                ContinuousUniform = From(mathNet, "MathNet.Numerics.Distributions.ContinuousUniform");
                DiscreteUniform = From(mathNet, "MathNet.Numerics.Distributions.DiscreteUniform");
                ContinuousDistribution = From(mathNet, "MathNet.Numerics.Distributions.IContinuousDistribution");
                MathNetRandomSource = From(mathNet, "MathNet.Numerics.Random.RandomSource");
                MathNetSpecialFunctions = From(mathNet, "MathNet.Numerics.SpecialFunctions");
                NetworkNamespaceMarker = From(network, "NnAnalyzers.Network.DenseLayer");
                NetworkGradients = From(network, "NnAnalyzers.Network.Gradients");
            }
        }

        /// <summary>
        /// True when the compilation references an assembly of this name, read from the references as given (file
        /// names, project references) without binding them.
        /// </summary>
        public static bool References(Compilation compilation, string assemblyName)
        {
            // ExternalReferences, not References: the latter adds #r directive references and so binds every reference
            // first (80–100 ms in a fresh compiler process for net10.0), which this check must not cost.
            foreach (var reference in compilation.ExternalReferences)
            {
                var name = reference is CompilationReference project
                    ? project.Compilation.AssemblyName
                    : reference is PortableExecutableReference file
                        ? System.IO.Path.GetFileNameWithoutExtension(file.FilePath ?? file.Display ?? string.Empty)
                        : null;
                if (string.Equals(name, assemblyName, System.StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The compilation these symbols belong to.</summary>
        public Compilation Compilation { get; }

        /// <summary>System.Random.</summary>
        public INamedTypeSymbol? Random => _resolved.Value.Random;

        /// <summary>System.Math.</summary>
        public INamedTypeSymbol? Math => _resolved.Value.Math;

        /// <summary>System.MathF.</summary>
        public INamedTypeSymbol? MathF => _resolved.Value.MathF;

        /// <summary>
        /// True for <c>System.Math</c>, <c>System.MathF</c> and generic math's owners of the same functions
        /// (<c>double.Exp</c>, <c>T.Log</c> through <c>ILogarithmicFunctions&lt;T&gt;</c>: <see cref="GenericMath.IsFunctionOwner"/>).
        /// </summary>
        public bool IsMathType(INamedTypeSymbol? type)
            => type is not null && (SymbolEqualityComparer.Default.Equals(type, Math) || SymbolEqualityComparer.Default.Equals(type, MathF) || GenericMath.IsFunctionOwner(type));

        /// <summary>System.Linq.Enumerable.</summary>
        public INamedTypeSymbol? Enumerable => _resolved.Value.Enumerable;

        /// <summary>MathNet.Numerics.LinearAlgebra.Matrix&lt;T&gt;.</summary>
        public INamedTypeSymbol? MatrixOfT => _resolved.Value.MatrixOfT;

        /// <summary>MathNet.Numerics.LinearAlgebra.Vector&lt;T&gt;.</summary>
        public INamedTypeSymbol? VectorOfT => _resolved.Value.VectorOfT;

        /// <summary>MathNet.Numerics.LinearAlgebra.MatrixBuilder&lt;T&gt;.</summary>
        public INamedTypeSymbol? MatrixBuilderOfT => _resolved.Value.MatrixBuilderOfT;

        /// <summary>MathNet.Numerics.LinearAlgebra.VectorBuilder&lt;T&gt;.</summary>
        public INamedTypeSymbol? VectorBuilderOfT => _resolved.Value.VectorBuilderOfT;

        /// <summary>MathNet.Numerics.Distributions.ContinuousUniform.</summary>
        public INamedTypeSymbol? ContinuousUniform => _resolved.Value.ContinuousUniform;

        /// <summary>MathNet.Numerics.Distributions.DiscreteUniform.</summary>
        public INamedTypeSymbol? DiscreteUniform => _resolved.Value.DiscreteUniform;

        /// <summary>MathNet.Numerics.Distributions.IContinuousDistribution.</summary>
        public INamedTypeSymbol? ContinuousDistribution => _resolved.Value.ContinuousDistribution;

        /// <summary>MathNet.Numerics.Random.RandomSource (derives from System.Random).</summary>
        public INamedTypeSymbol? MathNetRandomSource => _resolved.Value.MathNetRandomSource;

        /// <summary>MathNet.Numerics.SpecialFunctions.</summary>
        public INamedTypeSymbol? MathNetSpecialFunctions => _resolved.Value.MathNetSpecialFunctions;

        /// <summary>A type of our reference library (present when the compilation references NnAnalyzers.Network).</summary>
        public INamedTypeSymbol? NetworkNamespaceMarker => _resolved.Value.NetworkNamespaceMarker;

        /// <summary>The reference library's gradients type.</summary>
        public INamedTypeSymbol? NetworkGradients => _resolved.Value.NetworkGradients;

        /// <summary>True when MathNet.Numerics' linear algebra is referenced.</summary>
        public bool HasMathNet => MatrixOfT is not null;

        /// <summary>Resolves the symbols of a compilation.</summary>
        public static KnownSymbols Create(Compilation compilation) => new KnownSymbols(compilation);

        /// <summary>True when <paramref name="type"/> is MathNet's Matrix&lt;T&gt; or derives from it.</summary>
        public bool IsMatrix(ITypeSymbol? type) => type is { TypeKind: TypeKind.Class, SpecialType: SpecialType.None } && MatrixOfT is not null && DerivesFromOriginal(type, MatrixOfT);

        /// <summary>True when <paramref name="type"/> is MathNet's Vector&lt;T&gt; or derives from it.</summary>
        public bool IsVector(ITypeSymbol? type) => type is { TypeKind: TypeKind.Class, SpecialType: SpecialType.None } && VectorOfT is not null && DerivesFromOriginal(type, VectorOfT);

        /// <summary>True when <paramref name="type"/> is MathNet's Matrix or Vector (any element type).</summary>
        public bool IsMathNetTensor(ITypeSymbol? type) => IsMatrix(type) || IsVector(type);

        /// <summary>True when <paramref name="type"/> is System.Random or a class that derives from it (MathNet sources included).</summary>
        public bool IsRandom(ITypeSymbol? type) => Random is not null && DerivesFrom(type, Random);

        /// <summary>True when <paramref name="type"/> equals <paramref name="baseType"/> or derives from it.</summary>
        [MethodImpl(SignText.Hot)]
        public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Like <see cref="DerivesFrom"/>, comparing the generic definitions.</summary>
        [MethodImpl(SignText.Hot)]
        public static bool DerivesFromOriginal(ITypeSymbol? type, INamedTypeSymbol genericDefinition)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, genericDefinition))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
