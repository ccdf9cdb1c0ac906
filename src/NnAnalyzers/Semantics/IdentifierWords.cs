using System;
using System.Collections.Generic;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// Splits identifiers into lower-case words (camelCase, PascalCase, snake_case, digits):
    /// <c>_hiddenWeights2</c> → hidden, weights; <c>dW1</c> → d, w; <c>learning_rate</c> → learning, rate.
    /// </summary>
    public static class IdentifierWords
    {
        /// <summary>The words of an identifier, lower-case, without digits or separators.</summary>
        public static List<string> Split(string identifier)
        {
            var words = new List<string>(4);
            if (string.IsNullOrEmpty(identifier))
            {
                return words;
            }

            var start = -1;
            for (var i = 0; i < identifier.Length; i++)
            {
                var c = identifier[i];
                if (!char.IsLetter(c))
                {
                    Flush(identifier, ref start, i, words);
                    continue;
                }

                if (start < 0)
                {
                    start = i;
                    continue;
                }

                var prev = identifier[i - 1];
                var startsWord = char.IsUpper(c) && (char.IsLower(prev)
                    || (i + 1 < identifier.Length && char.IsLower(identifier[i + 1]) && char.IsUpper(prev)));
                if (startsWord)
                {
                    Flush(identifier, ref start, i, words);
                    start = i;
                }
            }

            Flush(identifier, ref start, identifier.Length, words);
            return words;
        }

        /// <summary>True when any word of <paramref name="identifier"/> is in <paramref name="vocabulary"/>.</summary>
        public static bool ContainsAny(string identifier, HashSet<string> vocabulary)
        {
            foreach (var word in Split(identifier))
            {
                if (vocabulary.Contains(word))
                {
                    return true;
                }
            }

            return false;
        }

        private static void Flush(string identifier, ref int start, int end, List<string> words)
        {
            if (start >= 0 && end > start)
            {
                words.Add(identifier.Substring(start, end - start).ToLowerInvariant());
            }

            start = -1;
        }

        /// <summary>A case-insensitive word set.</summary>
        public static HashSet<string> Set(params string[] words) => new HashSet<string>(words, StringComparer.OrdinalIgnoreCase);
    }
}
