using Microsoft.CodeAnalysis.Diagnostics;

namespace NnAnalyzers
{
    /// <summary>
    /// Base of every NnAnalyzers analyzer: the one place that enables concurrent execution and configures generated code.
    /// </summary>
    /// <remarks>
    /// The driver runs our callbacks in generated code and lets us report there; we skip it ourselves (every callback
    /// returns when its context says <c>IsGeneratedCode</c>, every diagnostic goes through <see cref="GeneratedCode"/>),
    /// which spares the driver's per-file search for <c>[GeneratedCode]</c> at the first diagnostic in each file.
    /// </remarks>
    public abstract class NnAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public sealed override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.EnableConcurrentExecution();
            InitializeCore(context);
        }

        /// <summary>Registers the rule's actions (narrowly, resolving symbols once per compilation).</summary>
        protected abstract void InitializeCore(AnalysisContext context);
    }
}
