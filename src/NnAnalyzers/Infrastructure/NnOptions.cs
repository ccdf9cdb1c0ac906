using System;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NnAnalyzers
{
    /// <summary>
    /// Typed access to our own .editorconfig options. Keys are namespaced by rule id:
    /// <c>nn_analyzers.NN0001.parameter_names = ...</c>.
    /// </summary>
    public static class NnOptions
    {
        /// <summary>The prefix of every option key.</summary>
        public const string Prefix = "nn_analyzers.";

        private static readonly ConcurrentDictionary<string, Regex?> s_regexCache = new ConcurrentDictionary<string, Regex?>(StringComparer.Ordinal);

        /// <summary>The full key of an option of a rule.</summary>
        public static string Key(string ruleId, string name)
            => s_keys.TryGetValue((ruleId, name), out var key) ? key : s_keys.GetOrAdd((ruleId, name), Prefix + ruleId + "." + name);

        // Options are read per tree or per body: the few keys are made once, not concatenated on every read.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string RuleId, string Name), string> s_keys =
            new System.Collections.Concurrent.ConcurrentDictionary<(string RuleId, string Name), string>();

        /// <summary>The raw value of an option for a tree, or null when unset.</summary>
        public static string? GetString(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name)
        {
            var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
            if (config.TryGetValue(Key(ruleId, name), out var value))
            {
                value = value.Trim();
                return value.Length == 0 ? null : value;
            }

            return null;
        }

        /// <summary>A boolean option (true/false, case-insensitive); <paramref name="defaultValue"/> when unset or invalid.</summary>
        public static bool GetBool(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, bool defaultValue)
        {
            var value = GetString(options, tree, ruleId, name);
            if (value is null)
            {
                return defaultValue;
            }

            if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            return defaultValue;
        }

        /// <summary>
        /// A rule's reading of its options per syntax tree, made once per tree: the provider looks a tree up and then the key
        /// with a case-insensitive comparer, and rules that ask per body or per operation would pay that every time.
        /// One instance per compilation (made at compilation start), so edits of .editorconfig reach the next analysis.
        /// </summary>
        public sealed class PerTree<T>
        {
            private readonly ConcurrentDictionary<SyntaxTree, T> _byTree = new ConcurrentDictionary<SyntaxTree, T>();
            private readonly Func<AnalyzerOptions, SyntaxTree, T> _read;

            /// <summary>A cache of what <paramref name="read"/> makes of a tree's options.</summary>
            public PerTree(Func<AnalyzerOptions, SyntaxTree, T> read)
            {
                _read = read;
            }

            /// <summary>The reading for <paramref name="tree"/>.</summary>
            public T Get(AnalyzerOptions options, SyntaxTree tree)
                => _byTree.TryGetValue(tree, out var known) ? known : _byTree.GetOrAdd(tree, _read(options, tree));
        }

        /// <summary>
        /// A regular-expression option, compiled once per distinct pattern; <paramref name="defaultPattern"/> when unset.
        /// An invalid pattern falls back to the default (an analyzer must not throw on a user's typo).
        /// </summary>
        public static Regex GetRegex(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, string defaultPattern)
        {
            var pattern = GetString(options, tree, ruleId, name) ?? defaultPattern;
            return Compile(pattern) ?? Compile(defaultPattern)!;
        }

        private static Regex? Compile(string pattern)
        {
            return s_regexCache.GetOrAdd(pattern, p =>
            {
                try
                {
                    return new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException)
                {
                    return null;
                }
            });
        }
    }
}
