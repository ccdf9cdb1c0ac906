using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// "Is this non-negative random start meant to be non-negative?" (NN0001 asks it last, for a draw about to be
    /// reported). Three models want it so, and say it in their code:
    /// a draw normalised by its own sum is a point of the simplex (competitive learning's weights, mixture proportions);
    /// a draw over a whole period (<c>2 * Math.PI * r.NextDouble()</c>, <c>Math.Tau</c>) is a phase (random Fourier
    /// features), whose sign means nothing; a weight that its own updates keep at or above zero
    /// (<c>w[i] = Math.Max(0, w[i] + dw)</c>, <c>Math.Clamp(w, 0, wMax)</c>, <c>W = W.PointwiseMaximum(0)</c>) is
    /// constrained non-negative (excitatory synapses, an input-convex network's <c>Wz</c>).
    /// </summary>
    public static class IntendedSign
    {
        /// <summary>
        /// True when <paramref name="storage"/> is divided, in <paramref name="root"/>, by its own sum: <c>w.Select(v =&gt;
        /// v / s)</c> or <c>w[i] /= s</c> with <c>s = w.Sum()</c> (directly or through a local).
        /// </summary>
        public static bool IsNormalisedBySum(ISymbol storage, IOperation root)
        {
            foreach (var op in BodyOperations.Shared(root).OfKind(s_divisions))
            {
                var divisor = op switch
                {
                    IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } divide => divide.RightOperand,
                    ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound => compound.Value,
                    _ => null,
                };
                if (divisor is not null && IsSumOf(divisor, storage))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when the drawn value is scaled by π (<c>2 * Math.PI * r.NextDouble()</c>, <c>Math.Tau * u</c>): an angle.</summary>
        public static bool IsPhase(IOperation value)
        {
            foreach (var op in BodyOperations.Shared(value).OfKind(OperationKind.FieldReference))
            {
                if (op is IFieldReferenceOperation { Field: { Name: "PI" or "Tau", IsConst: true } field }
                    && field.ContainingType is { Name: "Math" or "MathF" or "Double" or "Single" } type && Namespaces.Is(type.ContainingNamespace, "System"))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when one of <paramref name="references"/> writes the storage (or an element of it) with a value bounded
        /// below by a constant at or above zero: <c>Math.Max(0, x)</c>, <c>Math.Max(x, 0)</c>, <c>Math.Clamp(x, 0, hi)</c>,
        /// <c>x.PointwiseMaximum(0)</c>, <c>x &lt; 0 ? 0 : x</c>, or a <c>MapInplace</c> whose function returns one.
        /// </summary>
        public static bool IsKeptNonNegative(IReadOnlyList<IOperation> references)
        {
            foreach (var reference in references)
            {
                var written = reference;
                while (written.Parent is { } parent
                       && (parent is IArrayElementReferenceOperation array && array.ArrayReference == written
                           || parent is IPropertyReferenceOperation { Arguments.Length: > 0 } indexer && indexer.Instance == written
                           || parent is IConversionOperation))
                {
                    written = parent;
                }

                switch (written.Parent)
                {
                    case ISimpleAssignmentOperation assignment when assignment.Target == written && IsLowerBoundedAtZero(assignment.Value):
                        return true;
                    case IInvocationOperation { TargetMethod.Name: "MapInplace" or "MapIndexedInplace" } map when map.Instance == written
                        && map.Arguments.Length >= 1 && Collections.LambdaArgument(map.Arguments[0].Value) is { } lambda
                        && Collections.ReturnedValue(lambda) is { } returned && IsLowerBoundedAtZero(returned):
                        return true;
                }
            }

            return false;
        }

        private static readonly KindSet s_divisions = KindSet.Of(OperationKind.Binary, OperationKind.CompoundAssignment);

        private static bool IsLowerBoundedAtZero(IOperation value)
        {
            switch (Operations.WithoutConversions(value))
            {
                case IInvocationOperation { TargetMethod.Name: "Max" } max when max.Arguments.Length == 2:
                    return IsNonNegativeConstant(max.Arguments[0].Value) || IsNonNegativeConstant(max.Arguments[1].Value);
                case IInvocationOperation { TargetMethod.Name: "Clamp" } clamp when clamp.Arguments.Length == 3:
                    return IsNonNegativeConstant(clamp.Arguments[1].Value);
                case IInvocationOperation { TargetMethod.Name: "PointwiseMaximum" } pointwise when pointwise.Arguments.Length >= 1:
                    return IsNonNegativeConstant(pointwise.Arguments[0].Value);
                case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                    return IsZero(conditional.WhenTrue) || IsZero(whenFalse); // w < 0 ? 0 : w
                default:
                    return false;
            }
        }

        private static bool IsZero(IOperation value) => RandomSign.TryConstant(Operations.WithoutConversions(value), out var constant) && constant == 0;

        private static bool IsNonNegativeConstant(IOperation value) => RandomSign.TryConstant(Operations.WithoutConversions(value), out var constant) && constant >= 0;

        // s of w.Sum(), w.Sum(…), or a local whose one initializer is one.
        private static bool IsSumOf(IOperation divisor, ISymbol storage)
        {
            var op = Operations.WithoutConversions(divisor);
            if (op is ILocalReferenceOperation local && Shifts.SingleInitializer(local) is { } initializer)
            {
                op = Operations.WithoutConversions(initializer);
            }

            return op is IInvocationOperation { TargetMethod.Name: "Sum" } sum && Collections.Receiver(sum) is { } receiver
                && SymbolEqualityComparer.Default.Equals(NetworkParameters.StorageOf(receiver), storage);
        }
    }
}
