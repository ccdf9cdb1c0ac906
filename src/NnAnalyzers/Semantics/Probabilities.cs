using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>Why a value is taken for a probability.</summary>
    public enum ProbabilitySource
    {
        /// <summary>Not known to be a probability.</summary>
        None,

        /// <summary>A softmax output (exponentials divided by their own sum), or what a method returning one returns.</summary>
        Softmax,

        /// <summary>A sigmoid output (<c>1 / (1 + exp(-z))</c>, <c>e / (1 + e)</c>), or what a method returning one returns.</summary>
        Sigmoid,

        /// <summary>The prediction parameter of a loss method of NN code (<c>p</c>, <c>probs</c>, <c>yHat</c> in <c>CrossEntropy</c>).</summary>
        LossArgument,
    }

    /// <summary>How a logarithm is applied.</summary>
    public enum LogForm
    {
        /// <summary><c>Math.Log(x)</c>, <c>Math.Log(x, b)</c>, <c>Math.Log2(x)</c>, <c>Math.Log10(x)</c> or their <c>MathF</c> forms, of one value.</summary>
        Scalar,

        /// <summary><c>m.PointwiseLog()</c> (or <c>m.PointwiseLog(result)</c>) of a MathNet matrix or vector.</summary>
        Pointwise,

        /// <summary><c>Map(Math.Log)</c>, <c>Select(Math.Log)</c>: the method group over a collection.</summary>
        MethodGroup,
    }

    /// <summary>One logarithm: its form and the value it takes the log of.</summary>
    public sealed class LogSite
    {
        internal LogSite(LogForm form, IInvocationOperation invocation, IOperation value, bool isSingle)
        {
            Form = form;
            Invocation = invocation;
            Value = value;
            IsSingle = isSingle;
        }

        /// <summary>The form.</summary>
        public LogForm Form { get; }

        /// <summary>The call (<c>Math.Log(…)</c>, <c>PointwiseLog()</c>, <c>Map(Math.Log)</c>).</summary>
        public IInvocationOperation Invocation { get; }

        /// <summary>The value logged: the argument, the receiver matrix, the mapped collection.</summary>
        public IOperation Value { get; }

        /// <summary>True for single precision (<c>MathF.Log</c>, <c>Matrix&lt;float&gt;</c>): ε = 1e-7 instead of 1e-15.</summary>
        public bool IsSingle { get; }
    }

    /// <summary>
    /// Answers "is this value a probability, and is its logarithm guarded?": a softmax output (through the
    /// <see cref="Semantics.Softmax"/> oracle), a sigmoid <c>1 / (1 + exp(-z))</c>, what a method returning one of them
    /// returns (our library's <c>Activations.Sigmoid</c>/<c>Softmax</c> included), an element of such a collection (loops,
    /// foreach, LINQ and MathNet lambdas, <c>Zip</c>), a tuple element, a field its class writes only with such outputs, a
    /// parameter its callers (in the same file) pass such an output for, or — with no caller in sight — the prediction
    /// parameter of NN code whose log is summed into a loss. A value clamped
    /// (<c>Math.Max(p, eps)</c>, <c>PointwiseMaximum(eps)</c>), shifted by an epsilon (<c>p + 1e-12</c>), compared
    /// before the log (<c>if (p &lt;= 0)</c>) or rewritten in place is not an unguarded probability.
    /// One instance per compilation; "does this method return a probability?" is cached per method.
    /// </summary>
    public sealed class Probabilities
    {
        // The operations each walk has cases for (read off the body's list by kind, the others never type-tested).
        private static readonly KindSet s_returns = KindSet.Of(OperationKind.Return, OperationKind.YieldReturn, OperationKind.YieldBreak);
        private static readonly KindSet s_localWrites = KindSet.Of(
            OperationKind.VariableDeclarator, OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.Invocation, OperationKind.DeconstructionAssignment);
        private static readonly KindSet s_guardWrites = KindSet.Of(OperationKind.VariableDeclarator, OperationKind.SimpleAssignment, OperationKind.Invocation);
        private static readonly KindSet s_references = KindSet.Of(OperationKind.LocalReference, OperationKind.ParameterReference);
        private static readonly KindSet s_exponentialSigns = KindSet.Of(
            OperationKind.Invocation, OperationKind.LocalReference, OperationKind.ParameterReference, OperationKind.FieldReference);
        private static readonly KindSet s_rewrites = KindSet.Of(OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.Invocation);

        private const int MaxDepth = 10;

        private static readonly WordSet s_predictionWords = IdentifierWords.Set(
            "p", "prob", "probs", "proba", "probas", "probability", "probabilities", "pred", "preds", "prediction",
            "predictions", "predicted", "yhat", "hat", "output", "outputs", "activation", "activations", "q");

        private static readonly HashSet<string> s_viewMethods = new HashSet<string>(System.StringComparer.Ordinal)
        {
            "Column", "Row", "Enumerate", "EnumerateColumns", "EnumerateRows", "ToArray", "ToList", "AsEnumerable",
            "ToColumnMajorArray", "ToRowMajorArray", "AsArray", "Clone", "Transpose", "SubMatrix", "SubVector", "Cast",
        };

        [System.ThreadStatic]
        private static HashSet<IMethodSymbol>? t_visiting;

        [System.ThreadStatic]
        private static bool t_incomplete;

        [System.ThreadStatic]
        private static string? t_caller;

        private static readonly WordSet s_lossWords = IdentifierWords.Set(
            "loss", "cost", "error", "entropy", "crossentropy", "xent", "nll", "bce", "cce", "logloss", "likelihood");

        private static readonly HashSet<string> s_summingMethods = new HashSet<string>(System.StringComparer.Ordinal)
        {
            "Sum", "Average", "Aggregate", "DotProduct", "RowSums", "ColumnSums", "RowAbsoluteSums", "ColumnAbsoluteSums",
            "TransposeThisAndMultiply", "TransposeAndMultiply",
        };

        private readonly KnownSymbols _symbols;
        private readonly NnContext _context;
        private readonly Softmax _softmax;
        private readonly GradientFlow _flow;
        private readonly ConcurrentDictionary<IMethodSymbol, ProbabilitySource> _returns =
            new ConcurrentDictionary<IMethodSymbol, ProbabilitySource>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, int> _normalisedInPlace =
            new ConcurrentDictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, ConcurrentDictionary<ISymbol, bool>> _returnedMembers =
            new ConcurrentDictionary<IMethodSymbol, ConcurrentDictionary<ISymbol, bool>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IParameterSymbol, ConcurrentDictionary<ISymbol, Passed>> _passedMembers =
            new ConcurrentDictionary<IParameterSymbol, ConcurrentDictionary<ISymbol, Passed>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IParameterSymbol, Passed> _passed =
            new ConcurrentDictionary<IParameterSymbol, Passed>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, ProbabilitySource> _members =
            new ConcurrentDictionary<ISymbol, ProbabilitySource>(SymbolEqualityComparer.Default);

        /// <summary>Creates the oracle of one compilation.</summary>
        public Probabilities(KnownSymbols symbols, NnContext context, Softmax softmax, GradientFlow flow)
        {
            _symbols = symbols;
            _context = context;
            _softmax = softmax;
            _flow = flow;
        }

        /// <summary>Recognises a logarithm (<c>Math.Log(x)</c>, <c>MathF.Log(x)</c>, <c>PointwiseLog()</c>, <c>Map/Select(Math.Log)</c>).</summary>
        public LogSite? MatchLog(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if ((method.Name == "Log" && invocation.Arguments.Length <= 2 || (method.Name == "Log2" || method.Name == "Log10") && invocation.Arguments.Length == 1)
                && invocation.Arguments.Length >= 1 && IsMath(method.ContainingType))
            {
                return new LogSite(LogForm.Scalar, invocation, invocation.Arguments[0].Value,
                    method.Parameters[0].Type.SpecialType == SpecialType.System_Single);
            }

            if (method.Name == "PointwiseLog" && invocation.Arguments.Length <= 1 && invocation.Instance is { } instance
                && _symbols.IsMathNetTensor(instance.Type))
            {
                return new LogSite(LogForm.Pointwise, invocation, instance, IsSingleTensor(instance.Type));
            }

            if ((method.Name == "Map" || method.Name == "Select") && Collections.Receiver(invocation) is { } source)
            {
                foreach (var argument in Collections.ArgumentsAfterReceiver(invocation))
                {
                    var group = Collections.MethodGroupArgument(argument.Value);
                    if (group is not null && group.Method.Name == "Log" && group.Method.Parameters.Length == 1
                        && IsMath(group.Method.ContainingType))
                    {
                        return new LogSite(LogForm.MethodGroup, invocation, source,
                            group.Method.Parameters[0].Type.SpecialType == SpecialType.System_Single);
                    }
                }
            }

            return null;
        }

        /// <summary>Why the value a log takes is a probability whose log is unguarded; <see cref="ProbabilitySource.None"/> otherwise.</summary>
        public ProbabilitySource UnguardedProbability(LogSite site, CancellationToken cancellationToken)
            => UnguardedProbability(site, out _, cancellationToken);

        /// <summary>
        /// Why the value a log takes is a probability whose log is unguarded; <paramref name="caller"/> names the method
        /// that passes a softmax/sigmoid output when the value is a parameter known through its callers.
        /// </summary>
        public ProbabilitySource UnguardedProbability(LogSite site, out string? caller, CancellationToken cancellationToken)
        {
            caller = null;
            var body = Collections.BodyOf(site.Invocation);
            t_incomplete = false;
            t_caller = null;
            var source = Classify(site.Value, body, 0, allowParameters: true, cancellationToken);
            if (source == ProbabilitySource.None || IsComparedInBody(site.Value, body))
            {
                return ProbabilitySource.None;
            }

            // A parameter of NN code with no caller in sight: the log must be summed into a loss (Σ y·log p,
            // −Σ log p[label]); a log only negated or multiplied counts in a method named as a loss.
            if (source == ProbabilitySource.LossArgument)
            {
                var use = UseOfLog(site.Invocation, body, 0);
                if (use == LossUse.None
                    || use == LossUse.Arithmetic && !(site.Invocation.SemanticModel?.GetEnclosingSymbol(site.Invocation.Syntax.SpanStart, cancellationToken) is IMethodSymbol method
                                                      && IdentifierWords.ContainsAny(ContainingMember(method).Name, s_lossWords)))
                {
                    return ProbabilitySource.None;
                }
            }

            caller = t_caller;
            return source;
        }

        /// <summary>What a method returns: a softmax or sigmoid output, or neither (cached).</summary>
        public ProbabilitySource Returns(IMethodSymbol method, CancellationToken cancellationToken) => Returns(method, 0, cancellationToken);

        /// <summary>The name to show for a value: its storage's name or its text.</summary>
        public static string NameOf(IOperation value)
        {
            if (Collections.Strip(value) is IParameterReferenceOperation parameter && ZipSecondSource(parameter) is { } zipped)
            {
                value = zipped;
            }

            var root = Collections.Root(value);
            if (root is not null)
            {
                return root.Name;
            }

            var text = value.Syntax.ToString();
            return text.Length > 40 ? text.Substring(0, 37) + "..." : text;
        }

        private ProbabilitySource Returns(IMethodSymbol method, int depth, CancellationToken cancellationToken)
        {
            var original = method.OriginalDefinition;
            if (IsLibraryActivations(original.ContainingType))
            {
                return original.Name == "Softmax" ? ProbabilitySource.Softmax
                    : original.Name == "Sigmoid" ? ProbabilitySource.Sigmoid : ProbabilitySource.None;
            }

            if (original.DeclaringSyntaxReferences.Length == 0 || original.ReturnsVoid)
            {
                return ProbabilitySource.None;
            }

            if (_returns.TryGetValue(original, out var cached))
            {
                return cached;
            }

            // Recursion and depth limits make an answer partial: partial answers are not cached, so the cache never
            // depends on which method (or which thread) asked first.
            var visiting = t_visiting ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            // The budget of a method's own body does not depend on how deep its caller was (so the cached answer is
            // the same whoever asks first); nested methods are bounded by the number being visited.
            if (visiting.Count >= MaxDepth || !visiting.Add(original))
            {
                t_incomplete = true;
                return ProbabilitySource.None;
            }

            var outerIncomplete = t_incomplete;
            t_incomplete = false;
            var result = ProbabilitySource.None;
            try
            {
                var body = _flow.GetBody(original, cancellationToken);
                if (body is not null)
                {
                    foreach (var op in BodyOperations.Shared(body).OfKind(s_returns))
                    {
                        if (op is IReturnOperation { ReturnedValue: { } returned } && !IsInNestedFunction(op, body))
                        {
                            var source = Classify(returned, body, 0, allowParameters: false, cancellationToken);
                            if (source == ProbabilitySource.None)
                            {
                                result = ProbabilitySource.None;
                                break;
                            }

                            result = source;
                        }
                    }
                }
            }
            finally
            {
                visiting.Remove(original);
            }

            if (!t_incomplete)
            {
                _returns.TryAdd(original, result);
            }

            t_incomplete |= outerIncomplete;
            return result;
        }

        private ProbabilitySource Classify(IOperation value, IOperation body, int depth, bool allowParameters, CancellationToken cancellationToken)
        {
            if (depth > MaxDepth)
            {
                t_incomplete = true;
                return ProbabilitySource.None;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var op = Collections.Strip(value);
            switch (op)
            {
                case IInvocationOperation call:
                    return ClassifyCall(call, body, depth, allowParameters, cancellationToken);

                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } divide:
                    if (IsSigmoid(divide))
                    {
                        // 1 / (1 + Math.Exp(-Math.Clamp(z, -30, 30))): bounded away from 0 and 1, its logs are finite.
                        return IsBoundedSigmoid(divide) ? ProbabilitySource.None : ProbabilitySource.Sigmoid;
                    }

                    return ContainsExponential(divide) && _softmax.IsSoftmaxNormaliser(divide, out _)
                        ? ProbabilitySource.Softmax : ProbabilitySource.None;

                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } complement when IsOne(complement.LeftOperand):
                    // 1 - p: the complement of a probability (binary cross-entropy's log(1 - a)).
                    return Classify(complement.RightOperand, body, depth + 1, allowParameters, cancellationToken);

                case IArrayElementReferenceOperation element:
                    return Classify(element.ArrayReference, body, depth + 1, allowParameters, cancellationToken);

                case IPropertyReferenceOperation { Property: { IsIndexer: true }, Instance: { } instance }:
                    return Classify(instance, body, depth + 1, allowParameters, cancellationToken);

                case ILocalReferenceOperation local:
                    {
                        var loop = Collections.FindForEach(local);
                        if (loop is not null)
                        {
                            return Classify(loop.Collection, body, depth + 1, allowParameters, cancellationToken);
                        }

                        return ClassifyLocal(local.Local, body, depth, allowParameters, cancellationToken);
                    }

                case IParameterReferenceOperation parameter:
                    {
                        var zipped = ZipSecondSource(parameter);
                        if (zipped is not null)
                        {
                            return Classify(zipped, body, depth + 1, allowParameters, cancellationToken);
                        }

                        var source = Collections.LambdaSource(parameter, out var isElement);
                        if (source is not null)
                        {
                            return isElement ? Classify(source, body, depth + 1, allowParameters, cancellationToken) : ProbabilitySource.None;
                        }

                        // logits[i] = exp(logits[i] - max); … logits[i] /= sum: the method itself makes its argument a softmax.
                        if (NormalisedInPlaceAt(parameter.Parameter, body, followCalls: true, cancellationToken) >= 0)
                        {
                            return ProbabilitySource.Softmax;
                        }

                        if (!allowParameters || !CanHoldProbabilities(parameter.Parameter.Type) || IsRewritten(parameter.Parameter, body))
                        {
                            return ProbabilitySource.None;
                        }

                        // What the callers pass decides first: a softmax/sigmoid output makes the parameter one, callers
                        // that all clamp make it safe; with no caller in sight, the parameter of a loss of NN code.
                        var passed = PassedByCallers(parameter, cancellationToken);
                        if (passed.Source != ProbabilitySource.None)
                        {
                            t_caller = passed.Caller;
                            return passed.Source;
                        }

                        return !passed.AllGuarded && IsLossPrediction(parameter.Parameter) ? ProbabilitySource.LossArgument : ProbabilitySource.None;
                    }

                case IFieldReferenceOperation { Field: { ContainingType: { IsTupleType: true } } } tupleField when tupleField.Instance is not null:
                    // r.Probs / r.Item1 of a tuple a method returns.
                    return TupleIndex(tupleField.Field) is int index
                        ? ClassifyTupleElement(tupleField.Instance, index, body, depth + 1, cancellationToken) : ProbabilitySource.None;

                case IFieldReferenceOperation field when !field.Field.IsConst:
                    return IsSoftmaxMemberOfReturned(field.Instance, field.Field, cancellationToken)
                        || allowParameters && IsSoftmaxMemberPassed(field.Instance, field.Field, cancellationToken)
                        ? ProbabilitySource.Softmax : ClassifyMember(field.Field, field, depth, cancellationToken);

                case IPropertyReferenceOperation { Property: { IsIndexer: false } } property:
                    return IsSoftmaxMemberOfReturned(property.Instance, property.Property, cancellationToken)
                        || allowParameters && IsSoftmaxMemberPassed(property.Instance, property.Property, cancellationToken)
                        ? ProbabilitySource.Softmax : ClassifyMember(property.Property, property, depth, cancellationToken);

                default:
                    return ProbabilitySource.None;
            }
        }

        private ProbabilitySource ClassifyCall(IInvocationOperation call, IOperation body, int depth, bool allowParameters, CancellationToken cancellationToken)
        {
            var name = call.TargetMethod.Name;
            if (s_viewMethods.Contains(name) && Collections.Receiver(call) is { } receiver)
            {
                return Classify(receiver, body, depth + 1, allowParameters, cancellationToken);
            }

            if ((name == "Map" || name == "Select" || name == "MapIndexed") && Collections.Receiver(call) is not null)
            {
                foreach (var argument in Collections.ArgumentsAfterReceiver(call))
                {
                    var lambda = Collections.LambdaArgument(argument.Value);
                    if (lambda is not null)
                    {
                        var returned = Collections.ReturnedValue(lambda);
                        // x.Map(v => 1 / (1 + Math.Exp(-v))), e.Select(v => v / sum): a sigmoid or a softmax normaliser;
                        // xs.Select(x => Softmax(Logits(x))): a softmax output per element (a jagged array of them).
                        return returned is not null && Collections.Strip(returned) is var projected
                            && (projected is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } || projected is IInvocationOperation)
                            ? Classify(projected, body, depth + 1, allowParameters: false, cancellationToken) : ProbabilitySource.None;
                    }

                    var group = Collections.MethodGroupArgument(argument.Value);
                    if (group is not null)
                    {
                        return Returns(group.Method, depth + 1, cancellationToken);
                    }
                }

                return ProbabilitySource.None;
            }

            if ((name == "NormalizeColumns" || name == "NormalizeRows" || name == "Normalize") && call.Instance is not null)
            {
                // e.NormalizeColumns(1.0) of exponentials: the softmax oracle owns the answer (its normalisers).
                return _softmax.IsSoftmaxNormaliser(call, out _) ? ProbabilitySource.Softmax : ProbabilitySource.None;
            }

            var source = Returns(call.TargetMethod, depth + 1, cancellationToken);
            // Sigmoid(Math.Clamp(z, -30, 30)): a helper computing the sigmoid of its parameter, called on a clamped logit.
            return source == ProbabilitySource.Sigmoid && call.Arguments.Length == 1
                && RangeOf(call.Arguments[0].Value) is { } range
                && LogitSignOfParameter(call.TargetMethod, cancellationToken) is int sign
                && IsInsideOpenUnit(sign > 0 ? range : Negate(range), call.TargetMethod.ReturnType.SpecialType == SpecialType.System_Single)
                ? ProbabilitySource.None : source;
        }

        // σ(z) = 1 / (1 + exp(-z)) rounds to exactly 1 once exp(-z) ≤ 2^-53 (half an ulp of 1): z ≥ 53·ln 2 ≈ 36.74 for
        // double, 24·ln 2 ≈ 16.64 for float (measured on .NET: the largest z with σ(z) < 1 is 36.7368005696771, 16.63553 for
        // MathF; e / (1 + e) later, 37.22 and 17.33). It is exactly 0 once exp(-z) overflows: z < −709.78 (double), −88.72
        // (float); measured σ(−709) = 1.2e-308, σ(−710) = 0, σf(−88) = 6.1e-39, σf(−89) = 0. Inside the bounds below (a margin
        // for an exp one ulp off) p and 1 − p stay positive — 1 − σ(36) = 2.2e-16, 1 − σf(16) = 1.2e-7 — and both logs finite.
        private const double DoubleLogitHigh = 36.0;
        private const double DoubleLogitLow = -709.0;
        private const double FloatLogitHigh = 16.0;
        private const double FloatLogitLow = -88.0;

        /// <summary>
        /// The constant range of a value clamped to constants: <c>Math.Clamp(z, -30, 30)</c>, <c>Math.Max(-30, Math.Min(z, 30))</c>,
        /// <c>Math.Min(30, Math.Max(z, -30))</c>, negated or not, or a local holding one; null when it is not bounded on both sides.
        /// </summary>
        private (double Low, double High)? RangeOf(IOperation value)
        {
            var op = Collections.Strip(value);
            if (op is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negated)
            {
                return ClampBounds(negated.Operand, 0) is { } range ? Negate(range) : null;
            }

            return ClampBounds(op, 0);
        }

        private static (double Low, double High) Negate((double Low, double High) range) => (-range.High, -range.Low);

        /// <summary>A range of logits z where σ(z) stays strictly between 0 and 1 (see the bounds above).</summary>
        private static bool IsInsideOpenUnit((double Low, double High) logits, bool single)
        {
            return logits.Low >= (single ? FloatLogitLow : DoubleLogitLow) && logits.High <= (single ? FloatLogitHigh : DoubleLogitHigh);
        }

        /// <summary>The constant range a value is clamped to (<c>Math.Clamp</c>, nested <c>Math.Max</c>/<c>Math.Min</c>), or null.</summary>
        private (double Low, double High)? ClampBounds(IOperation value, int depth)
        {
            var op = Collections.Strip(value);
            if (depth > 2)
            {
                return null;
            }

            if (op is ILocalReferenceOperation local && (Shifts.SingleInitializer(local) ?? LastAssignedBefore(local)) is { } initializer)
            {
                op = Collections.Strip(initializer);
            }

            if (!(op is IInvocationOperation call) || call.Instance is not null || !_symbols.IsMathType(call.TargetMethod.ContainingType))
            {
                return null;
            }

            var arguments = call.Arguments;
            switch (call.TargetMethod.Name)
            {
                case "Clamp" when arguments.Length == 3:
                    return BoundValue(arguments[1].Value) is double low && BoundValue(arguments[2].Value) is double high ? (low, high) : null;

                case "Max" when arguments.Length == 2:
                    {
                        // Math.Max(lo, Math.Min(z, hi)): the lower bound outside, the upper one inside.
                        var (bound, inner) = BoundValue(arguments[0].Value) is double a ? (a, arguments[1].Value)
                            : BoundValue(arguments[1].Value) is double b ? (b, arguments[0].Value) : (double.NaN, null);
                        return inner is not null && ClampBounds(inner, depth + 1) is { } range ? (System.Math.Max(bound, range.Low), range.High)
                            : inner is not null && UpperBound(inner) is double upper ? (bound, upper) : null;
                    }

                case "Min" when arguments.Length == 2:
                    {
                        var (bound, inner) = BoundValue(arguments[0].Value) is double a ? (a, arguments[1].Value)
                            : BoundValue(arguments[1].Value) is double b ? (b, arguments[0].Value) : (double.NaN, null);
                        return inner is not null && ClampBounds(inner, depth + 1) is { } range ? (range.Low, System.Math.Min(bound, range.High))
                            : inner is not null && LowerBound(inner) is double lower ? (lower, bound) : null;
                    }

                default:
                    return null;
            }
        }

        private static readonly KindSet s_lastWriteKinds = KindSet.Of(
            OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.Increment, OperationKind.Decrement,
            OperationKind.DeconstructionAssignment, OperationKind.VariableDeclarator);

        /// <summary>
        /// The value a local holds where it is read, when the last write before the read is a plain assignment in a block
        /// around the read (<c>f = Math.Clamp(f, -6, 6); p = Sigmoid(f);</c>): word2vec clamps its logit by reassigning it.
        /// Null when the last write is compound, conditional (in a block the read is not in) or absent.
        /// </summary>
        private static IOperation? LastAssignedBefore(ILocalReferenceOperation read)
        {
            var position = read.Syntax.SpanStart;
            IOperation? last = null;
            var lastAt = -1;
            foreach (var op in BodyOperations.Shared(Collections.BodyOf(read)).OfKind(s_lastWriteKinds))
            {
                var at = op.Syntax.SpanStart;
                if (at >= position || at < lastAt || op.Syntax.Span.Contains(read.Syntax.Span))
                {
                    continue;
                }

                var writes = op switch
                {
                    IAssignmentOperation assignment => Collections.Strip(assignment.Target) is ILocalReferenceOperation target && SymbolEqualityComparer.Default.Equals(target.Local, read.Local),
                    IIncrementOrDecrementOperation step => Collections.Strip(step.Target) is ILocalReferenceOperation target && SymbolEqualityComparer.Default.Equals(target.Local, read.Local),
                    IVariableDeclaratorOperation declarator => SymbolEqualityComparer.Default.Equals(declarator.Symbol, read.Local),
                    _ => false,
                };
                if (writes)
                {
                    (last, lastAt) = (op, at);
                }
            }

            if (!(last is ISimpleAssignmentOperation plain))
            {
                return null;
            }

            var statement = plain.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.StatementSyntax>();
            return statement?.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax block && block.Span.Contains(read.Syntax.Span) ? plain.Value : null;
        }

        /// <summary>The constant of <c>Math.Min(z, c)</c> (an upper bound), or null.</summary>
        private double? UpperBound(IOperation value) => OneSidedBound(value, "Min");

        /// <summary>The constant of <c>Math.Max(z, c)</c> (a lower bound), or null.</summary>
        private double? LowerBound(IOperation value) => OneSidedBound(value, "Max");

        private double? OneSidedBound(IOperation value, string name)
        {
            var op = Collections.Strip(value);
            if (op is IInvocationOperation call && call.Instance is null && call.TargetMethod.Name == name && call.Arguments.Length == 2
                && _symbols.IsMathType(call.TargetMethod.ContainingType))
            {
                return BoundValue(call.Arguments[0].Value) ?? BoundValue(call.Arguments[1].Value);
            }

            return null;
        }

        /// <summary>
        /// For a one-parameter method whose single return is a sigmoid (<see cref="IsSigmoid"/>) of that parameter itself,
        /// +1 when the logit is the parameter (<c>1 / (1 + Math.Exp(-z))</c>), −1 when it is its negation
        /// (<c>1 / (1 + Math.Exp(z))</c>); null for any other method (bounding its argument says nothing of its logit).
        /// </summary>
        private int? LogitSignOfParameter(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var original = method.OriginalDefinition;
            if (original.Parameters.Length != 1 || original.DeclaringSyntaxReferences.Length == 0)
            {
                return null;
            }

            var body = _flow.GetBody(original, cancellationToken);
            if (body is null)
            {
                return null;
            }

            IOperation? returned = null;
            foreach (var op in BodyOperations.Shared(body).OfKind(s_returns))
            {
                if (returned is not null || !(op is IReturnOperation { ReturnedValue: { } value }))
                {
                    return null;
                }

                returned = value;
            }

            if (returned is null || !(Collections.Strip(returned) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } divide)
                || !(SigmoidLogit(divide, out var logitIsNegated) is { } exponent))
            {
                return null;
            }

            var exponentSign = 1;
            var operand = Collections.Strip(exponent);
            if (operand is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation)
            {
                exponentSign = -1;
                operand = Collections.Strip(negation.Operand);
            }

            return operand is IParameterReferenceOperation parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.OriginalDefinition, original.Parameters[0])
                ? (logitIsNegated ? -exponentSign : exponentSign) : null;
        }

        private ProbabilitySource ClassifyLocal(ILocalSymbol local, IOperation body, int depth, bool allowParameters, CancellationToken cancellationToken)
        {
            var result = ProbabilitySource.None;
            // The buffer's own values turned into a softmax in place (x[i] = exp(x[i] - max); x[i] /= sum, or a helper
            // doing it to its argument): what was written into it before — the logits — no longer counts.
            var normalisedAt = -1;
            var rewrittenAt = -1;
            foreach (var op in BodyOperations.Shared(body).OfKind(s_localWrites))
            {
                IOperation? written = null;
                switch (op)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        written = declarator.Initializer?.Value;
                        break;
                    case ISimpleAssignmentOperation assignment when IsStorageOf(assignment.Target, local):
                        written = assignment.Value;
                        break;
                    case ICompoundAssignmentOperation compound when IsStorageOf(compound.Target, local):
                        if (IsSoftmaxDivision(compound, body))
                        {
                            normalisedAt = System.Math.Max(normalisedAt, op.Syntax.SpanStart);
                            continue;
                        }

                        // p += eps, p *= …: rewritten, not a plain probability.
                        rewrittenAt = System.Math.Max(rewrittenAt, op.Syntax.SpanStart);
                        continue;
                    case IInvocationOperation call when NormalisesArgumentInPlace(call, local, cancellationToken):
                        normalisedAt = System.Math.Max(normalisedAt, op.Syntax.SpanStart);
                        continue;
                    case IInvocationOperation call when IsInPlaceGuard(call, local):
                        rewrittenAt = System.Math.Max(rewrittenAt, op.Syntax.SpanStart);
                        continue;
                    case IDeconstructionAssignmentOperation deconstruction when TupleSlot(deconstruction.Target, local) is int slot:
                        {
                            // var (pred, cache) = Forward(x): the element of the tuple the method returns.
                            var element = ClassifyTupleElement(deconstruction.Value, slot, body, depth + 1, cancellationToken);
                            if (element != ProbabilitySource.None)
                            {
                                result = element;
                            }

                            continue;
                        }
                    case IInvocationOperation call when call.TargetMethod.ReturnsVoid && call.Arguments.Length >= 2
                        && IsLibraryActivations(call.TargetMethod.ContainingType)
                        && IsStorageOf(call.Arguments[call.Arguments.Length - 1].Value, local):
                        {
                            // Activations.Softmax(logits, result): the library writes its output into the last argument.
                            var name = call.TargetMethod.Name;
                            if (name == "Softmax" || name == "Sigmoid")
                            {
                                result = name == "Softmax" ? ProbabilitySource.Softmax : ProbabilitySource.Sigmoid;
                            }

                            continue;
                        }
                }

                if (written is null)
                {
                    continue;
                }

                var source = Classify(written, body, depth + 1, allowParameters, cancellationToken);
                if (source != ProbabilitySource.None)
                {
                    result = source;
                }
                else if (IsGuardValue(written))
                {
                    // q = Math.Max(q, eps), q = eps: the local is clamped somewhere.
                    rewrittenAt = System.Math.Max(rewrittenAt, op.Syntax.SpanStart);
                }
            }

            // A rewrite or clamp counts unless a softmax in place follows it (then it wrote logits, not probabilities).
            if (rewrittenAt > normalisedAt)
            {
                return ProbabilitySource.None;
            }

            return normalisedAt >= 0 && result == ProbabilitySource.None ? ProbabilitySource.Softmax : result;
        }

        /// <summary>
        /// <c>Softmax(logits).Data</c>, <c>probs.Data</c> with <c>var probs = Softmax(logits)</c>: the member of an object a
        /// method returns after turning that member into a softmax output in place (<c>y.Data[i] /= sum</c>).
        /// </summary>
        private bool IsSoftmaxMemberOfReturned(IOperation? instance, ISymbol member, CancellationToken cancellationToken)
        {
            var op = instance is null ? null : Collections.Strip(instance);
            if (op is ILocalReferenceOperation local && Shifts.SingleInitializer(local) is { } initializer)
            {
                op = Collections.Strip(initializer);
            }

            return op is IInvocationOperation call && !call.TargetMethod.ReturnsVoid
                && call.TargetMethod.OriginalDefinition.DeclaringSyntaxReferences.Length != 0
                && ReturnsSoftmaxMember(call.TargetMethod.OriginalDefinition, member, cancellationToken);
        }

        /// <summary>
        /// <c>probs.Data</c> of a parameter <c>probs</c> when a caller (in the method's file) passes an object whose member
        /// is a softmax output (<c>NllLoss(Softmax(logits), target)</c>); the caller is kept for the message.
        /// </summary>
        private bool IsSoftmaxMemberPassed(IOperation? instance, ISymbol member, CancellationToken cancellationToken)
        {
            if (!(instance is not null && Collections.Strip(instance) is IParameterReferenceOperation reference)
                || !(reference.Parameter.ContainingSymbol is IMethodSymbol method) || method.MethodKind == MethodKind.AnonymousFunction
                || reference.SemanticModel is not { } model || !(member.ContainingType is { } type) || type.DeclaringSyntaxReferences.Length == 0)
            {
                return false;
            }

            var members = _passedMembers.GetOrAdd(reference.Parameter, _ => new ConcurrentDictionary<ISymbol, Passed>(SymbolEqualityComparer.Default));
            if (!members.TryGetValue(member, out var passed))
            {
                passed = FindPassed(method, reference.Parameter, model, reference.Syntax.SyntaxTree, member, cancellationToken);
                members.TryAdd(member, passed);
            }

            if (passed.Source == ProbabilitySource.None)
            {
                return false;
            }

            t_caller = passed.Caller;
            return true;
        }

        /// <summary>True when every return of the method returns a local whose <paramref name="member"/> it normalises in place (cached).</summary>
        private bool ReturnsSoftmaxMember(IMethodSymbol method, ISymbol member, CancellationToken cancellationToken)
        {
            var members = _returnedMembers.GetOrAdd(method, _ => new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default));
            if (members.TryGetValue(member, out var cached))
            {
                return cached;
            }

            var result = false;
            var body = _flow.GetBody(method, cancellationToken);
            if (body is not null && ContainsExponentialIn(body))
            {
                foreach (var op in BodyOperations.Shared(body).OfKind(s_returns))
                {
                    if (IsInNestedFunction(op, body))
                    {
                        continue;
                    }

                    if (!(op is IReturnOperation { ReturnedValue: { } returned } && Collections.Strip(returned) is ILocalReferenceOperation local
                          && MemberNormalisedInPlace(local.Local, member, body)))
                    {
                        result = false;
                        break;
                    }

                    result = true;
                }
            }

            members.TryAdd(member, result);
            return result;
        }

        /// <summary><c>y.Data[i] /= sum</c> of exponentials, with no write of <c>y.Data</c> after it.</summary>
        private bool MemberNormalisedInPlace(ILocalSymbol local, ISymbol member, IOperation body)
        {
            var normalisedAt = -1;
            var writtenAt = -1;
            foreach (var op in BodyOperations.Shared(body).OfKind(s_rewrites))
            {
                switch (op)
                {
                    case ICompoundAssignmentOperation compound when IsMemberOf(compound.Target, local, member):
                        if (IsSoftmaxDivision(compound, body))
                        {
                            normalisedAt = System.Math.Max(normalisedAt, op.Syntax.SpanStart);
                        }
                        else
                        {
                            writtenAt = System.Math.Max(writtenAt, op.Syntax.SpanStart);
                        }

                        break;
                    case ISimpleAssignmentOperation assignment when IsMemberOf(assignment.Target, local, member):
                        writtenAt = System.Math.Max(writtenAt, op.Syntax.SpanStart);
                        break;
                }
            }

            return normalisedAt > writtenAt;
        }

        /// <summary>True for <c>y.Data</c>, <c>y.Data[i]</c>: the member of the object a local holds, or an element of it.</summary>
        private static bool IsMemberOf(IOperation target, ILocalSymbol local, ISymbol member)
        {
            var op = Collections.Strip(target);
            while (op is IArrayElementReferenceOperation || op is IPropertyReferenceOperation { Property: { IsIndexer: true } })
            {
                op = Collections.Strip(op is IArrayElementReferenceOperation element ? element.ArrayReference : ((IPropertyReferenceOperation)op).Instance!);
            }

            var (symbol, instance) = op switch
            {
                IPropertyReferenceOperation property => ((ISymbol?)property.Property, property.Instance),
                IFieldReferenceOperation field => (field.Field, field.Instance),
                _ => (null, null),
            };
            return symbol is not null && SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, member.OriginalDefinition)
                && instance is not null && Collections.Strip(instance) is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local);
        }

        /// <summary><c>p[i] /= sum</c> dividing exponentials by their own sum (the softmax oracle decides).</summary>
        private bool IsSoftmaxDivision(ICompoundAssignmentOperation compound, IOperation body)
        {
            return compound.OperatorKind == BinaryOperatorKind.Divide && ContainsExponentialIn(body)
                && _softmax.IsSoftmaxNormaliser(compound, out _);
        }

        /// <summary>
        /// The position of the last write that turns <paramref name="storage"/> into a softmax output in place when nothing
        /// writes it afterwards (<c>x[i] = exp(x[i] - max); sum += x[i]; … x[i] /= sum</c>), or −1. With
        /// <paramref name="followCalls"/>, a call of a helper doing it to its argument counts too.
        /// </summary>
        private int NormalisedInPlaceAt(ISymbol storage, IOperation body, bool followCalls, CancellationToken cancellationToken)
        {
            var normalisedAt = -1;
            var writtenAt = -1;
            foreach (var op in BodyOperations.Shared(body).OfKind(s_rewrites))
            {
                switch (op)
                {
                    case ICompoundAssignmentOperation compound when IsStorageOf(compound.Target, storage):
                        if (IsSoftmaxDivision(compound, body))
                        {
                            normalisedAt = System.Math.Max(normalisedAt, op.Syntax.SpanStart);
                        }
                        else
                        {
                            writtenAt = System.Math.Max(writtenAt, op.Syntax.SpanStart);
                        }

                        break;
                    case ISimpleAssignmentOperation assignment when IsStorageOf(assignment.Target, storage):
                        writtenAt = System.Math.Max(writtenAt, op.Syntax.SpanStart);
                        break;
                    case IInvocationOperation call when followCalls && NormalisesArgumentInPlace(call, storage, cancellationToken):
                        normalisedAt = System.Math.Max(normalisedAt, op.Syntax.SpanStart);
                        break;
                    case IInvocationOperation call when IsInPlaceGuard(call, storage):
                        writtenAt = System.Math.Max(writtenAt, op.Syntax.SpanStart);
                        break;
                }
            }

            return normalisedAt > writtenAt ? normalisedAt : -1;
        }

        /// <summary>
        /// True when <paramref name="call"/> passes <paramref name="storage"/> itself to a parameter the called method turns
        /// into a softmax output in place (<c>Kernels.SoftmaxInPlace(logits)</c>).
        /// </summary>
        private bool NormalisesArgumentInPlace(IInvocationOperation call, ISymbol storage, CancellationToken cancellationToken)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { } parameter && parameter.Ordinal < 32
                    && Collections.Strip(argument.Value) is var passed
                    && (passed is ILocalReferenceOperation || passed is IParameterReferenceOperation || passed is IFieldReferenceOperation)
                    && IsStorageOf(passed, storage)
                    && (ParametersNormalisedInPlace(call.TargetMethod, cancellationToken) & (1 << parameter.Ordinal)) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The parameters (a bit per ordinal) a method of the compilation turns into softmax outputs in place (cached).</summary>
        private int ParametersNormalisedInPlace(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var original = method.OriginalDefinition;
            if (original.DeclaringSyntaxReferences.Length == 0 || original.Parameters.Length == 0)
            {
                return 0;
            }

            if (_normalisedInPlace.TryGetValue(original, out var cached))
            {
                return cached;
            }

            var mask = 0;
            var body = _flow.GetBody(original, cancellationToken);
            if (body is not null && ContainsExponentialIn(body))
            {
                foreach (var parameter in original.Parameters)
                {
                    // Only the method's own divisions: a helper calling another in-place helper is not followed.
                    if (parameter.Ordinal < 32 && parameter.RefKind != RefKind.Out && NormalisedInPlaceAt(parameter, body, followCalls: false, cancellationToken) >= 0)
                    {
                        mask |= 1 << parameter.Ordinal;
                    }
                }
            }

            _normalisedInPlace.TryAdd(original, mask);
            return mask;
        }

        /// <summary>The position of a local in a deconstruction target (<c>var (a, b)</c>, <c>(a, b)</c>, <c>(var a, var b)</c>), or null.</summary>
        private static int? TupleSlot(IOperation target, ILocalSymbol local)
        {
            var op = Collections.Strip(target);
            if (op is IDeclarationExpressionOperation declaration)
            {
                op = Collections.Strip(declaration.Expression);
            }

            if (!(op is ITupleOperation tuple))
            {
                return null;
            }

            for (var i = 0; i < tuple.Elements.Length; i++)
            {
                var element = Collections.Strip(tuple.Elements[i]);
                if (element is IDeclarationExpressionOperation inner)
                {
                    element = Collections.Strip(inner.Expression);
                }

                if (element is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    return i;
                }
            }

            return null;
        }

        private static int? TupleIndex(IFieldSymbol field)
        {
            var name = (field.CorrespondingTupleField ?? field).Name;
            return name.StartsWith("Item", System.StringComparison.Ordinal)
                && int.TryParse(name.Substring(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n - 1 : (int?)null;
        }

        /// <summary>Element <paramref name="index"/> of a tuple value: a tuple literal, or what a method returns in that position.</summary>
        private ProbabilitySource ClassifyTupleElement(IOperation tuple, int index, IOperation body, int depth, CancellationToken cancellationToken)
        {
            if (depth > MaxDepth)
            {
                t_incomplete = true;
                return ProbabilitySource.None;
            }

            var op = Collections.Strip(tuple);
            if (op is ITupleOperation literal)
            {
                return index < literal.Elements.Length
                    ? Classify(literal.Elements[index], body, depth + 1, allowParameters: false, cancellationToken) : ProbabilitySource.None;
            }

            if (op is ILocalReferenceOperation local && Shifts.SingleInitializer(local) is { } initializer)
            {
                return ClassifyTupleElement(initializer, index, body, depth + 1, cancellationToken);
            }

            if (!(op is IInvocationOperation call))
            {
                return ProbabilitySource.None;
            }

            var method = call.TargetMethod.OriginalDefinition;
            var visiting = t_visiting ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            if (visiting.Count >= MaxDepth || !visiting.Add(method))
            {
                t_incomplete = true;
                return ProbabilitySource.None;
            }

            try
            {
                var methodBody = _flow.GetBody(method, cancellationToken);
                if (methodBody is null)
                {
                    return ProbabilitySource.None;
                }

                var result = ProbabilitySource.None;
                foreach (var candidate in BodyOperations.Shared(methodBody).OfKind(s_returns))
                {
                    if (candidate is IReturnOperation { ReturnedValue: { } returned } && !IsInNestedFunction(candidate, methodBody))
                    {
                        var source = ClassifyTupleElement(returned, index, methodBody, 0, cancellationToken);
                        if (source == ProbabilitySource.None)
                        {
                            return ProbabilitySource.None;
                        }

                        result = source;
                    }
                }

                return result;
            }
            finally
            {
                visiting.Remove(method);
            }
        }

        /// <summary>For the second parameter of <c>a.Zip(b, (x, y) =&gt; …)</c>, the collection <c>b</c>; otherwise null.</summary>
        private static IOperation? ZipSecondSource(IParameterReferenceOperation parameter)
        {
            if (!(parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambdaSymbol)
                || parameter.Parameter.Ordinal != 1 || lambdaSymbol.Parameters.Length != 2)
            {
                return null;
            }

            for (var p = parameter.Parent; p is not null; p = p.Parent)
            {
                if (p is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(lambda.Symbol, lambdaSymbol))
                {
                    var call = Collections.CallTakingLambda(lambda);
                    if (call is null || call.TargetMethod.Name != "Zip")
                    {
                        return null;
                    }

                    // Enumerable.Zip(first, second, selector) as an extension call: the second collection is argument 1.
                    foreach (var argument in Collections.ArgumentsAfterReceiver(call))
                    {
                        return Collections.LambdaArgument(argument.Value) is null ? argument.Value : null;
                    }

                    return null;
                }
            }

            return null;
        }

        /// <summary>What the callers of a method pass for one parameter (call sites in the method's own file).</summary>
        private readonly struct Passed
        {
            public Passed(ProbabilitySource source, string? caller, bool allGuarded)
            {
                Source = source;
                Caller = caller;
                AllGuarded = allGuarded;
            }

            /// <summary>Softmax/Sigmoid when a caller passes such an output, None otherwise.</summary>
            public ProbabilitySource Source { get; }

            /// <summary>The caller that passes it.</summary>
            public string? Caller { get; }

            /// <summary>True when there are callers and every one passes a clamped or shifted value.</summary>
            public bool AllGuarded { get; }
        }

        private Passed PassedByCallers(IParameterReferenceOperation reference, CancellationToken cancellationToken)
        {
            var parameter = reference.Parameter;
            if (!(parameter.ContainingSymbol is IMethodSymbol method) || method.MethodKind == MethodKind.AnonymousFunction
                || reference.SemanticModel is not { } model)
            {
                return default;
            }

            if (_passed.TryGetValue(parameter, out var cached))
            {
                return cached;
            }

            var outerIncomplete = t_incomplete;
            t_incomplete = false;
            var result = FindPassed(method, parameter, model, reference.Syntax.SyntaxTree, cancellationToken);
            if (!t_incomplete)
            {
                _passed.TryAdd(parameter, result);
            }

            t_incomplete |= outerIncomplete;
            return result;
        }

        private Passed FindPassed(IMethodSymbol method, IParameterSymbol parameter, SemanticModel model, SyntaxTree tree, CancellationToken cancellationToken)
            => FindPassed(method, parameter, model, tree, null, cancellationToken);

        /// <summary>What the callers pass for a parameter, or with <paramref name="member"/>, for that member of the object passed.</summary>
        private Passed FindPassed(IMethodSymbol method, IParameterSymbol parameter, SemanticModel model, SyntaxTree tree, ISymbol? member, CancellationToken cancellationToken)
        {
            var callers = 0;
            var allGuarded = true;
            var original = method.OriginalDefinition;
            foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
            {
                if (!(node is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax syntax) || CalledName(syntax.Expression) != method.Name)
                {
                    continue;
                }

                if (!(model.GetOperation(syntax, cancellationToken) is IInvocationOperation call)
                    || !SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, original))
                {
                    continue;
                }

                IArgumentOperation? argument = null;
                foreach (var a in call.Arguments)
                {
                    if (a.Parameter is not null && a.Parameter.Ordinal == parameter.Ordinal)
                    {
                        argument = a;
                    }
                }

                if (argument is null || argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    continue;
                }

                callers++;
                var body = Collections.BodyOf(call);
                if (IsComparedInBody(argument.Value, body))
                {
                    // if (p[i] > 0) h -= p[i] * Log2(p[i]): the caller guards the value.
                    continue;
                }

                var source = member is null ? Classify(argument.Value, body, 1, allowParameters: false, cancellationToken)
                    : IsSoftmaxMemberOfReturned(argument.Value, member, cancellationToken) ? ProbabilitySource.Softmax : ProbabilitySource.None;
                if (source == ProbabilitySource.Softmax || source == ProbabilitySource.Sigmoid)
                {
                    var enclosing = model.GetEnclosingSymbol(syntax.SpanStart, cancellationToken);
                    var name = enclosing is null || enclosing.Name.StartsWith("<", System.StringComparison.Ordinal) ? "top-level code" : enclosing.Name;
                    return new Passed(source, name, allGuarded: false);
                }

                allGuarded &= IsGuarded(argument.Value, body, 0);
            }

            return new Passed(ProbabilitySource.None, null, callers > 0 && allGuarded);
        }

        private static IMethodSymbol ContainingMember(IMethodSymbol method)
        {
            var m = method;
            while (m.MethodKind == MethodKind.AnonymousFunction && m.ContainingSymbol is IMethodSymbol outer)
            {
                m = outer;
            }

            return m;
        }

        private static string? CalledName(Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax expression)
        {
            switch (expression)
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax simple:
                    return simple.Identifier.ValueText;
                case Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access:
                    return access.Name.Identifier.ValueText;
                case Microsoft.CodeAnalysis.CSharp.Syntax.MemberBindingExpressionSyntax binding:
                    return binding.Name.Identifier.ValueText;
                default:
                    return null;
            }
        }

        /// <summary>True for a value clamped or shifted before it is passed: <c>Math.Max(p, eps)</c>, a local that holds one, <c>Select(v =&gt; Math.Max(v, eps))</c>.</summary>
        private static bool IsGuarded(IOperation value, IOperation body, int depth)
        {
            var op = Collections.Strip(value);
            if (depth > 3)
            {
                return false;
            }

            if (IsGuardValue(op))
            {
                return true;
            }

            switch (op)
            {
                case ILocalReferenceOperation local:
                    {
                        var writes = 0;
                        foreach (var candidate in BodyOperations.Shared(body).OfKind(s_guardWrites))
                        {
                            IOperation? written = null;
                            if (candidate is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local))
                            {
                                written = declarator.Initializer?.Value;
                            }
                            else if (candidate is ISimpleAssignmentOperation assignment && IsStorageOf(assignment.Target, local.Local))
                            {
                                written = assignment.Value;
                            }
                            else if (candidate is IInvocationOperation call && IsInPlaceGuard(call, local.Local))
                            {
                                return true;
                            }

                            if (written is null)
                            {
                                continue;
                            }

                            writes++;
                            if (!IsGuarded(written, body, depth + 1))
                            {
                                return false;
                            }
                        }

                        return writes > 0;
                    }

                case IInvocationOperation call when Collections.Receiver(call) is { } receiver:
                    {
                        var name = call.TargetMethod.Name;
                        if (s_viewMethods.Contains(name))
                        {
                            return IsGuarded(receiver, body, depth + 1);
                        }

                        if (name == "Map" || name == "Select")
                        {
                            foreach (var argument in Collections.ArgumentsAfterReceiver(call))
                            {
                                var lambda = Collections.LambdaArgument(argument.Value);
                                var returned = lambda is null ? null : Collections.ReturnedValue(lambda);
                                return returned is not null && IsGuardValue(returned);
                            }
                        }

                        return false;
                    }

                default:
                    return false;
            }
        }

        /// <summary>
        /// A field or property the type writes only with softmax/sigmoid outputs (<c>_output = Softmax(z)</c> in
        /// <c>Forward</c>, read by <c>Loss</c>); writes in the declaring file are read, array allocations ignored.
        /// </summary>
        private ProbabilitySource ClassifyMember(ISymbol member, IOperation reference, int depth, CancellationToken cancellationToken)
        {
            if (member.ContainingType is not { } type || type.DeclaringSyntaxReferences.Length == 0 || reference.SemanticModel is not { } model)
            {
                return ProbabilitySource.None;
            }

            if (_members.TryGetValue(member, out var cached))
            {
                return cached;
            }

            var outerIncomplete = t_incomplete;
            t_incomplete = false;
            var result = ProbabilitySource.None;
            var tree = reference.Syntax.SyntaxTree;
            foreach (var declaration in type.DeclaringSyntaxReferences)
            {
                if (declaration.SyntaxTree != tree)
                {
                    continue;
                }

                foreach (var node in declaration.GetSyntax(cancellationToken).DescendantNodes())
                {
                    // Cheap syntactic filter first: only nodes that name the member are bound.
                    var named = node is Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax assignmentSyntax
                        ? Mentions(assignmentSyntax.Left, member.Name)
                        : node is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax && Mentions(node, member.Name);
                    if (!named)
                    {
                        continue;
                    }

                    var op = model.GetOperation(node, cancellationToken);
                    IOperation? written = null;
                    switch (op)
                    {
                        case ISimpleAssignmentOperation assignment when IsStorageOf(assignment.Target, member):
                            written = assignment.Value;
                            break;
                        case ICompoundAssignmentOperation compound when IsStorageOf(compound.Target, member):
                            if (compound.OperatorKind == BinaryOperatorKind.Divide && _softmax.IsSoftmaxNormaliser(compound, out _))
                            {
                                result = ProbabilitySource.Softmax;
                                continue;
                            }

                            result = ProbabilitySource.None;
                            goto done;
                        case IInvocationOperation call when IsInPlaceGuard(call, member):
                            result = ProbabilitySource.None;
                            goto done;
                    }

                    if (written is null || Collections.Strip(written) is IArrayCreationOperation)
                    {
                        continue;
                    }

                    var source = Classify(written, Collections.BodyOf(op!), depth + 1, allowParameters: false, cancellationToken);
                    if (source == ProbabilitySource.None)
                    {
                        // Written with something else (or clamped): not known to hold a probability.
                        result = ProbabilitySource.None;
                        goto done;
                    }

                    result = source;
                }
            }

        done:
            if (!t_incomplete)
            {
                _members.TryAdd(member, result);
            }

            t_incomplete |= outerIncomplete;
            return result;
        }

        private static bool Mentions(SyntaxNode node, string name)
        {
            foreach (var token in node.DescendantTokens())
            {
                if (token.ValueText == name)
                {
                    return true;
                }
            }

            return false;
        }

        private enum LossUse
        {
            None,
            Arithmetic,
            Sum,
        }

        /// <summary>
        /// How the value of a log is used: summed (<c>Sum</c>, <c>+=</c>/<c>-=</c>, <c>s = s - …</c>, a matrix product,
        /// <c>RowSums</c>…) — the Σ of a loss; only negated or combined with another value; or returned/stored as is (a
        /// log transform). A local or a result buffer that holds the log is followed once.
        /// </summary>
        private static LossUse UseOfLog(IOperation log, IOperation body, int depth)
        {
            var use = LossUse.None;
            IOperation child = log;
            for (var p = log.Parent; p is not null && p != body; child = p, p = p.Parent)
            {
                switch (p)
                {
                    case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus }:
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Add or BinaryOperatorKind.Subtract }:
                        use = LossUse.Arithmetic;
                        break;
                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound when compound.Value == child:
                        return LossUse.Sum;
                    case IInvocationOperation call when s_summingMethods.Contains(call.TargetMethod.Name):
                        return LossUse.Sum;
                    case IInvocationOperation call when call.TargetMethod.Name == "PointwiseMultiply" || call.TargetMethod.Name == "Negate":
                        use = LossUse.Arithmetic;
                        break;
                    case ISimpleAssignmentOperation assignment when assignment.Value == child
                        && Collections.Strip(assignment.Target) is ILocalReferenceOperation target:
                        // s = s - y * log(p): an accumulation written out.
                        if (use != LossUse.None && ReadsLocal(assignment.Value, target.Local))
                        {
                            return LossUse.Sum;
                        }

                        return depth == 0 ? Max(use, UseThrough(target.Local, body)) : use;
                    case IVariableDeclaratorOperation declarator:
                        return depth == 0 ? Max(use, UseThrough(declarator.Symbol, body)) : use;
                }
            }

            // m.PointwiseLog(buffer) as a statement: the loss reads the buffer.
            if (depth == 0 && use == LossUse.None && log is IInvocationOperation { Arguments: { Length: 1 } arguments }
                && Collections.Root(arguments[0].Value) is { } buffer)
            {
                return UseThrough(buffer, body);
            }

            return use;
        }

        private static LossUse Max(LossUse a, LossUse b) => a > b ? a : b;

        private static LossUse UseThrough(ISymbol storage, IOperation body)
        {
            var use = LossUse.None;
            foreach (var op in BodyOperations.Shared(body).OfKind(s_references))
            {
                if (op is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, storage)
                    || op is IParameterReferenceOperation parameter && SymbolEqualityComparer.Default.Equals(parameter.Parameter, storage))
                {
                    use = Max(use, UseOfLog(op, body, 1));
                    if (use == LossUse.Sum)
                    {
                        return use;
                    }
                }
            }

            return use;
        }

        private static bool ReadsLocal(IOperation value, ILocalSymbol local)
        {
            foreach (var op in BodyOperations.Shared(value).OfKind(OperationKind.LocalReference))
            {
                if (op is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True for <c>1 / (1 + exp(-z))</c>, <c>e / (1 + e)</c> with <c>e = exp(z)</c>, and their MathNet forms; exp is any
        /// exponential <see cref="Exponentials.ExponentOf"/> knows (<c>Math.Pow(Math.E, -z)</c> included).
        /// </summary>
        public bool IsSigmoid(IBinaryOperation divide)
        {
            return SigmoidExponential(divide) is not null;
        }

        /// <summary>The exponential call of a sigmoid (<c>Math.Exp(-z)</c> in <c>1 / (1 + Math.Exp(-z))</c>), or null.</summary>
        private IInvocationOperation? SigmoidExponential(IBinaryOperation divide)
        {
            var denominator = Collections.Strip(divide.RightOperand);
            if (!(denominator is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add))
            {
                return null;
            }

            IOperation? other = IsOne(add.LeftOperand) ? add.RightOperand : IsOne(add.RightOperand) ? add.LeftOperand : null;
            var exponential = other is null ? null : ExponentialValue(other);
            if (exponential is null)
            {
                return null;
            }

            var numerator = Collections.Strip(divide.LeftOperand);
            return IsOne(numerator) || numerator.Syntax.IsEquivalentTo(Collections.Strip(other!).Syntax, topLevel: false) ? exponential : null;
        }

        /// <summary>
        /// The exponent E of a scalar sigmoid, with <paramref name="logitIsNegated"/> telling which logit it is: −E for
        /// <c>1 / (1 + exp(E))</c>, E for <c>e / (1 + e)</c> with <c>e = exp(E)</c>; null when not a sigmoid or not a scalar exponential.
        /// </summary>
        private IOperation? SigmoidLogit(IBinaryOperation divide, out bool logitIsNegated)
        {
            logitIsNegated = IsOne(divide.LeftOperand);
            return SigmoidExponential(divide) is { } call ? _softmax.Exponentials.ExponentOf(call) : null;
        }

        /// <summary>A sigmoid whose logit is clamped where it cannot round to 0 or 1 (<c>1 / (1 + Math.Exp(-Math.Clamp(z, -30, 30)))</c>).</summary>
        private bool IsBoundedSigmoid(IBinaryOperation divide)
        {
            return SigmoidLogit(divide, out var logitIsNegated) is { } exponent && RangeOf(exponent) is { } range
                && IsInsideOpenUnit(logitIsNegated ? Negate(range) : range, divide.Type?.SpecialType == SpecialType.System_Single);
        }

        private IInvocationOperation? ExponentialValue(IOperation operation)
        {
            var op = Collections.Strip(operation);
            if (op is ILocalReferenceOperation local && Shifts.SingleInitializer(local) is { } initializer)
            {
                op = Collections.Strip(initializer);
            }

            return op is IInvocationOperation call
                && (_softmax.Exponentials.ExponentOf(call) is not null
                    || call.TargetMethod.Name == "PointwiseExp" && call.Instance is not null && _symbols.IsMathNetTensor(call.Instance.Type))
                ? call : null;
        }

        private bool ContainsExponential(IOperation operation)
        {
            foreach (var op in BodyOperations.Shared(operation).OfKind(s_exponentialSigns))
            {
                if (op is IInvocationOperation call && (call.TargetMethod.Name == "PointwiseExp" || _softmax.Exponentials.ExponentOf(call) is not null))
                {
                    return true;
                }

                if (op is ILocalReferenceOperation || op is IParameterReferenceOperation || op is IFieldReferenceOperation)
                {
                    // z / s with z = exp(x) computed earlier: the softmax oracle will look at the whole body.
                    return true;
                }
            }

            return false;
        }

        private bool ContainsExponentialIn(IOperation body)
        {
            foreach (var op in BodyOperations.Shared(body).OfKind(OperationKind.Invocation))
            {
                if (op is IInvocationOperation call && _softmax.Exponentials.Match(call) is not null)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The prediction parameter of a loss/cost/cross-entropy method of NN code.</summary>
        private bool IsLossPrediction(IParameterSymbol parameter)
        {
            if (!(parameter.ContainingSymbol is IMethodSymbol method)
                || parameter.RefKind == RefKind.Out
                || !(Collections.IsNumber(parameter.Type) || Collections.IsNumber(Collections.ElementTypeOf(parameter.Type))
                     || _symbols.IsMathNetTensor(parameter.Type) || IsJaggedNumbers(parameter.Type)))
            {
                return false;
            }

            // The method's name is not required: UnguardedProbability checks that the log is summed into a loss (UseOfLog).
            if (!IsPredictionName(parameter.Name))
            {
                return false;
            }

            return _context.Contains(method);
        }

        private static bool IsPredictionName(string name)
        {
            // "y" alone is the target; "yHat", "y_pred", "predY", "p", "probs" are predictions.
            return IdentifierWords.ContainsAny(name, s_predictionWords);
        }

        private bool CanHoldProbabilities(ITypeSymbol type)
        {
            return Collections.IsNumber(type) || Collections.IsNumber(Collections.ElementTypeOf(type))
                || _symbols.IsMathNetTensor(type) || IsJaggedNumbers(type);
        }

        private static bool IsJaggedNumbers(ITypeSymbol type)
        {
            return type is IArrayTypeSymbol { ElementType: IArrayTypeSymbol inner } && Collections.IsNumber(inner.ElementType);
        }

        /// <summary>True when a parameter is written or clamped in place in the body (then its value at the log is unknown).</summary>
        private static bool IsRewritten(IParameterSymbol parameter, IOperation body)
        {
            foreach (var op in BodyOperations.Shared(body).OfKind(s_rewrites))
            {
                switch (op)
                {
                    case ISimpleAssignmentOperation assignment when IsStorageOf(assignment.Target, parameter):
                        return true;
                    case ICompoundAssignmentOperation compound when IsStorageOf(compound.Target, parameter):
                        return true;
                    case IInvocationOperation call when IsInPlaceGuard(call, parameter):
                        return true;
                }
            }

            return false;
        }

        private static bool IsStorageOf(IOperation target, ISymbol symbol)
        {
            var op = Collections.Strip(target);
            while (true)
            {
                switch (op)
                {
                    case IArrayElementReferenceOperation element:
                        op = Collections.Strip(element.ArrayReference);
                        continue;
                    case IPropertyReferenceOperation { Property: { IsIndexer: true }, Instance: { } instance }:
                        op = Collections.Strip(instance);
                        continue;
                    case ILocalReferenceOperation local:
                        return SymbolEqualityComparer.Default.Equals(local.Local, symbol);
                    case IParameterReferenceOperation parameter:
                        return SymbolEqualityComparer.Default.Equals(parameter.Parameter, symbol);
                    case IFieldReferenceOperation field:
                        return SymbolEqualityComparer.Default.Equals(field.Field, symbol);
                    case IPropertyReferenceOperation property:
                        return SymbolEqualityComparer.Default.Equals(property.Property, symbol);
                    default:
                        return false;
                }
            }
        }

        /// <summary><c>p.MapInplace(…)</c>, <c>p.PointwiseMaximum(eps, p)</c>, <c>p.Clamp…</c>: the storage is rewritten in place.</summary>
        private static bool IsInPlaceGuard(IInvocationOperation call, ISymbol symbol)
        {
            var name = call.TargetMethod.Name;
            var inPlace = name.EndsWith("Inplace", System.StringComparison.Ordinal) || name.EndsWith("InPlace", System.StringComparison.Ordinal)
                || ((name == "PointwiseMaximum" || name == "PointwiseMinimum") && call.Arguments.Length == 2)
                || name == "Clamp" && call.Instance is not null;
            if (!inPlace)
            {
                return false;
            }

            if (call.Instance is not null && IsStorageOf(call.Instance, symbol))
            {
                return true;
            }

            foreach (var argument in call.Arguments)
            {
                if (IsStorageOf(argument.Value, symbol))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A value that clamps or replaces a probability: a constant, <c>Math.Max</c>/<c>Min</c>/<c>Clamp</c>, <c>x + eps</c>.</summary>
        private static bool IsGuardValue(IOperation value)
        {
            var op = Collections.Strip(value);
            if (op.ConstantValue.HasValue || RandomSign.TryConstant(op, out _))
            {
                return true;
            }

            switch (op)
            {
                case IInvocationOperation call:
                    {
                        var name = call.TargetMethod.Name;
                        return name == "Max" || name == "Min" || name == "Clamp" || name == "PointwiseMaximum" || name == "PointwiseMinimum"
                            || name == "Clip";
                    }

                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add:
                    return RandomSign.TryConstant(add.LeftOperand, out _) || RandomSign.TryConstant(add.RightOperand, out _);
                case IConditionalOperation _:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>
        /// True when the logged value is checked against 0 somewhere in the body (<c>if (p[i] &lt;= 0)</c>,
        /// <c>p &gt; 0 ? Math.Log(p) : 0</c>, <c>q &gt; eps</c>), or, for a complement <c>1 - p</c>, <c>p</c> against 1.
        /// A threshold (<c>a &gt;= 0.5</c> for an accuracy) is not a guard.
        /// </summary>
        private static bool IsComparedInBody(IOperation value, IOperation body)
        {
            var target = Collections.Strip(value);
            if (target.Syntax is null)
            {
                return false;
            }

            IOperation? complemented = null;
            if (target is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } complement && IsOne(complement.LeftOperand))
            {
                complemented = Collections.Strip(complement.RightOperand);
            }

            foreach (var op in BodyOperations.Shared(body).OfKind(OperationKind.Binary))
            {
                if (!(op is IBinaryOperation binary) || !IsComparison(binary.OperatorKind))
                {
                    continue;
                }

                if (Same(binary.LeftOperand, target) && IsZeroBound(binary.RightOperand)
                    || Same(binary.RightOperand, target) && IsZeroBound(binary.LeftOperand))
                {
                    return true;
                }

                if (complemented is not null
                    && (Same(binary.LeftOperand, complemented) && IsOneBound(binary.RightOperand)
                        || Same(binary.RightOperand, complemented) && IsOneBound(binary.LeftOperand)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A bound a guard compares a probability with: 0 or a small epsilon, or a value not known (a parameter, a field).</summary>
        private static bool IsZeroBound(IOperation bound)
        {
            var value = BoundValue(bound);
            return value is null || System.Math.Abs(value.Value) <= 1e-3;
        }

        private static bool IsOneBound(IOperation bound)
        {
            var value = BoundValue(bound);
            return value is null || value.Value >= 1 - 1e-3;
        }

        /// <summary>The constant a comparison bound has (a literal, a constant, a local with one constant initializer), or null.</summary>
        private static double? BoundValue(IOperation bound)
        {
            var op = Collections.Strip(bound);
            if (op is ILocalReferenceOperation local && Shifts.SingleInitializer(local) is { } initializer)
            {
                op = Collections.Strip(initializer);
            }

            return RandomSign.TryConstant(op, out var value) ? value : null;
        }

        private static bool Same(IOperation operand, IOperation target)
        {
            return Collections.Strip(operand).Syntax.IsEquivalentTo(target.Syntax, topLevel: false);
        }

        private static bool IsComparison(BinaryOperatorKind kind)
        {
            return kind == BinaryOperatorKind.LessThan || kind == BinaryOperatorKind.LessThanOrEqual
                || kind == BinaryOperatorKind.GreaterThan || kind == BinaryOperatorKind.GreaterThanOrEqual
                || kind == BinaryOperatorKind.Equals || kind == BinaryOperatorKind.NotEquals;
        }

        private static bool IsInNestedFunction(IOperation operation, IOperation body)
        {
            for (var p = operation.Parent; p is not null && p != body; p = p.Parent)
            {
                if (p is IAnonymousFunctionOperation || p is ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsOne(IOperation operation)
            => RandomSign.TryConstant(Collections.Strip(operation), out var value) && value == 1;

        private bool IsMath(INamedTypeSymbol? type)
        {
            return _symbols.IsMathType(type);
        }

        private bool IsSingleTensor(ITypeSymbol? type)
        {
            for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                if (t.IsGenericType && t.TypeArguments.Length == 1
                    && (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, _symbols.MatrixOfT)
                        || SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, _symbols.VectorOfT)))
                {
                    return t.TypeArguments[0].SpecialType == SpecialType.System_Single;
                }
            }

            return false;
        }

        private static bool IsLibraryActivations(INamedTypeSymbol? type)
        {
            return type is not null && type.Name == "Activations"
                && Namespaces.Is(type.ContainingNamespace, "NnAnalyzers.Network");
        }
    }
}
