using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// The gradient-flow questions of NN0004: "does this method compute gradients and hand them back without applying
    /// them?" (by its name — Backward, BackProp, Backpropagate, ComputeGradients, Gradient(s) —, by returning our
    /// library's gradients type, or by returning values named like dW/gradW/delta), "does this method write any field,
    /// array element, indexer or argument?" (its body's operations analysed once, cached per method), "is this local ever
    /// read?", and "which method applies these gradients?". One instance per compilation.
    /// </summary>
    public sealed class GradientFlow
    {
        // The operations each walk of a body has cases for (read off the body's list by kind, the others never type-tested).
        private static readonly KindSet s_returns = KindSet.Of(OperationKind.Return, OperationKind.YieldReturn, OperationKind.YieldBreak);
        private static readonly KindSet s_writes = KindSet.Of(
            OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.CoalesceAssignment, OperationKind.DeconstructionAssignment,
            OperationKind.Increment, OperationKind.Decrement, OperationKind.Invocation);
        private static readonly KindSet s_localValues = KindSet.Of(
            OperationKind.VariableDeclarator, OperationKind.SimpleAssignment, OperationKind.DeconstructionAssignment, OperationKind.Loop, OperationKind.Argument);
        private static readonly KindSet s_writesOrCalls = KindSet.Of(OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.Invocation);

        private static readonly WordSet s_gradientWords = IdentifierWords.Set(
            "grad", "grads", "gradient", "gradients", "delta", "deltas", "nabla");

        private static readonly WordSet s_gradWords = IdentifierWords.Set("grad", "grads");

        // The learned scale and shift of a batch or layer normalisation (whose gradients are dgamma and dbeta): parameters
        // of the network, but not weights or biases by NetworkParameters' names (gamma = 1 is their correct initial value).
        private static readonly WordSet s_normalizationParameterWords = IdentifierWords.Set("gamma", "beta");

        private static readonly WordSet s_updateWords = IdentifierWords.Set(
            "update", "updates", "apply", "step", "optimize", "optimise", "sgd", "descend", "descent", "learn", "train", "adjust", "fit");

        private static readonly WordSet s_notComputingWords = IdentifierWords.Set(
            "apply", "update", "clip", "zero", "reset", "clear", "check", "norm", "print", "log", "plot", "show",
            "accumulate", "step", "set", "color", "colour", "brush", "fill", "create", "new", "allocate", "init", "initialize");

        private static readonly WordSet s_learningRateNames = IdentifierWords.Set(
            "lr", "learnrate", "learningrate", "eta", "alpha", "stepsize");

        private readonly KnownSymbols _symbols;
        private readonly NnContext _context;
        private readonly MathNetOperations _mathNet;
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _writes =
            new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<ITypeSymbol, bool> _holders =
            new ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<IMethodSymbol, bool> _returnsGradients =
            new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new ConcurrentDictionary<SyntaxTree, SemanticModel>();
        private List<INamedTypeSymbol>? _sourceTypes;

        /// <summary>Creates the oracle of one compilation.</summary>
        public GradientFlow(KnownSymbols symbols, NnContext context, MathNetOperations mathNet)
        {
            _symbols = symbols;
            _context = context;
            _mathNet = mathNet;
        }

        /// <summary>The NN-context oracle this one uses.</summary>
        public NnContext Context => _context;

        /// <summary>The MathNet oracle this one uses.</summary>
        public MathNetOperations MathNet => _mathNet;

        // ---------------------------------------------------------------- names

        /// <summary>
        /// True when a variable name says it holds gradients: dW, dB, d_w, dWeights, dBias1, gradW, grad_b, grads,
        /// gradients, delta, deltas, nablaW, and a normalisation layer's dGamma, dBeta, dgamma, dbeta (not dx or dt).
        /// </summary>
        public static bool IsGradientName(string? name)
        {
            if (string.IsNullOrEmpty(name))
            {
                return false;
            }

            if (IdentifierWords.ContainsAny(name!, s_gradientWords))
            {
                return true;
            }

            // The name without leading underscores (counted, not trimmed: TrimStart allocates on every call here).
            var offset = 0;
            while (offset < name!.Length && name[offset] == '_')
            {
                offset++;
            }

            var length = name.Length - offset;
            var first = length > 0 ? name[offset] : '\0';
            if (length >= 2 && (first == 'd' || first == 'D' || first == 'g' || first == 'G'))
            {
                // d or g + a parameter name: dW, dB, d_w, dWeights, dBias1, DW/DB (tuple elements), dw, db, dw1, gW1, g_b;
                // or + a normalisation layer's scale or shift: dGamma, d_beta, gBeta. Not dx, dt, dy: step sizes and
                // increments of numerical code (an ODE's dt, a finite difference's dx).
                var second = name[offset + 1];
                int rest;
                if (second == '_' || char.IsUpper(second))
                {
                    rest = offset + (second == '_' ? 2 : 1);
                }
                else if (length == 2 || (length == 3 && char.IsDigit(name[offset + 2])))
                {
                    rest = offset + 1;
                }
                else
                {
                    // cs231n's numpy names, d glued to the word: dgamma, dbeta.
                    return (first == 'd' || first == 'D') && NamesNormalizationParameter(name, offset + 1);
                }

                return rest < name.Length
                    && (NamesNormalizationParameter(name, rest) || NetworkParameters.ClassifyName(name.Substring(rest)) != ParameterKind.None);
            }

            return false;
        }

        // gamma, beta (gammaHidden, beta1): the first word of the name from start is a normalisation layer's scale or shift.
        private static bool NamesNormalizationParameter(string name, int start)
        {
            var position = start;
            return IdentifierWords.NextWord(name, ref position, out var wordStart, out var wordLength) && wordStart == start
                && s_normalizationParameterWords.Find(name, wordStart, wordLength) is not null;
        }

        /// <summary>True when a variable name means the learning rate: lr, learnRate, learningRate, learning_rate, eta, alpha, stepSize.</summary>
        public static bool IsLearningRateName(string? name)
        {
            return !string.IsNullOrEmpty(name) && s_learningRateNames.Contains(name!.TrimStart('_').Replace("_", string.Empty));
        }

        /// <summary>True when a method's name says it does something else than computing gradients: Apply, Update, Clip, Create…</summary>
        public static bool HasNonComputingName(string name) => IdentifierWords.ContainsAny(name, s_notComputingWords);

        /// <summary>True when a method's name says it computes gradients (Backward, BackProp, ComputeGradients, Gradient…).</summary>
        public static bool HasGradientMethodName(string name)
        {
            if (HasNonComputingName(name))
            {
                return false;
            }

            var joined = name.IndexOf('_') >= 0 ? name.Replace("_", string.Empty) : name;
            if (joined.IndexOf("backprop", System.StringComparison.OrdinalIgnoreCase) >= 0
                || joined.IndexOf("backward", System.StringComparison.OrdinalIgnoreCase) >= 0
                || joined.IndexOf("gradient", System.StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }

            return IdentifierWords.ContainsAny(name, s_gradWords);
        }

        // ---------------------------------------------------------------- gradient-computing methods

        /// <summary>
        /// True when <paramref name="method"/> returns gradients and writes no field, array element, indexer or argument:
        /// whatever it computed is lost unless the caller applies its result.
        /// </summary>
        public bool ReturnsUnappliedGradients(IMethodSymbol? method, CancellationToken cancellationToken)
        {
            if (method is null || method.ReturnsVoid || method.ReturnsByRef || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction))
            {
                return false;
            }

            if (!ReturnsGradients(method, cancellationToken))
            {
                return false;
            }

            if (!HasSourceBody(method))
            {
                // Without a body we trust only our library's contract: a Gradients value is computed, not applied.
                return ContainsGradientsType(ResultType(method));
            }

            return !WritesState(method, cancellationToken);
        }

        /// <summary>
        /// True when the value <paramref name="method"/> returns is gradients: our library's gradients type, tuple elements
        /// named like gradients, a returned local named like gradients, or a gradient-computing name with a numeric result.
        /// Name evidence counts only inside NN code.
        /// </summary>
        public bool ReturnsGradients(IMethodSymbol method, CancellationToken cancellationToken)
        {
            return Answers.Get(_returnsGradients, method.OriginalDefinition, (Flow: this, Token: cancellationToken), static (m, s) => s.Flow.ComputeReturnsGradients(m, s.Token));
        }

        private bool ComputeReturnsGradients(IMethodSymbol method, CancellationToken cancellationToken)
        {
            // An async backprop returns its gradients through Task<T>: the awaited value is what the caller gets.
            var result = ResultType(method);
            if (result is null)
            {
                return false;
            }

            if (ContainsGradientsType(result))
            {
                // CreateGradients(), NewGradients(): an empty buffer, not computed gradients.
                return !HasNonComputingName(method.Name);
            }

            // "BackProp"/"back_prop" is NN evidence by itself (NnContext splits it into two plain words).
            if (!CarriesNumbers(result, 0)
                || !(_context.Contains(method) || method.Name.Replace("_", string.Empty).IndexOf("backprop", StringComparison.OrdinalIgnoreCase) >= 0))
            {
                return false;
            }

            if (IsGradientsHolder(result))
            {
                // record Gradients(double[,] Kernels, double[] Bias): the type's name is the value's, as for our library's.
                return !HasNonComputingName(method.Name);
            }

            if (result is INamedTypeSymbol { IsTupleType: true } tuple)
            {
                foreach (var element in tuple.TupleElements)
                {
                    if (!element.Name.StartsWith("Item", StringComparison.Ordinal) && IsGradientName(element.Name) || IsGradientsHolder(element.Type))
                    {
                        return true;
                    }
                }
            }

            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind == RefKind.Out && IsGradientName(parameter.Name))
                {
                    // The gradients leave through out arguments; the return value is something else (a loss, an error).
                    return false;
                }
            }

            if (HasGradientMethodName(method.Name))
            {
                return true;
            }

            return ReturnsGradientLocal(method, cancellationToken);
        }

        private bool ReturnsGradientLocal(IMethodSymbol method, CancellationToken cancellationToken)
        {
            // The returned local is declared in the method, so its name is one of the method's identifiers: without an
            // identifier named like gradients the body is not bound here (for the compiler's own binding of that body, the
            // first rule to ask pays, and the callers of helpers ask before the helpers' turn comes).
            if (!DeclaresGradientName(method, cancellationToken))
            {
                return false;
            }

            var body = GetBody(method, cancellationToken);
            if (body is null)
            {
                return false;
            }

            foreach (var operation in BodyOperations.Shared(body).WithoutFirst().OfKind(s_returns))
            {
                if (operation is IReturnOperation { ReturnedValue: { } value } && IsInThisBody(operation, body))
                {
                    value = Unwrap(value);
                    if (value is ILocalReferenceOperation local && IsGradientName(local.Local.Name))
                    {
                        return true;
                    }

                    if (value is ITupleOperation tupleValue
                        && tupleValue.Elements.Any(e => Unwrap(e) is ILocalReferenceOperation l && IsGradientName(l.Local.Name)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>True when <paramref name="type"/> is our library's gradients type or a tuple holding it.</summary>
        public bool ContainsGradientsType(ITypeSymbol? type)
        {
            if (type is null || _symbols.NetworkGradients is null)
            {
                return false;
            }

            if (KnownSymbols.DerivesFrom(type, _symbols.NetworkGradients))
            {
                return true;
            }

            return type is INamedTypeSymbol { IsTupleType: true } tuple
                && tuple.TupleElements.Any(e => KnownSymbols.DerivesFrom(e.Type, _symbols.NetworkGradients));
        }

        /// <summary>
        /// True when a value of this type can hold gradients: numbers, arrays, MathNet tensors, collections or tuples of
        /// them, or a class, struct or record of the compilation that holds only such (<see cref="HoldsOnlyNumbers"/>).
        /// </summary>
        public bool CarriesNumbers(ITypeSymbol? type, int depth)
        {
            if (type is null || depth > 4)
            {
                return false;
            }

            if (_symbols.IsMathNetTensor(type) || ContainsGradientsType(type))
            {
                return true;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Double:
                case SpecialType.System_Single:
                case SpecialType.System_Decimal:
                    return true;
            }

            if (GenericMath.IsNumberTypeParameter(type))
            {
                return true;
            }

            if (type is IArrayTypeSymbol array)
            {
                return CarriesNumbers(array.ElementType, depth + 1);
            }

            if (type is INamedTypeSymbol named)
            {
                if (named.IsTupleType)
                {
                    return named.TupleElements.Any(e => CarriesNumbers(e.Type, depth + 1));
                }

                if (named.IsGenericType && Namespaces.IsWithin(named.ContainingNamespace, "System.Collections"))
                {
                    return named.TypeArguments.Any(t => CarriesNumbers(t, depth + 1));
                }

                if (HoldsOnlyNumbers(named))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="type"/> is a class, struct or record of the compilation named like gradients that holds
        /// only numbers (<c>record Gradients(double[,] Kernels, double[] KernelBias)</c>, <c>class LayerGrads</c>): a value
        /// of it is gradients, as a value of our library's gradients type is.
        /// </summary>
        public bool IsGradientsHolder(ITypeSymbol? type)
            => type is INamedTypeSymbol { IsTupleType: false } named && IsGradientName(named.Name) && HoldsOnlyNumbers(named);

        /// <summary>
        /// True when <paramref name="type"/> is a class, struct or record declared in this compilation whose instance fields
        /// (its base types' too, and the storage of its auto-properties and of a record's positional properties) are
        /// numbers, arrays, tensors or collections of them (<see cref="CarriesNumbers"/>), or counts — at least one of them
        /// a number of the first kind. Cached per type; a type that holds itself (a list node's <c>Next</c>) does not.
        /// </summary>
        public bool HoldsOnlyNumbers(ITypeSymbol? type)
        {
            if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct, IsTupleType: false } named
                || named.DeclaringSyntaxReferences.IsEmpty)
            {
                return false;
            }

            if (_holders.TryGetValue(named, out var known))
            {
                return known;
            }

            var inProgress = t_holdersInProgress ??= new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            if (!inProgress.Add(named))
            {
                return false;
            }

            bool result;
            try
            {
                result = ComputeHoldsOnlyNumbers(named);
            }
            finally
            {
                inProgress.Remove(named);
            }

            // A "no" reached while an enclosing type was assumed not to hold numbers is provisional; a "yes" never rests on it.
            if (result || inProgress.Count == 0)
            {
                _holders.TryAdd(named, result);
            }

            return result;
        }

        [ThreadStatic]
        private static HashSet<ITypeSymbol>? t_holdersInProgress;

        private bool ComputeHoldsOnlyNumbers(INamedTypeSymbol type)
        {
            var numbers = false;
            for (var current = type; current is not null && !current.DeclaringSyntaxReferences.IsEmpty; current = current.BaseType)
            {
                // The storage: instance fields, the backing fields of auto-properties and of a record's positional
                // properties included (a computed property, a record's EqualityContract, stores nothing).
                foreach (var member in current.GetMembers())
                {
                    if (member is not IFieldSymbol { IsStatic: false, IsConst: false } field)
                    {
                        continue;
                    }

                    if (CarriesNumbers(field.Type, 0))
                    {
                        numbers = true;
                    }
                    else if (!IsCount(field.Type))
                    {
                        return false;
                    }
                }
            }

            return numbers;
        }

        private static bool IsCount(ITypeSymbol type) => type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
            or SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_Int16 or SpecialType.System_UInt16;

        // ---------------------------------------------------------------- writes

        /// <summary>True when <paramref name="method"/> has a body in this compilation.</summary>
        public static bool HasSourceBody(IMethodSymbol method)
        {
            foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                if (syntax is BaseMethodDeclarationSyntax { Body: not null } or BaseMethodDeclarationSyntax { ExpressionBody: not null }
                    || syntax is LocalFunctionStatementSyntax { Body: not null } or LocalFunctionStatementSyntax { ExpressionBody: not null })
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="method"/> writes state outside its own locals: a field, a static, an array element,
        /// indexer or property reached from a parameter, a field or <c>this</c>, a ref/out argument, a mutating call on
        /// such storage (MathNet in-place overloads, void methods), or a call to a method of this compilation that does.
        /// Methods without a body in this compilation are assumed to write.
        /// </summary>
        public bool WritesState(IMethodSymbol method, CancellationToken cancellationToken)
        {
            return WritesState(method.OriginalDefinition, new Visit(), cancellationToken);
        }

        private bool WritesState(IMethodSymbol method, Visit visiting, CancellationToken cancellationToken)
        {
            if (_writes.TryGetValue(method, out var known))
            {
                return known;
            }

            if (!visiting.Methods.Add(method))
            {
                // Recursion: the cycle itself adds no write (but answers computed meanwhile are provisional).
                visiting.CycleHit = true;
                return false;
            }

            var body = GetBody(method, cancellationToken);
            var result = body is null || ComputeWrites(body, visiting, cancellationToken);
            visiting.Methods.Remove(method);
            if (result || !visiting.CycleHit || visiting.Methods.Count == 0)
            {
                _writes.TryAdd(method, result);
            }

            return result;
        }

        private sealed class Visit
        {
            public HashSet<IMethodSymbol> Methods { get; } = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

            public bool CycleHit { get; set; }
        }

        private bool ComputeWrites(IOperation body, Visit visiting, CancellationToken cancellationToken)
        {
            var roots = new RootAnalysis(body, _mathNet);
            foreach (var operation in BodyOperations.Shared(body).WithoutFirst().OfKind(s_writes))
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (operation)
                {
                    case IAssignmentOperation assignment when assignment is not IDeconstructionAssignmentOperation:
                        if (roots.IsExternalTarget(assignment.Target))
                        {
                            return true;
                        }

                        break;
                    case IDeconstructionAssignmentOperation deconstruction:
                        foreach (var target in deconstruction.Target.DescendantsAndSelf())
                        {
                            if (target is IFieldReferenceOperation or IArrayElementReferenceOperation or IPropertyReferenceOperation or IParameterReferenceOperation
                                && roots.IsExternalTarget(target))
                            {
                                return true;
                            }
                        }

                        break;
                    case IIncrementOrDecrementOperation increment:
                        if (roots.IsExternalTarget(increment.Target))
                        {
                            return true;
                        }

                        break;
                    case IInvocationOperation invocation:
                        if (InvocationWrites(invocation, roots, visiting, cancellationToken))
                        {
                            return true;
                        }

                        break;
                }
            }

            return false;
        }

        private bool InvocationWrites(IInvocationOperation invocation, RootAnalysis roots, Visit visiting, CancellationToken cancellationToken)
        {
            var target = invocation.TargetMethod;
            var receiverExternal = invocation.Instance is { } instance && roots.IsExternalRoot(instance);
            var anyArgumentExternal = false;
            foreach (var argument in invocation.Arguments)
            {
                var external = roots.IsExternalRoot(argument.Value);
                if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out && external)
                {
                    return true;
                }

                anyArgumentExternal |= external;
            }

            if (_symbols.IsMathNetTensor(target.ContainingType) && !target.IsStatic)
            {
                // MathNet's in-place operations return nothing (Subtract(other, result), MapInplace, CopyTo, SetRow, Clear);
                // a method that returns a value (a new object, or a view or value of the receiver: AsArray, Row, Enumerate,
                // At, Sum) writes nothing.
                return target.ReturnsVoid && _mathNet.ReturnsNewObject(target) == MathNetResultKind.None && (receiverExternal || anyArgumentExternal);
            }

            if (receiverExternal && target.ReturnsVoid)
            {
                return true;
            }

            // A framework method that fills a buffer it is given: Array.Copy(local, _grad, n), Array.Fill(_w, 0.0),
            // local.CopyTo(_grad, 0), span.CopyTo(_grad) — void, and the external storage goes to a writable buffer parameter.
            if (target.ReturnsVoid && anyArgumentExternal && !HasSourceBody(target) && PassesExternalBuffer(invocation, roots))
            {
                return true;
            }

            if (HasSourceBody(target) && (receiverExternal || anyArgumentExternal || invocation.Instance is null && !target.IsStatic))
            {
                if (WritesState(target.OriginalDefinition, visiting, cancellationToken))
                {
                    return true;
                }
            }

            // layer.Backward(g) through an ILayer, a Module's abstract or virtual Backward: the implementations decide.
            return (receiverExternal || anyArgumentExternal || invocation.Instance is IInstanceReferenceOperation)
                && DispatchedWrites(target.OriginalDefinition, visiting, cancellationToken);
        }

        /// <summary>
        /// A call dispatched to an interface method or an abstract or virtual method declared in this compilation writes
        /// state when one of its implementations here does (<c>_layers[i].Backward(g)</c> over <c>List&lt;ILayer&gt;</c>, a
        /// <c>Dense</c> accumulating into its <c>_gradW</c>); with no implementation in sight, it may (another assembly's).
        /// </summary>
        private bool DispatchedWrites(IMethodSymbol target, Visit visiting, CancellationToken cancellationToken)
        {
            var containing = target.ContainingType;
            var isInterface = containing?.TypeKind == TypeKind.Interface;
            if (containing is null || target.IsStatic || !(isInterface || target.IsAbstract || target.IsVirtual || target.IsOverride)
                || !containing.Locations.Any(l => l.IsInSource))
            {
                return false;
            }

            var found = false;
            foreach (var type in SourceTypes())
            {
                IMethodSymbol? implementation = null;
                if (isInterface)
                {
                    implementation = type.FindImplementationForInterfaceMember(target) as IMethodSymbol;
                }
                else
                {
                    foreach (var member in type.GetMembers(target.Name))
                    {
                        for (var overridden = (member as IMethodSymbol)?.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                        {
                            if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, target))
                            {
                                implementation = (IMethodSymbol)member;
                                break;
                            }
                        }
                    }
                }

                if (implementation is null || !HasSourceBody(implementation))
                {
                    continue;
                }

                found = true;
                if (WritesState(implementation.OriginalDefinition, visiting, cancellationToken))
                {
                    return true;
                }
            }

            return !found && (isInterface || target.IsAbstract);
        }

        private List<INamedTypeSymbol> SourceTypes()
        {
            var types = _sourceTypes;
            if (types is null)
            {
                types = new List<INamedTypeSymbol>();
                var pending = new Stack<INamespaceOrTypeSymbol>();
                pending.Push(_symbols.Compilation.Assembly.GlobalNamespace);
                while (pending.Count > 0)
                {
                    var current = pending.Pop();
                    foreach (var member in current.GetMembers())
                    {
                        if (member is INamespaceOrTypeSymbol nested)
                        {
                            pending.Push(nested);
                        }

                        if (member is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } type)
                        {
                            types.Add(type);
                        }
                    }
                }

                _sourceTypes = types;
            }

            return types;
        }

        // An external storage given to an array, System.Array or Span<T> parameter (a buffer the callee may write into;
        // a ReadOnlySpan, IEnumerable or object parameter only reads).
        private static bool PassesExternalBuffer(IInvocationOperation invocation, RootAnalysis roots)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.Explicit || argument.Parameter is not { } parameter || !roots.IsExternalRoot(argument.Value))
                {
                    continue;
                }

                // Array.Copy(sourceArray, destinationArray), Buffer.BlockCopy(src, …, dst, …): the framework names what it reads.
                if (parameter.Name.StartsWith("source", System.StringComparison.Ordinal) || parameter.Name.StartsWith("src", System.StringComparison.Ordinal))
                {
                    continue;
                }

                var type = parameter.Type;
                if (type is IArrayTypeSymbol || type.SpecialType == SpecialType.System_Array
                    || (type is INamedTypeSymbol { Name: "Span", Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }))
                {
                    return true;
                }
            }

            return false;
        }

        // ---------------------------------------------------------------- reads of locals

        /// <summary>
        /// The locals of <paramref name="body"/> whose value is used somewhere: any reference that is not the target of
        /// an assignment, an increment, a compound assignment, a deconstruction or an out argument, nor the storage an
        /// element/field/property write goes into, nor a read of its size that is only printed (<c>Console.WriteLine(grad.Length)</c>
        /// uses none of its values; a size compared, as a shape check does, is a use).
        /// </summary>
        /// <remarks>Asked only of the locals <paramref name="among"/> (of all when null).</remarks>
        public static HashSet<ILocalSymbol> ReadLocals(IOperation body, HashSet<ILocalSymbol>? among)
        {
            var read = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in BodyOperations.Shared(body).WithoutFirst().OfKind(OperationKind.LocalReference))
            {
                if (operation is ILocalReferenceOperation reference && (among is null || among.Contains(reference.Local))
                    && !reference.IsDeclaration && !IsWrittenOnly(reference) && !IsSizeOnlyPrinted(reference))
                {
                    read.Add(reference.Local);
                }
            }

            return read;
        }

        // grad.Length handed to a call or formatted into a string: the size is logged, no value of the local is read.
        private static bool IsSizeOnlyPrinted(ILocalReferenceOperation reference)
        {
            if (!Operations.IsShapeRead(reference))
            {
                return false;
            }

            var size = reference.Parent;
            while (size is IConversionOperation)
            {
                size = size.Parent;
            }

            var context = size?.Parent;
            while (context is IConversionOperation || (context is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } concatenation
                && concatenation.Type?.SpecialType == SpecialType.System_String))
            {
                context = context.Parent;
            }

            return context is IArgumentOperation || context is IInterpolationOperation;
        }

        /// <summary>
        /// The values assigned to each local of <paramref name="body"/>: initializers, assignments, deconstructions (the
        /// whole value), foreach collections, and the argument operation for <c>out</c> arguments.
        /// </summary>
        public static Dictionary<ILocalSymbol, List<IOperation>> AssignedValues(IOperation body)
        {
            var values = new Dictionary<ILocalSymbol, List<IOperation>>(SymbolEqualityComparer.Default);
            void Add(ILocalSymbol local, IOperation value)
            {
                if (!values.TryGetValue(local, out var list))
                {
                    values[local] = list = new List<IOperation>(1);
                }

                list.Add(value);
            }

            foreach (var operation in BodyOperations.Shared(body).WithoutFirst().OfKind(s_localValues))
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when declarator.GetVariableInitializer() is { } initializer:
                        Add(declarator.Symbol, initializer.Value);
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                        Add(target.Local, assignment.Value);
                        break;
                    case IDeconstructionAssignmentOperation deconstruction:
                        foreach (var local in deconstruction.Target.DescendantsAndSelf().OfType<ILocalReferenceOperation>())
                        {
                            Add(local.Local, deconstruction.Value);
                        }

                        break;
                    case IForEachLoopOperation loop:
                        foreach (var local in loop.Locals)
                        {
                            Add(local, loop.Collection);
                        }

                        break;
                    case IArgumentOperation { Parameter.RefKind: RefKind.Out } argument
                        when (Unwrap(argument.Value) is IDeclarationExpressionOperation declaration ? declaration.Expression : Unwrap(argument.Value)) is ILocalReferenceOperation outLocal:
                        Add(outLocal.Local, argument);
                        break;
                }
            }

            return values;
        }

        private static bool IsWrittenOnly(IOperation reference)
        {
            IOperation current = reference;
            while (true)
            {
                var parent = current.Parent;
                switch (parent)
                {
                    case IAssignmentOperation assignment when assignment.Target == current && assignment is not ICoalesceAssignmentOperation:
                        return true;
                    case IIncrementOrDecrementOperation:
                        return true;
                    case IArgumentOperation { Parameter.RefKind: RefKind.Out }:
                        return true;
                    case IDeclarationExpressionOperation or ITupleOperation when IsInDeconstructionTarget(parent):
                        return true;
                    case IArrayElementReferenceOperation element when element.ArrayReference == current:
                    case IPropertyReferenceOperation property when property.Instance == current:
                    case IFieldReferenceOperation field when field.Instance == current:
                        // dW[i] = …: the storage is written into, not read; keep climbing to see whether the access is a target.
                        current = parent!;
                        continue;
                    default:
                        return false;
                }
            }
        }

        private static bool IsInDeconstructionTarget(IOperation? operation)
        {
            var child = operation;
            for (var p = operation?.Parent; p is not null; child = p, p = p.Parent)
            {
                if (p is IDeconstructionAssignmentOperation deconstruction)
                {
                    return deconstruction.Target == child;
                }

                if (p is not (ITupleOperation or IDeclarationExpressionOperation or IConversionOperation))
                {
                    return false;
                }
            }

            return false;
        }

        // ---------------------------------------------------------------- update methods

        /// <summary>
        /// The only method that applies gradients of the given types: declared in one of <paramref name="types"/> (or in
        /// our library next to the gradients type), not itself computing gradients, accepting each gradient value in a
        /// parameter of its type (gradient-named parameters first), and writing state (a body that writes, or a void
        /// method of our library). Null when there is none or more than one.
        /// </summary>
        public UpdateMethod? FindUpdateMethod(
            IEnumerable<INamedTypeSymbol> types,
            IReadOnlyList<ITypeSymbol> gradientTypes,
            IReadOnlyList<string?> gradientNames,
            ISymbol within,
            CancellationToken cancellationToken,
            IEnumerable<IMethodSymbol>? localFunctions = null)
        {
            UpdateMethod? found = null;
            var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var candidates = new List<IMethodSymbol>();

            // Local functions in scope at the call (a top-level program's Update, a helper declared in the training method).
            foreach (var local in localFunctions ?? Enumerable.Empty<IMethodSymbol>())
            {
                if (local.MethodKind == MethodKind.LocalFunction && seen.Add(local))
                {
                    candidates.Add(local);
                }
            }

            foreach (var type in types)
            {
                foreach (var member in type.GetMembers())
                {
                    if (member is IMethodSymbol m && seen.Add(m))
                    {
                        candidates.Add(m);
                    }
                }
            }

            if (_symbols.NetworkGradients is { } gradientsType && gradientTypes.Any(t => KnownSymbols.DerivesFrom(t, gradientsType)))
            {
                foreach (var type in gradientsType.ContainingNamespace.GetTypeMembers())
                {
                    foreach (var member in type.GetMembers())
                    {
                        if (member is IMethodSymbol m && seen.Add(m))
                        {
                            candidates.Add(m);
                        }
                    }
                }
            }

            foreach (var candidate in candidates)
            {
                if ((candidate.MethodKind != MethodKind.Ordinary && candidate.MethodKind != MethodKind.LocalFunction) || candidate.IsGenericMethod || candidate.Parameters.Length < gradientTypes.Count
                    || HasGradientMethodName(candidate.Name)
                    || !within.ContainingAssembly.Equals(candidate.ContainingAssembly, SymbolEqualityComparer.Default) && candidate.DeclaredAccessibility != Accessibility.Public)
                {
                    continue;
                }

                var mapping = MapGradients(candidate, gradientTypes, gradientNames);
                if (mapping is null)
                {
                    continue;
                }

                // A method with a body must show that it is an update: a name that says so, or a gradient parameter that
                // reaches the state it writes (Other(double[] w) that writes a counter is not where gradients go).
                var writes = HasSourceBody(candidate)
                    ? WritesState(candidate, cancellationToken)
                        && (IdentifierWords.ContainsAny(candidate.Name, s_updateWords) || StepsAlong(candidate, mapping.Value, cancellationToken))
                    : candidate.ReturnsVoid;
                if (!writes)
                {
                    continue;
                }

                if (found is not null)
                {
                    return null;
                }

                found = new UpdateMethod(candidate, mapping.Value);
            }

            return found;
        }

        // True when a gradient parameter (or a local computed from one) is part of a value written to state the caller
        // sees: w[i] -= lr * dW[i]; _weights = _weights - dW * lr; var step = lr * g; _b += step.
        private bool StepsAlong(IMethodSymbol method, ImmutableArray<int> gradientParameters, CancellationToken cancellationToken)
        {
            var body = GetBody(method, cancellationToken);
            if (body is null)
            {
                return false;
            }

            var carriers = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var index in gradientParameters)
            {
                carriers.Add(method.Parameters[index]);
            }

            // Locals computed from a gradient: two passes reach var step = lr * g; var clipped = Clip(step).
            var assigned = AssignedValues(body);
            for (var pass = 0; pass < 2; pass++)
            {
                foreach (var pair in assigned)
                {
                    if (!carriers.Contains(pair.Key) && pair.Value.Any(v => Mentions(v, carriers)))
                    {
                        carriers.Add(pair.Key);
                    }
                }
            }

            var roots = new RootAnalysis(body, _mathNet);
            foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(s_writesOrCalls))
            {
                switch (op)
                {
                    case IAssignmentOperation assignment when assignment is ISimpleAssignmentOperation or ICompoundAssignmentOperation:
                        if (roots.IsExternalTarget(assignment.Target) && Mentions(assignment.Value, carriers))
                        {
                            return true;
                        }

                        break;
                    case IInvocationOperation call when (call.Instance is { } instance && Mentions(instance, carriers) || call.Arguments.Any(a => Mentions(a.Value, carriers)))
                        && InvocationWrites(call, roots, new Visit(), cancellationToken):
                        // _weights.Subtract(step, _weights), layer.Apply(dW): a write of external state fed by the gradient.
                        return true;
                }
            }

            return false;
        }

        private static bool Mentions(IOperation value, HashSet<ISymbol> symbols)
        {
            foreach (var op in value.DescendantsAndSelf())
            {
                var symbol = op switch
                {
                    IParameterReferenceOperation p => (ISymbol)p.Parameter,
                    ILocalReferenceOperation l => l.Local,
                    _ => null,
                };
                if (symbol is not null && symbols.Contains(symbol) && !Operations.IsShapeRead(op))
                {
                    return true;
                }
            }

            return false;
        }

        private static ImmutableArray<int>? MapGradients(IMethodSymbol candidate, IReadOnlyList<ITypeSymbol> gradientTypes, IReadOnlyList<string?> gradientNames)
        {
            var used = new bool[candidate.Parameters.Length];
            var mapping = ImmutableArray.CreateBuilder<int>(gradientTypes.Count);
            var gradientParameters = candidate.Parameters.Count(p => IsGradientName(p.Name));
            for (var g = 0; g < gradientTypes.Count; g++)
            {
                var index = -1;

                // Same name (DW ↔ dW), then the next unused gradient-named parameter of the type, then (only when the
                // method has no gradient-named parameter) the only parameter of the type.
                for (var i = 0; i < candidate.Parameters.Length && index < 0; i++)
                {
                    var p = candidate.Parameters[i];
                    if (!used[i] && p.RefKind == RefKind.None && SymbolEqualityComparer.Default.Equals(p.Type, gradientTypes[g])
                        && gradientNames[g] is { } name && string.Equals(name, p.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        index = i;
                    }
                }

                for (var i = 0; i < candidate.Parameters.Length && index < 0; i++)
                {
                    var p = candidate.Parameters[i];
                    if (!used[i] && p.RefKind == RefKind.None && SymbolEqualityComparer.Default.Equals(p.Type, gradientTypes[g]) && IsGradientName(p.Name))
                    {
                        index = i;
                    }
                }

                if (index < 0 && gradientParameters == 0)
                {
                    var sameType = Enumerable.Range(0, candidate.Parameters.Length)
                        .Where(i => !used[i] && candidate.Parameters[i].RefKind == RefKind.None && SymbolEqualityComparer.Default.Equals(candidate.Parameters[i].Type, gradientTypes[g]))
                        .ToList();
                    if (sameType.Count == 1)
                    {
                        index = sameType[0];
                    }
                }

                if (index < 0)
                {
                    return null;
                }

                used[index] = true;
                mapping.Add(index);
            }

            // Every gradient-named parameter must receive a gradient (otherwise the method wants gradients we do not have).
            for (var i = 0; i < candidate.Parameters.Length; i++)
            {
                if (!used[i] && IsGradientName(candidate.Parameters[i].Name) && !candidate.Parameters[i].IsOptional)
                {
                    return null;
                }
            }

            return mapping.MoveToImmutable();
        }

        // ---------------------------------------------------------------- plumbing

        // Whether an identifier of the method's declaration may be named like gradients, read on the characters of its
        // text: no node of the method is made or bound. A superset of IsGradientName over its identifiers (words of
        // comments and strings count too; a Unicode escape, which could spell any name, counts as a yes).
        [MethodImpl(SignText.Hot)]
        private static bool DeclaresGradientName(IMethodSymbol method, CancellationToken cancellationToken)
        {
            foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
            {
                var span = reference.Span;
                var length = span.Length;
                var text = t_text is { } known && known.Length >= length ? known : t_text = new char[Math.Max(length, 4096)];
                reference.SyntaxTree.GetText(cancellationToken).CopyTo(span.Start, text, 0, length);
                for (var i = 0; i < length;)
                {
                    var c = text[i];
                    if (!(c == '_' || char.IsLetterOrDigit(c)))
                    {
                        if (c == '\\' && i + 1 < length && (text[i + 1] == 'u' || text[i + 1] == 'U'))
                        {
                            return true;
                        }

                        i++;
                        continue;
                    }

                    var start = i;
                    while (i < length && (text[i] == '_' || char.IsLetterOrDigit(text[i])))
                    {
                        i++;
                    }

                    if (MayBeGradientName(text, start, i - start) && IsGradientName(new string(text, start, i - start)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        // The cheap part of IsGradientName on a word of a text: the d/g prefix shapes, d + gamma/beta, or grad/delta/nabla in any case.
        [MethodImpl(SignText.Hot)]
        private static bool MayBeGradientName(char[] text, int start, int length)
        {
            var offset = start;
            var end = start + length;
            while (offset < end && text[offset] == '_')
            {
                offset++;
            }

            var rest = end - offset;
            if (rest >= 2 && text[offset] is 'd' or 'D' or 'g' or 'G'
                && (text[offset + 1] == '_' || char.IsUpper(text[offset + 1]) || rest == 2 || (rest == 3 && char.IsDigit(text[offset + 2]))))
            {
                return true;
            }

            if (rest >= 5 && text[offset] is 'd' or 'D'
                && ((rest >= 6 && Holds(text, offset + 1, 5, "gamma")) || Holds(text, offset + 1, 4, "beta")))
            {
                return true;
            }

            return Holds(text, start, length, "grad") || Holds(text, start, length, "delta") || Holds(text, start, length, "nabla");
        }

        // Whether the word holds the lower-case letters, in any case.
        [MethodImpl(SignText.Hot)]
        private static bool Holds(char[] text, int start, int length, string lower)
        {
            for (var i = start; i <= start + length - lower.Length; i++)
            {
                var k = 0;
                while (k < lower.Length && char.ToLowerInvariant(text[i + k]) == lower[k])
                {
                    k++;
                }

                if (k == lower.Length)
                {
                    return true;
                }
            }

            return false;
        }

        [ThreadStatic]
        private static char[]? t_text;

        /// <summary>The operation tree of a method's body in this compilation, or null.</summary>
        public IOperation? GetBody(IMethodSymbol method, CancellationToken cancellationToken)
        {
            foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                if (syntax is not (BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax))
                {
                    continue;
                }

                var model = GetModel(syntax.SyntaxTree);
                if (model is null)
                {
                    return null;
                }

                var operation = model.GetOperation(syntax, cancellationToken);
                if (operation is IMethodBodyBaseOperation or ILocalFunctionOperation)
                {
                    return operation;
                }
            }

            return null;
        }

        private SemanticModel? GetModel(SyntaxTree tree)
        {
            var compilation = _symbols.Compilation;
            if (!compilation.ContainsSyntaxTree(tree))
            {
                return null;
            }

            // One model per tree, for the bodies of called methods (the body of the method being analysed comes with its
            // own operation); analysed once and cached with the answers above.
#pragma warning disable RS1030 // Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer
            return _models.GetOrAdd(tree, t => compilation.GetSemanticModel(t));
#pragma warning restore RS1030
        }

        private static bool IsInThisBody(IOperation operation, IOperation body)
        {
            for (var p = operation.Parent; p is not null; p = p.Parent)
            {
                if (p == body)
                {
                    return true;
                }

                if (p is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary>The operation without implicit or explicit conversions and parentheses.</summary>
        public static IOperation Unwrap(IOperation operation) => Operations.WithoutConversions(operation)!;

        /// <summary>The value without conversions and without an <c>await</c> (the call of an async backprop).</summary>
        public static IOperation UnwrapAwait(IOperation operation)
        {
            var op = Unwrap(operation);
            return op is IAwaitOperation awaited ? Unwrap(awaited.Operation) : op;
        }

        /// <summary>
        /// The type of the value a caller gets from <paramref name="method"/>: T of <c>Task&lt;T&gt;</c> or
        /// <c>ValueTask&lt;T&gt;</c> (an async method's awaited result), null for void, <c>Task</c> and <c>ValueTask</c>.
        /// </summary>
        public static ITypeSymbol? ResultType(IMethodSymbol method)
        {
            if (method.ReturnsVoid)
            {
                return null;
            }

            if (method.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask" } task && Namespaces.Is(task.ContainingNamespace, "System.Threading.Tasks"))
            {
                return task.TypeArguments.Length == 1 ? task.TypeArguments[0] : null;
            }

            return method.ReturnType;
        }

        /// <summary>Where a piece of storage comes from: outside the method (parameters, fields, this) or its own locals.</summary>
        private sealed class RootAnalysis
        {
            private readonly Dictionary<ILocalSymbol, List<IOperation>> _assigned;
            private readonly MathNetOperations _mathNet;
            private readonly Dictionary<ILocalSymbol, bool> _localExternal = new Dictionary<ILocalSymbol, bool>(SymbolEqualityComparer.Default);

            public RootAnalysis(IOperation body, MathNetOperations mathNet)
            {
                _assigned = AssignedValues(body);
                _mathNet = mathNet;
            }

            /// <summary>True when writing <paramref name="target"/> changes state the caller can see.</summary>
            public bool IsExternalTarget(IOperation target)
            {
                target = Unwrap(target);
                switch (target)
                {
                    case ILocalReferenceOperation local:
                        return local.Local.IsRef && IsExternalLocal(local.Local);
                    case IParameterReferenceOperation parameter:
                        return parameter.Parameter.RefKind is RefKind.Ref or RefKind.Out;
                    case IFieldReferenceOperation field:
                        return field.Field.IsStatic || field.Instance is null || IsExternalRoot(field.Instance);
                    case IPropertyReferenceOperation property:
                        return property.Property.IsStatic || property.Instance is null || IsExternalRoot(property.Instance);
                    case IArrayElementReferenceOperation element:
                        return IsExternalRoot(element.ArrayReference);
                    case IDiscardOperation:
                        return false;
                    default:
                        return true;
                }
            }

            /// <summary>True when the object <paramref name="value"/> evaluates to may be shared with the caller.</summary>
            public bool IsExternalRoot(IOperation value) => IsExternalRoot(value, 0);

            private bool IsExternalRoot(IOperation value, int depth)
            {
                if (depth > 8)
                {
                    return true;
                }

                value = Unwrap(value);
                if (value.Type is { IsValueType: true } && value is not (IFieldReferenceOperation or IArrayElementReferenceOperation or IInstanceReferenceOperation))
                {
                    return value is IParameterReferenceOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out };
                }

                switch (value)
                {
                    case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }:
                        // new Partials { Weights = w }, model with { Bias = b }: the object being created, not this.
                        return false;
                    case IParameterReferenceOperation:
                    case IInstanceReferenceOperation:
                        return true;
                    case IFieldReferenceOperation field:
                        return field.Field.IsStatic || field.Instance is null || IsExternalRoot(field.Instance, depth + 1);
                    case IPropertyReferenceOperation property:
                        return property.Property.IsStatic || property.Instance is null || IsExternalRoot(property.Instance, depth + 1);
                    case IArrayElementReferenceOperation element:
                        return IsExternalRoot(element.ArrayReference, depth + 1);
                    case ILocalReferenceOperation local:
                        return IsExternalLocal(local.Local);
                    case IInvocationOperation invocation:
                        if (_mathNet.ReturnsNewObject(invocation.TargetMethod) != MathNetResultKind.None
                            || invocation.TargetMethod.ReturnType.IsValueType
                            || invocation.TargetMethod.ReturnType.SpecialType == SpecialType.System_String)
                        {
                            return false;
                        }

                        // Vector<double>.Build.Dense(n): a new tensor (on the static Build property), sharing only an array it is given.
                        if (_mathNet.IsBuilderMethod(invocation.TargetMethod))
                        {
                            return invocation.Arguments.Any(a => a.Value.Type is IArrayTypeSymbol && IsExternalRoot(a.Value, depth + 1));
                        }

                        if (invocation.Instance is null && !invocation.TargetMethod.IsStatic)
                        {
                            return true;
                        }

                        if (invocation.Instance is { } instance && IsExternalRoot(instance, depth + 1))
                        {
                            return true;
                        }

                        return invocation.Arguments.Any(a => IsExternalRoot(a.Value, depth + 1));
                    case IObjectCreationOperation:
                    case IArrayCreationOperation:
                    case ILiteralOperation:
                    case IDefaultValueOperation:
                    case IBinaryOperation:
                    case IUnaryOperation:
                    case IAnonymousFunctionOperation:
                    case IDelegateCreationOperation:
                    case ITupleOperation:
                    case IInterpolatedStringOperation:
                    case ITypeParameterObjectCreationOperation:
                        return false;
                    case IConditionalOperation conditional:
                        return IsExternalRoot(conditional.WhenTrue, depth + 1) || (conditional.WhenFalse is { } f && IsExternalRoot(f, depth + 1));
                    case ICoalesceOperation coalesce:
                        return IsExternalRoot(coalesce.Value, depth + 1) || IsExternalRoot(coalesce.WhenNull, depth + 1);
                    default:
                        return true;
                }
            }

            private bool IsExternalLocal(ILocalSymbol local)
            {
                if (_localExternal.TryGetValue(local, out var known))
                {
                    return known;
                }

                // Assume owned while visiting (cycles: x = x.Next).
                _localExternal[local] = false;
                var external = false;
                if (_assigned.TryGetValue(local, out var values))
                {
                    foreach (var value in values)
                    {
                        if (value is IArgumentOperation { Parent: IInvocationOperation call } outArgument)
                        {
                            // Foo(out var m): m may be storage of whatever the call can reach (TryGetValue on a field).
                            if ((call.Instance is null ? !call.TargetMethod.IsStatic : IsExternalRoot(call.Instance))
                                || call.Arguments.Any(a => a != outArgument && IsExternalRoot(a.Value)))
                            {
                                external = true;
                                break;
                            }

                            continue;
                        }

                        if (IsExternalRoot(value))
                        {
                            external = true;
                            break;
                        }
                    }
                }

                _localExternal[local] = external;
                return external;
            }
        }
    }

    /// <summary>A method that applies gradients, with the parameter that receives each gradient value.</summary>
    public sealed class UpdateMethod
    {
        /// <summary>Creates the answer.</summary>
        public UpdateMethod(IMethodSymbol method, ImmutableArray<int> gradientParameterIndexes)
        {
            Method = method;
            GradientParameterIndexes = gradientParameterIndexes;
        }

        /// <summary>The update method.</summary>
        public IMethodSymbol Method { get; }

        /// <summary>For each gradient value (in order), the index of the parameter that receives it.</summary>
        public ImmutableArray<int> GradientParameterIndexes { get; }
    }
}
