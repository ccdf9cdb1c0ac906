using System;
using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NnAnalyzers.Semantics;

namespace NnAnalyzers
{
    /// <summary>
    /// Generated code, as the compiler's analyzer driver defines it, judged by our analyzers themselves: a file named or
    /// headed as generated (or marked <c>generated_code = true</c> in .editorconfig), a <c>#line hidden</c> span, or a
    /// declaration carrying <c>[GeneratedCode]</c>. Our analyzers neither look into such code nor report in it.
    /// </summary>
    /// <remarks>
    /// The driver skips generated code for our analyzers (they do not ask for <see cref="GeneratedCodeAnalysisFlags.Analyze"/>:
    /// no callback runs there), but a diagnostic found while analysing hand-written code may still land in generated
    /// code: NN0008 reads a whole file, NN0007 a whole type (partial, one part generated), and a <c>#line hidden</c> span
    /// sits inside a hand-written method. With <see cref="GeneratedCodeAnalysisFlags.None"/> the driver would check each
    /// reported diagnostic, and the first time a diagnostic lands in a file it walks every token of that file for a
    /// <c>GeneratedCode</c> identifier, charged to the rule that reported: on 2 000 files of buggy NN code about a quarter
    /// of our analyzers' time in a fresh compiler (perf/compare-csc.sh). So our analyzers ask only for
    /// <see cref="GeneratedCodeAnalysisFlags.ReportDiagnostics"/> (the driver keeps what they report) and every diagnostic
    /// goes through <c>Report</c> here, which looks at the diagnostic's own location only: its file, and the declarations
    /// around it. One difference from the driver: an attribute applied through an alias (<c>using GC = ...</c>) is not
    /// recognised, as it is found by its name before it is bound.
    /// </remarks>
    internal static class GeneratedCode
    {
        /// <summary>Reports <paramref name="diagnostic"/> unless its location is generated code.</summary>
        public static void Report(this OperationAnalysisContext context, Diagnostic diagnostic)
        {
            if (!Contains(diagnostic.Location, context.Compilation, context.Options, context.Operation.SemanticModel, context.CancellationToken))
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        /// <summary>Reports <paramref name="diagnostic"/> unless its location is generated code.</summary>
        public static void Report(this OperationBlockAnalysisContext context, Diagnostic diagnostic)
        {
            var model = context.OperationBlocks.IsEmpty ? null : context.OperationBlocks[0].SemanticModel;
            if (!Contains(diagnostic.Location, context.Compilation, context.Options, model, context.CancellationToken))
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        /// <summary>Reports <paramref name="diagnostic"/> unless its location is generated code.</summary>
        /// <param name="context">The symbol action's context.</param>
        /// <param name="diagnostic">The diagnostic.</param>
        /// <param name="model">A semantic model of the diagnostic's file, if the caller holds one (the reported operation's).</param>
        public static void Report(this SymbolAnalysisContext context, Diagnostic diagnostic, SemanticModel? model)
        {
            if (!Contains(diagnostic.Location, context.Compilation, context.Options, model, context.CancellationToken))
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        /// <summary>Reports <paramref name="diagnostic"/> unless its location is generated code.</summary>
        public static void Report(this SemanticModelAnalysisContext context, Diagnostic diagnostic)
        {
            if (!Contains(diagnostic.Location, context.SemanticModel.Compilation, context.Options, context.SemanticModel, context.CancellationToken))
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        /// <summary>
        /// Whether <paramref name="location"/> lies in generated code. <paramref name="model"/> (of the location's file)
        /// binds a <c>GeneratedCode</c>-named attribute; without it such an attribute is taken at its name. What a file
        /// allows is read once per file of the compilation: whether it is generated as a whole, whether it has directives
        /// at all (a <c>#line hidden</c> is one), whether its text names <c>GeneratedCode</c> anywhere.
        /// </summary>
        public static bool Contains(Location location, Compilation compilation, AnalyzerOptions options, SemanticModel? model, CancellationToken cancellationToken)
        {
            if (!location.IsInSource || location.SourceTree is not { } tree)
            {
                return false;
            }

            var file = NnSemantics.Create(compilation).GeneratedFiles.Of(tree, options, cancellationToken);
            return file.IsGenerated
                || (file.HasDirectives && tree.GetLineVisibility(location.SourceSpan.Start, cancellationToken) == LineVisibility.Hidden)
                || (file.NamesGeneratedCode && InsideMarkedDeclaration(tree, location.SourceSpan.Start, model?.SyntaxTree == tree ? model : null, cancellationToken));
        }

        /// <summary>The per-file answers of one compilation, made when a diagnostic first lands in the file.</summary>
        internal sealed class Files
        {
            [ThreadStatic]
            private static char[]? t_buffer;

            private readonly ConcurrentDictionary<SyntaxTree, FileFacts> _files = new ConcurrentDictionary<SyntaxTree, FileFacts>();

            public FileFacts Of(SyntaxTree tree, AnalyzerOptions options, CancellationToken cancellationToken)
            {
                // The options provider is part of the answer (generated_code = true in .editorconfig): a host that gives the
                // same compilation other options gets the file read again.
                var provider = options.AnalyzerConfigOptionsProvider;
                if (_files.TryGetValue(tree, out var known) && ReferenceEquals(known.Provider, provider))
                {
                    return known;
                }

                var root = tree.GetRoot(cancellationToken);
                var file = new FileFacts(provider, IsGeneratedFile(tree, options, cancellationToken), root.ContainsDirectives, Names(tree.GetText(cancellationToken), "GeneratedCode"));
                _files[tree] = file;
                return file;
            }

            // Whether the text holds the word (read in chunks that overlap by the word's length: no string of the file is made).
            private static bool Names(SourceText text, string word)
            {
                var buffer = t_buffer ??= new char[4096];
                for (var start = 0; start < text.Length; start += buffer.Length - word.Length)
                {
                    var count = Math.Min(buffer.Length, text.Length - start);
                    text.CopyTo(start, buffer, 0, count);
                    for (var i = Array.IndexOf(buffer, word[0], 0, count); i >= 0 && i <= count - word.Length; i = i + 1 < count ? Array.IndexOf(buffer, word[0], i + 1, count - i - 1) : -1)
                    {
                        var k = 1;
                        while (k < word.Length && buffer[i + k] == word[k])
                        {
                            k++;
                        }

                        if (k == word.Length)
                        {
                            return true;
                        }
                    }

                    if (start + count >= text.Length)
                    {
                        break;
                    }
                }

                return false;
            }
        }

        /// <summary>What a file allows of generated code.</summary>
        internal sealed class FileFacts
        {
            public FileFacts(AnalyzerConfigOptionsProvider provider, bool isGenerated, bool hasDirectives, bool namesGeneratedCode)
            {
                Provider = provider;
                IsGenerated = isGenerated;
                HasDirectives = hasDirectives;
                NamesGeneratedCode = namesGeneratedCode;
            }

            public AnalyzerConfigOptionsProvider Provider { get; }

            public bool IsGenerated { get; }

            public bool HasDirectives { get; }

            public bool NamesGeneratedCode { get; }
        }

        /// <summary>
        /// A whole file of generated code: so marked in the options (<c>generated_code = true | false</c> in .editorconfig,
        /// read where the driver reads it), else by its name (<c>.g.cs</c>, <c>.g.i.cs</c>, <c>.designer.cs</c>,
        /// <c>.generated.cs</c>, <c>TemporaryGeneratedFile_</c>) or by an <c>&lt;auto-generated</c> (or
        /// <c>&lt;autogenerated</c>) comment before its first token.
        /// </summary>
        public static bool IsGeneratedFile(SyntaxTree tree, AnalyzerOptions options, CancellationToken cancellationToken)
        {
            if (options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue("generated_code", out var value) && bool.TryParse(value, out var marked))
            {
                return marked;
            }

            return HasGeneratedFileName(tree.FilePath) || BeginsWithAutoGeneratedComment(tree, cancellationToken);
        }

        internal static bool HasGeneratedFileName(string? path)
        {
            if (string.IsNullOrEmpty(path))
            {
                return false;
            }

            // Path.GetFileName throws on some characters on .NET Framework hosts: split by hand.
            var name = path!.Substring(path.LastIndexOfAny(s_separators) + 1);
            if (name.StartsWith("TemporaryGeneratedFile_", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            var dot = name.LastIndexOf('.');
            if (dot <= 0)
            {
                return false;
            }

            var stem = name.Substring(0, dot);
            return stem.EndsWith(".g", StringComparison.OrdinalIgnoreCase)
                || stem.EndsWith(".g.i", StringComparison.OrdinalIgnoreCase)
                || stem.EndsWith(".designer", StringComparison.OrdinalIgnoreCase)
                || stem.EndsWith(".generated", StringComparison.OrdinalIgnoreCase);
        }

        private static readonly char[] s_separators = { '/', '\\' };

        private static bool BeginsWithAutoGeneratedComment(SyntaxTree tree, CancellationToken cancellationToken)
        {
            foreach (var trivia in tree.GetRoot(cancellationToken).GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
                {
                    var text = trivia.ToString();
                    if (text.IndexOf("<auto-generated", StringComparison.Ordinal) >= 0 || text.IndexOf("<autogenerated", StringComparison.Ordinal) >= 0)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Whether a declaration around <paramref name="position"/> carries <c>[GeneratedCode]</c>. A partial type or
        /// method declared in several places does not count, as for the driver (one part's attribute is not the whole's).
        /// </summary>
        private static bool InsideMarkedDeclaration(SyntaxTree tree, int position, SemanticModel? model, CancellationToken cancellationToken)
        {
            for (var node = tree.GetRoot(cancellationToken).FindToken(position).Parent; node is not null; node = node.Parent)
            {
                var lists = node switch
                {
                    MemberDeclarationSyntax member => member.AttributeLists,
                    LocalFunctionStatementSyntax function => function.AttributeLists,
                    AccessorDeclarationSyntax accessor => accessor.AttributeLists,
                    _ => default,
                };
                foreach (var list in lists)
                {
                    foreach (var attribute in list.Attributes)
                    {
                        if (IsGeneratedCodeAttribute(attribute, model, cancellationToken) && !IsPartialElsewhere(node, model, cancellationToken))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool IsGeneratedCodeAttribute(AttributeSyntax attribute, SemanticModel? model, CancellationToken cancellationToken)
        {
            var name = attribute.Name switch
            {
                QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
                AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => string.Empty,
            };
            if (name is not ("GeneratedCode" or "GeneratedCodeAttribute"))
            {
                return false;
            }

            if (model is null)
            {
                return true;
            }

            return model.GetSymbolInfo(attribute, cancellationToken).Symbol?.ContainingType is { Name: "GeneratedCodeAttribute" } type
                && Namespaces.Is(type.ContainingNamespace, "System.CodeDom.Compiler");
        }

        private static bool IsPartialElsewhere(SyntaxNode declaration, SemanticModel? model, CancellationToken cancellationToken)
        {
            var partial = declaration switch
            {
                TypeDeclarationSyntax type => type.Modifiers.Any(SyntaxKind.PartialKeyword),
                MethodDeclarationSyntax method => method.Modifiers.Any(SyntaxKind.PartialKeyword),
                _ => false,
            };
            return partial && model?.GetDeclaredSymbol(declaration, cancellationToken) is { DeclaringSyntaxReferences.Length: > 1 };
        }
    }
}
