using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeFixes;

namespace NnAnalyzers.CodeFixes
{
    /// <summary>
    /// Base of every NnAnalyzers code fix: one rule id per provider and a Fix All provider by default (the batch
    /// fixer; a rule whose edits are not local overrides <see cref="GetFixAllProvider"/> with its own).
    /// </summary>
    public abstract class NnCodeFixProvider : CodeFixProvider
    {
        private readonly ImmutableArray<string> _ids;

        /// <summary>Creates a provider for the given rule id.</summary>
        protected NnCodeFixProvider(string ruleId)
        {
            _ids = ImmutableArray.Create(ruleId);
        }

        /// <inheritdoc />
        public sealed override ImmutableArray<string> FixableDiagnosticIds => _ids;

        /// <inheritdoc />
        public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <summary>A stable equivalence key for a variant of this rule's fix: "NN0001.CentreRange".</summary>
        protected string Key(string variant) => _ids[0] + "." + variant;
    }
}
