using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>Small IOperation helpers shared by every semantics question.</summary>
    public static class Operations
    {
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
    }
}
