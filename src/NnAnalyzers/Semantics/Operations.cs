using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>Small IOperation helpers shared by every semantics question.</summary>
    public static class Operations
    {
        /// <summary>
        /// <c>w.RowCount</c>, <c>w.Length</c>, <c>g.Count</c>, <c>w.GetLength(0)</c>: the reference is read for the shape of
        /// what it holds, not for its values.
        /// </summary>
        public static bool IsShapeRead(IOperation reference)
        {
            var parent = reference.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent switch
            {
                IPropertyReferenceOperation property => property.Arguments.Length == 0
                    && property.Property.Name is "Length" or "LongLength" or "Count" or "Rank" or "RowCount" or "ColumnCount",
                IInvocationOperation call => call.Instance is not null
                    && call.TargetMethod.Name is "GetLength" or "GetLongLength" or "GetUpperBound" or "GetLowerBound",
                _ => false,
            };
        }

        /// <summary>The operation without implicit or explicit conversions (and parentheses, which only VB models).</summary>
        public static IOperation? WithoutConversions(IOperation? operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>
        /// True when <paramref name="block"/> is nested in another of <paramref name="blocks"/> (an operation block
        /// action may receive a body together with parts of it): walk only the outermost blocks, or the inner ones are
        /// seen twice.
        /// </summary>
        public static bool IsInsideAnother(IOperation block, ImmutableArray<IOperation> blocks)
        {
            for (var parent = block.Parent; parent is not null; parent = parent.Parent)
            {
                if (blocks.Contains(parent))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
