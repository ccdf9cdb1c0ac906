using System;
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
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using NnAnalyzers.Rules;
using NnAnalyzers.Semantics;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace NnAnalyzers.CodeFixes.Rules
{
    /// <summary>
    /// NN0004 fixes. A discarded MathNet result: "Assign the result back" (<c>W = W.Subtract(dW);</c>) and "Use the
    /// in-place overload" (<c>W.Subtract(dW, W);</c>). Discarded gradients: "Apply them with &lt;Update&gt;" — declares
    /// locals for the results and calls the only method that accepts them and writes the parameters. Every fix is
    /// computed up front and offered only when the changed code binds without error. Fix All applies the fixes one after
    /// another (new local names depend on the ones declared before).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NN0004UnusedBackpropResultsFixer))]
    [Shared]
    public sealed class NN0004UnusedBackpropResultsFixer : NnCodeFixProvider
    {
        private const string AssignBackVariant = "AssignBack";
        private const string InPlaceVariant = "InPlace";
        private const string ApplyGradientsVariant = "ApplyGradients";

        private static readonly FixAllProvider s_fixAll = SequentialFixAll.Create(FixOneAsync);

        /// <summary>Creates the provider.</summary>
        public NN0004UnusedBackpropResultsFixer()
            : base(RuleIds.UnusedBackpropResults)
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
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var fixes = await ComputeFixesAsync(context.Document, node, diagnostic, context.CancellationToken).ConfigureAwait(false);
                foreach (var fix in fixes)
                {
                    var result = fix.Result;
                    context.RegisterCodeFix(CodeAction.Create(fix.Title, _ => Task.FromResult(result), Key(fix.Variant)), diagnostic);
                }
            }
        }

        // Fix All, one call at a time on the updated document (new local names depend on the ones declared before): the
        // chosen variant where it fits, elsewhere the diagnostic's own first fix, so that one Fix All (as dotnet format
        // runs it) repairs both kinds of NN0004.
        private static async Task<Document?> FixOneAsync(Document document, SyntaxNode node, Diagnostic diagnostic, string? equivalenceKey, CancellationToken cancellationToken)
        {
            var fixes = await ComputeFixesAsync(document, node, diagnostic, cancellationToken).ConfigureAwait(false);
            var fix = fixes.FirstOrDefault(f => "NN0004." + f.Variant == equivalenceKey) ?? fixes.FirstOrDefault();
            return fix?.Result;
        }

        private static async Task<IReadOnlyList<Fix>> ComputeFixesAsync(Document document, SyntaxNode node, Diagnostic diagnostic, CancellationToken ct)
        {
            diagnostic.Properties.TryGetValue(NN0004UnusedBackpropResultsAnalyzer.KindProperty, out var kind);
            var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (invocation is null)
            {
                return Array.Empty<Fix>();
            }

            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            if (model is null || model.GetOperation(invocation, ct) is not IInvocationOperation operation)
            {
                return Array.Empty<Fix>();
            }

            var flow = NnSemantics.Create(model.Compilation).GradientFlow;
            switch (kind)
            {
                case NN0004UnusedBackpropResultsAnalyzer.KindMathNetResult:
                    return await MathNetFixesAsync(document, model, invocation, operation, flow, ct).ConfigureAwait(false);
                case NN0004UnusedBackpropResultsAnalyzer.KindGradientsDiscarded:
                case NN0004UnusedBackpropResultsAnalyzer.KindGradientsNotRead:
                    var fix = await ApplyGradientsFixAsync(document, model, invocation, operation, flow, kind == NN0004UnusedBackpropResultsAnalyzer.KindGradientsDiscarded, ct).ConfigureAwait(false);
                    return fix is null ? Array.Empty<Fix>() : new[] { fix };
                default:
                    return Array.Empty<Fix>();
            }
        }

        // ------------------------------------------------------------------ MathNet results

        private static async Task<IReadOnlyList<Fix>> MathNetFixesAsync(
            Document document, SemanticModel model, InvocationExpressionSyntax invocation, IInvocationOperation operation, GradientFlow flow, CancellationToken ct)
        {
            var fixes = new List<Fix>(2);
            if (invocation.Expression is not MemberAccessExpressionSyntax memberAccess || operation.Instance is null
                || invocation.Parent is not ExpressionStatementSyntax and not ArrowExpressionClauseSyntax and not LambdaExpressionSyntax)
            {
                return fixes;
            }

            var receiver = GradientFlow.Unwrap(operation.Instance);
            var receiverType = receiver.Type;
            if (receiverType is null || !IsStorage(receiver, 0))
            {
                return fixes;
            }

            var receiverSyntax = memberAccess.Expression.WithoutTrivia();
            var receiverText = receiverSyntax.ToString();

            // Assign the result back: W = W.Subtract(dW).
            if (IsAssignable(receiver) && operation.Type is { } resultType
                && model.Compilation.ClassifyConversion(resultType, receiverType).IsImplicit)
            {
                var assignment = AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, receiverSyntax, invocation.WithoutTrivia())
                    .WithTriviaFrom(invocation);
                var result = await ReplaceAndCheckAsync(document, invocation, assignment, ct).ConfigureAwait(false);
                if (result is not null)
                {
                    fixes.Add(new Fix($"Assign the result back to '{receiverText}'", AssignBackVariant, result));
                }
            }

            // Use the in-place overload: W.Subtract(dW, W).
            var overload = flow.MathNet.FindInPlaceOverload(operation.TargetMethod, receiverType);
            if (overload is not null)
            {
                var arguments = invocation.ArgumentList.Arguments;
                var index = MathNetOperations.ResultParameterIndex(overload);
                var resultArgument = Argument(receiverSyntax);
                if (arguments.Any(a => a.NameColon is not null) || arguments.Count < index)
                {
                    arguments = arguments.Add(resultArgument.WithNameColon(NameColon("result")));
                }
                else
                {
                    arguments = arguments.Insert(index, resultArgument);
                }

                var inPlace = invocation.WithArgumentList(invocation.ArgumentList.WithArguments(arguments));
                var result = await ReplaceAndCheckAsync(document, invocation, inPlace, ct, bound =>
                    bound is IInvocationOperation call && SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, overload.OriginalDefinition)).ConfigureAwait(false);
                if (result is not null)
                {
                    fixes.Add(new Fix($"Use the in-place overload '{Shorten(inPlace.WithoutTrivia().ToString())}'", InPlaceVariant, result));
                }
            }

            return fixes;
        }

        /// <summary>A variable, field, property or element reached without side effects (safe to name twice).</summary>
        private static bool IsStorage(IOperation operation, int depth)
        {
            if (depth > 6)
            {
                return false;
            }

            switch (GradientFlow.Unwrap(operation))
            {
                case ILocalReferenceOperation:
                case IParameterReferenceOperation:
                    return true;
                case IFieldReferenceOperation field:
                    return field.Instance is null || field.Instance is IInstanceReferenceOperation || IsStorage(field.Instance, depth + 1);
                case IPropertyReferenceOperation property:
                    return (property.Instance is null || property.Instance is IInstanceReferenceOperation || IsStorage(property.Instance, depth + 1))
                        && property.Arguments.All(a => IsPlainValue(a.Value, depth + 1));
                case IArrayElementReferenceOperation element:
                    return IsStorage(element.ArrayReference, depth + 1) && element.Indices.All(i => IsPlainValue(i, depth + 1));
                default:
                    return false;
            }
        }

        private static bool IsPlainValue(IOperation operation, int depth)
        {
            operation = GradientFlow.Unwrap(operation);
            return operation is ILiteralOperation or IInstanceReferenceOperation
                || operation.ConstantValue.HasValue
                || IsStorage(operation, depth)
                || operation is IBinaryOperation binary && IsPlainValue(binary.LeftOperand, depth + 1) && IsPlainValue(binary.RightOperand, depth + 1);
        }

        private static bool IsAssignable(IOperation storage)
        {
            switch (storage)
            {
                case ILocalReferenceOperation local:
                    return !local.Local.IsConst && !local.Local.IsForEach && !local.Local.IsUsing && local.Local.RefKind != RefKind.RefReadOnly;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter.RefKind is RefKind.None or RefKind.Ref or RefKind.Out;
                case IFieldReferenceOperation field:
                    return !field.Field.IsReadOnly && !field.Field.IsConst;
                case IPropertyReferenceOperation property:
                    return property.Property.SetMethod is { IsInitOnly: false };
                case IArrayElementReferenceOperation:
                    return true;
                default:
                    return false;
            }
        }

        // ------------------------------------------------------------------ discarded gradients

        private static async Task<Fix?> ApplyGradientsFixAsync(
            Document document, SemanticModel model, InvocationExpressionSyntax invocation, IInvocationOperation operation, GradientFlow flow, bool discarded, CancellationToken ct)
        {
            var method = operation.TargetMethod;
            var statement = discarded ? invocation.Parent as ExpressionStatementSyntax : invocation.FirstAncestorOrSelf<StatementSyntax>();
            var member = invocation.FirstAncestorOrSelf<MemberDeclarationSyntax>();
            if (statement is null || member is null || model.GetEnclosingSymbol(invocation.SpanStart, ct) is not { } enclosing)
            {
                return null;
            }

            // The gradient values: new locals (discarded result) or the locals that already hold them.
            var values = discarded
                ? NewGradientLocals(model, member, invocation.SpanStart, method.ReturnType, ct)
                : StoredGradientLocals(model, statement, invocation, ct);
            if (values is null || values.Count == 0)
            {
                return null;
            }

            var callSiteType = enclosing.ContainingType;
            var types = new List<INamedTypeSymbol> { method.ContainingType };
            if (callSiteType is not null && !SymbolEqualityComparer.Default.Equals(callSiteType, method.ContainingType))
            {
                types.Add(callSiteType);
            }

            var localFunctions = model.LookupSymbols(invocation.SpanStart).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.LocalFunction);
            var update = flow.FindUpdateMethod(types, values.Select(v => v.Type).ToList(), values.Select(v => v.ElementName).ToList(), enclosing, ct, localFunctions);
            if (update is null)
            {
                return null;
            }

            var updateCall = BuildUpdateCall(model, invocation, operation, update, values, enclosing, ct);
            if (updateCall is null)
            {
                return null;
            }

            var updateStatement = ExpressionStatement(updateCall).WithAdditionalAnnotations(Formatter.Annotation);
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (root is null)
            {
                return null;
            }

            var mark = new SyntaxAnnotation("NN0004.Changed");
            SyntaxNode newRoot;
            if (discarded)
            {
                var declaration = DeclareGradients(values, invocation.WithoutTrivia())
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation, mark);
                updateStatement = updateStatement.WithTrailingTrivia(statement.GetTrailingTrivia()).WithAdditionalAnnotations(mark);
                if (statement.Parent is BlockSyntax or SwitchSectionSyntax)
                {
                    newRoot = root.ReplaceNode(statement, new StatementSyntax[] { declaration, updateStatement });
                }
                else
                {
                    var block = Block(declaration.WithoutLeadingTrivia(), updateStatement.WithoutTrailingTrivia())
                        .WithTriviaFrom(statement)
                        .WithAdditionalAnnotations(Formatter.Annotation, mark);
                    newRoot = root.ReplaceNode(statement, block);
                }
            }
            else
            {
                if (statement.Parent is not (BlockSyntax or SwitchSectionSyntax))
                {
                    return null;
                }

                newRoot = root.InsertNodesAfter(statement, new[] { updateStatement.WithAdditionalAnnotations(mark) });
            }

            var result = await FinishAsync(document, document.WithSyntaxRoot(newRoot), mark, null, ct).ConfigureAwait(false);
            return result is null ? null : new Fix($"Apply them with {update.Method.Name}", ApplyGradientsVariant, result);
        }

        private sealed class GradientValue
        {
            public GradientValue(string localName, ExpressionSyntax expression, ITypeSymbol type, string? elementName)
            {
                LocalName = localName;
                Expression = expression;
                Type = type;
                ElementName = elementName;
            }

            public string LocalName { get; }

            public ExpressionSyntax Expression { get; }

            public ITypeSymbol Type { get; }

            public string? ElementName { get; }
        }

        private static List<GradientValue>? NewGradientLocals(SemanticModel model, MemberDeclarationSyntax member, int position, ITypeSymbol returnType, CancellationToken ct)
        {
            // Every identifier of the member (of the whole file for top-level statements, which share one scope).
            var taken = new HashSet<string>(StringComparer.Ordinal);
            var scope = member is GlobalStatementSyntax && member.Parent is { } unit ? unit : member;
            foreach (var token in scope.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken))
                {
                    taken.Add(token.ValueText);
                }
            }

            foreach (var symbol in model.LookupSymbols(position))
            {
                taken.Add(symbol.Name);
            }

            var values = new List<GradientValue>();
            if (returnType is INamedTypeSymbol { IsTupleType: true } tuple)
            {
                var elements = tuple.TupleElements;
                for (var i = 0; i < elements.Length; i++)
                {
                    var element = elements[i];
                    var named = !element.Name.StartsWith("Item", StringComparison.Ordinal) || element.Name.Length <= 4 || !char.IsDigit(element.Name[4]);
                    var baseName = named ? CamelCase(element.Name) : "grad" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    var name = Unique(baseName, taken);
                    values.Add(new GradientValue(name, IdentifierName(name), element.Type, named ? element.Name : null));
                }
            }
            else
            {
                var name = Unique("gradients", taken);
                values.Add(new GradientValue(name, IdentifierName(name), returnType, null));
            }

            return values;
        }

        private static List<GradientValue>? StoredGradientLocals(SemanticModel model, StatementSyntax statement, InvocationExpressionSyntax invocation, CancellationToken ct)
        {
            var values = new List<GradientValue>();
            ExpressionSyntax value = invocation;
            while (value.Parent is ParenthesizedExpressionSyntax p)
            {
                value = p;
            }

            switch (statement)
            {
                case LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } when variables[0].Initializer?.Value == value:
                    {
                        if (model.GetDeclaredSymbol(variables[0], ct) is not ILocalSymbol local)
                        {
                            return null;
                        }

                        AddLocal(values, local);
                        return values;
                    }

                case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment } when assignment.Right == value:
                    foreach (var node in assignment.Left.DescendantNodesAndSelf())
                    {
                        var symbol = node switch
                        {
                            SingleVariableDesignationSyntax designation => model.GetDeclaredSymbol(designation, ct),
                            IdentifierNameSyntax identifier when identifier.Parent is not DeclarationExpressionSyntax => model.GetSymbolInfo(identifier, ct).Symbol,
                            _ => null,
                        };
                        if (symbol is ILocalSymbol local)
                        {
                            values.Add(new GradientValue(local.Name, IdentifierName(local.Name), local.Type, null));
                        }
                        else if (symbol is not null)
                        {
                            return null;
                        }
                    }

                    // Element names of the returned tuple map the values by name (DW → dW).
                    if (model.GetTypeInfo(invocation, ct).Type is INamedTypeSymbol { IsTupleType: true } tuple && tuple.TupleElements.Length == values.Count)
                    {
                        for (var i = 0; i < values.Count; i++)
                        {
                            values[i] = new GradientValue(values[i].LocalName, values[i].Expression, values[i].Type, tuple.TupleElements[i].Name);
                        }
                    }

                    return values;
                default:
                    return null;
            }
        }

        private static void AddLocal(List<GradientValue> values, ILocalSymbol local)
        {
            if (local.Type is INamedTypeSymbol { IsTupleType: true } tuple)
            {
                foreach (var element in tuple.TupleElements)
                {
                    values.Add(new GradientValue(local.Name, MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(local.Name), IdentifierName(element.Name)), element.Type, element.Name));
                }
            }
            else
            {
                values.Add(new GradientValue(local.Name, IdentifierName(local.Name), local.Type, null));
            }
        }

        private static StatementSyntax DeclareGradients(List<GradientValue> values, ExpressionSyntax call)
        {
            if (values.Count == 1)
            {
                return LocalDeclarationStatement(VariableDeclaration(IdentifierName("var"))
                    .AddVariables(VariableDeclarator(Identifier(values[0].LocalName)).WithInitializer(EqualsValueClause(call))));
            }

            var designation = ParenthesizedVariableDesignation(SeparatedList<VariableDesignationSyntax>(
                values.Select(v => SingleVariableDesignation(Identifier(v.LocalName)))));
            return ExpressionStatement(AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                DeclarationExpression(IdentifierName("var"), designation),
                call));
        }

        private static InvocationExpressionSyntax? BuildUpdateCall(
            SemanticModel model, InvocationExpressionSyntax invocation, IInvocationOperation backprop, UpdateMethod update, List<GradientValue> values, ISymbol enclosing, CancellationToken ct)
        {
            var method = update.Method;
            var position = invocation.SpanStart;
            var inScope = model.LookupSymbols(position).Where(s => s is ILocalSymbol or IParameterSymbol).ToList();
            var arguments = new List<ArgumentSyntax>();
            var skipped = false;
            for (var i = 0; i < method.Parameters.Length; i++)
            {
                var parameter = method.Parameters[i];
                ExpressionSyntax? expression = null;
                var g = update.GradientParameterIndexes.IndexOf(i);
                if (g >= 0)
                {
                    expression = values[g].Expression;
                }
                else
                {
                    expression = FromBackpropArguments(model, backprop, parameter)
                        ?? FromBackpropReceiver(model, invocation, backprop, parameter)
                        ?? FromScope(model, inScope, parameter);
                }

                if (expression is null)
                {
                    if (parameter.IsOptional)
                    {
                        skipped = true;
                        continue;
                    }

                    return null;
                }

                var argument = Argument(expression.WithoutTrivia());
                if (skipped)
                {
                    argument = argument.WithNameColon(NameColon(parameter.Name));
                }

                arguments.Add(argument);
            }

            ExpressionSyntax target;
            var callSiteType = enclosing.ContainingType;
            if (method.MethodKind == MethodKind.LocalFunction)
            {
                // In scope at the call (it was found by a lookup there): called by its name.
                target = IdentifierName(method.Name);
            }
            else if (method.IsStatic)
            {
                target = IsWithin(callSiteType, method.ContainingType)
                    ? IdentifierName(method.Name)
                    : MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                        ParseTypeName(method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithAdditionalAnnotations(Simplifier.Annotation),
                        IdentifierName(method.Name));
            }
            else if (backprop.Instance is null || backprop.Instance is IInstanceReferenceOperation { IsImplicit: true })
            {
                if (enclosing.IsStatic || !IsWithin(callSiteType, method.ContainingType))
                {
                    return null;
                }

                target = IdentifierName(method.Name);
            }
            else if (invocation.Expression is MemberAccessExpressionSyntax access && IsStorage(backprop.Instance, 0)
                && KnownSymbols.DerivesFrom(backprop.Instance.Type, method.ContainingType))
            {
                target = MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, access.Expression.WithoutTrivia(), IdentifierName(method.Name));
            }
            else if (FindInstance(model, position, method.ContainingType) is { } instance)
            {
                // An optimizer of our library (or another object that applies them) in scope: optimizer.Step(net, gradients).
                target = MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(instance.Name), IdentifierName(method.Name));
            }
            else
            {
                return null;
            }

            return InvocationExpression(target, ArgumentList(SeparatedList(arguments)));
        }

        // The only local, parameter, field or property in scope holding an instance of the type.
        private static ISymbol? FindInstance(SemanticModel model, int position, INamedTypeSymbol type)
        {
            ISymbol? found = null;
            foreach (var symbol in model.LookupSymbols(position))
            {
                var symbolType = symbol switch
                {
                    ILocalSymbol l => l.Type,
                    IParameterSymbol p => p.Type,
                    IFieldSymbol f => f.Type,
                    IPropertySymbol { IsIndexer: false } p => p.Type,
                    _ => null,
                };
                if (symbolType is not null && KnownSymbols.DerivesFrom(symbolType, type))
                {
                    if (found is not null)
                    {
                        return null;
                    }

                    found = symbol;
                }
            }

            return found;
        }

        // The object the backprop method was called on, for a parameter of its type: optimizer.Step(net, …) after net.Backward(…).
        private static ExpressionSyntax? FromBackpropReceiver(SemanticModel model, InvocationExpressionSyntax invocation, IInvocationOperation backprop, IParameterSymbol parameter)
        {
            if (backprop.Instance is { IsImplicit: false, Type: { } type } instance && IsStorage(instance, 0)
                && invocation.Expression is MemberAccessExpressionSyntax access
                && type.SpecialType == SpecialType.None && !type.IsValueType
                && model.Compilation.ClassifyConversion(type, parameter.Type).IsImplicit
                && parameter.Type.SpecialType != SpecialType.System_Object)
            {
                return access.Expression.WithoutTrivia();
            }

            return null;
        }

        private static bool IsWithin(INamedTypeSymbol? type, INamedTypeSymbol container)
        {
            for (var t = type; t is not null; t = t.ContainingType)
            {
                if (KnownSymbols.DerivesFrom(t, container))
                {
                    return true;
                }
            }

            return false;
        }

        // The backprop call's argument passed for a parameter of the same name (w → w, b → b).
        private static ExpressionSyntax? FromBackpropArguments(SemanticModel model, IInvocationOperation backprop, IParameterSymbol parameter)
        {
            ExpressionSyntax? found = null;
            foreach (var argument in backprop.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.Explicit || argument.Parameter is null || argument.Value.Type is null
                    || !IsPlainValue(argument.Value, 0) || argument.Value.Syntax is not ExpressionSyntax syntax)
                {
                    continue;
                }

                var sameName = string.Equals(argument.Parameter.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)
                    || syntax is IdentifierNameSyntax id && string.Equals(id.Identifier.ValueText, parameter.Name, StringComparison.OrdinalIgnoreCase);
                if (sameName && model.Compilation.ClassifyConversion(argument.Value.Type, parameter.Type).IsImplicit)
                {
                    if (found is not null && !found.IsEquivalentTo(syntax))
                    {
                        return null;
                    }

                    found = syntax;
                }
            }

            return found;
        }

        // A local or parameter in scope: the learning rate by its usual names, or a variable named like the parameter.
        private static ExpressionSyntax? FromScope(SemanticModel model, List<ISymbol> inScope, IParameterSymbol parameter)
        {
            bool Fits(ISymbol s) => s switch
            {
                ILocalSymbol l => model.Compilation.ClassifyConversion(l.Type, parameter.Type).IsImplicit,
                IParameterSymbol p => model.Compilation.ClassifyConversion(p.Type, parameter.Type).IsImplicit,
                _ => false,
            };

            var sameName = inScope.Where(s => s.Name == parameter.Name && Fits(s)).ToList();
            if (sameName.Count == 1)
            {
                return IdentifierName(sameName[0].Name);
            }

            if (GradientFlow.IsLearningRateName(parameter.Name))
            {
                var rates = inScope.Where(s => GradientFlow.IsLearningRateName(s.Name) && Fits(s)).ToList();
                if (rates.Count == 1)
                {
                    return IdentifierName(rates[0].Name);
                }
            }

            return null;
        }

        // ------------------------------------------------------------------ plumbing

        private static async Task<Document?> ReplaceAndCheckAsync(
            Document document, SyntaxNode oldNode, SyntaxNode newNode, CancellationToken ct, Func<IOperation?, bool>? bindsTo = null)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (root is null)
            {
                return null;
            }

            var mark = new SyntaxAnnotation("NN0004.Changed");
            var newRoot = root.ReplaceNode(oldNode, newNode.WithAdditionalAnnotations(mark, Formatter.Annotation));
            return await FinishAsync(document, document.WithSyntaxRoot(newRoot), mark, bindsTo, ct).ConfigureAwait(false);
        }

        // Simplifies and formats the changed nodes; null when they do not bind without error or when the change adds an
        // error elsewhere in the document (a new local that collides with a later declaration, say).
        private static async Task<Document?> FinishAsync(Document original, Document document, SyntaxAnnotation mark, Func<IOperation?, bool>? bindsTo, CancellationToken ct)
        {
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var originalModel = await original.GetSemanticModelAsync(ct).ConfigureAwait(false);
            if (model is null || root is null || originalModel is null)
            {
                return null;
            }

            if (CountErrors(model, ct) > CountErrors(originalModel, ct))
            {
                return null;
            }

            foreach (var changed in root.GetAnnotatedNodes(mark))
            {
                if (model.GetDiagnostics(changed.Span, ct).Any(d => d.Severity == DiagnosticSeverity.Error))
                {
                    return null;
                }

                if (bindsTo is not null && !bindsTo(model.GetOperation(changed, ct)))
                {
                    return null;
                }
            }

            document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: ct).ConfigureAwait(false);
            return await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: ct).ConfigureAwait(false);
        }

        private static int CountErrors(SemanticModel model, CancellationToken ct)
            => model.GetDiagnostics(null, ct).Count(d => d.Severity == DiagnosticSeverity.Error);

        private static string CamelCase(string name)
        {
            if (name.Length == 0 || char.IsLower(name[0]))
            {
                return name;
            }

            var camel = char.ToLowerInvariant(name[0]) + name.Substring(1);
            return SyntaxFacts.GetKeywordKind(camel) != SyntaxKind.None ? "@" + camel : camel;
        }

        private static string Unique(string baseName, HashSet<string> taken)
        {
            var name = baseName;
            for (var i = 1; taken.Contains(name.TrimStart('@')); i++)
            {
                name = baseName + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            taken.Add(name.TrimStart('@'));
            return name;
        }

        private static string Shorten(string text)
        {
            text = string.Join(" ", text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
        }

        private sealed class Fix
        {
            public Fix(string title, string variant, Document result)
            {
                Title = title;
                Variant = variant;
                Result = result;
            }

            public string Title { get; }

            public string Variant { get; }

            public Document Result { get; }
        }
    }
}
