using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace NnAnalyzers.CodeFixes
{
    /// <summary>
    /// Fix All for fixes that are not local (one fix declares a name, moves a statement or rewrites a neighbour that
    /// another diagnostic's fix also touches): every diagnostic's node is marked first, then the fixes are applied one
    /// after another, each on the document the previous one produced and with a fresh semantic model. A mark whose node
    /// is gone (an earlier fix already repaired it) is skipped.
    /// </summary>
    internal static class SequentialFixAll
    {
        /// <summary>Fixes one diagnostic at <paramref name="node"/> of <paramref name="document"/>; null when nothing applies.</summary>
        public delegate Task<Document?> FixOne(Document document, SyntaxNode node, Diagnostic diagnostic, string? equivalenceKey, CancellationToken cancellationToken);

        /// <summary>The node a diagnostic's fix starts from; null to skip the diagnostic (e.g. another variant's).</summary>
        public delegate SyntaxNode? Locate(SyntaxNode root, Diagnostic diagnostic, string? equivalenceKey);

        /// <summary>A Fix All provider that applies <paramref name="fixOne"/> to each diagnostic in turn.</summary>
        public static FixAllProvider Create(FixOne fixOne, Locate? locate = null)
            => FixAllProvider.Create((context, document, diagnostics) => FixDocumentAsync(document, diagnostics, context.CodeActionEquivalenceKey, fixOne, locate, context.CancellationToken));

        /// <summary>Applies <paramref name="fixOne"/> to every diagnostic of one document; null when nothing changed.</summary>
        public static async Task<Document?> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, FixOne fixOne, Locate? locate, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || diagnostics.IsEmpty)
            {
                return null;
            }

            var marks = new List<(SyntaxAnnotation Mark, Diagnostic Diagnostic)>();
            var nodes = new Dictionary<SyntaxNode, SyntaxAnnotation>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                var node = locate is null
                    ? root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                    : locate(root, diagnostic, equivalenceKey);
                if (node is null || nodes.ContainsKey(node))
                {
                    continue;
                }

                var mark = new SyntaxAnnotation("NnAnalyzers.FixAll");
                nodes.Add(node, mark);
                marks.Add((mark, diagnostic));
            }

            if (marks.Count == 0)
            {
                return null;
            }

            var current = document.WithSyntaxRoot(root.ReplaceNodes(nodes.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(nodes[original])));
            var changed = false;
            foreach (var (mark, diagnostic) in marks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var currentRoot = await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var node = currentRoot?.GetAnnotatedNodes(mark).FirstOrDefault();
                if (node is null)
                {
                    continue;
                }

                var fixedDocument = await fixOne(current, node, diagnostic, equivalenceKey, cancellationToken).ConfigureAwait(false);
                if (fixedDocument is not null)
                {
                    current = fixedDocument;
                    changed = true;
                }
            }

            return changed ? current : null;
        }
    }
}
