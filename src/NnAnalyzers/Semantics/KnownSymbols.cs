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
                Random = compilation.GetTypeByMetadataName("System.Random");
                Math = compilation.GetTypeByMetadataName("System.Math");
                MathF = compilation.GetTypeByMetadataName("System.MathF");
                Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
                MatrixOfT = compilation.GetTypeByMetadataName("MathNet.Numerics.LinearAlgebra.Matrix`1");
                VectorOfT = compilation.GetTypeByMetadataName("MathNet.Numerics.LinearAlgebra.Vector`1");
                MatrixBuilderOfT = compilation.GetTypeByMetadataName("MathNet.Numerics.LinearAlgebra.MatrixBuilder`1");
                VectorBuilderOfT = compilation.GetTypeByMetadataName("MathNet.Numerics.LinearAlgebra.VectorBuilder`1");
                ContinuousUniform = compilation.GetTypeByMetadataName("MathNet.Numerics.Distributions.ContinuousUniform");
                DiscreteUniform = compilation.GetTypeByMetadataName("MathNet.Numerics.Distributions.DiscreteUniform");
                ContinuousDistribution = compilation.GetTypeByMetadataName("MathNet.Numerics.Distributions.IContinuousDistribution");
                MathNetRandomSource = compilation.GetTypeByMetadataName("MathNet.Numerics.Random.RandomSource");
                MathNetSpecialFunctions = compilation.GetTypeByMetadataName("MathNet.Numerics.SpecialFunctions");
                NetworkNamespaceMarker = compilation.GetTypeByMetadataName("NnAnalyzers.Network.DenseLayer");
                NetworkGradients = compilation.GetTypeByMetadataName("NnAnalyzers.Network.Gradients");
            }
        }

        /// <summary>
        /// True when the compilation references an assembly of this name, read from the references as given (file
        /// names, project references) without binding them.
        /// </summary>
        public static bool References(Compilation compilation, string assemblyName)
        {
            foreach (var reference in compilation.References)
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
        public bool IsMatrix(ITypeSymbol? type) => MatrixOfT is not null && DerivesFromOriginal(type, MatrixOfT);

        /// <summary>True when <paramref name="type"/> is MathNet's Vector&lt;T&gt; or derives from it.</summary>
        public bool IsVector(ITypeSymbol? type) => VectorOfT is not null && DerivesFromOriginal(type, VectorOfT);

        /// <summary>True when <paramref name="type"/> is MathNet's Matrix or Vector (any element type).</summary>
        public bool IsMathNetTensor(ITypeSymbol? type) => IsMatrix(type) || IsVector(type);

        /// <summary>True when <paramref name="type"/> is System.Random or a class that derives from it (MathNet sources included).</summary>
        public bool IsRandom(ITypeSymbol? type) => Random is not null && DerivesFrom(type, Random);

        /// <summary>True when <paramref name="type"/> equals <paramref name="baseType"/> or derives from it.</summary>
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
