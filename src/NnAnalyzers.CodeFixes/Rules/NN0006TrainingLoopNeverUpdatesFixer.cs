using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NnAnalyzers.Rules;

namespace NnAnalyzers.CodeFixes.Rules
{
    /// <summary>
    /// NN0006 fix: "Call &lt;Update&gt; with the gradients". Offered when the loop computes gradients in exactly one call
    /// whose result is thrown away or stored in locals; the edit is NN0004's "Apply them with &lt;Update&gt;" on that
    /// call (declare the gradients, call the only method that accepts them and writes the parameters), obtained from
    /// <see cref="NN0004UnusedBackpropResultsFixer"/> itself so that the two rules never disagree. No fix when no
    /// gradients are computed, or when no single update method fits. Fix All applies the fixes one after another.
    /// </summary>
    [ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(NN0006TrainingLoopNeverUpdatesFixer))]
    [Shared]
    public sealed class NN0006TrainingLoopNeverUpdatesFixer : NnCodeFixProvider
    {
        private const string CallUpdateVariant = "CallUpdate";
        private const string Nn0004ApplyKey = "NN0004.ApplyGradients";
        private const string Nn0004TitlePrefix = "Apply them with ";

        private static readonly FixAllProvider s_fixAll = SequentialFixAll.Create(FixOneAsync, (root, diagnostic, _) => GradientCall(root, diagnostic));

        /// <summary>Creates the provider.</summary>
        public NN0006TrainingLoopNeverUpdatesFixer()
            : base(RuleIds.TrainingLoopNeverUpdates)
        {
        }

        /// <inheritdoc />
        public override FixAllProvider? GetFixAllProvider() => s_fixAll;

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
                var call = GradientCall(root, diagnostic);
                if (call is null)
                {
                    continue;
                }

                var fix = await ComputeFixAsync(context.Document, call, diagnostic, context.CancellationToken).ConfigureAwait(false);
                if (fix is not null)
                {
                    var result = fix.Value.Result;
                    context.RegisterCodeFix(CodeAction.Create(fix.Value.Title, _ => Task.FromResult(result), Key(CallUpdateVariant)), diagnostic);
                }
            }
        }

        private static InvocationExpressionSyntax? GradientCall(SyntaxNode root, Diagnostic diagnostic)
        {
            if (diagnostic.AdditionalLocations.Count == 0 || !diagnostic.Properties.ContainsKey(NN0006TrainingLoopNeverUpdatesAnalyzer.GradientsProperty))
            {
                return null;
            }

            var span = diagnostic.AdditionalLocations[0].SourceSpan;
            if (span.End > root.FullSpan.End)
            {
                return null;
            }

            return root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
        }

        // NN0004's fix for the gradient call, asked of NN0004's own provider through a diagnostic of its kind.
        private static async Task<(string Title, Document Result)?> ComputeFixAsync(Document document, InvocationExpressionSyntax call, Diagnostic diagnostic, CancellationToken ct)
        {
            diagnostic.Properties.TryGetValue(NN0006TrainingLoopNeverUpdatesAnalyzer.GradientsProperty, out var kind);
            var properties = ImmutableDictionary<string, string?>.Empty.Add(NN0004UnusedBackpropResultsAnalyzer.KindProperty, kind);
            var nn0004 = Diagnostic.Create(Descriptors.NN0004UnusedBackpropResults, call.GetLocation(), properties, "gradients never applied");

            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, nn0004, (action, _) => actions.Add(action), ct);
            await new NN0004UnusedBackpropResultsFixer().RegisterCodeFixesAsync(context).ConfigureAwait(false);
            var apply = actions.FirstOrDefault(a => a.EquivalenceKey == Nn0004ApplyKey);
            if (apply is null)
            {
                return null;
            }

            foreach (var operation in await apply.GetOperationsAsync(ct).ConfigureAwait(false))
            {
                if (operation is ApplyChangesOperation change && change.ChangedSolution.GetDocument(document.Id) is { } changed)
                {
                    var update = apply.Title.StartsWith(Nn0004TitlePrefix, System.StringComparison.Ordinal)
                        ? apply.Title.Substring(Nn0004TitlePrefix.Length)
                        : "the update method";
                    return ("Call " + update + " with the gradients", changed);
                }
            }

            return null;
        }

        // Fix All, one gradient call at a time on the updated document (new local names depend on the ones declared before).
        private static async Task<Document?> FixOneAsync(Document document, SyntaxNode node, Diagnostic diagnostic, string? equivalenceKey, CancellationToken cancellationToken)
        {
            if (node is not InvocationExpressionSyntax call)
            {
                return null;
            }

            var fix = await ComputeFixAsync(document, call, diagnostic, cancellationToken).ConfigureAwait(false);
            return fix?.Result;
        }
    }
}
