using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// "Where can an activation derivative be?" — answered before a body's values are classified, so that a body without
    /// one pays a look at its subtractions and its calls and nothing else. A derivative is either written inline (every
    /// output-form formula of <see cref="ActivationFormulas"/> contains <c>1 - v</c>: <c>v * (1 - v)</c>,
    /// <c>v.PointwiseMultiply(1 - v)</c>, <c>1 - v * v</c>, <c>1 - Math.Pow(v, 2)</c>, the same inside a <c>Map</c>
    /// lambda) or called: a method whose role <see cref="ActivationValues.RoleOf"/> reads as a derivative (a helper of one
    /// parameter whose body is such a formula, or one of our library's derivatives), invoked or passed as a method group.
    /// The answers are a superset of what <see cref="ActivationValues"/> recognises.
    /// </summary>
    public sealed class DerivativeSites
    {
        // The operations that name a method a body may call.
        private static readonly KindSet s_calls = KindSet.Of(OperationKind.Invocation, OperationKind.MethodReference);

        private readonly ActivationValues _activations;
        private readonly bool _hasFormula;

        // Whether each method called is a derivative (source helpers: most calls are of other helpers, a forward pass, a
        // softmax — those are told by their text, without classifying their bodies).
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _methods = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        private DerivativeSites(ActivationValues activations, bool hasFormula)
        {
            _activations = activations;
            _hasFormula = hasFormula;
        }

        /// <summary>
        /// Whether any file of the compilation holds a <c>1 - …</c> (read on the characters, stopping at the first file that
        /// does): without one there is neither an inline derivative nor a derivative helper in source.
        /// </summary>
        [MethodImpl(SignText.Hot)]
        public static DerivativeSites Create(Compilation compilation, ActivationValues activations, CancellationToken cancellationToken)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                var source = tree.GetText(cancellationToken);
                var length = source.Length;
                var text = Buffer(length);
                source.CopyTo(0, text, 0, length);
                if (NextOneMinus(text, length, 0) >= 0)
                {
                    return new DerivativeSites(activations, hasFormula: true);
                }
            }

            return new DerivativeSites(activations, hasFormula: false);
        }

        /// <summary>
        /// Whether the body (of a method, constructor, operator, accessor, expression-bodied property or indexer, or the
        /// top-level statements) may hold a derivative: an inline formula, or a call or method group of a derivative.
        /// Lambdas and local functions belong to the body around them.
        /// </summary>
        [MethodImpl(SignText.Hot)]
        public bool MayHoldDerivative(IOperation body, CancellationToken cancellationToken)
        {
            // Both questions are read off the body's operations (listed once for every rule). Inline formulas: every one
            // subtracts from 1, so only the subtractions from a constant 1 are climbed from, to the expression around them
            // (the rule itself looks at the body's products and subtractions, never at text the operations do not hold).
            var operations = BodyOperations.Shared(body);
            if (_hasFormula)
            {
                foreach (var operation in operations.OfKind(OperationKind.Binary))
                {
                    if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } subtraction
                        && IsOne(subtraction.LeftOperand) && MayBeInDerivative(subtraction.Syntax, body.Syntax))
                    {
                        return true;
                    }
                }
            }

            // Calls: of a derivative helper or library method, or one given as a method group.
            foreach (var operation in operations.OfKind(s_calls))
            {
                var method = operation is IInvocationOperation invocation ? invocation.TargetMethod : ((IMethodReferenceOperation)operation).Method;
                if (method.MethodKind == MethodKind.DelegateInvoke)
                {
                    if (((IInvocationOperation)operation).Instance is { } held && IsDerivative(_activations.DelegateRole(held, cancellationToken)))
                    {
                        return true;
                    }

                    continue;
                }

                if (IsDerivative(method, cancellationToken))
                {
                    return true;
                }
            }

            return false;
        }

        // The constant 1 however written (1, 1.0, 1f, (double)1, a constant named One, T.One): a superset of the literals the
        // formulas accept.
        private static bool IsOne(IOperation operand)
            => RandomSign.TryConstant(Operations.WithoutConversions(operand), out var value) && value == 1;

        // Whether the subtraction or an expression around it, inside the body, may be a derivative formula.
        private static bool MayBeInDerivative(SyntaxNode subtraction, SyntaxNode body)
        {
            for (var node = subtraction; node is not null && node != body; node = node.Parent)
            {
                if (node is MemberDeclarationSyntax || node is CompilationUnitSyntax)
                {
                    break;
                }

                if (MayBeDerivative(node))
                {
                    return true;
                }
            }

            return false;
        }

        // A method of the framework or of our library is told by its symbol; a helper in source by its body, once, and
        // only when its text holds a one-minus (every derivative formula does). Each method's answer is kept: a body's
        // calls are mostly of the same few methods (reading a symbol's parameters makes a new array every time).
        private bool IsDerivative(IMethodSymbol method, CancellationToken cancellationToken)
        {
            // A method from metadata is a derivative only as one of our library's activations (what RoleOf reads of
            // metadata): most calls of a body are the framework's, answered here without a table lookup.
            if (method.ContainingType?.Name != "Activations" && method.Locations is { IsEmpty: false } locations && !locations[0].IsInSource)
            {
                return false;
            }

            return Answers.Get(_methods, method, (Sites: this, Token: cancellationToken), static (m, s) => s.Sites.Classify(m, s.Token));
        }

        private bool Classify(IMethodSymbol method, CancellationToken cancellationToken)
        {
            method = (method.ReducedFrom ?? method).OriginalDefinition;
            if (method.Parameters.Length != 1 || method.DeclaringSyntaxReferences is not { Length: 1 } declarations)
            {
                return IsDerivative(_activations.RoleOf(method, cancellationToken));
            }

            return HoldsOneMinus(declarations[0].GetSyntax(cancellationToken), cancellationToken) && IsDerivative(_activations.RoleOf(method, cancellationToken));
        }

        private static bool HoldsOneMinus(SyntaxNode node, CancellationToken cancellationToken)
        {
            var span = node.Span;
            var text = Buffer(span.Length);
            node.SyntaxTree.GetText(cancellationToken).CopyTo(span.Start, text, 0, span.Length);
            return NextOneMinus(text, span.Length, 0) >= 0;
        }

        private static char[] Buffer(int length)
        {
            var buffer = t_buffer;
            if (buffer is null || buffer.Length < length)
            {
                t_buffer = buffer = new char[Math.Max(length, 16 * 1024)];
            }

            return buffer;
        }

        /// <summary>
        /// Whether the text may hold a subtraction from a numeric literal equal to 1 (<c>1 - v</c>, <c>1.0 - v</c>,
        /// <c>(1) - v</c>, <c>(double)1 - v</c>, generic math's <c>T.One - v</c>): a minus whose left neighbour ends a number
        /// token containing the digit 1 or a member named One, or a parenthesis closing on a number, or a comment. A superset, read on the characters: cheaper than the nodes.
        /// </summary>
        public static bool MayHoldOneMinus(string text) => MayHoldOneMinus(text.ToCharArray(), text.Length);

        [ThreadStatic]
        private static char[]? t_buffer;

        private static bool MayHoldOneMinus(char[] text, int length) => NextOneMinus(text, length, 0) >= 0;

        /// <summary>The position of the next minus sign from <paramref name="start"/> that <see cref="MayHoldOneMinus(string)"/> counts, or -1.</summary>
        [MethodImpl(SignText.Hot)]
        private static int NextOneMinus(char[] text, int length, int start)
        {
            for (var i = start < length ? Array.IndexOf(text, '-', start, length - start) : -1; i >= 0; i = i + 1 < length ? Array.IndexOf(text, '-', i + 1, length - i - 1) : -1)
            {
                if (i + 1 < length && (text[i + 1] == '-' || text[i + 1] == '=' || text[i + 1] == '>'))
                {
                    i++;
                    continue;
                }

                var j = PreviousNonWhite(text, i - 1);
                if (j < 0)
                {
                    continue;
                }

                if (text[j] == '/')
                {
                    return i;
                }

                if (text[j] == ')')
                {
                    j = PreviousNonWhite(text, j - 1);
                    if (j >= 0 && (text[j] == ')' || EndsNumberWithOne(text, j)))
                    {
                        return i;
                    }

                    continue;
                }

                if (EndsNumberWithOne(text, j) || EndsGenericOne(text, j))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Whether no file of the compilation holds a derivative formula (nor, then, a derivative helper).</summary>
        public bool HasNoFormula => !_hasFormula;

        private static int PreviousNonWhite(char[] text, int j)
        {
            while (j >= 0 && char.IsWhiteSpace(text[j]))
            {
                j--;
            }

            return j;
        }

        // The token ending at j is a number (starts with a digit) and contains the digit 1: every literal equal to 1 does
        // (1, 1.0, 1d, 1e0, 0x1, 0b1, 10e-1).
        private static bool EndsNumberWithOne(char[] text, int j)
        {
            var hasOne = false;
            var start = j;
            while (start >= 0 && (char.IsLetterOrDigit(text[start]) || text[start] == '_' || text[start] == '.'))
            {
                hasOne |= text[start] == '1';
                start--;
            }

            return hasOne && start < j && char.IsDigit(text[start + 1]);
        }

        // Generic math's one: T.One (a member named One, read after a dot).
        private static bool EndsGenericOne(char[] text, int j)
            => j >= 3 && text[j] == 'e' && text[j - 1] == 'n' && text[j - 2] == 'O' && text[j - 3] == '.';

        private static bool MayBeDerivative(SyntaxNode node)
        {
            switch (node)
            {
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.MultiplyExpression) || binary.IsKind(SyntaxKind.SubtractExpression):
                    return ActivationFormulas.ClassifyInlineDerivative(binary, out _, out _) != ActivationRole.None;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "PointwiseMultiply" } } invocation:
                    return ActivationFormulas.ClassifyInlineDerivative(invocation, out _, out _) != ActivationRole.None;
                default:
                    return false;
            }
        }

        private static bool IsDerivative(ActivationRole role) => ActivationFormulas.TakesOutput(role) || ActivationFormulas.TakesPreActivation(role);
    }
}
