using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

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
        [MethodImpl(SignText.Hot)]
        public static bool ContainsAny(string identifier, WordSet vocabulary)
        {
            // Matched where the words stand: names are asked about on every declaration and reference.
            if (string.IsNullOrEmpty(identifier))
            {
                return false;
            }

            var position = 0;
            while (NextWord(identifier, ref position, out var start, out var length))
            {
                if (vocabulary.Find(identifier, start, length) is not null)
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

        /// <summary>
        /// The next word of <paramref name="identifier"/> at or after <paramref name="position"/>, without allocating:
        /// the same words as <see cref="Split"/>, as (start, length) ranges.
        /// </summary>
        [MethodImpl(SignText.Hot)]
        public static bool NextWord(string identifier, ref int position, out int start, out int length)
        {
            var i = position;
            while (i < identifier.Length && !char.IsLetter(identifier[i]))
            {
                i++;
            }

            start = i;
            if (i >= identifier.Length)
            {
                length = 0;
                position = i;
                return false;
            }

            for (i++; i < identifier.Length; i++)
            {
                var c = identifier[i];
                if (!char.IsLetter(c))
                {
                    break;
                }

                var prev = identifier[i - 1];
                if (char.IsUpper(c) && (char.IsLower(prev)
                    || (i + 1 < identifier.Length && char.IsLower(identifier[i + 1]) && char.IsUpper(prev))))
                {
                    break;
                }
            }

            length = i - start;
            position = i;
            return true;
        }

        /// <summary>A case-insensitive word set.</summary>
        public static WordSet Set(params string[] words) => new WordSet(words);
    }

    /// <summary>
    /// A vocabulary matched against ranges of an identifier without allocating (case-insensitive): the words of a
    /// name are looked up where they stand, no substring is made.
    /// </summary>
    public sealed class WordSet
    {
        // Candidates by length. Built with plain loops: these sets are made when the analyzers load, and LINQ over
        // value-type keys would be JIT-compiled generic code in every fresh compiler process.
        private readonly string[][] _byLength;

        /// <summary>Creates the vocabulary (lower-case words).</summary>
        public WordSet(params string[] words)
        {
            var longest = 0;
            foreach (var word in words)
            {
                longest = Math.Max(longest, word.Length);
            }

            var lists = new List<string>[longest + 1];
            foreach (var word in words)
            {
                var list = lists[word.Length] ??= new List<string>();
                if (list.FindIndex(w => string.Equals(w, word, StringComparison.OrdinalIgnoreCase)) < 0)
                {
                    list.Add(word);
                }
            }

            _byLength = new string[longest + 1][];
            for (var length = 0; length <= longest; length++)
            {
                _byLength[length] = lists[length]?.ToArray() ?? Array.Empty<string>();
            }
        }

        private bool TryGetValue(int length, out string[] candidates)
        {
            candidates = length < _byLength.Length ? _byLength[length] : Array.Empty<string>();
            return candidates.Length > 0;
        }

        /// <summary>The vocabulary word equal to <paramref name="text"/>[start, start + length), or null.</summary>
        [MethodImpl(SignText.Hot)]
        public string? Find(string text, int start, int length)
        {
            if (TryGetValue(length, out var candidates))
            {
                foreach (var word in candidates)
                {
                    if (string.Compare(text, start, word, 0, length, StringComparison.OrdinalIgnoreCase) == 0)
                    {
                        return word;
                    }
                }
            }

            return null;
        }

        /// <summary>True when the two ranges, read one after the other, spell a vocabulary word (BackProp, feed_forward).</summary>
        public bool ContainsPair(string text, int start1, int length1, int start2, int length2)
        {
            if (TryGetValue(length1 + length2, out var candidates))
            {
                foreach (var word in candidates)
                {
                    if (string.Compare(text, start1, word, 0, length1, StringComparison.OrdinalIgnoreCase) == 0
                        && string.Compare(text, start2, word, length1, length2, StringComparison.OrdinalIgnoreCase) == 0)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>True when the whole of <paramref name="word"/> is in the vocabulary.</summary>
        public bool Contains(string word) => Find(word, 0, word.Length) is not null;
    }
}
