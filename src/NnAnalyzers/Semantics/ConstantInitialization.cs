using System;
using System.Collections.Immutable;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>What one use of a parameter's storage does to its values.</summary>
    public enum StorageWrite
    {
        /// <summary>Reads the values (or does nothing that matters to initialization).</summary>
        Read,

        /// <summary>Allocates zeros: <c>Build.Dense(r, c)</c>, <c>new double[n]</c>, <c>new double[r, c]</c>.</summary>
        Zero,

        /// <summary>Gives every element the same value: <c>w[i, j] = 0.5</c> or <c>w[i, j] = 1.0 / inputs</c> in a loop,
        /// <c>Build.Dense(r, c, 0.5)</c>, <c>Enumerable.Repeat(0.1, n)</c>, <c>Array.Fill(w, 0.1)</c>, <c>list.Add(0.1)</c> in a loop.</summary>
        Constant,

        /// <summary>Updates the values from themselves (<c>W -= lr * dW</c>, <c>W = W - …</c>).</summary>
        Update,

        /// <summary>May give the elements different values (random draws, loaded or copied values, a helper that receives the storage).</summary>
        Fill,

        /// <summary>The storage's value leaves the method (returned, stored elsewhere): it may be filled by whoever receives it.</summary>
        Escape,

        /// <summary>Neither a fill nor a constant (null, an empty list, a scalar constant, Clear).</summary>
        Neutral,

        /// <summary>
        /// The values are added to another weight (<c>W += velocity</c>, <c>W -= lr * mW</c>): the storage is an
        /// optimizer's state (a velocity, a moment, a step), not a layer's weights.
        /// </summary>
        Step,
    }

    /// <summary>
    /// Answers "does this write give every weight of a layer the same value?" (NN0007): classifies each use of a
    /// storage (a write of a constant in a fill loop, an allocation of zeros, a constant-filled builder, a fill with
    /// varying values, an in-place update, an escape) so that a rule can tell constant weights from weights that are
    /// allocated first and filled afterwards. Also answers "is this <c>new Random(…)</c> created once per iteration
    /// of a loop with the same seed?".
    /// </summary>
    public sealed class ConstantInitialization
    {
        private readonly KnownSymbols _symbols;

        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new ConcurrentDictionary<SyntaxTree, SemanticModel>();
        private readonly ConcurrentDictionary<IMethodSymbol, StorageWrite> _helpers = new ConcurrentDictionary<IMethodSymbol, StorageWrite>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<IMethodSymbol, bool> _randomFactories = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<string, List<IdentifierNameSyntax>> _identifiers = new ConcurrentDictionary<string, List<IdentifierNameSyntax>>(StringComparer.Ordinal);

        /// <summary>Creates the oracle of one compilation.</summary>
        public ConstantInitialization(KnownSymbols symbols)
        {
            _symbols = symbols;
        }

        /// <summary>
        /// The uses of a field or property outside <paramref name="scope"/> (another class filling <c>layer.Weights</c>,
        /// a nested initializer writing a private field, the owner type of a member written here), classified like
        /// <see cref="ClassifyUse(IOperation, ISymbol, out IOperation?)"/>. Reads syntax for the member's name first and
        /// binds only those identifiers; meant for the rare storage about to be reported.
        /// </summary>
        public List<(StorageWrite Kind, IOperation? Site, IOperation Root)> UsesOutside(ISymbol storage, INamedTypeSymbol scope, CancellationToken cancellationToken)
        {
            var result = new List<(StorageWrite, IOperation?, IOperation)>();
            var name = storage.Name;
            var scopeNodes = new HashSet<SyntaxNode>();
            foreach (var reference in scope.DeclaringSyntaxReferences)
            {
                scopeNodes.Add(reference.GetSyntax(cancellationToken));
            }

            var original = storage.OriginalDefinition;
            foreach (var identifier in IdentifiersNamed(name, cancellationToken))
            {
                SyntaxNode? owner = null;
                for (var node = identifier.Parent; node is not null; node = node.Parent)
                {
                    if (node is TypeDeclarationSyntax || node is CompilationUnitSyntax)
                    {
                        owner = node;
                        break;
                    }
                }

                if (owner is not null && scopeNodes.Contains(owner))
                {
                    continue; // seen by the scope's own actions
                }

                if (!(ReferenceTo(identifier, original, Model(identifier.SyntaxTree), cancellationToken) is { } op))
                {
                    continue;
                }

                var kind = ClassifyUse(op, storage, out var site);
                result.Add((kind, site, RandomSign.Root(op)));
            }

            return result;
        }

        /// <summary>
        /// The references to a field or property inside <paramref name="type"/>'s own declarations (its partial parts and
        /// nested types), as operations: the type's forward pass and updates say what the member is. Reads the type's
        /// syntax for the name and binds only those identifiers; meant for the rare storage about to be reported.
        /// </summary>
        public List<IOperation> ReferencesIn(ISymbol storage, INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var result = new List<IOperation>();
            var original = storage.OriginalDefinition;
            var name = storage.Name;
            foreach (var declaration in type.DeclaringSyntaxReferences)
            {
                var model = Model(declaration.SyntaxTree);
                if (model is null)
                {
                    continue;
                }

                foreach (var token in declaration.GetSyntax(cancellationToken).DescendantTokens())
                {
                    if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != name || !(token.Parent is IdentifierNameSyntax identifier))
                    {
                        continue;
                    }

                    if (ReferenceTo(identifier, original, model, cancellationToken) is { } op)
                    {
                        result.Add(op);
                    }
                }
            }

            return result;
        }

        /// <summary>
        /// Every reference to <paramref name="storage"/> (a local, field or property) in the compilation, as operations.
        /// Reads syntax for the name first and binds only those identifiers; meant for the rare storage about to be reported.
        /// </summary>
        public List<IOperation> References(ISymbol storage, CancellationToken cancellationToken)
        {
            var result = new List<IOperation>();
            var original = storage.OriginalDefinition;
            foreach (var identifier in IdentifiersNamed(storage.Name, cancellationToken))
            {
                if (ReferenceTo(identifier, original, Model(identifier.SyntaxTree), cancellationToken) is { } op)
                {
                    result.Add(op);
                }
            }

            return result;
        }

        /// <summary>
        /// The operation an identifier spelled like a storage reads (<c>w</c>, <c>this.w</c>, <c>layer.W</c>, <c>?.W</c>)
        /// when it refers to <paramref name="original"/> (a local, a field, a property without arguments); null otherwise.
        /// </summary>
        private static IOperation? ReferenceTo(IdentifierNameSyntax identifier, ISymbol original, SemanticModel? model, CancellationToken cancellationToken)
        {
            SyntaxNode expression = identifier.Parent switch
            {
                MemberAccessExpressionSyntax access when access.Name == identifier => access,
                MemberBindingExpressionSyntax binding => binding,
                _ => identifier,
            };
            var op = model?.GetOperation(expression, cancellationToken);
            var symbol = op switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property when property.Arguments.Length == 0 => property.Property,
                _ => null,
            };
            return op is not null && symbol is not null && SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, original) ? op : null;
        }

        /// <summary>Every identifier of the compilation spelled <paramref name="name"/> (one syntax walk per name, cached).</summary>
        private List<IdentifierNameSyntax> IdentifiersNamed(string name, CancellationToken cancellationToken)
        {
            if (_identifiers.TryGetValue(name, out var cached))
            {
                return cached;
            }

            var found = new List<IdentifierNameSyntax>();
            foreach (var tree in _symbols.Compilation.SyntaxTrees)
            {
                foreach (var token in tree.GetRoot(cancellationToken).DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name && token.Parent is IdentifierNameSyntax identifier)
                    {
                        found.Add(identifier);
                    }
                }
            }

            return _identifiers.GetOrAdd(name, found);
        }

        /// <summary>
        /// True when <paramref name="type"/> is a whole model of one layer: <paramref name="weights"/> is its only weight
        /// storage (biases aside) and no member holds another type with weights; it derives from nothing and implements no
        /// interface of the compilation (no <c>ILayer</c> in a stack); and no other type of the compilation composes it — no
        /// field or property of it (also as an array or a collection element), no two creations in one member, none in a loop.
        /// Softmax regression and a linear associative memory are such models; a <c>Layer</c> stacked by a <c>Network</c> is not.
        /// Reads the compilation's syntax for the type's name: only for zeros about to be reported.
        /// </summary>
        public bool IsSingleLayerModel(INamedTypeSymbol type, ISymbol weights, NetworkParameters parameters, CancellationToken cancellationToken)
        {
            if (!(weights is IFieldSymbol || weights is IPropertySymbol) || !TrainsItself(weights, type, cancellationToken)
                || type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct
                || type.BaseType is { SpecialType: not SpecialType.System_Object and not SpecialType.System_ValueType }
                || type.Interfaces.Any(i => i.Locations.Any(l => l.IsInSource)) || type.ContainingType is not null)
            {
                return false;
            }

            foreach (var member in type.GetMembers())
            {
                if (!(member is IFieldSymbol { IsImplicitlyDeclared: false } || member is IPropertySymbol { IsIndexer: false })
                    || SymbolEqualityComparer.Default.Equals(member, weights))
                {
                    continue;
                }

                if (parameters.Classify(member) == ParameterKind.Weight || NetworkParameters.MayBeUnnamedWeight(member, _symbols)
                    || HoldsWeights(NetworkParameters.StorageType(member), parameters))
                {
                    return false;
                }
            }

            var creations = new Dictionary<SyntaxNode, int>();
            var declarations = type.DeclaringSyntaxReferences;
            foreach (var identifier in IdentifiersNamed(type.Name, cancellationToken))
            {
                if (declarations.Any(d => d.SyntaxTree == identifier.SyntaxTree && d.Span.Contains(identifier.Span)))
                {
                    continue; // the type's own code
                }

                var model = Model(identifier.SyntaxTree);
                if (model is null || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol?.OriginalDefinition, type))
                {
                    continue;
                }

                // The identifier as (part of) a type: climb arrays, generic arguments, nullables, qualified names.
                SyntaxNode node = identifier;
                while (node.Parent is ArrayTypeSyntax or NullableTypeSyntax or TypeArgumentListSyntax or GenericNameSyntax or QualifiedNameSyntax)
                {
                    node = node.Parent;
                }

                switch (node.Parent)
                {
                    case VariableDeclarationSyntax { Parent: FieldDeclarationSyntax }:
                    case PropertyDeclarationSyntax:
                        return false;
                    case ObjectCreationExpressionSyntax creation when node == identifier:
                        var member = creation.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax or LocalFunctionStatementSyntax);
                        if (member is null || creation.Ancestors().TakeWhile(a => a != member).Any(a => a is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax or LambdaExpressionSyntax))
                        {
                            return false;
                        }

                        creations.TryGetValue(member, out var count);
                        if (count >= 1)
                        {
                            return false;
                        }

                        creations[member] = count + 1;
                        break;
                }
            }

            return true;
        }

        /// <summary>
        /// The type updates the weights from what it computes itself: an update of them (<c>w[c, f] -= lr * g[c, f]</c>,
        /// <c>w += value[o] * key[i]</c>) in a method of the type that receives no gradient (no parameter named like one,
        /// as a layer's <c>Update(dW, lr)</c> or <c>Backward(gradOutput)</c> has).
        /// </summary>
        private bool TrainsItself(ISymbol weights, INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            foreach (var reference in ReferencesIn(weights, type, cancellationToken))
            {
                if (ClassifyUse(reference, weights, out _) != StorageWrite.Update)
                {
                    continue;
                }

                var method = reference.SemanticModel?.GetEnclosingSymbol(reference.Syntax.SpanStart, cancellationToken);
                while (method is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } inner)
                {
                    method = inner.ContainingSymbol;
                }

                if (method is IMethodSymbol owner && !owner.Parameters.Any(p => GradientFlow.IsGradientName(p.Name)))
                {
                    return true;
                }
            }

            return false;
        }

        // A type of the compilation (or an array or collection of one) with a member that is a weight.
        private static bool HoldsWeights(ITypeSymbol? type, NetworkParameters parameters)
        {
            while (type is IArrayTypeSymbol array)
            {
                type = array.ElementType;
            }

            if (type is INamedTypeSymbol { IsGenericType: true } generic && generic.TypeArguments.Length == 1)
            {
                type = generic.TypeArguments[0];
            }

            if (type is null || !type.Locations.Any(l => l.IsInSource))
            {
                return false;
            }

            foreach (var member in type.GetMembers())
            {
                if ((member is IFieldSymbol || member is IPropertySymbol) && parameters.Classify(member) == ParameterKind.Weight)
                {
                    return true;
                }
            }

            return false;
        }

        private SemanticModel? Model(SyntaxTree tree)
        {
            var compilation = _symbols.Compilation;
#pragma warning disable RS1030 // Only for a storage about to be reported; one model per tree, cached for the compilation.
            return compilation.ContainsSyntaxTree(tree) ? _models.GetOrAdd(tree, t => compilation.GetSemanticModel(t)) : null;
#pragma warning restore RS1030
        }

        /// <summary>
        /// Classifies a reference to a storage (<paramref name="reference"/> denotes <paramref name="storage"/>) by what
        /// its context does: <c>w[i, j] = 0.5</c> in a loop is Constant, <c>W = Build.Dense(r, c)</c> is Zero,
        /// <c>w[i] = rng.NextDouble()</c> is Fill, <c>W -= …</c> is Update, <c>return w</c> is Escape.
        /// <paramref name="site"/> is the operation a report would point at (the written value).
        /// </summary>
        public StorageWrite ClassifyUse(IOperation reference, ISymbol storage, out IOperation? site)
            => ClassifyUse(reference, storage, 0, out site);

        private StorageWrite ClassifyUse(IOperation reference, ISymbol storage, int depth, out IOperation? site)
        {
            site = null;
            var current = reference;
            var element = false;
            while (current.Parent is not null)
            {
                var parent = current.Parent;
                if (parent is IArrayElementReferenceOperation array && array.ArrayReference == current)
                {
                    element = true;
                }
                else if (parent is IPropertyReferenceOperation indexer && indexer.Arguments.Length > 0 && indexer.Instance == current)
                {
                    element = true;
                }
                else if (!(parent is IConversionOperation))
                {
                    break;
                }

                current = parent;
            }

            switch (current.Parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Target == current:
                    return ClassifyWrite(assignment, assignment.Value, storage, element, out site);
                case ICompoundAssignmentOperation compound when compound.Target == current:
                    site = compound.Value;
                    return StorageWrite.Update;
                case IIncrementOrDecrementOperation _:
                    return StorageWrite.Update;
                case IDeconstructionAssignmentOperation _:
                case ITupleOperation _ when current.Parent.Parent is IDeconstructionAssignmentOperation:
                    return StorageWrite.Fill;
                case IInvocationOperation call when call.Instance == current:
                    return ClassifyInstanceCall(call, storage, element, out site);
                case IArgumentOperation argument:
                    return ClassifyArgument(argument, storage, element, out site);
                case IReturnOperation _:
                    return StorageWrite.Escape;
                case ISimpleAssignmentOperation other when other.Value == current:
                    return !element && other.Target is ILocalReferenceOperation alias
                        ? ClassifyAlias(alias.Local, current, depth, out site)
                        : StorageWrite.Escape;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } when !element:
                    return ClassifyAlias(declarator.Symbol, current, depth, out site);
                case IVariableInitializerOperation _:
                case IFieldInitializerOperation _:
                case IPropertyInitializerOperation _:
                    return StorageWrite.Escape;
                case IForEachLoopOperation loop when loop.Collection == current && !element:
                    return ClassifyRows(loop, depth, out site);
                case ITupleOperation _:
                case IArrayInitializerOperation _:
                case IAnonymousFunctionOperation _:
                case IDelegateCreationOperation _:
                    return StorageWrite.Escape;
                default:
                    return IsAddedToAnotherWeight(current, storage) ? StorageWrite.Step : StorageWrite.Read;
            }
        }

        /// <summary>
        /// <c>var w = _weights;</c> (or <c>w = _weights;</c>) followed by writes through <c>w</c>: the alias's uses in
        /// its method say what happens to the storage's elements (a fill through the alias is a fill).
        /// </summary>
        private StorageWrite ClassifyAlias(ILocalSymbol alias, IOperation reference, int depth, out IOperation? site)
        {
            site = null;
            if (depth >= 2)
            {
                return StorageWrite.Escape;
            }

            var result = StorageWrite.Read;
            foreach (var op in BodyOperations.Shared(RandomSign.Root(reference)).WithoutFirst())
            {
                if (op is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, alias))
                {
                    var kind = ClassifyUse(local, alias, depth + 1, out var aliasSite);
                    result = Strongest(result, kind, aliasSite, ref site);
                }
            }

            return result;
        }

        /// <summary><c>foreach (var row in _weights)</c>: writes to the rows are writes to the storage's elements.</summary>
        private StorageWrite ClassifyRows(IForEachLoopOperation loop, int depth, out IOperation? site)
        {
            site = null;
            if (depth >= 2 || loop.Locals.Length != 1)
            {
                return StorageWrite.Read;
            }

            var row = loop.Locals[0];
            var result = StorageWrite.Read;
            foreach (var op in BodyOperations.Shared(loop.Body).WithoutFirst().OfKind(OperationKind.LocalReference))
            {
                if (op is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, row))
                {
                    var kind = ClassifyUse(local, row, depth + 1, out var rowSite);
                    result = Strongest(result, kind == StorageWrite.Escape ? StorageWrite.Read : kind, rowSite, ref site);
                }
            }

            return result;
        }

        /// <summary>Fill (varying values) wins over Escape, Escape over Constant, Constant over the rest.</summary>
        private static StorageWrite Strongest(StorageWrite current, StorageWrite next, IOperation? nextSite, ref IOperation? site)
        {
            static int Rank(StorageWrite kind) => kind switch
            {
                StorageWrite.Fill => 4,
                StorageWrite.Escape => 3,
                StorageWrite.Constant => 2,
                StorageWrite.Update => 1,
                _ => 0,
            };

            if (Rank(next) > Rank(current))
            {
                site = next == StorageWrite.Constant ? nextSite : null;
                return next;
            }

            return current;
        }

        /// <summary>
        /// True when the read <paramref name="reference"/> is part of an additive update of another weight
        /// (<c>W[i, j] += velocity[i, j]</c>, <c>W -= lr * mW</c>, <c>W = W - step</c>): the storage is an optimizer's
        /// state, not a layer's weights.
        /// </summary>
        private bool IsAddedToAnotherWeight(IOperation reference, ISymbol storage)
        {
            for (var op = reference; op.Parent is not null; op = op.Parent)
            {
                var parent = op.Parent;
                IOperation? target = null;
                if (parent is ICompoundAssignmentOperation compound && compound.Value == op
                    && (compound.OperatorKind == BinaryOperatorKind.Add || compound.OperatorKind == BinaryOperatorKind.Subtract))
                {
                    target = compound.Target;
                }
                else if (parent is ISimpleAssignmentOperation assignment && assignment.Value == op)
                {
                    var written = NetworkParameters.StorageOf(assignment.Target);
                    target = written is not null && Mentions(assignment.Value, written) ? assignment.Target : null;
                }
                else if (parent is IArgumentOperation { Parent: IInvocationOperation call } argument
                    && (call.TargetMethod.Name == "Add" || call.TargetMethod.Name == "Subtract") && ResultArgument(call) is { } result)
                {
                    // W.Subtract(lr * mW, W): the in-place form of W -= lr * mW.
                    var written = NetworkParameters.StorageOf(result.Value);
                    target = argument != result && written is not null && SymbolEqualityComparer.Default.Equals(NetworkParameters.StorageOf(call.Instance), written)
                        ? result.Value
                        : null;
                    if (target is null)
                    {
                        return false;
                    }
                }
                else if (parent is IBlockOperation || parent is IExpressionStatementOperation || parent is IAnonymousFunctionOperation || parent is IVariableDeclaratorOperation)
                {
                    return false;
                }

                if (target is not null)
                {
                    var written = NetworkParameters.StorageOf(target);
                    return written is not null && !SymbolEqualityComparer.Default.Equals(written, storage)
                        && NetworkParameters.ClassifyName(written.Name) == ParameterKind.Weight;
                }
            }

            return false;
        }

        /// <summary>
        /// The <c>result</c> argument of a MathNet overload that writes its result there (<c>a.Subtract(b, result)</c>,
        /// <c>a.Multiply(s, result)</c>), or null for any other call. Cheap checks first: void, then the receiver's type.
        /// </summary>
        private IArgumentOperation? ResultArgument(IInvocationOperation call)
        {
            if (!call.TargetMethod.ReturnsVoid || call.Instance is null || !_symbols.IsMathNetTensor(call.TargetMethod.ContainingType))
            {
                return null;
            }

            var index = MathNetOperations.ResultParameterIndex(call.TargetMethod);
            foreach (var argument in call.Arguments)
            {
                if (index >= 0 && argument.Parameter?.Ordinal == index)
                {
                    return argument;
                }
            }

            return null;
        }

        /// <summary>Classifies the initial value of a declared storage (<c>var w = Build.Dense(r, c);</c>, a field initializer).</summary>
        public StorageWrite ClassifyInitialValue(IOperation value, ISymbol storage)
        {
            if (Mentions(value, storage))
            {
                return StorageWrite.Update;
            }

            return ClassifyCreation(value);
        }

        private StorageWrite ClassifyWrite(ISimpleAssignmentOperation assignment, IOperation value, ISymbol storage, bool element, out IOperation? site)
        {
            site = value;
            if (Mentions(value, storage))
            {
                return StorageWrite.Update;
            }

            if (element && RandomSign.TryConstant(value, out _) && IsNumeric(value.Type))
            {
                // One element: a constant in a fill loop gives them all the same value; a single or conditional element
                // (an identity diagonal) makes them differ.
                return InUnconditionalLoop(assignment) ? StorageWrite.Constant : StorageWrite.Fill;
            }

            // w[u, i] = 1.0 / inputs in the fill loop: the same value for every element, though not a literal.
            if (element && IsNumeric(value.Type) && InUnconditionalLoop(assignment) && IsSameForEveryElement(value, FillLoop(assignment)))
            {
                return StorageWrite.Constant;
            }

            if (!element && RandomSign.TryConstant(value, out _))
            {
                return StorageWrite.Neutral; // a scalar named like a weight: its siblings are set elsewhere
            }

            return ClassifyCreation(value);
        }

        /// <summary>Zero allocations, constant-filled builders and sequences; anything else may hold varying values.</summary>
        public StorageWrite ClassifyCreation(IOperation value)
        {
            var op = Operations.WithoutConversions(value) ?? value;
            switch (op)
            {
                case ILiteralOperation literal when literal.ConstantValue.HasValue && literal.ConstantValue.Value is null:
                    return StorageWrite.Neutral;
                case IDefaultValueOperation _:
                    return StorageWrite.Neutral;
                case IArrayCreationOperation creation when creation.Initializer is null && IsNumeric(((IArrayTypeSymbol)creation.Type!).ElementType):
                    return StorageWrite.Zero;
                case IArrayCreationOperation creation when creation.Initializer is null:
                    return StorageWrite.Neutral; // new double[n][]: the rows are allocated and filled one by one
                case IArrayCreationOperation creation when IsNumeric(((IArrayTypeSymbol)creation.Type!).ElementType) && AllEqualConstants(creation.Initializer!):
                    return StorageWrite.Constant; // new[] { 0.5, 0.5, 0.5 }
                case IObjectCreationOperation creation when creation.Type?.Name == "List" && creation.Initializer is null:
                    return StorageWrite.Neutral;
                case IInvocationOperation call:
                    var kind = ClassifyCreationCall(call);
                    return kind == StorageWrite.Fill ? ClassifyHelper(call.TargetMethod) : kind;
                default:
                    return StorageWrite.Fill;
            }
        }

        /// <summary>
        /// A helper of the compilation whose body only returns a creation (<c>static Matrix&lt;double&gt; Constant(int r,
        /// int c) =&gt; Matrix&lt;double&gt;.Build.Dense(r, c, 0.5);</c>): what it returns is what the call creates. Anything
        /// longer may fill what it returns (a Fill). Cached per method.
        /// </summary>
        private StorageWrite ClassifyHelper(IMethodSymbol method)
        {
            if (method.DeclaringSyntaxReferences.Length != 1 || method.IsVirtual || method.IsAbstract || method.IsOverride)
            {
                return StorageWrite.Fill;
            }

            // No recursion: the returned creation is classified without looking into further helpers.
            return _helpers.GetOrAdd(method.OriginalDefinition, m =>
            {
                var returned = OnlyReturned(m.DeclaringSyntaxReferences[0].GetSyntax());
                if (returned is null || !(Model(returned.SyntaxTree)?.GetOperation(returned) is { } value))
                {
                    return StorageWrite.Fill;
                }

                var op = Operations.WithoutConversions(value) ?? value;
                var kind = op is IInvocationOperation inner ? ClassifyCreationCall(inner) : ClassifyCreation(op);
                return kind == StorageWrite.Constant || kind == StorageWrite.Zero ? kind : StorageWrite.Fill;
            });
        }

        /// <summary>
        /// What a one-line method or local function returns: its expression body, or the expression of its only statement
        /// when that is a <c>return</c>; null for anything longer.
        /// </summary>
        private static ExpressionSyntax? OnlyReturned(SyntaxNode declaration)
        {
            var (body, expressionBody) = declaration switch
            {
                MethodDeclarationSyntax method => (method.Body, method.ExpressionBody),
                LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody),
                _ => (null, null),
            };
            return expressionBody?.Expression
                ?? (body is { Statements.Count: 1 } && body.Statements[0] is ReturnStatementSyntax { Expression: { } e } ? e : null);
        }

        private StorageWrite ClassifyCreationCall(IInvocationOperation call)
        {
            var method = call.TargetMethod;
            var containing = method.ContainingType?.OriginalDefinition;

            // Enumerable.Repeat(0.1, n), optionally materialized by ToArray/ToList.
            if (_symbols.Enumerable is not null && SymbolEqualityComparer.Default.Equals(containing, _symbols.Enumerable))
            {
                if (method.Name == "Repeat" && call.Arguments.Length == 2 && IsSameForEveryElement(call.Arguments[0].Value, null)
                    && IsNumeric(method.TypeArguments.Length == 1 ? method.TypeArguments[0] : null))
                {
                    return StorageWrite.Constant;
                }

                // Enumerable.Repeat(Enumerable.Repeat(0.1, n).ToArray(), rows): one constant (or zero) row, the same
                // array in every row.
                if (method.Name == "Repeat" && call.Arguments.Length == 2 && method.TypeArguments.Length == 1
                    && method.TypeArguments[0] is IArrayTypeSymbol { ElementType: var repeated } && IsNumeric(repeated))
                {
                    var sameRow = ClassifyCreation(call.Arguments[0].Value);
                    return sameRow == StorageWrite.Constant || sameRow == StorageWrite.Zero ? sameRow : StorageWrite.Fill;
                }

                // Enumerable.Range(0, n).Select(_ => 0.5)
                if (method.Name == "Select" && call.Arguments.Length == 2 && IsConstantGenerator(call.Arguments[1].Value)
                    && IsNumeric(method.TypeArguments.Length == 2 ? method.TypeArguments[1] : null))
                {
                    return StorageWrite.Constant;
                }

                // Enumerable.Range(0, o).Select(_ => Enumerable.Repeat(0.5, n).ToArray()): every row the same constant
                // row (or zeros), whatever the row index.
                if (method.Name == "Select" && call.Arguments.Length == 2 && method.TypeArguments.Length == 2
                    && method.TypeArguments[1] is IArrayTypeSymbol { ElementType: var element } && IsNumeric(element)
                    && GeneratorResult(call.Arguments[1].Value) is { } row && !ReadsLambdaParameter(row))
                {
                    var rows = ClassifyCreation(row);
                    return rows == StorageWrite.Constant || rows == StorageWrite.Zero ? rows : StorageWrite.Fill;
                }

                if ((method.Name == "ToArray" || method.Name == "ToList") && call.Arguments.Length == 1
                    && call.Arguments[0].Value is { } source && Operations.WithoutConversions(source) is IInvocationOperation inner)
                {
                    var materialized = ClassifyCreationCall(inner);
                    return materialized == StorageWrite.Constant || (materialized == StorageWrite.Zero && inner.TargetMethod.Name is "Select" or "Repeat")
                        ? materialized
                        : StorageWrite.Fill;
                }

                return StorageWrite.Fill;
            }

            // Matrix<double>.Build.Dense(r, c) / Vector<double>.Build.Dense(n): zeros; Dense(r, c, 0.5): a constant.
            if (IsDenseBuilder(call))
            {
                var last = call.Arguments[call.Arguments.Length - 1].Value;
                var isMatrix = _symbols.MatrixBuilderOfT is not null && KnownSymbols.DerivesFromOriginal(method.ContainingType, _symbols.MatrixBuilderOfT);
                var dimensions = isMatrix ? 2 : 1;
                if (call.Arguments.Length == dimensions && AllIntegral(call, dimensions))
                {
                    return StorageWrite.Zero;
                }

                if (call.Arguments.Length == dimensions + 1 && AllIntegral(call, dimensions)
                    && ((IsNumeric(last.Type) && IsSameForEveryElement(last, null)) || IsConstantGenerator(last)))
                {
                    return StorageWrite.Constant;
                }
            }

            return StorageWrite.Fill;
        }

        /// <summary>
        /// The value a constant write gives every element: <c>0.5</c> of <c>w[i, j] = 0.5</c>, <c>Build.Dense(r, c, 0.5)</c>,
        /// <c>Enumerable.Repeat(0.5, n)</c>, <c>Select(_ => 0.5)</c>, <c>Array.Fill(w, 0.5)</c>, <c>MapInplace(_ => 0.5)</c>,
        /// <c>new[] { 0.5, 0.5 }</c>.
        /// </summary>
        public static bool TryGetFillValue(IOperation site, out double value)
        {
            value = 0;
            var op = Operations.WithoutConversions(site) ?? site;
            if (RandomSign.TryConstant(op, out value))
            {
                return true;
            }

            switch (op)
            {
                case IArrayCreationOperation { Initializer: { } initializer }:
                    foreach (var element in BodyOperations.Shared(initializer).WithoutFirst())
                    {
                        if (!(element is IArrayInitializerOperation) && element.Parent is IArrayInitializerOperation)
                        {
                            return RandomSign.TryConstant(element, out value);
                        }
                    }

                    return false;
                case IInvocationOperation call:
                    if ((call.TargetMethod.Name == "ToArray" || call.TargetMethod.Name == "ToList") && call.Arguments.Length == 1)
                    {
                        return TryGetFillValue(call.Arguments[0].Value, out value);
                    }

                    foreach (var argument in call.Arguments)
                    {
                        var candidate = argument.Value;
                        if (GeneratorResult(candidate) is { } returned
                            && (RandomSign.TryConstant(returned, out value) || (!IsNumeric(returned.Type) && TryGetFillValue(returned, out value))))
                        {
                            return true;
                        }
                    }

                    if (call.TargetMethod.Name == "Repeat" && call.Arguments.Length == 2 && !IsNumeric(call.Arguments[0].Value.Type))
                    {
                        return TryGetFillValue(call.Arguments[0].Value, out value); // Repeat(Repeat(0.1, n).ToArray(), rows)
                    }

                    var index = call.TargetMethod.Name == "Repeat" ? 0 : call.Arguments.Length - 1;
                    return index >= 0 && IsNumeric(call.Arguments[index].Value.Type) && RandomSign.TryConstant(call.Arguments[index].Value, out value);
                default:
                    return false;
            }
        }

        /// <summary>
        /// A one-dimensional fill of <c>n</c> elements with <c>1 / n</c>: <c>Enumerable.Repeat(1.0 / n, n)</c>,
        /// <c>Vector&lt;double&gt;.Build.Dense(n, 1.0 / n)</c>, <c>Array.Fill(w, 1.0 / w.Length)</c> — the coefficients of a
        /// plain average (an ensemble's member weights, a mean filter), which sum to one. A layer's weight matrix has two
        /// dimensions, one of which is not the count its value divides by.
        /// </summary>
        public static bool IsUniformAverage(IOperation site)
        {
            var op = Operations.WithoutConversions(site) ?? site;
            if (!(op is IInvocationOperation call))
            {
                return false;
            }

            var method = call.TargetMethod;
            if ((method.Name == "ToArray" || method.Name == "ToList") && call.Arguments.Length == 1)
            {
                return IsUniformAverage(call.Arguments[0].Value);
            }

            if (call.Arguments.Length != 2)
            {
                return false;
            }

            var first = call.Arguments[0].Value;
            var second = call.Arguments[1].Value;
            switch (method.Name)
            {
                case "Repeat":
                    return IsOneOver(first, second, null);
                case "Dense" when method.ContainingType?.Name == "VectorBuilder" || method.ContainingType?.BaseType?.Name == "VectorBuilder":
                    return IsOneOver(second, first, null);
                case "Fill" when method.ContainingType?.SpecialType == SpecialType.System_Array:
                    return IsOneOver(second, null, first);
                default:
                    return false;
            }
        }

        // value is 1 / count, or 1 / filled.Length (Count).
        private static bool IsOneOver(IOperation value, IOperation? count, IOperation? filled)
        {
            if (!(Operations.WithoutConversions(value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division)
                || !RandomSign.TryConstant(division.LeftOperand, out var numerator) || numerator != 1)
            {
                return false;
            }

            var denominator = Operations.WithoutConversions(division.RightOperand) ?? division.RightOperand;
            if (count is not null)
            {
                var n = Operations.WithoutConversions(count) ?? count;
                return !denominator.ConstantValue.HasValue && denominator.Syntax.IsEquivalentTo(n.Syntax, topLevel: false);
            }

            return filled is not null && denominator is IPropertyReferenceOperation { Property.Name: "Length" or "Count", Instance: { } owner }
                && (Operations.WithoutConversions(owner) ?? owner).Syntax.IsEquivalentTo((Operations.WithoutConversions(filled) ?? filled).Syntax, topLevel: false);
        }

        private static IOperation? GeneratorResult(IOperation value)
        {
            var op = value;
            while (op is IDelegateCreationOperation delegateCreation)
            {
                op = delegateCreation.Target;
            }

            op = Operations.WithoutConversions(op) ?? op;
            return op is IAnonymousFunctionOperation lambda && lambda.Body.Operations.Length == 1
                && lambda.Body.Operations[0] is IReturnOperation { ReturnedValue: { } returned }
                ? returned
                : null;
        }

        /// <summary>True when <paramref name="value"/> (a lambda's result) reads a parameter of a lambda around it.</summary>
        private static bool ReadsLambdaParameter(IOperation value)
        {
            foreach (var op in BodyOperations.Shared(value).OfKind(OperationKind.ParameterReference))
            {
                if (op is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } })
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A lambda that returns the same value whatever its arguments: <c>_ => 0.5</c>, <c>(i, j) => 1.0 / inputs</c>.</summary>
        private static bool IsConstantGenerator(IOperation value)
        {
            var op = value;
            while (op is IDelegateCreationOperation delegateCreation)
            {
                op = delegateCreation.Target;
            }

            op = Operations.WithoutConversions(op) ?? op;
            if (!(op is IAnonymousFunctionOperation lambda) || lambda.Body.Operations.Length != 1
                || !(lambda.Body.Operations[0] is IReturnOperation { ReturnedValue: { } returned }))
            {
                return false;
            }

            return IsNumeric(lambda.Symbol.ReturnType) && IsSameForEveryElement(returned, lambda);
        }

        /// <summary>Two or more elements, all the same numeric constant (a flat or nested initializer).</summary>
        private static bool AllEqualConstants(IArrayInitializerOperation initializer)
        {
            double? first = null;
            var count = 0;
            return AllEqual(initializer, ref first, ref count) && count >= 2;
        }

        private static bool AllEqual(IArrayInitializerOperation initializer, ref double? first, ref int count)
        {
            foreach (var element in initializer.ElementValues)
            {
                if (element is IArrayInitializerOperation nested)
                {
                    if (!AllEqual(nested, ref first, ref count))
                    {
                        return false;
                    }

                    continue;
                }

                if (!RandomSign.TryConstant(element, out var value) || (first is not null && first.Value != value))
                {
                    return false;
                }

                first = value;
                count++;
            }

            return true;
        }

        /// <summary>True for <c>Build.Dense(…)</c> of a MathNet matrix or vector builder.</summary>
        public bool IsDenseBuilder(IInvocationOperation call)
        {
            if (call.TargetMethod.Name != "Dense" || call.Arguments.Length == 0)
            {
                return false;
            }

            var type = call.TargetMethod.ContainingType;
            return (_symbols.MatrixBuilderOfT is not null && KnownSymbols.DerivesFromOriginal(type, _symbols.MatrixBuilderOfT))
                || (_symbols.VectorBuilderOfT is not null && KnownSymbols.DerivesFromOriginal(type, _symbols.VectorBuilderOfT));
        }

        private static bool AllIntegral(IInvocationOperation call, int count)
        {
            for (var i = 0; i < count; i++)
            {
                if (call.Arguments[i].Value.Type?.SpecialType != SpecialType.System_Int32)
                {
                    return false;
                }
            }

            return true;
        }

        private StorageWrite ClassifyInstanceCall(IInvocationOperation call, ISymbol storage, bool element, out IOperation? site)
        {
            site = null;
            var name = call.TargetMethod.Name;
            if (!element && name == "Add" && call.Arguments.Length == 1 && call.TargetMethod.ContainingType?.Name == "List")
            {
                var value = call.Arguments[0].Value;
                if (IsSameForEveryElement(value, OutermostLoop(call)))
                {
                    site = call;
                    return InUnconditionalLoop(call) ? StorageWrite.Constant : StorageWrite.Fill;
                }

                return StorageWrite.Fill;
            }

            if (name == "Clear")
            {
                return StorageWrite.Neutral;
            }

            // w.MapInplace(_ => 0.05), w.MapIndexedInplace((i, j, _) => 0.0): every element gets the same constant.
            if (!element && name.StartsWith("Map", StringComparison.Ordinal) && name.EndsWith("Inplace", StringComparison.Ordinal)
                && call.Arguments.Length >= 1 && IsConstantGenerator(call.Arguments[0].Value))
            {
                site = call;
                return StorageWrite.Constant;
            }

            // W.Subtract(dW * lr, W): MathNet's overload writing the receiver's own storage is W = W - dW * lr, an update;
            // one writing another storage only reads this one.
            if (!element && ResultArgument(call) is { } result)
            {
                if (!SymbolEqualityComparer.Default.Equals(NetworkParameters.StorageOf(result.Value), storage))
                {
                    return StorageWrite.Read;
                }

                site = call;
                return StorageWrite.Update;
            }

            // A void method on the storage (SetRow, MapInplace, At(i, j, v), CopyFrom…) may fill it.
            return call.TargetMethod.ReturnsVoid ? StorageWrite.Fill : StorageWrite.Read;
        }

        private StorageWrite ClassifyArgument(IArgumentOperation argument, ISymbol storage, bool element, out IOperation? site)
        {
            site = null;
            if (argument.Parameter is null || argument.Parameter.RefKind == RefKind.Ref || argument.Parameter.RefKind == RefKind.Out)
            {
                return StorageWrite.Fill;
            }

            if (!(argument.Parent is IInvocationOperation call))
            {
                // A constructor receiving the storage: a library type copies it; a source type may keep and fill it.
                return argument.Parent is IObjectCreationOperation creation && creation.Constructor is { } ctor && ctor.Locations.Length > 0 && ctor.Locations[0].IsInSource
                    ? StorageWrite.Escape
                    : StorageWrite.Read;
            }

            // MathNet's result overloads: W as the result of its own operation (W.Subtract(dW, W)) is updated, as the
            // result of another's (a.Add(b, W)) it is filled; a velocity added into another weight (W.Add(v, W)) is a step.
            if (!element && ResultArgument(call) is { } result)
            {
                if (argument == result)
                {
                    site = call;
                    return SymbolEqualityComparer.Default.Equals(NetworkParameters.StorageOf(call.Instance), storage) ? StorageWrite.Update : StorageWrite.Fill;
                }

                return IsAddedToAnotherWeight(argument.Value, storage) ? StorageWrite.Step : StorageWrite.Read;
            }

            var method = call.TargetMethod;
            if (IsSpanView(method) && argument.Parameter.Ordinal == 0)
            {
                return ClassifySpanView(call, element, out site);
            }

            if (method.Name == "Fill" && method.ContainingType?.SpecialType == SpecialType.System_Array
                && argument.Parameter.Ordinal == 0 && call.Arguments.Length == 2)
            {
                // Array.Fill(w, 0.1); Array.Fill(w[row], 0.1) for every row of a jagged array.
                var value = call.Arguments[1].Value;
                if ((!element || InUnconditionalLoop(call)) && IsSameForEveryElement(value, element ? OutermostLoop(call) : null))
                {
                    site = call;
                    return StorageWrite.Constant;
                }

                return StorageWrite.Fill;
            }

            if (method.Name == "Clear" && method.ContainingType?.SpecialType == SpecialType.System_Array)
            {
                return StorageWrite.Neutral;
            }

            // A helper of the compilation may fill it; a library method reads it unless it copies, fills or loads into it.
            if (method.Locations.Length > 0 && method.Locations[0].IsInSource)
            {
                return StorageWrite.Fill;
            }

            var words = method.Name;
            return words.IndexOf("Copy", StringComparison.Ordinal) >= 0 || words.IndexOf("Fill", StringComparison.Ordinal) >= 0
                || words.IndexOf("Read", StringComparison.Ordinal) >= 0 || words.IndexOf("Load", StringComparison.Ordinal) >= 0
                || words.IndexOf("Deserialize", StringComparison.Ordinal) >= 0 || words.IndexOf("Populate", StringComparison.Ordinal) >= 0
                || words.IndexOf("Set", StringComparison.Ordinal) >= 0
                ? StorageWrite.Fill
                : StorageWrite.Read;
        }

        /// <summary><c>w.AsSpan()</c>, <c>w.AsMemory()</c> (System.MemoryExtensions): a view through which the storage's elements are written.</summary>
        private static bool IsSpanView(IMethodSymbol method)
            => method.IsExtensionMethod && (method.Name.StartsWith("AsSpan", StringComparison.Ordinal) || method.Name.StartsWith("AsMemory", StringComparison.Ordinal))
                && method.ContainingType is { Name: "MemoryExtensions" } type && Namespaces.Is(type.ContainingNamespace, "System");

        /// <summary>
        /// What is done through a span of the storage: <c>w.AsSpan().Fill(0.1)</c> gives every element the same value (like
        /// <c>Array.Fill</c>), <c>Clear()</c> zeroes them, a read-only view reads them; a span held in a local
        /// (<c>var row = w.AsSpan(o * n, n);</c>) does to the storage what is done to its elements (<c>row[i] -= lr * g</c>
        /// updates them from themselves); anything else may write them.
        /// </summary>
        private StorageWrite ClassifySpanView(IInvocationOperation view, bool element, out IOperation? site)
        {
            site = null;
            switch (view.Parent)
            {
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } when !element:
                    return ClassifyAlias(declarator.Symbol, view, 0, out site);
                case IInvocationOperation { TargetMethod.Name: "Fill", Arguments.Length: 1 } fill when fill.Instance == view:
                    var value = fill.Arguments[0].Value;
                    if ((!element || InUnconditionalLoop(fill)) && IsSameForEveryElement(value, element ? OutermostLoop(fill) : null))
                    {
                        site = fill;
                        return StorageWrite.Constant;
                    }

                    return StorageWrite.Fill;
                case IInvocationOperation { TargetMethod.Name: "Clear", Arguments.Length: 0 } clear when clear.Instance == view:
                    return StorageWrite.Neutral;
                case IConversionOperation { Type.Name: "ReadOnlySpan" or "ReadOnlyMemory" }:
                    return StorageWrite.Read;
                default:
                    return StorageWrite.Fill;
            }
        }

        /// <summary>
        /// True when <paramref name="value"/> draws random numbers: a call on a <c>Random</c> (or a distribution), a
        /// helper handed a <c>Random</c>, <c>Build.Random</c>. An update that adds such draws initializes; one that adds
        /// gradients trains.
        /// </summary>
        public bool ContainsRandomDraw(IOperation value)
        {
            foreach (var op in value.DescendantsAndSelf())
            {
                if (!(op is IInvocationOperation call))
                {
                    continue;
                }

                if ((call.Instance is not null && (_symbols.IsRandom(call.Instance.Type) || IsDistribution(call.Instance.Type)))
                    || call.TargetMethod.Name == "Random" || call.TargetMethod.Name.StartsWith("Sample", StringComparison.Ordinal))
                {
                    return true;
                }

                foreach (var argument in call.Arguments)
                {
                    if (_symbols.IsRandom(argument.Value.Type) || IsDistribution(argument.Value.Type))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private bool IsDistribution(ITypeSymbol? type)
            => type is not null && _symbols.ContinuousDistribution is { } distribution
                && (SymbolEqualityComparer.Default.Equals(type, distribution) || type.AllInterfaces.Contains(distribution, SymbolEqualityComparer.Default));

        /// <summary>True when <paramref name="operation"/> runs on every iteration of an enclosing loop (no <c>if</c>/<c>?:</c>/<c>switch</c> between them).</summary>
        public static bool InUnconditionalLoop(IOperation operation)
        {
            for (var op = operation.Parent; op is not null; op = op.Parent)
            {
                switch (op)
                {
                    case ILoopOperation _:
                        return true;
                    case IConditionalOperation _:
                    case ISwitchOperation _:
                    case ISwitchCaseOperation _:
                    case ICoalesceOperation _:
                    case IAnonymousFunctionOperation _:
                    case ILocalFunctionOperation _:
                        return false;
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="creation"/> (a <c>new Random(…)</c>) runs once per iteration of a loop (or of a
        /// LINQ/MathNet generator lambda) with a seed that does not change between iterations (none, a constant, or
        /// values not written in the loop). <paramref name="loop"/> is the innermost loop or generator.
        /// </summary>
        public bool IsRepeatedRandom(IObjectCreationOperation creation, out IOperation? loop)
            => IsRepeatedRandom(creation, creation.Arguments, out loop);

        /// <summary>
        /// A helper of the compilation whose body only returns a new <c>Random</c> seeded (a time-based default seed is
        /// not the same sequence on .NET) by constants or by its own parameters (<c>static Random Make() =&gt; new Random(42);</c>, <c>Random Seeded(int s) =&gt; new Random(s)</c>):
        /// a call of it is that creation, with the call's arguments as the seed. Cached per method.
        /// </summary>
        public bool IsRandomFactory(IMethodSymbol method)
        {
            if (!_symbols.IsRandom(method.ReturnType) || method.DeclaringSyntaxReferences.Length != 1 || method.IsVirtual || method.IsAbstract
                || method.IsOverride || method.MethodKind != MethodKind.Ordinary)
            {
                return false;
            }

            return _randomFactories.GetOrAdd(method.OriginalDefinition, m =>
            {
                var returned = OnlyReturned(m.DeclaringSyntaxReferences[0].GetSyntax());
                if (!(returned is BaseObjectCreationExpressionSyntax) || !(Model(returned.SyntaxTree)?.GetOperation(returned) is IObjectCreationOperation creation)
                    || !_symbols.IsRandom(creation.Type) || creation.Arguments.Length == 0)
                {
                    return false;
                }

                foreach (var argument in creation.Arguments)
                {
                    if (!argument.Value.ConstantValue.HasValue && !(Operations.WithoutConversions(argument.Value) is IParameterReferenceOperation))
                    {
                        return false;
                    }
                }

                return true;
            });
        }

        /// <summary>
        /// <see cref="IsRepeatedRandom(IObjectCreationOperation, out IOperation?)"/> for a creation or a call of a
        /// <see cref="IsRandomFactory">Random factory</see>, with the arguments that seed it.
        /// </summary>
        public bool IsRepeatedRandom(IOperation creation, ImmutableArray<IArgumentOperation> arguments, out IOperation? loop)
        {
            loop = null;
            if (!_symbols.IsRandom(creation.Type))
            {
                return false;
            }

            for (var op = creation.Parent; op is not null; op = op.Parent)
            {
                if (op is ILoopOperation)
                {
                    loop = op;
                    break;
                }

                if (op is IAnonymousFunctionOperation lambda)
                {
                    if (IsGeneratorLambda(lambda))
                    {
                        loop = lambda;
                        break;
                    }

                    return false;
                }

                if (op is ILocalFunctionOperation)
                {
                    return false;
                }
            }

            if (loop is null)
            {
                return false;
            }

            foreach (var argument in arguments)
            {
                if (!IsInvariantIn(argument.Value, loop))
                {
                    return false;
                }
            }

            // One seeded Random per whole object built, used and dropped within the iteration (a network per trial of a
            // learning-rate search or per fold): a controlled comparison, not units of one network drawing one sequence.
            return !(loop is ILoopOperation && FeedsOnlyObjectsOfTheIteration(creation, loop));
        }

        /// <summary>
        /// True when the Random <paramref name="creation"/> — directly or through a local declared in the loop — is only
        /// handed to constructors whose objects live and die in one iteration of <paramref name="loop"/>.
        /// </summary>
        private static bool FeedsOnlyObjectsOfTheIteration(IOperation creation, IOperation loop)
        {
            var parent = SkipConversions(creation.Parent);
            if (parent is IArgumentOperation { Parent: IObjectCreationOperation direct })
            {
                return IsObjectOfTheIteration(direct, loop);
            }

            if (!(parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }))
            {
                return false;
            }

            var any = false;
            foreach (var op in BodyOperations.Shared(loop).OfKind(OperationKind.LocalReference))
            {
                var reference = (ILocalReferenceOperation)op;
                if (!SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol))
                {
                    continue;
                }

                if (!(SkipConversions(reference.Parent) is IArgumentOperation { Parent: IObjectCreationOperation owner }) || !IsObjectOfTheIteration(owner, loop))
                {
                    return false;
                }

                any = true;
            }

            return any;
        }

        /// <summary>
        /// An object used only as the receiver of calls and member reads (<c>new Net(…).Train()</c>, <c>var net = new Net(…);
        /// net.Train(…)</c>) within one iteration: stored nowhere that outlives it.
        /// </summary>
        private static bool IsObjectOfTheIteration(IObjectCreationOperation owner, IOperation loop)
        {
            var parent = SkipConversions(owner.Parent);
            if (IsReceiver(owner, parent))
            {
                return true;
            }

            if (!(parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }))
            {
                return false;
            }

            foreach (var op in BodyOperations.Shared(loop).OfKind(OperationKind.LocalReference))
            {
                var reference = (ILocalReferenceOperation)op;
                if (SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol) && !IsReceiver(reference, reference.Parent))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsReceiver(IOperation value, IOperation? parent) => parent switch
        {
            IInvocationOperation invocation => invocation.Instance == value,
            IMemberReferenceOperation member => member.Instance == value && !(member.Parent is IAssignmentOperation assignment && assignment.Target == member),
            _ => false,
        };

        private static IOperation? SkipConversions(IOperation? operation)
        {
            while (operation is IConversionOperation)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        private bool IsGeneratorLambda(IAnonymousFunctionOperation lambda)
        {
            var parent = lambda.Parent;
            while (parent is IDelegateCreationOperation || parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            if (!(parent is IArgumentOperation { Parent: IInvocationOperation call }))
            {
                return false;
            }

            var type = call.TargetMethod.ContainingType?.OriginalDefinition;
            return (_symbols.Enumerable is not null && SymbolEqualityComparer.Default.Equals(type, _symbols.Enumerable)
                    && (call.TargetMethod.Name == "Select" || call.TargetMethod.Name == "SelectMany"))
                || (_symbols.MatrixBuilderOfT is not null && KnownSymbols.DerivesFromOriginal(type, _symbols.MatrixBuilderOfT))
                || (_symbols.VectorBuilderOfT is not null && KnownSymbols.DerivesFromOriginal(type, _symbols.VectorBuilderOfT))
                || (_symbols.IsMathNetTensor(call.TargetMethod.ContainingType) && call.TargetMethod.Name.StartsWith("Map", StringComparison.Ordinal));
        }

        /// <summary>A seed that is the same on every iteration: constants, parameters, fields and locals the loop does not write.</summary>
        private static bool IsInvariantIn(IOperation value, IOperation loop) => IsInvariantIn(value, loop, out _);

        /// <summary>
        /// True when <paramref name="value"/> is the same on every iteration of <paramref name="loop"/> (a loop, or a
        /// generator lambda whose parameters are the indices; null for a value evaluated once): made of constants,
        /// parameters, fields, stored properties and locals the loop does not write, combined by operators and pure
        /// <c>Math</c>/<c>MathF</c> functions — nothing drawn, nothing read from an element. <paramref name="computed"/>
        /// tells a formula (a literal or a <c>Math</c> call in it: <c>1.0 / inputs</c>) from a value merely handed on.
        /// </summary>
        private static bool IsInvariantIn(IOperation value, IOperation? loop, out bool computed)
        {
            computed = false;
            foreach (var op in value.DescendantsAndSelf())
            {
                switch (op)
                {
                    case ILiteralOperation _:
                        computed = true;
                        break;
                    case IConversionOperation _:
                    case IBinaryOperation _:
                    case IUnaryOperation _:
                    case IParenthesizedOperation _:
                    case IArgumentOperation _:
                    case IParameterReferenceOperation parameter when !(loop is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, lambda.Symbol)):
                        break;
                    case IFieldReferenceOperation field when field.Field.IsConst || field.Field.IsReadOnly || loop is null || !IsWrittenIn(field.Field, loop):
                        computed |= field.Field.IsConst;
                        break;
                    case IPropertyReferenceOperation property when property.Arguments.Length == 0 && IsStored(property.Property) && (loop is null || !IsWrittenIn(property.Property, loop)):
                        break;
                    case IInstanceReferenceOperation _:
                        break;
                    case ILocalReferenceOperation local when loop is null || !IsDeclaredOrWrittenIn(local.Local, loop):
                        // double he = Math.Sqrt(2.0 / inputs); … (i, j) => he: the fill's own formula, named once.
                        if (!computed && Shifts.SingleInitializer(local) is { } initializer && IsInvariantIn(initializer, null, out var named) && named)
                        {
                            computed = true;
                        }

                        break;
                    case IInvocationOperation call when call.Instance is null && IsPureMath(call.TargetMethod):
                        computed = true;
                        break;
                    default:
                        return false;
                }
            }

            return true;
        }

        /// <summary>A function of <c>System.Math</c>/<c>System.MathF</c>: the same arguments give the same result.</summary>
        private static bool IsPureMath(IMethodSymbol method)
            => method.ContainingType is { } type && (type.Name is "Math" or "MathF" && Namespaces.Is(type.ContainingNamespace, "System") || GenericMath.IsFunctionOwner(type));

        /// <summary>
        /// A property that returns what was stored in it (an auto-property, a record's positional property, a library
        /// property such as <c>Length</c>), not one whose getter computes — and may draw — a new value on each read.
        /// </summary>
        private static bool IsStored(IPropertySymbol property)
        {
            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is PropertyDeclarationSyntax declaration
                    && (declaration.ExpressionBody is not null || declaration.AccessorList is null
                        || declaration.AccessorList.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// True when <paramref name="value"/> gives every element of a fill the same value (NN0007): a numeric constant,
        /// or a formula of values the fill does not change that draws nothing (<c>1.0 / inputs</c>,
        /// <c>Math.Sqrt(2.0 / fanIn)</c>). <paramref name="fill"/> is the outermost loop around an element write or a
        /// generator lambda; null for a value evaluated once (<c>Enumerable.Repeat(v, n)</c>, <c>Build.Dense(r, c, v)</c>).
        /// A value only handed on (<c>w[i, j] = value</c> in a <c>Fill(double value)</c> utility) is the caller's choice: not counted.
        /// </summary>
        public static bool IsSameForEveryElement(IOperation value, IOperation? fill)
        {
            if (RandomSign.TryConstant(value, out _))
            {
                return true;
            }

            return IsNumeric(value.Type) && IsInvariantIn(value, fill, out var computed) && computed;
        }

        /// <summary>
        /// The loop that fills one storage by an element write: the outermost loop whose variable indexes the element
        /// written (<c>for o … for i … w[o, i] = v</c>), not a loop around it over layers (<c>foreach (var layer in
        /// Layers) { int fanIn = …; … layer.W[o, i] = 1.0 / Math.Sqrt(fanIn); }</c>: the same value for every weight of
        /// a layer). Without such a loop, the outermost loop.
        /// </summary>
        private static IOperation? FillLoop(ISimpleAssignmentOperation assignment)
        {
            var indices = new List<ISymbol>();
            for (var target = Operations.WithoutConversions(assignment.Target); target is IArrayElementReferenceOperation array; target = Operations.WithoutConversions(array.ArrayReference))
            {
                foreach (var index in array.Indices)
                {
                    foreach (var read in index.DescendantsAndSelf())
                    {
                        if (read is ILocalReferenceOperation local)
                        {
                            indices.Add(local.Local);
                        }
                    }
                }
            }

            IOperation? loop = null;
            for (var op = assignment.Parent; op is not null; op = op.Parent)
            {
                if (op is IAnonymousFunctionOperation || op is ILocalFunctionOperation)
                {
                    break;
                }

                if (op is ILoopOperation candidate && candidate.Locals.Any(l => indices.Contains(l, SymbolEqualityComparer.Default)))
                {
                    loop = op;
                }
            }

            return loop ?? OutermostLoop(assignment);
        }

        /// <summary>The outermost loop around <paramref name="operation"/> in its function (not crossing a lambda or local function).</summary>
        private static IOperation? OutermostLoop(IOperation operation)
        {
            IOperation? loop = null;
            for (var op = operation.Parent; op is not null; op = op.Parent)
            {
                if (op is ILoopOperation)
                {
                    loop = op;
                }
                else if (op is IAnonymousFunctionOperation || op is ILocalFunctionOperation)
                {
                    break;
                }
            }

            return loop;
        }

        private static bool IsWrittenIn(ISymbol symbol, IOperation loop)
        {
            foreach (var op in BodyOperations.Shared(loop).WithoutFirst())
            {
                var target = op switch
                {
                    ISimpleAssignmentOperation a => a.Target,
                    ICompoundAssignmentOperation c => c.Target,
                    IIncrementOrDecrementOperation i => i.Target,
                    _ => null,
                };
                if (target is not null && SymbolEqualityComparer.Default.Equals(NetworkParameters.StorageOf(target), symbol))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsDeclaredOrWrittenIn(ILocalSymbol local, IOperation loop)
        {
            if (loop is ILoopOperation l)
            {
                foreach (var declared in l.Locals)
                {
                    if (SymbolEqualityComparer.Default.Equals(declared, local))
                    {
                        return true;
                    }
                }
            }

            foreach (var op in BodyOperations.Shared(loop).WithoutFirst())
            {
                if (op is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    return true;
                }

                if (op is ILoopOperation inner)
                {
                    foreach (var declared in inner.Locals)
                    {
                        if (SymbolEqualityComparer.Default.Equals(declared, local))
                        {
                            return true;
                        }
                    }
                }
            }

            return IsWrittenIn(local, loop);
        }

        private static bool Mentions(IOperation value, ISymbol storage)
        {
            foreach (var op in value.DescendantsAndSelf())
            {
                // On the kind: most operations are none of the four, and a type switch tested each against all of them.
                var symbol = op.Kind switch
                {
                    OperationKind.LocalReference => (op as ILocalReferenceOperation)?.Local,
                    OperationKind.ParameterReference => (op as IParameterReferenceOperation)?.Parameter,
                    OperationKind.FieldReference => (op as IFieldReferenceOperation)?.Field,
                    OperationKind.PropertyReference => (op as IPropertyReferenceOperation)?.Property,
                    _ => (ISymbol?)null,
                };
                if (symbol is not null && SymbolEqualityComparer.Default.Equals(symbol, storage) && !Operations.IsShapeRead(op))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsNumeric(ITypeSymbol? type)
        {
            switch (type?.SpecialType)
            {
                case SpecialType.System_Double:
                case SpecialType.System_Single:
                case SpecialType.System_Decimal:
                    return true;
                default:
                    return GenericMath.IsNumberTypeParameter(type);
            }
        }
    }
}
