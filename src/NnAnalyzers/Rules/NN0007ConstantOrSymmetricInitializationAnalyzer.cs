using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.Rules
{
    /// <summary>
    /// NN0007: every weight of a layer starts with the same value (a constant written in a fill loop, a constant-filled
    /// builder or sequence, or zeros allocated and never filled), or a new <c>Random</c> with the same seed is created
    /// for each neuron in a loop. Equal weights get equal gradients and stay equal: the layer works as one unit.
    /// Biases are not concerned (zero biases are the norm); weights filled, loaded or copied anywhere in their type
    /// (or, for a local, in its method) are not reported.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NN0007ConstantOrSymmetricInitializationAnalyzer : NnAnalyzer
    {
        /// <summary>Property keys handed to the code fix.</summary>
        internal static class Keys
        {
            public const string Kind = "Kind";
            public const string FanIn = "FanIn";
            public const string FanOut = "FanOut";
        }

        /// <summary>Values of <see cref="Keys.Kind"/>.</summary>
        internal static class Kinds
        {
            public const string Constant = "Constant";
            public const string Zero = "Zero";
            public const string Random = "Random";
            public const string RandomPerInstance = "RandomPerInstance";
        }

        private static readonly DiagnosticDescriptor Rule = Descriptors.NN0007ConstantOrSymmetricInitialization;

        /// <summary>Types of which a network holds one instance per neuron or connection.</summary>
        private static readonly HashSet<string> s_perNeuronTypeWords = IdentifierWords.Set(
            "neuron", "synapse", "dendrite", "connection");

        /// <summary>Weights that are not a layer's connections: class or sample weights of a loss, importance weights.</summary>
        private static readonly HashSet<string> s_notLayerWords = IdentifierWords.Set(
            "sample", "samples", "class", "classes", "importance", "loss", "label", "labels");

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        /// <inheritdoc />
        protected override void InitializeCore(AnalysisContext context)
        {
            context.RegisterCompilationStartAction(start =>
            {
                var semantics = NnSemantics.Create(start.Compilation);
                if (semantics.Symbols.Random is null || !semantics.Context.CompilationHasNnCode)
                {
                    return;
                }

                var candidates = new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);
                start.RegisterOperationAction(c => AnalyzeRandomCreation(c, semantics), OperationKind.ObjectCreation);
                start.RegisterSymbolStartAction(
                    s =>
                    {
                        var type = (INamedTypeSymbol)s.Symbol;
                        var uses = new ConcurrentQueue<Use>();
                        s.RegisterOperationAction(
                            c => AnalyzeReference(c, semantics, candidates, uses),
                            OperationKind.LocalReference, OperationKind.ParameterReference, OperationKind.FieldReference, OperationKind.PropertyReference);
                        s.RegisterOperationAction(
                            c => AnalyzeDeclaration(c, semantics, candidates, uses),
                            OperationKind.VariableDeclarator, OperationKind.FieldInitializer, OperationKind.PropertyInitializer);
                        s.RegisterSymbolEndAction(c => ReportConstantWeights(c, semantics, type, uses));
                    },
                    SymbolKind.NamedType);
            });
        }

        private sealed class Use
        {
            public Use(ISymbol storage, StorageWrite kind, IOperation? site, IOperation root)
            {
                Storage = storage;
                Kind = kind;
                Site = site;
                Root = root;
            }

            public ISymbol Storage { get; }

            public StorageWrite Kind { get; }

            public IOperation? Site { get; }

            public IOperation Root { get; }
        }

        // ------------------------------------------------------------------ new Random(seed) in a loop

        private static void AnalyzeRandomCreation(OperationAnalysisContext context, NnSemantics semantics)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (!semantics.Symbols.IsRandom(creation.Type))
            {
                return;
            }

            if (!semantics.ConstantInitialization.IsRepeatedRandom(creation, out var loop) || loop is null)
            {
                AnalyzeRandomPerInstance(context, semantics, creation);
                return;
            }

            if (!semantics.Context.Contains(context.ContainingSymbol))
            {
                return;
            }

            var seed = creation.Arguments.Length == 0
                ? "the default seed (time-based on .NET Framework: identical for objects created within the same tick)"
                : "the same seed on every iteration";
            var message = "A new " + creation.Type!.Name + " is created on every iteration of this loop with " + seed
                + ": each neuron or layer draws the same sequence, so their weights start equal; create one Random outside the loop and share it";
            var properties = ImmutableDictionary<string, string?>.Empty.Add(Keys.Kind, Kinds.Random);
            context.ReportDiagnostic(Diagnostic.Create(Rule, creation.Syntax.GetLocation(), properties, message));
        }

        /// <summary>
        /// <c>new Random()</c> / <c>new Random(42)</c> in the constructor or an instance field initializer of a neuron- or
        /// synapse-like type: one Random per neuron, the same sequence for each (no fix: the Random must come from outside).
        /// </summary>
        private static void AnalyzeRandomPerInstance(OperationAnalysisContext context, NnSemantics semantics, IObjectCreationOperation creation)
        {
            var member = context.ContainingSymbol;
            var perInstance = member is IMethodSymbol { MethodKind: MethodKind.Constructor }
                || (member is IFieldSymbol { IsStatic: false }) || (member is IPropertySymbol { IsStatic: false });
            var type = member.ContainingType;
            if (!perInstance || type is null || !IdentifierWords.ContainsAny(type.Name, s_perNeuronTypeWords))
            {
                return;
            }

            foreach (var argument in creation.Arguments)
            {
                if (!argument.Value.ConstantValue.HasValue)
                {
                    return;
                }
            }

            for (var op = creation.Parent; op is not null; op = op.Parent)
            {
                if (op is IAnonymousFunctionOperation || op is ILocalFunctionOperation)
                {
                    return;
                }
            }

            if (!semantics.Context.Contains(type))
            {
                return;
            }

            var seed = creation.Arguments.Length == 0 ? "the default seed" : "the same seed";
            var message = "Each " + type.Name + " creates its own " + creation.Type!.Name + " with " + seed
                + ": neurons created together draw the same sequence (always with a constant seed; on .NET Framework with the default one), so their weights start equal; pass one shared Random to the constructor";
            var properties = ImmutableDictionary<string, string?>.Empty.Add(Keys.Kind, Kinds.RandomPerInstance);
            context.ReportDiagnostic(Diagnostic.Create(Rule, creation.Syntax.GetLocation(), properties, message));
        }

        // ------------------------------------------------------------------ constant weights

        private static void AnalyzeReference(OperationAnalysisContext context, NnSemantics semantics, ConcurrentDictionary<ISymbol, bool> candidates, ConcurrentQueue<Use> uses)
        {
            var storage = context.Operation switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property when property.Arguments.Length == 0 => property.Property,
                _ => null,
            };
            if (storage is null || !candidates.GetOrAdd(storage, s => IsCandidate(s, semantics.Symbols)))
            {
                return;
            }

            var kind = semantics.ConstantInitialization.ClassifyUse(context.Operation, storage, out var site);
            uses.Enqueue(new Use(storage, kind, site, RandomSign.Root(context.Operation)));
        }

        private static void AnalyzeDeclaration(OperationAnalysisContext context, NnSemantics semantics, ConcurrentDictionary<ISymbol, bool> candidates, ConcurrentQueue<Use> uses)
        {
            ISymbol? storage = null;
            IOperation? value = null;
            switch (context.Operation)
            {
                case IVariableDeclaratorOperation declarator:
                    storage = declarator.Symbol;
                    value = declarator.GetVariableInitializer()?.Value;
                    break;
                case IFieldInitializerOperation field when field.InitializedFields.Length == 1:
                    storage = field.InitializedFields[0];
                    value = field.Value;
                    break;
                case IPropertyInitializerOperation property when property.InitializedProperties.Length == 1:
                    storage = property.InitializedProperties[0];
                    value = property.Value;
                    break;
            }

            if (storage is null || value is null || !candidates.GetOrAdd(storage, s => IsCandidate(s, semantics.Symbols)))
            {
                return;
            }

            var kind = semantics.ConstantInitialization.ClassifyInitialValue(value, storage);
            uses.Enqueue(new Use(storage, kind, value, RandomSign.Root(context.Operation)));
        }

        /// <summary>Cheap filter: a weight-like name and a type that holds many values (array, MathNet tensor, collection).</summary>
        private static bool IsCandidate(ISymbol storage, KnownSymbols symbols)
        {
            if (NetworkParameters.ClassifyName(storage.Name) != ParameterKind.Weight || IdentifierWords.ContainsAny(storage.Name, s_notLayerWords))
            {
                return false;
            }

            var type = storage switch
            {
                ILocalSymbol local => local.Type,
                IParameterSymbol parameter => parameter.Type,
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            return type is IArrayTypeSymbol || symbols.IsMathNetTensor(type)
                || (type is INamedTypeSymbol { IsGenericType: true } named && (named.Name == "List" || named.Name == "Dictionary" || named.Name == "IList"));
        }

        private static void ReportConstantWeights(SymbolAnalysisContext context, NnSemantics semantics, INamedTypeSymbol type, ConcurrentQueue<Use> uses)
        {
            var byStorage = new Dictionary<ISymbol, List<Use>>(SymbolEqualityComparer.Default);
            foreach (var use in uses)
            {
                if (!byStorage.TryGetValue(use.Storage, out var list))
                {
                    list = new List<Use>();
                    byStorage.Add(use.Storage, list);
                }

                list.Add(use);
            }

            foreach (var pair in byStorage)
            {
                var storage = pair.Key;
                if ((storage is IFieldSymbol || storage is IPropertySymbol) && !SymbolEqualityComparer.Default.Equals(storage.ContainingType, type))
                {
                    continue; // another type's member: its fills may live in that type
                }

                if (semantics.Parameters.Classify(storage) != ParameterKind.Weight)
                {
                    continue;
                }

                Evaluate(context, semantics, storage, pair.Value);
            }
        }

        private static void Evaluate(SymbolAnalysisContext context, NnSemantics semantics, ISymbol storage, List<Use> list)
        {
            var constants = new List<Use>();
            var zeros = new List<Use>();
            var escapes = false;
            var used = false;
            foreach (var use in list)
            {
                switch (use.Kind)
                {
                    case StorageWrite.Fill:
                        return; // filled with varying values somewhere: not constant
                    case StorageWrite.Constant when use.Site is not null:
                        constants.Add(use);
                        break;
                    case StorageWrite.Zero when use.Site is not null:
                        zeros.Add(use);
                        break;
                    case StorageWrite.Escape:
                        escapes = true;
                        used = true;
                        break;
                    case StorageWrite.Read:
                    case StorageWrite.Update:
                        used = true;
                        break;
                }
            }

            // An update in the method that allocates or fills (w[i] += rng.NextDouble() after zeros) is a fill.
            foreach (var use in list)
            {
                if (use.Kind != StorageWrite.Update)
                {
                    continue;
                }

                foreach (var candidate in constants.Count > 0 ? constants : zeros)
                {
                    if (use.Root == candidate.Root)
                    {
                        return;
                    }
                }
            }

            if (constants.Count > 0)
            {
                foreach (var use in Distinct(constants))
                {
                    Report(context, semantics, storage, use, Kinds.Constant);
                }

                return;
            }

            // Zeros never filled: only when nothing outside can fill them (a local or parameter that does not escape, a private member).
            var reachable = storage is ILocalSymbol || storage is IParameterSymbol || storage.DeclaredAccessibility == Accessibility.Private;
            if (zeros.Count == 0 || escapes || !used || !reachable || storage is IParameterSymbol)
            {
                return;
            }

            foreach (var use in Distinct(zeros))
            {
                Report(context, semantics, storage, use, Kinds.Zero);
            }
        }

        private static IEnumerable<Use> Distinct(List<Use> uses)
        {
            var seen = new HashSet<SyntaxNode>();
            foreach (var use in uses)
            {
                if (seen.Add(use.Site!.Syntax))
                {
                    yield return use;
                }
            }
        }

        private static void Report(SymbolAnalysisContext context, NnSemantics semantics, ISymbol storage, Use use, string kind)
        {
            var site = use.Site!;
            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties[Keys.Kind] = kind;
            if (site.Parent is ISimpleAssignmentOperation assignment && assignment.Value == site
                && InitializationRewrite.TryGetFans(assignment.Target, site, RandomValue.Unknown, semantics.Symbols, out var fanIn, out var fanOut))
            {
                properties[Keys.FanIn] = fanIn;
                properties[Keys.FanOut] = fanOut;
            }

            string message;
            if (kind == Kinds.Zero)
            {
                message = "Weights '" + storage.Name + "' are allocated as zeros and never filled: every unit of the layer computes the same output and gets the same gradient, so they stay equal; draw them from a Glorot uniform range with one shared Random";
            }
            else
            {
                var value = RandomSign.TryConstant(site, out var constant) ? " (" + constant.ToString("R", CultureInfo.InvariantCulture) + ")" : string.Empty;
                message = "Every weight of '" + storage.Name + "' gets the same value" + value + ": every unit of the layer computes the same output and gets the same gradient, so they stay equal; draw them from a Glorot uniform range with one shared Random";
            }

            context.ReportDiagnostic(Diagnostic.Create(Rule, site.Syntax.GetLocation(), properties.ToImmutable(), message));
        }
    }
}
