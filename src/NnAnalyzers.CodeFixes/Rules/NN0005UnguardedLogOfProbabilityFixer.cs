using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.CodeFixes.Rules
{
    /// <summary>
    /// NN0005: clamps the probability to [ε, 1 − ε] before the log, as scikit-learn's log loss does (ε = 1e-15 for
    /// double, 1e-7 for float): <c>Math.Log(Math.Min(Math.Max(p, ε), 1 - ε))</c>,
    /// <c>p.PointwiseMaximum(ε).PointwiseMinimum(1 - ε).PointwiseLog()</c>, <c>Map(v =&gt; Math.Log(Math.Min(Math.Max(v, ε), 1 - ε)))</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NN0005UnguardedLogOfProbabilityFixer))]
    public sealed class NN0005UnguardedLogOfProbabilityFixer : NnCodeFixProvider
    {
        private const string Clamp = "Clamp";
        private const string LogSpace = "LogSpace";

        /// <summary>Creates the fixer.</summary>
        public NN0005UnguardedLogOfProbabilityFixer()
            : base(RuleIds.UnguardedLogOfProbability)
        {
        }

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var document = context.Document;
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            NnSemantics? semantics = null;
            foreach (var diagnostic in context.Diagnostics)
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var invocation = node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>()
                    .FirstOrDefault(i => i.Span == diagnostic.Location.SourceSpan);
                if (invocation is null || !(model.GetOperation(invocation, context.CancellationToken) is IInvocationOperation operation))
                {
                    continue;
                }

                semantics ??= NnSemantics.Create(model.Compilation);
                var site = semantics.Probabilities.MatchLog(operation);
                if (site is null)
                {
                    continue;
                }

                var replacement = Rewrite(site, invocation, model, context.CancellationToken);
                if (replacement is null)
                {
                    continue;
                }

                var epsilon = site.IsSingle || GenericNumber(site, invocation, model, context.CancellationToken) is not null ? "1e-7" : "1e-15";
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Clamp the probability to [" + epsilon + ", 1 - " + epsilon + "] before the log",
                        ct => ReplaceAsync(document, invocation, replacement, ct),
                        Key(Clamp)),
                    diagnostic);

                // The second action: the loss from the logits with log-sum-exp, only where that is provably the same value.
                var logSpace = await NN0005LogSpaceRewrite.TryAsync(document, invocation, diagnostic, context.CancellationToken).ConfigureAwait(false);
                if (logSpace is not null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Compute the log-probability from the logits with log-sum-exp",
                            _ => Task.FromResult(logSpace),
                            Key(LogSpace)),
                        diagnostic);
                }
            }
        }

        /// <inheritdoc />
        /// <remarks>
        /// Fix All of the clamp is the batch fixer (every edit is local). Fix All of the log-space rewrite inserts
        /// statements, so it runs one diagnostic at a time on the updated document; a log where the rewrite does not
        /// apply is clamped instead, so that Fix All still guards every log.
        /// </remarks>
        public override FixAllProvider? GetFixAllProvider() => new KeyedFixAll(Key(LogSpace), SequentialFixAll.Create(FixOneAsync));

        private static async Task<Document?> FixOneAsync(Document document, SyntaxNode node, Diagnostic diagnostic, string? equivalenceKey, CancellationToken cancellationToken)
        {
            var invocation = node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (invocation is null)
            {
                return null;
            }

            var logSpace = await NN0005LogSpaceRewrite.TryAsync(document, invocation, diagnostic, cancellationToken).ConfigureAwait(false);
            if (logSpace is not null)
            {
                return logSpace;
            }

            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model is null || !(model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation))
            {
                return null;
            }

            var site = NnSemantics.Create(model.Compilation).Probabilities.MatchLog(operation);
            var replacement = site is null ? null : Rewrite(site, invocation, model, cancellationToken);
            return replacement is null ? null : await ReplaceAsync(document, invocation, replacement, cancellationToken).ConfigureAwait(false);
        }

        private sealed class KeyedFixAll : FixAllProvider
        {
            private readonly string _sequentialKey;
            private readonly FixAllProvider _sequential;

            public KeyedFixAll(string sequentialKey, FixAllProvider sequential)
            {
                _sequentialKey = sequentialKey;
                _sequential = sequential;
            }

            public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
                => fixAllContext.CodeActionEquivalenceKey == _sequentialKey
                    ? _sequential.GetFixAsync(fixAllContext)
                    : WellKnownFixAllProviders.BatchFixer.GetFixAsync(fixAllContext);
        }

        private static async Task<Document> ReplaceAsync(Document document, SyntaxNode original, SyntaxNode replacement, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            return document.WithSyntaxRoot(root.ReplaceNode(original, replacement));
        }

        private static SyntaxNode? Rewrite(LogSite site, InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            var epsilon = site.IsSingle ? "1e-7f" : "1e-15";
            var upper = site.IsSingle ? "1f - 1e-7f" : "1 - 1e-15";
            var math = MathQualifier(model, invocation.SpanStart);
            var generic = GenericNumber(site, invocation, model, cancellationToken);
            if (generic is { } number)
            {
                // Generic math's T (which may be float): T.Clamp(p, T.CreateChecked(1e-7), T.One - T.CreateChecked(1e-7)).
                math = number;
                epsilon = number + ".CreateChecked(1e-7)";
                upper = number + ".One - " + epsilon;
            }

            switch (site.Form)
            {
                case LogForm.Scalar:
                    {
                        // Math.Log(p), Math.Log(p, 2), Math.Log2(p), Math.Log10(p): the probability is the first argument.
                        if (invocation.ArgumentList.Arguments.Count < 1 || invocation.ArgumentList.Arguments[0].NameColon is not null)
                        {
                            return null;
                        }

                        var argument = invocation.ArgumentList.Arguments[0];
                        var clamped = ClampExpression(math, generic is not null, argument.Expression.WithoutTrivia(), epsilon, upper);
                        return invocation.ReplaceNode(argument.Expression, clamped.WithTriviaFrom(argument.Expression));
                    }

                case LogForm.Pointwise:
                    {
                        if (!(invocation.Expression is MemberAccessExpressionSyntax access))
                        {
                            return null;
                        }

                        // The receiver of a member access is already a primary expression: no parentheses needed.
                        var receiver = access.Expression;
                        var clamped = SyntaxFactory.ParseExpression(
                            receiver.WithoutTrivia().ToFullString() + ".PointwiseMaximum(" + epsilon + ").PointwiseMinimum(" + upper + ")");
                        return invocation.ReplaceNode(receiver, clamped.WithTriviaFrom(receiver));
                    }

                case LogForm.MethodGroup:
                    {
                        foreach (var argument in invocation.ArgumentList.Arguments)
                        {
                            var expression = argument.Expression;
                            if (model.GetSymbolInfo(expression, cancellationToken).Symbol is IMethodSymbol { Name: "Log" }
                                || model.GetSymbolInfo(expression, cancellationToken).CandidateSymbols.Any(s => s.Name == "Log"))
                            {
                                var parameter = FreeName(model, expression.SpanStart);
                                var body = SyntaxFactory.InvocationExpression(
                                    expression.WithoutTrivia(),
                                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                                        ClampExpression(math, generic is not null, SyntaxFactory.IdentifierName(parameter), epsilon, upper)))));
                                var lambda = SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(parameter)), body)
                                    .WithAdditionalAnnotations(Formatter.Annotation);
                                return invocation.ReplaceNode(expression, lambda.WithTriviaFrom(expression));
                            }
                        }

                        return null;
                    }

                default:
                    return null;
            }
        }

        /// <summary>
        /// The type parameter a log of generic math takes (<c>T.Log(p)</c>, <c>xs.Select(T.Log)</c>) when it has
        /// <c>INumber&lt;T&gt;</c>'s <c>Clamp</c>, <c>One</c> and <c>CreateChecked</c>; null for any other log.
        /// </summary>
        private static string? GenericNumber(LogSite site, InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            ITypeSymbol? type = site.Form == LogForm.Scalar ? site.Invocation.TargetMethod.Parameters.FirstOrDefault()?.Type : null;
            if (site.Form == LogForm.MethodGroup)
            {
                foreach (var argument in invocation.ArgumentList.Arguments)
                {
                    if (model.GetSymbolInfo(argument.Expression, cancellationToken).Symbol is IMethodSymbol { Name: "Log", Parameters.Length: 1 } log)
                    {
                        type = log.Parameters[0].Type;
                    }
                }
            }

            return type is ITypeParameterSymbol parameter && parameter.ConstraintTypes.Any(c => IsNumberInterface(c) || c.AllInterfaces.Any(IsNumberInterface))
                ? parameter.Name
                : null;
        }

        private static bool IsNumberInterface(ITypeSymbol type)
            => type is INamedTypeSymbol { Name: "INumber", Arity: 1 } named && named.ContainingNamespace?.ToDisplayString() == "System.Numerics";

        private static ExpressionSyntax ClampExpression(string math, bool generic, ExpressionSyntax value, string epsilon, string upper)
        {
            if (generic)
            {
                // A generic number: T.Clamp(v, lower, upper).
                return SyntaxFactory.ParseExpression(math + ".Clamp(" + value.ToFullString() + ", " + epsilon + ", " + upper + ")").WithAdditionalAnnotations(Formatter.Annotation);
            }

            var text = math + ".Min(" + math + ".Max(" + value.ToFullString() + ", " + epsilon + "), " + upper + ")";
            return SyntaxFactory.ParseExpression(text).WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>"Math" when that name means System.Math at <paramref name="position"/>, else "global::System.Math".</summary>
        private static string MathQualifier(SemanticModel model, int position)
        {
            var math = model.Compilation.GetTypeByMetadataName("System.Math");
            var found = model.LookupNamespacesAndTypes(position, name: "Math");
            return found.Length == 1 && SymbolEqualityComparer.Default.Equals(found[0], math) ? "Math" : "global::System.Math";
        }

        private static string FreeName(SemanticModel model, int position)
        {
            foreach (var candidate in new[] { "v", "q", "prob", "value" })
            {
                if (model.LookupSymbols(position, name: candidate).IsEmpty)
                {
                    return candidate;
                }
            }

            for (var i = 1; ; i++)
            {
                var name = "v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (model.LookupSymbols(position, name: name).IsEmpty)
                {
                    return name;
                }
            }
        }
    }
}
