using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NnAnalyzers.Tests.Meta;
using NnAnalyzers.Tests.Verifiers;

namespace NnAnalyzers.Tests.Robustness
{
    /// <summary>Puts a source in a workspace and asks our code fix providers for their actions, applying them.</summary>
    public static class FixRunner
    {
        public static Document CreateDocument(string text, string path = "/0/Test0.cs")
        {
            var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution
                .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Test", "Test", LanguageNames.CSharp,
                    compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
                    parseOptions: AnalyzerRunner.ParseOptions,
                    metadataReferences: TestReferences.All));
            var documentId = DocumentId.CreateNewId(projectId);
            solution = solution.AddDocument(documentId, System.IO.Path.GetFileName(path), SourceText.From(text), filePath: path);
            return solution.GetDocument(documentId)!;
        }

        /// <summary>The code actions every provider offers for <paramref name="diagnostic"/> (nested actions flattened).</summary>
        public static async Task<IReadOnlyList<CodeAction>> GetActionsAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken = default)
        {
            var actions = new List<CodeAction>();
            foreach (var provider in RuleCatalog.CodeFixes.Where(p => p.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var context = new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), cancellationToken);
                await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            }

            return actions.SelectMany(Flatten).ToList();
        }

        private static IEnumerable<CodeAction> Flatten(CodeAction action)
        {
            // NestedActions is public only from Roslyn 4.9 on; read it by reflection so this runs on 4.8 and 5.9.
            var property = typeof(CodeAction).GetProperty("NestedActions", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                ?? typeof(CodeAction).GetProperty("NestedCodeActions", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);
            var nested = property?.GetValue(action) is ImmutableArray<CodeAction> n ? n : ImmutableArray<CodeAction>.Empty;
            return nested.IsDefaultOrEmpty ? new[] { action } : nested.SelectMany(Flatten);
        }

        /// <summary>Applies an action and returns the changed document.</summary>
        public static async Task<Document> ApplyAsync(Document document, CodeAction action, CancellationToken cancellationToken = default)
        {
            var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
            var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            return solution.GetDocument(document.Id)!;
        }
    }
}
