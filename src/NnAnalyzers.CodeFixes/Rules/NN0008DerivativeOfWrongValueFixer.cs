using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using NnAnalyzers.Rules;
using NnAnalyzers.Semantics;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace NnAnalyzers.CodeFixes.Rules
{
    /// <summary>
    /// NN0008 fixes, all local to the derivative: "Pass the activation output" (<c>SigDeriv(z[i])</c> →
    /// <c>SigDeriv(a[i])</c>, offered only when the analyzer found the storage holding σ(z) at hand), "Remove the inner
    /// activation" (<c>SigDeriv(Sig(a))</c> → <c>SigDeriv(a)</c>) and, for our library, "Call the derivative that takes
    /// this value" (<c>…FromOutput(z)</c> ↔ <c>…FromPreActivation</c>). Fix All is the batch fixer: edits never overlap.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NN0008DerivativeOfWrongValueFixer))]
    [Shared]
    public sealed class NN0008DerivativeOfWrongValueFixer : NnCodeFixProvider
    {
        // Passing z's activation and removing a second activation are the same repair: pass the activation output.
        private const string UseActivationVariant = "PassOutput";
        private const string RemoveActivationVariant = "PassOutput";
        private const string SwapDerivativeVariant = "SwapDerivative";

        /// <summary>Creates the provider.</summary>
        public NN0008DerivativeOfWrongValueFixer()
            : base(RuleIds.DerivativeOfWrongValue)
        {
        }

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                diagnostic.Properties.TryGetValue(NN0008DerivativeOfWrongValueAnalyzer.KindProperty, out var kind);
                diagnostic.Properties.TryGetValue(NN0008DerivativeOfWrongValueAnalyzer.ReplacementProperty, out var replacement);
                diagnostic.Properties.TryGetValue(NN0008DerivativeOfWrongValueAnalyzer.MethodProperty, out var method);
                var site = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var nodes = diagnostic.AdditionalLocations
                    .Select(l => root.FindNode(l.SourceSpan, getInnermostNodeForTie: true) as ExpressionSyntax)
                    .ToList();
                if (nodes.Any(n => n is null))
                {
                    continue;
                }

                var document = context.Document;
                if (kind == NN0008DerivativeOfWrongValueAnalyzer.KindPreActivation && replacement is { Length: > 0 } && nodes.Count > 0
                    && nodes.All(n => RootIdentifier(n!) is not null))
                {
                    context.RegisterCodeFix(CodeAction.Create(
                        $"Pass the activation output '{replacement}'",
                        ct => UseActivationAsync(document, nodes!, replacement, ct),
                        Key(UseActivationVariant)), diagnostic);
                }

                if (kind == NN0008DerivativeOfWrongValueAnalyzer.KindAppliedTwice && nodes.Count >= 2 && nodes.Count % 2 == 0)
                {
                    context.RegisterCodeFix(CodeAction.Create(
                        "Remove the inner activation",
                        ct => RemoveActivationAsync(document, nodes!, ct),
                        Key(RemoveActivationVariant)), diagnostic);
                }

                if (method is { Length: > 0 } && site is InvocationExpressionSyntax invocation && NameOf(invocation) is { } name && name.Identifier.ValueText != method)
                {
                    context.RegisterCodeFix(CodeAction.Create(
                        $"Call '{method}'",
                        ct => SwapAsync(document, name, method, ct),
                        Key(SwapDerivativeVariant)), diagnostic);
                }
            }
        }

        private static async Task<Document> UseActivationAsync(Document document, IReadOnlyList<ExpressionSyntax> nodes, string replacement, CancellationToken ct)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var identifiers = nodes.Select(RootIdentifier).Where(i => i is not null).Select(i => i!).ToList();
            var newRoot = root!.ReplaceNodes(identifiers, (original, _) =>
                IdentifierName(replacement).WithTriviaFrom(original));
            return document.WithSyntaxRoot(newRoot);
        }

        private static async Task<Document> RemoveActivationAsync(Document document, IReadOnlyList<ExpressionSyntax> nodes, CancellationToken ct)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var map = new Dictionary<SyntaxNode, ExpressionSyntax>();
            for (var i = 0; i + 1 < nodes.Count; i += 2)
            {
                map[nodes[i]] = nodes[i + 1];
            }

            var newRoot = root!.ReplaceNodes(map.Keys, (original, _) =>
            {
                var inner = map[original].WithoutTrivia();
                ExpressionSyntax result = inner is IdentifierNameSyntax or ElementAccessExpressionSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
                    ? inner
                    : ParenthesizedExpression(inner).WithAdditionalAnnotations(Simplifier.Annotation);
                return result.WithTriviaFrom(original).WithAdditionalAnnotations(Formatter.Annotation);
            });
            return document.WithSyntaxRoot(newRoot);
        }

        private static async Task<Document> SwapAsync(Document document, SimpleNameSyntax name, string method, CancellationToken ct)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var newName = name.WithIdentifier(Identifier(method).WithTriviaFrom(name.Identifier));
            return document.WithSyntaxRoot(root!.ReplaceNode(name, newName));
        }

        private static SimpleNameSyntax? NameOf(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };

        // z in z, z[i], z[i][j].
        private static IdentifierNameSyntax? RootIdentifier(ExpressionSyntax expression)
        {
            var e = ActivationFormulas.Strip(expression);
            while (e is ElementAccessExpressionSyntax access)
            {
                e = ActivationFormulas.Strip(access.Expression);
            }

            return e as IdentifierNameSyntax;
        }
    }
}
