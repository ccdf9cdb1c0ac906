using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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
using Microsoft.CodeAnalysis.Text;
using NnAnalyzers.Rules;

namespace NnAnalyzers.CodeFixes.Rules
{
    /// <summary>
    /// Fixes NN0001: "Use a Glorot (Xavier) uniform range" (weights, when fan-in and fan-out are known), "Initialize
    /// biases to zero" (biases), "Centre the range on zero" (both, keeping the scale). The first fix offered is the
    /// recommended one (Glorot for weights, zero for biases, centring when it is the only one) under the key
    /// "NN0001.Recommended": its Fix All gives each parameter its own recommended fix, so weights and biases of one
    /// network are fixed together whatever diagnostic the Fix All starts from. "NN0001.Centre" centres everything.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NN0001AllPositiveWeightInitializationFixer)), Shared]
    public sealed class NN0001AllPositiveWeightInitializationFixer : NnCodeFixProvider
    {
        /// <summary>Title of the Glorot fix.</summary>
        public const string GlorotTitle = "Use a Glorot (Xavier) uniform range";

        /// <summary>Title of the centring fix.</summary>
        public const string CentreTitle = "Centre the range on zero";

        /// <summary>Title of the zero-bias fix.</summary>
        public const string ZeroTitle = "Initialize biases to zero";

        /// <summary>Equivalence key of the recommended fix of each diagnostic (Glorot, zero bias, or centring when alone).</summary>
        public const string RecommendedVariant = "Recommended";

        /// <summary>Variant: Glorot range.</summary>
        public const string GlorotVariant = "Glorot";

        /// <summary>Equivalence key variant of the centring fix.</summary>
        public const string CentreVariant = "Centre";

        /// <summary>Equivalence key variant of the zero-bias fix.</summary>
        public const string ZeroVariant = "ZeroBias";

        /// <summary>Creates the provider.</summary>
        public NN0001AllPositiveWeightInitializationFixer()
            : base(RuleIds.AllPositiveWeightInitialization)
        {
        }

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var rewrites = Rewrites(model, diagnostic, context.CancellationToken);

