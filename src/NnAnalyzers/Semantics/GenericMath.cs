using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// Generic math (<c>System.Numerics</c>, .NET 7 and later) read as <c>Math</c>: a library over
    /// <c>T : IFloatingPointIeee754&lt;T&gt;</c> writes <c>T.Exp(-z)</c>, <c>T.Log(p)</c>, <c>T.One - p</c>,
    /// <c>T.CreateChecked(0.5)</c>; a numeric type's own functions read the same (<c>double.Exp(z)</c>, <c>float.Log(p)</c>).
    /// The rules ask "is this Math.Exp?", "is this the constant 1?": these answers make the generic spelling the same function.
    /// </summary>
    public static class GenericMath
    {
        /// <summary>
        /// True for a type whose static functions are <c>Math</c>'s by another spelling: <c>double</c>, <c>float</c>,
        /// <c>Half</c>, and the generic-math interfaces a call on a type parameter binds to
        /// (<c>T.Exp(x)</c> is <c>IExponentialFunctions&lt;T&gt;.Exp</c>). The caller checks the function's name.
        /// </summary>
        public static bool IsFunctionOwner(INamedTypeSymbol? type)
        {
            if (type is null)
            {
                return false;
            }

            if (type.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
            {
                return true;
            }

            return type.TypeKind == TypeKind.Interface ? IsNumericsInterface(type)
                : type.TypeKind == TypeKind.Struct && type.Name == "Half" && Namespaces.Is(type.ContainingNamespace, "System");
        }

        /// <summary>
        /// A type parameter constrained to a generic-math interface (<c>T : INumber&lt;T&gt;</c>,
        /// <c>T : IFloatingPointIeee754&lt;T&gt;</c>): a number, as <c>double</c> is.
        /// </summary>
        public static bool IsNumberTypeParameter(ITypeSymbol? type)
        {
            if (type is not ITypeParameterSymbol parameter)
            {
                return false;
            }

            foreach (var constraint in parameter.ConstraintTypes)
            {
                if (constraint is INamedTypeSymbol { TypeKind: TypeKind.Interface } named && IsNumericsInterface(named))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A generic-math interface of <c>System.Numerics</c> (<c>INumberBase&lt;T&gt;</c>, <c>IExponentialFunctions&lt;T&gt;</c>…).</summary>
        public static bool IsNumericsInterface(INamedTypeSymbol type)
            => type.IsGenericType && type.Name.Length > 1 && type.Name[0] == 'I' && Namespaces.Is(type.ContainingNamespace, "System.Numerics");

        /// <summary>
        /// <c>T.CreateChecked(x)</c>, <c>CreateSaturating</c>, <c>CreateTruncating</c>, also on a numeric type
        /// (<c>double.CreateChecked(n)</c>): a conversion that keeps its argument's value.
        /// </summary>
        public static bool IsConversion(IMethodSymbol method)
            => method.IsStatic && method.Name is "CreateChecked" or "CreateSaturating" or "CreateTruncating" && method.Parameters.Length == 1
                && method.ContainingType is { } type && (type.SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Decimal
                    || type.TypeKind == TypeKind.Interface && IsNumericsInterface(type));

        /// <summary>
        /// The value of a generic-math constant: <c>T.Zero</c>, <c>T.One</c>, <c>T.NegativeOne</c>, and a conversion of
        /// a constant (<c>T.CreateChecked(0.5)</c>). Compile-time constants are the caller's to read first.
        /// </summary>
        public static bool TryConstant(IOperation? operation, out double value)
        {
            value = 0;
            switch (Operations.WithoutConversions(operation))
            {
                case IPropertyReferenceOperation { Instance: null } property when property.Property.ContainingType is { } type
                    && (type.TypeKind == TypeKind.Interface && IsNumericsInterface(type) || type.SpecialType is SpecialType.System_Double or SpecialType.System_Single):
                    return TryNamedConstant(property.Property.Name, out value);
                case IInvocationOperation call when call.Arguments.Length == 1 && IsConversion(call.TargetMethod):
                    return RandomSign.TryConstant(call.Arguments[0].Value, out value);
                default:
                    return false;
            }
        }

        /// <summary>
        /// The same constants read on syntax, for formulas recognised on syntax (a helper's body in any file):
        /// <c>T.One</c>, <c>T.Zero</c>, <c>T.NegativeOne</c>, <c>T.CreateChecked(0.5)</c> (the argument read by
        /// <paramref name="literal"/>).
        /// </summary>
        public static bool TryConstant(ExpressionSyntax expression, System.Func<ExpressionSyntax, double?> literal, out double value)
        {
            value = 0;
            switch (expression)
            {
                case MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Expression: IdentifierNameSyntax or PredefinedTypeSyntax } member:
                    return TryNamedConstant(member.Name.Identifier.ValueText, out value);
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax or PredefinedTypeSyntax } callee } invocation
                    when invocation.ArgumentList.Arguments.Count == 1
                         && callee.Name.Identifier.ValueText is "CreateChecked" or "CreateSaturating" or "CreateTruncating":
                    if (literal(invocation.ArgumentList.Arguments[0].Expression) is { } argument)
                    {
                        value = argument;
                        return true;
                    }

                    return false;
                default:
                    return false;
            }
        }

        private static bool TryNamedConstant(string name, out double value)
        {
            switch (name)
            {
                case "Zero":
                    value = 0;
                    return true;
                case "One":
                    value = 1;
                    return true;
                case "NegativeOne":
                    value = -1;
                    return true;
                default:
                    value = 0;
                    return false;
            }
        }
    }
}
