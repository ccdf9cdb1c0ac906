using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Rules;

namespace NnAnalyzers.CodeFixes.Rules
{
    /// <summary>
    /// NN0005's second fix: <c>Math.Log(p[k])</c> where <c>var p = Softmax(logits);</c> becomes
    /// <c>(logits[k] - logSumExp)</c> with <c>logSumExp = max + log Σ exp(logit − max)</c> computed before the statement.
    /// Offered only in the narrow case where that is provably the same value: a double[] softmax of a double[] local or
    /// parameter computed by a source method that never writes its argument, neither array written, aliased or handed to
    /// anything but System.Math / System.Linq.Enumerable anywhere in the method, and the result compiling.
    /// </summary>
    internal static class NN0005LogSpaceRewrite
    {
        /// <summary>The log-space document for the log at <paramref name="invocation"/>; null when the case is not the narrow one.</summary>
        public static async Task<Document?> TryAsync(Document document, InvocationExpressionSyntax invocation, Diagnostic diagnostic, CancellationToken ct)
        {
            if (!diagnostic.Properties.TryGetValue(NN0005UnguardedLogOfProbabilityAnalyzer.SourceProperty, out var source) || source != "Softmax")
            {
                return null;
            }

            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return null;
            }

            var plan = Plan(invocation, model, ct);
            if (plan is null)
            {
                return null;
            }

            var (statement, block, logits, index) = plan.Value;
            var math = MathQualifier(model, statement.SpanStart);
            var linq = LinqQualifier(model, statement.SpanStart);
            var method = statement.FirstAncestorOrSelf<MethodDeclarationSyntax>()!;
            var taken = new HashSet<string>(method.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
            var maxName = FreeName(model, statement.SpanStart, taken, "logitsMax");
            taken.Add(maxName);
            var lseName = FreeName(model, statement.SpanStart, taken, "logSumExp");
            taken.Add(lseName);
            // Sibling lambdas' parameters do not clash with a new lambda's: only names declared in the method's scopes do.
            var declared = new HashSet<string>(method.DescendantTokens()
                .Where(t => t.IsKind(SyntaxKind.IdentifierToken) && IsDeclaration(t.Parent)
                    && !(t.Parent is ParameterSyntax { Parent: ParameterListSyntax { Parent: ParenthesizedLambdaExpressionSyntax } })
                    && !(t.Parent is ParameterSyntax { Parent: SimpleLambdaExpressionSyntax }))
                .Select(t => t.ValueText));
            declared.Add(maxName);
            declared.Add(lseName);
            var lambdaName = FreeName(model, statement.SpanStart, declared, "v");

            var declareMax = SyntaxFactory.ParseStatement(
                "var " + maxName + " = " + linq + ".Max(" + logits + ");")
                .WithTrailingTrivia(EndOfLine(statement))
                .WithAdditionalAnnotations(Formatter.Annotation);
            var declareLse = SyntaxFactory.ParseStatement(
                "var " + lseName + " = " + maxName + " + " + math + ".Log(" + linq + ".Sum(" + logits + ", "
                + lambdaName + " => " + math + ".Exp(" + lambdaName + " - " + maxName + ")));")
                .WithTrailingTrivia(EndOfLine(statement))
                .WithAdditionalAnnotations(Formatter.Annotation);
            var replacement = SyntaxFactory.ParseExpression("(" + logits + "[" + index.WithoutTrivia().ToFullString() + "] - " + lseName + ")")
                .WithTriviaFrom(invocation)
                .WithAdditionalAnnotations(Formatter.Annotation);

            var newStatement = statement.ReplaceNode(invocation, replacement);
            var position = block.Statements.IndexOf(statement);
            var statements = block.Statements.RemoveAt(position)
                .InsertRange(position, new[] { declareMax.WithLeadingTrivia(statement.GetLeadingTrivia()), declareLse, newStatement.WithLeadingTrivia(statement.GetLeadingTrivia().Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse()) });
            var newRoot = root.ReplaceNode(block, block.WithStatements(statements));
            var changed = document.WithSyntaxRoot(newRoot);

            var newModel = await changed.GetSemanticModelAsync(ct).ConfigureAwait(false);
            if (newModel is null || CountErrors(newModel, ct) > CountErrors(model, ct))
            {
                return null;
            }

            return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: ct).ConfigureAwait(false);
        }

