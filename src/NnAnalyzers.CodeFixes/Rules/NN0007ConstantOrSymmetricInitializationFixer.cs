using System.Collections.Generic;
using System.Collections.Immutable;
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

namespace NnAnalyzers.CodeFixes.Rules
{
    /// <summary>
    /// Fixes NN0007 with "Use a Glorot uniform range from one shared Random": a constant written in a 2-D fill loop
    /// becomes <c>(rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (fanIn + fanOut))</c>, and <c>Build.Dense(r, c)</c> /
    /// <c>Build.Dense(r, c, 0.5)</c> becomes <c>Build.Dense(r, c, (_, __) => …)</c> with the same draw — both only when a
    /// <c>Random</c> (parameter, local, field or property) is in scope; a <c>new Random(…)</c> created in a loop is
    /// hoisted before the outermost loop (its declaration moved, or a new local introduced) and shared. Fix All applies
    /// the fixes one after another so that hoisted locals never collide.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NN0007ConstantOrSymmetricInitializationFixer)), Shared]
    public sealed class NN0007ConstantOrSymmetricInitializationFixer : NnCodeFixProvider
    {
        /// <summary>Title of the Glorot fix.</summary>
        public const string GlorotTitle = "Use a Glorot uniform range from one shared Random";

        /// <summary>Title of the hoisting fix.</summary>
        public const string HoistTitle = "Create one Random outside the loop and share it";

        /// <summary>Equivalence key variant of the Glorot fix.</summary>
        public const string GlorotVariant = "Glorot";

        /// <summary>Equivalence key variant of the hoisting fix.</summary>
        public const string HoistVariant = "HoistRandom";

        private static readonly string[] s_names = { "random", "rng", "sharedRandom", "random2", "random3" };

        /// <summary>Creates the provider.</summary>
        public NN0007ConstantOrSymmetricInitializationFixer()
            : base(RuleIds.ConstantOrSymmetricInitialization)
        {
        }

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => SequentialFixAll.Create((document, node, diagnostic, _, ct) => ApplyAsync(document, node, diagnostic, ct), Locate);

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
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var fixedDocument = await ApplyAsync(context.Document, node, diagnostic, context.CancellationToken).ConfigureAwait(false);
                if (fixedDocument is null)
                {
                    continue;
                }

