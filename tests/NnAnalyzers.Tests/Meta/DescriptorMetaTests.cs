using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NnAnalyzers.Tests.Meta
{
    /// <summary>
    /// Every descriptor must have its doc page, a help link to that page, a release-tracking row, an analyzer that
    /// reports it, and a code fix (or a documented reason for having none).
    /// </summary>
    public class DescriptorMetaTests
    {
        [Fact]
        public void Descriptors_are_found()
        {
            Assert.NotEmpty(RuleCatalog.Descriptors);
            Assert.Equal(RuleCatalog.Descriptors.Length, RuleCatalog.Descriptors.Select(d => d.Id).Distinct().Count());
        }

        [Theory]
        [MemberData(nameof(RuleCatalog.DescriptorIds), MemberType = typeof(RuleCatalog))]
        public void Id_is_well_formed_and_declared_as_a_constant(string id)
        {
            Assert.Matches(new Regex("^NN[0-9]{4}$"), id);
            var constants = typeof(RuleIds).GetFields().Select(f => (string)f.GetRawConstantValue()!);
            Assert.Contains(id, constants);
            var categories = typeof(RuleCategories).GetFields().Select(f => (string)f.GetRawConstantValue()!);
            Assert.Contains(RuleCatalog.Get(id).Category, categories);
        }

        [Theory]
        [MemberData(nameof(RuleCatalog.DescriptorIds), MemberType = typeof(RuleCatalog))]
        public void Doc_page_exists_and_the_help_link_points_at_it(string id)
        {
            var descriptor = RuleCatalog.Get(id);
            var page = RepositoryPaths.Combine("docs", "rules", id + ".md");
            Assert.True(File.Exists(page), $"missing {page}");
            Assert.Equal(DescriptorFactory.RepositoryUrl + "/blob/main/docs/rules/" + id + ".md", descriptor.HelpLinkUri);

            var text = File.ReadAllText(page);
            Assert.StartsWith("# " + id + ":", text, StringComparison.Ordinal);
            Assert.Contains(descriptor.Title.ToString(), text, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(RuleCatalog.DescriptorIds), MemberType = typeof(RuleCatalog))]
        public void Release_tracking_has_a_row_with_category_and_severity(string id)
        {
            var descriptor = RuleCatalog.Get(id);
            var rows = File.ReadAllLines(RepositoryPaths.Combine("src", "NnAnalyzers", "AnalyzerReleases.Unshipped.md"))
                .Concat(File.ReadAllLines(RepositoryPaths.Combine("src", "NnAnalyzers", "AnalyzerReleases.Shipped.md")))
                .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
                .Where(c => c.Length >= 3 && c[0] == id)
                .ToList();
            Assert.NotEmpty(rows);
            Assert.All(rows, r =>
            {
                Assert.Equal(descriptor.Category, r[1]);
                Assert.Equal(descriptor.DefaultSeverity.ToString(), r[2]);
            });
        }

        [Theory]
        [MemberData(nameof(RuleCatalog.DescriptorIds), MemberType = typeof(RuleCatalog))]
        public void An_analyzer_reports_it(string id)
        {
            Assert.Contains(RuleCatalog.Analyzers, a => a.SupportedDiagnostics.Any(d => d.Id == id));
        }

        [Theory]
        [MemberData(nameof(RuleCatalog.DescriptorIds), MemberType = typeof(RuleCatalog))]
        public void A_code_fix_exists_or_the_page_says_why_not(string id)
        {
            var hasFix = RuleCatalog.CodeFixes.Any(f => f.FixableDiagnosticIds.Contains(id));
            if (!hasFix)
            {
                var text = File.ReadAllText(RepositoryPaths.Combine("docs", "rules", id + ".md"));
                Assert.True(text.Contains("## Why there is no code fix", StringComparison.Ordinal),
                    $"{id} has no code fix and its page has no '## Why there is no code fix' section");
            }
        }

        [Fact]
        public void Every_code_fix_has_a_fix_all_provider_and_fixes_only_known_ids()
        {
            var ids = RuleCatalog.Descriptors.Select(d => d.Id).ToHashSet();
            Assert.All(RuleCatalog.CodeFixes, fix =>
            {
                Assert.NotNull(fix.GetFixAllProvider());
                Assert.All(fix.FixableDiagnosticIds, id => Assert.Contains(id, ids));
            });
        }

        [Fact]
        public void Every_analyzer_derives_from_the_shared_base()
        {
            Assert.All(RuleCatalog.Analyzers, a => Assert.IsAssignableFrom<NnAnalyzer>(a));
        }
    }
}
