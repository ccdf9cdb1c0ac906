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
