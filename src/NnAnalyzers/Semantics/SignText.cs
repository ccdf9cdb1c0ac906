using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.Text;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// "Can this file show NN signs at all?" — read on the characters of its text, before any syntax node is made: a file
    /// none of whose words (identifiers, and also comments and strings) is a strong sign, and whose words hold fewer than
    /// two distinct weak signs, can declare no type or method that <see cref="NnContext"/> would call NN code. A superset:
    /// a file it lets through is walked as before. Most files of a project without NN code never become red nodes.
    /// Words are split as <see cref="IdentifierWords.NextWord"/> splits names and looked up by a hash computed while
    /// reading them (one probe of a small table per word; the table holds the sign words).
    /// </summary>
    internal static class SignText
    {
        /// <summary>MethodImplOptions.AggressiveOptimization (not in netstandard2.0's enum; honoured by .NET, ignored elsewhere).</summary>
        internal const MethodImplOptions Hot = (MethodImplOptions)512;

        private const int TableMask = 511;
        private const int LongestSign = 24;

        private static readonly Entry?[] s_table = CreateTable();
        private static readonly int[] s_powers = CreatePowers();

        [System.ThreadStatic]
        private static char[]? t_buffer;

        /// <summary>False only when no declaration of the text can show an NN sign (see the type's summary).</summary>
        // Compiled optimised at once: a build runs this over every file while the process is young, when tiered
        // compilation would still run the loop as unoptimised tier-0 code.
        [MethodImpl(Hot)]
        public static bool MayShowSigns(SourceText text)
        {
            var length = text.Length;
            var buffer = t_buffer;
            if (buffer is null || buffer.Length < length)
            {
                t_buffer = buffer = new char[System.Math.Max(length, 16 * 1024)];
            }

            text.CopyTo(0, buffer, 0, length);
            ulong weak = 0;
            var previousStart = -1;
            var previousLength = 0;
            var previousHash = 0;
            var i = 0;
            while (i < length)
            {
                var c = buffer[i];
                if (!IsLetter(c))
                {
                    if (c != '_' && (uint)(c - '0') > 9 && !(c > 127 && char.IsDigit(c)))
                    {
                        // The identifier ends: compound signs (BackProp, feed_forward) are read inside one name only.
                        previousStart = -1;
                    }

                    i++;
                    continue;
                }

                // One word: letters, a new one at a lower→upper change or at the last capital of an acronym (XMLParser).
                var start = i;
                var hash = Lower(c);
                for (i++; i < length; i++)
                {
                    var d = buffer[i];
                    if (!IsLetter(d))
                    {
                        break;
                    }

                    if (IsUpper(d))
                    {
                        var p = buffer[i - 1];
                        if (IsLower(p) || (i + 1 < length && IsLower(buffer[i + 1]) && IsUpper(p)))
                        {
                            break;
                        }
                    }

                    hash = unchecked((hash * 31) + Lower(d));
                }

                var wordLength = i - start;
                if (wordLength <= LongestSign)
                {
                    if (Find(hash, buffer, start, wordLength, 0, 0) is { } entry)
                    {
                        if (entry.Strong)
                        {
                            return true;
                        }

                        weak |= entry.WeakBit;
                        if ((weak & (weak - 1)) != 0)
                        {
                            return true;
                        }
                    }

                    if (previousStart >= 0 && previousLength + wordLength <= LongestSign
                        && Find(unchecked((previousHash * s_powers[wordLength]) + hash), buffer, previousStart, previousLength, start, wordLength) is { Strong: true })
                    {
                        return true;
                    }
                }

                previousStart = start;
                previousLength = wordLength;
                previousHash = hash;
            }

            return false;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsLetter(char c) => c < 128 ? (uint)((c | 0x20) - 'a') <= 'z' - 'a' : char.IsLetter(c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsUpper(char c) => c < 128 ? (uint)(c - 'A') <= 'Z' - 'A' : char.IsUpper(c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsLower(char c) => c < 128 ? (uint)(c - 'a') <= 'z' - 'a' : char.IsLower(c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Lower(char c) => c < 128 ? (c | 0x20) : char.ToLowerInvariant(c);

        // The sign whose letters are text[start1, +length1) followed by text[start2, +length2), by hash then by letters.
        [MethodImpl(Hot)]
        private static Entry? Find(int hash, char[] text, int start1, int length1, int start2, int length2)
        {
            for (var index = hash & TableMask; s_table[index] is { } entry; index = (index + 1) & TableMask)
            {
                if (entry.Hash == hash && entry.Word.Length == length1 + length2 && Spells(entry.Word, text, start1, length1, start2, length2))
                {
                    return entry;
                }
            }

            return null;
        }

        private static bool Spells(string word, char[] text, int start1, int length1, int start2, int length2)
        {
            for (var k = 0; k < length1; k++)
            {
                if (Lower(text[start1 + k]) != word[k])
                {
                    return false;
                }
            }

            for (var k = 0; k < length2; k++)
            {
                if (Lower(text[start2 + k]) != word[length1 + k])
                {
                    return false;
                }
            }

            return true;
        }

        private static int Hash(string word)
        {
            var hash = 0;
            foreach (var c in word)
            {
                hash = unchecked((hash * 31) + Lower(c));
            }

            return hash;
        }

        private static int[] CreatePowers()
        {
            var powers = new int[LongestSign + 1];
            powers[0] = 1;
            for (var k = 1; k < powers.Length; k++)
            {
                powers[k] = unchecked(powers[k - 1] * 31);
            }

            return powers;
        }

        private static Entry?[] CreateTable()
        {
            var table = new Entry?[TableMask + 1];
            void Add(string word, bool strong, ulong weakBit)
            {
                var hash = Hash(word);
                var index = hash & TableMask;
                while (table[index] is { } existing)
                {
                    if (existing.Word == word)
                    {
                        return;
                    }

                    index = (index + 1) & TableMask;
                }

                table[index] = new Entry(hash, word, strong, weakBit);
            }

            foreach (var word in NnContext.StrongSignWords)
            {
                Add(word, strong: true, 0);
            }

            // Our library's namespace (NnAnalyzers.Network) is read as the words "nn" and "analyzers": a compound.
            Add("nnanalyzers", strong: true, 0);

            // Singular and plural share a bit, as they count once in NnContext (weights + weight is one sign).
            var bits = new System.Collections.Generic.Dictionary<string, ulong>(System.StringComparer.Ordinal);
            foreach (var word in NnContext.WeakSignWords)
            {
                var normalized = NnContext.NormalizeSign(word);
                if (!bits.TryGetValue(normalized, out var bit))
                {
                    bits[normalized] = bit = 1UL << bits.Count;
                }

                Add(word, strong: false, bit);
            }

            return table;
        }

        private sealed class Entry
        {
            public Entry(int hash, string word, bool strong, ulong weakBit)
            {
                Hash = hash;
                Word = word;
                Strong = strong;
                WeakBit = weakBit;
            }

            public int Hash { get; }

            public string Word { get; }

            public bool Strong { get; }

            public ulong WeakBit { get; }
        }
    }
}
