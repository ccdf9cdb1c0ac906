using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// "Where can an activation derivative be?" — answered on syntax only, before anything is bound, so that code
    /// without one pays a syntax walk and nothing else. A derivative is either written inline (every output-form formula
    /// of <see cref="ActivationFormulas"/> contains <c>1 - v</c>: <c>v * (1 - v)</c>, <c>v.PointwiseMultiply(1 - v)</c>,
    /// <c>1 - v * v</c>, <c>1 - Math.Pow(v, 2)</c>, the same inside a <c>Map</c> lambda) or called by name: a helper of
    /// one parameter whose body is such a formula (found by one scan of the declarations of the compilation), or one of
    /// our library's derivatives. The answers are a superset of what <see cref="ActivationValues"/> recognises.
    /// </summary>
    public sealed class DerivativeSites
    {
        private static readonly string[] LibraryDerivatives =
        {
            "SigmoidDerivativeFromOutput", "TanhDerivativeFromOutput", "SigmoidDerivativeFromPreActivation", "TanhDerivativeFromPreActivation",
        };

        private readonly HashSet<string> _names;
        private readonly HashSet<SyntaxTree> _withFormulas;

        private DerivativeSites(HashSet<string> names, HashSet<SyntaxTree> withFormulas)
        {
            foreach (var name in LibraryDerivatives)
            {
                names.Add(name);
            }

            _names = names;
            _withFormulas = withFormulas;
        }

        /// <summary>
        /// Reads the declarations (not the bodies) of the trees of the compilation that can hold a formula for derivative
        /// helpers; a tree whose text has no <c>1 - …</c> is not parsed into nodes.
        /// </summary>
        [MethodImpl(SignText.Hot)]
        public static DerivativeSites Create(Compilation compilation, CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            var withFormulas = new HashSet<SyntaxTree>();
            var minusSigns = new List<int>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                var source = tree.GetText(cancellationToken);
                var length = source.Length;
                var text = Buffer(length);
                source.CopyTo(0, text, 0, length);
                minusSigns.Clear();
                for (var i = NextOneMinus(text, length, 0); i >= 0; i = NextOneMinus(text, length, i + 1))
                {
                    minusSigns.Add(i);
                }

                if (minusSigns.Count == 0)
                {
                    continue;
                }

                withFormulas.Add(tree);

                // Helpers that are local functions are found with the method that declares and calls them (their body is
                // an inline formula of that method), so the bodies are not entered here. A helper's formula holds one of
                // the file's one-minus signs: a method without one is not read (reading a body makes its nodes).
                var root = tree.GetRoot(cancellationToken);
                foreach (var node in root.DescendantNodes(n => n is CompilationUnitSyntax || n is BaseNamespaceDeclarationSyntax || n is TypeDeclarationSyntax))
                {
                    if (node is MethodDeclarationSyntax { ParameterList.Parameters.Count: 1 } method
                        && (method.ExpressionBody is not null || method.Body is not null)
                        && HoldsAny(minusSigns, method.Span)
                        && IsDerivative(ActivationValues.ClassifyHelper(method, method.ParameterList.Parameters[0].Identifier.ValueText)))
                    {
                        names.Add(method.Identifier.ValueText);
                    }
                }
            }

            return new DerivativeSites(names, withFormulas);
        }

        /// <summary>
        /// Whether the body (of a method, constructor, operator, accessor, expression-bodied property or indexer, or the
        /// top-level statements) may hold a derivative: an inline formula or a call of a derivative helper by name.
        /// Lambdas and local functions belong to the body around them.
        /// </summary>
        [MethodImpl(SignText.Hot)]
        public bool MayHoldDerivative(SyntaxNode body, CancellationToken cancellationToken)
        {
            // Read from the text, not by walking every node (a walk of a dense file cost more than the rest of the rule):
            // every inline formula subtracts from the literal 1, so the search starts at those minus signs and climbs to
            // the expression around them; every call of a derivative helper is an identifier spelled like it.
            var tree = body.SyntaxTree;
            var span = body.Span;
            var length = span.Length;
            var text = Buffer(length);
            tree.GetText(cancellationToken).CopyTo(span.Start, text, 0, length);
            if (_withFormulas.Contains(tree))
            {
                for (var i = NextOneMinus(text, length, 0); i >= 0; i = NextOneMinus(text, length, i + 1))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    for (var node = body.FindToken(span.Start + i).Parent; node is not null && node != body; node = node.Parent)
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
                }
            }

            foreach (var name in _names)
            {
                for (var i = IndexOf(text, length, name, 0); i >= 0; i = IndexOf(text, length, name, i + name.Length))
                {
                    var token = body.FindToken(span.Start + i);
                    if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name && token.Parent is SimpleNameSyntax)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        // Whether one of the ascending positions lies in the span.
        [MethodImpl(SignText.Hot)]
        private static bool HoldsAny(List<int> positions, TextSpan span)
        {
            var i = positions.BinarySearch(span.Start);
            return i >= 0 || (~i < positions.Count && positions[~i] < span.End);
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

        [MethodImpl(SignText.Hot)]
        private static int IndexOf(char[] text, int length, string word, int start)
        {
            for (var i = start; i <= length - word.Length; i++)
            {
                i = Array.IndexOf(text, word[0], i, length - word.Length + 1 - i);
                if (i < 0)
                {
                    return -1;
                }

                var k = 1;
                while (k < word.Length && text[i + k] == word[k])
                {
                    k++;
                }

                if (k == word.Length)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>
        /// Whether the text may hold a subtraction from a numeric literal equal to 1 (<c>1 - v</c>, <c>1.0 - v</c>,
        /// <c>(1) - v</c>, <c>(double)1 - v</c>): a minus whose left neighbour ends a number token containing the digit 1,
        /// or a parenthesis closing on one, or a comment. A superset, read on the characters: cheaper than the nodes.
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

                if (EndsNumberWithOne(text, j))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Whether no file of the compilation holds a derivative formula (nor, then, a derivative helper).</summary>
        public bool HasNoFormula => _withFormulas.Count == 0;

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

        private bool MayBeDerivative(SyntaxNode node)
        {
            switch (node)
            {
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.MultiplyExpression) || binary.IsKind(SyntaxKind.SubtractExpression):
                    return ActivationFormulas.ClassifyInlineDerivative(binary, out _, out _) != ActivationRole.None;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "PointwiseMultiply" } } invocation:
                    return ActivationFormulas.ClassifyInlineDerivative(invocation, out _, out _) != ActivationRole.None;
                case SimpleNameSyntax name:
                    return _names.Contains(name.Identifier.ValueText);
                default:
                    return false;
            }
        }

        private static bool IsDerivative(ActivationRole role) => ActivationFormulas.TakesOutput(role) || ActivationFormulas.TakesPreActivation(role);
    }
}
