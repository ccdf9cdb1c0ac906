using Microsoft.CodeAnalysis;

namespace NnAnalyzers
{
    /// <summary>Creates every descriptor of the product, so that help links and tags are computed in one place.</summary>
    public static class DescriptorFactory
    {
        /// <summary>The repository the help links point into.</summary>
        public const string RepositoryUrl = "https://github.com/NnAnalyzers/NnAnalyzers";

        /// <summary>The help link of a rule: its page under docs/rules in this repository.</summary>
        public static string HelpLink(string id) => RepositoryUrl + "/blob/main/docs/rules/" + id + ".md";

        /// <summary>Creates a descriptor with the computed help link.</summary>
        public static DiagnosticDescriptor Create(
            string id,
            string title,
            string messageFormat,
            string category,
            DiagnosticSeverity defaultSeverity,
            string description,
            bool isEnabledByDefault = true)
        {
            return new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                category,
                defaultSeverity,
                isEnabledByDefault,
                description,
                HelpLink(id));
        }
    }
}
