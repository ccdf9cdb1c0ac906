using System.Collections.Generic;
using System.Collections.Immutable;
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
using Microsoft.CodeAnalysis.Simplification;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.CodeFixes.Rules
{
    /// <summary>
    /// NN0002: subtracts the maximum of the same logits before the exponential — a <c>max</c> local for arrays and
    /// sequences (per row or column of 2-D data, following the normaliser's loops), <c>Maximum()</c> for MathNet
    /// vectors, per-column or per-row maxima for MathNet matrices — and adds it back to a log-sum-exp.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NN0002UnstabilizedSoftmaxFixer))]
    public sealed class NN0002UnstabilizedSoftmaxFixer : NnCodeFixProvider
    {
        private const string SubtractMaximum = "SubtractMaximum";
        private const string PerColumn = "PerColumn";
        private const string PerRow = "PerRow";

        /// <summary>Creates the fixer.</summary>
        public NN0002UnstabilizedSoftmaxFixer()
            : base(RuleIds.UnstabilizedSoftmax)
        {
        }

        /// <inheritdoc />
        public override FixAllProvider? GetFixAllProvider() => SequentialFixAll.Create(FixOneAsync);

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

            foreach (var diagnostic in context.Diagnostics)
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                foreach (var plan in Plan(model, node, context.CancellationToken))
                {
                    var captured = plan;
                    context.RegisterCodeFix(
                        CodeAction.Create(plan.Title, ct => ApplyAsync(document, captured, ct), Key(plan.Variant)),
                        diagnostic);
                }
            }
        }

        private static async Task<Document> ApplyAsync(Document document, FixPlan plan, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            return document.WithSyntaxRoot(plan.Apply(root));
        }

        // Fix All, one exponential at a time on the updated document: one fix also shifts the other exponentials of the
        // same logits, so a later diagnostic may already be fixed (it then has no plan and is skipped).
        private async Task<Document?> FixOneAsync(Document document, SyntaxNode node, Diagnostic diagnostic, string? equivalenceKey, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return null;
            }

            var plans = Plan(model, node, cancellationToken);
            var plan = plans.FirstOrDefault(p => Key(p.Variant) == equivalenceKey) ?? plans.FirstOrDefault();
            return plan is null ? null : document.WithSyntaxRoot(plan.Apply(root));
        }

        // ------------------------------------------------------------------ planning

        private static List<FixPlan> Plan(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
        {
            var plans = new List<FixPlan>();
            var operation = model.GetOperation(node, cancellationToken);
            while (operation is not null && !(operation is IInvocationOperation))
            {
                operation = operation.Parent;
            }

            if (operation is null)
            {
                return plans;
            }

            var symbols = KnownSymbols.Create(model.Compilation);
            var softmax = new Softmax(symbols);
            var site = softmax.Analyze(operation, cancellationToken);
            if (site is null || !site.IsUnstabilized)
            {
                return plans;
            }

            var exp = site.Exponentiation;
            var logits = exp.Logits;
            if (!IsPure(logits.Syntax))
            {
                return plans;
            }

            var shape = Collections.ShapeOf(logits.Type, symbols);
            var elementType = Collections.ElementTypeOf(logits.Type);
            if (!Collections.IsNumber(elementType))
            {
                return plans;
            }

            var collectionLevel = IsCollectionLevel(exp);
            var receiver = CollectionExpression(exp);

            if (shape == CollectionShape.Vector && collectionLevel && receiver is not null && site.Kind == SoftmaxKind.Softmax)
            {
                // Every exponential of the same vector in this member is shifted, or numerator and sum would disagree.
                var receivers = new List<SyntaxNode> { receiver.Syntax };
                foreach (var other in softmax.FindAll(Collections.BodyOf(exp.Operation), cancellationToken))
                {
                    if (other.Exponentiation.Operation.Syntax == exp.Operation.Syntax || !other.IsUnstabilized
                        || !Collections.SameCollection(other.Exponentiation.Logits, logits))
                    {
                        continue;
                    }

                    var otherReceiver = IsCollectionLevel(other.Exponentiation) ? CollectionExpression(other.Exponentiation) : null;
                    if (otherReceiver is null)
                    {
                        return plans;
                    }

                    receivers.Add(otherReceiver.Syntax);
                }

                plans.Add(new FixPlan("Subtract the maximum of '" + site.LogitsName + "' (Maximum())", SubtractMaximum, root =>
                    VectorFix(root, receivers, logits.Syntax)));
                return plans;
            }

            if (shape == CollectionShape.Matrix && collectionLevel && receiver is not null && site.Kind == SoftmaxKind.Softmax)
            {
                var statement = BlockStatement(exp.Operation.Syntax);
                if (statement is null)
                {
                    return plans;
                }

                var columns = site.Axis != NormaliserAxis.Rows;
                var rows = site.Axis != NormaliserAxis.Columns;
                if (columns)
                {
                    plans.Add(MatrixPlan(model, statement, receiver.Syntax, logits.Syntax, elementType!, byColumn: true));
                }

                if (rows)
                {
                    plans.Add(MatrixPlan(model, statement, receiver.Syntax, logits.Syntax, elementType!, byColumn: false));
                }

                return plans;
            }

            var local = LocalPlan(model, softmax, site, shape, cancellationToken);
            if (local is not null)
            {
                plans.Add(local);
            }

            return plans;
        }

        /// <summary>True when the exponential applies to a whole collection (PointwiseExp, Map(Math.Exp), Map(v => Math.Exp(v))).</summary>
        private static bool IsCollectionLevel(Exponentiation exp)
        {
            return exp.Form != ExponentiationForm.Element
                || (exp.Element is not null && Collections.Strip(exp.Element.Element) is IParameterReferenceOperation
                    && exp.Argument is not null && Collections.Strip(exp.Argument) is IParameterReferenceOperation);
        }

        /// <summary>The collection expression the exponential is applied to (receiver of PointwiseExp/Map/Select).</summary>
        private static IOperation? CollectionExpression(Exponentiation exp)
        {
            IInvocationOperation? call = exp.Form == ExponentiationForm.Element
                ? exp.Carrier as IInvocationOperation
                : exp.Operation as IInvocationOperation ?? FindCall(exp.Operation);
            if (exp.Form == ExponentiationForm.Element && exp.Element is not null
                && Collections.Strip(exp.Element.Element) is IParameterReferenceOperation parameter)
            {
                return Collections.LambdaSource(parameter, out _);
            }

            return call is null ? null : Collections.Receiver(call);
        }

        private static IInvocationOperation? FindCall(IOperation operation)
        {
            for (var p = operation.Parent; p is not null; p = p.Parent)
            {
                if (p is IInvocationOperation call)
                {
                    return call;
                }
            }

            return null;
        }

        private static SyntaxNode VectorFix(SyntaxNode root, List<SyntaxNode> receivers, SyntaxNode logits)
        {
            var targets = receivers.Select(r => r.Parent is ParenthesizedExpressionSyntax parenthesized ? parenthesized : r).Distinct().ToList();
            var text = logits.WithoutTrivia().ToString();
            return root.ReplaceNodes(targets, (original, current) => SyntaxFactory.ParseExpression("(" + text + " - " + text + ".Maximum())")
                .WithTriviaFrom(current)
                .WithAdditionalAnnotations(Formatter.Annotation));
        }

        private static FixPlan MatrixPlan(SemanticModel model, StatementSyntax statement, SyntaxNode receiver, SyntaxNode logits, ITypeSymbol elementType, bool byColumn)
        {
            var names = new NameScope(model, statement);
            var max = names.Fresh("max");
            var parameters = new NameScope(model, statement, forLambdaParameter: true);
            parameters.Reserve(max);
            var acc = parameters.Fresh("m");
            var value = parameters.Fresh("v");
            var i = parameters.Fresh("i");
            var j = parameters.Fresh("j");
            var text = logits.WithoutTrivia().ToString();
            var type = elementType.SpecialType == SpecialType.System_Single ? "float" : "double";
            var zeros = (model.LookupNamespacesAndTypes(statement.SpanStart, name: "Zeros").Any(z => z.ContainingNamespace?.ToDisplayString() == "MathNet.Numerics.LinearAlgebra")
                ? "Zeros" : "MathNet.Numerics.LinearAlgebra.Zeros") + ".Include";
            var mathMax = model.LookupNamespacesAndTypes(statement.SpanStart, name: "Math").Any(m => m.ToDisplayString() == "System.Math")
                ? "Math.Max" : "System.Math.Max";
            var declaration = "var " + max + " = " + text + "." + (byColumn ? "FoldByColumn" : "FoldByRow") + "((" + acc + ", " + value
                + ") => " + mathMax + "(" + acc + ", " + value + "), " + type + ".NegativeInfinity, " + zeros + ");";
            var shifted = SyntaxFactory.ParseExpression(
                text + ".MapIndexed((" + i + ", " + j + ", " + value + ") => " + value + " - " + max + "[" + (byColumn ? j : i)
                + "], " + zeros + ")")
                .WithAdditionalAnnotations(Formatter.Annotation);
            var title = byColumn
                ? "Subtract each column's maximum of '" + text + "' (samples in columns)"
                : "Subtract each row's maximum of '" + text + "' (samples in rows)";
            return new FixPlan(title, byColumn ? PerColumn : PerRow, root =>
            {
                var tracked = root.TrackNodes(statement, receiver);
                var newReceiver = tracked.GetCurrentNode(receiver)!;
                tracked = tracked.ReplaceNode(newReceiver, shifted.WithTriviaFrom(newReceiver));
                return InsertBefore(tracked, tracked.GetCurrentNode(statement)!, declaration);
            });
        }

        private static FixPlan? LocalPlan(SemanticModel model, Softmax softmax, SoftmaxSite site, CollectionShape shape, CancellationToken cancellationToken)
        {
            var exp = site.Exponentiation;
            if (site.Kind == SoftmaxKind.LogSumExp && exp.Shift is not null)
            {
                return null;
            }

            // Every unstable exponential of the same logits in this body is shifted together.
            var body = Collections.BodyOf(exp.Operation);
            var sites = new List<SoftmaxSite> { site };
            foreach (var other in softmax.FindAll(body, cancellationToken))
            {
                if (other.Exponentiation.Operation.Syntax != exp.Operation.Syntax && other.IsUnstabilized
                    && Collections.SameCollection(other.Exponentiation.Logits, exp.Logits))
                {
                    if (other.Exponentiation.Form == ExponentiationForm.Pointwise)
                    {
                        return null;
                    }

                    sites.Add(other);
                }
            }

            // The block that holds one normalisation group: where the sum is declared, else the exponential's own block, else
            // for a 1-D collection filled by a MathNet builder (Build.Dense(n, i => Math.Exp(x[i])), the function runs at once)
            // the builder's block. A matrix filled that way has no per-sample maximum to declare outside its function: no fix.
            var block = SumBlock(site) ?? BlockStatement(exp.Operation.Syntax)?.Parent as BlockSyntax
                ?? (exp.Carrier != exp.Operation && exp.Carrier.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dense" } }
                    && exp.Element is { Indices.Count: <= 1 }
                    ? BlockStatement(exp.Carrier.Syntax)?.Parent as BlockSyntax : null);
            if (block is null)
            {
                return null;
            }

            var statements = new List<StatementSyntax>();
            foreach (var s in sites)
            {
                var statement = ChildOf(block, s.Exponentiation.Operation.Syntax);
                if (statement is null)
                {
                    return null;
                }

                statements.Add(statement);
            }

            // A wrong shift written before the exponential's statement (x[i] -= min in an earlier loop, z.Subtract(min, z)):
            // the maximum declared before the exponential would be read before it exists. No fix.
            foreach (var s in sites)
            {
                if (s.Exponentiation.Shift is { } shift && !statements.Any(statement => statement.Span.Contains(shift.Syntax.Span)))
                {
                    return null;
                }
            }

            var anchor = statements.OrderBy(s => s.SpanStart).First();
            var maxExpression = MaxExpression(model, exp, shape, block);
            if (maxExpression is null)
            {
                return null;
            }

            var names = new NameScope(model, anchor);
            var max = names.Fresh("max");
            var edits = new Dictionary<SyntaxNode, System.Func<SyntaxNode, SyntaxNode>>();
            foreach (var s in sites)
            {
                var e = s.Exponentiation;
                if (e.Shift is not null)
                {
                    edits[e.Shift.Syntax] = current => SyntaxFactory.IdentifierName(max).WithTriviaFrom(current);
                }
                else if (e.Form == ExponentiationForm.MethodGroup)
                {
                    var parameter = new NameScope(model, e.Operation.Syntax, forLambdaParameter: true).Fresh("v");
                    edits[e.Operation.Syntax] = current => SyntaxFactory.ParseExpression(
                        parameter + " => " + current.WithoutTrivia() + "(" + parameter + " - " + max + ")")
                        .WithTriviaFrom(current);
                }
                else if (e.Scale is not null && e.Element?.Element.Syntax is ExpressionSyntax)
                {
                    // Math.Exp(x[i] / T) → Math.Exp((x[i] - max) / T): the shift goes on the logit, before the temperature.
                    edits[e.Element.Element.Syntax] = current => SyntaxFactory.ParenthesizedExpression(SyntaxFactory.BinaryExpression(
                        SyntaxKind.SubtractExpression, (ExpressionSyntax)current.WithoutTrivia(), SyntaxFactory.IdentifierName(max)))
                        .WithTriviaFrom(current);
                }
                else if (e.Argument?.Syntax is ExpressionSyntax)
                {
                    edits[e.Argument.Syntax] = current => SyntaxFactory.BinaryExpression(
                        SyntaxKind.SubtractExpression, Parenthesize((ExpressionSyntax)current.WithoutTrivia()), SyntaxFactory.IdentifierName(max))
                        .WithTriviaFrom(current);
                }
                else
                {
                    return null;
                }
            }

            if (site.Kind == SoftmaxKind.LogSumExp)
            {
                foreach (var normaliser in site.Normalisers)
                {
                    if (!(normaliser is IInvocationOperation log) || !(log.Syntax is ExpressionSyntax logSyntax)
                        || !block.Span.Contains(log.Syntax.Span) || log.Syntax.SpanStart < anchor.SpanStart
                        || !IsSumItself(log.Arguments[0].Value, site))
                    {
                        return null;
                    }

                    var parenthesize = NeedsParentheses(logSyntax);
                    edits[logSyntax] = current =>
                    {
                        var added = SyntaxFactory.BinaryExpression(
                            SyntaxKind.AddExpression, SyntaxFactory.IdentifierName(max), (ExpressionSyntax)current.WithoutTrivia());
                        return (parenthesize ? SyntaxFactory.ParenthesizedExpression(added) : (ExpressionSyntax)added).WithTriviaFrom(current);
                    };
                }
            }

            var needsLinq = (maxExpression.Contains("Max(") && !maxExpression.Contains(".Maximum()")) || maxExpression.Contains("Enumerable.");
            needsLinq &= !LinqInScope(model, anchor.SpanStart);
            var title = "Subtract the maximum of '" + site.LogitsName + "'";
            var declarationText = "var " + max + " = " + maxExpression + ";";
            return new FixPlan(title, SubtractMaximum, root =>
            {
                var tracked = root.TrackNodes(edits.Keys.Concat(new SyntaxNode[] { anchor }));
                var current = edits.Keys.ToDictionary(k => tracked.GetCurrentNode(k)!, k => edits[k]);
                tracked = tracked.ReplaceNodes(current.Keys, (original, rewritten) => current[original](rewritten));
                tracked = InsertBefore(tracked, tracked.GetCurrentNode(anchor)!, declarationText);
                if (needsLinq && tracked is CompilationUnitSyntax unit)
                {
                    tracked = AddUsing(unit, "System.Linq");
                }

                return tracked;
            });
        }

        /// <summary>Inserts a statement before <paramref name="anchor"/>, on its own line with the anchor's indentation.</summary>
        private static SyntaxNode InsertBefore(SyntaxNode root, SyntaxNode anchor, string statementText)
        {
            var leading = anchor.GetLeadingTrivia();
            var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                ? SyntaxFactory.TriviaList(leading[leading.Count - 1])
                : SyntaxFactory.TriviaList();
            var statement = SyntaxFactory.ParseStatement(statementText)
                .WithLeadingTrivia(indentation)
                .WithTrailingTrivia(EndOfLine(root))
                .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);
            return root.InsertNodesBefore(anchor, new[] { statement });
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

            return SyntaxFactory.CarriageReturnLineFeed;
        }

        private static bool IsSumItself(IOperation argument, SoftmaxSite site)
        {
            var op = Collections.Strip(argument);
            if (op is ILocalReferenceOperation local)
            {
                return site.SumSymbols.Contains(local.Local, SymbolEqualityComparer.Default);
            }

            return op is IInvocationOperation { TargetMethod: { Name: "Sum" } } && op.Syntax.Span.Contains(site.Exponentiation.Operation.Syntax.Span);
        }

        private static bool NeedsParentheses(ExpressionSyntax expression)
        {
            var parent = expression.Parent;
            return !(parent is ArgumentSyntax || parent is EqualsValueClauseSyntax || parent is ReturnStatementSyntax
                || parent is ArrowExpressionClauseSyntax || parent is ParenthesizedExpressionSyntax
                || (parent is AssignmentExpressionSyntax assignment && assignment.Right == expression)
                || (parent is BinaryExpressionSyntax binary && parent.IsKind(SyntaxKind.AddExpression) && binary.Left == expression));
        }

        private static ExpressionSyntax Parenthesize(ExpressionSyntax expression)
        {
            return expression is IdentifierNameSyntax || expression is ElementAccessExpressionSyntax || expression is MemberAccessExpressionSyntax
                || expression is InvocationExpressionSyntax || expression is ParenthesizedExpressionSyntax
                ? expression
                : SyntaxFactory.ParenthesizedExpression(expression);
        }

        /// <summary>The maximum of the normalisation group the exponential belongs to, as C# text.</summary>
        private static string? MaxExpression(SemanticModel model, Exponentiation exp, CollectionShape shape, BlockSyntax block)
        {
            var logits = exp.Logits.Syntax.WithoutTrivia().ToString();
            var indices = exp.Element?.Indices ?? (IReadOnlyList<IOperation>)System.Array.Empty<IOperation>();
            var elementType = Collections.ElementTypeOf(exp.Logits.Type);
            var typeName = elementType?.SpecialType == SpecialType.System_Single ? "float" : "double";

            // An index is fixed within a group when its variable is declared outside the group's block.
            var group = new bool[indices.Count];
            for (var k = 0; k < indices.Count; k++)
            {
                var index = Collections.Strip(indices[k]);
                if (!(index is ILocalReferenceOperation || index is IParameterReferenceOperation || index.ConstantValue.HasValue))
                {
                    return null;
                }

                var symbol = index is ILocalReferenceOperation l ? (ISymbol)l.Local : (index as IParameterReferenceOperation)?.Parameter;
                group[k] = symbol is null || !symbol.DeclaringSyntaxReferences.Any(r => block.Span.Contains(r.Span));
            }

            var varyingName = new NameScope(model, block, forLambdaParameter: true).Fresh("k");
            switch (shape)
            {
                case CollectionShape.Vector:
                    return indices.Count <= 1 && (indices.Count == 0 || !group[0]) ? logits + ".Maximum()" : null;
                case CollectionShape.Array:
                case CollectionShape.Sequence:
                    return indices.Count <= 1 && (indices.Count == 0 || !group[0]) ? logits + ".Max()" : null;
                case CollectionShape.Array2D when indices.Count == 2:
                    {
                        var a = indices[0].Syntax.ToString();
                        var b = indices[1].Syntax.ToString();
                        if (group[0] && !group[1])
                        {
                            return "Enumerable.Range(0, " + logits + ".GetLength(1)).Max(" + varyingName + " => " + logits + "[" + a + ", " + varyingName + "])";
                        }

                        if (!group[0] && group[1])
                        {
                            return "Enumerable.Range(0, " + logits + ".GetLength(0)).Max(" + varyingName + " => " + logits + "[" + varyingName + ", " + b + "])";
                        }

                        return !group[0] && !group[1] ? logits + ".Cast<" + typeName + ">().Max()" : null;
                    }

                case CollectionShape.Jagged when indices.Count == 2:
                    {
                        var a = indices[0].Syntax.ToString();
                        var b = indices[1].Syntax.ToString();
                        if (group[0] && !group[1])
                        {
                            return logits + "[" + a + "].Max()";
                        }

                        if (!group[0] && group[1])
                        {
                            return logits + ".Max(" + varyingName + " => " + varyingName + "[" + b + "])";
                        }

                        return !group[0] && !group[1] ? logits + ".Max(" + varyingName + " => " + varyingName + ".Max())" : null;
                    }

                case CollectionShape.Matrix when indices.Count == 2:
                    {
                        var a = indices[0].Syntax.ToString();
                        var b = indices[1].Syntax.ToString();
                        if (group[0] && !group[1])
                        {
                            return logits + ".Row(" + a + ").Maximum()";
                        }

                        if (!group[0] && group[1])
                        {
                            return logits + ".Column(" + b + ").Maximum()";
                        }

                        return !group[0] && !group[1] ? logits + ".Enumerate().Max()" : null;
                    }

                default:
                    return null;
            }
        }

        /// <summary>The block in which the sum of the exponentials is declared (one normalisation group), or null.</summary>
        private static BlockSyntax? SumBlock(SoftmaxSite site)
        {
            foreach (var symbol in site.SumSymbols)
            {
                if (symbol is ILocalSymbol local && local.DeclaringSyntaxReferences.Length == 1)
                {
                    var declaration = local.DeclaringSyntaxReferences[0].GetSyntax();
                    if (declaration.FirstAncestorOrSelf<StatementSyntax>()?.Parent is BlockSyntax block
                        && block.Span.Contains(site.Exponentiation.Operation.Syntax.Span))
                    {
                        return block;
                    }
                }
            }

            return null;
        }

        /// <summary>The statement that holds <paramref name="node"/> and sits directly in a block, or null.</summary>
        private static StatementSyntax? BlockStatement(SyntaxNode node)
        {
            for (var n = node; n is not null; n = n.Parent)
            {
                if (n is StatementSyntax statement && n.Parent is BlockSyntax)
                {
                    return statement;
                }

                if (n is MemberDeclarationSyntax || n is AnonymousFunctionExpressionSyntax)
                {
                    return null;
                }
            }

            return null;
        }

        /// <summary>The statement of <paramref name="block"/> that holds <paramref name="node"/>, or null.</summary>
        private static StatementSyntax? ChildOf(BlockSyntax block, SyntaxNode node)
        {
            for (var n = node; n is not null && n != block; n = n.Parent)
            {
                if (n.Parent == block && n is StatementSyntax statement)
                {
                    return statement;
                }
            }

            return null;
        }

        /// <summary>True for names, member accesses and element accesses by names or literals (safe to repeat).</summary>
        private static bool IsPure(SyntaxNode node)
        {
            switch (node)
            {
                case IdentifierNameSyntax _:
                case ThisExpressionSyntax _:
                case LiteralExpressionSyntax _:
                    return true;
                case MemberAccessExpressionSyntax access:
                    return IsPure(access.Expression);
                case ElementAccessExpressionSyntax element:
                    return IsPure(element.Expression) && element.ArgumentList.Arguments.All(a => IsPure(a.Expression));
                case ParenthesizedExpressionSyntax parenthesized:
                    return IsPure(parenthesized.Expression);
                default:
                    return false;
            }
        }

        private static bool LinqInScope(SemanticModel model, int position)
        {
            foreach (var symbol in model.LookupNamespacesAndTypes(position, name: "Enumerable"))
            {
                if (symbol.ContainingNamespace?.ToDisplayString() == "System.Linq")
                {
                    return true;
                }
            }

            return false;
        }

        private static SyntaxNode AddUsing(CompilationUnitSyntax unit, string name)
        {
            var directive = SyntaxFactory.ParseCompilationUnit("using " + name + ";").Usings[0];
            var usings = unit.Usings;
            var index = 0;
            while (index < usings.Count && string.CompareOrdinal(usings[index].Name?.ToString(), name) < 0
                && usings[index].StaticKeyword.IsKind(SyntaxKind.None) && usings[index].Alias is null)
            {
                index++;
            }

            directive = directive.WithTrailingTrivia(EndOfLine(unit));

            return unit.WithUsings(usings.Insert(index, directive));
        }

        /// <summary>Fresh local names: not visible at the position and not declared anywhere in the member.</summary>
        private sealed class NameScope
        {
            private readonly HashSet<string> _taken = new HashSet<string>(System.StringComparer.Ordinal);

            public NameScope(SemanticModel model, SyntaxNode anchor, bool forLambdaParameter = false)
            {
                foreach (var symbol in model.LookupSymbols(anchor.SpanStart))
                {
                    _taken.Add(symbol.Name);
                }

                // C# 7.3 rejects a local or lambda parameter that shares a name with any local of an enclosing scope,
                // even one declared later: keep clear of every name declared in the member (a new lambda parameter
                // may share a sibling lambda's parameter name).
                var member = anchor.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)anchor.SyntaxTree.GetRoot();
                foreach (var node in member.DescendantNodes())
                {
                    switch (node)
                    {
                        case VariableDeclaratorSyntax declarator:
                            _taken.Add(declarator.Identifier.ValueText);
                            break;
                        case ForEachStatementSyntax loop:
                            _taken.Add(loop.Identifier.ValueText);
                            break;
                        case SingleVariableDesignationSyntax designation:
                            _taken.Add(designation.Identifier.ValueText);
                            break;
                        case LocalFunctionStatementSyntax function:
                            _taken.Add(function.Identifier.ValueText);
                            break;
                        case ParameterSyntax parameter when !forLambdaParameter || !(parameter.Parent?.Parent is AnonymousFunctionExpressionSyntax || parameter.Parent is SimpleLambdaExpressionSyntax):
                            _taken.Add(parameter.Identifier.ValueText);
                            break;
                    }
                }
            }

            public void Reserve(string name) => _taken.Add(name);

            public string Fresh(string baseName)
            {
                var candidates = new[] { baseName, baseName + "Logit", baseName + "Value" };
                foreach (var candidate in candidates)
                {
                    if (_taken.Add(candidate))
                    {
                        return candidate;
                    }
                }

                for (var n = 2; ; n++)
                {
                    var candidate = baseName + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (_taken.Add(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        private sealed class FixPlan
        {
            private readonly System.Func<SyntaxNode, SyntaxNode> _apply;

            public FixPlan(string title, string variant, System.Func<SyntaxNode, SyntaxNode> apply)
            {
                Title = title;
                Variant = variant;
                _apply = apply;
            }

            public string Title { get; }

            public string Variant { get; }

            public SyntaxNode Apply(SyntaxNode root) => _apply(root);
        }
    }
}
