using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>Three-valued answer of the semantics layer.</summary>
    public enum Certainty
    {
        /// <summary>Cannot tell (a parameter, a call we do not know): rules stay silent.</summary>
        Unknown,

        /// <summary>Known to hold.</summary>
        Yes,

        /// <summary>Known not to hold.</summary>
        No,
    }

    /// <summary>
    /// Answers "is this value the maximum (or an upper bound) of that collection?", however it is computed: LINQ
    /// <c>Max()</c>, MathNet <c>Maximum()</c>/<c>AbsoluteMaximum()</c>, per row or column (<c>x.Column(j).Maximum()</c>,
    /// <c>x[i].Max()</c>, <c>FoldByColumn(Math.Max, -∞)</c>), or a loop that starts at an element, −∞ or MinValue and
    /// keeps the larger value. A max over another buffer, a max that starts at 0, a constant, or a minimum, mean or median
    /// (<c>Min()</c>, <c>Average()</c>, <c>Minimum()</c>, <c>Mean()</c>) is not one.
    /// Also splits a shifted collection (<c>x - m</c>, <c>x.Subtract(m)</c>, <c>x.Select(v => v - m)</c>,
    /// <c>x.MapIndexed((i, j, v) => v - m[j])</c>) into the collection and its shift.
    /// </summary>
    public static class Shifts
    {
        private const int MaxDepth = 4;

        /// <summary>Splits a collection expression into the unshifted logits and the value subtracted from them.</summary>
        public static (IOperation Logits, IOperation? Shift) Unwrap(IOperation collection)
        {
            return Unwrap(collection, 0);
        }

        private static (IOperation Logits, IOperation? Shift) Unwrap(IOperation collection, int depth)
        {
            var op = Collections.Strip(collection);
            if (depth > MaxDepth)
            {
                return (op, null);
            }

            switch (op)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } subtract:
                    return (Collections.Strip(subtract.LeftOperand), subtract.RightOperand);

                case IInvocationOperation { TargetMethod: { Name: "Subtract" }, Instance: { } instance } call when call.Arguments.Length == 1:
                    return (Collections.Strip(instance), call.Arguments[0].Value);

                // A shifted tensor scaled by a temperature: (z - max) / T, beta * (z - max), (z - max).Divide(T).
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide or BinaryOperatorKind.Multiply } scaled
                    when !IsNumber(scaled.Type) && WithoutPositiveScale(scaled) is var unscaled && unscaled != scaled:
                    {
                        var inner = Unwrap(unscaled, depth + 1);
                        return inner.Shift is null ? (op, null) : inner;
                    }

                case IInvocationOperation { TargetMethod: { Name: "Divide" or "Multiply" }, Instance: { } scaledTensor } call
                    when call.Arguments.Length == 1 && IsPositiveScale(call.Arguments[0].Value):
                    {
                        var inner = Unwrap(scaledTensor, depth + 1);
                        return inner.Shift is null ? (op, null) : inner;
                    }

                case IInvocationOperation call when call.Arguments.Length >= 1
                    && call.TargetMethod.Name.StartsWith("DenseOf", System.StringComparison.Ordinal):
                    {
                        var inner = Unwrap(call.Arguments[0].Value, depth + 1);
                        return inner.Shift is null ? (op, null) : inner;
                    }

                case IInvocationOperation call when (call.TargetMethod.Name == "Select" || call.TargetMethod.Name == "Map"
                    || call.TargetMethod.Name == "MapIndexed") && Collections.Receiver(call) is { } source:
                    {
                        foreach (var argument in Collections.ArgumentsAfterReceiver(call))
                        {
                            var lambda = Collections.LambdaArgument(argument.Value);
                            if (lambda is null)
                            {
                                continue;
                            }

                            var returned = Collections.ReturnedValue(lambda);
                            if (returned is not null && WithoutPositiveScale(returned) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } s
                                && Collections.Strip(s.LeftOperand) is IParameterReferenceOperation p
                                && Collections.LambdaSource(p, out var isElement) is not null && isElement)
                            {
                                return (Collections.Strip(source), s.RightOperand);
                            }
                        }

                        return (op, null);
                    }

                case IInvocationOperation call when call.Arguments.Length == 1 && call.Instance is null && call.Type is IArrayTypeSymbol
                    && !call.TargetMethod.ReturnsVoid && HelperBody(call) is { } helper:
                    {
                        // var shifted = SubtractMax(logits): a helper of ours whose only result is its parameter shifted by
                        // its maximum. The shift is read in the helper, against the helper's own parameter.
                        IOperation? returned = null;
                        foreach (var inHelper in helper.DescendantsAndSelf())
                        {
                            if (inHelper is IReturnOperation { ReturnedValue: { } value })
                            {
                                if (returned is not null)
                                {
                                    return (op, null);
                                }

                                returned = value;
                            }
                        }

                        var inner = returned is null ? default : Unwrap(returned, depth + 1);
                        return inner.Shift is not null && Collections.Strip(inner.Logits) is IParameterReferenceOperation
                            && IsMaximumOf(inner.Shift, inner.Logits) == Certainty.Yes
                            ? inner
                            : (op, null);
                    }

                case IInvocationOperation call when IsCopy(call) && Collections.Receiver(call) is { } copied:
                    {
                        // logits.Select(v => v - max).ToArray(), z.Clone(): a copy holds the same (shifted) values.
                        var inner = Unwrap(copied, depth + 1);
                        return inner.Shift is null ? (op, null) : inner;
                    }

                case ILocalReferenceOperation local when Collections.FindForEach(local) is null:
                    return ShiftedBefore(op, local.Local, depth);

                case IParameterReferenceOperation parameter when Collections.LambdaSource(parameter, out _) is null:
                    return ShiftedBefore(op, parameter.Parameter, depth);

                default:
                    return (op, null);
            }
        }

        /// <summary>
        /// A copy of a collection that keeps its values: LINQ <c>ToArray()</c>/<c>ToList()</c>/<c>AsEnumerable()</c>, an
        /// array's or a MathNet vector's or matrix's <c>Clone()</c>/<c>ToArray()</c>.
        /// </summary>
        private static bool IsCopy(IInvocationOperation call)
        {
            var method = call.TargetMethod;
            switch (method.Name)
            {
                case "ToArray":
                case "ToList":
                case "AsEnumerable":
                case "Clone":
                    var ns = method.ContainingType?.ContainingNamespace;
                    return Namespaces.Is(ns, "System.Linq") || Namespaces.IsWithin(ns, "MathNet.Numerics")
                        || (method.Name == "Clone" && method.ContainingType?.SpecialType == SpecialType.System_Array);
                default:
                    return false;
            }
        }

        private static readonly KindSet s_storeKinds = KindSet.Of(
            OperationKind.VariableDeclarator, OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.Invocation);

        /// <summary>
        /// The shift the storage read at <paramref name="reference"/> holds from the last write that precedes the read in the
        /// body (program order): a value assigned to it (<c>z = z - z.Maximum()</c>, <c>var s = x.Select(v =&gt; v - m)</c>),
        /// its elements shifted in place in a loop (<c>x[i] -= max</c>, <c>x[i] = x[i] - max</c>), or MathNet's
        /// <c>a.Subtract(m, z)</c> writing <c>a - m</c> into it. A write after the read (a shift after the exponential),
        /// of a single element, or of another storage does not count.
        /// </summary>
        private static (IOperation Logits, IOperation? Shift) ShiftedBefore(IOperation reference, ISymbol storage, int depth)
        {
            var position = reference.Syntax.SpanStart;
            var latest = -1;
            IOperation? assigned = null;
            IOperation? logits = null;
            IOperation? shift = null;
            var stores = BodyOperations.Shared(Collections.BodyOf(reference)).OfKind(s_storeKinds);
            while (stores.MoveNext())
            {
                var op = stores.Current;
                var at = op.Syntax.SpanStart;
                if (at >= position || at < latest || op.Syntax.Span.Contains(reference.Syntax.Span))
                {
                    continue; // after the read, before the latest write found, or the read's own statement (z = z.PointwiseExp())
                }

                switch (stores.CurrentKind)
                {
                    case OperationKind.VariableDeclarator when op is IVariableDeclaratorOperation declarator:
                        if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, storage)
                            && (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer) is { } init)
                        {
                            (latest, assigned, logits, shift) = (at, init.Value, null, null);
                        }

                        break;
                    case OperationKind.SimpleAssignment when op is ISimpleAssignmentOperation assignment:
                        if (IsStorage(assignment.Target, storage))
                        {
                            (latest, assigned, logits, shift) = (at, assignment.Value, null, null);
                        }
                        else if (IsElementOf(assignment.Target, storage) && InLoop(op)
                            && Collections.Strip(assignment.Value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } subtract
                            && Collections.Strip(subtract.LeftOperand).Syntax.IsEquivalentTo(Collections.Strip(assignment.Target).Syntax, topLevel: false))
                        {
                            (latest, assigned, logits, shift) = (at, null, reference, subtract.RightOperand);
                        }
                        else if (IsElementOf(assignment.Target, storage) && InLoop(op)
                            && WithoutPositiveScale(assignment.Value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } copied
                            && CollectionOfElement(copied.LeftOperand) is { } row && !IsStorage(row, storage))
                        {
                            // s[i] = (logits[i] - max) / T: a shifted (and scaled) copy of another collection's elements.
                            (latest, assigned, logits, shift) = (at, null, row, copied.RightOperand);
                        }

                        break;
                    case OperationKind.CompoundAssignment when op is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Subtract } compound:
                        if (IsStorage(compound.Target, storage) || IsElementOf(compound.Target, storage) && InLoop(op))
                        {
                            (latest, assigned, logits, shift) = (at, null, reference, compound.Value);
                        }

                        break;
                    case OperationKind.Invocation when op is IInvocationOperation { TargetMethod: { Name: "Subtract" }, Instance: { } instance } call
                        && call.Arguments.Length == 2 && IsStorage(call.Arguments[1].Value, storage):
                        (latest, assigned, logits, shift) = (at, null, Collections.Strip(instance), call.Arguments[0].Value);
                        break;
                    case OperationKind.Invocation when op is IInvocationOperation { TargetMethod.Name: "SetRow" or "SetColumn", Instance: { } tensor, Arguments.Length: 2 } setRow
                        && IsStorage(tensor, storage) && InLoop(op) && Unwrap(setRow.Arguments[1].Value, depth + 1) is { Shift: { } rowShift } shiftedRow:
                        // z.SetRow(r, row - row.Maximum()) over the rows: each row shifted by its own maximum.
                        (latest, assigned, logits, shift) = (at, null, shiftedRow.Logits, rowShift);
                        break;
                    case OperationKind.Invocation when op is IInvocationOperation { Instance: null, Arguments.Length: 1, TargetMethod.ReturnsVoid: true } call
                        && IsStorage(call.Arguments[0].Value, storage) && ShiftedInPlaceBy(call) is { } inPlace:
                        // ShiftByMax(logits): a helper of ours that subtracts its parameter's maximum from it in place.
                        (latest, assigned, logits, shift) = (at, null, inPlace.Logits, inPlace.Shift);
                        break;
                }
            }

            if (shift is not null && logits is not null)
            {
                return (logits, shift);
            }

            if (assigned is not null)
            {
                var inner = Unwrap(assigned, depth + 1);
                if (inner.Shift is not null)
                {
                    return inner;
                }
            }

            return (reference, null);
        }

        /// <summary>
        /// The value without a temperature applied to it: <c>(v - m) / T</c>, <c>(v - m) * beta</c>, <c>beta * (v - m)</c>
        /// with a scalar <c>T</c> or <c>beta</c> that is not a negative constant. Scaling by a positive number keeps a
        /// shifted exponent at or below zero (a temperature is positive by definition); anything else is returned as is.
        /// </summary>
        public static IOperation WithoutPositiveScale(IOperation value)
        {
            var op = Collections.Strip(value);
            if (op is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } divide && IsPositiveScale(divide.RightOperand))
            {
                return Collections.Strip(divide.LeftOperand);
            }

            if (op is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } multiply)
            {
                if (IsPositiveScale(multiply.RightOperand) && !IsPositiveScale(multiply.LeftOperand))
                {
                    return Collections.Strip(multiply.LeftOperand);
                }

                if (IsPositiveScale(multiply.LeftOperand) && !IsPositiveScale(multiply.RightOperand))
                {
                    return Collections.Strip(multiply.RightOperand);
                }
            }

            return op;
        }

        // A constant above zero, or a plain variable (a temperature): not an element of a collection, not a negative constant.
        private static bool IsPositiveScale(IOperation operand)
        {
            var op = Collections.Strip(operand);
            if (op.ConstantValue.HasValue)
            {
                return op.ConstantValue.Value is double d ? d > 0 : op.ConstantValue.Value is float f ? f > 0 : op.ConstantValue.Value is int i && i > 0;
            }

            switch (op)
            {
                case ILocalReferenceOperation local:
                    return Collections.FindForEach(local) is null && IsNumber(local.Type);
                case IParameterReferenceOperation parameter:
                    return Collections.LambdaSource(parameter, out _) is null && IsNumber(parameter.Type);
                case IFieldReferenceOperation field:
                    return IsNumber(field.Type);
                case IPropertyReferenceOperation property:
                    return !property.Property.IsIndexer && IsNumber(property.Type);
                default:
                    return false;
            }
        }

        private static bool IsNumber(ITypeSymbol? type)
            => type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32 || GenericMath.IsNumberTypeParameter(type);

        // logits[i] → logits, x[n][i] → x[n] (the row the element is read from), v[i] of an indexer → v.
        private static IOperation? CollectionOfElement(IOperation element) => Collections.Strip(element) switch
        {
            IArrayElementReferenceOperation array => Collections.Strip(array.ArrayReference),
            IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } => Collections.Strip(instance),
            _ => null,
        };

        /// <summary>The body of a call's target when it is a method of the compilation with one body (not virtual), or null.</summary>
        private static IOperation? HelperBody(IInvocationOperation call)
        {
            var method = call.TargetMethod;
            if (method.DeclaringSyntaxReferences.Length != 1 || method.IsVirtual || method.IsAbstract || method.IsOverride
                || method.Parameters.Length != 1 || call.SemanticModel is not { } callerModel
                || !(method.Parameters[0].Type is IArrayTypeSymbol || method.Parameters[0].Type.Name is "Span" or "Memory"))
            {
                return null;
            }

            // Bound once per helper (a body is bound anew by each GetOperation, and a model of another file made anew).
            var box = s_helperBodies.GetValue(method.OriginalDefinition, _ => new HelperBodyBox());
            lock (box)
            {
                if (!box.Done)
                {
                    var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
                    var model = syntax.SyntaxTree == callerModel.SyntaxTree ? callerModel : ModelOf(callerModel.Compilation, syntax.SyntaxTree);
                    var body = model?.GetOperation(syntax);
                    box.Body = body is ILocalFunctionOperation local ? local.Body : body;
                    box.Done = true;
                }

                return box.Body;
            }
        }

        private sealed class HelperBodyBox
        {
            public bool Done;
            public IOperation? Body;
        }

        private static readonly ConditionalWeakTable<IMethodSymbol, HelperBodyBox> s_helperBodies = new ConditionalWeakTable<IMethodSymbol, HelperBodyBox>();

