using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.Rules
{
    /// <summary>
    /// NN0006 Training loop never updates parameters: a loop over epochs/batches (or any loop of a Train/Fit method)
    /// that runs a forward pass and a loss, shows the intent to train (it computes gradients, or repeats epochs in a
    /// training method), and in which nothing writes a weight or bias — neither directly nor through a method of this
    /// compilation (also through interface/virtual implementations and visible delegates), an optimizer's Step/Update or
    /// a trainer's Fit. Reported on the loop keyword of the outermost such loop. When a call we cannot see through might
    /// write the parameters, the diagnostic is Info.
    /// </summary>
    [DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
    public sealed class NN0006TrainingLoopNeverUpdatesAnalyzer : NnAnalyzer
    {
        /// <summary>Property key: how the loop's one gradient call hands its result (NN0004's kinds), when there is one.</summary>
        public const string GradientsProperty = "Gradients";

        /// <summary>The gradient call is a statement: its result is thrown away.</summary>
        public const string GradientsDiscarded = NN0004UnusedBackpropResultsAnalyzer.KindGradientsDiscarded;

        /// <summary>The gradient call's result is stored in locals.</summary>
        public const string GradientsStored = NN0004UnusedBackpropResultsAnalyzer.KindGradientsNotRead;

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.NN0006TrainingLoopNeverUpdates);

        /// <inheritdoc />
        protected override void InitializeCore(AnalysisContext context)
        {
            context.RegisterCompilationStartAction(start =>
            {
                var semantics = NnSemantics.Create(start.Compilation);
                if (!semantics.Context.CompilationHasNnCode)
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeLoop(c, semantics.TrainingLoops), OperationKind.Loop);
            });
        }

        private static void AnalyzeLoop(OperationAnalysisContext context, TrainingLoops loops)
        {
            var loop = (ILoopOperation)context.Operation;

            // Each nest of loops once, from its outermost loop.
            for (var p = loop.Parent; p is not null; p = p.Parent)
            {
                if (p is ILoopOperation)
                {
                    return;
                }

                if (p is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    break;
                }
            }

            var owner = context.ContainingSymbol;
            if (!loops.MayHoldTrainingLoops(owner))
            {
                return;
            }

            Check(context, loops, loop, TrainingLoops.HasTrainingName(owner));
        }

        private static void Check(OperationAnalysisContext context, TrainingLoops loops, ILoopOperation loop, bool trainingMethod)
        {
            var ct = context.CancellationToken;
            if (trainingMethod || TrainingLoops.HasEpochHeader(loop) || HasHeaderInside(loop, repeat: false))
            {
                // The outermost training loop decides: an update anywhere in it (after an inner loop, say) is enough.
                var shape = loops.Shape(loop, ct);
                if (shape is null)
                {
                    return;
                }

                var evidence = loops.Updates(loop, ct);
                if (evidence == UpdateEvidence.Updates)
                {
                    return;
                }

                // The intent to train: gradients are computed, or the loop repeats passes (epochs, iterations) in a method
                // named like training. Without either it is an evaluation, a prediction pass, a benchmark or a simulation.
                var gradientCalls = loops.GradientCalls(loop, ct);
                var gradients = loops.DescribeGradients(loop, gradientCalls);
                if (gradients is null && !(trainingMethod && (TrainingLoops.HasRepeatHeader(loop) || HasHeaderInside(loop, repeat: true))))
                {
                    return;
                }

                Report(context, loop, shape, evidence, gradientCalls, gradients);
                return;
            }

            CheckChildLoops(context, loops, loop.Body, trainingMethod);
        }

        /// <summary>Checks the loops directly inside <paramref name="operation"/> (not inside other loops or lambdas).</summary>
        [MethodImpl(SignText.Hot)]
        private static void CheckChildLoops(OperationAnalysisContext context, TrainingLoops loops, IOperation operation, bool trainingMethod)
        {
            // Read off the body's list by kind; a loop's or a lambda's subtree is skipped whole.
            var operations = BodyOperations.Shared(operation);
            var i = 1;
            while (i < operations.Count)
            {
                var kind = operations.KindAt(i);
                if (kind == OperationKind.Loop && operations[i] is ILoopOperation inner)
                {
                    Check(context, loops, inner, trainingMethod);
                    i = operations.EndAt(i);
                }
                else if (kind is OperationKind.AnonymousFunction or OperationKind.LocalFunction)
                {
                    i = operations.EndAt(i);
                }
                else
                {
                    i++;
                }
            }
        }

        [MethodImpl(SignText.Hot)]
        private static bool HasHeaderInside(ILoopOperation loop, bool repeat)
        {
            foreach (var op in BodyOperations.Shared(loop.Body).OfKind(OperationKind.Loop))
            {
                if (op != loop.Body && op is ILoopOperation inner
                    && (repeat ? TrainingLoops.HasRepeatHeader(inner) : TrainingLoops.HasEpochHeader(inner)))
                {
                    return true;
                }
            }

            return false;
        }

        private static void Report(OperationAnalysisContext context, ILoopOperation loop, TrainingLoopShape shape, UpdateEvidence evidence,
            List<IInvocationOperation> gradients, string? gradientsClause)
        {
            var properties = ImmutableDictionary<string, string?>.Empty;
            var additional = new List<Location>(1);
            var clause = gradientsClause ?? "no gradients are even computed";
            if (gradients.Count == 1 && HandOff(gradients[0]) is { } kind)
            {
                properties = properties.Add(GradientsProperty, kind);
                additional.Add(gradients[0].Syntax.GetLocation());
            }

            var message = "this loop runs a forward pass (" + Describe(shape.Forward) + ") and a loss (" + Describe(shape.Loss)
                + ") but never updates a weight or bias: " + clause;
            var severity = evidence == UpdateEvidence.Unknown ? DiagnosticSeverity.Info : Descriptors.NN0006TrainingLoopNeverUpdates.DefaultSeverity;
            context.Report(Diagnostic.Create(
                Descriptors.NN0006TrainingLoopNeverUpdates, KeywordLocation(loop), severity, additional, properties, message));
        }

        // How the gradient call's result leaves it, in the terms of NN0004's fix: thrown away, or stored in new locals.
        private static string? HandOff(IInvocationOperation call)
        {
            var parent = call.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            if (parent is IExpressionStatementOperation)
            {
                return GradientsDiscarded;
            }

            if (parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Declarators.Length: 1 } } }
                || parent is IDeconstructionAssignmentOperation { Parent: IExpressionStatementOperation } deconstruction && deconstruction.Value == call
                || parent is ISimpleAssignmentOperation { Parent: IExpressionStatementOperation, Target: ILocalReferenceOperation })
            {
                return GradientsStored;
            }

            return null;
        }

        private static string Describe(IOperation operation)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    return invocation.TargetMethod.Name + "(...)";
                case IMethodReferenceOperation reference:
                    return reference.Method.Name + "(...)";
                case IVariableDeclaratorOperation declarator:
                    return "'" + declarator.Symbol.Name + "'";
                case IAssignmentOperation assignment when NetworkParameters.StorageOf(assignment.Target) is { } storage:
                    return "'" + storage.Name + "'";
                default:
                    var text = string.Join(" ", operation.Syntax.ToString().Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries));
                    return "'" + (text.Length <= 40 ? text : text.Substring(0, 37) + "...") + "'";
            }
        }

        private static Location KeywordLocation(ILoopOperation loop)
        {
            var keyword = loop.Syntax switch
            {
                ForStatementSyntax f => f.ForKeyword,
                ForEachStatementSyntax e => e.ForEachKeyword,
                ForEachVariableStatementSyntax v => v.ForEachKeyword,
                WhileStatementSyntax w => w.WhileKeyword,
                DoStatementSyntax d => d.DoKeyword,
                _ => default,
            };

            return keyword == default ? loop.Syntax.GetLocation() : keyword.GetLocation();
        }
    }
}