        private static (StatementSyntax Statement, BlockSyntax Block, string Logits, ExpressionSyntax Index)? Plan(
            InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken ct)
        {
            // Math.Log(p[k]): System.Math, double, one positional argument, p a local double[] indexed once.
            if (!(model.GetOperation(invocation, ct) is IInvocationOperation log)
                || log.TargetMethod.Name != "Log"
                || log.TargetMethod.ContainingType?.ToDisplayString() != "System.Math"
                || log.Arguments.Length != 1
                || log.TargetMethod.Parameters.Length != 1
                || log.TargetMethod.Parameters[0].Type.SpecialType != SpecialType.System_Double
                || invocation.ArgumentList.Arguments.Count != 1
                || invocation.ArgumentList.Arguments[0].NameColon is not null
                || !(invocation.ArgumentList.Arguments[0].Expression is ElementAccessExpressionSyntax elementSyntax)
                || elementSyntax.ArgumentList.Arguments.Count != 1
                || !(log.Arguments[0].Value is IArrayElementReferenceOperation element)
                || element.Indices.Length != 1
                || !(element.ArrayReference is ILocalReferenceOperation { Local: var p })
                || !IsDoubleVector(p.Type))
            {
                return null;
            }

            // The log sits in a statement directly in a block of a block-bodied method, not in a lambda or local function.
            var statement = invocation.FirstAncestorOrSelf<StatementSyntax>();
            if (statement is null || !(statement.Parent is BlockSyntax block))
            {
                return null;
            }

            // The declarations run before the whole statement: the log must be evaluated unconditionally in it, once.
            if (!(statement is ExpressionStatementSyntax || statement is LocalDeclarationStatementSyntax || statement is ReturnStatementSyntax
                || statement is IfStatementSyntax || statement is SwitchStatementSyntax))
            {
                return null;
            }

            foreach (var ancestor in invocation.Ancestors().TakeWhile(a => a != statement))
            {
                if (ancestor is BinaryExpressionSyntax binary && (binary.IsKind(SyntaxKind.LogicalAndExpression) || binary.IsKind(SyntaxKind.LogicalOrExpression) || binary.IsKind(SyntaxKind.CoalesceExpression))
                    || ancestor is ConditionalExpressionSyntax || ancestor is ConditionalAccessExpressionSyntax || ancestor is SwitchExpressionSyntax
                    || ancestor is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceAssignmentExpression })
                {
                    return null;
                }
            }

            MethodDeclarationSyntax? method = null;
            foreach (var ancestor in invocation.Ancestors())
            {
                if (ancestor is AnonymousFunctionExpressionSyntax || ancestor is LocalFunctionStatementSyntax || ancestor is QueryExpressionSyntax)
                {
                    return null;
                }

                if (ancestor is MemberDeclarationSyntax member)
                {
                    method = member as MethodDeclarationSyntax;
                    break;
                }
            }

            if (method?.Body is null || method.ReturnType is RefTypeSyntax)
            {
                return null;
            }

            // var p = F(logits); one declarator, in a block that encloses the log's statement, before it.
            if (p.IsConst || p.RefKind != RefKind.None || p.DeclaringSyntaxReferences.Length != 1
                || !(p.DeclaringSyntaxReferences[0].GetSyntax(ct) is VariableDeclaratorSyntax declarator)
                || !(declarator.Parent is VariableDeclarationSyntax { Variables.Count: 1 } declaration)
                || !(declaration.Parent is LocalDeclarationStatementSyntax declarationStatement)
                || declarationStatement.UsingKeyword != default
                || !(declarationStatement.Parent is BlockSyntax declarationBlock)
                || !block.AncestorsAndSelf().Contains(declarationBlock)
                || declarationStatement.SpanStart >= statement.SpanStart
                || !(declarator.Initializer?.Value is InvocationExpressionSyntax softmaxSyntax)
                || !(model.GetOperation(softmaxSyntax, ct) is IInvocationOperation softmax)
                || softmax.Arguments.Length != 1
                || softmax.Arguments[0].ArgumentKind != ArgumentKind.Explicit
                || softmax.Arguments[0].Parameter is null
                || softmax.Arguments[0].Parameter!.RefKind != RefKind.None
                || !IsDoubleVector(softmax.TargetMethod.ReturnType))
            {
                return null;
            }

            ISymbol logits;
            switch (softmax.Arguments[0].Value)
            {
                case ILocalReferenceOperation local when local.Local.RefKind == RefKind.None && IsDoubleVector(local.Local.Type):
                    logits = local.Local;
                    break;
                case IParameterReferenceOperation parameter when parameter.Parameter.RefKind == RefKind.None && IsDoubleVector(parameter.Parameter.Type):
                    logits = parameter.Parameter;
                    break;
                default:
                    return null;
            }

            if (!NeverWritesParameter(softmax.TargetMethod, softmax.Arguments[0].Parameter!, ct))
            {
                return null;
            }

            // Neither array written, aliased or passed anywhere else in the method.
            if (!(model.GetOperation(method.Body, ct) is { } body))
            {
                return null;
            }

