using Microsoft.CodeAnalysis;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// Namespace tests that compare names part by part instead of building the dotted name (<c>ToDisplayString</c> makes
    /// a string on every call, and these questions are asked for every invocation a rule looks at).
    /// </summary>
    public static class Namespaces
    {
        /// <summary>True when <paramref name="ns"/> is exactly <paramref name="dottedName"/> ("MathNet.Numerics.Distributions").</summary>
        public static bool Is(INamespaceSymbol? ns, string dottedName)
        {
            if (ns is null)
            {
                return false;
            }

            var end = dottedName.Length; // the parts are matched from the innermost: dottedName[..end] is still to match
            for (; ns is not null && !ns.IsGlobalNamespace; ns = ns.ContainingNamespace)
            {
                var name = ns.Name;
                var start = end - name.Length;
                if (start < 0 || string.CompareOrdinal(dottedName, start, name, 0, name.Length) != 0 || (start > 0 && dottedName[start - 1] != '.'))
                {
                    return false;
                }

                end = start - 1;
            }

            return end == -1 || (end == 0 && dottedName.Length == 0);
        }

        /// <summary>True when <paramref name="ns"/> is <paramref name="dottedPrefix"/> or nested in it ("System.Collections" holds "System.Collections.Generic").</summary>
        public static bool IsWithin(INamespaceSymbol? ns, string dottedPrefix)
        {
            if (ns is null)
            {
                return false;
            }

            var parts = 1;
            foreach (var c in dottedPrefix)
            {
                parts += c == '.' ? 1 : 0;
            }

            var depth = 0;
            for (var n = ns; n is not null && !n.IsGlobalNamespace; n = n.ContainingNamespace)
            {
                depth++;
            }

            for (; depth > parts; depth--)
            {
                ns = ns!.ContainingNamespace;
            }

            return depth == parts && Is(ns, dottedPrefix);
        }
    }
}