#pragma warning disable RS1030 // Only for a helper whose result or argument feeds an exponential, asked when a shift is sought.
        private static SemanticModel? ModelOf(Compilation compilation, SyntaxTree tree)
            => compilation.ContainsSyntaxTree(tree) ? compilation.GetSemanticModel(tree) : null;
#pragma warning restore RS1030

        /// <summary>
        /// The shift a helper applies to its parameter in place (<c>for (…) v[i] -= max;</c> with <c>max</c> its maximum),
        /// read at the end of the helper's body against the parameter; null when it does not.
        /// </summary>
        private static (IOperation Logits, IOperation Shift)? ShiftedInPlaceBy(IInvocationOperation call)
        {
            if (!(HelperBody(call) is { } body))
            {
                return null;
            }

            foreach (var op in body.DescendantsAndSelf())
            {
                var (target, subtracted) = op switch
                {
                    ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Subtract } compound => (compound.Target, compound.Value),
                    _ => (null, null),
                };
                if (target is null || subtracted is null || !InLoop(op))
                {
                    continue;
                }

                var collection = Collections.Strip(target) switch
                {
                    IArrayElementReferenceOperation element => Collections.Strip(element.ArrayReference),
                    IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } => Collections.Strip(instance),
                    _ => null,
                };
                if (collection is IParameterReferenceOperation && IsMaximumOf(subtracted, collection) == Certainty.Yes)
                {
                    return (collection, subtracted);
                }
            }

            return null;
        }

        private static bool IsStorage(IOperation target, ISymbol storage)
        {
            switch (Collections.Strip(target))
            {
                case ILocalReferenceOperation local:
                    return SymbolEqualityComparer.Default.Equals(local.Local, storage);
                case IParameterReferenceOperation parameter:
                    return SymbolEqualityComparer.Default.Equals(parameter.Parameter, storage);
                default:
                    return false;
            }
        }

        private static bool IsElementOf(IOperation target, ISymbol storage)
        {
            switch (Collections.Strip(target))
            {
                case IArrayElementReferenceOperation element:
                    return IsStorage(element.ArrayReference, storage);
                case IPropertyReferenceOperation { Property: { IsIndexer: true }, Instance: { } instance }:
                    return IsStorage(instance, storage);
                default:
                    return false;
            }
        }

        /// <summary>The initializer of a local that is written exactly once (at its declaration), or null.</summary>
        public static IOperation? SingleInitializer(ILocalReferenceOperation local)
        {
            IOperation? initializer = null;
            foreach (var write in Writes(Collections.BodyOf(local), local.Local, elements: false))
            {
                if (initializer is not null || write.Kind != WriteKind.Initializer)
                {
                    return null;
                }

                initializer = write.Value;
            }

            return initializer;
        }

        /// <summary>Is <paramref name="shift"/> the maximum (or an upper bound) of <paramref name="logits"/>?</summary>
        public static Certainty IsMaximumOf(IOperation shift, IOperation logits)
        {
            return IsMaximumOf(shift, logits, null, 0);
        }

        /// <summary>
        /// Is <paramref name="shift"/> the maximum (or an upper bound) of <paramref name="logits"/>, read at
        /// <paramref name="element"/> (<c>x[n][i]</c>: the maximum must be of the same row <c>x[n]</c>, however it is named)?
        /// </summary>
        public static Certainty IsMaximumOf(IOperation shift, IOperation logits, CollectionElement? element)
        {
            return IsMaximumOf(shift, logits, element, 0);
        }

        private static Certainty IsMaximumOf(IOperation shift, IOperation logits, CollectionElement? element, int depth)
        {
            if (depth > MaxDepth)
            {
                return Certainty.Unknown;
            }

            var op = Collections.Strip(shift);
            if (op.ConstantValue.HasValue)
            {
                return Certainty.No;
            }

            switch (op)
            {
                case IInvocationOperation call:
                    return InvocationIsMaximum(call, logits, element, depth);
                case IArrayElementReferenceOperation arrayElement when Collections.Strip(arrayElement.ArrayReference) is ILocalReferenceOperation array:
                    return LocalIsMaximum(array.Local, logits, element, elements: true, depth);
                case ILocalReferenceOperation local when Collections.FindForEach(local) is null:
                    return LocalIsMaximum(local.Local, logits, element, elements: false, depth);
                default:
                    return Certainty.Unknown;
            }
        }

        private static Certainty InvocationIsMaximum(IInvocationOperation call, IOperation logits, CollectionElement? at, int depth)
        {
            var name = call.TargetMethod.Name;
            if (name == "Max" && call.Instance is null && !call.TargetMethod.IsExtensionMethod && call.Arguments.Length == 2)
            {
                // Math.Max(a, b): an upper bound when either side is one.
                var left = IsMaximumOf(call.Arguments[0].Value, logits, at, depth + 1);
                var right = IsMaximumOf(call.Arguments[1].Value, logits, at, depth + 1);
                return left == Certainty.Yes || right == Certainty.Yes ? Certainty.Yes
                    : left == Certainty.Unknown || right == Certainty.Unknown ? Certainty.Unknown
                    : Certainty.No;
            }

            if (IsMinimumOrCentre(call.TargetMethod, name))
            {
                // A known shift that is not an upper bound: exp(x - min) still overflows once the logits spread beyond ~709.
                return Certainty.No;
            }

            var receiver = Collections.Receiver(call);
            if (receiver is null)
            {
                return Certainty.Unknown;
            }

            if (name == "Max" || name == "Maximum" || name == "AbsoluteMaximum" || name == "MaxBy")
            {
                IAnonymousFunctionOperation? selector = null;
                foreach (var argument in Collections.ArgumentsAfterReceiver(call))
                {
                    selector = Collections.LambdaArgument(argument.Value) ?? selector;
                }

                if (selector is not null)
                {
                    // Enumerable.Range(0, n).Max(k => x[i, k]), rows.Max(r => r.Max()).
                    var returned = Collections.ReturnedValue(selector);
                    if (returned is null)
                    {
                        return Certainty.Unknown;
                    }

                    var value = StripAbs(Collections.Strip(returned));
                    var element = Collections.GetElement(value);
                    if (element is not null && !(Collections.Strip(element.Element) is IParameterReferenceOperation))
                    {
                        return Collections.SameCollection(element.Collection, logits) ? Certainty.Yes : Certainty.No;
                    }

                    return IsMaximumOf(value, logits, at, depth + 1) == Certainty.Yes ? Certainty.Yes : Certainty.Unknown;
                }

                return Collections.Root(receiver) is null && Collections.Root(logits) is not null ? Certainty.Unknown
                    : SameRow(receiver, logits, at) ? Certainty.Yes : Certainty.No;
            }

            if (name == "FoldByColumn" || name == "FoldByRow")
            {
                if (!Collections.SameCollection(receiver, logits))
                {
                    return Certainty.No;
                }

                if (call.Arguments.Length >= 2 && !IsMaxStart(call.Arguments[1].Value))
                {
                    return Certainty.No;
                }

                return Certainty.Yes;
            }

            return Certainty.Unknown;
        }

        /// <summary>
        /// Does the maximum taken over <paramref name="receiver"/> cover the logits read at <paramref name="at"/>? The same
        /// storage, seen through an alias of it or of one of its rows (<c>var row = x[n]; row.Max()</c> for <c>x[n][i]</c>);
        /// for a jagged array, the same row: <c>x[0].Max()</c> is not the maximum of <c>x[n]</c>.
        /// </summary>
        private static bool SameRow(IOperation receiver, IOperation logits, CollectionElement? at)
        {
            if (at is not null && !ReferenceEquals(Collections.Strip(at.Collection), Collections.Strip(logits)))
            {
                at = null; // the element of a derived collection (x.Select(v => v - m)): its indices are not the logits' rows
            }

            var (maxRoot, maxRow) = RowOf(receiver);
            var (logitsRoot, logitsRow) = RowOf(logits);
            if (maxRoot is null || !SymbolEqualityComparer.Default.Equals(maxRoot, logitsRoot))
            {
                return Collections.SameCollection(receiver, logits);
            }

            // x[n][i] of a jagged array: the row is x[n], the indices before the last.
            var rowLength = logitsRow.Count;
            if (at is not null && rowLength == 0 && at.Indices.Count > 1 && IsJagged(at.Collection.Type))
            {
                logitsRow = at.Indices;
                rowLength = at.Indices.Count - 1;
            }

            if (maxRow.Count == 0 || rowLength == 0)
            {
                return true;
            }

            if (maxRow.Count != rowLength)
            {
                return false;
            }

            for (var i = 0; i < rowLength; i++)
            {
                if (!Collections.Strip(maxRow[i]).Syntax.IsEquivalentTo(Collections.Strip(logitsRow[i]).Syntax, topLevel: false))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsJagged(ITypeSymbol? type) => type is IArrayTypeSymbol { ElementType: IArrayTypeSymbol };

        /// <summary>
        /// The storage a collection is rooted in and the row it is (<c>x[n]</c>: x and [n]), through a local that aliases it
        /// (written once, with a storage or a row of one: <c>var row = x[n];</c>).
        /// </summary>
        private static (ISymbol? Root, IReadOnlyList<IOperation> Row) RowOf(IOperation collection)
        {
            var op = Aliased(collection);
            if (op is IArrayElementReferenceOperation row && row.Type is IArrayTypeSymbol && Collections.GetElement(row) is { } element)
            {
                return (Collections.Root(Aliased(element.Collection)), element.Indices);
            }

            return (Collections.Root(op), System.Array.Empty<IOperation>());
        }

        /// <summary>What a local written once with a storage or a row of one stands for (<c>row</c> after <c>var row = x[n];</c>).</summary>
        private static IOperation Aliased(IOperation collection)
        {
            var op = Collections.Strip(collection);
            if (op is ILocalReferenceOperation local && Collections.FindForEach(local) is null
                && SingleInitializer(local) is { } initializer)
            {
                var aliased = Collections.Strip(initializer);
                if (aliased is IArrayElementReferenceOperation || aliased is ILocalReferenceOperation || aliased is IParameterReferenceOperation
                    || aliased is IFieldReferenceOperation)
                {
                    return aliased;
                }
            }

            return op;
        }

        /// <summary>
        /// The minimum, mean or median of a collection, computed by a library we know: LINQ <c>Min()</c>/<c>Average()</c>,
        /// MathNet <c>Minimum()</c>/<c>AbsoluteMinimum()</c>, MathNet statistics <c>Mean()</c>/<c>Median()</c>. A method of the
        /// user's with those names is not known (its value may be anything, even a maximum).
        /// </summary>
        private static bool IsMinimumOrCentre(IMethodSymbol method, string name)
        {
            switch (name)
            {
                case "Min":
                case "Average":
                    return Namespaces.Is(method.ContainingType?.ContainingNamespace, "System.Linq");
                case "Minimum":
                case "AbsoluteMinimum":
                case "Mean":
                case "Median":
                    return Namespaces.IsWithin(method.ContainingType?.ContainingNamespace, "MathNet.Numerics");
                default:
                    return false;
            }
        }

        private static IOperation StripAbs(IOperation op)
        {
            return op is IInvocationOperation { TargetMethod: { Name: "Abs" } } abs && abs.Arguments.Length == 1
                ? Collections.Strip(abs.Arguments[0].Value)
                : op;
        }

        private static Certainty LocalIsMaximum(ILocalSymbol local, IOperation logits, CollectionElement? at, bool elements, int depth)
        {
            var body = Collections.BodyOf(logits);
            var starts = 0;
            var updates = 0;
            var strongStart = false;
            var indexedStart = false;
            foreach (var write in Writes(body, local, elements))
            {
                if (write.Kind == WriteKind.Other)
                {
                    return Certainty.Unknown;
                }

                if (write.Value is IArrayCreationOperation { Initializer: null } && elements)
                {
                    continue;
                }

                var value = Collections.Strip(write.Value);
                if (IsMaxStart(value))
                {
                    starts++;
                    strongStart = true;
                    continue;
                }

                var element = Collections.GetElement(value);
                if (element is not null && !(value is ILocalReferenceOperation || value is IParameterReferenceOperation))
                {
                    if (!Collections.SameCollection(element.Collection, logits))
                    {
                        return Certainty.No;
                    }

                    // In a loop: a running maximum (if (x[i] > m) m = x[i]); outside: a start (m = x[0]).
                    starts++;
                    if (InLoop(write.Value))
                    {
                        updates++;
                    }
                    else if (element.Indices.Any(i => !i.ConstantValue.HasValue))
                    {
                        indexedStart = true;
                    }

                    continue;
                }

                if (value is ILocalReferenceOperation stored && IsStoredAsElementOf(stored, write.Value, logits))
                {
                    // double s = …; y[k] = s; if (s > max) max = s; — the local is the element just stored (min-char-rnn).
                    starts++;
                    updates++;
                    continue;
                }

                if (value is ILocalReferenceOperation foreachVariable && Collections.FindForEach(foreachVariable) is { } loop)
                {
                    if (!Collections.SameCollection(loop.Collection, logits))
                    {
                        return Certainty.No;
                    }

                    starts++;
                    updates++;
                    continue;
                }

                if (IsMaxUpdate(value, local, logits, out var sameLogits))
                {
                    if (!sameLogits)
                    {
                        return Certainty.No;
                    }

                    updates++;
                    continue;
                }

                if (value.ConstantValue.HasValue)
                {
                    return Certainty.No;
                }

                var nested = IsMaximumOf(value, logits, at, depth + 1);
                if (nested != Certainty.Yes)
                {
                    return nested;
                }

                starts++;
                strongStart = true;
            }

            if (starts == 0)
            {
                return Certainty.No;
            }

            if (strongStart || updates > 0)
            {
                return Certainty.Yes;
            }

            // Only element reads and no running maximum: x[0] is not the maximum; x[best] may be (an arg-max).
            return indexedStart ? Certainty.Unknown : Certainty.No;
        }

        /// <summary>
        /// True when <paramref name="local"/>, read by <paramref name="read"/> inside a loop, is declared in that loop's body and
        /// stored as is into an element of <paramref name="logits"/> in the same body: on every iteration it holds that element.
        /// </summary>
        private static bool IsStoredAsElementOf(ILocalReferenceOperation local, IOperation read, IOperation logits)
        {
            ILoopOperation? loop = null;
            for (var p = read.Parent; p is not null && loop is null; p = p.Parent)
            {
                if (p is IAnonymousFunctionOperation || p is ILocalFunctionOperation)
                {
                    return false;
                }

                loop = p as ILoopOperation;
            }

            if (loop is null || !(local.Local.Locations is { Length: > 0 } locations && loop.Body.Syntax.Span.Contains(locations[0].SourceSpan)))
            {
                return false;
            }

            foreach (var op in BodyOperations.Shared(loop.Body).OfKind(OperationKind.SimpleAssignment))
            {
                if (op is ISimpleAssignmentOperation assignment && Collections.Strip(assignment.Value) is ILocalReferenceOperation value
                    && SymbolEqualityComparer.Default.Equals(value.Local, local.Local)
                    && Collections.GetElement(Collections.Strip(assignment.Target)) is { } element
                    && Collections.SameCollection(element.Collection, logits))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool InLoop(IOperation operation)
        {
            for (var p = operation.Parent; p is not null; p = p.Parent)
            {
                if (p is ILoopOperation)
                {
                    return true;
                }

                if (p is IAnonymousFunctionOperation || p is ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary><c>Math.Max(m, x[i])</c> or <c>x[i] &gt; m ? x[i] : m</c>; <paramref name="sameLogits"/> tells whether the other side reads the logits.</summary>
        private static bool IsMaxUpdate(IOperation value, ILocalSymbol local, IOperation logits, out bool sameLogits)
        {
            sameLogits = false;
            IOperation? a = null;
            IOperation? b = null;
            switch (value)
            {
                case IInvocationOperation { TargetMethod: { Name: "Max" } } call when call.Arguments.Length == 2:
                    a = call.Arguments[0].Value;
                    b = call.Arguments[1].Value;
                    break;
                case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                    a = conditional.WhenTrue;
                    b = whenFalse;
                    break;
            }

            if (a is null || b is null)
            {
                return false;
            }

            var other = IsLocal(a, local) ? b : IsLocal(b, local) ? a : null;
            if (other is null)
            {
                return false;
            }

            var otherStripped = Collections.Strip(other);
            var element = Collections.GetElement(otherStripped);
            sameLogits = element is not null && Collections.SameCollection(element.Collection, logits);
            return true;
        }

        private static bool IsLocal(IOperation op, ILocalSymbol local)
        {
            var stripped = Collections.Strip(op);
            if (stripped is IArrayElementReferenceOperation element)
            {
                stripped = Collections.Strip(element.ArrayReference);
            }

            return stripped is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);
        }

        /// <summary>−∞ or the type's MinValue: a correct start for a running maximum.</summary>
        public static bool IsMaxStart(IOperation operation)
        {
            var constant = Collections.Strip(operation).ConstantValue;
            if (!constant.HasValue)
            {
                return false;
            }

            switch (constant.Value)
            {
                case double d:
                    return double.IsNegativeInfinity(d) || d == double.MinValue || d == float.MinValue;
                case float f:
                    return float.IsNegativeInfinity(f) || f == float.MinValue;
                default:
                    return false;
            }
        }

        /// <summary>How a storage is written.</summary>
        public enum WriteKind
        {
            /// <summary>Its declaration's initializer.</summary>
            Initializer,

            /// <summary>A simple assignment.</summary>
            Assignment,

            /// <summary>A compound assignment, increment, ref/out argument…</summary>
            Other,
        }

        /// <summary>One write of a storage.</summary>
        public readonly struct Write
        {
            /// <summary>Creates a write.</summary>
            public Write(WriteKind kind, IOperation value)
            {
                Kind = kind;
                Value = value;
            }

            /// <summary>How it is written.</summary>
            public WriteKind Kind { get; }

            /// <summary>The value written (the whole operation for <see cref="WriteKind.Other"/>).</summary>
            public IOperation Value { get; }
        }

        private static readonly KindSet s_writeKinds = KindSet.Of(
            OperationKind.VariableDeclarator, OperationKind.SimpleAssignment, OperationKind.CompoundAssignment,
            OperationKind.Increment, OperationKind.Decrement, OperationKind.Argument);

        /// <summary>Every write of <paramref name="local"/> in <paramref name="body"/> (of its elements when <paramref name="elements"/>).</summary>
        public static IEnumerable<Write> Writes(IOperation body, ILocalSymbol local, bool elements)
        {
            // The kinds read off the list: the other operations are never type-tested, and each listed one only against
            // the interface of its kind (arguments, the most numerous, are not tested as declarators and assignments first).
            var writes = BodyOperations.Shared(body).OfKind(s_writeKinds);
            while (writes.MoveNext())
            {
                var op = writes.Current;
                switch (writes.CurrentKind)
                {
                    case OperationKind.VariableDeclarator when op is IVariableDeclaratorOperation declarator:
                        if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)
                            && (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer) is { } init)
                        {
                            yield return new Write(WriteKind.Initializer, init.Value);
                        }

                        break;
                    case OperationKind.SimpleAssignment when op is ISimpleAssignmentOperation assignment:
                        if (Targets(assignment.Target, local, elements) || elements && Targets(assignment.Target, local, elements: false))
                        {
                            yield return new Write(WriteKind.Assignment, assignment.Value);
                        }

                        break;
                    case OperationKind.CompoundAssignment when op is ICompoundAssignmentOperation compound:
                        if (Targets(compound.Target, local, elements))
                        {
                            yield return new Write(WriteKind.Other, op);
                        }

                        break;
                    case OperationKind.Increment or OperationKind.Decrement when op is IIncrementOrDecrementOperation increment:
                        if (Targets(increment.Target, local, elements))
                        {
                            yield return new Write(WriteKind.Other, op);
                        }

                        break;
                    case OperationKind.Argument when op is IArgumentOperation argument:
                        if (argument.Parameter is { RefKind: RefKind.Ref or RefKind.Out }
                            && (Targets(argument.Value, local, elements: false) || Targets(argument.Value, local, elements: true)))
                        {
                            yield return new Write(WriteKind.Other, argument);
                        }

                        break;
                }
            }
        }

        private static bool Targets(IOperation target, ILocalSymbol local, bool elements)
        {
            var op = Collections.Strip(target);
            if (elements)
            {
                if (!(op is IArrayElementReferenceOperation element))
                {
                    return false;
                }

                op = Collections.Strip(element.ArrayReference);
            }

            return op is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);
        }
    }
}
