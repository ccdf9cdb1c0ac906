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
using NnAnalyzers.Rules;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace NnAnalyzers.CodeFixes.Rules
{
    /// <summary>
    /// Fixes NN0003: normalise each sample by its own sum (MathNet <c>NormalizeColumns(1.0)</c> /
    /// <c>NormalizeRows(1.0)</c>, or one sum per row/column for arrays), give a bias one column (or row), divide a summed
    /// gradient by the batch size. When the sample axis is unknown both axis variants are offered: per column first for
    /// MathNet matrices (the reference library's convention), per row first for plain arrays (samples in rows).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NN0003BatchUnawareSummationFixer))]
    [Shared]
    public sealed class NN0003BatchUnawareSummationFixer : NnCodeFixProvider
    {
        /// <summary>Title of the per-column normalisation.</summary>
        public const string PerColumnTitle = "Normalize each column (one sample per column)";

        /// <summary>Title of the per-row normalisation.</summary>
        public const string PerRowTitle = "Normalize each row (one sample per row)";

        /// <summary>Creates the provider.</summary>
        public NN0003BatchUnawareSummationFixer()
            : base(RuleIds.BatchUnawareSummation)
        {
        }

        /// <inheritdoc />
        public override FixAllProvider? GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

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
                foreach (var variant in Variants(diagnostic))
                {
                    var edits = Edits(root, diagnostic, variant);
                    if (edits is null)
                    {
                        continue;
                    }

                    var chosen = variant;
                    context.RegisterCodeFix(
                        CodeAction.Create(Title(diagnostic, chosen), ct => ApplyAsync(context.Document, diagnostic, chosen, ct), Key(chosen)),
                        diagnostic);
                }
            }
        }

        /// <summary>
        /// Fix All: every NN0003 diagnostic of the document is fixed at once. The equivalence key chooses the axis
        /// where a normaliser's axis is unknown (per column unless the per-row key was asked for); sub-cases with a
        /// single fix (bias, gradients) take theirs, so one pass of <c>dotnet format</c> fixes all sub-cases.
        /// </summary>
        private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var all = new List<(SyntaxNode Node, SyntaxNode? Replacement)>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                var variants = Variants(diagnostic).ToList();
                if (variants.Count == 0)
                {
                    continue;
                }

                var wanted = variants.FirstOrDefault(v => context.CodeActionEquivalenceKey == RuleIds.BatchUnawareSummation + "." + v) ?? variants[0];
                var edits = Edits(root, diagnostic, wanted);
                if (edits is not null && !edits.Any(e => all.Any(a => a.Node.Span.IntersectsWith(e.Node.Span))))
                {
                    all.AddRange(edits);
                }
            }

            return all.Count == 0 ? document : document.WithSyntaxRoot(Apply(root, all));
        }

        private const string PerColumn = "PerColumn";
        private const string PerRow = "PerRow";
        private const string BiasOneSample = "BiasOneSample";
        private const string DivideByBatchSize = "DivideByBatchSize";

        /// <summary>The fix variants of a diagnostic, the preferred one first.</summary>
        private static IEnumerable<string> Variants(Diagnostic diagnostic)
        {
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.FixableKey, out var fixable) || fixable != "true")
            {
                yield break;
            }

            properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.KindKey, out var kind);
            properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.AxisKey, out var axis);
            switch (kind)
            {
                case NN0003BatchUnawareSummationAnalyzer.KindMatrixNormaliser:
                case NN0003BatchUnawareSummationAnalyzer.KindArrayNormaliser:
                    // Unknown axis: MathNet matrices follow the reference library (one sample per column); plain arrays
                    // follow the data (double[samples, features], double[][] of samples: one sample per row).
                    properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.LayoutKey, out var layout);
                    var rowsFirst = kind == NN0003BatchUnawareSummationAnalyzer.KindArrayNormaliser && layout != "Matrix";
                    if (rowsFirst && axis != "Columns")
                    {
                        yield return PerRow;
                    }

                    if (axis != "Rows")
                    {
                        yield return PerColumn;
                    }

                    if (!rowsFirst && axis != "Columns")
                    {
                        yield return PerRow;
                    }

                    break;
                case NN0003BatchUnawareSummationAnalyzer.KindBias:
                    yield return BiasOneSample;
                    break;
                case NN0003BatchUnawareSummationAnalyzer.KindGradient:
                    yield return DivideByBatchSize;
                    break;
            }
        }

        private static string Title(Diagnostic diagnostic, string variant)
        {
            switch (variant)
            {
                case PerColumn:
                    return PerColumnTitle;
                case PerRow:
                    return PerRowTitle;
                case BiasOneSample:
                    diagnostic.Properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.BatchSizeKey, out var shape);
                    return "Allocate the bias with one " + (shape ?? "column") + " (1 instead of the batch size)";
                default:
                    diagnostic.Properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.BatchSizeKey, out var batch);
                    return "Divide by the batch size ('" + batch + "')";
            }
        }

        /// <summary>The edits of one variant of one diagnostic on <paramref name="root"/>, or null when it cannot be applied.</summary>
        private static List<(SyntaxNode Node, SyntaxNode? Replacement)>? Edits(SyntaxNode root, Diagnostic diagnostic, string variant)
        {
            diagnostic.Properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.KindKey, out var kind);
            switch (kind)
            {
                case NN0003BatchUnawareSummationAnalyzer.KindMatrixNormaliser:
                    return NormaliseMatrix(root, diagnostic, variant == PerColumn);
                case NN0003BatchUnawareSummationAnalyzer.KindArrayNormaliser:
                    return NormaliseArray(root, diagnostic, variant == PerColumn);
                case NN0003BatchUnawareSummationAnalyzer.KindBias:
                    return OneSampleBias(root, diagnostic);
                case NN0003BatchUnawareSummationAnalyzer.KindGradient:
                    return DivideGradient(root, diagnostic);
                default:
                    return null;
            }
        }

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, string variant, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var edits = root is null ? null : Edits(root, diagnostic, variant);
            return root is null || edits is null ? document : document.WithSyntaxRoot(Apply(root, edits));
        }

        private static SyntaxNode Apply(SyntaxNode root, List<(SyntaxNode Node, SyntaxNode? Replacement)> edits)
        {
            var tracked = root.TrackNodes(edits.Select(e => e.Node));
            foreach (var (node, replacement) in edits)
            {
                var current = tracked.GetCurrentNode(node);
                if (current is null)
                {
                    continue;
                }

                tracked = replacement is null
                    ? tracked.RemoveNode(current, SyntaxRemoveOptions.KeepUnbalancedDirectives) ?? tracked
                    : tracked.ReplaceNode(current, replacement);
            }

            return tracked;
        }

        private static int Count(Diagnostic diagnostic, string key)
            => diagnostic.Properties.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

        private static SyntaxNode? Find(SyntaxNode root, Location location)
            => location.IsInSource && root.FullSpan.Contains(location.SourceSpan) ? root.FindNode(location.SourceSpan, getInnermostNodeForTie: true) : null;

        // ---- MathNet: z / s → z.NormalizeColumns(1.0) -------------------------------------------------------------
        private static List<(SyntaxNode Node, SyntaxNode? Replacement)>? NormaliseMatrix(SyntaxNode root, Diagnostic diagnostic, bool perColumn)
        {
            var divisions = Count(diagnostic, NN0003BatchUnawareSummationAnalyzer.DivisionCountKey);
            if (divisions == 0 || diagnostic.AdditionalLocations.Count < divisions)
            {
                return null;
            }

            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            for (var i = 0; i < divisions; i++)
            {
                var node = Find(root, diagnostic.AdditionalLocations[i]);
                ExpressionSyntax? matrix = node switch
                {
                    BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.DivideExpression) => binary.Left,
                    InvocationExpressionSyntax invocation when invocation.Expression is MemberAccessExpressionSyntax member => member.Expression,
                    _ => null,
                };
                if (node is null || matrix is null)
                {
                    return null;
                }

                var receiver = matrix.WithoutTrivia();
                if (!(receiver is IdentifierNameSyntax || receiver is MemberAccessExpressionSyntax || receiver is ElementAccessExpressionSyntax
                      || receiver is InvocationExpressionSyntax || receiver is ParenthesizedExpressionSyntax || receiver is ThisExpressionSyntax))
                {
                    receiver = ParenthesizedExpression(receiver);
                }

                var normalised = InvocationExpression(
                        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, IdentifierName(perColumn ? "NormalizeColumns" : "NormalizeRows")),
                        ArgumentList(SingletonSeparatedList(Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal("1.0", 1.0))))))
                    .WithTriviaFrom(node);
                replacements[node] = normalised;
            }

            SyntaxNode? sumStatement = null;
            if (diagnostic.Properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.RemoveSumKey, out var remove) && remove == "true"
                && diagnostic.AdditionalLocations.Count > divisions)
            {
                sumStatement = Find(root, diagnostic.AdditionalLocations[divisions])?.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>();
            }

            var edits = replacements.Select(p => (p.Key, (SyntaxNode?)p.Value)).ToList();
            if (sumStatement is not null)
            {
                edits.Add((sumStatement, null));
            }

            return edits;
        }

        // ---- arrays: one scalar sum → one sum per row (or column) -------------------------------------------------
        private static List<(SyntaxNode Node, SyntaxNode? Replacement)>? NormaliseArray(SyntaxNode root, Diagnostic diagnostic, bool perColumn)
        {
            var accumulations = Count(diagnostic, NN0003BatchUnawareSummationAnalyzer.AccumulationCountKey);
            var divisions = Count(diagnostic, NN0003BatchUnawareSummationAnalyzer.DivisionCountKey);
            if (accumulations == 0 || divisions == 0 || diagnostic.AdditionalLocations.Count != 1 + accumulations + divisions)
            {
                return null;
            }

            diagnostic.Properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.ArrayKey, out var array);
            diagnostic.Properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.ElementTypeKey, out var elementType);
            diagnostic.Properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.LayoutKey, out var layout);
            var jagged = layout == "Jagged";
            var matrix = layout == "Matrix";
            if (string.IsNullOrEmpty(array) || string.IsNullOrEmpty(elementType))
            {
                return null;
            }

            var declarator = Find(root, diagnostic.AdditionalLocations[0])?.FirstAncestorOrSelf<VariableDeclaratorSyntax>();
            if (declarator?.Initializer is null || !(declarator.Parent is VariableDeclarationSyntax declaration) || declaration.Variables.Count != 1)
            {
                return null;
            }

            var length = perColumn
                ? (jagged ? array + "[0].Length" : matrix ? array + ".ColumnCount" : array + ".GetLength(1)")
                : (jagged ? array + ".Length" : matrix ? array + ".RowCount" : array + ".GetLength(0)");
            var sumName = declarator.Identifier.ValueText;
            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();

            for (var i = 1; i < diagnostic.AdditionalLocations.Count; i++)
            {
                var node = Find(root, diagnostic.AdditionalLocations[i]);
                ExpressionSyntax? sumReference;
                ExpressionSyntax? valueSide;
                switch (node)
                {
                    case AssignmentExpressionSyntax add when add.IsKind(SyntaxKind.AddAssignmentExpression):
                        sumReference = add.Left;
                        valueSide = add.Right;
                        break;
                    case AssignmentExpressionSyntax div when div.IsKind(SyntaxKind.DivideAssignmentExpression):
                        sumReference = div.Right;
                        valueSide = div.Left;
                        break;
                    case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.DivideExpression):
                        sumReference = binary.Right;
                        valueSide = binary.Left;
                        break;
                    default:
                        return null;
                }

                var inner = sumReference;
                while (inner is ParenthesizedExpressionSyntax p)
                {
                    inner = p.Expression;
                }

                if (inner is CastExpressionSyntax cast)
                {
                    inner = cast.Expression;
                }

                if (!(inner is IdentifierNameSyntax name) || name.Identifier.ValueText != sumName)
                {
                    return null;
                }

                var index = SampleIndex(valueSide, array!, jagged, perColumn);
                if (index is null)
                {
                    return null;
                }

                replacements[name] = ElementAccessExpression(IdentifierName(sumName))
                    .WithArgumentList(BracketedArgumentList(SingletonSeparatedList(Argument(index.WithoutTrivia()))))
                    .WithTriviaFrom(name);
            }

            var arrayType = ArrayType(ParseTypeName(elementType!), SingletonList(ArrayRankSpecifier(SingletonSeparatedList<ExpressionSyntax>(OmittedArraySizeExpression()))));
            var creation = ParseExpression("new " + elementType + "[" + length + "]");
            var newDeclarator = declarator.WithInitializer(declarator.Initializer.WithValue(creation.WithTriviaFrom(declarator.Initializer.Value)));
            var newDeclaration = declaration.WithVariables(SingletonSeparatedList(newDeclarator));
            if (!declaration.Type.IsVar)
            {
                newDeclaration = newDeclaration.WithType(arrayType.WithTriviaFrom(declaration.Type));
            }

            replacements[declaration] = newDeclaration.WithAdditionalAnnotations(Formatter.Annotation);
            if (replacements.Keys.Any(k => k != declaration && declaration.Span.IntersectsWith(k.Span)))
            {
                return null;
            }

            return replacements.Select(p => (p.Key, (SyntaxNode?)p.Value)).ToList();
        }

        /// <summary>The index of the sample axis in the first element of <paramref name="array"/> read in <paramref name="expression"/>.</summary>
        private static ExpressionSyntax? SampleIndex(ExpressionSyntax expression, string array, bool jagged, bool perColumn)
        {
            foreach (var access in expression.DescendantNodesAndSelf().OfType<ElementAccessExpressionSyntax>())
            {
                if (!jagged && access.ArgumentList.Arguments.Count == 2 && access.Expression.ToString() == array)
                {
                    return access.ArgumentList.Arguments[perColumn ? 1 : 0].Expression;
                }

                if (jagged && access.ArgumentList.Arguments.Count == 1 && access.Expression is ElementAccessExpressionSyntax row
                    && row.ArgumentList.Arguments.Count == 1 && row.Expression.ToString() == array)
                {
                    return perColumn ? access.ArgumentList.Arguments[0].Expression : row.ArgumentList.Arguments[0].Expression;
                }
            }

            return null;
        }

        // ---- bias: (units, batch) → (units, 1) ---------------------------------------------------------------------
        private static List<(SyntaxNode Node, SyntaxNode? Replacement)>? OneSampleBias(SyntaxNode root, Diagnostic diagnostic)
        {
            var node = Find(root, diagnostic.Location) as ExpressionSyntax;
            if (node is null || !(node.Parent is ArgumentSyntax || node.Parent is ArrayRankSpecifierSyntax)
                || !diagnostic.Properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.DimensionKey, out var dimension)
                || node.ToString() != dimension)
            {
                return null;
            }

            var one = LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1)).WithTriviaFrom(node);
            return new List<(SyntaxNode Node, SyntaxNode? Replacement)> { (node, one) };
        }

        // ---- gradients: lr * g → lr * g / batchSize -----------------------------------------------------------------
        private static List<(SyntaxNode Node, SyntaxNode? Replacement)>? DivideGradient(SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(NN0003BatchUnawareSummationAnalyzer.BatchSizeKey, out var batch) || string.IsNullOrEmpty(batch))
            {
                return null;
            }

            var read = Find(root, diagnostic.Location);
            SyntaxNode? child = read;
            var parent = read?.Parent;
            while (parent is ParenthesizedExpressionSyntax || parent is CastExpressionSyntax)
            {
                child = parent;
                parent = parent.Parent;
            }

            if (!(parent is BinaryExpressionSyntax multiply) || !multiply.IsKind(SyntaxKind.MultiplyExpression))
            {
                return null;
            }

            var batchSize = ParseExpression(batch!);
            if (batchSize.ContainsDiagnostics)
            {
                return null;
            }

            ExpressionSyntax divided = BinaryExpression(SyntaxKind.DivideExpression, multiply.WithoutTrivia(), batchSize);
            var context = multiply.Parent;
            var needsParentheses = !(context is BinaryExpressionSyntax b && b.Left == multiply
                                     || context is BinaryExpressionSyntax b2 && (b2.IsKind(SyntaxKind.AddExpression) || b2.IsKind(SyntaxKind.SubtractExpression))
                                     || context is AssignmentExpressionSyntax
                                     || context is EqualsValueClauseSyntax
                                     || context is ArgumentSyntax
                                     || context is ParenthesizedExpressionSyntax);
            if (needsParentheses)
            {
                divided = ParenthesizedExpression(divided);
            }

            return new List<(SyntaxNode Node, SyntaxNode? Replacement)> { (multiply, divided.WithTriviaFrom(multiply).WithAdditionalAnnotations(Simplifier.Annotation)) };
        }
    }
}
