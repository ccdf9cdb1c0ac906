using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>What the exponentials of a collection are used for.</summary>
    public enum SoftmaxKind
    {
        /// <summary>Neither: an exp activation, a density, a decay…</summary>
        None,

        /// <summary>Divided by their own sum (or normalised to sum 1).</summary>
        Softmax,

        /// <summary>Summed and logged (log-sum-exp, log-softmax, cross-entropy from logits).</summary>
        LogSumExp,
    }

    /// <summary>Which elements one normaliser groups together (for matrices and 2-D data).</summary>
    public enum NormaliserAxis
    {
        /// <summary>Not known (or a vector / 1-D collection).</summary>
        Unknown,

        /// <summary>Each column separately (<c>ColumnSums()</c>, <c>NormalizeColumns(1)</c>).</summary>
        Columns,

        /// <summary>Each row separately (<c>RowSums()</c>, <c>NormalizeRows(1)</c>).</summary>
        Rows,

        /// <summary>Every element of the matrix together (<c>Enumerate().Sum()</c>, <c>Sum()</c> of a matrix).</summary>
        Whole,
    }

    /// <summary>A softmax or log-sum-exp found at one exponentiation.</summary>
    public sealed class SoftmaxSite
    {
        internal SoftmaxSite(Exponentiation exponentiation, SoftmaxKind kind, Certainty shiftedByMaximum,
            ImmutableArray<IOperation> sums, ImmutableArray<ISymbol> sumSymbols, ImmutableArray<IOperation> normalisers, NormaliserAxis axis)
        {
            SumSymbols = sumSymbols;
            Exponentiation = exponentiation;
            Kind = kind;
            ShiftedByMaximum = shiftedByMaximum;
            Sums = sums;
            Normalisers = normalisers;
            Axis = axis;
        }

        /// <summary>The exponentiation of the logits.</summary>
        public Exponentiation Exponentiation { get; }

        /// <summary>Softmax, log-sum-exp, or none.</summary>
        public SoftmaxKind Kind { get; }

        /// <summary>Whether the exponent is shifted by the maximum (or an upper bound) of the same logits.</summary>
        public Certainty ShiftedByMaximum { get; }

        /// <summary>True when this is a softmax or log-sum-exp whose logits are known not to be shifted by their maximum.</summary>
        public bool IsUnstabilized => Kind != SoftmaxKind.None && ShiftedByMaximum == Certainty.No;

        /// <summary>The sums of the exponentials (<c>sum</c> accumulations, <c>Sum()</c>, <c>ColumnSums()</c>…).</summary>
        public ImmutableArray<IOperation> Sums { get; }

        /// <summary>The storages that hold a sum of the exponentials (<c>sum</c>, <c>colSums</c>…).</summary>
        public ImmutableArray<ISymbol> SumSymbols { get; }

        /// <summary>The normalisers: divisions by a sum, <c>NormalizeColumns(1)</c>, <c>Math.Log(sum)</c>.</summary>
        public ImmutableArray<IOperation> Normalisers { get; }

        /// <summary>For matrices, the axis the normaliser groups (the sample axis of a correct softmax).</summary>
        public NormaliserAxis Axis { get; }

        /// <summary>The name of the logits for messages: the storage's name, or the expression.</summary>
        public string LogitsName
        {
            get
            {
                var symbol = Exponentiation.LogitsSymbol;
                if (symbol is not null)
                {
                    return symbol.Name;
                }

                var text = Exponentiation.Logits.Syntax.ToString();
                return text.Length > 40 ? text.Substring(0, 37) + "..." : text;
            }
        }
    }

    /// <summary>
    /// Answers "is this exponential of a collection a softmax (its results divided by their own sum) or a log-sum-exp
    /// (summed and logged)?", and "is its argument shifted by the maximum of the same logits?". Works across loops
    /// (1-D, 2-D and jagged arrays, foreach), LINQ, MathNet and helpers wrapping <c>Math.Exp</c>; the sums and
    /// normalisers it finds (<see cref="SoftmaxSite.Sums"/>, <see cref="SoftmaxSite.Normalisers"/>) let other rules
    /// ask "is this division a softmax normaliser, and over which axis?" (<see cref="IsSoftmaxNormaliser"/>).
    /// One instance per compilation.
    /// </summary>
    public sealed class Softmax
    {
        private const int Passes = 3;

        private readonly BodyOperations _bodies;

        /// <summary>Creates the oracle of one compilation, with its own list of bodies (a code fix, a test).</summary>
        public Softmax(KnownSymbols symbols)
            : this(symbols, new BodyOperations())
        {
        }

        /// <summary>Creates the oracle of one compilation, sharing the bodies' operation lists with the other rules.</summary>
        public Softmax(KnownSymbols symbols, BodyOperations bodies)
        {
            Symbols = symbols;
            _bodies = bodies;
            Exponentials = new Exponentials(symbols);
        }

        /// <summary>Types of the compilation.</summary>
        public KnownSymbols Symbols { get; }

        /// <summary>The exponential recogniser.</summary>
        public Exponentials Exponentials { get; }

        /// <summary>
        /// Analyses an invocation that may exponentiate a collection (<c>Math.Exp(x[i])</c>, <c>x.Select(Math.Exp)</c>,
        /// <c>x.PointwiseExp()</c>…); null when it does not.
        /// </summary>
        public SoftmaxSite? Analyze(IOperation invocation, System.Threading.CancellationToken cancellationToken = default)
        {
            var exponentiation = Exponentials.Match(invocation);
            if (exponentiation is null)
            {
                return null;
            }

            // The body's sites are computed once, for the first exponential asked about (every flow of a body reads the
            // same operations), and shared with the other rules that ask about the body.
            return SiteOf(exponentiation, cancellationToken) ?? new SoftmaxSite(exponentiation, SoftmaxKind.None, Certainty.Unknown, ImmutableArray<IOperation>.Empty,
                ImmutableArray<ISymbol>.Empty, ImmutableArray<IOperation>.Empty, NormaliserAxis.Unknown);
        }

        /// <summary>
        /// The softmax or log-sum-exp that <paramref name="invocation"/> exponentiates for, when its logits are known not to
        /// be shifted by their maximum (NN0002's question); null otherwise. The shift is decided first, on the exponential
        /// alone: an exponential shifted by the maximum of its own logits is stable whatever it feeds, and the body's data
        /// flows are not run for it.
        /// </summary>
        public SoftmaxSite? FindUnstabilized(IOperation invocation, System.Threading.CancellationToken cancellationToken = default)
        {
            var exponentiation = Exponentials.Match(invocation);
            if (exponentiation is null
                || (exponentiation.Shift is { } shift && Shifts.IsMaximumOf(shift, exponentiation.Logits, exponentiation.Element) != Certainty.No))
            {
                return null;
            }

            var site = SiteOf(exponentiation, cancellationToken);
            return site is not null && site.IsUnstabilized ? site : null;
        }

        private SoftmaxSite? SiteOf(Exponentiation exponentiation, System.Threading.CancellationToken cancellationToken)
        {
            foreach (var site in FindAll(Collections.BodyOf(exponentiation.Operation), cancellationToken))
            {
                if (site.Exponentiation.Operation.Syntax == exponentiation.Operation.Syntax)
                {
                    return site;
                }
            }

            return null;
        }

        private SoftmaxSite? Compute(Exponentiation exponentiation, BodyIndex body, System.Threading.CancellationToken cancellationToken)
        {
            var flow = new Flow(this, exponentiation, body, cancellationToken);
            flow.Run();
            if (flow.Kind == SoftmaxKind.None)
            {
                return null; // not a softmax: nothing reads its sums, so none are copied
            }

            var shifted = exponentiation.Shift is null ? Certainty.No : Shifts.IsMaximumOf(exponentiation.Shift, exponentiation.Logits, exponentiation.Element);
            return new SoftmaxSite(exponentiation, flow.Kind, shifted, flow.SumOperations.ToImmutableArray(),
                flow.SumSymbols, flow.Normalisers.ToImmutableArray(), flow.Axis);
        }

        /// <summary>Every softmax or log-sum-exp in a member's body (computed once per body: other rules ask per division).</summary>
        public IEnumerable<SoftmaxSite> FindAll(IOperation body, System.Threading.CancellationToken cancellationToken = default)
        {
            var index = _bodies.Derived(body, static operations => new BodyIndex(operations));
            var sites = index.Sites;
            if (sites is null)
            {
                sites = new List<SoftmaxSite>();
                foreach (var exponentiation in index.ExponentiationsOf(Exponentials))
                {
                    if (Compute(exponentiation, index, cancellationToken) is { } site)
                    {
                        sites.Add(site);
                    }
                }

                index.Sites = sites; // a race computes the same list twice; either may be kept
            }

            return sites;
        }

        /// <summary>The operations of one body, listed once for every exponential in it.</summary>
        private sealed class BodyIndex
        {
            public BodyIndex(OperationRange operations)
            {
                All = operations;
            }

            public OperationRange All { get; }

            private List<Exponentiation>? _exponentiations;

            /// <summary>The softmax sites of the body, once <see cref="FindAll"/> computed them.</summary>
            public List<SoftmaxSite>? Sites { get; set; }

            /// <summary>The exponentials of the body, matched once for all the flows that start in it.</summary>
            [MethodImpl(SignText.Hot)]
            public List<Exponentiation> ExponentiationsOf(Exponentials exponentials)
            {
                var known = _exponentiations;
                if (known is null)
                {
                    known = new List<Exponentiation>();
                    foreach (var op in All.OfKind(OperationKind.Invocation))
                    {
                        if (exponentials.Match(op) is { } match)
                        {
                            known.Add(match);
                        }
                    }

                    _exponentiations = known; // a race computes the same list twice; either may be kept
                }

                return known;
            }
        }

        /// <summary>
        /// True when <paramref name="normaliser"/> (a division, <c>/=</c>, <c>Divide</c>, <c>NormalizeColumns</c>…) divides
        /// exponentials by their own sum; <paramref name="site"/> is the softmax it belongs to.
        /// </summary>
        public bool IsSoftmaxNormaliser(IOperation normaliser, out SoftmaxSite? site)
        {
            site = null;
            foreach (var candidate in FindAll(Collections.BodyOf(normaliser)))
            {
                if (candidate.Kind == SoftmaxKind.Softmax && candidate.Normalisers.Any(n => n.Syntax == normaliser.Syntax))
                {
                    site = candidate;
                    return true;
                }
            }

            return false;
        }

        /// <summary>The data flow from the exponentials to their sums and normalisers inside one body.</summary>
        private sealed class Flow
        {
            // The operations Propagate and FindNormaliser have cases for.
            private static readonly KindSet s_writes = KindSet.Of(OperationKind.VariableDeclarator, OperationKind.SimpleAssignment, OperationKind.CompoundAssignment);
            private static readonly KindSet s_normalisers = KindSet.Of(OperationKind.Binary, OperationKind.CompoundAssignment, OperationKind.Invocation);

            private readonly Softmax _owner;
            private readonly Exponentiation _exp;
            private readonly BodyIndex _body;
            private readonly System.Threading.CancellationToken _cancellationToken;
            private readonly List<SyntaxNode> _carriers = new List<SyntaxNode>();
            private readonly HashSet<ISymbol> _buffers = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            private readonly HashSet<ISymbol> _sums = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

            public Flow(Softmax owner, Exponentiation exp, BodyIndex body, System.Threading.CancellationToken cancellationToken)
            {
                _owner = owner;
                _exp = exp;
                _body = body;
                _cancellationToken = cancellationToken;
            }

            public SoftmaxKind Kind { get; private set; }

            public NormaliserAxis Axis { get; private set; }

            public List<IOperation> SumOperations { get; } = new List<IOperation>();

            public List<IOperation> Normalisers { get; } = new List<IOperation>();

            public ImmutableArray<ISymbol> SumSymbols => _sums.ToImmutableArray();

            [MethodImpl(SignText.Hot)]
            public void Run()
            {
                _carriers.Add(_exp.Carrier.Syntax);
                var root = _exp.LogitsSymbol;
                var all = _body.All;
                if (root is not null)
                {
                    // Other exponentials of the same logits: Σ exp(x[i]) in one loop, exp(x[i]) / Σ in another.
                    foreach (var other in _body.ExponentiationsOf(_owner.Exponentials))
                    {
                        if (other.Operation.Syntax != _exp.Operation.Syntax && SymbolEqualityComparer.Default.Equals(other.LogitsSymbol, root))
                        {
                            _carriers.Add(other.Carrier.Syntax);
                        }
                    }
                }

                for (var pass = 0; pass < Passes; pass++)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    var changed = false;
                    foreach (var op in all.OfKind(s_writes))
                    {
                        changed |= Propagate(op);
                    }

                    if (!changed)
                    {
                        break;
                    }
                }

                foreach (var op in all.OfKind(s_normalisers))
                {
                    FindNormaliser(op);
                }
            }

            [MethodImpl(SignText.Hot)]
            private bool Propagate(IOperation op)
            {
                // The kind first: one read, where a type switch tests every interface of most operations (references,
                // literals, calls) on each of the passes.
                var kind = op.Kind;
                if (kind != OperationKind.VariableDeclarator && kind != OperationKind.SimpleAssignment && kind != OperationKind.CompoundAssignment)
                {
                    return false;
                }

                switch (op)
                {
                    case IVariableDeclaratorOperation declarator:
                        {
                            var init = declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer;
                            return init is not null && Assign(declarator.Symbol, init.Value);
                        }

                    case ISimpleAssignmentOperation assignment:
                        {
                            var target = TargetSymbol(assignment.Target);
                            if (target is null)
                            {
                                return false;
                            }

                            var value = Collections.Strip(assignment.Value);
                            if (value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add
                                && (SameStorage(add.LeftOperand, assignment.Target) && IsExpValued(add.RightOperand)
                                    || SameStorage(add.RightOperand, assignment.Target) && IsExpValued(add.LeftOperand)))
                            {
                                return AddSum(target, assignment);
                            }

                            return Assign(target, assignment.Value);
                        }

                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound:
                        {
                            var target = TargetSymbol(compound.Target);
                            return target is not null && IsExpValued(compound.Value) && AddSum(target, compound);
                        }

                    default:
                        return false;
                }
            }

            [MethodImpl(SignText.Hot)]
            private bool Assign(ISymbol target, IOperation value)
            {
                if (IsSumOfExp(value))
                {
                    return AddSum(target, value);
                }

                return IsExpValued(value) && _buffers.Add(target);
            }

            private bool AddSum(ISymbol target, IOperation operation)
            {
                if (!_sums.Add(target))
                {
                    return false;
                }

                SumOperations.Add(operation);
                return true;
            }

            [MethodImpl(SignText.Hot)]
            private static ISymbol? TargetSymbol(IOperation target)
            {
                var op = Collections.Strip(target);
                while (op is IArrayElementReferenceOperation element)
                {
                    op = Collections.Strip(element.ArrayReference);
                }

                if (op is IPropertyReferenceOperation { Property: { IsIndexer: true }, Instance: { } instance })
                {
                    op = Collections.Strip(instance);
                }

                switch (op)
                {
                    case ILocalReferenceOperation local:
                        return local.Local;
                    case IFieldReferenceOperation field:
                        return field.Field;
                    case IParameterReferenceOperation parameter:
                        return parameter.Parameter;
                    case IPropertyReferenceOperation property:
                        return property.Property;
                    default:
                        return null;
                }
            }

            private static bool SameStorage(IOperation a, IOperation b)
            {
                return Collections.Strip(a).Syntax.IsEquivalentTo(Collections.Strip(b).Syntax, topLevel: false);
            }

            [MethodImpl(SignText.Hot)]
            private IOperation StripViews(IOperation operation)
            {
                var op = Collections.Strip(operation);
                while (op is IInvocationOperation call
                    && (call.TargetMethod.Name == "ToArray" || call.TargetMethod.Name == "ToList" || call.TargetMethod.Name == "AsEnumerable"
                        || call.TargetMethod.Name == "Clone")
                    && Collections.Receiver(call) is { } receiver)
                {
                    op = Collections.Strip(receiver);
                }

                return op;
            }

            /// <summary>Does this value hold the exponentials (or one of them)?</summary>
            [MethodImpl(SignText.Hot)]
            private bool IsExpValued(IOperation operation)
            {
                var op = StripViews(operation);
                if (IsCarrier(op))
                {
                    return true;
                }

                var symbol = TargetSymbol(op);
                if (symbol is not null && _buffers.Contains(symbol))
                {
                    return true;
                }

                // foreach (var e in exps) sum += e;
                if (op is ILocalReferenceOperation local && Collections.FindForEach(local) is { } loop)
                {
                    return IsExpValued(loop.Collection);
                }

                // exps.Sum(e => e): the lambda parameter reads the exponentials.
                if (op is IParameterReferenceOperation parameter && Collections.LambdaSource(parameter, out var isElement) is { } source && isElement)
                {
                    return IsExpValued(source);
                }

                return false;
            }

            [MethodImpl(SignText.Hot)]
            private bool IsCarrier(IOperation op)
            {
                foreach (var carrier in _carriers)
                {
                    if (op.Syntax == carrier)
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>Is this value a sum of the exponentials (or a per-row/column vector of sums)?</summary>
            [MethodImpl(SignText.Hot)]
            private bool IsSumOfExp(IOperation operation)
            {
                var op = Collections.Strip(operation);
                if (op is IInvocationOperation call)
                {
                    var name = call.TargetMethod.Name;
                    var receiver = Collections.Receiver(call);
                    if (name == "Sum" || (name == "Aggregate" && IsSummingAggregate(call)))
                    {
                        if (IsCarrier(op))
                        {
                            return true;
                        }

                        if (receiver is not null)
                        {
                            var source = Collections.Strip(receiver);
                            var whole = false;
                            // Enumerate().Sum(), ToColumnMajorArray().Sum(): every element of the matrix.
                            if (source is IInvocationOperation { Instance: not null } enumerate
                                && (enumerate.TargetMethod.Name == "Enumerate" || Normalization.IsFlattening(enumerate.TargetMethod.Name)))
                            {
                                whole = _owner.Symbols.IsMatrix(enumerate.Instance.Type);
                                source = enumerate.Instance;
                            }

                            if (IsExpValued(source))
                            {
                                if (whole || _owner.Symbols.IsMatrix(source.Type))
                                {
                                    Axis = NormaliserAxis.Whole;
                                }

                                return true;
                            }
                        }

                        return false;
                    }

                    if ((name == "ColumnSums" || name == "RowSums") && receiver is not null && IsExpValued(receiver))
                    {
                        Axis = name == "ColumnSums" ? NormaliserAxis.Columns : NormaliserAxis.Rows;
                        return true;
                    }

                    return false;
                }

                var symbol = TargetSymbol(op);
                return symbol is not null && _sums.Contains(symbol);
            }

            /// <summary>
            /// LINQ's <c>Aggregate(0.0, (acc, e) =&gt; acc + e)</c> or <c>Aggregate((a, b) =&gt; a + b)</c>: a sum written as a fold
            /// (a zero seed, the accumulator plus the element). A product, a maximum or a seeded offset is not one.
            /// </summary>
            private bool IsSummingAggregate(IInvocationOperation call)
            {
                if (!SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, _owner.Symbols.Enumerable))
                {
                    return false;
                }

                // Enumerable.Aggregate(source, func) or (source, seed, func); the overload with a result selector is not a sum.
                var arguments = call.Arguments;
                if (arguments.Length == 3 && !(arguments[1].Value.ConstantValue is { HasValue: true, Value: var seed } && IsZero(seed)))
                {
                    return false;
                }

                if ((arguments.Length != 2 && arguments.Length != 3)
                    || !(Collections.LambdaArgument(arguments[arguments.Length - 1].Value) is { } lambda)
                    || lambda.Symbol.Parameters.Length != 2
                    || !(Collections.ReturnedValue(lambda) is { } returned)
                    || !(Collections.Strip(returned) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add))
                {
                    return false;
                }

                var left = Collections.Strip(add.LeftOperand) as IParameterReferenceOperation;
                var right = Collections.Strip(add.RightOperand) as IParameterReferenceOperation;
                return left is not null && right is not null && left.Parameter.Ordinal != right.Parameter.Ordinal
                    && SymbolEqualityComparer.Default.Equals(left.Parameter.ContainingSymbol, lambda.Symbol)
                    && SymbolEqualityComparer.Default.Equals(right.Parameter.ContainingSymbol, lambda.Symbol);
            }

            private static bool IsZero(object? value)
            {
                switch (value)
                {
                    case double d:
                        return d == 0.0;
                    case float f:
                        return f == 0f;
                    case int i:
                        return i == 0;
                    case decimal m:
                        return m == 0m;
                    default:
                        return false;
                }
            }

            private bool ContainsSum(IOperation operation)
            {
                foreach (var op in operation.DescendantsAndSelf())
                {
                    if (IsSumOfExp(op))
                    {
                        return true;
                    }
                }

                return false;
            }

            [MethodImpl(SignText.Hot)]
            private void FindNormaliser(IOperation op)
            {
                var kind = op.Kind;
                if (kind != OperationKind.Binary && kind != OperationKind.CompoundAssignment && kind != OperationKind.Invocation)
                {
                    return;
                }

                switch (op)
                {
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } divide when ContainsSum(divide.RightOperand):
                        AddNormaliser(op, SoftmaxKind.Softmax);
                        break;
                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } divide when ContainsSum(divide.Value):
                        AddNormaliser(op, SoftmaxKind.Softmax);
                        break;
                    case IInvocationOperation call:
                        {
                            var name = call.TargetMethod.Name;
                            if ((name == "Divide" || name == "PointwiseDivide") && call.Arguments.Length >= 1 && ContainsSum(call.Arguments[0].Value))
                            {
                                AddNormaliser(op, SoftmaxKind.Softmax);
                            }
                            else if ((name == "NormalizeColumns" || name == "NormalizeRows" || name == "Normalize")
                                && call.Instance is not null && call.Arguments.Length == 1
                                && IsOne(call.Arguments[0].Value)
                                && IsExpValued(call.Instance))
                            {
                                Axis = name == "NormalizeColumns" ? NormaliserAxis.Columns : name == "NormalizeRows" ? NormaliserAxis.Rows : Axis;
                                AddNormaliser(op, SoftmaxKind.Softmax);
                            }
                            else if (name == "Log" && call.Arguments.Length == 1 && IsMathLog(call.TargetMethod) && ContainsSum(call.Arguments[0].Value))
                            {
                                AddNormaliser(op, SoftmaxKind.LogSumExp);
                            }

                            break;
                        }
                }
            }

            private static bool IsOne(IOperation value)
            {
                var constant = value.ConstantValue;
                if (!constant.HasValue)
                {
                    return false;
                }

                switch (constant.Value)
                {
                    case double d:
                        return d == 1.0;
                    case float f:
                        return f == 1f;
                    case int i:
                        return i == 1;
                    default:
                        return false;
                }
            }

            private bool IsMathLog(IMethodSymbol method)
            {
                return _owner.Symbols.IsMathType(method.ContainingType);
            }

            private void AddNormaliser(IOperation op, SoftmaxKind kind)
            {
                Normalisers.Add(op);
                if (kind == SoftmaxKind.Softmax || Kind == SoftmaxKind.None)
                {
                    // A division makes it a softmax even when a log follows (log-softmax is reported as log-sum-exp below).
                    Kind = Kind == SoftmaxKind.LogSumExp && kind == SoftmaxKind.Softmax ? SoftmaxKind.Softmax : kind;
                }
            }
        }
    }
}
