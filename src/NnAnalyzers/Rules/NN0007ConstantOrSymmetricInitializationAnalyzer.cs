using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.Rules
{
    /// <summary>
    /// NN0007: every weight of a layer starts with the same value (a constant or one formula written in a fill loop, a constant-filled
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
        private static readonly WordSet s_perNeuronTypeWords = IdentifierWords.Set(
            "neuron", "synapse", "dendrite", "connection");

        /// <summary>Weights that are not a layer's connections: class or sample weights of a loss, importance weights.</summary>
        private static readonly WordSet s_notLayerWords = IdentifierWords.Set(
            "sample", "samples", "class", "classes", "importance", "loss", "label", "labels");

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        /// <inheritdoc />
        protected override void InitializeCore(AnalysisContext context)
        {
            context.RegisterCompilationStartAction(start =>
            {
                var semantics = NnSemantics.Create(start.Compilation);
                // System.Random is asked about in the callbacks, not here (the first type lookup binds the references).
                if (!semantics.Context.CompilationHasNnCode)
                {
                    return;
                }

                start.RegisterOperationAction(
                    c =>
                    {
                        if (semantics.Symbols.Random is not null)
                        {
                            AnalyzeRandomCreation(c, semantics);
                        }
                    },
                    OperationKind.ObjectCreation);
                start.RegisterSymbolStartAction(
                    s =>
                    {
                        if (semantics.Symbols.Random is null)
                        {
                            return;
                        }

                        // One block action per member, reading the body lists other rules share: operation actions
                        // registered per type cost the driver a dispatch table per type and a call per reference (9 MB per
                        // 1 000 files of NN code, against none for block actions). One use list, made at the first use.
                        var type = (INamedTypeSymbol)s.Symbol;
                        var uses = new TypeUses();
                        s.RegisterOperationBlockAction(c => AnalyzeInType(c, semantics, uses));
                        s.RegisterSymbolEndAction(c => ReportConstantWeights(c, semantics, type, uses));
                    },
                    SymbolKind.NamedType);
            });
        }

        private static void AnalyzeInType(OperationBlockAnalysisContext context, NnSemantics semantics, TypeUses uses)
        {
            foreach (var block in context.OperationBlocks)
            {
                var operations = semantics.Bodies.Of(block);
                for (var i = 0; i < operations.Count; i++)
                {
                    var operation = operations[i];
                    switch (operations.KindAt(i))
                    {
                        case OperationKind.VariableDeclarator:
                        case OperationKind.FieldInitializer:
                        case OperationKind.PropertyInitializer:
                            AnalyzeDeclaration(operation, semantics, uses);
                            break;
                        case OperationKind.ObjectCreation:
                            AnalyzeRecordCreation(operation, semantics, uses);
                            break;
                        case OperationKind.Invocation:
                            // Rng.Make() => new Random(42): the helper's creation, at the call.
                            var call = (IInvocationOperation)operation;
                            if (semantics.Symbols.IsRandom(call.Type) && semantics.ConstantInitialization.IsRandomFactory(call.TargetMethod))
                            {
                                AnalyzeRandomSource(call, call.Arguments, context.OwningSymbol, semantics, context.ReportDiagnostic);
                            }

                            break;
                        case OperationKind.LocalReference:
                        case OperationKind.ParameterReference:
                        case OperationKind.FieldReference:
                        case OperationKind.PropertyReference:
                            AnalyzeReference(operation, semantics, uses);
                            break;
                    }
                }
            }
        }

        /// <summary>The uses of candidate storages in one type's members: added concurrently, read at the type's end.</summary>
        /// <remarks>
        /// A lock-free stack (one compare-and-swap per use, no list until the end): the compiler analyses a type's members
        /// on several threads, and a lock per type showed up as Monitor waits in profiles of dense NN code.
        /// </remarks>
        private sealed class TypeUses
        {
            private Use? _top;

            /// <summary>Every use in the order added, once the type's members are analysed (the symbol-end action runs after all of them).</summary>
            public List<Use> All
            {
                get
                {
                    var list = new List<Use>();
                    for (var use = Volatile.Read(ref _top); use is not null; use = use.Below)
                    {
                        list.Add(use);
                    }

                    list.Reverse();
                    return list;
                }
            }

            public void Enqueue(Use use)
            {
                Use? top;
                do
                {
                    top = Volatile.Read(ref _top);
                    use.Below = top;
                }
                while (Interlocked.CompareExchange(ref _top, use, top) != top);
            }
        }

        private sealed class Use
        {
            public Use(ISymbol storage, StorageWrite kind, IOperation? site, IOperation root, bool outside = false, bool unnamed = false)
            {
                Storage = storage;
                Kind = kind;
                Site = site;
                Root = root;
                Outside = outside;
                Unnamed = unnamed;
            }

            /// <summary>A constant write of a member whose name says nothing: its other uses are read at the type's end.</summary>
            public bool Unnamed { get; }

            /// <summary>Found by reading the rest of the compilation: evidence only, never reported from here.</summary>
            public bool Outside { get; }

            public ISymbol Storage { get; }

            public StorageWrite Kind { get; }

            public IOperation? Site { get; }

            public IOperation Root { get; }

            /// <summary>The use added before this one to the same <see cref="TypeUses"/>.</summary>
            public Use? Below { get; set; }
        }

        // ------------------------------------------------------------------ new Random(seed) in a loop

        private static void AnalyzeRandomCreation(OperationAnalysisContext context, NnSemantics semantics)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (semantics.Symbols.IsRandom(creation.Type))
            {
                AnalyzeRandomSource(creation, creation.Arguments, context.ContainingSymbol, semantics, context.ReportDiagnostic);
            }
        }

        /// <summary>
        /// A new Random — <c>new Random(42)</c>, or a call of a helper that returns one (<c>Rng.Make()</c>) — created for
        /// each iteration of a loop or each instance of a neuron-like type with the same seed.
        /// </summary>
        private static void AnalyzeRandomSource(IOperation source, ImmutableArray<IArgumentOperation> arguments, ISymbol member, NnSemantics semantics, Action<Diagnostic> report)
        {
            if (!semantics.ConstantInitialization.IsRepeatedRandom(source, arguments, out var loop) || loop is null)
            {
                AnalyzeRandomPerInstance(source, arguments, member, semantics, report);
                return;
            }

            // A Random per epoch, batch or sample (reshuffling, a dropout mask) is not a Random per neuron.
            if (loop is ILoopOperation header && TrainingLoops.HasEpochHeader(header))
            {
                return;
            }

            if (!semantics.Context.Contains(member))
            {
                return;
            }

            var seed = arguments.Length == 0 && source is IObjectCreationOperation
                ? "the default seed (time-based on .NET Framework: identical for objects created within the same tick)"
                : "the same seed on every iteration";
            var message = Creates(source) + " on every iteration of this loop with " + seed
                + ": each neuron or layer draws the same sequence, so their weights start equal; create one Random outside the loop and share it";
            var properties = ImmutableDictionary<string, string?>.Empty.Add(Keys.Kind, Kinds.Random);
            report(Diagnostic.Create(Rule, source.Syntax.GetLocation(), properties, message));
        }

        // "a new Random is created", "'Rng.Make()' creates a new Random".
        private static string Creates(IOperation source)
            => source is IInvocationOperation call
                ? "'" + call.Syntax + "' creates a new " + source.Type!.Name
                : "a new " + source.Type!.Name + " is created";

        /// <summary>
        /// <c>new Random()</c> / <c>new Random(42)</c> (or a helper returning one) in the constructor or an instance field
        /// initializer of a neuron- or synapse-like type: one Random per neuron, the same sequence for each (no fix: the
        /// Random must come from outside).
        /// </summary>
        private static void AnalyzeRandomPerInstance(IOperation source, ImmutableArray<IArgumentOperation> arguments, ISymbol member, NnSemantics semantics, Action<Diagnostic> report)
        {
            var perInstance = member is IMethodSymbol { MethodKind: MethodKind.Constructor }
                || (member is IFieldSymbol { IsStatic: false }) || (member is IPropertySymbol { IsStatic: false });
            var type = member.ContainingType;
            if (!perInstance || type is null || !IdentifierWords.ContainsAny(type.Name, s_perNeuronTypeWords))
            {
                return;
            }

            foreach (var argument in arguments)
            {
                if (!argument.Value.ConstantValue.HasValue)
                {
                    return;
                }
            }

            for (var op = source.Parent; op is not null; op = op.Parent)
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

            var seed = arguments.Length == 0 && source is IObjectCreationOperation ? "the default seed" : "the same seed";
            var message = "each " + type.Name + " " + (source is IInvocationOperation call ? "gets its own " + source.Type!.Name + " from '" + call.Syntax + "'" : "creates its own " + source.Type!.Name) + " with " + seed
                + ": neurons created together draw the same sequence (always with a constant seed; on .NET Framework with the default one), so their weights start equal; pass one shared Random to the constructor";
            var properties = ImmutableDictionary<string, string?>.Empty.Add(Keys.Kind, Kinds.RandomPerInstance);
            report(Diagnostic.Create(Rule, source.Syntax.GetLocation(), properties, message));
        }

        // ------------------------------------------------------------------ constant weights


        // Scalars, strings and other special types first: one read, where the type tests below cost interface checks.
        private static bool HoldsManyValues(ITypeSymbol? type, KnownSymbols symbols)
            => type is { SpecialType: SpecialType.None }
                && (type is IArrayTypeSymbol || symbols.IsMathNetTensor(type)
                    || (type is INamedTypeSymbol { IsGenericType: true } named && (named.Name == "List" || named.Name == "Dictionary" || named.Name == "IList")));

        private static void AnalyzeReference(IOperation reference, NnSemantics semantics, TypeUses uses)
        {
            // A reference's type is its storage's: the indices and scalars most references read end here, before a symbol is read.
            if (!HoldsManyValues(reference.Type, semantics.Symbols))
            {
                return;
            }

            var storage = reference switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property when property.Arguments.Length == 0 => property.Property,
                _ => null,
            };
            if (storage is null)
            {
                return;
            }

            if (!IsCandidate(storage, semantics.Symbols))
            {
                AnalyzeUnnamedWrite(reference, storage, semantics, uses);
                return;
            }

            var kind = semantics.ConstantInitialization.ClassifyUse(reference, storage, out var site);
            uses.Enqueue(new Use(storage, kind, site, RandomSign.Root(reference)));
        }

        /// <summary>
        /// A matrix member whose name says nothing (<c>_wh</c>, <c>_value</c>) written whole or element by element with a
        /// constant or zeros: kept as a lead; the type's end decides from its uses whether it is a trained layer's weights.
        /// </summary>
        private static void AnalyzeUnnamedWrite(IOperation reference, ISymbol storage, NnSemantics semantics, TypeUses uses)
        {
            var element = reference;
            while (element.Parent is IArrayElementReferenceOperation array && array.ArrayReference == element)
            {
                element = array;
            }

            if (!(element.Parent is ISimpleAssignmentOperation assignment && assignment.Target == element)
                || !NetworkParameters.MayBeUnnamedWeight(storage, semantics.Symbols))
            {
                return;
            }

            // Zeros only where the name says weights: a zero matrix trained from a random neighbour is a common design
            // (LoRA's B, a residual branch's last layer), and nothing but the name tells the two apart.
            var kind = semantics.ConstantInitialization.ClassifyUse(reference, storage, out var site);
            if (kind == StorageWrite.Constant)
            {
                uses.Enqueue(new Use(storage, kind, site, RandomSign.Root(reference), unnamed: true));
            }
        }

        private static void AnalyzeDeclaration(IOperation declaration, NnSemantics semantics, TypeUses uses)
        {
            ISymbol? storage = null;
            IOperation? value = null;
            switch (declaration)
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

            if (storage is null || value is null)
            {
                return;
            }

            var named = IsCandidate(storage, semantics.Symbols);
            if (!named && !(declaration is IFieldInitializerOperation or IPropertyInitializerOperation && NetworkParameters.MayBeUnnamedWeight(storage, semantics.Symbols)))
            {
                return;
            }

            var kind = semantics.ConstantInitialization.ClassifyInitialValue(value, storage);
            if (named || kind == StorageWrite.Constant)
            {
                uses.Enqueue(new Use(storage, kind, value, RandomSign.Root(declaration), unnamed: !named));
            }
        }

        /// <summary>
        /// <c>new DenseLayer(Build.Dense(r, c, 0.5), …)</c> of a positional record: the argument is the initial value of
        /// the record's property of the same name (the compiler writes it; no operation of ours shows the write).
        /// </summary>
        private static void AnalyzeRecordCreation(IOperation operation, NnSemantics semantics, TypeUses uses)
        {
            var creation = (IObjectCreationOperation)operation;
            if (!(creation.Constructor is { } constructor) || !(constructor.ContainingType is { IsRecord: true } record) || creation.Arguments.Length == 0
                || !IsPrimaryConstructor(constructor))
            {
                return;
            }

            foreach (var argument in creation.Arguments)
            {
                if (argument.Parameter is null || argument.ArgumentKind != ArgumentKind.Explicit)
                {
                    continue;
                }

                IPropertySymbol? property = null;
                foreach (var member in record.GetMembers(argument.Parameter.Name))
                {
                    property = member as IPropertySymbol ?? property;
                }

                if (property is null || !IsCandidate(property, semantics.Symbols))
                {
                    continue;
                }

                var kind = semantics.ConstantInitialization.ClassifyCreation(argument.Value);
                if (kind == StorageWrite.Constant)
                {
                    uses.Enqueue(new Use(property, kind, argument.Value, RandomSign.Root(creation)));
                }
            }
        }

        private static bool IsPrimaryConstructor(IMethodSymbol constructor)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Cheap filter: a type that holds many values (array, MathNet tensor, collection) and a weight-like name. Most
        /// references are to scalars (loop counters, sums): the type decides before any name is read; names are
        /// classified through ClassifyName's own cache, so no table per symbol is kept here.
        /// </summary>
        private static bool IsCandidate(ISymbol storage, KnownSymbols symbols)
            => HoldsManyValues(NetworkParameters.StorageType(storage), symbols)
                && NetworkParameters.ClassifyName(storage.Name) == ParameterKind.Weight
                && !IdentifierWords.ContainsAny(storage.Name, s_notLayerWords);

        private static void ReportConstantWeights(SymbolAnalysisContext context, NnSemantics semantics, INamedTypeSymbol type, TypeUses typeUses)
        {
            var uses = typeUses.All;
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

            var reported = new HashSet<SyntaxNode>();
            foreach (var pair in byStorage)
            {
                var storage = pair.Key;
                if (pair.Value[0].Unnamed)
                {
                    // Wh, _value: a layer's weights when the type multiplies them with its inputs and steps them.
                    if (!SymbolEqualityComparer.Default.Equals(storage.ContainingType, type) || !semantics.Context.Contains(type))
                    {
                        continue;
                    }

                    var references = semantics.ConstantInitialization.ReferencesIn(storage, type, context.CancellationToken);
                    if (!NetworkParameters.IsTrainedMatrixFactor(references, semantics.Symbols))
                    {
                        continue;
                    }

                    pair.Value.Clear();
                    foreach (var initializer in uses)
                    {
                        if (initializer.Unnamed && initializer.Site is { } site && site.Parent is not ISimpleAssignmentOperation
                            && SymbolEqualityComparer.Default.Equals(initializer.Storage, storage))
                        {
                            pair.Value.Add(initializer); // a field initializer: not a reference
                        }
                    }

                    foreach (var reference in references)
                    {
                        var kind = semantics.ConstantInitialization.ClassifyUse(reference, storage, out var site);
                        pair.Value.Add(new Use(storage, kind, site, RandomSign.Root(reference)));
                    }
                }
                else if (semantics.Parameters.Classify(storage) != ParameterKind.Weight)
                {
                    continue;
                }

                // A member another type can reach (another type's member written here, a non-private one, a private one
                // with nested types around): its uses elsewhere in the compilation decide, only this type's sites are reported.
                var outside = (storage is IFieldSymbol || storage is IPropertySymbol) && NeedsOutsideView(storage, type);
                var verdict = Judge(semantics, storage, pair.Value, type, outsideSeen: outside, optimistic: outside);
                if (verdict.Count == 0)
                {
                    continue;
                }

                if (outside)
                {
                    var all = new List<Use>(pair.Value);
                    foreach (var (kind, site, root) in semantics.ConstantInitialization.UsesOutside(storage, type, context.CancellationToken))
                    {
                        all.Add(new Use(storage, kind, site, root, outside: true));
                    }

                    verdict = Judge(semantics, storage, all, type, outsideSeen: true);
                }

                // A gain used only elementwise (gamma[i] * xHat[i] + beta[i]) is no layer's connections: symmetry is no argument there.
                if (verdict.Count > 0
                    && NetworkParameters.IsUsedOnlyElementwise(storage, semantics.ConstantInitialization.References(storage, context.CancellationToken)))
                {
                    continue;
                }

                // Zeros in a model of one layer (softmax regression, a linear associative memory): no hidden unit to keep
                // symmetric, each output row gets its own gradient; zeros are the textbook start there.
                if (verdict.Count > 0 && verdict[0].Kind == Kinds.Zero && storage.ContainingType is { } owner
                    && semantics.ConstantInitialization.IsSingleLayerModel(owner, storage, semantics.Parameters, context.CancellationToken))
                {
                    continue;
                }

                foreach (var (use, kind) in verdict)
                {
                    if (!use.Outside && reported.Add(use.Site!.Syntax))
                    {
                        Report(context, semantics, storage, use, kind);
                    }
                }
            }
        }

        private static bool NeedsOutsideView(ISymbol storage, INamedTypeSymbol type)
            => !SymbolEqualityComparer.Default.Equals(storage.ContainingType, type)
                || storage.DeclaredAccessibility != Accessibility.Private
                || type.GetTypeMembers().Length > 0;

        /// <summary>
        /// The sites to report for one storage: its constant writes, or its zero allocations when nothing fills it —
        /// none when any use fills it with varying values or shows it is an optimizer's state.
        /// </summary>
        private static List<(Use Use, string Kind)> Judge(NnSemantics semantics, ISymbol storage, List<Use> list, INamedTypeSymbol type, bool outsideSeen, bool optimistic = false)
        {
            var none = new List<(Use, string)>();
            var constants = new List<Use>();
            var zeros = new List<Use>();
            var escapes = false;
            var used = false;
            foreach (var use in list)
            {
                switch (use.Kind)
                {
                    case StorageWrite.Fill:
                    case StorageWrite.Step:
                        return none; // filled with varying values somewhere, or a velocity/moment added to the weights
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

            // An update in the method that allocates: after a constant, one adding random draws initializes
            // (w[i] += rng.NextDouble()); after zeros, any update (a model fitted in the method that allocates it).
            foreach (var use in list)
            {
                if (use.Kind != StorageWrite.Update)
                {
                    continue;
                }

                foreach (var candidate in constants.Count > 0 ? constants : zeros)
                {
                    if (use.Root == candidate.Root
                        && (constants.Count == 0 || (use.Site is not null && semantics.ConstantInitialization.ContainsRandomDraw(use.Site))))
                    {
                        return none;
                    }
                }
            }

            var result = new List<(Use, string)>();

            // A local that is never trained nor handed on is a fixed set of coefficients (a box-filter kernel, the
            // uniform weights of an average), not a layer's initial weights.
            if (constants.Count > 0 && storage is ILocalSymbol && !escapes && !HasUpdate(list))
            {
                return none;
            }

            // A member listed element by element ({ 0.25, 0.25, 0.25, 0.25 }: a size the code fixes, not the layer's
            // dimensions) or filled with 1 / n over its n elements (an ensemble's member weights) that nothing updates,
            // hands on or can write from elsewhere: the coefficients of a fixed formula (an average, a filter), not a
            // trained layer's initial weights.
            if (constants.Count > 0 && !escapes && !HasUpdate(list) && IsFixedCoefficientList(constants)
                && (storage.DeclaredAccessibility == Accessibility.Private || (outsideSeen && !IsVisibleOutsideAssembly(storage))))
            {
                return none;
            }

            if (constants.Count > 0)
            {
                foreach (var use in Distinct(constants))
                {
                    result.Add((use, Kinds.Constant));
                }

                return result;
            }

            // Zeros never filled: only when every write is visible (a local, a private member, or a member of this
            // compilation that no other assembly can reach, once the rest of the compilation was read).
            var reachable = storage is ILocalSymbol
                || (!(storage is IParameterSymbol) && (storage.DeclaredAccessibility == Accessibility.Private || (outsideSeen && !IsVisibleOutsideAssembly(storage))));
            if (zeros.Count == 0 || escapes || (!used && !optimistic) || !reachable || IsSingleUnitVector(storage, type))
            {
                return none;
            }

            foreach (var use in Distinct(zeros))
            {
                result.Add((use, Kinds.Zero));
            }

            return result;
        }

        /// <summary>
        /// Every constant write is an array initializer listing its elements, with no size taken from a variable, or a
        /// uniform average (1 / n over n elements).
        /// </summary>
        private static bool IsFixedCoefficientList(List<Use> constants)
        {
            foreach (var use in constants)
            {
                if (ConstantInitialization.IsUniformAverage(use.Site!))
                {
                    continue;
                }

                if (!(Operations.WithoutConversions(use.Site) is IArrayCreationOperation { Initializer: { ElementValues.Length: > 0 } } creation))
                {
                    return false;
                }

                foreach (var size in creation.DimensionSizes)
                {
                    if (!size.ConstantValue.HasValue)
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static bool HasUpdate(List<Use> list)
        {
            foreach (var use in list)
            {
                if (use.Kind == StorageWrite.Update)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// One weight vector (<c>double[]</c>, <c>Vector&lt;double&gt;</c>, <c>List&lt;double&gt;</c>) outside a neuron-like
        /// type: the weights of a single unit (logistic regression, perceptron), where each weight gets its own gradient
        /// <c>x_i·δ</c> and zeros are the textbook start. In a neuron type, one vector per neuron: zeros are symmetric.
        /// </summary>
        private static bool IsSingleUnitVector(ISymbol storage, INamedTypeSymbol type)
        {
            var storageType = storage switch
            {
                ILocalSymbol local => local.Type,
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            var vector = storageType is IArrayTypeSymbol { Rank: 1 } array ? !(array.ElementType is IArrayTypeSymbol)
                : storageType is INamedTypeSymbol named && (named.Name == "Vector" || ((named.Name == "List" || named.Name == "IList") && named.TypeArguments.Length == 1 && !(named.TypeArguments[0] is IArrayTypeSymbol) && named.TypeArguments[0].SpecialType != SpecialType.None));
            var owner = storage.ContainingType ?? type;
            return vector && !IdentifierWords.ContainsAny(owner.Name, s_perNeuronTypeWords);
        }

        // True when code outside this compilation may write the member (public or protected all the way out, in a library).
        private static bool IsVisibleOutsideAssembly(ISymbol storage) => NetworkParameters.CanBeReachedFromOtherAssemblies(storage);

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
                message = "the weights '" + storage.Name + "' are allocated as zeros and never filled: every unit of the layer computes the same output and gets the same gradient, so they stay equal; draw them from a Glorot uniform range with one shared Random";
            }
            else
            {
                var single = site.Type?.SpecialType == SpecialType.System_Single || (site.Type as IArrayTypeSymbol)?.ElementType.SpecialType == SpecialType.System_Single
                    || (site.Type is INamedTypeSymbol { TypeArguments.Length: 1 } generic && generic.TypeArguments[0].SpecialType == SpecialType.System_Single);
                var value = ConstantInitialization.TryGetFillValue(site, out var constant)
                    ? " (" + (single ? ((float)constant).ToString("R", CultureInfo.InvariantCulture) : constant.ToString("R", CultureInfo.InvariantCulture)) + ")"
                    : string.Empty;
                message = "every weight of '" + storage.Name + "' gets the same value" + value + ": every unit of the layer computes the same output and gets the same gradient, so they stay equal; draw them from a Glorot uniform range with one shared Random";
            }

            context.Report(Diagnostic.Create(Rule, site.Syntax.GetLocation(), properties.ToImmutable(), message), site.SemanticModel);
        }
    }
}
