using System.Collections.Generic;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>What a piece of storage is to a network.</summary>
    public enum ParameterKind
    {
        /// <summary>Not a network parameter.</summary>
        None,

        /// <summary>A weight (matrix, kernel, synapse).</summary>
        Weight,

        /// <summary>A bias.</summary>
        Bias,
    }

    /// <summary>
    /// Answers "is this storage a weight or a bias of a network?". A field, property, local or parameter is a network
    /// parameter when it belongs to our library's parameter types, or when its name says weight/bias (weights, bias,
    /// W, b, W1, kernel, synapse…) and it lives in an NN context (<see cref="NnContext"/>). The name pattern can be
    /// replaced by an option, and the NN-context requirement can be switched off.
    /// </summary>
    public sealed class NetworkParameters
    {
        private static readonly WordSet s_weightWords = IdentifierWords.Set(
            "weight", "weights", "kernel", "kernels", "synapse", "synapses", "theta", "thetas");

        private static readonly WordSet s_notParameterWords = IdentifierWords.Set(
            "grad", "grads", "gradient", "gradients", "delta", "deltas", "derivative", "derivatives", "velocity",
            "velocities", "momentum", "moment", "moments", "accumulator", "accumulators", "count", "index", "size",
            "init", "initializer", "scale", "decay");

        private static readonly WordSet s_biasWords = IdentifierWords.Set("bias", "biases");

        private static readonly WordSet s_connectionTypeWords = IdentifierWords.Set("synapse", "connection", "dendrite");

        private static readonly WordSet s_strengthWords = IdentifierWords.Set("value", "strength");

        private readonly NnContext _context;

        /// <summary>Creates the oracle of one compilation.</summary>
        public NetworkParameters(NnContext context)
        {
            _context = context;
        }

        /// <summary>The NN-context oracle this one uses.</summary>
        public NnContext Context => _context;

        /// <summary>
        /// Classifies <paramref name="storage"/> (a field, property, local, parameter or array/indexer owner).
        /// <paramref name="namePattern"/>, when given, replaces the default name vocabulary (a match means weight,
        /// or bias when the name also has a bias word). <paramref name="requireNnContext"/> false accepts names alone.
        /// </summary>
        public ParameterKind Classify(ISymbol? storage, Regex? namePattern = null, bool requireNnContext = true)
        {
            if (storage is null)
            {
                return ParameterKind.None;
            }

            // A weight or bias holds real numbers: an int loop counter named b is not a bias.
            if (IsIntegralScalar(StorageType(storage)))
            {
                return ParameterKind.None;
            }

            var kind = ClassifyName(storage.Name, namePattern);
            if (kind == ParameterKind.None && namePattern is null)
            {
                kind = ClassifyMemberOfUnitType(storage);
            }

            if (kind == ParameterKind.None)
            {
                return ParameterKind.None;
            }

            if (!requireNnContext)
            {
                return kind;
            }

            var owner = storage is ILocalSymbol || storage is IParameterSymbol ? storage.ContainingSymbol : storage.ContainingType;
            return _context.Contains(owner) || _context.Contains(storage.ContainingSymbol) ? kind : ParameterKind.None;
        }

        /// <summary>The type of a storage: a local's, a parameter's, a field's or a property's; null for anything else.</summary>
        public static ITypeSymbol? StorageType(ISymbol storage) => storage switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        private static bool IsIntegralScalar(ITypeSymbol? type)
        {
            switch (type?.SpecialType)
            {
                case SpecialType.System_Byte:
                case SpecialType.System_SByte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Boolean:
                case SpecialType.System_Char:
                case SpecialType.System_String:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>
        /// A member of a synapse/connection-like type that holds its strength (<c>Synapse.Value</c>,
        /// <c>Connection.Strength</c>): a weight even though its own name does not say so.
        /// </summary>
        private static ParameterKind ClassifyMemberOfUnitType(ISymbol storage)
        {
            if (!(storage is IFieldSymbol || storage is IPropertySymbol) || storage.ContainingType is null)
            {
                return ParameterKind.None;
            }

            if (!IdentifierWords.ContainsAny(storage.ContainingType.Name, s_connectionTypeWords))
            {
                return ParameterKind.None;
            }

            return IdentifierWords.ContainsAny(storage.Name, s_strengthWords) ? ParameterKind.Weight : ParameterKind.None;
        }

        /// <summary>
        /// Usage evidence: true when <paramref name="storage"/> is used, inside <paramref name="root"/>, as the matrix of a
        /// matrix-vector product: the left operand of a MathNet product <c>W * a</c> with a matrix or vector, or the
        /// first factor of an accumulated product <c>s += w[i, j] * x[j]</c>.
        /// </summary>
        public static bool IsUsedAsWeightMatrix(ISymbol storage, IOperation root, KnownSymbols symbols)
        {
            foreach (var op in BodyOperations.Shared(root).WithoutFirst().OfKind(OperationKind.Binary))
            {
                if (op is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product)
                {
                    var left = Unwrap(product.LeftOperand);
                    var right = Unwrap(product.RightOperand);
                    if (symbols.IsMatrix(left.Type) && symbols.IsMathNetTensor(right.Type) && RandomSign.StorageOf(left) is ISymbol s1
                        && SymbolEqualityComparer.Default.Equals(s1, storage) && !(left is IArrayElementReferenceOperation))
                    {
                        return true;
                    }

                    if (product.Parent is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add }
                        && left is IArrayElementReferenceOperation { Indices.Length: 2 } element
                        && SymbolEqualityComparer.Default.Equals(RandomSign.StorageOf(element), storage)
                        && right is IArrayElementReferenceOperation)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static IOperation Unwrap(IOperation op) => Operations.WithoutConversions(op)!;

        // In Zip(first, second, (a, b) => …), the lambda parameter of the storage's side is only ever one side of a
        // difference with something that is not a constant: (a - b) * (a - b), Math.Abs(a - b).
        private static bool IsDistanceOnly(IInvocationOperation zip, IArgumentOperation argument)
        {
            var index = zip.Arguments.IndexOf(argument);
            if (zip.Arguments.Length != 3 || index > 1 || !(Unwrap(zip.Arguments[2].Value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
                || lambda.Symbol.Parameters.Length != 2)
            {
                return false;
            }

            var parameter = lambda.Symbol.Parameters[index];
            var any = false;
            foreach (var op in lambda.Body.Descendants())
            {
                if (op is IParameterReferenceOperation read && SymbolEqualityComparer.Default.Equals(read.Parameter, parameter))
                {
                    if (!(SkipConversions(read.Parent) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference)
                        || OtherOperand(difference, SkipConversionsUp(read)).ConstantValue.HasValue)
                    {
                        return false;
                    }

                    any = true;
                }
            }

            return any;
        }

        // The operation itself or the conversion that wraps it, as its parent sees it.
        private static IOperation SkipConversionsUp(IOperation operation)
        {
            var current = operation;
            while (current.Parent is IConversionOperation conversion)
            {
                current = conversion;
            }

            return current;
        }

        // w of w[o][i] / w[o, i] / w[k] (an indexer): the outermost element read through the reference, or the reference.
        private static IOperation OutermostElement(IOperation reference)
        {
            var element = reference;
            while (element.Parent is { } parent
                && ((parent is IArrayElementReferenceOperation array && array.ArrayReference == element)
                    || (parent is IPropertyReferenceOperation { Arguments.Length: > 0 } indexer && indexer.Instance == element)))
            {
                element = parent;
            }

            return element;
        }

        /// <summary>
        /// A member whose name says nothing (<c>Wf</c>, <c>_wq</c>, <c>_value</c>) that may still be a layer's weights: a
        /// field or property holding a matrix (MathNet, 2-D or jagged array) whose name is not a gradient's, an optimizer
        /// state's or a bias's. Only a candidate: <see cref="IsMatrixProductFactor"/> on its references decides.
        /// </summary>
        public static bool MayBeUnnamedWeight(ISymbol storage, KnownSymbols symbols)
        {
            if (!(storage is IFieldSymbol { IsConst: false } || storage is IPropertySymbol { IsIndexer: false }) || storage.IsImplicitlyDeclared)
            {
                return false;
            }

            var type = StorageType(storage);
            if (!(symbols.IsMatrix(type) || type is IArrayTypeSymbol { Rank: 2 } || type is IArrayTypeSymbol { ElementType: IArrayTypeSymbol }))
            {
                return false;
            }

            return ClassifyName(storage.Name) == ParameterKind.None && !IdentifierWords.ContainsAny(storage.Name, s_notParameterWords)
                && !IdentifierWords.ContainsAny(storage.Name, s_biasWords);
        }

        /// <summary>
        /// Usage evidence, read on a member's references: it is a factor of a matrix product with another tensor
        /// (<c>W * x</c>, <c>x * W</c>, <c>W.Multiply(x)</c>, <c>x.TransposeAndMultiply(W)</c>) or the two-index factor of an
        /// accumulated weighted sum (<c>s += w[o, i] * x[i]</c>, <c>s += w[o][i] * x[i]</c>) — what a layer does with
        /// its weights — and, written anywhere, by a step (<c>W -= …</c>, <c>W = W - …</c>, <c>W.Subtract(…, W)</c>,
        /// <c>w[o, i] -= …</c>): trained. An input, a cache of activations or a constant filter multiplies but is never stepped.
        /// </summary>
        public static bool IsTrainedMatrixFactor(IReadOnlyList<IOperation> references, KnownSymbols symbols)
            => IsMatrixFactor(references, symbols, requireStep: true);

        /// <summary>
        /// <see cref="IsTrainedMatrixFactor"/> without the step: enough where the value written is itself a random draw
        /// (an untrained layer's random weights still are weights).
        /// </summary>
        public static bool IsMatrixFactor(IReadOnlyList<IOperation> references, KnownSymbols symbols, bool requireStep = false)
        {
            var factor = false;
            var stepped = false;
            foreach (var reference in references)
            {
                var element = OutermostElement(reference);

                var context = SkipConversions(element.Parent);
                factor |= IsMatrixProductFactor(reference, element, context, symbols);
                stepped |= !requireStep || IsStep(reference, element, context);
                if (factor && stepped)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsMatrixProductFactor(IOperation reference, IOperation element, IOperation? context, KnownSymbols symbols)
        {
            switch (context)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product when element == reference:
                    var other = Unwrap(product.LeftOperand) == reference ? product.RightOperand : product.LeftOperand;
                    return symbols.IsMatrix(reference.Type) && symbols.IsMathNetTensor(Unwrap(other).Type);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product when element != reference:
                    // s += w[o, i] * x[i]: an element of the matrix, swept by loops, times an element of something else,
                    // accumulated. A row looked up by a token (word2vec's syn1[target][d]) is a table's, not a layer's.
                    var otherElement = Unwrap(Unwrap(product.LeftOperand) == element ? product.RightOperand : product.LeftOperand);
                    return (otherElement is IArrayElementReferenceOperation || otherElement is IPropertyReferenceOperation { Arguments.Length: > 0 })
                        && (product.Parent is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add }
                            || product.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add })
                        && IsSweptByLoops(element);
                case IInvocationOperation call when element == reference && call.TargetMethod.Name is "Multiply" or "TransposeThisAndMultiply" or "TransposeAndMultiply":
                    return symbols.IsMatrix(reference.Type) && call.Arguments.Length >= 1
                        && (call.Instance == reference ? symbols.IsMathNetTensor(Unwrap(call.Arguments[0].Value).Type) : true);
                case IArgumentOperation { Parent: IInvocationOperation call } when element == reference && call.TargetMethod.Name is "Multiply" or "TransposeThisAndMultiply" or "TransposeAndMultiply":
                    return call.Instance is not null && symbols.IsMathNetTensor(Unwrap(call.Instance).Type);
                default:
                    return false;
            }
        }

        // Every index of w[o][i] / w[o, i] is a for or foreach loop's variable.
        private static bool IsSweptByLoops(IOperation element)
        {
            for (var op = element; op is IArrayElementReferenceOperation array; op = Unwrap(array.ArrayReference))
            {
                foreach (var index in array.Indices)
                {
                    if (!(Unwrap(index) is ILocalReferenceOperation { Local: var local })
                        || !(local.DeclaringSyntaxReferences.Length == 1 && local.DeclaringSyntaxReferences[0].GetSyntax() is var declaration
                            && (declaration is Microsoft.CodeAnalysis.CSharp.Syntax.ForEachStatementSyntax
                                || declaration.Parent?.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.ForStatementSyntax)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static bool IsStep(IOperation reference, IOperation element, IOperation? context)
        {
            switch (context)
            {
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Subtract or BinaryOperatorKind.Add } compound when compound.Target == element:
                    return true;
                case ISimpleAssignmentOperation assignment when assignment.Target == element:
                    // W = W - lr * g, w[o, i] = w[o, i] - lr * g
                    return Unwrap(assignment.Value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract or BinaryOperatorKind.Add } step
                        && Unwrap(step.LeftOperand).Syntax.IsEquivalentTo(element.Syntax, topLevel: false);
                case IArgumentOperation { Parent: IInvocationOperation call } argument when element == reference
                        && call.TargetMethod.Name is "Subtract" or "Add" && call.Arguments.Length == 2 && argument == call.Arguments[1]:
                    // W.Subtract(lr * g, W): the result written into the matrix itself.
                    return call.Instance is not null && Unwrap(call.Instance).Syntax.IsEquivalentTo(reference.Syntax, topLevel: false);
                default:
                    return false;
            }
        }

        /// <summary>
        /// Usage evidence against: true when <paramref name="storage"/> is read, every use of it can be seen (a local, or a
        /// member no other assembly can reach: <paramref name="references"/> are all its references in the compilation),
        /// and none sums it over inputs. A connection weight is the <c>w</c> of a weighted sum <c>Σ w·x</c> feeding units
        /// (<c>z += w[o, i] * x[i]</c>, <c>w0 * x0 + w1 * x1</c>, a product inside <c>Sum</c>, <c>W * x</c>); a storage used only
        /// elementwise (a normalisation gain <c>gamma[i] * xHat[i] + beta[i]</c>) or through distances (<c>x[k] - w[u, k]</c>,
        /// the prototypes of a self-organising map) is not one. A use the question cannot read — the whole storage handed
        /// to a call, multiplied as a matrix, enumerated, returned — counts as a weighted sum.
        /// </summary>
        public static bool IsUsedOnlyElementwise(ISymbol storage, IReadOnlyList<IOperation> references)
        {
            // A member other assemblies can reach is judged by its uses here too: the type's own forward pass says what
            // the storage is (a LayerNorm's public Weight scaled elementwise is a gain). A storage with no visible read
            // (one only handed out) is not shown to be elementwise.
            if (!(storage is ILocalSymbol || storage is IFieldSymbol || storage is IPropertySymbol))
            {
                return false;
            }

            var read = false;
            foreach (var reference in references)
            {
                var element = OutermostElement(reference);

                var context = SkipConversions(element.Parent);
                if (IsWrittenAt(element, context))
                {
                    continue;
                }

                if (element == reference)
                {
                    // The whole storage: only its sizes are readable here.
                    if (context is IPropertyReferenceOperation { Arguments.Length: 0 } size && size.Instance == reference && s_sizeMembers.Contains(size.Property.Name))
                    {
                        continue;
                    }

                    if (context is IInvocationOperation call && call.Instance == reference && s_sizeMembers.Contains(call.TargetMethod.Name))
                    {
                        continue;
                    }

                    // w.Zip(x, (wi, xi) => (wi - xi) * (wi - xi)).Sum(): a distance to the input, element by element.
                    if (context is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Zip" } zip } argument && IsDistanceOnly(zip, argument))
                    {
                        read = true;
                        continue;
                    }

                    return false;
                }

                if (!Collections.IsNumber(element.Type))
                {
                    return false; // a row of a jagged array handed on
                }

                // Up through additions and centring shifts to the product or the difference the element is part of.
                var current = element;
                var seen = false;
                while (!seen && SkipConversions(current.Parent) is IBinaryOperation binary)
                {
                    switch (binary.OperatorKind)
                    {
                        case BinaryOperatorKind.Multiply:
                        case BinaryOperatorKind.Divide:
                            if (IsSummed(binary, storage))
                            {
                                return false;
                            }

                            seen = true; // an elementwise scale
                            break;
                        case BinaryOperatorKind.Subtract when !OtherOperand(binary, current).ConstantValue.HasValue:
                            seen = true; // a difference: a distance to an input
                            break;
                        case BinaryOperatorKind.Add:
                        case BinaryOperatorKind.Subtract:
                            current = binary;
                            continue;
                        default:
                            return false;
                    }
                }

                if (!seen)
                {
                    return false; // added to something, handed to a function: not shown to be elementwise
                }

                read = true;
            }

            return read;
        }

        private static IOperation OtherOperand(IBinaryOperation binary, IOperation operand)
            => binary.LeftOperand == operand || binary.LeftOperand == operand.Parent ? binary.RightOperand : binary.LeftOperand;

        private static readonly HashSet<string> s_sizeMembers = new HashSet<string>(System.StringComparer.Ordinal)
        {
            "Length", "LongLength", "Count", "Rank", "RowCount", "ColumnCount", "GetLength", "GetLongLength", "GetUpperBound", "GetLowerBound",
        };

        private static bool IsWrittenAt(IOperation element, IOperation? context) => context switch
        {
            IAssignmentOperation assignment => Operations.WithoutConversions(assignment.Target) == element,
            IIncrementOrDecrementOperation increment => Operations.WithoutConversions(increment.Target) == element,
            _ => false,
        };

        /// <summary>
        /// True when <paramref name="product"/> (an element of <paramref name="storage"/> times something) is summed: added
        /// up with other products, accumulated (<c>z += …</c>, <c>s = s + …</c>), returned into a <c>Sum</c>/<c>Aggregate</c>
        /// — or flows somewhere the question does not follow. Written into an element of another storage (<c>y[i] = g[i] * x[i]
        /// + b[i]</c>) or returned by a <c>Select</c> whose results are kept as they are, it is not.
        /// </summary>
        private static bool IsSummed(IOperation product, ISymbol storage)
        {
            var current = product;
            while (true)
            {
                var parent = SkipConversions(current.Parent);
                switch (parent)
                {
                    case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Add || binary.OperatorKind == BinaryOperatorKind.Subtract:
                        var other = Operations.WithoutConversions(OtherOperand(binary, current));
                        if (other is not null && ContainsProduct(other))
                        {
                            return true; // w0 * x0 + w1 * x1
                        }

                        current = binary;
                        continue;
                    case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Multiply || binary.OperatorKind == BinaryOperatorKind.Divide:
                        current = binary;
                        continue;
                    case ICompoundAssignmentOperation compound:
                        return !SymbolEqualityComparer.Default.Equals(StorageOf(compound.Target), storage);
                    case ISimpleAssignmentOperation assignment:
                        var target = StorageOf(assignment.Target);
                        if (SymbolEqualityComparer.Default.Equals(target, storage))
                        {
                            return false; // w[i] = w[i] * decay: an update of itself
                        }

                        return !(Operations.WithoutConversions(assignment.Target) is IArrayElementReferenceOperation || Operations.WithoutConversions(assignment.Target) is IPropertyReferenceOperation { Arguments.Length: > 0 })
                            || (target is not null && Mentions(assignment.Value, target));
                    case IReturnOperation ret when ret.Parent?.Parent is IAnonymousFunctionOperation || ret.Parent is IBlockOperation { Parent: IAnonymousFunctionOperation }:
                        return !IsKeptElementwise(FunctionOf(ret)!);
                    default:
                        return true;
                }
            }
        }

        private static IAnonymousFunctionOperation? FunctionOf(IOperation operation)
        {
            for (var op = operation.Parent; op is not null; op = op.Parent)
            {
                if (op is IAnonymousFunctionOperation function)
                {
                    return function;
                }
            }

            return null;
        }

        /// <summary>A selector of <c>Select</c>/<c>Zip</c> whose results are kept one by one (<c>ToArray</c>, <c>ToList</c>, returned): not summed.</summary>
        private static bool IsKeptElementwise(IAnonymousFunctionOperation function)
        {
            var parent = SkipConversions(function.Parent);
            while (parent is IDelegateCreationOperation)
            {
                parent = SkipConversions(parent.Parent);
            }

            if (!(parent is IArgumentOperation { Parent: IInvocationOperation call }) || !(call.TargetMethod.Name == "Select" || call.TargetMethod.Name == "Zip"))
            {
                return false;
            }

            IOperation current = call;
            while (true)
            {
                var next = SkipConversions(current.Parent);
                if (next is IArgumentOperation { Parent: IInvocationOperation chained } && chained.Arguments.Length > 0 && Operations.WithoutConversions(chained.Arguments[0].Value) == current)
                {
                    if (chained.TargetMethod.Name == "ToArray" || chained.TargetMethod.Name == "ToList")
                    {
                        current = chained;
                        continue;
                    }

                    return false;
                }

                // Kept: returned, stored; anything else may sum it.
                return next is IReturnOperation || next is IVariableInitializerOperation || (next is ISimpleAssignmentOperation assignment && assignment.Value == current);
            }
        }

        private static bool ContainsProduct(IOperation operation)
        {
            if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply })
            {
                return true;
            }

            foreach (var op in BodyOperations.Shared(operation).WithoutFirst().OfKind(OperationKind.Binary))
            {
                if (op is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply })
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Mentions(IOperation value, ISymbol storage)
        {
            foreach (var op in BodyOperations.Shared(value))
            {
                if ((op is ILocalReferenceOperation || op is IFieldReferenceOperation || op is IPropertyReferenceOperation || op is IParameterReferenceOperation)
                    && SymbolEqualityComparer.Default.Equals(StorageOf(op), storage))
                {
                    return true;
                }
            }

            return false;
        }

        private static IOperation? SkipConversions(IOperation? operation)
        {
            while (operation is IConversionOperation)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        /// <summary>
        /// True when code outside this compilation may read or write the member: public or protected all the way out, in a
        /// library (an executable's public members are not referenced by other code), or internal with InternalsVisibleTo.
        /// </summary>
        public static bool CanBeReachedFromOtherAssemblies(ISymbol storage)
        {
            for (ISymbol? symbol = storage; symbol is not null && !(symbol is INamespaceSymbol); symbol = symbol.ContainingType)
            {
                switch (symbol.DeclaredAccessibility)
                {
                    case Accessibility.Public:
                    case Accessibility.Protected:
                    case Accessibility.ProtectedOrInternal:
                        continue;
                    case Accessibility.Internal:
                    case Accessibility.ProtectedAndInternal:
                        return HasInternalsVisibleTo(storage.ContainingAssembly);
                    default:
                        return false;
                }
            }

            var kind = storage.ContainingAssembly is ISourceAssemblySymbol source ? source.Compilation.Options.OutputKind : OutputKind.DynamicallyLinkedLibrary;
            return kind == OutputKind.DynamicallyLinkedLibrary || kind == OutputKind.NetModule || kind == OutputKind.WindowsRuntimeMetadata
                || HasInternalsVisibleTo(storage.ContainingAssembly);
        }

        private static bool HasInternalsVisibleTo(IAssemblySymbol? assembly)
        {
            if (assembly is null)
            {
                return false;
            }

            foreach (var attribute in assembly.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "InternalsVisibleToAttribute")
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The storage symbol a reference (or an element of it: <c>w[i]</c>, <c>w[i][j]</c>, <c>W[i, j]</c>, <c>layer.Weights[i]</c>) denotes.</summary>
        public static ISymbol? StorageOf(IOperation? target)
        {
            for (var op = target; op is not null;)
            {
                switch (op)
                {
                    case ILocalReferenceOperation local:
                        return local.Local;
                    case IParameterReferenceOperation parameter:
                        return parameter.Parameter;
                    case IFieldReferenceOperation field:
                        return field.Field;
                    case IPropertyReferenceOperation property when property.Arguments.Length == 0:
                        return property.Property;
                    case IPropertyReferenceOperation indexer:
                        op = indexer.Instance;
                        continue;
                    case IArrayElementReferenceOperation element:
                        op = element.ArrayReference;
                        continue;
                    case IConversionOperation conversion:
                        op = conversion.Operand;
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>Classifies a name alone (no context).</summary>
        public static ParameterKind ClassifyName(string name, Regex? namePattern = null)
        {
            if (string.IsNullOrEmpty(name))
            {
                return ParameterKind.None;
            }

            if (namePattern is not null)
            {
                return ClassifyNameCore(name, namePattern);
            }

            // Names repeat across a compilation (every reference to _weights asks again): remembered, in a table that is
            // emptied when it grows past a bound so that an IDE session does not accumulate every name it ever saw.
            if (s_names.TryGetValue(name, out var known))
            {
                return known;
            }

            var kind = ClassifyNameCore(name, null);
            if (s_names.Count > 20000)
            {
                s_names.Clear();
            }

            s_names[name] = kind;
            return kind;
        }

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ParameterKind> s_names =
            new System.Collections.Concurrent.ConcurrentDictionary<string, ParameterKind>(System.StringComparer.Ordinal);

        private static ParameterKind ClassifyNameCore(string name, Regex? namePattern)
        {

            var words = IdentifierWords.Split(name);
            var hasBiasWord = false;
            foreach (var w in words)
            {
                if (s_biasWords.Contains(w))
                {
                    hasBiasWord = true;
                }
            }

            if (namePattern is not null)
            {
                if (!SafeIsMatch(namePattern, name))
                {
                    return ParameterKind.None;
                }

                return hasBiasWord || IsSingleLetter(name, 'b') ? ParameterKind.Bias : ParameterKind.Weight;
            }

            // Gradients and optimizer state are named after the parameter they belong to (biasGrad, weightGradients,
            // weightVelocity) but are not parameters themselves.
            foreach (var w in words)
            {
                if (s_notParameterWords.Contains(w))
                {
                    return ParameterKind.None;
                }
            }

            if (hasBiasWord)
            {
                return ParameterKind.Bias;
            }

            foreach (var w in words)
            {
                if (s_weightWords.Contains(w))
                {
                    return ParameterKind.Weight;
                }
            }

            // W, w1, W_hidden, Wxh, _w2, b, b1, bOut: the conventional single letters, optionally followed by a digit,
            // an underscore or an upper-case suffix.
            if (IsSingleLetter(name, 'w'))
            {
                return ParameterKind.Weight;
            }

            if (IsSingleLetter(name, 'b'))
            {
                return ParameterKind.Bias;
            }

            return ParameterKind.None;
        }

        private static bool IsSingleLetter(string name, char letter)
        {
            var i = 0;
            while (i < name.Length && name[i] == '_')
            {
                i++;
            }

            if (i + 1 < name.Length && (name[i] == 'm' || name[i] == 's') && name[i + 1] == '_')
            {
                i += 2;
            }

            if (i >= name.Length || char.ToLowerInvariant(name[i]) != letter)
            {
                return false;
            }

            if (i + 1 == name.Length)
            {
                return true;
            }

            var next = name[i + 1];
            if (char.IsDigit(next) || next == '_' || char.IsUpper(next))
            {
                return true;
            }

            // Recurrent-network conventions: Wxh, Whh, Why, Wxi, Whf, bxh… (upper-case W, two gate/axis letters).
            const string axisLetters = "xhyifocg";
            return char.IsUpper(name[i]) && name.Length == i + 3
                && axisLetters.IndexOf(name[i + 1]) >= 0 && axisLetters.IndexOf(name[i + 2]) >= 0;
        }

        private static bool SafeIsMatch(Regex regex, string input)
        {
            try
            {
                return regex.IsMatch(input);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }
    }
}
