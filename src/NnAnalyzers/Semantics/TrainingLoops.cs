using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>How sure we are that a training loop updates nothing.</summary>
    public enum UpdateEvidence
    {
        /// <summary>Something in the loop writes a weight or bias (directly or through a method that does).</summary>
        Updates,

        /// <summary>Nothing writes a parameter, but a call we cannot see through may (a method writing unrecognised state, a call without a body).</summary>
        Unknown,

        /// <summary>Every call is seen through and none writes a parameter.</summary>
        None,
    }

    /// <summary>
    /// The training-loop questions of NN0006: "is this loop a training loop?" (a loop over epochs/iterations/batches,
    /// or any loop of a method named Train/Fit/Learn, not in an evaluation/loss/check/gradient method, that runs a forward
    /// pass and computes a loss), "does it show the intent to train?" (gradients computed in it — see
    /// <see cref="DescribeGradients"/> — or epochs repeated in a training method), "does this loop write a parameter?"
    /// (an assignment to a weight or bias per <see cref="NetworkParameters"/> that is not a snapshot nor a write into a
    /// local copy that is thrown away, a step along a
    /// gradient into any storage, an in-place MathNet call, a ref/destination argument, or a call to a method of this
    /// compilation that does — transitively, cached per method, through the implementations and overrides the
    /// compilation declares for interface/virtual calls, and through the lambdas and method groups a delegate is bound to
    /// where visible —, an optimizer's Step/Update, a trainer's Fit), and "which gradients are computed in it?" (calls for
    /// which <see cref="GradientFlow.ReturnsUnappliedGradients"/> holds). One instance per compilation.
    /// </summary>
    public sealed class TrainingLoops
    {
        // The operations the walks of a body have cases for (read off the body's list by kind: the others are never type-tested).
        private static readonly KindSet s_writesOrCalls = KindSet.Of(
            OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.CoalesceAssignment, OperationKind.DeconstructionAssignment,
            OperationKind.Increment, OperationKind.Decrement, OperationKind.Invocation);
        private static readonly KindSet s_gradientSigns = KindSet.Of(
            OperationKind.Invocation, OperationKind.VariableDeclarator, OperationKind.SimpleAssignment, OperationKind.CompoundAssignment);
        private static readonly KindSet s_localWrites = KindSet.Of(OperationKind.VariableDeclarator, OperationKind.SimpleAssignment);
        private static readonly KindSet s_localUses = KindSet.Of(OperationKind.VariableDeclarator, OperationKind.LocalReference);
        private static readonly KindSet s_returns = KindSet.Of(OperationKind.Return, OperationKind.YieldReturn);
        private static readonly KindSet s_shapeSigns = KindSet.Of(
            OperationKind.Invocation, OperationKind.MethodReference, OperationKind.Binary, OperationKind.CompoundAssignment,
            OperationKind.SimpleAssignment, OperationKind.VariableDeclarator);
        private static readonly KindSet s_calls = KindSet.Of(OperationKind.Invocation, OperationKind.MethodReference);
        // The operations that name something a loop header reads.
        private static readonly KindSet s_namedReferences = KindSet.Of(
            OperationKind.LocalReference, OperationKind.ParameterReference, OperationKind.FieldReference,
            OperationKind.PropertyReference, OperationKind.Invocation);

        private static readonly WordSet s_loopWords = IdentifierWords.Set(
            "epoch", "epochs", "iteration", "iterations", "iter", "iters", "batch", "batches", "minibatch", "minibatches",
            "sample", "samples");

        // The words of a loop that repeats the training (as opposed to one pass over the data: batches, samples).
        private static readonly WordSet s_repeatWords = IdentifierWords.Set(
            "epoch", "epochs", "iteration", "iterations", "iter", "iters");

        private static readonly WordSet s_trainingMethodWords = IdentifierWords.Set(
            "train", "training", "fit", "learn", "learning");

        private static readonly WordSet s_evaluationMethodWords = IdentifierWords.Set(
            "evaluate", "evaluation", "eval", "test", "tests", "validate", "validation", "predict", "prediction", "predictions",
            "score", "accuracy", "infer", "inference", "benchmark", "measure", "loss", "cost", "error", "errors",
            "check", "checks", "verify", "verification");

        private static readonly WordSet s_forwardWords = IdentifierWords.Set(
            "forward", "feedforward", "predict", "inference", "infer");

        private static readonly WordSet s_backwardWords = IdentifierWords.Set("back", "backward");

        // err: the residual an SGD step is made of (double err = Predict(x) - y), the loss's own derivative; rmse, sse, mae:
        // the error measures a regression reports. Not sq, diff, delta: a square, a difference, a gradient of anything.
        private static readonly WordSet s_lossWords = IdentifierWords.Set(
            "loss", "losses", "cost", "costs", "error", "errors", "err", "crossentropy", "entropy", "mse", "rmse", "sse", "mae", "nll", "logloss");

        private static readonly WordSet s_optimizerStateWords = IdentifierWords.Set(
            "velocity", "velocities", "momentum", "moment", "moments", "cache", "accumulator", "sum", "total", "loss", "cost",
            "error", "errors", "count", "m", "v");

        // The state an optimizer keeps between steps (a momentum's velocity, Adam's moments, AdaGrad's cache).
        private static readonly WordSet s_stepStateWords = IdentifierWords.Set(
            "velocity", "velocities", "momentum", "moment", "moments", "cache", "accumulator", "m", "v");

        private static readonly WordSet s_updateCallWords = IdentifierWords.Set(
            "update", "updates", "step", "fit", "train", "optimize", "optimise", "minimize", "minimise", "learn", "descend", "descent");

        // ApplyGradients, ApplyDeltas: "apply" with a word starting like gradients or deltas.
        private static readonly WordSet s_apply = IdentifierWords.Set("apply");

        private readonly NnSemantics _semantics;
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _updates =
            new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<IMethodSymbol, bool> _forward =
            new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<ISymbol, bool> _delegateParameters =
            new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _heldByNetworks =
            new ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<ISymbol, bool> _typesWithParameters =
            new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<ISymbol, bool> _implementationsUpdate =
            new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);

        private List<INamedTypeSymbol>? _sourceTypes;

        /// <summary>Creates the oracle of one compilation.</summary>
        public TrainingLoops(NnSemantics semantics)
        {
            _semantics = semantics;
        }

        private GradientFlow Flow => _semantics.GradientFlow;

        // ---------------------------------------------------------------- the method

        /// <summary>
        /// True when loops of <paramref name="method"/> may be training loops: NN code, and not named like an evaluation,
        /// a loss or a gradient computation (Evaluate, Test, Validate, Predict, ComputeLoss, Backward…).
        /// </summary>
        public bool MayHoldTrainingLoops(ISymbol? method)
        {
            if (method is not IMethodSymbol m || !_semantics.Context.Contains(m))
            {
                return false;
            }

            if (m.MethodKind == MethodKind.Ordinary || m.MethodKind == MethodKind.LocalFunction)
            {
                if (IdentifierWords.ContainsAny(m.Name, s_evaluationMethodWords) || GradientFlow.HasGradientMethodName(m.Name))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>True when a method's name says it trains (Train, Fit, Learn, TrainNetwork…).</summary>
        public static bool HasTrainingName(ISymbol? method) => method is not null && IdentifierWords.ContainsAny(method.Name, s_trainingMethodWords);

        // ---------------------------------------------------------------- the loop

        /// <summary>True when the loop's header (bounds, condition, collection, loop variables) names epochs, iterations, batches or samples.</summary>
        public static bool HasEpochHeader(ILoopOperation loop) => HeaderNames(loop, s_loopWords);

        /// <summary>True when the loop's header names epochs or iterations: a loop that repeats passes over the data.</summary>
        public static bool HasRepeatHeader(ILoopOperation loop) => HeaderNames(loop, s_repeatWords);

        private static bool HeaderNames(ILoopOperation loop, WordSet words)
        {
            foreach (var local in loop.Locals)
            {
                if (IdentifierWords.ContainsAny(local.Name, words))
                {
                    return true;
                }
            }

            IOperation? header = loop switch
            {
                IForLoopOperation f => f.Condition,
                IWhileLoopOperation w => w.Condition,
                IForEachLoopOperation e => e.Collection,
                _ => null,
            };

            if (header is null)
            {
                return false;
            }

            // The header's names, read off the body's list (no iterator; the other operations are never type-tested).
            var named = BodyOperations.Shared(header).OfKind(s_namedReferences);
            while (named.MoveNext())
            {
                var op = named.Current;
                var name = named.CurrentKind switch
                {
                    OperationKind.LocalReference when op is ILocalReferenceOperation l => l.Local.Name,
                    OperationKind.ParameterReference when op is IParameterReferenceOperation p => p.Parameter.Name,
                    OperationKind.FieldReference when op is IFieldReferenceOperation f => f.Field.Name,
                    OperationKind.PropertyReference when op is IPropertyReferenceOperation p => p.Property.Name,
                    OperationKind.Invocation when op is IInvocationOperation i => i.TargetMethod.Name,
                    _ => null,
                };
                if (name is not null && IdentifierWords.ContainsAny(name, words))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The forward pass and the loss a loop runs (null when it runs either not).</summary>
        public TrainingLoopShape? Shape(ILoopOperation loop, CancellationToken cancellationToken)
        {
            IOperation? forward = null;
            IOperation? loss = null;
            foreach (var op in BodyOperations.Shared(loop.Body).WithoutFirst().OfKind(s_shapeSigns))
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (op)
                {
                    case IInvocationOperation invocation:
                        var name = invocation.TargetMethod.Name;
                        if (forward is null && IsForwardName(name))
                        {
                            forward = invocation;
                        }

                        if (loss is null && (IdentifierWords.ContainsAny(name, s_lossWords)
                            || invocation.TargetMethod.ContainingType is { } lossType && IdentifierWords.ContainsAny(lossType.Name, s_lossWords)))
                        {
                            loss = invocation;
                        }

                        break;
                    case IMethodReferenceOperation reference:
                        // xs.Select(Forward), preds.Zip(ys, Loss): the method handed as a function runs on every element.
                        if (forward is null && IsForwardName(reference.Method.Name))
                        {
                            forward = reference;
                        }

                        if (loss is null && IdentifierWords.ContainsAny(reference.Method.Name, s_lossWords))
                        {
                            loss = reference;
                        }

                        break;
                    case IBinaryOperation binary when forward is null && IsWeightProduct(binary):
                        forward = binary;
                        break;
                    case ICompoundAssignmentOperation compound when loss is null && IsLossStorage(compound.Target):
                        loss = compound;
                        break;
                    case ISimpleAssignmentOperation assignment when loss is null && IsLossStorage(assignment.Target):
                        loss = assignment;
                        break;
                    case IVariableDeclaratorOperation declarator when loss is null && declarator.GetVariableInitializer() is not null
                        && IdentifierWords.ContainsAny(declarator.Symbol.Name, s_lossWords):
                        loss = declarator;
                        break;
                }
            }

            if (loss is not null && forward is null)
            {
                // The costly question last: a call to a method of this compilation that multiplies by a weight.
                foreach (var op in BodyOperations.Shared(loop.Body).WithoutFirst().OfKind(s_calls))
                {
                    var method = op switch
                    {
                        IInvocationOperation invocation => invocation.TargetMethod,
                        IMethodReferenceOperation reference => reference.Method,
                        _ => null,
                    };
                    if (method is not null && IsForwardMethod(method, cancellationToken))
                    {
                        forward = op;
                        break;
                    }
                }
            }

            return forward is null || loss is null ? null : new TrainingLoopShape(forward, loss);
        }

        private static bool IsForwardName(string name)
        {
            return !IdentifierWords.ContainsAny(name, s_backwardWords) && IdentifierWords.ContainsAny(name, s_forwardWords);
        }

        private static bool IsLossStorage(IOperation target)
        {
            var storage = NetworkParameters.StorageOf(target);
            return storage is ILocalSymbol or IFieldSymbol or IPropertySymbol && IdentifierWords.ContainsAny(storage.Name, s_lossWords);
        }

        /// <summary>A product with a weight as one factor: <c>W * a</c>, <c>w[i, j] * x[j]</c>, <c>weights[l] * input</c>.</summary>
        private bool IsWeightProduct(IBinaryOperation binary)
        {
            if (binary.OperatorKind != BinaryOperatorKind.Multiply)
            {
                return false;
            }

            return IsWeight(binary.LeftOperand) || IsWeight(binary.RightOperand);
        }

        private bool IsWeight(IOperation operand)
        {
            var storage = NetworkParameters.StorageOf(Operations.WithoutConversions(operand));
            if (storage is null)
            {
                return false;
            }

            var kind = _semantics.Parameters.Classify(storage);
            return kind == ParameterKind.Weight || kind == ParameterKind.None && IsWeightOfHeldElement(storage);
        }

        /// <summary>
        /// True when <paramref name="storage"/> is a field or property named like a weight (<c>Connection.Weight</c>,
        /// <c>Link.Strength</c>) of a type of the compilation whose values an NN type holds — as the type or the element
        /// type of one of its fields or properties (a neuron's <c>Connection[] Inputs</c>, a layer's
        /// <c>List&lt;Edge&gt;</c>): the connection is part of the network even where its own declaration shows no sign.
        /// </summary>
        private bool IsWeightOfHeldElement(ISymbol storage)
        {
            if (storage is not (IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false }) || storage.ContainingType is not { } owner
                || owner.DeclaringSyntaxReferences.IsEmpty
                || _semantics.Parameters.Classify(storage, requireNnContext: false) != ParameterKind.Weight)
            {
                return false;
            }

            return Answers.Get(_heldByNetworks, owner, this, static (type, loops) => loops.IsHeldByNetwork(type));
        }

        // Whether an NN type of the compilation has a field or property of this type, an array or a collection of it
        // (the compilation's types listed once; the answer kept per type).
        private bool IsHeldByNetwork(INamedTypeSymbol type)
        {
            foreach (var holder in SourceTypes())
            {
                if (SymbolEqualityComparer.Default.Equals(holder, type) || !_semantics.Context.Contains(holder))
                {
                    continue;
                }

                foreach (var member in holder.GetMembers())
                {
                    var held = member switch
                    {
                        IFieldSymbol field => field.Type,
                        IPropertySymbol property => property.Type,
                        _ => null,
                    };
                    while (held is IArrayTypeSymbol array)
                    {
                        held = array.ElementType;
                    }

                    if (held is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } collection
                        && Namespaces.IsWithin(collection.ContainingNamespace, "System.Collections"))
                    {
                        held = collection.TypeArguments[0];
                    }

                    if (SymbolEqualityComparer.Default.Equals(held?.OriginalDefinition, type.OriginalDefinition))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>True when a method of this compilation computes a product with a weight (a forward pass by another name), cached.</summary>
        private bool IsForwardMethod(IMethodSymbol method, CancellationToken cancellationToken)
        {
            method = method.OriginalDefinition;
            if (!GradientFlow.HasSourceBody(method) || GradientFlow.HasGradientMethodName(method.Name))
            {
                return false;
            }

            if (_forward.TryGetValue(method, out var known))
            {
                return known;
            }

            var result = false;
            var body = Flow.GetBody(method, cancellationToken);
            if (body is not null)
            {
                foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(OperationKind.Binary))
                {
                    if (op is IBinaryOperation binary && IsWeightProduct(binary))
                    {
                        result = true;
                        break;
                    }
                }
            }

            _forward.TryAdd(method, result);
            return result;
        }

        // ---------------------------------------------------------------- updates

        /// <summary>
        /// Whether anything in <paramref name="loop"/> writes a weight or bias — or, for a loop that makes one pass over
        /// the data (no epoch or iteration in its header nor in a loop nested in it), the code that runs after it in the
        /// same body: a mini-batch loop that accumulates the gradients per sample (<c>layer.Accumulate(x, delta)</c>) is
        /// the first half of a step whose update follows the loop (<c>layer.Apply(lr)</c>).
        /// </summary>
        public UpdateEvidence Updates(ILoopOperation loop, CancellationToken cancellationToken)
        {
            var evidence = UpdatesIn(loop, cancellationToken);
            return evidence != UpdateEvidence.Updates && !RepeatsPasses(loop) && UpdatesAfter(loop, cancellationToken)
                ? UpdateEvidence.Updates
                : evidence;
        }

        /// <summary>True when the loop, or a loop nested in it, repeats passes over the data: its header names epochs or iterations.</summary>
        public static bool RepeatsPasses(ILoopOperation loop)
        {
            if (HasRepeatHeader(loop))
            {
                return true;
            }

            foreach (var op in BodyOperations.Shared(loop.Body).OfKind(OperationKind.Loop))
            {
                if (op is ILoopOperation inner && HasRepeatHeader(inner))
                {
                    return true;
                }
            }

            return false;
        }

        // Something after the loop writes a parameter: the operations that follow it up to the end of the enclosing loop,
        // lambda, local function or body (the lambdas and local functions declared there do not run there).
        private bool UpdatesAfter(ILoopOperation loop, CancellationToken cancellationToken)
        {
            IOperation scope = loop;
            while (scope.Parent is { } parent)
            {
                scope = parent;
                if (parent is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    break;
                }
            }

            var operations = BodyOperations.Shared(scope);
            var i = 1;
            while (i < operations.Count && !ReferenceEquals(operations[i], loop))
            {
                i++;
            }

            for (i = i < operations.Count ? operations.EndAt(i) : operations.Count; i < operations.Count;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var kind = operations.KindAt(i);
                if (kind is OperationKind.AnonymousFunction or OperationKind.LocalFunction)
                {
                    i = operations.EndAt(i);
                    continue;
                }

                if (s_writesOrCalls.Contains(kind) && Evidence(operations[i], cancellationToken) == UpdateEvidence.Updates)
                {
                    return true;
                }

                i++;
            }

            return false;
        }

        private UpdateEvidence UpdatesIn(ILoopOperation loop, CancellationToken cancellationToken)
        {
            // The direct evidence first (a write of a parameter, an update call by name): it is read off the operation,
            // while a call of a method of ours asks for that method's body, which may have to be bound.
            var operations = BodyOperations.Shared(loop.Body);
            foreach (var op in operations.OfKind(s_writesOrCalls))
            {
                if (WritesParameterDirectly(op) || op is IInvocationOperation call && IsUpdateCallByName(call))
                {
                    return UpdateEvidence.Updates;
                }
            }

            var evidence = UpdateEvidence.None;
            foreach (var op in operations.OfKind(s_writesOrCalls))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var here = Evidence(op, cancellationToken);
                if (here == UpdateEvidence.Updates)
                {
                    return here;
                }

                if (here == UpdateEvidence.Unknown)
                {
                    evidence = UpdateEvidence.Unknown;
                }
            }

            return evidence;
        }

        /// <summary>
        /// True when <paramref name="method"/> (with a body in this compilation) writes a weight or bias, directly or
        /// through the methods it calls (cached; a recursive cycle adds nothing).
        /// </summary>
        public bool UpdatesParameters(IMethodSymbol method, CancellationToken cancellationToken)
            => UpdatesParameters(method.OriginalDefinition, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), cancellationToken);

        private bool UpdatesParameters(IMethodSymbol method, HashSet<IMethodSymbol> visiting, CancellationToken cancellationToken)
        {
            if (_updates.TryGetValue(method, out var known))
            {
                return known;
            }

            if (!visiting.Add(method))
            {
                return false;
            }

            var result = false;
            var body = Flow.GetBody(method, cancellationToken);
            if (body is not null)
            {
                foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(s_writesOrCalls))
                {
                    if (WritesParameterDirectly(op)
                        || op is IInvocationOperation call && (IsUpdateCallByName(call)
                            || GradientFlow.HasSourceBody(call.TargetMethod) && UpdatesParameters(call.TargetMethod.OriginalDefinition, visiting, cancellationToken)
                            || IsDispatched(call.TargetMethod) && AnyImplementationUpdates(call.TargetMethod, visiting, cancellationToken)))
                    {
                        result = true;
                        break;
                    }
                }
            }

            visiting.Remove(method);
            if (result || visiting.Count == 0)
            {
                _updates.TryAdd(method, result);
            }

            return result;
        }

        private UpdateEvidence Evidence(IOperation op, CancellationToken cancellationToken)
        {
            if (WritesParameterDirectly(op))
            {
                return UpdateEvidence.Updates;
            }

            if (op is not IInvocationOperation call)
            {
                return UpdateEvidence.None;
            }

            var target = call.TargetMethod;
            if (IsUpdateCallByName(call))
            {
                return UpdateEvidence.Updates;
            }

            if (target.MethodKind == MethodKind.DelegateInvoke)
            {
                // A callback (afterEpoch, onBatch) observes, unless a function we can see it bound to writes a parameter.
                return DelegateTargetsUpdate(call, cancellationToken) ? UpdateEvidence.Updates : UpdateEvidence.None;
            }

            var dispatched = IsDispatched(target);
            if (dispatched && ImplementationsUpdate(target, cancellationToken))
            {
                // optimizer.Apply(layer) on an interface or an abstract/virtual method: an implementation in this compilation updates.
                return UpdateEvidence.Updates;
            }

            if (GradientFlow.HasSourceBody(target))
            {
                if (UpdatesParameters(target, cancellationToken))
                {
                    return UpdateEvidence.Updates;
                }

                // A method that writes state we do not recognise as a parameter (an oddly named field) may still train,
                // unless it is a method of a type whose parameters we do recognise (a layer's Forward caching its
                // activations, a Backward storing gradients in fields: they write the type's other state).
                return dispatched || Flow.WritesState(target, cancellationToken) && !HasRecognisedParameters(target.ContainingType)
                    ? UpdateEvidence.Unknown
                    : UpdateEvidence.None;
            }

            return IsOpaqueCallThatMayWrite(call) ? UpdateEvidence.Unknown : UpdateEvidence.None;
        }

        // True when a field or property of the type is a weight or bias, or holds elements of a type of ours that has one
        // (a neuron's Synapse[] Inputs whose Weight is known) (cached per type).
        private bool HasRecognisedParameters(INamedTypeSymbol? type)
        {
            if (type is null)
            {
                return false;
            }

            return _typesWithParameters.GetOrAdd(type, t =>
            {
                foreach (var member in ((INamedTypeSymbol)t).GetMembers())
                {
                    if (member is IFieldSymbol { IsImplicitlyDeclared: false } or IPropertySymbol
                        && (_semantics.Parameters.Classify(member) != ParameterKind.None || ElementHasParameters(member, t)))
                    {
                        return true;
                    }
                }

                return false;
            });
        }

        // A field or property holding an element type declared in this compilation (Synapse[], List<Connection>) with a
        // weight or bias among its own fields and properties.
        private bool ElementHasParameters(ISymbol member, ISymbol owner)
        {
            var type = member switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            var element = type switch
            {
                IArrayTypeSymbol array => array.ElementType,
                INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic => generic.TypeArguments[0],
                _ => null,
            };
            if (element is not INamedTypeSymbol elementType || SymbolEqualityComparer.Default.Equals(elementType, owner)
                || elementType.DeclaringSyntaxReferences.IsEmpty)
            {
                return false;
            }

            foreach (var inner in elementType.GetMembers())
            {
                if (inner is IFieldSymbol { IsImplicitlyDeclared: false } or IPropertySymbol && _semantics.Parameters.Classify(inner) != ParameterKind.None)
                {
                    return true;
                }
            }

            return false;
        }

        // ---------------------------------------------------------------- dispatch

        // A call whose target is chosen at run time among implementations the compilation may declare (the BCL's and
        // MathNet's virtual methods are not looked into: user code rarely overrides them to train).
        private static bool IsDispatched(IMethodSymbol method)
            => (method.IsAbstract || method.IsVirtual || method.IsOverride || method.ContainingType?.TypeKind == TypeKind.Interface)
                && !IsFrameworkNamespace(method.ContainingNamespace);

        private static bool IsFrameworkNamespace(INamespaceSymbol? ns)
            => Namespaces.IsWithin(ns, "System") || Namespaces.IsWithin(ns, "MathNet") || Namespaces.IsWithin(ns, "Microsoft");

        // AnyImplementationUpdates from a loop (cached per method: every type of the compilation is visited).
        private bool ImplementationsUpdate(IMethodSymbol method, CancellationToken cancellationToken)
            => _implementationsUpdate.GetOrAdd(method.OriginalDefinition,
                m => AnyImplementationUpdates((IMethodSymbol)m, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), cancellationToken));

        // An implementation of an interface method, or an override of a virtual/abstract one (or the method itself), with
        // a body in this compilation, that writes a parameter.
        private bool AnyImplementationUpdates(IMethodSymbol method, HashSet<IMethodSymbol> visiting, CancellationToken cancellationToken)
        {
            method = method.OriginalDefinition;
            var isInterface = method.ContainingType?.TypeKind == TypeKind.Interface;
            foreach (var type in SourceTypes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (isInterface)
                {
                    if (type.TypeKind != TypeKind.Interface && type.FindImplementationForInterfaceMember(method) is IMethodSymbol implementation
                        && GradientFlow.HasSourceBody(implementation)
                        && UpdatesParameters(implementation.OriginalDefinition, visiting, cancellationToken))
                    {
                        return true;
                    }

                    continue;
                }

                foreach (var member in type.GetMembers(method.Name))
                {
                    if (member is IMethodSymbol candidate && GradientFlow.HasSourceBody(candidate) && Overrides(candidate, method)
                        && UpdatesParameters(candidate.OriginalDefinition, visiting, cancellationToken))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool Overrides(IMethodSymbol candidate, IMethodSymbol method)
        {
            for (var m = candidate; m is not null; m = m.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, method))
                {
                    return true;
                }
            }

            return false;
        }

        // The named types declared in this compilation (nested ones too), collected once, when a dispatched call is met.
        private List<INamedTypeSymbol> SourceTypes()
        {
            var types = _sourceTypes;
            if (types is null)
            {
                types = new List<INamedTypeSymbol>();
                var pending = new Stack<INamespaceOrTypeSymbol>();
                pending.Push(_semantics.Symbols.Compilation.Assembly.GlobalNamespace);
                while (pending.Count > 0)
                {
                    foreach (var member in pending.Pop().GetMembers())
                    {
                        if (member is INamespaceSymbol ns)
                        {
                            pending.Push(ns);
                        }
                        else if (member is INamedTypeSymbol type)
                        {
                            types.Add(type);
                            pending.Push(type);
                        }
                    }
                }

                Interlocked.CompareExchange(ref _sourceTypes, types, null);
                types = _sourceTypes!;
            }

            return types;
        }

        // ---------------------------------------------------------------- delegates

        // A delegate invoked in the loop, bound (where we can see it) to a lambda or a method that writes a parameter: a
        // local initialised or assigned in the same body, or a parameter of the enclosing method given by its callers.
        private bool DelegateTargetsUpdate(IInvocationOperation call, CancellationToken cancellationToken)
        {
            var instance = call.Instance is null ? null : Operations.WithoutConversions(call.Instance);
            if (instance is IConditionalAccessInstanceOperation)
            {
                for (var p = instance.Parent; p is not null; p = p.Parent)
                {
                    if (p is IConditionalAccessOperation access)
                    {
                        instance = Operations.WithoutConversions(access.Operation);
                        break;
                    }
                }
            }

            switch (instance)
            {
                case ILocalReferenceOperation local:
                    foreach (var value in LocalValues(call, local.Local))
                    {
                        if (FunctionUpdates(value, cancellationToken))
                        {
                            return true;
                        }
                    }

                    return false;
                case IParameterReferenceOperation parameter:
                    return _delegateParameters.GetOrAdd(parameter.Parameter, p => ArgumentsUpdate((IParameterSymbol)p, cancellationToken));
                case IFieldReferenceOperation field:
                    return _delegateParameters.GetOrAdd(field.Field, f => MemberValuesUpdate(f, cancellationToken));
                case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                    return _delegateParameters.GetOrAdd(property.Property, f => MemberValuesUpdate(f, cancellationToken));
                default:
                    return false;
            }
        }

        // A delegate field or property (_apply) given, in its type's declarations, a lambda or method group that writes a
        // parameter, or a constructor parameter for which a caller passes one.
        private bool MemberValuesUpdate(ISymbol member, CancellationToken cancellationToken)
        {
            var type = member.ContainingType;
            if (type is null)
            {
                return false;
            }

            var compilation = _semantics.Symbols.Compilation;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax(cancellationToken);
                if (!compilation.ContainsSyntaxTree(declaration.SyntaxTree))
                {
                    continue;
                }

#pragma warning disable RS1030 // Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer
                var model = compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
                foreach (var node in declaration.DescendantNodes())
                {
                    IOperation? value = null;
                    switch (node)
                    {
                        case Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax assignment
                            when NameOf(assignment.Left) == member.Name
                                && model.GetOperation(assignment, cancellationToken) is ISimpleAssignmentOperation simple
                                && NetworkParameters.StorageOf(simple.Target) is { } target && SymbolEqualityComparer.Default.Equals(target, member):
                            value = simple.Value;
                            break;
                        case Microsoft.CodeAnalysis.CSharp.Syntax.EqualsValueClauseSyntax initializer
                            when initializer.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { } declarator && declarator.Identifier.ValueText == member.Name
                                || initializer.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax { } declared && declared.Identifier.ValueText == member.Name:
                            value = (model.GetOperation(initializer, cancellationToken) as ISymbolInitializerOperation)?.Value;
                            break;
                    }

                    if (value is null)
                    {
                        continue;
                    }

                    if (Operations.WithoutConversions(value) is IParameterReferenceOperation parameter
                        ? _delegateParameters.GetOrAdd(parameter.Parameter, p => ArgumentsUpdate((IParameterSymbol)p, cancellationToken))
                        : FunctionUpdates(value, cancellationToken))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static string? NameOf(Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax expression) => expression switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            _ => null,
        };

        private static IEnumerable<IOperation> LocalValues(IOperation inside, ILocalSymbol local)
        {
            var root = inside;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            foreach (var op in BodyOperations.Shared(root).WithoutFirst().OfKind(s_localWrites))
            {
                if (op is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)
                    && declarator.GetVariableInitializer() is { } initializer)
                {
                    yield return initializer.Value;
                }
                else if (op is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                    && SymbolEqualityComparer.Default.Equals(target.Local, local))
                {
                    yield return assignment.Value;
                }
            }
        }

        // The arguments the compilation's callers pass for a delegate parameter (lambdas, method groups) write a parameter.
        private bool ArgumentsUpdate(IParameterSymbol parameter, CancellationToken cancellationToken)
        {
            if (parameter.ContainingSymbol is not IMethodSymbol method || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction or MethodKind.Constructor))
            {
                return false;
            }

            var name = method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name;
            var compilation = _semantics.Symbols.Compilation;
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var root = tree.GetRoot(cancellationToken);
                SemanticModel? model = null;
                foreach (var node in root.DescendantNodes())
                {
                    if (!IsCallNamed(node, name))
                    {
                        continue;
                    }

#pragma warning disable RS1030 // Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer
                    model ??= compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                    if (model.GetOperation(node, cancellationToken) is not { } operation)
                    {
                        continue;
                    }

                    var arguments = operation switch
                    {
                        IInvocationOperation invocation when SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, method.OriginalDefinition) => invocation.Arguments,
                        IObjectCreationOperation creation when SymbolEqualityComparer.Default.Equals(creation.Constructor?.OriginalDefinition, method.OriginalDefinition) => creation.Arguments,
                        _ => default,
                    };
                    if (arguments.IsDefault)
                    {
                        continue;
                    }

                    foreach (var argument in arguments)
                    {
                        if (argument.Parameter is { } p && p.Ordinal == parameter.Ordinal && FunctionUpdates(argument.Value, cancellationToken))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool IsCallNamed(SyntaxNode node, string name)
        {
            switch (node)
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax invocation:
                    var expression = invocation.Expression;
                    if (expression is Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax member)
                    {
                        expression = member.Name;
                    }

                    if (expression is Microsoft.CodeAnalysis.CSharp.Syntax.GenericNameSyntax generic)
                    {
                        return generic.Identifier.ValueText == name;
                    }

                    return expression is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name;
                case Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax creation:
                    return creation.Type is Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax simple && simple.Identifier.ValueText == name;
                default:
                    return false;
            }
        }

        // A lambda whose body writes a parameter, or a method group naming a method that does.
        private bool FunctionUpdates(IOperation value, CancellationToken cancellationToken)
        {
            value = Operations.WithoutConversions(value)!;
            if (value is IDelegateCreationOperation creation)
            {
                value = Operations.WithoutConversions(creation.Target)!;
            }

            switch (value)
            {
                case IAnonymousFunctionOperation lambda:
                    foreach (var op in BodyOperations.Shared(lambda.Body).WithoutFirst())
                    {
                        if (op is not IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } && Evidence(op, cancellationToken) == UpdateEvidence.Updates)
                        {
                            return true;
                        }
                    }

                    return false;
                case IMethodReferenceOperation reference:
                    return GradientFlow.HasSourceBody(reference.Method) && UpdatesParameters(reference.Method, cancellationToken)
                        || IsDispatched(reference.Method) && ImplementationsUpdate(reference.Method, cancellationToken);
                default:
                    return false;
            }
        }

        // A call we cannot see into, outside the BCL, MathNet and our library, handed mutable objects.
        private bool IsOpaqueCallThatMayWrite(IInvocationOperation call)
        {
            var ns = call.TargetMethod.ContainingNamespace;
            if (Namespaces.IsWithin(ns, "System") || Namespaces.IsWithin(ns, "MathNet")
                || _semantics.Symbols.NetworkGradients is { } gradients && SymbolEqualityComparer.Default.Equals(ns, gradients.ContainingNamespace))
            {
                return false;
            }

            if (call.Instance is { Type: { IsReferenceType: true } } && call.Instance is not IInstanceReferenceOperation)
            {
                return true;
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.Value.Type is { IsReferenceType: true, SpecialType: not SpecialType.System_String })
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsUpdateCallByName(IInvocationOperation call)
        {
            var target = call.TargetMethod;
            var name = target.Name;
            if (target.MethodKind == MethodKind.DelegateInvoke)
            {
                var storage = call.Instance is null ? null : NetworkParameters.StorageOf(Operations.WithoutConversions(call.Instance));
                name = storage?.Name ?? string.Empty;
                if (IdentifierWords.ContainsAny(name, s_backwardWords))
                {
                    // A delegate named for the backward pass (micrograd's BackwardStep closure accumulates .Grad): not an
                    // update by its name (what it is bound to is still asked below).
                    return false;
                }
            }
            else if (GradientFlow.HasSourceBody(target))
            {
                // Methods of this compilation are judged by what they do, not by their names.
                return false;
            }

            if (_semantics.Symbols.MatrixOfT is not null && _semantics.Symbols.IsMathNetTensor(target.ContainingType))
            {
                return IsInPlaceOnParameter(call);
            }

            // The words read where they stand (asked for every framework call in a loop: no list of words is made).
            if (IdentifierWords.ContainsAny(name, s_updateCallWords))
            {
                return true;
            }

            // ApplyGradients, ApplyDeltas.
            return IdentifierWords.ContainsAny(name, s_apply) && HasWordStartingWith(name, "grad", "delta");
        }

        // Whether a word of the identifier starts with one of the prefixes (case-insensitive, as the words are read).
        private static bool HasWordStartingWith(string identifier, string prefix1, string prefix2)
        {
            var position = 0;
            while (IdentifierWords.NextWord(identifier, ref position, out var start, out var length))
            {
                if (length >= prefix1.Length && string.Compare(identifier, start, prefix1, 0, prefix1.Length, StringComparison.OrdinalIgnoreCase) == 0
                    || length >= prefix2.Length && string.Compare(identifier, start, prefix2, 0, prefix2.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    return true;
                }
            }

            return false;
        }

        // W.Subtract(dW, W), w[i].MapInplace(...), W.CopyFrom(best): a MathNet call that writes its receiver or result, on a parameter.
        private bool IsInPlaceOnParameter(IInvocationOperation call)
        {
            // The in-place operations return nothing (Subtract(other, result), MapInplace, CopyTo); AsArray, Row, Enumerate,
            // Sum read.
            if (call.Instance is null || !call.TargetMethod.ReturnsVoid || Flow.MathNet.ReturnsNewObject(call.TargetMethod) != MathNetResultKind.None)
            {
                return false;
            }

            if (call.TargetMethod.Name != "CopyTo" && IsWrittenParameter(call.Instance))
            {
                // W.CopyTo(best) writes best, not W.
                return true;
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { Name: "result" or "target" } && IsWrittenParameter(argument.Value))
                {
                    return true;
                }
            }

            return false;
        }

        private bool WritesParameterDirectly(IOperation op)
        {
            switch (op)
            {
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var target in deconstruction.Target.DescendantsAndSelf())
                    {
                        if (target is IFieldReferenceOperation or IPropertyReferenceOperation or IArrayElementReferenceOperation or IParameterReferenceOperation
                            or ILocalReferenceOperation { IsDeclaration: false }
                            && IsWrittenParameter(target))
                        {
                            return true;
                        }
                    }

                    return false;
                case ISimpleAssignmentOperation assignment:
                    // bestWeights = (double[])_weights.Clone(): a snapshot of the parameters, not a step.
                    return IsParameter(assignment.Target)
                        ? !IsCopyOfParameter(assignment.Value) && !LandsInDiscardedCopy(assignment.Target)
                        : IsElementOfAlias(assignment.Target)
                            || IsGradientStep(assignment.Target, assignment.Value) && !LandsInDiscardedCopy(assignment.Target);
                case ICompoundAssignmentOperation compound:
                    return IsParameter(compound.Target)
                        ? !LandsInDiscardedCopy(compound.Target)
                        : IsElementOfAlias(compound.Target)
                            || compound.OperatorKind is BinaryOperatorKind.Subtract or BinaryOperatorKind.Add && IsGradientStep(compound.Target, compound.Value)
                                && !LandsInDiscardedCopy(compound.Target);
                case IAssignmentOperation assignment:
                    return IsWrittenParameter(assignment.Target);
                case IIncrementOrDecrementOperation increment:
                    return IsWrittenParameter(increment.Target);
                case IInvocationOperation invocation when _semantics.Symbols.IsMathNetTensor(invocation.TargetMethod.ContainingType):
                    return IsInPlaceOnParameter(invocation);
                case IInvocationOperation invocation:
                    return WritesParameterArgument(invocation);
                default:
                    return false;
            }
        }

        // p.Data -= lr * p.Grad, theta[i] = theta[i] - alpha * gradient[i]: a step along a gradient (a gradient or a
        // learning rate among the operands) written into storage that is not itself a gradient or optimizer state — a
        // parameter whatever its name (micrograd's Value.Data, a Parameter.Value).
        private bool IsGradientStep(IOperation target, IOperation value)
        {
            var storage = NetworkParameters.StorageOf(Operations.WithoutConversions(target));
            if (storage is null || storage is ILocalSymbol || GradientFlow.IsGradientName(storage.Name) || GradientFlow.IsLearningRateName(storage.Name)
                || IdentifierWords.ContainsAny(storage.Name, s_optimizerStateWords) || !IsNumeric(target.Type))
            {
                return false;
            }

            var stepsAlongGradient = false;
            var readsTarget = false;
            foreach (var op in Operations.WithoutConversions(value)!.DescendantsAndSelf())
            {
                var read = op switch
                {
                    ILocalReferenceOperation l => l.Local,
                    IParameterReferenceOperation p => p.Parameter,
                    IFieldReferenceOperation f => f.Field,
                    IPropertyReferenceOperation p when p.Arguments.Length == 0 => (ISymbol)p.Property,
                    _ => null,
                };
                if (read is null)
                {
                    continue;
                }

                if (SymbolEqualityComparer.Default.Equals(read, storage))
                {
                    readsTarget = true;
                }
                else
                {
                    stepsAlongGradient |= GradientFlow.IsGradientName(read.Name) || GradientFlow.IsLearningRateName(read.Name);
                }
            }

            // A compound assignment reads its target; a simple one must (x = x - lr * g).
            return stepsAlongGradient && (readsTarget || value.Parent is ICompoundAssignmentOperation);
        }

        private bool IsNumeric(ITypeSymbol? type) => type is not null
            && (type.SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Decimal
                || GenericMath.IsNumberTypeParameter(type) || _semantics.Symbols.IsMathNetTensor(type));

        // Descend(ref _bias, g, lr), Array.Copy(next, _weights, n), next.CopyTo(_weights, 0): a parameter handed by
        // reference, or as the destination of a copy.
        private bool WritesParameterArgument(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                var parameter = argument.Parameter;
                if (parameter is null)
                {
                    continue;
                }

                if ((parameter.RefKind is RefKind.Ref or RefKind.Out
                        || !GradientFlow.HasSourceBody(invocation.TargetMethod)
                            && (parameter.Name.StartsWith("dest", StringComparison.OrdinalIgnoreCase) || parameter.Name == "target"))
                    && IsWrittenParameter(argument.Value))
                {
                    return true;
                }
            }

            return false;
        }

        // A copy of a weight or bias: (double[])w.Clone(), w.ToArray(), Matrix.Build.DenseOfMatrix(W), W.Clone().
        private bool IsCopyOfParameter(IOperation value)
        {
            if (Operations.WithoutConversions(value) is not IInvocationOperation call)
            {
                return false;
            }

            switch (call.TargetMethod.Name)
            {
                case "Clone":
                case "Copy":
                case "ToArray":
                case "ToList":
                case "DenseOfMatrix":
                case "DenseOfVector":
                case "DenseOfArray":
                    var source = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
                    return source is not null && IsParameter(source);
                default:
                    return false;
            }
        }

        private bool IsParameter(IOperation target)
        {
            var storage = NetworkParameters.StorageOf(Operations.WithoutConversions(target));
            return storage is not null && _semantics.Parameters.Classify(storage) != ParameterKind.None;
        }

        // A write of a weight or bias (also through a local alias of one), unless it lands in a local copy that is thrown away.
        private bool IsWrittenParameter(IOperation target)
            => IsParameter(target) ? !LandsInDiscardedCopy(target) : IsElementOfAlias(target);

        /// <summary>
        /// True when <paramref name="target"/> is an element of a local that holds a parameter itself, whatever the local
        /// is called: <c>next[i]</c> where <c>var next = Weights;</c> or <c>var row = _weights[o];</c> (an array or matrix
        /// is a reference: the same object) and the local is never assigned anything else; or an iteration variable over
        /// parameters (<see cref="IteratesParameters"/>).
        /// </summary>
        private bool IsElementOfAlias(IOperation target)
        {
            var local = Operations.WithoutConversions(target) switch
            {
                IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation l } => l.Local,
                IPropertyReferenceOperation { Property.IsIndexer: true, Instance: ILocalReferenceOperation l } => l.Local,
                _ => null,
            };
            if (local is null || local.Type.IsValueType)
            {
                return false;
            }

            IOperation top = target;
            while (top.Parent is not null)
            {
                top = top.Parent;
            }

            var alias = false;
            foreach (var op in BodyOperations.Shared(top).OfKind(s_localWrites))
            {
                switch (op)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        alias = declarator.GetVariableInitializer()?.Value is { } value && IsParameterStorage(value);
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } when SymbolEqualityComparer.Default.Equals(assigned.Local, local):
                        return false;
                }
            }

            return alias || IteratesParameters(target, local);
        }

        // The storage of a parameter itself (not a copy): W, this.Weights, a jagged row _weights[o], a list's element.
        private bool IsParameterStorage(IOperation value)
            => Operations.WithoutConversions(value) is IFieldReferenceOperation or IPropertyReferenceOperation or IParameterReferenceOperation
                    or IArrayElementReferenceOperation
                && IsParameter(value);

        /// <summary>
        /// True when <paramref name="local"/> is the iteration variable of a foreach around <paramref name="target"/>
        /// (or an element of its deconstruction, <c>foreach (var (param, grad) in ParamsAndGrads())</c>) over a
        /// collection whose elements are parameters: an array or collection initialised with them
        /// (<c>new[] { _w1, _w2 }</c>, <c>new List&lt;double[]&gt; { … }</c>, directly or through a local), or a method of
        /// this compilation that yields them or returns such a collection (<c>yield return (_weights[o], _gradW[o])</c>).
        /// </summary>
        private bool IteratesParameters(IOperation target, ILocalSymbol local)
        {
            IForEachLoopOperation? loop = null;
            for (var p = target.Parent; p is not null && loop is null; p = p.Parent)
            {
                if (p is IForEachLoopOperation forEach)
                {
                    foreach (var declared in forEach.Locals)
                    {
                        if (SymbolEqualityComparer.Default.Equals(declared, local))
                        {
                            loop = forEach;
                        }
                    }
                }
            }

            if (loop is null)
            {
                return false;
            }

            // -1: the element itself; otherwise its position in the deconstruction.
            var position = -1;
            if (loop.LoopControlVariable is IDeclarationExpressionOperation { Expression: ITupleOperation tuple })
            {
                for (var i = 0; i < tuple.Elements.Length && position < 0; i++)
                {
                    if (tuple.Elements[i] is ILocalReferenceOperation l && SymbolEqualityComparer.Default.Equals(l.Local, local))
                    {
                        position = i;
                    }
                }

                if (position < 0)
                {
                    return false;
                }
            }

            var collection = Operations.WithoutConversions(loop.Collection);
            if (collection is ILocalReferenceOperation source)
            {
                collection = null;
                foreach (var op in BodyOperations.Shared(Collections.BodyOf(loop)).OfKind(s_localWrites))
                {
                    if (op is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, source.Local))
                    {
                        collection = Operations.WithoutConversions(declarator.GetVariableInitializer()?.Value);
                    }
                    else if (op is ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } && SymbolEqualityComparer.Default.Equals(assigned.Local, source.Local))
                    {
                        return false;
                    }
                }
            }

            if (collection is IInvocationOperation call && GradientFlow.HasSourceBody(call.TargetMethod)
                && Flow.GetBody(call.TargetMethod, CancellationToken.None) is { } body)
            {
                foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(s_returns))
                {
                    if (op is IReturnOperation { ReturnedValue: { } returned }
                        && (op.Kind == OperationKind.YieldReturn ? IsParameterElement(returned, position) : HoldsParameters(returned, position)))
                    {
                        return true;
                    }
                }

                return false;
            }

            return collection is not null && HoldsParameters(collection, position);
        }

        // new[] { _w1, _w2 }, new List<double[]> { _w1, _w2 }, new[] { (_w, _gW), (_b, _gB) }: a parameter among the elements.
        private bool HoldsParameters(IOperation collection, int position)
        {
            switch (Operations.WithoutConversions(collection))
            {
                case IArrayCreationOperation { Initializer: { } initializer }:
                    foreach (var element in initializer.ElementValues)
                    {
                        if (IsParameterElement(element, position))
                        {
                            return true;
                        }
                    }

                    return false;
                case IObjectCreationOperation { Initializer: { } initializer }:
                    foreach (var add in initializer.Initializers)
                    {
                        if (add is IInvocationOperation { Arguments.Length: 1 } call && IsParameterElement(call.Arguments[0].Value, position))
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }

        // An element that is a parameter's storage, or at the given position of a tuple: (_weights[o], _gradW[o]).
        private bool IsParameterElement(IOperation element, int position)
        {
            element = Operations.WithoutConversions(element)!;
            return position < 0
                ? IsParameterStorage(element)
                : element is ITupleOperation tuple && position < tuple.Elements.Length && IsParameterStorage(tuple.Elements[position]);
        }

        /// <summary>
        /// True when a write of <paramref name="target"/> lands in a local that holds a copy and whose value never leaves
        /// it: <c>w[i]</c> or <c>w</c> where <c>var w = (double[])Weights.Clone()</c> (a clone is another array), or
        /// <c>c.Weight</c> where <c>var c = Inputs[k]</c> (or <c>var c = syn</c>, a foreach variable or another local)
        /// holds a struct (a value type is copied when read). The local
        /// leaves when it is read as a whole — assigned back (<c>Weights = w</c>, <c>Inputs[k] = c</c>), passed, returned,
        /// reassigned —; only its elements and members may be read. An alias (<c>var w = Weights</c>) is the parameter
        /// itself; a shallow clone's rows (<c>w[i][j]</c>) are the parameter's rows.
        /// </summary>
        private bool LandsInDiscardedCopy(IOperation target)
        {
            ILocalReferenceOperation? reference;
            bool valueCopy;
            var whole = false;
            switch (Operations.WithoutConversions(target))
            {
                case IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } } member:
                    // model with { Weights = next }, new Layer { Weights = w }: a member of the new object, dropped with it.
                    return IsDroppedNewObject(member);
                case ILocalReferenceOperation local when local.Local.Type.IsValueType && !IsSpan(local.Local.Type):
                    // var b = _bias; b -= lr * g: a double (a struct) is copied when read, the write is the local's own.
                    reference = local;
                    valueCopy = true;
                    whole = true;
                    break;
                case ILocalReferenceOperation local:
                    reference = local;
                    valueCopy = false;
                    break;
                case IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation local }:
                    reference = local;
                    valueCopy = false;
                    break;
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: ILocalReferenceOperation local } when !local.Local.Type.IsValueType || IsSpan(local.Local.Type):
                    reference = local;
                    valueCopy = false;
                    break;
                case IFieldReferenceOperation { Instance: ILocalReferenceOperation local } when local.Local.Type.IsValueType:
                    reference = local;
                    valueCopy = true;
                    break;
                case IPropertyReferenceOperation { Instance: ILocalReferenceOperation local } when local.Local.Type.IsValueType:
                    reference = local;
                    valueCopy = true;
                    break;
                default:
                    return false;
            }

            var symbol = reference.Local;
            if (symbol.IsRef || reference.IsDeclaration)
            {
                return false;
            }

            IOperation top = reference;
            while (top.Parent is not null)
            {
                top = top.Parent;
            }

            IOperation? initializer = null;
            var filledFromParameter = false;
            foreach (var op in BodyOperations.Shared(top).OfKind(s_localUses))
            {
                switch (op)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, symbol):
                        initializer = declarator.GetVariableInitializer()?.Value;
                        break;
                    case ILocalReferenceOperation use when !use.IsDeclaration && SymbolEqualityComparer.Default.Equals(use.Local, symbol):
                        if (CopyDestination(use) is { } copy)
                        {
                            // _weights.CopyTo(w), Array.Copy(_weights, w, n): written, not read.
                            filledFromParameter |= copy;
                        }
                        else if (whole ? LeavesValue(use) : LeavesLocal(use))
                        {
                            return false;
                        }

                        break;
                }
            }

            // Only a copy: of a parameter (a clone, or a new buffer the parameter is copied into), or of a struct read from
            // other storage (an element, a field, another local).
            return initializer is not null
                && (valueCopy
                    ? Operations.WithoutConversions(initializer) is IArrayElementReferenceOperation or IPropertyReferenceOperation or IFieldReferenceOperation
                        or ILocalReferenceOperation or IParameterReferenceOperation
                    : IsCopyOfParameter(initializer) || filledFromParameter && IsNewBuffer(initializer));
        }

        private static bool IsSpan(ITypeSymbol type)
            => type is INamedTypeSymbol { Name: "Span", Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

        // new float[n], stackalloc float[n] (as a Span): a buffer of its own.
        private static bool IsNewBuffer(IOperation value)
        {
            var bare = Operations.WithoutConversions(value)!;
            return bare is IArrayCreationOperation
                || bare.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.StackAllocArrayCreationExpressionSyntax
                    or Microsoft.CodeAnalysis.CSharp.Syntax.ImplicitStackAllocArrayCreationExpressionSyntax;
        }

        // The local as the destination of a framework copy (Array.Copy(src, w, n), src.CopyTo(w)): null when it is not;
        // otherwise whether what is copied into it is a parameter.
        private bool? CopyDestination(ILocalReferenceOperation use)
        {
            var value = (IOperation)use;
            while (value.Parent is IConversionOperation conversion)
            {
                value = conversion;
            }

            // The destination is named so (Array.Copy, Span.CopyTo), or is the array an array's CopyTo(array, index) fills.
            if (value.Parent is not IArgumentOperation { Parameter: { } parameter } argument
                || argument.Parent is not IInvocationOperation call || GradientFlow.HasSourceBody(call.TargetMethod)
                || !(parameter.Name.StartsWith("dest", StringComparison.OrdinalIgnoreCase)
                    || call.TargetMethod.Name == "CopyTo" && call.Instance is not null && parameter.Ordinal == 0))
            {
                return null;
            }

            if (call.Instance is { } instance && IsParameter(instance))
            {
                return true;
            }

            foreach (var other in call.Arguments)
            {
                if (other != argument && other.Parameter is { } p && !p.Name.StartsWith("dest", StringComparison.OrdinalIgnoreCase) && IsParameter(other.Value))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when the object an initializer's member write lands in (<c>model with { Weights = next }</c>, <c>new Layer
        /// { Weights = w }</c>) is dropped: the expression is thrown away, or stored in a local that is never read as a
        /// whole (only its members: <c>updated.Bias</c>).
        /// </summary>
        private bool IsDroppedNewObject(IOperation member)
        {
            IOperation? created = member.Parent;
            while (created is not null and not (IWithOperation or IObjectCreationOperation or IAnonymousObjectCreationOperation))
            {
                if (created is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }

                created = created.Parent;
            }

            var parent = created?.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            ILocalSymbol? local;
            switch (parent)
            {
                case IExpressionStatementOperation:
                case ISimpleAssignmentOperation { Target: IDiscardOperation }:
                    return true;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    local = declarator.Symbol;
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } assignment when assignment.Value != assigned:
                    local = assigned.Local;
                    break;
                default:
                    return false;
            }

            if (local.IsRef)
            {
                return false;
            }

            IOperation top = member;
            while (top.Parent is not null)
            {
                top = top.Parent;
            }

            foreach (var op in BodyOperations.Shared(top).OfKind(OperationKind.LocalReference))
            {
                if (op is ILocalReferenceOperation use && !use.IsDeclaration && SymbolEqualityComparer.Default.Equals(use.Local, local)
                    && !(use.Parent is ISimpleAssignmentOperation written && written.Target == use) && LeavesLocal(use))
                {
                    return false;
                }
            }

            return true;
        }

        // A use of a value-type local that lets its value out: not a write of it (b -= …, b = …, b++ as statements), nor a
        // read whose value is written back into it alone (b = b - lr * g, b = Math.Max(b, 0)), nor a read of its members.
        private bool LeavesValue(ILocalReferenceOperation use)
        {
            if (use.Parent is IAssignmentOperation written && written.Target == use || use.Parent is IIncrementOrDecrementOperation)
            {
                return use.Parent.Parent is not IExpressionStatementOperation;
            }

            for (var p = use.Parent; p is not null and not IExpressionStatementOperation; p = p.Parent)
            {
                if (p is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    break;
                }

                if (p is ISimpleAssignmentOperation or ICompoundAssignmentOperation && p.Parent is IExpressionStatementOperation
                    && ((IAssignmentOperation)p).Target is ILocalReferenceOperation into && SymbolEqualityComparer.Default.Equals(into.Local, use.Local))
                {
                    return false;
                }
            }

            return LeavesLocal(use);
        }

        // A use of a local that reads it as a whole (its value leaves, or it is reassigned), rather than one of its
        // elements or members (w[i], w.Length, c.Weight), or the matrix an in-place MathNet call writes
        // (w.Subtract(lr * g, w), w.MapInplace(…)).
        private bool LeavesLocal(ILocalReferenceOperation use) => use.Parent switch
        {
            IArrayElementReferenceOperation element => element.ArrayReference != use,
            IPropertyReferenceOperation property => property.Instance != use,
            IFieldReferenceOperation field => field.Instance != use,
            IInvocationOperation call when call.Instance == use => !IsInPlaceMathNet(call) || !WritesOnlyInto(call, use.Local),
            IArgumentOperation { Parameter.Name: "result", Parent: IInvocationOperation call } => !IsInPlaceMathNet(call),
            _ => true,
        };

        // w.Subtract(lr * g, w), w.MapInplace(f): the call writes its receiver (not another result, not a CopyTo's target).
        private static bool WritesOnlyInto(IInvocationOperation call, ILocalSymbol local)
        {
            if (call.TargetMethod.Name == "CopyTo")
            {
                return false;
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { Name: "result" or "target" }
                    && !(Operations.WithoutConversions(argument.Value) is ILocalReferenceOperation written && SymbolEqualityComparer.Default.Equals(written.Local, local)))
                {
                    return false;
                }
            }

            return true;
        }

        // A MathNet operation that writes its receiver or its result argument and returns nothing.
        private bool IsInPlaceMathNet(IInvocationOperation call)
            => call.TargetMethod.ReturnsVoid && _semantics.Symbols.IsMathNetTensor(call.TargetMethod.ContainingType)
                && Flow.MathNet.ReturnsNewObject(call.TargetMethod) == MathNetResultKind.None;

        // ---------------------------------------------------------------- gradients

        /// <summary>
        /// The calls in <paramref name="loop"/> that return gradients and apply nothing (BackProp, Backward,
        /// ComputeGradients), as <see cref="GradientFlow.ReturnsUnappliedGradients"/> sees them.
        /// </summary>
        public List<IInvocationOperation> GradientCalls(ILoopOperation loop, CancellationToken cancellationToken)
        {
            var calls = new List<IInvocationOperation>();
            foreach (var op in BodyOperations.Shared(loop.Body).WithoutFirst().OfKind(OperationKind.Invocation))
            {
                if (op is IInvocationOperation call && Flow.ReturnsUnappliedGradients(call.TargetMethod, cancellationToken))
                {
                    calls.Add(call);
                }
            }

            return calls;
        }

        /// <summary>
        /// Any sign that <paramref name="loop"/> computes gradients — the intent to train: a call returning gradients
        /// (<see cref="GradientCalls"/>), a call named like a backward pass (<c>net.Backward(x, y)</c> storing them in the
        /// layers, <c>BackwardAsync</c>), or a local named like gradients computed in the loop (<c>var dW = …</c>,
        /// <c>gradW[j] = …</c>), or an optimizer's state stepped along the gradient or the learning rate
        /// (<c>_velocity[k, j] = μ * _velocity[k, j] - lr * g * x[j]</c>, a momentum never added to the weights).
        /// Returns how to name them in the message, or null.
        /// </summary>
        public string? DescribeGradients(ILoopOperation loop, List<IInvocationOperation> gradientCalls)
        {
            if (gradientCalls.Count > 0)
            {
                return "the gradients of " + gradientCalls[0].TargetMethod.Name + "(...) are never applied";
            }

            string? local = null;
            string? state = null;
            foreach (var op in BodyOperations.Shared(loop.Body).WithoutFirst().OfKind(s_gradientSigns))
            {
                if (state is null && op is IAssignmentOperation written && StepState(written) is { } stepped)
                {
                    state = stepped;
                }

                switch (op)
                {
                    case IInvocationOperation call when call.TargetMethod.MethodKind != MethodKind.DelegateInvoke
                        && GradientFlow.HasGradientMethodName(call.TargetMethod.Name):
                        return "the gradients of " + call.TargetMethod.Name + "(...) are never applied";
                    case IVariableDeclaratorOperation declarator when local is null && declarator.GetVariableInitializer() is not null
                        && GradientFlow.IsGradientName(declarator.Symbol.Name) && Flow.CarriesNumbers(declarator.Symbol.Type, 0):
                        local = declarator.Symbol.Name;
                        break;
                    case IAssignmentOperation assignment when local is null
                        && NetworkParameters.StorageOf(assignment.Target) is ILocalSymbol target
                        && GradientFlow.IsGradientName(target.Name) && (Flow.CarriesNumbers(target.Type, 0) || IsSpan(target.Type)):
                        // gradW[j] = …, grad[i] += … (accumulated into a buffer declared before the loop, an array or a span).
                        local = target.Name;
                        break;
                }
            }

            return local is not null ? "the gradients '" + local + "' are never applied"
                : state is not null ? "the optimizer state '" + state + "' is updated but never applied"
                : null;
        }

        // The name of an optimizer's state (velocity, moments, cache: not a local) that the assignment steps with the
        // learning rate or a gradient, or null.
        private static string? StepState(IAssignmentOperation assignment)
        {
            var storage = NetworkParameters.StorageOf(Operations.WithoutConversions(assignment.Target));
            if (storage is not (IFieldSymbol or IPropertySymbol) || !IdentifierWords.ContainsAny(storage.Name, s_stepStateWords))
            {
                return null;
            }

            foreach (var read in Operations.WithoutConversions(assignment.Value)!.DescendantsAndSelf())
            {
                var name = read switch
                {
                    ILocalReferenceOperation l => l.Local.Name,
                    IParameterReferenceOperation p => p.Parameter.Name,
                    IFieldReferenceOperation f => f.Field.Name,
                    IPropertyReferenceOperation { Arguments.Length: 0 } p => p.Property.Name,
                    _ => null,
                };
                if (name is not null && (GradientFlow.IsGradientName(name) || GradientFlow.IsLearningRateName(name)))
                {
                    return storage.Name;
                }
            }

            return null;
        }
    }

    /// <summary>What makes a loop look like training: the forward pass and the loss it runs.</summary>
    public sealed class TrainingLoopShape
    {
        /// <summary>Creates the answer.</summary>
        public TrainingLoopShape(IOperation forward, IOperation loss)
        {
            Forward = forward;
            Loss = loss;
        }

        /// <summary>
        /// The forward pass: a Forward/Predict call, a call to a method computing a weight product, such a method handed as
        /// a function (<c>xs.Select(Forward)</c>), or the product itself.
        /// </summary>
        public IOperation Forward { get; }

        /// <summary>The loss: a Loss/Cost/Error call, a call on a loss type (<c>loss.Value(…)</c>) or a loss-named accumulator.</summary>
        public IOperation Loss { get; }
    }
}