            var initializerArgument = softmax.Arguments[0].Value;
            foreach (var reference in body.Descendants())
            {
                var symbol = reference is ILocalReferenceOperation l ? l.Local
                    : reference is IParameterReferenceOperation pr ? (ISymbol)pr.Parameter : null;
                if (symbol is null || (!SymbolEqualityComparer.Default.Equals(symbol, p) && !SymbolEqualityComparer.Default.Equals(symbol, logits))
                    || reference == initializerArgument)
                {
                    continue;
                }

                if (!IsReadOnlyUse(reference))
                {
                    return null;
                }
            }

            // Nothing that could run user code (and so modify either array through an alias) between the softmax and
            // the log: the region after p's declaration up to the log's statement, and any loop around the log inside
            // p's scope (its later iterations run again before the log).
            var regions = new List<Microsoft.CodeAnalysis.Text.TextSpan>
            {
                Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(declarationStatement.Span.End, statement.SpanStart),
            };
            foreach (var loop in statement.Ancestors().TakeWhile(a => a != declarationBlock))
            {
                if (loop is ForStatementSyntax || loop is ForEachStatementSyntax || loop is WhileStatementSyntax || loop is DoStatementSyntax)
                {
                    regions.Add(loop.Span);
                }
            }

            foreach (var operation in body.Descendants())
            {
                if (regions.Any(r => r.Contains(operation.Syntax.Span)) && MayRunUserCode(operation))
                {
                    return null;
                }
            }

