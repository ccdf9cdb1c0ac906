using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NnAnalyzers.Tests.Robustness
{
    /// <summary>One C# source used as a test input (markup removed), with where it came from.</summary>
    public sealed record TestInput(string Origin, string Text, bool HadMarkup)
    {
        public override string ToString() => Origin;
    }

    /// <summary>
    /// Finds the C# test inputs of the rule tests (string literals that hold whole programs, markup stripped) and the
    /// C# files of the samples and the reference library.
    /// </summary>
    public static class TestInputs
    {
        private static readonly Regex s_markup = new Regex(@"\{\|(?:#\d+|NN\d{4}|CS\d{4}):|\|\}|\[\||\|\]", RegexOptions.CultureInvariant);

        public static string StripMarkup(string text) => s_markup.Replace(text, string.Empty);

        /// <summary>Every string literal in tests/NnAnalyzers.Tests/Rules that looks like a compilation unit.</summary>
        public static IReadOnlyList<TestInput> RuleTestSources()
        {
            var list = new List<TestInput>();
            var dir = RepositoryPaths.Combine("tests", "NnAnalyzers.Tests", "Rules");
            if (!Directory.Exists(dir))
            {
                return list;
            }

            foreach (var file in Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
                var index = 0;
                foreach (var literal in root.DescendantNodes().OfType<LiteralExpressionSyntax>())
                {
                    if (!literal.IsKind(SyntaxKind.StringLiteralExpression))
                    {
                        continue;
                    }

                    var value = literal.Token.ValueText;
                    if (value.Length < 60 || !(value.Contains("class ") || value.Contains("static ") || value.Contains("using ")) || !value.Contains('{'))
                    {
                        continue;
                    }

                    var stripped = StripMarkup(value);
                    list.Add(new TestInput(Path.GetFileName(file) + "#" + index++, stripped, stripped.Length != value.Length));
                }
            }

            return list;
        }

        /// <summary>The C# files under a repository folder (bin/obj excluded).</summary>
        public static IReadOnlyList<TestInput> FilesUnder(params string[] folder)
        {
            var dir = RepositoryPaths.Combine(folder);
            if (!Directory.Exists(dir))
            {
                return Array.Empty<TestInput>();
            }

            return Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new TestInput(Path.GetRelativePath(RepositoryPaths.Root, f), File.ReadAllText(f), false))
                .ToList();
        }
    }
}
