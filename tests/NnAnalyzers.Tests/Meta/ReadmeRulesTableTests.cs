using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace NnAnalyzers.Tests.Meta
{
    /// <summary>The README rules table (Id | Title | Category | Severity | Code fix | Options) stays in sync with the descriptors.</summary>
    public class ReadmeRulesTableTests
    {
        private static readonly Regex s_optionKey = new Regex(@"nn_analyzers\.(NN[0-9]{4})\.[a-z_]+", RegexOptions.CultureInvariant);

        private static Dictionary<string, string[]> ReadTable()
        {
            var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var line in File.ReadAllLines(RepositoryPaths.Combine("README.md")))
            {
                var m = Regex.Match(line, @"^\|\s*\[(NN[0-9]{4})\]\(docs/rules/(NN[0-9]{4})\.md\)\s*\|");
                if (!m.Success)
                {
                    continue;
                }

                Assert.Equal(m.Groups[1].Value, m.Groups[2].Value);
                var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                Assert.Equal(6, cells.Length);
                rows.Add(m.Groups[1].Value, cells);
            }

            return rows;
        }

        [Fact]
        public void Every_descriptor_has_exactly_one_row_and_every_row_a_descriptor()
        {
            var table = ReadTable();
            Assert.Equal(
                RuleCatalog.Descriptors.Select(d => d.Id).OrderBy(x => x, StringComparer.Ordinal),
                table.Keys.OrderBy(x => x, StringComparer.Ordinal));
        }

        [Theory]
        [MemberData(nameof(RuleCatalog.DescriptorIds), MemberType = typeof(RuleCatalog))]
        public void Row_matches_the_descriptor(string id)
        {
            var d = RuleCatalog.Get(id);
            var row = ReadTable()[id];
            Assert.Equal(d.Title.ToString(), row[1]);
            Assert.Equal(d.Category, row[2]);
            Assert.Equal(d.DefaultSeverity.ToString(), row[3]);
            var hasFix = RuleCatalog.CodeFixes.Any(f => f.FixableDiagnosticIds.Contains(id));
            Assert.Equal(hasFix ? "yes" : "no", row[4]);
        }

        [Theory]
        [MemberData(nameof(RuleCatalog.DescriptorIds), MemberType = typeof(RuleCatalog))]
        public void Options_column_lists_exactly_the_options_documented_on_the_rule_page(string id)
        {
            var row = ReadTable()[id];
            var listed = s_optionKey.Matches(row[5]).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
            Assert.All(listed, key => Assert.StartsWith("nn_analyzers." + id + ".", key, StringComparison.Ordinal));

            var page = File.ReadAllText(RepositoryPaths.Combine("docs", "rules", id + ".md"));
            var documented = s_optionKey.Matches(page).Select(m => m.Value)
                .Where(k => k.StartsWith("nn_analyzers." + id + ".", StringComparison.Ordinal))
                .ToHashSet(StringComparer.Ordinal);
            Assert.Equal(documented.OrderBy(x => x, StringComparer.Ordinal), listed.OrderBy(x => x, StringComparer.Ordinal));
        }

        [Fact]
        public void Changelog_exists_and_names_every_rule()
        {
            var text = File.ReadAllText(RepositoryPaths.Combine("CHANGELOG.md"));
            Assert.All(RuleCatalog.Descriptors, d => Assert.Contains(d.Id, text, StringComparison.Ordinal));
        }
    }
}