            var name = logits.Name;
            return (statement, block, SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name, elementSyntax.ArgumentList.Arguments[0].Expression);
        }

        /// <summary>The softmax method is in source and only reads its array parameter.</summary>
        private static bool NeverWritesParameter(IMethodSymbol method, IParameterSymbol parameter, CancellationToken ct)
        {
            var definition = method.OriginalDefinition;
            // The body read must be the one that runs: no virtual dispatch to another override.
            if (definition.DeclaringSyntaxReferences.Length != 1 || definition.IsExtern || definition.IsAbstract || definition.IsVirtual
                || (definition.IsOverride && !definition.IsSealed && !definition.ContainingType.IsSealed))
            {
                return false;
            }

            var syntax = definition.DeclaringSyntaxReferences[0].GetSyntax(ct);
            var bodySyntax = syntax is MethodDeclarationSyntax m ? (SyntaxNode?)m.Body ?? m.ExpressionBody
                : syntax is LocalFunctionStatementSyntax f ? (SyntaxNode?)f.Body ?? f.ExpressionBody : null;
            if (bodySyntax is null)
            {
                return false;
            }

            var parameterDefinition = definition.Parameters[parameter.Ordinal];
            foreach (var node in bodySyntax.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (node.Identifier.ValueText != parameterDefinition.Name)
                {
                    continue;
                }

                // A parameter of the same name in a nested lambda is still checked: more conservative, never wrong.
                if (!IsReadOnlySyntax(node))
                {
                    return false;
                }
            }

            return true;
        }

        // Syntactic version for the softmax body (another tree's model is not at hand): element reads, .Length,
        // arguments of Math/Enumerable-looking calls, foreach collections.
        private static bool IsReadOnlySyntax(IdentifierNameSyntax name)
        {
            var parent = name.Parent;
            switch (parent)
            {
                case ElementAccessExpressionSyntax access when access.Expression == name:
                    return IsReadSyntax(access);
                case MemberAccessExpressionSyntax member when member.Expression == name:
                    return member.Name.Identifier.ValueText == "Length" && IsReadSyntax(member)
                        || member.Parent is InvocationExpressionSyntax && IsPureLinqName(member.Name.Identifier.ValueText);
                case ArgumentSyntax argument when argument.RefKindKeyword == default
                    && argument.Parent?.Parent is InvocationExpressionSyntax call:
                    return call.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Math" or "Enumerable" } };
                case ForEachStatementSyntax forEach when forEach.Expression == name:
                    return true;
                default:
                    return false;
            }
        }

        private static bool IsReadSyntax(ExpressionSyntax expression)
        {
            var parent = expression.Parent;
            while (parent is ParenthesizedExpressionSyntax)
            {
                expression = (ExpressionSyntax)parent;
                parent = parent.Parent;
            }

            return !(parent is AssignmentExpressionSyntax assignment && assignment.Left == expression)
                && !(parent is PrefixUnaryExpressionSyntax prefix && (prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression)))
                && !(parent is PostfixUnaryExpressionSyntax)
                && !(parent is ArgumentSyntax { RefKindKeyword.RawKind: not 0 })
                && !(parent is RefExpressionSyntax)
                && !(parent is TupleExpressionSyntax)
                && !(parent is ArgumentSyntax { Parent: TupleExpressionSyntax });
        }

        private static bool IsPureLinqName(string name)
            => name == "Max" || name == "Min" || name == "Sum" || name == "Average" || name == "Select" || name == "Count";

        // A reference to p or logits that neither writes the array nor lets it escape.
        private static bool IsReadOnlyUse(IOperation reference)
        {
            var parent = reference.Parent;
            while (parent is IConversionOperation { IsImplicit: true } || parent is IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IArrayElementReferenceOperation element when element.ArrayReference == reference:
                    return IsRead(element);
                case IPropertyReferenceOperation { Property.Name: "Length" } length when length.Instance == reference:
                    return true;
                case IArgumentOperation argument when argument.Parameter?.RefKind == RefKind.None
                    && argument.Parent is IInvocationOperation call
                    && (call.TargetMethod.ContainingType?.ToDisplayString() == "System.Math"
                        || call.TargetMethod.ContainingType?.ToDisplayString() == "System.Linq.Enumerable"):
                    return true;
                case IForEachLoopOperation:
                    return true;
                default:
                    return false;
            }
        }

        private static bool IsRead(IOperation element)
        {
            var parent = element.Parent;
            while (parent is IParenthesizedOperation)
            {
                element = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IAssignmentOperation assignment when assignment.Target == element:
                case IIncrementOrDecrementOperation:
                case ITupleOperation:
                    return false;
                case IArgumentOperation argument:
                    return argument.Parameter?.RefKind == RefKind.None;
                case IVariableInitializerOperation initializer:
                    return !(initializer.Parent is IVariableDeclaratorOperation declarator) || declarator.Symbol.RefKind == RefKind.None;
                case IReturnOperation:
                    return true;
                default:
                    return !(element.Syntax.Parent is RefExpressionSyntax);
            }
        }

        private static bool IsDeclaration(SyntaxNode? node)
            => node is VariableDeclaratorSyntax || node is SingleVariableDesignationSyntax || node is ForEachStatementSyntax
                || node is ParameterSyntax || node is LocalFunctionStatementSyntax || node is CatchDeclarationSyntax
                || node is QueryClauseSyntax || node is QueryContinuationSyntax || node is TypeParameterSyntax || node is LabeledStatementSyntax;

        private static SyntaxTrivia EndOfLine(SyntaxNode node)
        {
            foreach (var trivia in node.SyntaxTree.GetRoot().DescendantTrivia())
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    return trivia;
                }
            }

            return SyntaxFactory.ElasticCarriageReturnLineFeed;
        }

        private static bool MayRunUserCode(IOperation operation)
        {
            switch (operation)
            {
                case IInvocationOperation call:
                    var type = call.TargetMethod.ContainingType?.ToDisplayString();
                    return type != "System.Math" && type != "System.Linq.Enumerable";
                case IPropertyReferenceOperation property:
                    return !(property.Property.Name == "Length" && property.Instance?.Type is IArrayTypeSymbol);
                case IObjectCreationOperation _:
                case IDynamicInvocationOperation _:
                case IDynamicMemberReferenceOperation _:
                case IDynamicObjectCreationOperation _:
                case IDynamicIndexerAccessOperation _:
                case IAwaitOperation _:
                case IEventAssignmentOperation _:
                    return true;
                case IBinaryOperation binary:
                    return binary.OperatorMethod is not null;
                case IUnaryOperation unary:
                    return unary.OperatorMethod is not null;
                case ICompoundAssignmentOperation compound:
                    return compound.OperatorMethod is not null;
                case IIncrementOrDecrementOperation increment:
                    return increment.OperatorMethod is not null;
                case IConversionOperation conversion:
                    return conversion.OperatorMethod is not null;
                default:
                    return false;
            }
        }

        private static bool IsDoubleVector(ITypeSymbol? type)
            => type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Double };

        private static int CountErrors(SemanticModel model, CancellationToken ct)
            => model.GetDiagnostics(null, ct).Count(d => d.Severity == DiagnosticSeverity.Error);

        private static string FreeName(SemanticModel model, int position, HashSet<string> taken, string stem)
        {
            for (var i = 1; ; i++)
            {
                var name = i == 1 ? stem : stem + i.ToString(CultureInfo.InvariantCulture);
                if (!taken.Contains(name) && model.LookupSymbols(position, name: name).IsEmpty)
                {
                    return name;
                }
            }
        }

        private static string MathQualifier(SemanticModel model, int position)
        {
            var math = model.Compilation.GetTypeByMetadataName("System.Math");
            var found = model.LookupNamespacesAndTypes(position, name: "Math");
            return found.Length == 1 && SymbolEqualityComparer.Default.Equals(found[0], math) ? "Math" : "global::System.Math";
        }

        private static string LinqQualifier(SemanticModel model, int position)
        {
            var found = model.LookupNamespacesAndTypes(position, name: "System");
            return found.Length == 1 && found[0] is INamespaceSymbol { ContainingNamespace.IsGlobalNamespace: true }
                ? "System.Linq.Enumerable" : "global::System.Linq.Enumerable";
        }
    }
}
