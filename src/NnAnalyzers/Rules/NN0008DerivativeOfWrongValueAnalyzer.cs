using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.Rules
{
    /// <summary>
    /// NN0008 Derivative applied to the wrong value: a derivative written for the activation's output (σ′ = a(1 − a),
    /// tanh′ = 1 − a²) applied to a pre-activation z, or to σ(a) where a is already an activation output; and our
    /// library's <c>…FromPreActivation</c> derivatives given an activation output.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NN0008DerivativeOfWrongValueAnalyzer : NnAnalyzer
    {
        // The operations the walks of a body have cases for (read off the body's list by kind: the others are never type-tested).
        private static readonly KindSet s_callsAndProducts = KindSet.Of(OperationKind.Invocation, OperationKind.Binary);

        /// <summary>Property key: which case was found (one of the <c>Kind…</c> values).</summary>
        public const string KindProperty = "Kind";

        /// <summary>Property key: the storage that holds the matching activation outputs, when one is at hand.</summary>
        public const string ReplacementProperty = "Replacement";

        /// <summary>Property key: the library derivative that takes the value given.</summary>
        public const string MethodProperty = "Method";

        /// <summary>An output-form derivative given a pre-activation (additional locations: the occurrences of z).</summary>
        public const string KindPreActivation = "PreActivation";

        /// <summary>An output-form derivative given σ(a) of an activation a (additional locations: pairs call, inner value).</summary>
        public const string KindAppliedTwice = "AppliedTwice";

        /// <summary>A pre-activation derivative of the library given an activation output.</summary>
        public const string KindOutputToPreActivation = "OutputToPreActivation";

        private const string LibraryAssembly = "NnAnalyzers.Network";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.NN0008DerivativeOfWrongValue);

        /// <inheritdoc />
        protected override void InitializeCore(AnalysisContext context)
        {
            context.RegisterCompilationStartAction(start =>
            {
                var activations = new ActivationValues();
                var sites = DerivativeSites.Create(start.Compilation, activations, start.CancellationToken);
                if (sites.HasNoFormula && !KnownSymbols.References(start.Compilation, LibraryAssembly))
                {
                    // No formula anywhere and no library whose derivatives could be called: nothing to look at.
                    return;
                }

                var nn = NnSemantics.Create(start.Compilation).Context;

                // No has-NN-code gate here: activations are recognised by their formulas, also in code whose names
                // say nothing (Sig, SigDeriv, z, a). The gate is on the text and the calls instead: only the bodies that hold a
                // derivative formula or call a derivative are read. A block action, not a semantic-model action: the
                // compiler hands over the body's operations (bound for every rule once) and its symbol.
                var types = new ConcurrentDictionary<INamedTypeSymbol, PreActivations>(SymbolEqualityComparer.Default);
                start.RegisterOperationBlockAction(c => AnalyzeBlocks(c, sites, activations, nn, types));
            });
        }

        private static void AnalyzeBlocks(OperationBlockAnalysisContext context, DerivativeSites sites, ActivationValues activations, NnContext nn, ConcurrentDictionary<INamedTypeSymbol, PreActivations> types)
        {
            var ct = context.CancellationToken;
            Action<Diagnostic>? report = null;
            foreach (var block in context.OperationBlocks)
            {
                if (block is not (IMethodBodyBaseOperation or IBlockOperation) || !sites.MayHoldDerivative(block, ct))
                {
                    continue;
                }

                report ??= d => context.Report(d);
                AnalyzeBody(report, context.OwningSymbol, block, activations, nn, types, ct);
            }
        }

        private static void AnalyzeBody(Action<Diagnostic> report, ISymbol owner, IOperation block, ActivationValues activations, NnContext nn, ConcurrentDictionary<INamedTypeSymbol, PreActivations> types, CancellationToken ct)
        {
            var lazy = new Lazy<PreActivations>(() => PreActivations.Analyze(block, activations, ct)
                .WithFieldsFrom(() => FieldFacts(owner, block, activations, types, ct)));
            var inNnCode = new Lazy<bool>(() => nn.Contains(owner));
            foreach (var operation in BodyOperations.Shared(block).WithoutFirst().OfKind(s_callsAndProducts))
            {
                switch (operation)
                {
                    case IInvocationOperation invocation:
                        CheckCall(report, invocation, activations, lazy, ct);
                        CheckInline(report, operation, activations, lazy, inNnCode, ct);
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Subtract }:
                        CheckInline(report, operation, activations, lazy, inNnCode, ct);
                        break;
                }
            }
        }

        // The facts of the whole type, for fields written by one method (the forward pass) and read by another.
        private static PreActivations? FieldFacts(ISymbol owner, IOperation block, ActivationValues activations, ConcurrentDictionary<INamedTypeSymbol, PreActivations> types, CancellationToken ct)
        {
            if (owner.ContainingType is not { } type || block.SemanticModel is not { } model)
            {
                return null;
            }

            if (!types.TryGetValue(type, out var facts))
            {
                facts = types.GetOrAdd(type, PreActivations.AnalyzeType(type, model, activations, ct));
            }

            return facts;
        }

        private static void CheckCall(Action<Diagnostic> report, IInvocationOperation invocation, ActivationValues activations, Lazy<PreActivations> lazy, CancellationToken ct)
        {
            var role = activations.AsCall(invocation, ct, out var argument);
            if (argument is null || !(ActivationFormulas.TakesOutput(role) || ActivationFormulas.TakesPreActivation(role)))
            {
                return;
            }

            var values = lazy.Value;
            var method = invocation.TargetMethod;
            if (ActivationFormulas.TakesOutput(role))
            {
                // Named in the message by the method, or by the call's text for Map(f).
                var swap = ActivationValues.IsLibraryMethod(method) ? SwapName(method, "FromOutput", "FromPreActivation") : null;
                var name = method.MethodKind == MethodKind.DelegateInvoke ? invocation.Instance!.Syntax.ToString()
                    : method.Name == "Map" || method.Name == "Select" ? null : method.Name;
                var site = new Site(invocation.Syntax.SyntaxTree, invocation.Syntax.Span, name);
                Check(report, site, role, new[] { argument }, activations, values, swap, ct);
                return;
            }

            // A library derivative of the pre-activation given an activation output (or an activation call).
            if (!ActivationValues.IsLibraryMethod(method))
            {
                return;
            }

            var isOutput = values.Classify(argument) == StoredValue.ActivationOutput
                || ActivationFormulas.IsActivation(activations.AsActivation(argument, ct, out _));
            var target = SwapName(method, "FromPreActivation", "FromOutput");
            if (isOutput && target is not null)
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, KindOutputToPreActivation).Add(MethodProperty, target);
                var message = $"'{method.Name}' takes the pre-activation z, but '{Shorten(argument.Syntax.ToString())}' is the {ActivationFormulas.FunctionName(role)}'s output: call '{target}'";
                report(Diagnostic.Create(Descriptors.NN0008DerivativeOfWrongValue, invocation.Syntax.GetLocation(), properties, message));
            }
        }

        private static void CheckInline(Action<Diagnostic> report, IOperation operation, ActivationValues activations, Lazy<PreActivations> lazy, Lazy<bool> inNnCode, CancellationToken ct)
        {
            if (operation.Syntax is not ExpressionSyntax syntax || operation.SemanticModel is not { } model)
            {
                return;
            }

            if (operation is IInvocationOperation { TargetMethod.Name: not "PointwiseMultiply" })
            {
                return;
            }

            var role = ActivationFormulas.ClassifyInlineDerivative(syntax, out var first, out var second);
            if (role == ActivationRole.None || first is null)
            {
                return;
            }

            var occurrences = new List<IOperation>();
            foreach (var e in second is null ? new[] { first } : new[] { first, second })
            {
                if (model.GetOperation(e, ct) is not { } value)
                {
                    return;
                }

                occurrences.Add(value);
            }

            var values = lazy.Value;

            // A formula written inline is a derivative only where an activation is at work: the value is activated in
            // this method, or the method belongs to NN code. (1 - x * x is also plain algebra.)
            if (!inNnCode.Value && !(PreActivations.StorageOf(occurrences[0], out var storage, out _) && values.IsActivated(storage))
                && !ActivationFormulas.IsActivation(activations.AsActivation(occurrences[0], ct, out _)))
            {
                return;
            }

            // error * v * (1 - v) parses as (error * v) * (1 - v): the derivative is the part from v on.
            var span = syntax.Span;
            if (syntax is BinaryExpressionSyntax { Left: var left } && ActivationFormulas.Strip(left) is BinaryExpressionSyntax chained
                && chained.IsKind(SyntaxKind.MultiplyExpression) && ReferenceEquals(ActivationFormulas.Strip(chained.Right), first))
            {
                span = TextSpan.FromBounds(first.SpanStart, syntax.Span.End);
            }

            // Written inline, the formula is a derivative of a pre-activation only where an activation is applied to that
            // value (here, in the type's other methods, or to what it copies): Σ wₘ·σ(zₘ) · (1 − Σ wₘ·σ(zₘ)), the variance
            // of an ensemble's probability, is a weighted sum that nothing activates.
            Check(report, new Site(syntax.SyntaxTree, span, null), role, occurrences, activations, values, null, ct, requireActivated: true);
        }

        // Where a derivative stands and how the message names it (the method, or the text at the site); the location and
        // the texts are made only for a diagnostic (most derivatives checked are right).
        private readonly struct Site
        {
            private readonly SyntaxTree _tree;
            private readonly string? _name;

            public Site(SyntaxTree tree, TextSpan span, string? name)
            {
                _tree = tree;
                Span = span;
                _name = name;
            }

            public TextSpan Span { get; }

            public Location Location => Location.Create(_tree, Span);

            public string What(CancellationToken ct) => _name is not null ? $"'{_name}'" : $"'{Shorten(_tree.GetText(ct).ToString(Span))}'";
        }

        // The derivative takes the output: report a pre-activation, or an activation of an output.
        private static void Check(Action<Diagnostic> report, Site site, ActivationRole role, IReadOnlyList<IOperation> occurrences,
            ActivationValues activations, PreActivations values, string? swap, CancellationToken ct, bool requireActivated = false)
        {
            var value = occurrences[0];
            var function = ActivationFormulas.FunctionName(role);
            if (values.Classify(value) == StoredValue.PreActivation
                && (!requireActivated || (PreActivations.StorageOf(value, out var storage, out _) && values.IsActivated(storage))))
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, KindPreActivation);
                var replacement = Replacement(value, role, values, site.Span.Start);
                if (replacement is not null)
                {
                    properties = properties.Add(ReplacementProperty, replacement);
                }

                if (swap is not null)
                {
                    properties = properties.Add(MethodProperty, swap);
                }

                var advice = replacement is not null
                    ? $"pass '{Shorten(ReplaceRoot(value.Syntax, replacement))}'"
                    : swap is not null ? $"call '{swap}'" : "pass the activation output instead";
                var message = $"{site.What(ct)} takes the {function}'s output a = {function}(z), but '{Shorten(value.Syntax.ToString())}' is the pre-activation z: {advice}";
                report(Diagnostic.Create(Descriptors.NN0008DerivativeOfWrongValue, site.Location,
                    occurrences.Select(o => o.Syntax.GetLocation()), properties, message));
                return;
            }

            var locations = new List<Location>();
            IOperation? inner = null;
            foreach (var occurrence in occurrences)
            {
                if (!ActivationFormulas.IsActivation(activations.AsActivation(occurrence, ct, out var argument)) || argument is null
                    || values.Classify(argument) != StoredValue.ActivationOutput)
                {
                    return;
                }

                inner ??= argument;
                locations.Add(occurrence.Syntax.GetLocation());
                locations.Add(argument.Syntax.GetLocation());
            }

            if (inner is null)
            {
                return;
            }

            var twice = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, KindAppliedTwice);
            var innerText = Shorten(inner.Syntax.ToString());
            var text = $"{site.What(ct)} takes the {function}'s output, but '{Shorten(value.Syntax.ToString())}' applies the activation again to '{innerText}', which already is an activation output: pass '{innerText}'";
            report(Diagnostic.Create(Descriptors.NN0008DerivativeOfWrongValue, site.Location, locations, twice, text));
        }

        // The storage holding the activation of this pre-activation, when it is at hand at the derivative: the same kind
        // of activation, one storage only, assigned before, in scope, of the same type, and the value read by a plain name.
        private static string? Replacement(IOperation value, ActivationRole role, PreActivations values, int position)
        {
            if (!PreActivations.StorageOf(value, out var storage, out var isElement) || ActivationValues.RootName((ExpressionSyntax)value.Syntax) is null
                || value.SemanticModel is not { } model)
            {
                return null;
            }

            var wanted = role == ActivationRole.TanhDerivativeFromOutput ? ActivationRole.Tanh : ActivationRole.Sigmoid;
            // An element z[k] pairs with an element write a[k] = σ(z[k]), or else with a whole map a = σ(z) (an
            // activation applies elementwise: a[k] is σ(z[k])).
            List<ISymbol> Outputs(bool elementPairs) => values.PairsOf(storage)
                .Where(p => p.Activation == wanted && (p.Index is not null) == elementPairs && (p.End <= position || storage is IFieldSymbol || storage is IPropertySymbol)
                    && (p.Index != PreActivations.FromEndIndex || (PreActivations.IndexText(value.Syntax) ?? string.Empty).StartsWith("^", StringComparison.Ordinal)))
                .Select(p => p.Output)
                .Distinct(SymbolEqualityComparer.Default)
                .ToList();
            var outputs = Outputs(isElement);
            if (outputs.Count == 0 && isElement)
            {
                outputs = Outputs(elementPairs: false);
            }

            if (outputs.Count != 1 || outputs[0] is not { } output || !SymbolEqualityComparer.Default.Equals(TypeOf(output), TypeOf(storage)))
            {
                return null;
            }

            var visible = model.LookupSymbols(position, name: output.Name);
            return visible.Length == 1 && SymbolEqualityComparer.Default.Equals(visible[0], output) ? output.Name : null;
        }

        private static ITypeSymbol? TypeOf(ISymbol symbol) => NetworkParameters.StorageType(symbol);

        private static string? SwapName(IMethodSymbol method, string from, string to)
        {
            if (!method.Name.EndsWith(from, System.StringComparison.Ordinal))
            {
                return null;
            }

            var name = method.Name.Substring(0, method.Name.Length - from.Length) + to;
            var parameters = method.Parameters;
            foreach (var candidate in method.ContainingType.GetMembers(name).OfType<IMethodSymbol>())
            {
                if (candidate.Parameters.Length == parameters.Length
                    && candidate.Parameters.Select(p => p.Type).SequenceEqual(parameters.Select(p => p.Type), SymbolEqualityComparer.Default))
                {
                    return name;
                }
            }

            return null;
        }

        private static string ReplaceRoot(SyntaxNode value, string name)
        {
            var text = value.ToString();
            var root = ActivationValues.RootName((ExpressionSyntax)value) ?? string.Empty;
            var start = text.IndexOf(root, System.StringComparison.Ordinal);
            return start < 0 ? text : text.Substring(0, start) + name + text.Substring(start + root.Length);
        }

        private static string Shorten(string text)
        {
            text = string.Join(" ", text.Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries));
            return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
        }
    }
}
