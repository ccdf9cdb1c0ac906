using System;
using Microsoft.CodeAnalysis;

namespace NnAnalyzers.Semantics
{
    /// <summary>What a non-mutating MathNet operation returns.</summary>
    public enum MathNetResultKind
    {
        /// <summary>Not a non-mutating MathNet operation.</summary>
        None,

        /// <summary>A new matrix.</summary>
        Matrix,

        /// <summary>A new vector.</summary>
        Vector,

        /// <summary>A scalar computed from the receiver.</summary>
        Scalar,
    }

    /// <summary>
    /// Answers "is this a MathNet operation that returns a new object and leaves its receiver unchanged?" — the
    /// <c>Subtract(x)</c>, <c>Add(x)</c>, <c>Multiply(s)</c>, <c>Map(f)</c>, <c>Transpose()</c> family — as opposed to the
    /// overloads that write into a <c>result</c> argument and the <c>…Inplace</c> methods, which mutate. Decided from the
    /// method symbol alone: an instance method of Matrix&lt;T&gt;/Vector&lt;T&gt; (or a derived type) whose return type is a
    /// matrix, a vector or a number, with no <c>result</c>, <c>ref</c> or <c>out</c> parameter and no Inplace suffix.
    /// </summary>
    public sealed class MathNetOperations
    {
        private readonly KnownSymbols _symbols;

        /// <summary>Creates the oracle of one compilation.</summary>
        public MathNetOperations(KnownSymbols symbols)
        {
            _symbols = symbols;
        }

        /// <summary>True when MathNet's linear algebra is referenced (otherwise nothing is a MathNet operation).</summary>
        public bool IsAvailable => _symbols.HasMathNet;

        /// <summary>
        /// A method of MathNet's <c>Matrix&lt;T&gt;.Build</c> / <c>Vector&lt;T&gt;.Build</c> (Dense, Random, DenseOfArray…): it
        /// returns a new tensor, backed by an array argument only in the overloads that take one as storage.
        /// </summary>
        public bool IsBuilderMethod(IMethodSymbol? method)
        {
            var type = method?.ContainingType;
            return type is not null && !method!.IsStatic
                && ((_symbols.MatrixBuilderOfT is not null && KnownSymbols.DerivesFromOriginal(type, _symbols.MatrixBuilderOfT))
                    || (_symbols.VectorBuilderOfT is not null && KnownSymbols.DerivesFromOriginal(type, _symbols.VectorBuilderOfT)));
        }

        /// <summary>What <paramref name="method"/> returns when it is a non-mutating MathNet operation; None otherwise.</summary>
        public MathNetResultKind ReturnsNewObject(IMethodSymbol? method)
        {
            if (method is null || method.IsStatic || method.ReturnsVoid || method.ReturnsByRef || method.ReturnsByRefReadonly
                || method.MethodKind != MethodKind.Ordinary || method.IsExtensionMethod)
            {
                return MathNetResultKind.None;
            }

            if (!_symbols.IsMathNetTensor(method.ContainingType)
                || method.Name.EndsWith("Inplace", StringComparison.Ordinal)
                || method.Name.EndsWith("InPlace", StringComparison.Ordinal))
            {
                return MathNetResultKind.None;
            }

            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None || parameter.Name == "result")
                {
                    return MathNetResultKind.None;
                }
            }

            // Object members (Equals, GetHashCode, ToString) and interface plumbing are not linear algebra.
            for (var overridden = method; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (overridden.ContainingType.SpecialType == SpecialType.System_Object)
                {
                    return MathNetResultKind.None;
                }
            }

            var returnType = method.ReturnType;
            if (_symbols.IsMatrix(returnType))
            {
                return MathNetResultKind.Matrix;
            }

            if (_symbols.IsVector(returnType))
            {
                return MathNetResultKind.Vector;
            }