                // The recommended fix (Glorot for weights, zero for biases, else centring) always carries the same key,
                // so that a Fix All started from any diagnostic (dotnet format takes the first action of the first
                // diagnostic it meets) gives every parameter its own recommended fix.
                string? recommended = null;
                foreach (var variant in Variants(diagnostic))
                {
                    if (Replacement(root, rewrites, variant) is null)
                    {
                        continue;
                    }

                    if (recommended is null)
                    {
                        recommended = variant;
                        Register(context, diagnostic, variant, Key(RecommendedVariant));
                    }
                    else if (variant == CentreVariant)
                    {
                        Register(context, diagnostic, variant, Key(CentreVariant));
                    }
                }
            }
        }

        private static void Register(CodeFixContext context, Diagnostic diagnostic, string variant, string key)
        {
            var title = variant == GlorotVariant ? GlorotTitle : variant == ZeroVariant ? ZeroTitle : CentreTitle;
            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => ApplyAsync(document, new[] { diagnostic }, variant, ct), key),
                diagnostic);
        }

        /// <summary>The rewrites of a diagnostic's value, computed from the document as it is now (the analyzer does not carry them).</summary>
        private static ImmutableDictionary<string, string?> Rewrites(SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => NN0001AllPositiveWeightInitializationAnalyzer.Rewrites(model, diagnostic.Location.SourceSpan, IsBias(diagnostic), cancellationToken);

        private static bool IsBias(Diagnostic diagnostic)
            => diagnostic.Properties.TryGetValue(NN0001AllPositiveWeightInitializationAnalyzer.Keys.Kind, out var kind) && kind == "Bias";

        /// <summary>The variants a diagnostic offers, recommended first.</summary>
        private static IEnumerable<string> Variants(Diagnostic diagnostic)
        {
            if (IsBias(diagnostic))
            {
                yield return ZeroVariant;
            }
            else
            {
                yield return GlorotVariant;
            }

            yield return CentreVariant;
        }

        private static string PropertyOf(string variant) => variant switch
        {
            GlorotVariant => NN0001AllPositiveWeightInitializationAnalyzer.Keys.Glorot,
            ZeroVariant => NN0001AllPositiveWeightInitializationAnalyzer.Keys.Zero,
            _ => NN0001AllPositiveWeightInitializationAnalyzer.Keys.Centre,
        };

        /// <summary>The node to replace and its replacement, when the variant applies and its result parses.</summary>
        private static (SyntaxNode Node, ExpressionSyntax Replacement)? Replacement(SyntaxNode root, ImmutableDictionary<string, string?> rewrites, string variant)
        {
            if (!rewrites.TryGetValue(PropertyOf(variant), out var encoded) || encoded is null)
            {
                return null;
            }

            var first = encoded.IndexOf(':');
            var second = first < 0 ? -1 : encoded.IndexOf(':', first + 1);
            if (second < 0
                || !int.TryParse(encoded.Substring(0, first), NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
                || !int.TryParse(encoded.Substring(first + 1, second - first - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var length))
            {
                return null;
            }

            var span = new TextSpan(start, length);
            if (span.End > root.FullSpan.End)
            {
                return null;
            }

            var node = root.FindNode(span, getInnermostNodeForTie: true);
            while (!(node is ExpressionSyntax) && node.Parent is not null && node.Parent.Span == span)
            {
                node = node.Parent;
            }

            if (!(node is ExpressionSyntax) || node.Span != span)
            {
                return null;
            }

            var text = encoded.Substring(second + 1);
            var replacement = SyntaxFactory.ParseExpression(text);
            if (replacement.ContainsDiagnostics || replacement.Span.Length != text.Trim().Length)
            {
                return null;
            }

            if (NeedsParentheses(node, replacement))
            {
                replacement = SyntaxFactory.ParenthesizedExpression(replacement);
            }

            replacement = replacement
                .WithTriviaFrom(node)
                .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
            return (node, replacement);
        }

        private static bool NeedsParentheses(SyntaxNode node, ExpressionSyntax replacement)
        {
            switch (replacement)
            {
                case ParenthesizedExpressionSyntax _:
                case IdentifierNameSyntax _:
                case LiteralExpressionSyntax _:
                case InvocationExpressionSyntax _:
                case MemberAccessExpressionSyntax _:
                case ElementAccessExpressionSyntax _:
                case ObjectCreationExpressionSyntax _:
                    return false;
            }

            switch (node.Parent)
            {
                case AssignmentExpressionSyntax assignment when assignment.Right == node:
                case ParenthesizedExpressionSyntax _:
                case LambdaExpressionSyntax _:
                case ArgumentSyntax _:
                case EqualsValueClauseSyntax _:
                case ReturnStatementSyntax _:
                case ArrowExpressionClauseSyntax _:
                case InitializerExpressionSyntax _:
                    return false;
                default:
                    return node.Parent is ExpressionSyntax;
            }
        }

        private static async Task<Document> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, string? variant, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model is null)
            {
                return document;
            }

            var replacements = new Dictionary<SyntaxNode, ExpressionSyntax>();
            var spans = new List<TextSpan>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                var chosen = Choose(root, diagnostic, Rewrites(model, diagnostic, cancellationToken), variant);
                if (chosen is null)
                {
                    continue;
                }

                var (node, replacement) = chosen.Value;
                if (replacements.ContainsKey(node) || spans.Any(s => s.OverlapsWith(node.Span)))
                {
                    continue;
                }

                replacements.Add(node, replacement);
                spans.Add(node.Span);
            }

            if (replacements.Count == 0)
            {
                return document;
            }

            var newRoot = root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
            var changed = document.WithSyntaxRoot(newRoot);
            changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The replacement for one diagnostic: the centring fix for "Centre" (and the Glorot/zero fix when applied
        /// singly); for "Recommended" or no key, the diagnostic's own recommended fix.
        /// </summary>
        private static (SyntaxNode Node, ExpressionSyntax Replacement)? Choose(SyntaxNode root, Diagnostic diagnostic, ImmutableDictionary<string, string?> rewrites, string? variant)
        {
            if (variant == CentreVariant)
            {
                return Replacement(root, rewrites, CentreVariant);
            }

            if (variant == GlorotVariant || variant == ZeroVariant)
            {
                return Replacement(root, rewrites, variant);
            }

            foreach (var candidate in Variants(diagnostic))
            {
                if (Replacement(root, rewrites, candidate) is { } found)
                {
                    return found;
                }
            }

            return null;
        }

        private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var variant = context.CodeActionEquivalenceKey;
            var prefix = RuleIds.AllPositiveWeightInitialization + ".";
            if (variant is not null && variant.StartsWith(prefix, System.StringComparison.Ordinal))
            {
                variant = variant.Substring(prefix.Length);
            }

            return await ApplyAsync(document, diagnostics, variant, context.CancellationToken).ConfigureAwait(false);
        }
    }
}
