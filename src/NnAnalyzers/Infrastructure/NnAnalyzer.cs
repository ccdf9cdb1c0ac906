using Microsoft.CodeAnalysis.Diagnostics;

namespace NnAnalyzers
{
    /// <summary>
    /// Base of every NnAnalyzers analyzer: the one place that enables concurrent execution and skips generated code.
    /// </summary>
    public abstract class NnAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public sealed override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            InitializeCore(context);
        }

        /// <summary>Registers the rule's actions (narrowly, resolving symbols once per compilation).</summary>
        protected abstract void InitializeCore(AnalysisContext context);
    }
}
