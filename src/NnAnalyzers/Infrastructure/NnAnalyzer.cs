using Microsoft.CodeAnalysis.Diagnostics;

namespace NnAnalyzers
{
    /// <summary>
    /// Base of every NnAnalyzers analyzer: the one place that enables concurrent execution and configures generated code.
    /// </summary>
    /// <remarks>
    /// The driver does not run our callbacks in generated code (no <see cref="GeneratedCodeAnalysisFlags.Analyze"/>) but
    /// keeps every diagnostic we report (<see cref="GeneratedCodeAnalysisFlags.ReportDiagnostics"/>): our rules drop the
    /// few that would land in generated code themselves (<see cref="GeneratedCode"/>), which spares the driver's per-file
    /// search for <c>[GeneratedCode]</c> at the first diagnostic in each file.
    /// </remarks>
    public abstract class NnAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public sealed override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.EnableConcurrentExecution();
            InitializeCore(context);
        }

        /// <summary>Registers the rule's actions (narrowly, resolving symbols once per compilation).</summary>
        protected abstract void InitializeCore(AnalysisContext context);
    }
}
