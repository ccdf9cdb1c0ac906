using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NnAnalyzers.Tests.Meta
{
    /// <summary>Everything the product ships, found by reflection (so a new rule is checked without being listed).</summary>
    public static class RuleCatalog
    {
        public static Assembly AnalyzerAssembly => typeof(NnAnalyzer).Assembly;

        public static Assembly CodeFixAssembly => Assembly.Load("NnAnalyzers.CodeFixes");

        /// <summary>Every public static descriptor declared in <see cref="NnAnalyzers.Descriptors"/>.</summary>
        public static ImmutableArray<DiagnosticDescriptor> Descriptors { get; } = typeof(Descriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();

        public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = AnalyzerAssembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        public static ImmutableArray<CodeFixProvider> CodeFixes { get; } = CodeFixAssembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        public static IEnumerable<object[]> DescriptorIds() => Descriptors.Select(d => new object[] { d.Id });

        public static DiagnosticDescriptor Get(string id) => Descriptors.Single(d => d.Id == id);
    }
}
