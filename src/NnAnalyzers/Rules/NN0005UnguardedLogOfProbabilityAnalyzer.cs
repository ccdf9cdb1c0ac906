using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.Rules
{
    /// <summary>
    /// NN0005: the logarithm of a probability (a softmax or sigmoid output, or the prediction a loss method receives)
    /// with no clamp or epsilon. A confident softmax/sigmoid underflows to exactly 0, log(0) is -infinity and the loss,
    /// then every gradient, turns into NaN.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NN0005UnguardedLogOfProbabilityAnalyzer : NnAnalyzer
    {
        /// <summary>The diagnostic property that names the probability's source ("Softmax", "Sigmoid", "LossArgument").</summary>
        internal const string SourceProperty = "Source";

        private static readonly ImmutableDictionary<string, string?> SoftmaxProperties =
            ImmutableDictionary<string, string?>.Empty.Add(SourceProperty, nameof(ProbabilitySource.Softmax));

        private static readonly ImmutableDictionary<string, string?> SigmoidProperties =
            ImmutableDictionary<string, string?>.Empty.Add(SourceProperty, nameof(ProbabilitySource.Sigmoid));

        private static readonly ImmutableDictionary<string, string?> LossProperties =
            ImmutableDictionary<string, string?>.Empty.Add(SourceProperty, nameof(ProbabilitySource.LossArgument));

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.NN0005UnguardedLogOfProbability);

        /// <inheritdoc />
        protected override void InitializeCore(AnalysisContext context)
        {
            context.RegisterCompilationStartAction(start =>
            {
                // The types are looked up at the first invocation, when the compiler has bound the references already.
                var semantics = NnSemantics.Create(start.Compilation);
                var probabilities = semantics.Probabilities;
                start.RegisterOperationAction(
                    c =>
                    {
                        if (semantics.Symbols.Math is not null || semantics.Symbols.MathF is not null || semantics.Symbols.HasMathNet)
                        {
                            Analyze(c, probabilities);
                        }
                    },
                    OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, Probabilities probabilities)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var name = invocation.TargetMethod.Name;
            if (name != "Log" && name != "PointwiseLog" && name != "Map" && name != "Select" && name != "Log2" && name != "Log10")
            {
                return;
            }

            var site = probabilities.MatchLog(invocation);
            if (site is null)
            {
                return;
            }

            var source = probabilities.UnguardedProbability(site, out var caller, context.CancellationToken);
            if (source == ProbabilitySource.None)
            {
                return;
            }

            var what = source == ProbabilitySource.Softmax ? "a softmax output"
                : source == ProbabilitySource.Sigmoid ? "a sigmoid output"
                : "the predicted probability of a loss";
            if (caller is not null)
            {
                what += " passed by '" + caller + "'";
            }

            var message = "the log of '" + Probabilities.NameOf(site.Value) + "' (" + what + ") has no clamp or epsilon: "
                + "a probability of exactly 0 gives -infinity and NaN gradients; clamp it to [eps, 1 - eps] or compute the loss in log space";
            context.Report(Diagnostic.Create(
                Descriptors.NN0005UnguardedLogOfProbability,
                invocation.Syntax.GetLocation(),
                source == ProbabilitySource.Softmax ? SoftmaxProperties : source == ProbabilitySource.Sigmoid ? SigmoidProperties : LossProperties,
                message));
        }
    }
}
