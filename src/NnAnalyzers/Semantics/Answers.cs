using System;
using System.Collections.Concurrent;

namespace NnAnalyzers.Semantics
{
    /// <summary>The per-compilation tables of the semantics layer, where each answer about a symbol is kept once made.</summary>
    internal static class Answers
    {
        /// <summary>
        /// The answer <paramref name="table"/> holds for <paramref name="key"/>, or the one <paramref name="compute"/> makes of
        /// it and <paramref name="state"/>, then kept. Answers are pure: two threads that race compute the same one and
        /// either is kept. A static <paramref name="compute"/> with its state passed in allocates nothing per call.
        /// </summary>
        public static TValue Get<TKey, TValue, TState>(ConcurrentDictionary<TKey, TValue> table, TKey key, TState state, Func<TKey, TState, TValue> compute)
            where TKey : notnull
        {
            if (table.TryGetValue(key, out var known))
            {
                return known;
            }

            var value = compute(key, state);
            table.TryAdd(key, value);
            return value;
        }
    }
}
