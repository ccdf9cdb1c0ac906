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
    /// or any loop of a method named Train/Fit/Learn, not in an evaluation/loss/gradient method, that runs a forward
    /// pass and computes a loss), "does this loop write a parameter?" (an assignment to a weight or bias per
    /// <see cref="NetworkParameters"/>, an in-place MathNet call on one, or a call to a method of this compilation that
    /// does — transitively, cached per method —, an optimizer's Step/Update, a trainer's Fit), and "which gradients are
    /// computed in it?" (calls for which <see cref="GradientFlow.ReturnsUnappliedGradients"/> holds). One instance per compilation.
    /// </summary>
    public sealed class TrainingLoops
    {
        private static readonly HashSet<string> s_loopWords = IdentifierWords.Set(
            "epoch", "epochs", "iteration", "iterations", "iter", "iters", "batch", "batches", "minibatch", "minibatches",
            "sample", "samples");

        private static readonly HashSet<string> s_trainingMethodWords = IdentifierWords.Set(
            "train", "training", "fit", "learn", "learning");

        private static readonly HashSet<string> s_evaluationMethodWords = IdentifierWords.Set(
            "evaluate", "evaluation", "eval", "test", "tests", "validate", "validation", "predict", "prediction", "predictions",
            "score", "accuracy", "infer", "inference", "benchmark", "measure", "loss", "cost", "error", "errors");

        private static readonly HashSet<string> s_forwardWords = IdentifierWords.Set(
            "forward", "feedforward", "predict", "inference", "infer");

        private static readonly HashSet<string> s_lossWords = IdentifierWords.Set(
            "loss", "losses", "cost", "costs", "error", "errors", "crossentropy", "entropy", "mse", "nll", "logloss");

        private static readonly HashSet<string> s_updateCallWords = IdentifierWords.Set(
            "update", "updates", "step", "fit", "train", "optimize", "optimise", "minimize", "minimise", "learn", "descend", "descent");

        private readonly NnSemantics _semantics;
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _updates =
            new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<IMethodSymbol, bool> _forward =
            new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

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
        public static bool HasEpochHeader(ILoopOperation loop)
        {
            foreach (var local in loop.Locals)
            {
                if (IdentifierWords.ContainsAny(local.Name, s_loopWords))
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

            foreach (var op in header.DescendantsAndSelf())
            {
                var name = op switch
                {
                    ILocalReferenceOperation l => l.Local.Name,
                    IParameterReferenceOperation p => p.Parameter.Name,
                    IFieldReferenceOperation f => f.Field.Name,
                    IPropertyReferenceOperation p => p.Property.Name,
                    IInvocationOperation i => i.TargetMethod.Name,
                    _ => null,
                };
                if (name is not null && IdentifierWords.ContainsAny(name, s_loopWords))
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
            foreach (var op in loop.Body.Descendants())
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
                foreach (var op in loop.Body.Descendants())
                {
                    if (op is IInvocationOperation invocation && IsForwardMethod(invocation.TargetMethod, cancellationToken))
                    {
                        forward = invocation;
                        break;
                    }
                }
            }

            return forward is null || loss is null ? null : new TrainingLoopShape(forward, loss);
        }

        private static bool IsForwardName(string name)
        {
            var words = IdentifierWords.Split(name);
            if (words.Contains("back") || words.Contains("backward"))
            {
                return false;
            }

            foreach (var word in words)
            {
                if (s_forwardWords.Contains(word))
                {
                    return true;
                }
            }

            return false;
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
            return storage is not null && _semantics.Parameters.Classify(storage) == ParameterKind.Weight;
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
                foreach (var op in body.Descendants())
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

        /// <summary>Whether anything in <paramref name="loop"/> writes a weight or bias.</summary>
        public UpdateEvidence Updates(ILoopOperation loop, CancellationToken cancellationToken)
        {
            var evidence = UpdateEvidence.None;
            foreach (var op in loop.Body.Descendants())
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
                foreach (var op in body.Descendants())
                {
                    if (WritesParameterDirectly(op)
                        || op is IInvocationOperation call && (IsUpdateCallByName(call)
                            || GradientFlow.HasSourceBody(call.TargetMethod) && UpdatesParameters(call.TargetMethod.OriginalDefinition, visiting, cancellationToken)))
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
                // A callback (afterEpoch, onBatch) observes; one named like an update is counted above.
                return UpdateEvidence.None;
            }

            if (GradientFlow.HasSourceBody(target))
            {
                if (UpdatesParameters(target, cancellationToken))
                {
                    return UpdateEvidence.Updates;
                }

                // A method that writes state we do not recognise as a parameter (an oddly named field) may still train.
                return !target.IsVirtual && !target.IsAbstract && !target.IsOverride && !Flow.WritesState(target, cancellationToken)
                    ? UpdateEvidence.None
                    : UpdateEvidence.Unknown;
            }

            return IsOpaqueCallThatMayWrite(call) ? UpdateEvidence.Unknown : UpdateEvidence.None;
        }

        // A call we cannot see into, outside the BCL, MathNet and our library, handed mutable objects.
        private bool IsOpaqueCallThatMayWrite(IInvocationOperation call)
        {
            var ns = call.TargetMethod.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            if (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("MathNet", StringComparison.Ordinal)
                || _semantics.Symbols.NetworkGradients is { } gradients && ns == gradients.ContainingNamespace.ToDisplayString())
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

            var words = IdentifierWords.Split(name);
            foreach (var word in words)
            {
                if (s_updateCallWords.Contains(word))
                {
                    return true;
                }
            }

            // ApplyGradients, ApplyDeltas.
            return words.Contains("apply") && words.Exists(w => w.StartsWith("grad", StringComparison.Ordinal) || w.StartsWith("delta", StringComparison.Ordinal));
        }

        // W.Subtract(dW, W), w[i].MapInplace(...), W.CopyFrom(best): a MathNet call that writes its receiver or result, on a parameter.
        private bool IsInPlaceOnParameter(IInvocationOperation call)
        {
            if (call.Instance is null || Flow.MathNet.ReturnsNewObject(call.TargetMethod) != MathNetResultKind.None)
            {
                return false;
            }

            if (IsParameter(call.Instance))
            {
                return true;
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { Name: "result" } && IsParameter(argument.Value))
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
                            && IsParameter(target))
                        {
                            return true;
                        }
                    }

                    return false;
                case IAssignmentOperation assignment:
                    return IsParameter(assignment.Target);
                case IIncrementOrDecrementOperation increment:
                    return IsParameter(increment.Target);
                case IInvocationOperation invocation when _semantics.Symbols.IsMathNetTensor(invocation.TargetMethod.ContainingType):
                    return IsInPlaceOnParameter(invocation);
                default:
                    return false;
            }
        }

        private bool IsParameter(IOperation target)
        {
            var storage = NetworkParameters.StorageOf(Operations.WithoutConversions(target));
            return storage is not null && _semantics.Parameters.Classify(storage) != ParameterKind.None;
        }

        // ---------------------------------------------------------------- gradients

        /// <summary>
        /// The calls in <paramref name="loop"/> that return gradients and apply nothing (BackProp, Backward,
        /// ComputeGradients), as <see cref="GradientFlow.ReturnsUnappliedGradients"/> sees them.
        /// </summary>
        public List<IInvocationOperation> GradientCalls(ILoopOperation loop, CancellationToken cancellationToken)
        {
            var calls = new List<IInvocationOperation>();
            foreach (var op in loop.Body.Descendants())
            {
                if (op is IInvocationOperation call && Flow.ReturnsUnappliedGradients(call.TargetMethod, cancellationToken))
                {
                    calls.Add(call);
                }
            }

            return calls;
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

        /// <summary>The forward pass: a Forward/Predict call, a call to a method computing a weight product, or the product itself.</summary>
        public IOperation Forward { get; }

        /// <summary>The loss: a Loss/Cost/Error call, a call on a loss type (<c>loss.Value(…)</c>) or a loss-named accumulator.</summary>
        public IOperation Loss { get; }
    }
}
