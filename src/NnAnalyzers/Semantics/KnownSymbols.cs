using Microsoft.CodeAnalysis;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// The types the rules speak about, resolved once per compilation (in a compilation-start action).
    /// Any of them may be null when the compilation does not reference the assembly that defines it.
    /// </summary>
    public sealed class KnownSymbols
    {
        private KnownSymbols(Compilation compilation)
        {
            Compilation = compilation;
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

        /// <summary>The compilation these symbols belong to.</summary>
        public Compilation Compilation { get; }

        /// <summary>System.Random.</summary>
        public INamedTypeSymbol? Random { get; }

        /// <summary>System.Math.</summary>
        public INamedTypeSymbol? Math { get; }

        /// <summary>System.MathF.</summary>
        public INamedTypeSymbol? MathF { get; }

        /// <summary>System.Linq.Enumerable.</summary>
        public INamedTypeSymbol? Enumerable { get; }

        /// <summary>MathNet.Numerics.LinearAlgebra.Matrix&lt;T&gt;.</summary>
        public INamedTypeSymbol? MatrixOfT { get; }

        /// <summary>MathNet.Numerics.LinearAlgebra.Vector&lt;T&gt;.</summary>
        public INamedTypeSymbol? VectorOfT { get; }

        /// <summary>MathNet.Numerics.LinearAlgebra.MatrixBuilder&lt;T&gt;.</summary>
        public INamedTypeSymbol? MatrixBuilderOfT { get; }

        /// <summary>MathNet.Numerics.LinearAlgebra.VectorBuilder&lt;T&gt;.</summary>
        public INamedTypeSymbol? VectorBuilderOfT { get; }

        /// <summary>MathNet.Numerics.Distributions.ContinuousUniform.</summary>
        public INamedTypeSymbol? ContinuousUniform { get; }

        /// <summary>MathNet.Numerics.Distributions.DiscreteUniform.</summary>
        public INamedTypeSymbol? DiscreteUniform { get; }

        /// <summary>MathNet.Numerics.Distributions.IContinuousDistribution.</summary>
        public INamedTypeSymbol? ContinuousDistribution { get; }

        /// <summary>MathNet.Numerics.Random.RandomSource (derives from System.Random).</summary>
        public INamedTypeSymbol? MathNetRandomSource { get; }

        /// <summary>MathNet.Numerics.SpecialFunctions.</summary>
        public INamedTypeSymbol? MathNetSpecialFunctions { get; }

        /// <summary>A type of our reference library (present when the compilation references NnAnalyzers.Network).</summary>
        public INamedTypeSymbol? NetworkNamespaceMarker { get; }

        /// <summary>The reference library's gradients type.</summary>
        public INamedTypeSymbol? NetworkGradients { get; }

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
