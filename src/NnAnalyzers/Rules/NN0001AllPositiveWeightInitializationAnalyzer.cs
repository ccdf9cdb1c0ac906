using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.Rules
{
    /// <summary>
    /// NN0001: a network parameter (weight or bias) receives values drawn from a random source whose support is
    /// non-negative, and nothing centres them. Every pre-activation is then a sum of positive terms: sigmoid units start
    /// saturated and the network learns only the class prior.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NN0001AllPositiveWeightInitializationAnalyzer : NnAnalyzer
    {
        /// <summary>Option: a regular expression replacing the default weight/bias name vocabulary.</summary>
        public const string ParameterNamesOption = "parameter_names";

        /// <summary>Option: whether a parameter must live in NN code (default true).</summary>
        public const string RequireNnContextOption = "require_nn_context";

        /// <summary>Property keys handed to the code fix.</summary>
        internal static class Keys
        {
            public const string Kind = "Kind";
            public const string Glorot = "Glorot";
            public const string Centre = "Centre";
            public const string Zero = "Zero";
        }

        private const string NeverMatches = "(?!)";

        private static readonly DiagnosticDescriptor Rule = Descriptors.NN0001AllPositiveWeightInitialization;

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        /// <inheritdoc />
        protected override void InitializeCore(AnalysisContext context)
        {
            context.RegisterCompilationStartAction(start =>
            {
                // Without NN code nothing is a parameter, unless some file opts out of the NN-context requirement
                // (both read from syntax and options: no symbol is resolved for a project without NN signs).
                var semantics = NnSemantics.Create(start.Compilation);
                if (!semantics.Context.CompilationHasNnCode && !AnyTreeWaivesNnContext(start.Compilation, start.Options))
                {
                    return;
                }

                // Types are asked about in the callbacks, not here: the first type lookup of a compilation binds its
                // references, and at compilation start that work (the compiler's anyway) would be charged to this rule.
                var options = new NnOptions.PerTree<(System.Text.RegularExpressions.Regex? Pattern, bool RequireContext)>(ReadOptions);
                start.RegisterOperationAction(c => AnalyzeAssignment(c, semantics, options), OperationKind.SimpleAssignment);
                start.RegisterOperationAction(c => AnalyzeDeclarator(c, semantics, options), OperationKind.VariableDeclarator);
                start.RegisterOperationAction(c => AnalyzeMemberInitializer(c, semantics, options), OperationKind.FieldInitializer, OperationKind.PropertyInitializer);
                start.RegisterOperationAction(c => AnalyzeAdd(c, semantics, options), OperationKind.Invocation);
                start.RegisterOperationAction(c => AnalyzeDeconstruction(c, semantics, options), OperationKind.DeconstructionAssignment);
                start.RegisterOperationAction(c => AnalyzeCreation(c, semantics, options), OperationKind.ObjectCreation);
            });
        }

        private static bool AnyTreeWaivesNnContext(Compilation compilation, AnalyzerOptions options)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (!NnOptions.GetBool(options, tree, RuleIds.AllPositiveWeightInitialization, RequireNnContextOption, true))
                {
                    return true;
                }
            }

            return false;
        }

        // The rule's options of a tree: the parameter-name pattern (null: the default vocabulary) and whether NN context is required.
        private static (System.Text.RegularExpressions.Regex? Pattern, bool RequireContext) ReadOptions(AnalyzerOptions options, SyntaxTree tree)
        {
            var userPattern = NnOptions.GetString(options, tree, RuleIds.AllPositiveWeightInitialization, ParameterNamesOption) is null
                ? null
                : NnOptions.GetRegex(options, tree, RuleIds.AllPositiveWeightInitialization, ParameterNamesOption, NeverMatches);
            var pattern = userPattern is null || userPattern.ToString() == NeverMatches ? null : userPattern; // invalid → default vocabulary
            return (pattern, NnOptions.GetBool(options, tree, RuleIds.AllPositiveWeightInitialization, RequireNnContextOption, true));
        }

        private static void AnalyzeAssignment(OperationAnalysisContext context, NnSemantics semantics, NnOptions.PerTree<(System.Text.RegularExpressions.Regex? Pattern, bool RequireContext)> options)
        {
            var assignment = (ISimpleAssignmentOperation)context.Operation;
            Check(context, semantics, options, RandomSign.StorageOf(assignment.Target), assignment.Target, assignment.Value);
        }

        private static void AnalyzeDeclarator(OperationAnalysisContext context, NnSemantics semantics, NnOptions.PerTree<(System.Text.RegularExpressions.Regex? Pattern, bool RequireContext)> options)
        {
            var declarator = (IVariableDeclaratorOperation)context.Operation;
            var initializer = declarator.GetVariableInitializer();
            if (initializer is not null)
            {
                Check(context, semantics, options, declarator.Symbol, null, initializer.Value);
            }
        }

        private static void AnalyzeMemberInitializer(OperationAnalysisContext context, NnSemantics semantics, NnOptions.PerTree<(System.Text.RegularExpressions.Regex? Pattern, bool RequireContext)> options)
        {
            switch (context.Operation)
            {
                case IFieldInitializerOperation field when field.InitializedFields.Length == 1:
                    Check(context, semantics, options, field.InitializedFields[0], null, field.Value);
                    break;
                case IPropertyInitializerOperation property when property.InitializedProperties.Length == 1:
                    Check(context, semantics, options, property.InitializedProperties[0], null, property.Value);
                    break;
            }
        }

        private static void AnalyzeCreation(OperationAnalysisContext context, NnSemantics semantics, NnOptions.PerTree<(System.Text.RegularExpressions.Regex? Pattern, bool RequireContext)> options)
        {
            AnalyzeInitializerArguments(context, ((IObjectCreationOperation)context.Operation).Arguments, semantics, options);
        }

        private static void AnalyzeAdd(OperationAnalysisContext context, NnSemantics semantics, NnOptions.PerTree<(System.Text.RegularExpressions.Regex? Pattern, bool RequireContext)> options)
        {
            var invocation = (IInvocationOperation)context.Operation;
            AnalyzeInitializerArguments(context, invocation.Arguments, semantics, options);

            if (invocation.Instance is null || invocation.Arguments.Length == 0)
            {
                return;
            }

            // W.MapInplace(_ => r.NextDouble()): a function that ignores the old values writes what it returns.
            var name = invocation.TargetMethod.Name;
            if ((name == "MapInplace" || name == "MapIndexedInplace") && semantics.Symbols.IsMathNetTensor(invocation.Instance.Type)
                && RandomSign.ReplacesValues(invocation) && RandomSign.ReturnedValue(invocation.Arguments[0].Value) is { } returned)
            {
                Check(context, semantics, options, RandomSign.StorageOf(invocation.Instance), null, returned, invocation);
                return;
            }

            // weights.Add(r.NextDouble()) on a list of parameters.
            if (name != "Add" || invocation.Arguments.Length != 1 || invocation.Instance.Type?.Name != "List")
            {
                return;
            }

            Check(context, semantics, options, RandomSign.StorageOf(invocation.Instance), null, invocation.Arguments[0].Value);
        }

        private static void AnalyzeDeconstruction(OperationAnalysisContext context, NnSemantics semantics, NnOptions.PerTree<(System.Text.RegularExpressions.Regex? Pattern, bool RequireContext)> options)
        {
            // (Weight, Bias) = (r.NextDouble(), r.NextDouble()): each element of the tuple is written to its target.
            var deconstruction = (IDeconstructionAssignmentOperation)context.Operation;
            if (deconstruction.Target is ITupleOperation targets
                && Operations.WithoutConversions(deconstruction.Value) is ITupleOperation values
                && targets.Elements.Length == values.Elements.Length)
            {
                for (var i = 0; i < targets.Elements.Length; i++)
                {
                    Check(context, semantics, options, RandomSign.StorageOf(targets.Elements[i]), targets.Elements[i], values.Elements[i]);
                }
            }
        }

        /// <summary>
        /// <c>new Layer(4, 8, () =&gt; rng.NextDouble())</c>, <c>new Layer(8, 1, rng.NextDouble)</c>: a drawing delegate handed
        /// to a method of the compilation that writes what it returns into a parameter (<c>W[o, i] = init();</c>). Reported
        /// at the delegate, where the range is chosen.
        /// </summary>
        private static void AnalyzeInitializerArguments(OperationAnalysisContext context, System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, NnSemantics semantics, NnOptions.PerTree<(System.Text.RegularExpressions.Regex? Pattern, bool RequireContext)> options)
        {
            // Delegate parameters first (no allocation); a method's source (DeclaringSyntaxReferences makes a new array on
            // every read) only for them: LINQ's and MathNet's lambdas go to metadata methods.
            foreach (var argument in arguments)
            {
                if (argument.Parameter is { Type.TypeKind: TypeKind.Delegate } parameter && parameter.ContainingSymbol.Locations is { Length: 1 } locations
                    && locations[0].IsInSource)
                {
                    AnalyzeInitializerArgument(context, argument, semantics, options);
                }
            }
        }

        private static void AnalyzeInitializerArgument(OperationAnalysisContext context, IArgumentOperation argument, NnSemantics semantics, NnOptions.PerTree<(System.Text.RegularExpressions.Regex? Pattern, bool RequireContext)> options)
        {
            if (argument.Parameter is not { Type: INamedTypeSymbol { TypeKind: TypeKind.Delegate, DelegateInvokeMethod: { } invoke } } parameter
                || !CanHoldParameterValues(invoke.ReturnType, semantics.Symbols)
                || argument.SemanticModel is not { } model || semantics.Symbols.Random is null)
            {
                return;
            }

            var random = semantics.RandomSign.AnalyzeDelegate(HeldDelegate(argument.Value, semantics, model, context.CancellationToken), out var drawn);
            if (!random.IsNonNegativeRandom || random.Draw is null || drawn is null)
            {
                return;
            }

            var (namePattern, requireContext) = options.Get(context.Options, argument.Syntax.SyntaxTree);
            foreach (var (storage, body) in RandomSign.StoragesFilledBy(parameter, model))
            {
                var kind = semantics.Parameters.Classify(storage, namePattern, requireContext);
                if (kind == ParameterKind.None || RandomSign.IsAdjustedInPlace(storage, body)
                    || IntendedSign.IsKeptNonNegative(semantics.ConstantInitialization.References(storage, context.CancellationToken))
                    || kind == ParameterKind.Weight && NetworkParameters.IsUsedOnlyElementwise(storage, semantics.ConstantInitialization.References(storage, context.CancellationToken)))
                {
                    continue;
                }

                Report(context, semantics, storage, null, drawn, random, kind);
                return;
            }
        }

        /// <summary>
        /// The one value a private field of the caller holds when the argument reads it (<c>_init = () =&gt; rng.NextDouble();</c>
        /// then <c>new Layer(4, 8, _init)</c>, or the field's initializer); the argument itself otherwise.
        /// </summary>
        private static IOperation HeldDelegate(IOperation value, NnSemantics semantics, SemanticModel model, System.Threading.CancellationToken cancellationToken)
        {
            if (!(Operations.WithoutConversions(value) is IFieldReferenceOperation { Field: { DeclaredAccessibility: Accessibility.Private } field }))
            {
                return value;
            }

            IOperation? written = null;
            var writes = 0;
            foreach (var reference in semantics.ConstantInitialization.References(field, cancellationToken))
            {
                if (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
                {
                    written = assignment.Value;
                    writes++;
                }
            }

            if (field.DeclaringSyntaxReferences is { Length: 1 } declarations
                && declarations[0].GetSyntax(cancellationToken) is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer: { } initializer }
                && initializer.SyntaxTree == model.SyntaxTree && model.GetOperation(initializer.Value, cancellationToken) is { } initial)
            {
                written = initial;
                writes++;
            }

            return writes == 1 && written is not null ? written : value;
        }

        /// <summary>
        /// The rule: a parameter ← a non-negative random value that nothing centres. <paramref name="map"/> is the
        /// <c>MapInplace</c> whose function returns <paramref name="value"/>, when the write is one.
        /// </summary>
        private static void Check(OperationAnalysisContext context, NnSemantics semantics, NnOptions.PerTree<(System.Text.RegularExpressions.Regex? Pattern, bool RequireContext)> options, ISymbol? storage, IOperation? target, IOperation value, IInvocationOperation? map = null)
        {
            if (storage is null || value.ConstantValue.HasValue || semantics.Symbols.Random is null || !CanHoldParameterValues(value.Type, semantics.Symbols))
            {
                return;
            }

            var (namePattern, requireContext) = options.Get(context.Options, value.Syntax.SyntaxTree);
            if (requireContext && !semantics.Context.CompilationHasNnCode)
            {
                return;
            }

            // Is it a parameter (by name, in NN code)? Cheap name checks first; usage evidence only for unnamed matrices.
            var kind = semantics.Parameters.Classify(storage, namePattern, requireContext);
            var byUsage = kind == ParameterKind.None && namePattern is null && IsMatrixLike(storage, semantics.Symbols)
                && (!requireContext || InNnCode(semantics, storage));
            if (kind == ParameterKind.None && !byUsage)
            {
                return;
            }

            // An unnamed matrix is a parameter only where it multiplies an input like one (a look at the body's products,
            // cheaper than following the value: most matrices of NN code are activations and intermediate results).
            var byMemberUsage = false;
            if (byUsage)
            {
                if (!NetworkParameters.IsUsedAsWeightMatrix(storage, RandomSign.Root(value), semantics.Symbols))
                {
                    // A member (Wf, _wq) multiplied in another method of its type (the forward pass): asked last, below.
                    if (storage.ContainingType is null || !NetworkParameters.MayBeUnnamedWeight(storage, semantics.Symbols))
                    {
                        return;
                    }

                    byMemberUsage = true;
                }

                kind = ParameterKind.Weight;
            }

            // Is the value drawn from a non-negative random source, uncentred?
            var random = semantics.RandomSign.Analyze(value);
            if (!random.IsNonNegativeRandom || random.Draw is null)
            {
                return;
            }

            // A helper that fills a storage named like a parameter is reported inside the helper, not at each call.
            if (random.Draw.IsHelperCall && random.Draw.HelperStorage is ISymbol inner
                && semantics.Parameters.Classify(inner, namePattern, requireContext) != ParameterKind.None)
            {
                return;
            }

            var root = RandomSign.Root(value);
            if (RandomSign.IsAdjustedInPlace(storage, root, map))
            {
                return;
            }

            if (byMemberUsage
                && !NetworkParameters.IsMatrixFactor(semantics.ConstantInitialization.ReferencesIn(storage, storage.ContainingType, context.CancellationToken), semantics.Symbols))
            {
                return;
            }

            // Last, for the rare value about to be reported: weights used only elementwise or through distances (a
            // normalisation gain, a self-organising map's prototypes) feed no weighted sum, and [0, 1) is their right range.
            if (kind == ParameterKind.Weight
                && NetworkParameters.IsUsedOnlyElementwise(storage, semantics.ConstantInitialization.References(storage, context.CancellationToken)))
            {
                return;
            }

            // Last of all, a non-negative start the model means: a draw normalised to a distribution, a phase, a weight its
            // own updates keep at or above zero (IntendedSign).
            if (IntendedSign.IsNormalisedBySum(storage, root) || IntendedSign.IsPhase(value)
                || IntendedSign.IsKeptNonNegative(semantics.ConstantInitialization.References(storage, context.CancellationToken)))
            {
                return;
            }

            Report(context, semantics, storage, target, value, random, kind);
        }

        /// <summary>Cheap pre-check: numbers, arrays, MathNet tensors and sequences can hold weights; strings, bools, objects cannot.</summary>
        private static bool CanHoldParameterValues(ITypeSymbol? type, KnownSymbols symbols)
        {
            switch (type?.SpecialType)
            {
                case null:
                    return false;
                case SpecialType.System_Double:
                case SpecialType.System_Single:
                case SpecialType.System_Decimal:
                case SpecialType.System_Int32:
                case SpecialType.System_Int64:
                case SpecialType.System_Int16:
                case SpecialType.System_Byte:
                    return true;
                case SpecialType.None:
                    // A generic layer's T where T : INumber<T> holds numbers too.
                    return type is IArrayTypeSymbol || symbols.IsMathNetTensor(type) || type.Name == "List" || type.Name == "IEnumerable"
                        || GenericMath.IsNumberTypeParameter(type);
                default:
                    return false;
            }
        }

        private static bool IsMatrixLike(ISymbol storage, KnownSymbols symbols)
        {
            var type = NetworkParameters.StorageType(storage);
            return symbols.IsMatrix(type) || type is IArrayTypeSymbol { Rank: 2 };
        }

        private static bool InNnCode(NnSemantics semantics, ISymbol storage)
        {
            var owner = storage is ILocalSymbol || storage is IParameterSymbol ? storage.ContainingSymbol : storage.ContainingType;
            return semantics.Context.Contains(owner) || semantics.Context.Contains(storage.ContainingSymbol);
        }

        private static void Report(OperationAnalysisContext context, NnSemantics semantics, ISymbol storage, IOperation? target, IOperation value, RandomValue random, ParameterKind kind)
        {
            // The fixes' texts are not computed here: the code fix asks for them (Rewrites) when a light bulb opens or a
            // Fix All runs, instead of every build paying for them on every report.
            var draw = random.Draw!;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(Keys.Kind, kind.ToString());
            var what = kind == ParameterKind.Bias ? "biases" : "weights";
            context.Report(Diagnostic.Create(Rule, value.Syntax.GetLocation(), properties, storage.Name, draw.Source, draw.Range, what));
        }

        /// <summary>
        /// The rewrites the fixes offer for the value reported at <paramref name="span"/> — Glorot range (weights with known
        /// fans), centred range, zero (biases) — under <see cref="Keys"/>, each encoded "start:length:text" (the node it
        /// replaces and its new text). Empty when the value is no longer a non-negative random draw.
        /// </summary>
        internal static ImmutableDictionary<string, string?> Rewrites(SemanticModel model, Microsoft.CodeAnalysis.Text.TextSpan span, bool isBias, System.Threading.CancellationToken cancellationToken)
        {
            var result = ImmutableDictionary.CreateBuilder<string, string?>();
            var root = model.SyntaxTree.GetRoot(cancellationToken);
            if (span.End > root.FullSpan.End)
            {
                return result.ToImmutable();
            }

            var node = root.FindNode(span, getInnermostNodeForTie: true);
            var value = model.GetOperation(node, cancellationToken);
            if (value is null || node.Span != span)
            {
                return result.ToImmutable();
            }

            // The operation the analyzer held: the outermost one of this syntax (an implicit conversion around the value).
            while (value.Parent is { } parent && parent.Syntax == value.Syntax && !(parent is IReturnOperation))
            {
                value = parent;
            }

            var semantics = NnSemantics.Create(model.Compilation);
            var random = semantics.RandomSign.Analyze(value);
            if (!random.IsNonNegativeRandom || random.Draw is null)
            {
                return result.ToImmutable();
            }

            var target = value.Parent is ISimpleAssignmentOperation assignment && assignment.Value == value ? assignment.Target : null;
            if (!isBias
                && InitializationRewrite.TryGetFans(target, value, random, semantics.Symbols, out var fanIn, out var fanOut)
                && InitializationRewrite.Glorot(value, random, fanIn, fanOut, semantics.Symbols) is Rewrite glorot)
            {
                Add(result, Keys.Glorot, glorot, value);
            }

            if (InitializationRewrite.Centre(value, random, semantics.Symbols) is Rewrite centre)
            {
                Add(result, Keys.Centre, centre, value);
            }

            if (isBias && InitializationRewrite.Zero(value, random, semantics.Symbols) is Rewrite zero)
            {
                Add(result, Keys.Zero, zero, value);
            }

            return result.ToImmutable();
        }

        private static void Add(ImmutableDictionary<string, string?>.Builder properties, string key, Rewrite rewrite, IOperation value)
        {
            // The fixer finds the replaced node by its span relative to the reported value.
            if (rewrite.Target.SyntaxTree != value.Syntax.SyntaxTree)
            {
                return;
            }

            properties[key] = rewrite.Target.SpanStart + ":" + rewrite.Target.Span.Length + ":" + rewrite.Text;
        }
    }
}
