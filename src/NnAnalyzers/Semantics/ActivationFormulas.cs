using System;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NnAnalyzers.Semantics
{
    /// <summary>The activation a formula computes, or the derivative it computes and what that derivative takes.</summary>
    public enum ActivationRole
    {
        /// <summary>Neither an activation nor a derivative we know.</summary>
        None,

        /// <summary>σ(v) = 1 / (1 + e^−v).</summary>
        Sigmoid,

        /// <summary>tanh(v).</summary>
        Tanh,

        /// <summary>σ′ written for the output: v · (1 − v), correct only when v = σ(z).</summary>
        SigmoidDerivativeFromOutput,

        /// <summary>tanh′ written for the output: 1 − v², correct only when v = tanh(z).</summary>
        TanhDerivativeFromOutput,

        /// <summary>σ′ written for the pre-activation: σ(v) · (1 − σ(v)).</summary>
        SigmoidDerivativeFromPreActivation,

        /// <summary>tanh′ written for the pre-activation: 1 − tanh(v)².</summary>
        TanhDerivativeFromPreActivation,
    }

    /// <summary>
    /// "Which activation or derivative does this formula compute, and of what?" — recognised on syntax, so that the
    /// body of a helper method in any file can be read: <c>1 / (1 + Math.Exp(-v))</c> (also with <c>Math.Pow(Math.E, -v)</c>), <c>Math.Tanh(v)</c>,
    /// <c>v.PointwiseTanh()</c>, <c>v * (1 - v)</c>, <c>v.PointwiseMultiply(1 - v)</c>, <c>1 - v * v</c>,
    /// <c>1 - v.PointwisePower(2)</c>, and MathNet <c>v.Map(x =&gt; …)</c> of any of them. The caller says what "v" is
    /// with a predicate (a parameter, or any expression equal to another one).
    /// </summary>
    public static class ActivationFormulas
    {
        /// <summary>Whether the role is a derivative that takes the activation's output.</summary>
        public static bool TakesOutput(ActivationRole role)
            => role == ActivationRole.SigmoidDerivativeFromOutput || role == ActivationRole.TanhDerivativeFromOutput;

        /// <summary>Whether the role is a derivative that takes the pre-activation.</summary>
        public static bool TakesPreActivation(ActivationRole role)
            => role == ActivationRole.SigmoidDerivativeFromPreActivation || role == ActivationRole.TanhDerivativeFromPreActivation;

        /// <summary>Whether the role is an activation function.</summary>
        public static bool IsActivation(ActivationRole role) => role == ActivationRole.Sigmoid || role == ActivationRole.Tanh;

        /// <summary>"sigmoid" or "tanh" for a role.</summary>
        public static string FunctionName(ActivationRole role)
            => role == ActivationRole.Tanh || role == ActivationRole.TanhDerivativeFromOutput || role == ActivationRole.TanhDerivativeFromPreActivation ? "tanh" : "sigmoid";

        /// <summary>
        /// The role of <paramref name="expression"/> as a function of the value <paramref name="isValue"/> accepts;
        /// <paramref name="value"/> is the first occurrence of that value.
        /// </summary>
        public static ActivationRole Classify(ExpressionSyntax expression, Func<ExpressionSyntax, bool> isValue, out ExpressionSyntax? value)
        {
            value = null;
            var e = Strip(expression);
            if (IsSigmoid(e, isValue, out value))
            {
                return ActivationRole.Sigmoid;
            }

            if (IsTanh(e, isValue, out value))
            {
                return ActivationRole.Tanh;
            }

            if (IsSigmoidOutputDerivative(e, isValue, out value))
            {
                return ActivationRole.SigmoidDerivativeFromOutput;
            }

            if (IsTanhOutputDerivative(e, isValue, out value))
            {
                return ActivationRole.TanhDerivativeFromOutput;
            }

            // z.Select(v => …).ToArray() / .ToList(): the materialised sequence holds what the Select computes.
            if (Materialised(e) is { } sequence)
            {
                e = sequence;
            }

            if (MapLambda(e, out var receiver, out var lambdaBody, out var parameter) && isValue(receiver))
            {
                var inner = Classify(lambdaBody, x => IsIdentifier(x, parameter), out _);
                if (inner != ActivationRole.None)
                {
                    value = receiver;
                    return inner;
                }
            }

            return ActivationRole.None;
        }

        /// <summary>
        /// An output-form derivative written inline on any expression: <c>e * (1 - e)</c>, <c>e.PointwiseMultiply(1 - e)</c>,
        /// <c>1 - e * e</c>…; <paramref name="first"/> and <paramref name="second"/> receive the occurrences of e.
        /// </summary>
        public static ActivationRole ClassifyInlineDerivative(ExpressionSyntax expression, out ExpressionSyntax? first, out ExpressionSyntax? second)
        {
            first = null;
            second = null;
            var e = Strip(expression);
            ExpressionSyntax? candidate = null;

            // v * (1 - v), (1 - v) * v, v.PointwiseMultiply(1 - v), (1 - v).PointwiseMultiply(v)
            if (Product(e, out var left, out var right))
            {
                if (OneMinus(right, out var r))
                {
                    first = Strip(left);
                    second = r;

                    // error * v * (1 - v) parses as (error * v) * (1 - v)
                    if (!SyntaxFactory.AreEquivalent(first, second) && first is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.MultiplyExpression } chained)
                    {
                        first = Strip(chained.Right);
                    }
                }
                else if (OneMinus(left, out var l))
                {
                    first = l;
                    second = Strip(right);
                }

                if (first is not null && second is not null && SyntaxFactory.AreEquivalent(first, second) && !IsOne(first))
                {
                    return ActivationRole.SigmoidDerivativeFromOutput;
                }

                first = second = null;
            }

            // 1 - v * v, 1 - v.PointwiseMultiply(v), 1 - v.PointwisePower(2), 1 - Math.Pow(v, 2)
            if (OneMinus(e, out var squared))
            {
                if (Product(squared, out var a, out var b))
                {
                    first = Strip(a);
                    second = Strip(b);
                    if (SyntaxFactory.AreEquivalent(first, second) && !IsOne(first))
                    {
                        return ActivationRole.TanhDerivativeFromOutput;
                    }
                }
                else if (Square(squared, out candidate))
                {
                    first = candidate;
                    return ActivationRole.TanhDerivativeFromOutput;
                }
            }

            first = second = null;
            return ActivationRole.None;
        }

        /// <summary>The expression without parentheses and <c>checked</c>/<c>unchecked</c> wrappers.</summary>
        public static ExpressionSyntax Strip(ExpressionSyntax expression)
        {
            while (true)
            {
                switch (expression)
                {
                    case ParenthesizedExpressionSyntax p:
                        expression = p.Expression;
                        continue;
                    case CheckedExpressionSyntax c:
                        expression = c.Expression;
                        continue;
                    default:
                        return expression;
                }
            }
        }

        // The sequence materialised by x.ToArray() / x.ToList(), or null.
        private static ExpressionSyntax? Materialised(ExpressionSyntax e)
            => e is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToArray" or "ToList" } member, ArgumentList.Arguments.Count: 0 }
                ? Strip(member.Expression)
                : null;

        /// <summary>
        /// <c>receiver.Map(x =&gt; body)</c> (MathNet's pure Map, not <c>MapInplace</c>) or LINQ's <c>receiver.Select(x =&gt; body)</c>:
        /// the function applied to every element.
        /// </summary>
        public static bool MapLambda(ExpressionSyntax e, out ExpressionSyntax receiver, out ExpressionSyntax body, out string parameter)
        {
            receiver = null!;
            body = null!;
            parameter = string.Empty;
            if (e is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } invocation
                && (member.Name.Identifier.ValueText == "Map" || member.Name.Identifier.ValueText == "Select")
                && invocation.ArgumentList.Arguments.Count >= 1)
            {
                var argument = Strip(invocation.ArgumentList.Arguments[0].Expression);
                switch (argument)
                {
                    case SimpleLambdaExpressionSyntax simple when simple.ExpressionBody is { } b1:
                        receiver = Strip(member.Expression);
                        body = b1;
                        parameter = simple.Parameter.Identifier.ValueText;
                        return true;
                    case ParenthesizedLambdaExpressionSyntax paren when paren.ExpressionBody is { } b2 && paren.ParameterList.Parameters.Count == 1:
                        receiver = Strip(member.Expression);
                        body = b2;
                        parameter = paren.ParameterList.Parameters[0].Identifier.ValueText;
                        return true;
                }
            }

            return false;
        }

        /// <summary>Whether <paramref name="e"/> is the identifier <paramref name="name"/>.</summary>
        public static bool IsIdentifier(ExpressionSyntax e, string name)
            => Strip(e) is IdentifierNameSyntax id && id.Identifier.ValueText == name;

        private static bool IsSigmoid(ExpressionSyntax e, Func<ExpressionSyntax, bool> isValue, out ExpressionSyntax? value)
        {
            value = null;

            // 1 / (1 + exp(-v))  and  exp(v) / (1 + exp(v))
            if (e is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.DivideExpression } divide
                && Strip(divide.Right) is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } sum)
            {
                var exp = IsOne(sum.Left) ? Strip(sum.Right) : IsOne(sum.Right) ? Strip(sum.Left) : null;
                if (exp is null)
                {
                    return false;
                }

                if (IsOne(divide.Left) && Exp(exp, out var negated) && Negation(negated, out var v) && isValue(v))
                {
                    value = v;
                    return true;
                }

                if (Exp(Strip(divide.Left), out var top) && Exp(exp, out var bottom) && SyntaxFactory.AreEquivalent(top, bottom) && isValue(top))
                {
                    value = top;
                    return true;
                }
            }

            return false;
        }

        private static bool IsTanh(ExpressionSyntax e, Func<ExpressionSyntax, bool> isValue, out ExpressionSyntax? value)
        {
            value = null;
            if (e is not InvocationExpressionSyntax invocation)
            {
                return false;
            }

            var name = MethodName(invocation);
            var arguments = invocation.ArgumentList.Arguments;

            // Math.Tanh(v), MathF.Tanh(v), Tanh(v) under using static
            if (name == "Tanh" && arguments.Count == 1 && invocation.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Math" or "MathF" } } or IdentifierNameSyntax)
            {
                var v = Strip(arguments[0].Expression);
                if (isValue(v))
                {
                    value = v;
                    return true;
                }
            }

            // v.PointwiseTanh(), v.Map(Math.Tanh)
            if (invocation.Expression is MemberAccessExpressionSyntax member)
            {
                var receiver = Strip(member.Expression);
                if (((name == "PointwiseTanh" && arguments.Count == 0)
                        || (name == "Map" && arguments.Count >= 1 && Strip(arguments[0].Expression) is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Tanh", Expression: IdentifierNameSyntax { Identifier.ValueText: "Math" or "MathF" } }))
                    && isValue(receiver))
                {
                    value = receiver;
                    return true;
                }
            }

            return false;
        }

        private static bool IsSigmoidOutputDerivative(ExpressionSyntax e, Func<ExpressionSyntax, bool> isValue, out ExpressionSyntax? value)
        {
            value = null;
            if (ClassifyInlineDerivative(e, out var first, out _) == ActivationRole.SigmoidDerivativeFromOutput && first is not null && isValue(first))
            {
                value = first;
                return true;
            }

            return false;
        }

        private static bool IsTanhOutputDerivative(ExpressionSyntax e, Func<ExpressionSyntax, bool> isValue, out ExpressionSyntax? value)
        {
            value = null;
            if (ClassifyInlineDerivative(e, out var first, out _) == ActivationRole.TanhDerivativeFromOutput && first is not null && isValue(first))
            {
                value = first;
                return true;
            }

            return false;
        }

        private static bool Product(ExpressionSyntax e, out ExpressionSyntax left, out ExpressionSyntax right)
        {
            switch (e)
            {
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.MultiplyExpression } binary:
                    left = binary.Left;
                    right = binary.Right;
                    return true;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } invocation
                    when member.Name.Identifier.ValueText == "PointwiseMultiply" && invocation.ArgumentList.Arguments.Count == 1:
                    left = member.Expression;
                    right = invocation.ArgumentList.Arguments[0].Expression;
                    return true;
                default:
                    left = right = null!;
                    return false;
            }
        }

        // v.PointwisePower(2), Math.Pow(v, 2)
        private static bool Square(ExpressionSyntax e, out ExpressionSyntax? value)
        {
            value = null;
            if (Strip(e) is InvocationExpressionSyntax invocation && invocation.Expression is MemberAccessExpressionSyntax member)
            {
                var arguments = invocation.ArgumentList.Arguments;
                var name = member.Name.Identifier.ValueText;
                if (name == "PointwisePower" && arguments.Count == 1 && IsTwo(arguments[0].Expression))
                {
                    value = Strip(member.Expression);
                    return true;
                }

                if (name == "Pow" && arguments.Count == 2 && IsTwo(arguments[1].Expression))
                {
                    value = Strip(arguments[0].Expression);
                    return true;
                }
            }

            return false;
        }

        private static bool OneMinus(ExpressionSyntax e, out ExpressionSyntax value)
        {
            if (Strip(e) is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } difference && IsOne(difference.Left))
            {
                value = Strip(difference.Right);
                return true;
            }

            value = null!;
            return false;
        }

        // Math.Exp(x), MathF.Exp(x), Exp(x), Math.Pow(Math.E, x), MathF.Pow(MathF.E, x), x.PointwiseExp()
        private static bool Exp(ExpressionSyntax e, out ExpressionSyntax argument)
        {
            argument = null!;
            if (e is not InvocationExpressionSyntax invocation)
            {
                return false;
            }

            var name = MethodName(invocation);
            if (name == "Exp" && invocation.ArgumentList.Arguments.Count == 1)
            {
                argument = Strip(invocation.ArgumentList.Arguments[0].Expression);
                return true;
            }

            if (name == "Pow" && invocation.ArgumentList.Arguments.Count == 2 && IsEuler(invocation.ArgumentList.Arguments[0].Expression))
            {
                argument = Strip(invocation.ArgumentList.Arguments[1].Expression);
                return true;
            }

            if (name == "PointwiseExp" && invocation.ArgumentList.Arguments.Count == 0 && invocation.Expression is MemberAccessExpressionSyntax member)
            {
                argument = Strip(member.Expression);
                return true;
            }

            return false;
        }

        // Math.E, MathF.E, System.Math.E (a bare E could be anything: read as e only where Math owns it)
        private static bool IsEuler(ExpressionSyntax e)
        {
            if (Strip(e) is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "E" } member)
            {
                var owner = member.Expression.ToString();
                return owner == "Math" || owner == "MathF" || owner == "System.Math" || owner == "System.MathF";
            }

            return false;
        }

        // -v, v.Negate()
        private static bool Negation(ExpressionSyntax e, out ExpressionSyntax value)
        {
            value = null!;
            switch (Strip(e))
            {
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } minus:
                    value = Strip(minus.Operand);
                    return true;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } invocation
                    when member.Name.Identifier.ValueText == "Negate" && invocation.ArgumentList.Arguments.Count == 0:
                    value = Strip(member.Expression);
                    return true;
                default:
                    return false;
            }
        }

        private static string? MethodName(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            IdentifierNameSyntax id => id.Identifier.ValueText,
            _ => null,
        };

        private static bool IsOne(ExpressionSyntax e) => IsNumber(e, 1.0);

        private static bool IsTwo(ExpressionSyntax e) => IsNumber(e, 2.0);

        private static bool IsNumber(ExpressionSyntax e, double expected) => NumberOf(e) == expected;

        /// <summary>A numeric literal (also cast) or a generic-math constant (<c>T.One</c>, <c>T.CreateChecked(0.5)</c>).</summary>
        public static bool IsConstant(ExpressionSyntax e) => NumberOf(e) is not null;

        // A numeric literal (also cast), or generic math's T.One, T.CreateChecked(0.5).
        private static double? NumberOf(ExpressionSyntax e)
        {
            e = Strip(e);
            if (e is CastExpressionSyntax cast)
            {
                e = Strip(cast.Expression);
            }

            if (e is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression } literal)
            {
                switch (literal.Token.Value)
                {
                    case int i: return i;
                    case long l: return l;
                    case double d: return d;
                    case float f: return f;
                    case decimal m: return (double)m;
                }
            }

            return e is MemberAccessExpressionSyntax or InvocationExpressionSyntax && GenericMath.TryConstant(e, NumberOf, out var value) ? value : null;
        }
    }
}
