using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.Rules
{
    /// <summary>
    /// NN0002: a softmax (exponentials divided by their own sum) or a log-sum-exp exponentiates logits that are not
    /// shifted by their maximum; exp overflows above ~709 (double) or ~88 (float) and the result turns into NaN.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NN0002UnstabilizedSoftmaxAnalyzer : NnAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.NN0002UnstabilizedSoftmax);

        /// <inheritdoc />
        protected override void InitializeCore(AnalysisContext context)
        {
            context.RegisterCompilationStartAction(start =>
            {
                // System.Math is looked up at the first invocation, when the compiler has bound the references already.
                var semantics = NnSemantics.Create(start.Compilation);
                var softmax = semantics.Softmax;
                start.RegisterOperationAction(
                    c =>
                    {
                        if (semantics.Symbols.Math is not null || semantics.Symbols.MathF is not null)
                        {
                            Analyze(c, softmax);
                        }
                    },
                    OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, Softmax softmax)
        {
            var site = softmax.FindUnstabilized(context.Operation, context.CancellationToken);
            if (site is null)
            {
                return;
            }

            context.Report(Diagnostic.Create(
                Descriptors.NN0002UnstabilizedSoftmax,
                site.Exponentiation.Operation.Syntax.GetLocation(),
                site.Kind == SoftmaxKind.LogSumExp ? "log-sum-exp" : "softmax",
                site.LogitsName));
        }
    }
}