                var isRandom = KindOf(diagnostic) == NN0007ConstantOrSymmetricInitializationAnalyzer.Kinds.Random;
                context.RegisterCodeFix(
                    CodeAction.Create(isRandom ? HoistTitle : GlorotTitle, _ => Task.FromResult(fixedDocument), Key(isRandom ? HoistVariant : GlorotVariant)),
                    diagnostic);
            }
        }

        private static string? KindOf(Diagnostic diagnostic)
            => diagnostic.Properties.TryGetValue(NN0007ConstantOrSymmetricInitializationAnalyzer.Keys.Kind, out var kind) ? kind : null;

        // Fix All of one variant: the hoisted Random fixes only the fresh-Random diagnostics, the fill fixes only the
        // constant ones; each is applied on the document the previous fix produced.
        private static SyntaxNode? Locate(SyntaxNode root, Diagnostic diagnostic, string? equivalenceKey)
        {
            var wantRandom = equivalenceKey?.EndsWith(HoistVariant, System.StringComparison.Ordinal);
            var isRandom = KindOf(diagnostic) == NN0007ConstantOrSymmetricInitializationAnalyzer.Kinds.Random;
            if (wantRandom is not null && wantRandom.Value != isRandom)
            {
                return null;
            }

            return root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        }

        private static async Task<Document?> ApplyAsync(Document document, SyntaxNode node, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (model is null || root is null)
            {
                return null;
            }

            SyntaxNode? newRoot;
            var kind = KindOf(diagnostic);
            if (kind == NN0007ConstantOrSymmetricInitializationAnalyzer.Kinds.RandomPerInstance || kind is null)
            {
                return null; // the Random must come from the code that creates the neurons: no local rewrite
            }

            if (kind == NN0007ConstantOrSymmetricInitializationAnalyzer.Kinds.Random)
            {
                newRoot = HoistRandom(root, model, node, cancellationToken);
            }
            else
            {
                newRoot = Glorot(root, model, node, diagnostic, cancellationToken);
            }

            if (newRoot is null)
            {
                return null;
            }

            var changed = document.WithSyntaxRoot(newRoot);
            changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        // ------------------------------------------------------------------ Glorot draw

        private static SyntaxNode? Glorot(SyntaxNode root, SemanticModel model, SyntaxNode node, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            while (node is ArgumentSyntax || node is EqualsValueClauseSyntax)
            {
                node = node.ChildNodes().FirstOrDefault() ?? node;
                break;
            }

            if (!(node is ExpressionSyntax expression))
            {
                return null;
            }

            var random = FindRandom(model, expression.SpanStart, cancellationToken);
            if (random is null)
            {
                return null;
            }

            // new double[r, c] never filled: a Glorot fill loop right after the allocating statement.
            if (expression is ArrayCreationExpressionSyntax arrayCreation)
            {
                return FillLoop(root, model, arrayCreation, random, cancellationToken);
            }

            // Build.Dense(r, c) / Build.Dense(r, c, 0.5) of a matrix: a generator drawing each element.
            if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dense" } member } invocation)
            {
                if (!(model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method)
                    || method.ContainingType?.Name != "MatrixBuilder" || method.ContainingType.TypeArguments.Length != 1
                    || invocation.ArgumentList.Arguments.Count < 2 || invocation.ArgumentList.Arguments.Count > 3
                    || invocation.ArgumentList.Arguments.Any(a => a.NameColon is not null))
                {
                    return null;
                }

                var element = method.ContainingType.TypeArguments[0].SpecialType;
                var rows = invocation.ArgumentList.Arguments[0].Expression;
                var columns = invocation.ArgumentList.Arguments[1].Expression;
                if ((element != SpecialType.System_Double && element != SpecialType.System_Single) || !IsPure(rows) || !IsPure(columns)
                    || model.LookupSymbols(expression.SpanStart, name: "_").Length > 0 || model.LookupSymbols(expression.SpanStart, name: "__").Length > 0)
                {
                    return null;
                }

                var draw = Draw(random, Atom(columns), Atom(rows), model, expression.SpanStart, element == SpecialType.System_Single);
                var text = member.Expression + ".Dense(" + rows + ", " + columns + ", (_, __) => " + draw + ")";
                return Replace(root, expression, text);
            }

            // w[i, j] = 0.5 in a 2-D fill loop.
            if (!diagnostic.Properties.TryGetValue(NN0007ConstantOrSymmetricInitializationAnalyzer.Keys.FanIn, out var fanIn) || fanIn is null
                || !diagnostic.Properties.TryGetValue(NN0007ConstantOrSymmetricInitializationAnalyzer.Keys.FanOut, out var fanOut) || fanOut is null
                || !(expression.Parent is AssignmentExpressionSyntax assignment) || assignment.Right != expression)
            {
                return null;
            }

            var type = model.GetTypeInfo(expression, cancellationToken).ConvertedType?.SpecialType;
            if (type != SpecialType.System_Double && type != SpecialType.System_Single)
            {
                return null;
            }

            return Replace(root, expression, Draw(random, fanIn, fanOut, model, expression.SpanStart, type == SpecialType.System_Single));
        }

        private static readonly string[] s_rowNames = { "row", "r", "o", "outIndex" };
        private static readonly string[] s_columnNames = { "column", "c", "i", "inIndex" };

        /// <summary>
        /// <c>_w = new double[rows, cols];</c> (or <c>var w = new double[rows, cols];</c>) as a statement of a block: a
        /// loop filling every element with a Glorot draw is inserted after it (fan-out = rows, fan-in = columns).
        /// </summary>
        private static SyntaxNode? FillLoop(SyntaxNode root, SemanticModel model, ArrayCreationExpressionSyntax creation, string random, CancellationToken cancellationToken)
        {
            if (creation.Initializer is not null || creation.Type.RankSpecifiers.Count != 1 || creation.Type.RankSpecifiers[0].Sizes.Count != 2
                || !(model.GetTypeInfo(creation, cancellationToken).Type is IArrayTypeSymbol { Rank: 2 } arrayType)
                || (arrayType.ElementType.SpecialType != SpecialType.System_Double && arrayType.ElementType.SpecialType != SpecialType.System_Single))
            {
                return null;
            }

            var rows = creation.Type.RankSpecifiers[0].Sizes[0];
            var columns = creation.Type.RankSpecifiers[0].Sizes[1];
            if (!IsPure(rows) || !IsPure(columns))
            {
                return null;
            }

            // The statement that stores the allocation, and the storage's text.
            StatementSyntax? statement = null;
            ExpressionSyntax? target = null;
            if (creation.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment && assignment.Right == creation
                && assignment.Parent is ExpressionStatementSyntax expressionStatement && IsPure(assignment.Left)
                && (assignment.Left is IdentifierNameSyntax || assignment.Left is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax }))
            {
                statement = expressionStatement;
                target = assignment.Left;
            }
            else if (creation.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
                && declarator.Parent is VariableDeclarationSyntax { Variables.Count: 1 } && declarator.Parent.Parent is LocalDeclarationStatementSyntax local
                && local.UsingKeyword.IsKind(SyntaxKind.None))
            {
                statement = local;
                target = SyntaxFactory.IdentifierName(declarator.Identifier.ValueText);
            }

            if (statement is null || target is null || !(statement.Parent is BlockSyntax))
            {
                return null;
            }

            // The dimensions must mean the same after the statement (not the storage being assigned).
            var targetText = target.ToString();
            if (rows.ToString().Contains(targetText) || columns.ToString().Contains(targetText))
            {
                return null;
            }

            var member = statement.FirstAncestorOrSelf<SyntaxNode>(n => n is MemberDeclarationSyntax || n is LocalFunctionStatementSyntax || n is AccessorDeclarationSyntax) ?? root;
            var row = FreeName(model, member, statement.Span.End, s_rowNames);
            var column = FreeName(model, member, statement.Span.End, s_columnNames);
            if (row is null || column is null)
            {
                return null;
            }

            var draw = Draw(random, Atom(columns), Atom(rows), model, statement.SpanStart, arrayType.ElementType.SpecialType == SpecialType.System_Single);
            var text = "for (var " + row + " = 0; " + row + " < " + rows + "; " + row + "++)\n"
                + "    for (var " + column + " = 0; " + column + " < " + columns + "; " + column + "++)\n"
                + "        " + targetText + "[" + row + ", " + column + "] = " + draw + ";";
            var loop = SyntaxFactory.ParseStatement(text);
            if (loop.ContainsDiagnostics)
            {
                return null;
            }

            loop = loop.WithLeadingTrivia(statement.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)))
                .WithTrailingTrivia(EndOfLine(root))
                .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);
            return root.InsertNodesAfter(statement, new[] { loop });
        }

        private static string? FreeName(SemanticModel model, SyntaxNode member, int position, string[] names)
        {
            foreach (var name in names)
            {
                if (model.LookupSymbols(position, name: name).Length == 0
                    && !member.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name))
                {
                    return name;
                }
            }

            return null;
        }

        private static string Draw(string random, string fanIn, string fanOut, SemanticModel model, int position, bool single)
        {
            var text = "(" + random + ".NextDouble() * 2 - 1) * " + InitializationRewrite.GlorotLimit(fanIn, fanOut, model, position);
            return single ? "(float)(" + text + ")" : text;
        }

        private static SyntaxNode? Replace(SyntaxNode root, ExpressionSyntax expression, string text)
        {
            var replacement = SyntaxFactory.ParseExpression(text);
            if (replacement.ContainsDiagnostics)
            {
                return null;
            }

            replacement = replacement.WithTriviaFrom(expression).WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
            return root.ReplaceNode(expression, replacement);
        }

        /// <summary>A Random usable at <paramref name="position"/>: a parameter, a local declared before it, a field or property.</summary>
        private static string? FindRandom(SemanticModel model, int position, CancellationToken cancellationToken)
        {
            var randomType = model.Compilation.GetTypeByMetadataName("System.Random");
            if (randomType is null)
            {
                return null;
            }

            var member = model.GetEnclosingSymbol(position, cancellationToken);
            while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                member = member.ContainingSymbol;
            }

            var instanceAllowed = member is IMethodSymbol { IsStatic: false } m && m.MethodKind != MethodKind.AnonymousFunction;
            var candidates = new List<(int Rank, string Name)>();
            foreach (var symbol in model.LookupSymbols(position))
            {
                switch (symbol)
                {
                    case IParameterSymbol parameter when KnownSymbols.DerivesFrom(parameter.Type, randomType):
                        candidates.Add((0, parameter.Name));
                        break;
                    case ILocalSymbol local when KnownSymbols.DerivesFrom(local.Type, randomType) && IsDeclaredBefore(local, position, cancellationToken):
                        candidates.Add((1, local.Name));
                        break;
                    case IFieldSymbol field when KnownSymbols.DerivesFrom(field.Type, randomType) && (field.IsStatic || instanceAllowed) && !field.IsImplicitlyDeclared:
                        candidates.Add((2, field.Name));
                        break;
                    case IPropertySymbol property when KnownSymbols.DerivesFrom(property.Type, randomType) && (property.IsStatic || instanceAllowed)
                        && property.GetMethod is not null && !property.IsIndexer
                        && SymbolEqualityComparer.Default.Equals(property.ContainingType, member?.ContainingType):
                        candidates.Add((3, property.Name));
                        break;
                }
            }

            return candidates.OrderBy(c => c.Rank).ThenBy(c => c.Name, System.StringComparer.Ordinal).Select(c => c.Name).FirstOrDefault();
        }

        private static bool IsDeclaredBefore(ILocalSymbol local, int position, CancellationToken cancellationToken)
        {
            foreach (var reference in local.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                if (syntax.Span.End <= position && syntax is VariableDeclaratorSyntax { Initializer: not null })
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsPure(ExpressionSyntax expression)
            => !expression.DescendantNodesAndSelf().Any(n => n is InvocationExpressionSyntax || n is AssignmentExpressionSyntax
                || n is PostfixUnaryExpressionSyntax || n is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }
                || n is BaseObjectCreationExpressionSyntax || n is AnonymousFunctionExpressionSyntax);

        private static string Atom(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax _ => expression.ToString(),
            LiteralExpressionSyntax _ => expression.ToString(),
            MemberAccessExpressionSyntax _ => expression.ToString(),
            ElementAccessExpressionSyntax _ => expression.ToString(),
            ParenthesizedExpressionSyntax _ => expression.ToString(),
            _ => "(" + expression + ")",
        };

        // ------------------------------------------------------------------ hoisting new Random(…)

        private static SyntaxNode? HoistRandom(SyntaxNode root, SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
        {
            if (node is ArgumentSyntax argument)
            {
                node = argument.Expression;
            }

            if (!(node is BaseObjectCreationExpressionSyntax creation))
            {
                return null;
            }

            // The outermost loop (or the statement holding a generator lambda) around the creation, within its member.
            StatementSyntax? anchor = null;
            SyntaxNode? body = null;
            for (var current = creation.Parent; current is not null; current = current.Parent)
            {
                if (current is ForStatementSyntax || current is CommonForEachStatementSyntax || current is WhileStatementSyntax || current is DoStatementSyntax)
                {
                    anchor = (StatementSyntax)current;
                }
                else if (current is AnonymousFunctionExpressionSyntax)
                {
                    if (anchor is not null)
                    {
                        body = current;
                        break;
                    }

                    anchor = current.FirstAncestorOrSelf<StatementSyntax>();
                    current = anchor;
                    if (current is null)
                    {
                        return null;
                    }
                }
                else if (current is MemberDeclarationSyntax || current is LocalFunctionStatementSyntax || current is CompilationUnitSyntax)
                {
                    body = current;
                    break;
                }
            }

            if (anchor is null || body is null || !(anchor.Parent is BlockSyntax))
            {
                return null;
            }

            // The seed must mean the same before the loop.
            if (creation.ArgumentList is not null)
            {
                foreach (var identifier in creation.ArgumentList.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    var symbol = model.GetSymbolInfo(identifier, cancellationToken).Symbol;
                    if ((symbol is ILocalSymbol || symbol is IParameterSymbol || symbol is IRangeVariableSymbol)
                        && symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == anchor.SyntaxTree && anchor.Span.Contains(r.Span)))
                    {
                        return null;
                    }
                }
            }

            // Case 1: `var rng = new Random(seed);` directly in a block of the loop: move the declaration.
            if (creation.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
                && declarator.Parent is VariableDeclarationSyntax { Variables.Count: 1 } && declarator.Parent.Parent is LocalDeclarationStatementSyntax statement
                && statement.Parent is BlockSyntax && statement.UsingKeyword.IsKind(SyntaxKind.None))
            {
                var name = declarator.Identifier.ValueText;
                if (CountDeclarations(body, name) != 1 || model.LookupSymbols(anchor.SpanStart, name: name).Length > 0)
                {
                    return null;
                }

                var tracked = root.TrackNodes(statement, anchor);
                tracked = tracked.RemoveNode(tracked.GetCurrentNode(statement)!, SyntaxRemoveOptions.KeepNoTrivia)!;
                var moved = statement.WithoutTrivia().WithAdditionalAnnotations(Formatter.Annotation);
                return tracked.InsertNodesBefore(tracked.GetCurrentNode(anchor)!, new[] { moved.WithLeadingTrivia(anchor.GetLeadingTrivia()).WithTrailingTrivia(EndOfLine(root)) });
            }

            // Case 2: introduce a local before the loop and use it.
            var type = model.GetTypeInfo(creation, cancellationToken).Type;
            if (type is null)
            {
                return null;
            }

            string? fresh = null;
            foreach (var candidate in s_names)
            {
                if (!body.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == candidate)
                    && model.LookupSymbols(anchor.SpanStart, name: candidate).Length == 0)
                {
                    fresh = candidate;
                    break;
                }
            }

            if (fresh is null)
            {
                return null;
            }

            var arguments = creation.ArgumentList?.ToString() ?? "()";
            var declaration = SyntaxFactory.ParseStatement("var " + fresh + " = new " + type.ToMinimalDisplayString(model, anchor.SpanStart) + arguments + ";");
            if (declaration.ContainsDiagnostics)
            {
                return null;
            }

            var trackedRoot = root.TrackNodes(creation, anchor);
            trackedRoot = trackedRoot.ReplaceNode(trackedRoot.GetCurrentNode(creation)!, SyntaxFactory.IdentifierName(fresh).WithTriviaFrom(creation));
            declaration = declaration.WithLeadingTrivia(anchor.GetLeadingTrivia()).WithTrailingTrivia(EndOfLine(root))
                .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);
            return trackedRoot.InsertNodesBefore(trackedRoot.GetCurrentNode(anchor)!, new[] { declaration });
        }

        private static SyntaxTrivia EndOfLine(SyntaxNode root)
        {
            foreach (var trivia in root.DescendantTrivia())
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    return trivia;
                }
            }

            return SyntaxFactory.ElasticCarriageReturnLineFeed;
        }

        private static int CountDeclarations(SyntaxNode body, string name)
        {
            var count = 0;
            foreach (var n in body.DescendantNodes())
            {
                var identifier = n switch
                {
                    VariableDeclaratorSyntax v => v.Identifier,
                    ForEachStatementSyntax f => f.Identifier,
                    ParameterSyntax p => p.Identifier,
                    SingleVariableDesignationSyntax s => s.Identifier,
                    CatchDeclarationSyntax c => c.Identifier,
                    LocalFunctionStatementSyntax l => l.Identifier,
                    _ => default,
                };
                if (identifier.ValueText == name)
                {
                    count++;
                }
            }

            return count;
        }
    }
}
