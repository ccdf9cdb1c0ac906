using System.Collections.Immutable;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>The shape of a collection of numbers as the rules see it.</summary>
    public enum CollectionShape
    {
        /// <summary>Not recognised.</summary>
        Unknown,

        /// <summary>A one-dimensional array (<c>double[]</c>, <c>float[]</c>).</summary>
        Array,

        /// <summary>A rectangular two-dimensional array (<c>double[,]</c>).</summary>
        Array2D,

        /// <summary>A jagged array (<c>double[][]</c>).</summary>
        Jagged,

        /// <summary>Any other sequence (<c>IEnumerable&lt;double&gt;</c>, <c>List&lt;double&gt;</c>…).</summary>
        Sequence,

        /// <summary>MathNet's <c>Vector&lt;T&gt;</c>.</summary>
        Vector,

        /// <summary>MathNet's <c>Matrix&lt;T&gt;</c>.</summary>
        Matrix,
    }

    /// <summary>One element of a collection: <c>x[i]</c>, <c>x[i, j]</c>, <c>x[i][j]</c>, a foreach variable, a lambda parameter.</summary>
    public sealed class CollectionElement
    {
        internal CollectionElement(IOperation element, IOperation collection, IReadOnlyList<IOperation> indices)
        {
            Element = element;
            Collection = collection;
            Indices = indices;
        }

        /// <summary>The element expression.</summary>
        public IOperation Element { get; }

        /// <summary>The outermost collection the element is read from (for <c>x[i][j]</c>, <c>x</c>).</summary>
        public IOperation Collection { get; }

        /// <summary>The indices, outermost first (empty for foreach and lambda elements).</summary>
        public IReadOnlyList<IOperation> Indices { get; }
    }

    /// <summary>
    /// Answers "which collection does this value come from?": elements of arrays (1-D, 2-D, jagged), MathNet vectors
    /// and matrices, foreach variables and the element parameter of LINQ / MathNet callbacks (<c>Select</c>,
    /// <c>Map</c>, <c>MapIndexed</c>, <c>Sum</c>, <c>Max</c>…), and the storage symbol a collection expression is rooted in.
    /// </summary>
    public static class Collections
    {
        private static readonly HashSet<string> s_viewMethods = new HashSet<string>(System.StringComparer.Ordinal)
        {
            "Column", "Row", "Enumerate", "EnumerateColumns", "EnumerateRows", "Cast", "AsEnumerable", "ToArray",
            "ToList", "ToColumnMajorArray", "ToRowMajorArray", "AsArray", "SelectMany", "Clone", "ToColumnArrays",
            "ToRowArrays", "AsSpan", "AsMemory",
        };

        /// <summary>Removes conversions and parentheses.</summary>
        public static IOperation Strip(IOperation operation)
        {
            var op = operation;
            while (true)
            {
                switch (op)
                {
                    case IConversionOperation conversion:
                        op = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        op = parenthesized.Operand;
                        continue;
                    default:
                        return op;
                }
            }
        }

        /// <summary>The receiver of an instance or extension-method call (<c>x</c> in <c>x.Max()</c>), or null.</summary>
        public static IOperation? Receiver(IInvocationOperation invocation)
        {
            if (invocation.Instance is not null)
            {
                return invocation.Instance;
            }

            if (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0)
            {
                return invocation.Arguments[0].Value;
            }

            return null;
        }

        /// <summary>The arguments of a call that follow the receiver of an extension method.</summary>
        public static ArgumentsAfter ArgumentsAfterReceiver(IInvocationOperation invocation)
            => new ArgumentsAfter(invocation.Arguments, invocation.Instance is null && invocation.TargetMethod.IsExtensionMethod ? 1 : 0);

        /// <summary>A call's arguments from one index on, enumerated without allocating (asked for every call a rule reads).</summary>
        public readonly struct ArgumentsAfter
        {
            private readonly ImmutableArray<IArgumentOperation> _arguments;
            private readonly int _skip;

            /// <summary>The arguments from index <paramref name="skip"/> on.</summary>
            public ArgumentsAfter(ImmutableArray<IArgumentOperation> arguments, int skip)
            {
                _arguments = arguments;
                _skip = skip;
            }

            /// <summary>The enumerator <c>foreach</c> uses.</summary>
            public Enumerator GetEnumerator() => new Enumerator(_arguments, _skip);

            /// <summary>Enumerates the arguments from the skipped index on.</summary>
            public struct Enumerator
            {
                private readonly ImmutableArray<IArgumentOperation> _arguments;
                private int _index;

                /// <summary>Starts before the argument at <paramref name="skip"/>.</summary>
                public Enumerator(ImmutableArray<IArgumentOperation> arguments, int skip)
                {
                    _arguments = arguments;
                    _index = skip - 1;
                }

                /// <summary>The current argument.</summary>
                public IArgumentOperation Current => _arguments[_index];

                /// <summary>Moves to the next argument.</summary>
                public bool MoveNext() => ++_index < _arguments.Length;
            }
        }

        /// <summary>Recognises an element of a collection.</summary>
        public static CollectionElement? GetElement(IOperation? operation)
        {
            if (operation is null)
            {
                return null;
            }

            var op = Strip(operation);
            switch (op)
            {
                case IArrayElementReferenceOperation arrayElement:
                    {
                        var indices = new List<IOperation>();
                        IOperation collection = arrayElement;
                        while (Strip(collection) is IArrayElementReferenceOperation inner)
                        {
                            indices.InsertRange(0, inner.Indices);
                            collection = inner.ArrayReference;
                        }

                        return new CollectionElement(op, Strip(collection), indices);
                    }

                case IPropertyReferenceOperation { Property: { IsIndexer: true }, Instance: { } instance } indexer
                    when IsNumber(indexer.Type):
                    {
                        var indices = new List<IOperation>();
                        foreach (var argument in indexer.Arguments)
                        {
                            indices.Add(argument.Value);
                        }

                        return new CollectionElement(op, Strip(instance), indices);
                    }

                case ILocalReferenceOperation local:
                    {
                        var loop = FindForEach(local);
                        return loop is null ? null : new CollectionElement(op, Strip(loop.Collection), System.Array.Empty<IOperation>());
                    }

                case IParameterReferenceOperation parameter:
                    {
                        var source = LambdaSource(parameter, out var isElement);
                        return source is null || !isElement ? null : new CollectionElement(op, Strip(source), System.Array.Empty<IOperation>());
                    }

                default:
                    return null;
            }
        }

        /// <summary>
        /// The storage symbol a collection (or element) expression is rooted in: <c>x</c> for <c>x</c>, <c>x[i]</c>,
        /// <c>x[i][j]</c>, <c>x.Column(j)</c>, <c>x.Enumerate()</c>, a foreach variable over <c>x</c>, the parameter of
        /// <c>x.Select(v => …)</c>. Null when the expression is not rooted in a named storage.
        /// </summary>
        public static ISymbol? Root(IOperation? operation)
        {
            for (var depth = 0; operation is not null && depth < 16; depth++)
            {
                var op = Strip(operation);
                switch (op)
                {
                    case IArrayElementReferenceOperation arrayElement:
                        operation = arrayElement.ArrayReference;
                        continue;
                    case IPropertyReferenceOperation { Property: { IsIndexer: true } } indexer:
                        operation = indexer.Instance;
                        continue;
                    case IPropertyReferenceOperation property:
                        return property.Property;
                    case IFieldReferenceOperation field:
                        return field.Field;
                    case ILocalReferenceOperation local:
                        {
                            var loop = FindForEach(local);
                            if (loop is not null)
                            {
                                operation = loop.Collection;
                                continue;
                            }

                            return local.Local;
                        }

                    case IParameterReferenceOperation parameter:
                        {
                            var source = LambdaSource(parameter, out _);
                            if (source is not null)
                            {
                                operation = source;
                                continue;
                            }

                            return parameter.Parameter;
                        }

                    case IInvocationOperation invocation when s_viewMethods.Contains(invocation.TargetMethod.Name):
                        operation = Receiver(invocation);
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>True when both expressions denote the same collection (same root symbol, or the same text when unrooted).</summary>
        public static bool SameCollection(IOperation a, IOperation b)
        {
            var rootA = Root(a);
            var rootB = Root(b);
            if (rootA is not null || rootB is not null)
            {
                return SymbolEqualityComparer.Default.Equals(rootA, rootB);
            }

            return Strip(a).Syntax.IsEquivalentTo(Strip(b).Syntax, topLevel: false);
        }

        /// <summary>The shape of a collection expression, from its type.</summary>
        public static CollectionShape ShapeOf(ITypeSymbol? type, KnownSymbols symbols)
        {
            switch (type)
            {
                case null:
                    return CollectionShape.Unknown;
                case IArrayTypeSymbol array when array.Rank == 2:
                    return CollectionShape.Array2D;
                case IArrayTypeSymbol array when array.ElementType is IArrayTypeSymbol:
                    return CollectionShape.Jagged;
                case IArrayTypeSymbol _:
                    return CollectionShape.Array;
            }

            if (symbols.IsVector(type))
            {
                return CollectionShape.Vector;
            }

            if (symbols.IsMatrix(type))
            {
                return CollectionShape.Matrix;
            }

            foreach (var i in type.AllInterfaces)
            {
                if (i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
                {
                    return CollectionShape.Sequence;
                }
            }

            return type.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T
                ? CollectionShape.Sequence
                : CollectionShape.Unknown;
        }

        /// <summary>The element type of a collection type (double for <c>double[,]</c>, <c>Vector&lt;double&gt;</c>, <c>IEnumerable&lt;double&gt;</c>).</summary>
        public static ITypeSymbol? ElementTypeOf(ITypeSymbol? type)
        {
            switch (type)
            {
                case IArrayTypeSymbol array:
                    return array.ElementType is IArrayTypeSymbol inner ? inner.ElementType : array.ElementType;
                case INamedTypeSymbol named when named.IsGenericType && named.TypeArguments.Length == 1:
                    return named.TypeArguments[0];
            }

            if (type is not null)
            {
                foreach (var i in type.AllInterfaces)
                {
                    if (i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
                    {
                        return i.TypeArguments[0];
                    }
                }
            }

            return null;
        }

        /// <summary>True for double and float.</summary>
        public static bool IsNumber(ITypeSymbol? type)
            => type is not null && (type.SpecialType == SpecialType.System_Double || type.SpecialType == SpecialType.System_Single || GenericMath.IsNumberTypeParameter(type));

        /// <summary>The foreach loop that declares <paramref name="local"/> as its iteration variable, or null.</summary>
        public static IForEachLoopOperation? FindForEach(ILocalReferenceOperation local)
        {
            for (var p = local.Parent; p is not null; p = p.Parent)
            {
                if (p is IForEachLoopOperation loop)
                {
                    foreach (var declared in loop.Locals)
                    {
                        if (SymbolEqualityComparer.Default.Equals(declared, local.Local))
                        {
                            return loop;
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// For a parameter of a lambda passed to a collection method (<c>x.Select(v => …)</c>, <c>m.MapIndexed((i, j, v) => …)</c>),
        /// the collection (<c>x</c>, <c>m</c>); <paramref name="isElement"/> tells whether the parameter is the element
        /// (not an index or an accumulator).
        /// </summary>
        public static IOperation? LambdaSource(IParameterReferenceOperation parameter, out bool isElement)
        {
            isElement = false;
            if (!(parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambdaSymbol))
            {
                return null;
            }

            for (var p = parameter.Parent; p is not null; p = p.Parent)
            {
                if (p is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(lambda.Symbol, lambdaSymbol))
                {
                    var call = CallTakingLambda(lambda);
                    if (call is null)
                    {
                        return null;
                    }

                    var receiver = Receiver(call);
                    if (receiver is null)
                    {
                        return null;
                    }

                    var index = parameter.Parameter.Ordinal;
                    var name = call.TargetMethod.Name;
                    var elementIndex = name.StartsWith("MapIndexed", System.StringComparison.Ordinal) ? lambdaSymbol.Parameters.Length - 1
                        : name.StartsWith("Fold", System.StringComparison.Ordinal) || name == "Aggregate" ? 1
                        : 0;
                    isElement = index == elementIndex;
                    return receiver;
                }
            }

            return null;
        }

        /// <summary>The call a lambda is passed to (through its delegate creation and argument), or null.</summary>
        public static IInvocationOperation? CallTakingLambda(IAnonymousFunctionOperation lambda)
        {
            IOperation? p = lambda.Parent;
            while (p is IDelegateCreationOperation || p is IConversionOperation)
            {
                p = p.Parent;
            }

            return p is IArgumentOperation { Parent: IInvocationOperation call } ? call : null;
        }

        /// <summary>The single value a lambda returns (expression body or a block with one return), or null.</summary>
        public static IOperation? ReturnedValue(IAnonymousFunctionOperation lambda)
        {
            IOperation? result = null;
            foreach (var op in lambda.Body.Operations)
            {
                if (op is IReturnOperation ret)
                {
                    if (result is not null)
                    {
                        return null;
                    }

                    result = ret.ReturnedValue;
                }
            }

            return result;
        }

        /// <summary>The lambda passed as an argument (through delegate creation and conversions), or null.</summary>
        public static IAnonymousFunctionOperation? LambdaArgument(IOperation? value)
        {
            var op = value;
            while (op is IDelegateCreationOperation || op is IConversionOperation)
            {
                op = op is IDelegateCreationOperation d ? d.Target : ((IConversionOperation)op).Operand;
            }

            return op as IAnonymousFunctionOperation;
        }

        /// <summary>The method passed as a method group (<c>Select(Math.Exp)</c>), or null.</summary>
        public static IMethodReferenceOperation? MethodGroupArgument(IOperation? value)
        {
            var op = value;
            while (op is IDelegateCreationOperation || op is IConversionOperation)
            {
                op = op is IDelegateCreationOperation d ? d.Target : ((IConversionOperation)op).Operand;
            }

            return op as IMethodReferenceOperation;
        }

        /// <summary>The root of the operation tree that holds <paramref name="operation"/> (the member's body).</summary>
        public static IOperation BodyOf(IOperation operation)
        {
            var op = operation;
            while (op.Parent is not null)
            {
                op = op.Parent;
            }

            return op;
        }
    }
}
