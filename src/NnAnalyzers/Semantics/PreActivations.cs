using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>What one storage (a local, parameter or field, or the elements of a collection it holds) contains.</summary>
    public enum StoredValue
    {
        /// <summary>Unknown, or both kinds.</summary>
        Unknown,

        /// <summary>Pre-activations: z = W·a + b (or Σ w·x + b), or the value an activation is applied to.</summary>
        PreActivation,

        /// <summary>Activation outputs: a = σ(z) or tanh(z).</summary>
        ActivationOutput,
    }

    /// <summary>An activation output computed from a pre-activation storage: <c>a[i] = Sig(z[i])</c> or <c>var a = Sig(z)</c>.</summary>
    public sealed class ActivationPair
    {
        internal ActivationPair(ISymbol output, ActivationRole activation, string? index, int end)
        {
            Output = output;
            Activation = activation;
            Index = index;
            End = end;
        }

        /// <summary>The storage that receives the activation.</summary>
        public ISymbol Output { get; }

        /// <summary>Sigmoid or tanh.</summary>
        public ActivationRole Activation { get; }

        /// <summary>The index text for an element pair (<c>i</c> of <c>a[i] = Sig(z[i])</c>), or null for whole values.</summary>
        public string? Index { get; }

        /// <summary>Where the assignment ends (a local is only at hand after it).</summary>
        public int End { get; }
    }

    /// <summary>
    /// The values of one method body: which storages hold pre-activations and which hold activation outputs, and which
    /// activation output belongs to which pre-activation. A storage holds pre-activations when it is assigned an affine
    /// value (a product plus something, or accumulated with <c>+=</c> products) or is what an activation is applied to,
    /// and is never assigned an activation; it holds outputs when it is assigned activations and never an affine value.
    /// </summary>
    public sealed class PreActivations
    {
        // The operations the walks of a body have cases for (read off the body's list by kind: the others are never type-tested).
        private static readonly KindSet s_recorded = KindSet.Of(OperationKind.SimpleAssignment, OperationKind.VariableDeclarator, OperationKind.CompoundAssignment, OperationKind.Invocation);

        private readonly Dictionary<ISymbol, Facts> _facts = new Dictionary<ISymbol, Facts>(SymbolEqualityComparer.Default);

        private PreActivations()
        {
        }

        /// <summary>Reads the assignments of a method body.</summary>
        public static PreActivations Analyze(IOperation body, ActivationValues activations, CancellationToken cancellationToken)
        {
            var result = new PreActivations();
            result.Add(body, activations, cancellationToken);
            return result;
        }

        /// <summary>
        /// Reads the assignments of every method of a type declared in one syntax tree (for fields: a forward pass that
        /// stores <c>Z = W * x + B; A = Sig(Z);</c> and a backward pass that reads them).
        /// </summary>
        public static PreActivations AnalyzeType(INamedTypeSymbol type, SemanticModel model, ActivationValues activations, CancellationToken cancellationToken)
        {
            var result = new PreActivations();
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != model.SyntaxTree || reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
                {
                    continue;
                }

                foreach (var member in declaration.Members)
                {
                    if (member is BaseMethodDeclarationSyntax && model.GetOperation(member, cancellationToken) is { } body)
                    {
                        result.Add(body, activations, cancellationToken);
                    }
                }
            }

            return result;
        }

        /// <summary>Whether the method says anything about this storage.</summary>
        public bool Knows(ISymbol storage) => _facts.ContainsKey(storage);

        private void Add(IOperation body, ActivationValues activations, CancellationToken cancellationToken)
        {
            var result = this;
            var appends = new List<(ISymbol List, IOperation Value, int End)>();
            foreach (var operation in BodyOperations.Shared(body).WithoutFirst().OfKind(s_recorded))
            {
                switch (operation)
                {
                    case ISimpleAssignmentOperation assignment:
                        result.Record(assignment.Target, assignment.Value, assignment.Syntax.Span.End, activations, cancellationToken);
                        break;
                    case IVariableDeclaratorOperation declarator when declarator.Initializer is { } initializer:
                        result.Record(declarator.Symbol, false, null, initializer.Value, declarator.Syntax.Span.End, activations, cancellationToken);
                        break;
                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound
                        when (IsProduct(compound.Value) || IsAffine(compound.Value)) && StorageOf(compound.Target, out var storage, out _):
                        result.Get(storage, ReceiverOf(compound.Target)).Affine = true;
                        break;
                    case IInvocationOperation { TargetMethod.Name: "Add", TargetMethod.ReturnsVoid: true, Arguments.Length: 1 } add
                        when add.Instance is { } list && StorageOf(list, out var collection, out var nested) && !nested:
                        // list.Add(v): the elements of the list receive v (a cache of zs and activations).
                        var value = add.Arguments[0].Value;
                        result.Record(collection, true, null, value, add.Syntax.Span.End, activations, cancellationToken, ReceiverOf(list));
                        appends.Add((collection, value, add.Syntax.Span.End));
                        break;
                    case IInvocationOperation call:
                        result.RecordApplied(call, activations, cancellationToken);
                        result.RecordZipElements(call);
                        break;
                }
            }

            ResolveDeferredCopies();
            PairAppends(appends, activations, cancellationToken);
        }

        /// <summary>The index of a pair of lists appended in lockstep: only the same position from the end corresponds.</summary>
        public const string FromEndIndex = "^";

        // zs.Add(z); activations.Add(σ(z)) — or activation = σ(z); activations.Add(activation): the last elements of the two
        // lists correspond (the first list may hold the input as well, so only indices from the end are paired).
        private void PairAppends(List<(ISymbol List, IOperation Value, int End)> appends, ActivationValues activations, CancellationToken cancellationToken)
        {
            foreach (var (zs, z, _) in appends)
            {
                if (!StorageOf(z, out var source, out var sourceIsElement) || sourceIsElement)
                {
                    continue;
                }

                foreach (var (outputs, a, end) in appends)
                {
                    if (SymbolEqualityComparer.Default.Equals(zs, outputs))
                    {
                        continue;
                    }

                    var role = activations.AsActivation(a, cancellationToken, out var argument);
                    var paired = ActivationFormulas.IsActivation(role) && StorageOf(argument, out var activated, out var activatedIsElement)
                        && !activatedIsElement && SymbolEqualityComparer.Default.Equals(activated, source);
                    if (!paired && StorageOf(a, out var stored, out var storedIsElement) && !storedIsElement && _facts.TryGetValue(source, out var facts))
                    {
                        foreach (var pair in facts.Pairs)
                        {
                            if (pair.Index is null && SymbolEqualityComparer.Default.Equals(pair.Output, stored))
                            {
                                role = pair.Activation;
                                paired = true;
                                break;
                            }
                        }
                    }

                    if (paired)
                    {
                        var list = Get(zs);
                        if (!list.Pairs.Exists(p => p.Index == FromEndIndex && SymbolEqualityComparer.Default.Equals(p.Output, outputs)))
                        {
                            list.Pairs.Add(new ActivationPair(outputs, role, FromEndIndex, end));
                        }
                    }
                }
            }
        }

        private System.Lazy<PreActivations?>? _fields;

        /// <summary>
        /// Answers for fields this method says nothing about from the facts of the whole type (computed lazily, once).
        /// </summary>
        public PreActivations WithFieldsFrom(System.Func<PreActivations?> typeFacts)
        {
            _fields = new System.Lazy<PreActivations?>(typeFacts);
            return this;
        }

        private PreActivations? FallbackFor(ISymbol storage)
            => (storage is IFieldSymbol || storage is IPropertySymbol) && !_facts.ContainsKey(storage) ? _fields?.Value : null;

        /// <summary>What the storage holds.</summary>
        public StoredValue Classify(ISymbol storage)
        {
            if (FallbackFor(storage) is { } type)
            {
                return type.Classify(storage);
            }

            if (!_facts.TryGetValue(storage, out var facts))
            {
                return StoredValue.Unknown;
            }

            // A copy of a value an activation is applied to (_input = input; _output = σ(input)) holds the pre-activation too.
            if ((facts.Affine || facts.Activated || (facts.CopiedFrom is not null && IsActivated(storage))) && !facts.Activation)
            {
                return StoredValue.PreActivation;
            }

            return facts.Activation && !facts.Affine ? StoredValue.ActivationOutput : StoredValue.Unknown;
        }

        /// <summary>
        /// Whether an activation is applied to this storage (or its elements) in the method, or to a value it holds a copy
        /// of (<c>zs.Add(z); … Sig(z)</c>, then <c>var z2 = zs[^l]</c>): the value is one an activation is at work on.
        /// </summary>
        public bool IsActivated(ISymbol storage)
        {
            if (FallbackFor(storage) is { } type)
            {
                return type.IsActivated(storage);
            }

            if (!_facts.TryGetValue(storage, out var facts))
            {
                return false;
            }

            if (facts.Activated || facts.CopiedFrom is null)
            {
                return facts.Activated;
            }

            // The copies a storage received, followed back (a short chain in practice; each storage once).
            var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { storage };
            var pending = new Stack<ISymbol>(facts.CopiedFrom);
            while (pending.Count > 0)
            {
                var source = pending.Pop();
                if (!visited.Add(source) || !_facts.TryGetValue(source, out var known))
                {
                    continue;
                }

                if (known.Activated)
                {
                    return true;
                }

                if (known.CopiedFrom is { } more)
                {
                    foreach (var next in more)
                    {
                        pending.Push(next);
                    }
                }
            }

            return false;
        }

        /// <summary>What the value read by <paramref name="operation"/> holds (a storage or one of its elements).</summary>
        public StoredValue Classify(IOperation operation)
        {
            if (!StorageOf(operation, out var storage, out _))
            {
                return StoredValue.Unknown;
            }

            // A member of an object this method creates (output.Data of var output = new Tensor(σ(Data))) is not the one
            // that this object's methods are seen to fill or activate (Data): what is known of one says nothing of the other.
            if (ReceiverOf(operation) == Receiver.Created && (FallbackFor(storage) ?? this)._facts.TryGetValue(storage, out var facts)
                && facts.Receivers == Receiver.This)
            {
                return StoredValue.Unknown;
            }

            return Classify(storage);
        }

        /// <summary>The activation outputs computed from this pre-activation storage.</summary>
        public IReadOnlyList<ActivationPair> PairsOf(ISymbol storage)
            => FallbackFor(storage) is { } type ? type.PairsOf(storage)
            : _facts.TryGetValue(storage, out var facts) ? facts.Pairs : (IReadOnlyList<ActivationPair>)System.Array.Empty<ActivationPair>();

        /// <summary>
        /// The storage behind a read or write: <c>x</c>, <c>this.x</c>, <c>x[i]</c>, <c>x[i][j]</c>, <c>x[i, j]</c>,
        /// <c>dict[k]</c>; <paramref name="isElement"/> says whether an element is meant.
        /// </summary>
        public static bool StorageOf(IOperation? operation, out ISymbol storage, out bool isElement)
        {
            isElement = false;
            storage = null!;
            operation = Operations.WithoutConversions(operation);
            while (true)
            {
                switch (operation)
                {
                    case IArrayElementReferenceOperation element:
                        isElement = true;
                        operation = Operations.WithoutConversions(element.ArrayReference);
                        continue;
                    case IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                        isElement = true;
                        operation = Operations.WithoutConversions(indexer.Instance);
                        continue;
                    case IImplicitIndexerReferenceOperation implicitIndexer:
                        isElement = true;
                        operation = Operations.WithoutConversions(implicitIndexer.Instance);
                        continue;
                    case IPropertyReferenceOperation property:
                        storage = property.Property;
                        return true;
                    case ILocalReferenceOperation local:
                        storage = local.Local;
                        return true;
                    case IParameterReferenceOperation parameter:
                        storage = parameter.Parameter;
                        return true;
                    case IFieldReferenceOperation field:
                        storage = field.Field;
                        return true;
                    default:
                        return false;
                }
            }
        }

        /// <summary>The index text of an element access (<c>i</c>, <c>i, j</c>, <c>l][j</c>), whitespace removed.</summary>
        public static string? IndexText(SyntaxNode syntax)
        {
            if (syntax is not ElementAccessExpressionSyntax)
            {
                return null;
            }

            var parts = new List<string>();
            var e = syntax as ExpressionSyntax;
            while (ActivationFormulas.Strip(e!) is ElementAccessExpressionSyntax access)
            {
                parts.Insert(0, Normalize(access.ArgumentList.Arguments.ToString()));
                e = access.Expression;
            }

            return string.Join("][", parts);
        }

        private static string Normalize(string text)
        {
            var builder = new System.Text.StringBuilder(text.Length);
            foreach (var c in text)
            {
                if (!char.IsWhiteSpace(c))
                {
                    builder.Append(c);
                }
            }

            return builder.ToString();
        }

        private void Record(IOperation target, IOperation value, int end, ActivationValues activations, CancellationToken cancellationToken)
        {
            if (StorageOf(target, out var storage, out var isElement))
            {
                Record(storage, isElement, IndexText(target.Syntax), value, end, activations, cancellationToken, ReceiverOf(target));
            }
        }

        private void Record(ISymbol storage, bool isElement, string? index, IOperation value, int end, ActivationValues activations, CancellationToken cancellationToken, Receiver receiver = Receiver.None)
        {
            var role = activations.AsActivation(value, cancellationToken, out var argument);
            if (ActivationFormulas.IsActivation(role))
            {
                Get(storage, receiver).Activation = true;
                if (StorageOf(argument, out var source, out var sourceIsElement) && !SymbolEqualityComparer.Default.Equals(source, storage))
                {
                    var facts = Get(source, ReceiverOf(argument));
                    facts.Activated = true;
                    if (sourceIsElement == isElement && (!isElement || (index is not null && index == IndexText(argument!.Syntax))))
                    {
                        facts.Pairs.Add(new ActivationPair(storage, role, isElement ? index : null, end));
                    }
                }

                return;
            }

            if (IsAffine(value))
            {
                Get(storage, receiver).Affine = true;
                return;
            }

            // A copy: z[j] = sum where sum is a pre-activation, activations.Add(activation) where activation is an output.
            if (StorageOf(value, out var copied, out _) && !SymbolEqualityComparer.Default.Equals(copied, storage))
            {
                RecordCopy(storage, copied, receiver);
            }
        }

        // σ(z) whose result is not stored but returned or passed on (return input.Select(σ).ToArray();
        // new Tensor(Data.Select(σ).ToArray())): z is still a value an activation is applied to. A stored result is read
        // by Record (with its pair); a Select materialised by ToArray is read once, at the ToArray.
        private void RecordApplied(IInvocationOperation call, ActivationValues activations, CancellationToken cancellationToken)
        {
            var parent = call.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            // Only a result returned or handed to a call or a constructor (a stored one is Record's; one inside arithmetic,
            // Math.Exp(-z) in a formula, is no activation's result): most calls of a body end here, before any question.
            if (!(parent is IReturnOperation || parent is IArgumentOperation)
                || (parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "ToArray" or "ToList" } })
                || (parent is IInvocationOperation { TargetMethod.Name: "ToArray" or "ToList" } outer && outer.Instance == call))
            {
                return;
            }

            // SigmoidDerivative(Sigmoid(Output)): an activation applied to what already is an activation output, inside a
            // derivative's argument, is the "applied twice" bug, not a sign that Output is a pre-activation.
            if (parent is IArgumentOperation { Parent: IInvocationOperation derivative }
                && (ActivationFormulas.TakesOutput(activations.RoleOf(derivative.TargetMethod, cancellationToken))
                    || ActivationFormulas.TakesPreActivation(activations.RoleOf(derivative.TargetMethod, cancellationToken))))
            {
                return;
            }

            if (ActivationFormulas.IsActivation(activations.AsActivation(call, cancellationToken, out var argument))
                && StorageOf(argument, out var source, out _))
            {
                Get(source, ReceiverOf(argument)).Activated = true;
            }
        }

        // err.Zip(z, (e, v) => e * v * (1 - v)): the result selector's parameters are the elements of the two sequences,
        // a copy of each (what z holds, v holds).
        private void RecordZipElements(IInvocationOperation call)
        {
            if (call.TargetMethod.Name != "Zip" || call.Arguments.Length != 3 || !ActivationValues.IsEnumerableMethod(call.TargetMethod)
                || Operations.WithoutConversions(call.Arguments[2].Value) is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation selector }
                || selector.Symbol.Parameters.Length != 2)
            {
                return;
            }

            for (var i = 0; i < 2; i++)
            {
                if (StorageOf(call.Arguments[i].Value, out var sequence, out _))
                {
                    RecordCopy(selector.Symbol.Parameters[i], sequence, Receiver.None);
                }
            }
        }

        private void RecordCopy(ISymbol storage, ISymbol copied, Receiver receiver)
        {
            if (_facts.TryGetValue(copied, out var known))
            {
                Copy(storage, copied, known, receiver);
            }
            else
            {
                // _input = input; _output = input.Map(σ): what the source turns out to be is known after the body.
                (_deferredCopies ??= new List<(ISymbol, ISymbol, Receiver)>()).Add((storage, copied, receiver));
            }
        }

        private List<(ISymbol Target, ISymbol Source, Receiver Receiver)>? _deferredCopies;

        private void Copy(ISymbol storage, ISymbol copied, Facts known, Receiver receiver)
        {
            var target = Get(storage, receiver);
            target.Affine |= known.Affine;
            target.Activation |= known.Activation;
            (target.CopiedFrom ??= new List<ISymbol>()).Add(copied);
        }

        // The copies made before anything was known of their source, once the whole body is read.
        private void ResolveDeferredCopies()
        {
            if (_deferredCopies is null)
            {
                return;
            }

            foreach (var (target, source, receiver) in _deferredCopies)
            {
                if (_facts.TryGetValue(source, out var known))
                {
                    Copy(target, source, known, receiver);
                }
            }

            _deferredCopies = null;
        }

        private Facts Get(ISymbol storage, Receiver receiver = Receiver.None)
        {
            if (!_facts.TryGetValue(storage, out var facts))
            {
                _facts[storage] = facts = new Facts();
            }

            facts.Receivers |= receiver;
            return facts;
        }

        /// <summary>The object an instance member is written, read or activated on.</summary>
        [System.Flags]
        public enum Receiver : byte
        {
            /// <summary>Not an instance member (a local, a parameter, a static member), or not known.</summary>
            None = 0,

            /// <summary>This object's (<c>Data</c>, <c>this.Data</c>).</summary>
            This = 1,

            /// <summary>An object this method creates and holds in a local (<c>var output = new Tensor(…); output.Data</c>).</summary>
            Created = 2,

            /// <summary>Any other object (a parameter's, a list element's: <c>layer.Z</c>, <c>_layers[l].Z</c>).</summary>
            Other = 4,
        }

        /// <summary>Whose member <paramref name="operation"/> reads or writes (through its elements: <c>output.Data[i]</c>).</summary>
        public static Receiver ReceiverOf(IOperation? operation)
        {
            operation = Operations.WithoutConversions(operation);
            while (true)
            {
                switch (operation)
                {
                    case IArrayElementReferenceOperation element:
                        operation = Operations.WithoutConversions(element.ArrayReference);
                        continue;
                    case IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                        operation = Operations.WithoutConversions(indexer.Instance);
                        continue;
                    case IImplicitIndexerReferenceOperation implicitIndexer:
                        operation = Operations.WithoutConversions(implicitIndexer.Instance);
                        continue;
                    case IMemberReferenceOperation { Instance: null }:
                        return Receiver.None;
                    case IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } }:
                        return Receiver.This;
                    case IMemberReferenceOperation { Instance: ILocalReferenceOperation { Local: var local } } when IsCreatedHere(local):
                        return Receiver.Created;
                    case IMemberReferenceOperation:
                        return Receiver.Other;
                    default:
                        return Receiver.None;
                }
            }
        }

        // A local declared with a new object: var output = new Tensor(…).
        private static bool IsCreatedHere(ILocalSymbol local)
            => local.DeclaringSyntaxReferences.Length == 1
               && local.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: var value }
               && ActivationFormulas.Strip(value) is BaseObjectCreationExpressionSyntax;

        // W * a + b, b + W * a, W.Multiply(a).Add(b), Σ w·x + b written as a sum with a product.
        private bool IsAffine(IOperation value)
        {
            value = Operations.WithoutConversions(value)!;
            switch (value)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum:
                    return IsProduct(sum.LeftOperand) || IsProduct(sum.RightOperand) || IsAffine(sum.LeftOperand) || IsAffine(sum.RightOperand)
                        || HoldsAffine(sum.LeftOperand) || HoldsAffine(sum.RightOperand);
                case IInvocationOperation { TargetMethod.Name: "Add" } add when add.Instance is { } receiver:
                    return IsProduct(receiver);
                default:
                    return false;
            }
        }

        // A storage assigned only an affine value so far (sum += w[k] * x[k]; then z = sum + b).
        private bool HoldsAffine(IOperation operation)
            => StorageOf(operation, out var storage, out _) && _facts.TryGetValue(storage, out var facts) && facts.Affine && !facts.Activation;

        private static bool IsProduct(IOperation operation)
        {
            operation = Operations.WithoutConversions(operation)!;
            switch (operation)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product:
                    return !RandomSign.TryConstant(product.LeftOperand, out _) && !RandomSign.TryConstant(product.RightOperand, out _)
                        && product.Syntax is BinaryExpressionSyntax binary && !IsOneMinus(binary.Left) && !IsOneMinus(binary.Right);
                case IInvocationOperation invocation:
                    var name = invocation.TargetMethod.Name;
                    return name == "Multiply" || name == "Dot" || name == "DotProduct" || name == "TransposeThisAndMultiply" || name == "TransposeAndMultiply"
                        || (name == "Sum" && IsSumOfProducts(invocation));
                default:
                    return false;
            }
        }

        // LINQ: w.Zip(x, (a, b) => a * b).Sum(), x.Select((v, k) => v * w[k]).Sum(), w.Zip(x).Sum(p => p.First * p.Second).
        private static bool IsSumOfProducts(IInvocationOperation sum)
        {
            foreach (var node in sum.Syntax.DescendantNodes())
            {
                if (node is LambdaExpressionSyntax { ExpressionBody: { } body } && ActivationFormulas.Strip(body) is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.MultiplyExpression })
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsOneMinus(ExpressionSyntax e)
            => ActivationFormulas.Strip(e) is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } difference
               && ActivationFormulas.IsConstant(difference.Left);

        private sealed class Facts
        {
            public bool Affine;
            public bool Activation;
            public bool Activated;
            public Receiver Receivers;
            public List<ISymbol>? CopiedFrom;
            public readonly List<ActivationPair> Pairs = new List<ActivationPair>();
        }
    }
}