            return IsNumber(returnType, ElementType(method.ContainingType)) ? MathNetResultKind.Scalar : MathNetResultKind.None;
        }

        /// <summary>
        /// The overload of <paramref name="method"/> that writes its result into a <c>result</c> argument (same name, the
        /// same parameters plus one named <c>result</c>, returning void) when the receiver can hold the result, or null.
        /// Only shape-preserving (element-wise) operations qualify: writing a product or a transpose into the receiver
        /// would need another shape.
        /// </summary>
        public IMethodSymbol? FindInPlaceOverload(IMethodSymbol method, ITypeSymbol receiverType)
        {
            if (ReturnsNewObject(method) is not (MathNetResultKind.Matrix or MathNetResultKind.Vector) || !IsElementWise(method)
                || method.ReturnType is not INamedTypeSymbol returned || !KnownSymbols.DerivesFrom(receiverType, returned))
            {
                // The receiver must be able to hold the result: a Map to another element type cannot write into it.
                return null;
            }

            var definition = method;
            var declaring = method.ContainingType;
            for (var type = declaring; type is not null; type = type.BaseType)
            {
                foreach (var member in type.GetMembers(method.Name))
                {
                    if (member is not IMethodSymbol candidate || candidate.IsStatic || !candidate.ReturnsVoid
                        || candidate.DeclaredAccessibility != Accessibility.Public)
                    {
                        continue;
                    }

                    if (Matches(definition, candidate))
                    {
                        return candidate;
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// True when the operation keeps the receiver's shape: element-wise arithmetic (Add, Subtract, Negate, Map,
        /// Pointwise…, Conjugate, Modulus, Remainder) and scaling by a scalar (Multiply/Divide with a number).
        /// </summary>
        public bool IsElementWise(IMethodSymbol method)
        {
            var name = method.Name;
            if (name.StartsWith("Pointwise", StringComparison.Ordinal))
            {
                return true;
            }

            switch (name)
            {
                case "Add":
                case "Subtract":
                case "SubtractFrom":
                case "Negate":
                case "Conjugate":
                case "Map":
                case "Modulus":
                case "ModulusByThis":
                case "Remainder":
                case "RemainderByThis":
                case "DivideByThis":
                    return true;
                case "Multiply":
                case "Divide":
                    return method.Parameters.Length == 1
                        && IsNumber(method.Parameters[0].Type, ElementType(method.ContainingType));
                default:
                    return false;
            }
        }

        private static bool Matches(IMethodSymbol definition, IMethodSymbol candidate)
        {
            // The candidate's parameters, without 'result', pair with the operation's parameters one to one.
            var resultIndex = ResultParameterIndex(candidate);
            if (resultIndex < 0 || candidate.Parameters.Length != definition.Parameters.Length + 1)
            {
                return false;
            }

            for (int i = 0, j = 0; i < definition.Parameters.Length; i++, j++)
            {
                if (j == resultIndex)
                {
                    j++;
                }

                if (!SameShape(definition.Parameters[i].Type, candidate.Parameters[j].Type)
                    || definition.Parameters[i].RefKind != RefKind.None || candidate.Parameters[j].RefKind != RefKind.None)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The position of the parameter named <c>result</c>, or -1.</summary>
        public static int ResultParameterIndex(IMethodSymbol method)
        {
            for (var i = 0; i < method.Parameters.Length; i++)
            {
                if (method.Parameters[i].Name == "result")
                {
                    return i;
                }
            }

            return -1;
        }

        private static bool SameShape(ITypeSymbol a, ITypeSymbol b)
        {
            if (SymbolEqualityComparer.Default.Equals(a, b))
            {
                return true;
            }

            return a is INamedTypeSymbol na && b is INamedTypeSymbol nb
                && SymbolEqualityComparer.Default.Equals(na.OriginalDefinition, nb.OriginalDefinition);
        }

        private ITypeSymbol? ElementType(INamedTypeSymbol? tensorType)
        {
            for (var t = tensorType; t is not null; t = t.BaseType)
            {
                var original = t.OriginalDefinition;
                if ((SymbolEqualityComparer.Default.Equals(original, _symbols.MatrixOfT) || SymbolEqualityComparer.Default.Equals(original, _symbols.VectorOfT))
                    && t.TypeArguments.Length == 1)
                {
                    return t.TypeArguments[0];
                }
            }

            return null;
        }

        private static bool IsNumber(ITypeSymbol? type, ITypeSymbol? elementType)
        {
            if (type is null)
            {
                return false;
            }

            if (elementType is not null && SymbolEqualityComparer.Default.Equals(type, elementType))
            {
                return true;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Double:
                case SpecialType.System_Single:
                case SpecialType.System_Decimal:
                case SpecialType.System_Int32:
                case SpecialType.System_Int64:
                    return true;
                default:
                    return type.Name == "Complex" && Namespaces.Is(type.ContainingNamespace, "System.Numerics")
                        || type.Name == "Complex32" && Namespaces.Is(type.ContainingNamespace, "MathNet.Numerics");
            }
        }
    }
}
