using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.Rules
{
    /// <summary>
    /// NN0004 Unused backprop results: work done by backprop never reaches the parameters.
    /// (a) the result of a MathNet operation that returns a new object is discarded (<c>W.Subtract(dW);</c>);
    /// (b) a method that returns gradients and writes nothing is called as a statement, or its result is stored and
    /// never read; (c) a gradient local is computed and never read.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NN0004UnusedBackpropResultsAnalyzer : NnAnalyzer
    {
        private static readonly KindSet s_gradientHolders = KindSet.Of(OperationKind.Invocation, OperationKind.VariableDeclarator, OperationKind.LocalReference);

        /// <summary>Property key: which case was found (one of the <c>Kind…</c> values).</summary>
        public const string KindProperty = "Kind";

        /// <summary>A discarded MathNet result.</summary>
        public const string KindMathNetResult = "MathNetResult";

        /// <summary>Gradients returned by a call used as a statement.</summary>
        public const string KindGradientsDiscarded = "GradientsDiscarded";

        /// <summary>Gradients returned by a call, stored in locals never read.</summary>
        public const string KindGradientsNotRead = "GradientsNotRead";

        /// <summary>A gradient local computed and never read.</summary>
        public const string KindGradientLocal = "GradientLocal";

        private static readonly ImmutableDictionary<string, string?> s_mathNet = Properties(KindMathNetResult);
        private static readonly ImmutableDictionary<string, string?> s_discarded = Properties(KindGradientsDiscarded);
        private static readonly ImmutableDictionary<string, string?> s_notRead = Properties(KindGradientsNotRead);
        private static readonly ImmutableDictionary<string, string?> s_local = Properties(KindGradientLocal);

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.NN0004UnusedBackpropResults);

        /// <inheritdoc />
        protected override void InitializeCore(AnalysisContext context)
        {
            context.RegisterCompilationStartAction(start =>
            {
                var semantics = NnSemantics.Create(start.Compilation);
                var flow = semantics.GradientFlow;
                start.RegisterOperationAction(c => AnalyzeDiscardedCall(c, flow), OperationKind.Invocation);
                if (flow.Context.CompilationHasNnCode)
                {
                    start.RegisterOperationBlockAction(c => AnalyzeBody(c, flow, semantics.Bodies));
                }
            });
        }

        // (a) and (b, as a statement): a call whose value is thrown away.
        private static void AnalyzeDiscardedCall(OperationAnalysisContext context, GradientFlow flow)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!IsDiscarded(invocation) || invocation.TargetMethod.ReturnsVoid)
            {
                return;
            }

            var method = invocation.TargetMethod;
            var kind = flow.MathNet.ReturnsNewObject(method);
            if (kind != MathNetResultKind.None && invocation.Instance is { } receiver)
            {
                var what = kind == MathNetResultKind.Matrix ? "a new matrix" : kind == MathNetResultKind.Vector ? "a new vector" : "a value";
                var message = $"the result of '{Shorten(invocation.Syntax.ToString())}' is discarded: MathNet returns {what} and leaves '{Shorten(receiver.Syntax.ToString())}' unchanged";
                context.Report(Diagnostic.Create(Descriptors.NN0004UnusedBackpropResults, invocation.Syntax.GetLocation(), s_mathNet, message));
                return;
            }

            if (flow.Context.CompilationHasNnCode && flow.ReturnsUnappliedGradients(method, context.CancellationToken))
            {
                var message = $"the gradients returned by {method.Name}(...) are never applied to the weights";
                context.Report(Diagnostic.Create(Descriptors.NN0004UnusedBackpropResults, invocation.Syntax.GetLocation(), s_discarded, message));
            }
        }

        // (b, stored) and (c): locals that receive gradients and are never read.
        private static void AnalyzeBody(OperationBlockAnalysisContext context, GradientFlow flow, BodyOperations bodies)
        {
            var ct = context.CancellationToken;
            if (!flow.Context.CompilationHasNnCode)
            {
                return;
            }

            foreach (var block in context.OperationBlocks)
            {
                if (block is not (IMethodBodyBaseOperation or IBlockOperation))
                {
                    continue;
                }

                var inNnCode = context.OwningSymbol is { } owner && flow.Context.Contains(owner);
                if (!MayHoldGradients(bodies.Of(block), flow, inNnCode, ct))
                {
                    continue;
                }

                var assigned = GradientFlow.AssignedValues(block);

                // Gradient calls whose every receiving local is unread: one diagnostic on the call.
                var byCall = new Dictionary<IInvocationOperation, List<ILocalSymbol>>();
                var fromGradientCall = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
                foreach (var pair in assigned)
                {
                    foreach (var value in pair.Value)
                    {
                        if (GradientFlow.UnwrapAwait(value) is IInvocationOperation call && flow.ReturnsUnappliedGradients(call.TargetMethod, ct))
                        {
                            fromGradientCall.Add(pair.Key);
                            if (!byCall.TryGetValue(call, out var list))
                            {
                                byCall[call] = list = new List<ILocalSymbol>();
                            }

                            list.Add(pair.Key);
                        }
                    }
                }

                // Which locals are read is asked only of the locals that hold gradients (most bodies have none).
                var candidates = new HashSet<ILocalSymbol>(fromGradientCall, SymbolEqualityComparer.Default);
                if (inNnCode)
                {
                    foreach (var local in assigned.Keys)
                    {
                        if (GradientFlow.IsGradientName(local.Name))
                        {
                            candidates.Add(local);
                        }
                    }
                }

                if (candidates.Count == 0)
                {
                    continue;
                }

                var reads = GradientFlow.ReadLocals(block, candidates);
                var reported = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
                foreach (var pair in byCall)
                {
                    if (pair.Value.Any(l => reads.Contains(l) || assigned[l].Count > 1))
                    {
                        continue;
                    }

                    var names = string.Join(", ", pair.Value.Select(l => "'" + l.Name + "'"));
                    var message = $"the gradients returned by {pair.Key.TargetMethod.Name}(...) are stored in {names} and never read: they are never applied to the weights";
                    context.Report(Diagnostic.Create(Descriptors.NN0004UnusedBackpropResults, pair.Key.Syntax.GetLocation(), s_notRead, message));
                    reported.UnionWith(pair.Value);
                }

                foreach (var pair in assigned)
                {
                    // The candidates are the locals holding gradients (from a gradient call, or named so in NN code):
                    // asked first, before a symbol's locations are read (each read of them allocates).
                    var local = pair.Key;
                    if (!candidates.Contains(local) || reported.Contains(local) || reads.Contains(local) || local.Locations.IsEmpty
                        || !local.Locations[0].IsInSource || local.IsForEach || local.Name.StartsWith("_", System.StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (pair.Value.All(v => v.ConstantValue.HasValue || GradientFlow.Unwrap(v) is IDefaultValueOperation))
                    {
                        continue;
                    }

                    var message = $"the gradient '{local.Name}' is computed and its values are never read: it never reaches the weights";
                    context.Report(Diagnostic.Create(Descriptors.NN0004UnusedBackpropResults, local.Locations[0], s_local, message));
                }
            }
        }

        // Most bodies hold no gradients: one walk that allocates nothing decides before their locals are indexed. A local
        // holds gradients when a gradient-returning call is stored in it, or (in NN code) when its name says so.
        [MethodImpl(SignText.Hot)]
        private static bool MayHoldGradients(OperationRange operations, GradientFlow flow, bool inNnCode, System.Threading.CancellationToken ct)
        {
            var holders = operations.OfKind(s_gradientHolders);
            while (holders.MoveNext())
            {
                var operation = holders.Current;
                switch (holders.CurrentKind)
                {
                    case OperationKind.Invocation when operation is IInvocationOperation call && IsStoredInLocal(call) && flow.ReturnsUnappliedGradients(call.TargetMethod, ct):
                        return true;
                    case OperationKind.VariableDeclarator when inNnCode && operation is IVariableDeclaratorOperation declarator && GradientFlow.IsGradientName(declarator.Symbol.Name):
                        return true;
                    case OperationKind.LocalReference when inNnCode && operation is ILocalReferenceOperation { IsDeclaration: true } declaration
                        && GradientFlow.IsGradientName(declaration.Local.Name):
                        return true;
                }
            }

            return false;
        }

        // The value of a local's initializer, of an assignment to a local, or of a deconstruction (what AssignedValues sees).
        private static bool IsStoredInLocal(IOperation value)
        {
            var current = value;
            while (current.Parent is IConversionOperation or IParenthesizedOperation or IAwaitOperation)
            {
                current = current.Parent;
            }

            return current.Parent switch
            {
                IVariableInitializerOperation => true,
                ISimpleAssignmentOperation assignment => assignment.Value == current && assignment.Target is ILocalReferenceOperation,
                IDeconstructionAssignmentOperation deconstruction => deconstruction.Value == current,
                _ => false,
            };
        }

        private static bool IsDiscarded(IInvocationOperation invocation)
        {
            var parent = invocation.Parent;
            if (parent is IConditionalAccessOperation conditional && conditional.WhenNotNull == invocation)
            {
                parent = conditional.Parent;
            }

            // await BackpropAsync(x); throws the awaited gradients away as surely as a synchronous call.
            if (parent is IAwaitOperation awaited)
            {
                parent = awaited.Parent;
            }

            return parent is IExpressionStatementOperation;
        }

        private static string Shorten(string text)
        {
            text = string.Join(" ", text.Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries));
            return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
        }

        private static ImmutableDictionary<string, string?> Properties(string kind)
            => ImmutableDictionary<string, string?>.Empty.Add(KindProperty, kind);
    }
}
