using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>The sign of a value, as far as it can be proven.</summary>
    public enum SignKind
    {
        /// <summary>Nothing proven: may be negative or positive (centred values land here too).</summary>
        Other,

        /// <summary>Exactly zero.</summary>
        Zero,

        /// <summary>Never negative.</summary>
        NonNegative,

        /// <summary>Never positive.</summary>
        NonPositive,
    }

    /// <summary>What is known of a random source's range.</summary>
    public enum DrawRange
    {
        /// <summary>A non-negative range of no simpler form.</summary>
        Other,

        /// <summary>The continuous unit range [0, 1) or [0, 1] (NextDouble, NextSingle, ContinuousUniform()).</summary>
        Unit,

        /// <summary>Integers (Next(max), Next(min, max)).</summary>
        Integer,
    }

    /// <summary>
    /// A random source whose support is non-negative: <c>r.NextDouble()</c>, <c>new ContinuousUniform(0, 1)</c>, a
    /// helper method returning such values. <see cref="Operation"/> is the node that a centring rewrite replaces.
    /// </summary>
    public sealed class RandomDraw
    {
        internal RandomDraw(IOperation operation, string source, string range, DrawRange kind)
        {
            Operation = operation;
            Source = source;
            Range = range;
            Kind = kind;
        }

        /// <summary>The draw itself (an invocation, a distribution creation, a helper call).</summary>
        public IOperation Operation { get; }

        /// <summary>How to name the source in a message: <c>NextDouble()</c>, <c>ContinuousUniform(0, 1)</c>.</summary>
        public string Source { get; }

        /// <summary>The source's range in interval notation: <c>[0, 1)</c>.</summary>
        public string Range { get; }

        /// <summary>What is known of the range.</summary>
        public DrawRange Kind { get; }

        /// <summary>True when <see cref="Operation"/> creates a MathNet ContinuousUniform (centred by rewriting its bounds).</summary>
        public bool IsDistributionCreation => Operation is IObjectCreationOperation;

        /// <summary>True when <see cref="Operation"/> is a call of a helper method of the user's code.</summary>
        public bool IsHelperCall { get; internal set; }

        /// <summary>For a helper call: the storage the helper fills and returns (a local named like a parameter is reported inside the helper).</summary>
        public ISymbol? HelperStorage { get; internal set; }
    }

    /// <summary>
    /// The sign of a (possibly random, possibly element-wise) value: the answer of <see cref="RandomSign.Analyze(IOperation)"/>.
    /// A matrix, array or sequence is described by the sign of its elements.
    /// </summary>
    public readonly struct RandomValue
    {
        internal RandomValue(SignKind sign, bool isRandom, RandomDraw? draw, int draws, bool linear, bool exact, IOperation? rows, IOperation? columns)
        {
            Sign = sign;
            IsRandom = isRandom;
            Draw = draw;
            Draws = draws;
            IsLinear = linear;
            IsExactDraw = exact;
            Rows = rows;
            Columns = columns;
        }

        /// <summary>The proven sign (of each element).</summary>
        public SignKind Sign { get; }

        /// <summary>True when the value depends on a random source.</summary>
        public bool IsRandom { get; }

        /// <summary>The first non-negative random source found in the value.</summary>
        public RandomDraw? Draw { get; }

        /// <summary>How many non-negative random sources the value combines.</summary>
        public int Draws { get; }

        /// <summary>True when the value is an affine function of its single draw (scaled, shifted, converted).</summary>
        public bool IsLinear { get; }

        /// <summary>True when the value is its draw, unscaled (element-wise for tensors).</summary>
        public bool IsExactDraw { get; }

        /// <summary>For a matrix/array built with known dimensions: the row count (first dimension).</summary>
        public IOperation? Rows { get; }

        /// <summary>For a matrix/2-D array built with known dimensions: the column count (second dimension).</summary>
        public IOperation? Columns { get; }

        /// <summary>True when every value is drawn at random from a non-negative range: the NN0001 condition.</summary>
        public bool IsNonNegativeRandom => IsRandom && Draw is not null && (Sign == SignKind.NonNegative);

        internal static RandomValue Unknown => new RandomValue(SignKind.Other, false, null, 0, false, false, null, null);

        internal static RandomValue Constant(SignKind sign) => new RandomValue(sign, false, null, 0, true, false, null, null);

        internal static RandomValue FromDraw(RandomDraw draw) => new RandomValue(SignKind.NonNegative, true, draw, 1, true, true, null, null);

        internal static RandomValue SignedRandom => new RandomValue(SignKind.Other, true, null, 0, false, false, null, null);

        internal RandomValue With(SignKind? sign = null, bool? linear = null, bool? exact = null) => new RandomValue(
            sign ?? Sign, IsRandom, Draw, Draws, linear ?? IsLinear, exact ?? IsExactDraw, Rows, Columns);

        internal RandomValue WithDims(IOperation? rows, IOperation? columns) => new RandomValue(
            Sign, IsRandom, Draw, Draws, IsLinear, IsExactDraw, rows, columns);
    }

    /// <summary>
    /// Answers "is this value drawn from a random source whose support is non-negative, with nothing centring it?".
    /// Knows System.Random (and every class deriving from it, <c>Random.Shared</c>, MathNet random sources), MathNet
    /// distributions (<c>ContinuousUniform()</c> = [0, 1], <c>ContinuousUniform(a, b)</c> with constant a ≥ 0, Normal…),
    /// <c>Matrix.Build.Random/Dense</c>, LINQ <c>Select</c>, arithmetic (scaling by non-negative values keeps the sign,
    /// <c>- 0.5</c> and <c>* 2 - 1</c> centre it), <c>Sqrt</c>/<c>Abs</c>/<c>Exp</c>, casts, locals and small helper
    /// methods (scalar or filling and returning a matrix/array). Anything unknown is "not proven non-negative".
    /// One instance per compilation; helper summaries are cached.
    /// </summary>
    public sealed class RandomSign
    {
        // The operations the walks of a body have cases for (read off the body's list by kind: the others are never type-tested).
        private static readonly KindSet s_localWrites = KindSet.Of(OperationKind.VariableDeclarator, OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.Increment, OperationKind.Decrement, OperationKind.DeconstructionAssignment, OperationKind.Argument, OperationKind.Invocation);
        private static readonly KindSet s_storageWrites = KindSet.Of(OperationKind.CompoundAssignment, OperationKind.Increment, OperationKind.Decrement, OperationKind.SimpleAssignment, OperationKind.Invocation);

        private const int MaxDepth = 4;

        private static readonly WordSet s_nonNegativeDistributions = IdentifierWords.Set(
            "Exponential", "Gamma", "Beta", "LogNormal", "Rayleigh", "Weibull", "ChiSquared", "Erlang", "Pareto", "Chi",
            "Poisson", "Binomial", "Bernoulli", "Geometric");

        private readonly KnownSymbols _symbols;
        private readonly ConcurrentDictionary<IMethodSymbol, RandomValue> _helpers =
            new ConcurrentDictionary<IMethodSymbol, RandomValue>(SymbolEqualityComparer.Default);

        /// <summary>Creates the oracle of one compilation.</summary>
        public RandomSign(KnownSymbols symbols)
        {
            _symbols = symbols;
        }

        /// <summary>Analyzes <paramref name="value"/> (an expression's operation) within its operation tree.</summary>
        public RandomValue Analyze(IOperation? value)
        {
            if (value is null)
            {
                return RandomValue.Unknown;
            }

            var state = new State(Root(value), value.SemanticModel);
            return Analyze(value, state, 0);
        }

        /// <summary>The top of an operation tree (a method body, a field initializer…).</summary>
        public static IOperation Root(IOperation operation)
        {
            var root = operation;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            return root;
        }

        /// <summary>
        /// True when, within <paramref name="root"/>, the storage is also updated from itself (<c>w[i] -= 0.5</c>,
        /// <c>W = W * 2 - 1</c>, <c>W.MapInplace(v =&gt; v - 0.5)</c>, <c>W.Subtract(0.5, W)</c>): a later centring step.
        /// A <c>…Inplace</c> map whose function ignores the old value (<c>W.MapInplace(_ =&gt; rng.NextDouble())</c>) replaces
        /// the values: it counts for the other writes (they are overwritten) but not for itself, <paramref name="write"/>,
        /// which is a fill to be judged like any other (see <see cref="ReplacesValues"/>).
        /// </summary>
        public static bool IsAdjustedInPlace(ISymbol storage, IOperation root, IInvocationOperation? write = null)
        {
            foreach (var op in BodyOperations.Shared(root).WithoutFirst().OfKind(s_storageWrites))
            {
                switch (op)
                {
                    case ICompoundAssignmentOperation compound when RefersTo(compound.Target, storage):
                        return true;
                    case IIncrementOrDecrementOperation increment when RefersTo(increment.Target, storage):
                        return true;
                    case ISimpleAssignmentOperation assignment when RefersTo(assignment.Target, storage) && Mentions(assignment.Value, storage):
                        return true;
                    case IInvocationOperation call when call.Instance is null && RewritesArgumentFromItself(call, storage):
                        return true;
                    case IInvocationOperation invocation when invocation.Instance is not null && RefersTo(invocation.Instance, storage):
                        if (invocation.TargetMethod.Name.EndsWith("Inplace", StringComparison.Ordinal) && invocation.Syntax != write?.Syntax)
                        {
                            return true;
                        }

                        foreach (var argument in invocation.Arguments)
                        {
                            if (RefersTo(argument.Value, storage))
                            {
                                return true;
                            }
                        }

                        break;
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="call"/> hands <paramref name="storage"/> to a method of this compilation that rewrites
        /// the elements it receives from themselves (<c>Centre(w, limit)</c> with <c>row[i] = (row[i] * 2 - 1) * limit</c>
        /// over <c>foreach (var row in w)</c>): the in-place adjustment, one call level down.
        /// </summary>
        private static bool RewritesArgumentFromItself(IInvocationOperation call, ISymbol storage)
        {
            IParameterSymbol? parameter = null;
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is not null && RefersTo(argument.Value, storage) && StorageOf(argument.Value) is ISymbol && Operations.WithoutConversions(argument.Value) is not IArrayElementReferenceOperation)
                {
                    parameter = argument.Parameter;
                }
            }

            var method = call.TargetMethod.OriginalDefinition;
            if (parameter is null || call.SemanticModel is null || method.DeclaringSyntaxReferences.Length != 1 || method.IsVirtual || method.IsAbstract)
            {
                return false;
            }

            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
            var model = syntax.SyntaxTree == call.SemanticModel.SyntaxTree ? call.SemanticModel : GetModel(call.SemanticModel.Compilation, syntax.SyntaxTree);
            var body = model?.GetOperation(syntax);
            if (body is null)
            {
                return false;
            }

            // The parameter and what holds its rows: a foreach variable over it, a local set to one of its elements.
            var aliases = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { method.Parameters[parameter.Ordinal] };
            foreach (var op in BodyOperations.Shared(body).OfKind(s_aliasKinds))
            {
                if (op is IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation variable } loop
                    && StorageOf(loop.Collection) is ISymbol collection && aliases.Contains(collection))
                {
                    aliases.Add(variable.Symbol);
                }
                else if (op is IVariableDeclaratorOperation declarator && declarator.GetVariableInitializer()?.Value is { } initial
                    && StorageOf(initial) is ISymbol source && aliases.Contains(source))
                {
                    aliases.Add(declarator.Symbol);
                }
            }

            foreach (var op in BodyOperations.Shared(body).OfKind(s_storageWrites))
            {
                if (op is ISimpleAssignmentOperation assignment && StorageOf(assignment.Target) is ISymbol target && aliases.Contains(target)
                    && assignment.Target is not ILocalReferenceOperation && Mentions(assignment.Value, target))
                {
                    return true;
                }

                if (op is ICompoundAssignmentOperation compound && StorageOf(compound.Target) is ISymbol added && aliases.Contains(added))
                {
                    return true;
                }
            }

            return false;
        }

        private static readonly KindSet s_aliasKinds = KindSet.Of(OperationKind.Loop, OperationKind.VariableDeclarator);

        /// <summary>
        /// True when a <c>Map…Inplace</c> call's function never reads the element it is given (its last parameter):
        /// <c>MapInplace(_ =&gt; rng.NextDouble())</c>, <c>MapIndexedInplace((i, j, _) =&gt; …)</c> write new values; a
        /// method group or a delegate may read it.
        /// </summary>
        public static bool ReplacesValues(IInvocationOperation call)
        {
            if (call.Arguments.Length == 0)
            {
                return false;
            }

            var function = call.Arguments[0].Value;
            while (function is IDelegateCreationOperation || function is IConversionOperation)
            {
                function = function is IDelegateCreationOperation creation ? creation.Target : ((IConversionOperation)function).Operand;
            }

            if (!(function is IAnonymousFunctionOperation lambda) || lambda.Symbol.Parameters.Length == 0)
            {
                return false;
            }

            var element = lambda.Symbol.Parameters[lambda.Symbol.Parameters.Length - 1];
            foreach (var op in BodyOperations.Shared(lambda.Body).OfKind(OperationKind.ParameterReference))
            {
                if (op is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, element))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// What a delegate handed to a method returns, when it draws: a lambda's single returned value
        /// (<c>() =&gt; rng.NextDouble()</c>), a <c>Random</c>'s method group (<c>rng.NextDouble</c>), or either held in a
        /// local written once. <paramref name="drawn"/> is the operation to report (the returned value, the method group).
        /// </summary>
        public RandomValue AnalyzeDelegate(IOperation value, out IOperation? drawn)
        {
            drawn = null;
            var op = Operations.WithoutConversions(value);
            if (op is ILocalReferenceOperation local && Shifts.SingleInitializer(local) is { } initializer)
            {
                op = Operations.WithoutConversions(initializer);
            }

            if (!(op is IDelegateCreationOperation creation))
            {
                return RandomValue.Unknown;
            }

            switch (creation.Target)
            {
                case IAnonymousFunctionOperation lambda when Collections.ReturnedValue(lambda) is { } returned:
                    drawn = returned;
                    return Analyze(returned);
                case IMethodReferenceOperation { Instance: { } receiver, Method: { Name: "NextDouble" or "NextSingle", Parameters.Length: 0 } method } group
                    when _symbols.IsRandom(receiver.Type):
                    drawn = group;
                    return RandomValue.FromDraw(new RandomDraw(group, method.Name + "()", "[0, 1)", DrawRange.Unit));
                default:
                    return RandomValue.Unknown;
            }
        }

        /// <summary>
        /// The storages a method of the compilation writes with what its delegate parameter returns
        /// (<c>W[o, i] = init();</c>, <c>W[o, i] = init.Invoke();</c>, <c>weights.Add(init())</c>), with the body they are
        /// written in; empty for a method without source.
        /// </summary>
        public static List<(ISymbol Storage, IOperation Body)> StoragesFilledBy(IParameterSymbol parameter, SemanticModel callerModel)
        {
            var result = new List<(ISymbol, IOperation)>();
            if (!(parameter.ContainingSymbol is IMethodSymbol method) || method.DeclaringSyntaxReferences.Length != 1)
            {
                return result;
            }

            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
            var model = syntax.SyntaxTree == callerModel.SyntaxTree ? callerModel : GetModel(callerModel.Compilation, syntax.SyntaxTree);
            var body = model?.GetOperation(syntax);
            if (body is null)
            {
                return result;
            }

            foreach (var op in BodyOperations.Shared(body).OfKind(OperationKind.Invocation))
            {
                if (!(op is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke, Instance: { } instance } call)
                    || !(Operations.WithoutConversions(instance) is IParameterReferenceOperation reference)
                    || !SymbolEqualityComparer.Default.Equals(reference.Parameter.OriginalDefinition, parameter.OriginalDefinition))
                {
                    continue;
                }

                IOperation consumer = call;
                while (consumer.Parent is IConversionOperation)
                {
                    consumer = consumer.Parent;
                }

                var storage = consumer.Parent switch
                {
                    ISimpleAssignmentOperation assignment when assignment.Value == consumer => StorageOf(assignment.Target),
                    IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Add", Instance: { } list } } => StorageOf(list),
                    _ => null,
                };
                if (storage is not null)
                {
                    result.Add((storage, body));
                }
            }

            return result;
        }

        /// <summary>The value a lambda of one expression returns (<c>_ =&gt; rng.NextDouble()</c>), or null.</summary>
        public static IOperation? ReturnedValue(IOperation function)
        {
            while (function is IDelegateCreationOperation || function is IConversionOperation)
            {
                function = function is IDelegateCreationOperation creation ? creation.Target : ((IConversionOperation)function).Operand;
            }

            return function is IAnonymousFunctionOperation { Body.Operations: { Length: 1 } body } && body[0] is IReturnOperation { ReturnedValue: { } returned }
                ? returned
                : null;
        }

        /// <summary>The storage a reference or an element of it denotes (see <see cref="NetworkParameters.StorageOf"/>).</summary>
        public static ISymbol? StorageOf(IOperation? target) => NetworkParameters.StorageOf(target);

        private static bool RefersTo(IOperation? target, ISymbol storage)
            => target is not null && SymbolEqualityComparer.Default.Equals(StorageOf(target), storage);

        private static bool Mentions(IOperation value, ISymbol storage)
        {
            if (RefersTo(value, storage))
            {
                return true;
            }

            foreach (var op in BodyOperations.Shared(value).WithoutFirst())
            {
                if (RefersTo(op, storage))
                {
                    return true;
                }
            }

            return false;
        }

        private RandomValue Analyze(IOperation? op, State state, int depth)
        {
            if (op is null || depth > 40)
            {
                return RandomValue.Unknown;
            }

            // One read: each read of an operation's constant boxes it anew.
            var constant = op.ConstantValue;
            if (constant.HasValue)
            {
                return ConstantSign(constant.Value);
            }

            // On the kind (one read), not a type switch: most values are references, which tested against a dozen
            // interfaces before their case.
            switch (op.Kind)
            {
                case OperationKind.Conversion when op is IConversionOperation conversion:
                    return Analyze(conversion.Operand, state, depth + 1);
                case OperationKind.Unary when op is IUnaryOperation unary:
                    return AnalyzeUnary(unary, state, depth);
                case OperationKind.Binary when op is IBinaryOperation binary:
                    return AnalyzeBinary(binary, state, depth);
                case OperationKind.Conditional when op is IConditionalOperation { WhenFalse: not null } conditional:
                    return Join(Analyze(conditional.WhenTrue, state, depth + 1), Analyze(conditional.WhenFalse, state, depth + 1));
                case OperationKind.Invocation when op is IInvocationOperation invocation:
                    return AnalyzeInvocation(invocation, state, depth);
                case OperationKind.ObjectCreation when op is IObjectCreationOperation creation:
                    return AnalyzeCreation(creation);
                case OperationKind.ArrayCreation when op is IArrayCreationOperation array:
                    return AnalyzeArrayCreation(array, state, depth);
                case OperationKind.ArrayElementReference when op is IArrayElementReferenceOperation element:
                    return Analyze(element.ArrayReference, state, depth + 1).With(linear: false, exact: false).WithDims(null, null);
                case OperationKind.PropertyReference when op is IPropertyReferenceOperation property:
                    return AnalyzeProperty(property, state, depth);
                case OperationKind.LocalReference when op is ILocalReferenceOperation local:
                    return AnalyzeLocal(local.Local, state, depth);
                case OperationKind.ParameterReference when op is IParameterReferenceOperation parameter:
                    return state.Bound(parameter.Parameter, out var bound) ? bound : RandomValue.Unknown;
                case OperationKind.DelegateCreation when op is IDelegateCreationOperation delegateCreation:
                    return Analyze(delegateCreation.Target, state, depth + 1);
                case OperationKind.AnonymousFunction when op is IAnonymousFunctionOperation lambda:
                    return ReturnsOf(lambda.Body, state, depth);
                case OperationKind.SimpleAssignment when op is ISimpleAssignmentOperation assignment:
                    return Analyze(assignment.Value, state, depth + 1);
                case OperationKind.Argument when op is IArgumentOperation argument:
                    return Analyze(argument.Value, state, depth + 1);
                default:
                    return RandomValue.Unknown;
            }
        }

        private static RandomValue ConstantSign(object? constant)
        {
            double d;
            try
            {
                switch (constant)
                {
                    case null:
                    case string _:
                    case bool _:
                        return RandomValue.Unknown;
                    default:
                        d = Convert.ToDouble(constant, CultureInfo.InvariantCulture);
                        break;
                }
            }
            catch (Exception e) when (e is InvalidCastException || e is FormatException || e is OverflowException)
            {
                return RandomValue.Unknown;
            }

            return RandomValue.Constant(d == 0 ? SignKind.Zero : d > 0 ? SignKind.NonNegative : d < 0 ? SignKind.NonPositive : SignKind.Other);
        }

        private RandomValue AnalyzeUnary(IUnaryOperation unary, State state, int depth)
        {
            var operand = Analyze(unary.Operand, state, depth + 1);
            switch (unary.OperatorKind)
            {
                case UnaryOperatorKind.Plus:
                    return operand;
                case UnaryOperatorKind.Minus:
                    return operand.With(sign: Negate(operand.Sign), exact: false);
                default:
                    return RandomValue.Unknown;
            }
        }

        private RandomValue AnalyzeBinary(IBinaryOperation binary, State state, int depth)
        {
            var left = Analyze(binary.LeftOperand, state, depth + 1);
            var right = Analyze(binary.RightOperand, state, depth + 1);
            SignKind sign;
            var linear = (!left.IsRandom || left.IsLinear) && (!right.IsRandom || right.IsLinear);
            switch (binary.OperatorKind)
            {
                case BinaryOperatorKind.Add:
                    sign = Add(left.Sign, right.Sign);
                    break;
                case BinaryOperatorKind.Subtract:
                    sign = Add(left.Sign, Negate(right.Sign));
                    break;
                case BinaryOperatorKind.Multiply:
                    sign = Multiply(left.Sign, right.Sign);
                    linear &= !(left.IsRandom && right.IsRandom);
                    break;
                case BinaryOperatorKind.Divide:
                    sign = right.Sign == SignKind.Zero ? SignKind.Other : Multiply(left.Sign, right.Sign);
                    linear &= !right.IsRandom;
                    break;
                case BinaryOperatorKind.Remainder:
                    sign = left.Sign == SignKind.NonNegative || left.Sign == SignKind.Zero ? left.Sign : SignKind.Other;
                    linear = false;
                    break;
                default:
                    return RandomValue.Unknown;
            }

            return Combine(left, right, sign, linear);
        }

        private static RandomValue Combine(RandomValue left, RandomValue right, SignKind sign, bool linear)
        {
            var draws = left.Draws + right.Draws;
            var isRandom = left.IsRandom || right.IsRandom;

            // A centred or signed random operand makes the whole value signed (a random sign flip, an added noise).
            if ((left.IsRandom && left.Sign == SignKind.Other) || (right.IsRandom && right.Sign == SignKind.Other))
            {
                sign = SignKind.Other;
            }

            return new RandomValue(sign, isRandom, left.Draw ?? right.Draw, draws, linear && draws <= 1, false,
                left.Rows ?? right.Rows, left.Columns ?? right.Columns);
        }

        private static RandomValue Join(RandomValue a, RandomValue b)
        {
            SignKind sign;
            if (a.Sign == b.Sign)
            {
                sign = a.Sign;
            }
            else if ((a.Sign == SignKind.Zero && b.Sign == SignKind.NonNegative) || (b.Sign == SignKind.Zero && a.Sign == SignKind.NonNegative))
            {
                sign = SignKind.NonNegative;
            }
            else if ((a.Sign == SignKind.Zero && b.Sign == SignKind.NonPositive) || (b.Sign == SignKind.Zero && a.Sign == SignKind.NonPositive))
            {
                sign = SignKind.NonPositive;
            }
            else
            {
                sign = SignKind.Other;
            }

            return new RandomValue(sign, a.IsRandom || b.IsRandom, a.Draw ?? b.Draw, Math.Max(a.Draws, b.Draws),
                false, false, a.Rows ?? b.Rows, a.Columns ?? b.Columns);
        }

        private static SignKind Negate(SignKind sign) => sign switch
        {
            SignKind.NonNegative => SignKind.NonPositive,
            SignKind.NonPositive => SignKind.NonNegative,
            _ => sign,
        };

        private static SignKind Add(SignKind a, SignKind b)
        {
            if (a == SignKind.Zero)
            {
                return b;
            }

            if (b == SignKind.Zero)
            {
                return a;
            }

            return a == b ? a : SignKind.Other;
        }

        private static SignKind Multiply(SignKind a, SignKind b)
        {
            if (a == SignKind.Zero || b == SignKind.Zero)
            {
                return SignKind.Zero;
            }

            if (a == SignKind.Other || b == SignKind.Other)
            {
                return SignKind.Other;
            }

            return a == b ? SignKind.NonNegative : SignKind.NonPositive;
        }

        private RandomValue AnalyzeProperty(IPropertyReferenceOperation property, State state, int depth)
        {
            if (property.Arguments.Length > 0)
            {
                // Reading an element of a matrix/list: the sign of the collection's elements.
                return Analyze(property.Instance, state, depth + 1).With(linear: false, exact: false).WithDims(null, null);
            }

            switch (property.Property.Name)
            {
                case "Length":
                case "LongLength":
                case "Count":
                case "RowCount":
                case "ColumnCount":
                case "Rank":
                    return RandomValue.Constant(SignKind.NonNegative);
                default:
                    return RandomValue.Unknown;
            }
        }

        private RandomValue AnalyzeLocal(ILocalSymbol local, State state, int depth)
        {
            if (local.IsConst && local.HasConstantValue)
            {
                return ConstantSign(local.ConstantValue);
            }

            if (state.TryGetLocal(local, out var cached))
            {
                return cached;
            }

            // Guard against cycles (x = x + r.NextDouble()).
            state.SetLocal(local, RandomValue.Unknown);
            RandomValue? result = null;
            var fail = false;
            // Dispatched on the listed kind: a type switch would test most calls and arguments against six interfaces first.
            var operations = BodyOperations.Shared(state.Root);
            for (var i = 1; i < operations.Count; i++)
            {
                var kind = operations.KindAt(i);
                if (!s_localWrites.Contains(kind))
                {
                    continue;
                }

                var op = operations[i];
                RandomValue? written = null;
                switch (kind)
                {
                    case OperationKind.VariableDeclarator when op is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        var initializer = declarator.GetVariableInitializer();
                        if (initializer is not null)
                        {
                            written = Analyze(initializer.Value, state, depth + 1);
                        }

                        break;
                    case OperationKind.SimpleAssignment when op is ISimpleAssignmentOperation assignment && RefersTo(assignment.Target, local):
                        written = assignment.Target is ILocalReferenceOperation
                            ? Analyze(assignment.Value, state, depth + 1)
                            : Analyze(assignment.Value, state, depth + 1).With(linear: false).WithDims(null, null);
                        break;
                    case OperationKind.CompoundAssignment when op is ICompoundAssignmentOperation compound && RefersTo(compound.Target, local):
                    case OperationKind.Increment or OperationKind.Decrement when op is IIncrementOrDecrementOperation increment && RefersTo(increment.Target, local):
                    case OperationKind.DeconstructionAssignment when Mentions(op, local):
                        fail = true;
                        break;
                    case OperationKind.Argument when op is IArgumentOperation argument && argument.Parameter is not null && argument.Parameter.RefKind != RefKind.None && RefersTo(argument.Value, local):
                        fail = true;
                        break;
                    case OperationKind.Invocation when op is IInvocationOperation invocation && invocation.Instance is not null && RefersTo(invocation.Instance, local)
                        && invocation.TargetMethod.Name == "Add" && invocation.Arguments.Length == 1 && invocation.Instance.Type?.Name == "List":
                        written = Analyze(invocation.Arguments[0].Value, state, depth + 1).With(linear: false).WithDims(null, null);
                        break;
                    case OperationKind.Invocation when op is IInvocationOperation invocation && invocation.Instance is not null && RefersTo(invocation.Instance, local) && MayMutate(invocation.TargetMethod):
                        fail = true;
                        break;
                }

                if (fail)
                {
                    break;
                }

                if (written.HasValue)
                {
                    result = result.HasValue ? JoinWrites(result.Value, written.Value) : written.Value;
                }
            }

            var value = fail || !result.HasValue ? RandomValue.Unknown : result.Value;
            state.SetLocal(local, value);
            return value;
        }

        private static RandomValue JoinWrites(RandomValue a, RandomValue b)
        {
            // A zero-filled allocation followed by element writes: the elements' sign wins; dimensions of the allocation stay.
            if (a.Sign == SignKind.Zero && !a.IsRandom)
            {
                return new RandomValue(b.Sign == SignKind.Zero ? SignKind.Zero : b.Sign, b.IsRandom, b.Draw, b.Draws, b.IsLinear, b.IsExactDraw, a.Rows ?? b.Rows, a.Columns ?? b.Columns);
            }

            var joined = Join(a, b);
            return new RandomValue(joined.Sign, joined.IsRandom, joined.Draw, joined.Draws,
                a.IsLinear && b.IsLinear, a.IsExactDraw && b.IsExactDraw, joined.Rows, joined.Columns);
        }

        private static bool MayMutate(IMethodSymbol method)
        {
            var name = method.Name;
            return name.EndsWith("Inplace", StringComparison.Ordinal) || name.StartsWith("Set", StringComparison.Ordinal)
                || name.StartsWith("Clear", StringComparison.Ordinal) || name == "CopyTo" || name == "Add" || name == "Insert";
        }

        private RandomValue AnalyzeArrayCreation(IArrayCreationOperation array, State state, int depth)
        {
            var rows = array.DimensionSizes.Length >= 1 ? array.DimensionSizes[0] : null;
            var columns = array.DimensionSizes.Length >= 2 ? array.DimensionSizes[1] : null;
            if (array.Initializer is null)
            {
                return RandomValue.Constant(SignKind.Zero).WithDims(rows, columns);
            }

            RandomValue? result = null;
            foreach (var element in Flatten(array.Initializer))
            {
                var value = Analyze(element, state, depth + 1);
                result = result.HasValue ? Join(result.Value, value) : value;
            }

            return (result ?? RandomValue.Constant(SignKind.Zero)).With(linear: false, exact: false).WithDims(null, null);
        }

        private static IEnumerable<IOperation> Flatten(IArrayInitializerOperation initializer)
        {
            foreach (var element in initializer.ElementValues)
            {
                if (element is IArrayInitializerOperation nested)
                {
                    foreach (var inner in Flatten(nested))
                    {
                        yield return inner;
                    }
                }
                else
                {
                    yield return element;
                }
            }
        }

        private RandomValue AnalyzeCreation(IObjectCreationOperation creation)
        {
            var type = creation.Type;
            if (type is null)
            {
                return RandomValue.Unknown;
            }

            if (!Namespaces.Is(type.ContainingNamespace, "MathNet.Numerics.Distributions"))
            {
                // An empty list filled later by Add: its elements' sign is the sign of what is added.
                return type.Name == "List" && creation.Initializer is null && creation.Arguments.Length <= 1
                    ? RandomValue.Constant(SignKind.Zero)
                    : RandomValue.Unknown;
            }

            if (_symbols.ContinuousUniform is not null && SymbolEqualityComparer.Default.Equals(type, _symbols.ContinuousUniform))
            {
                if (creation.Arguments.Length == 0)
                {
                    return RandomValue.FromDraw(new RandomDraw(creation, "ContinuousUniform()", "[0, 1]", DrawRange.Unit));
                }

                var lower = ArgumentNamed(creation.Arguments, "lower", 0);
                var upper = ArgumentNamed(creation.Arguments, "upper", 1);
                if (TryConstant(lower, out var lo) && lo >= 0)
                {
                    var hiText = TryConstant(upper, out var hi) ? Format(hi) : upper?.Syntax.ToString() ?? "?";
                    var kind = lo == 0 && TryConstant(upper, out var h) && h == 1 ? DrawRange.Unit : DrawRange.Other;
                    return RandomValue.FromDraw(new RandomDraw(creation, "ContinuousUniform(" + Format(lo) + ", " + hiText + ")", "[" + Format(lo) + ", " + hiText + "]", kind));
                }

                return RandomValue.SignedRandom;
            }

            if (_symbols.DiscreteUniform is not null && SymbolEqualityComparer.Default.Equals(type, _symbols.DiscreteUniform))
            {
                var lower = ArgumentNamed(creation.Arguments, "lower", 0);
                if (TryConstant(lower, out var lo) && lo >= 0)
                {
                    var upper = ArgumentNamed(creation.Arguments, "upper", 1);
                    var hiText = upper?.Syntax.ToString() ?? "?";
                    return RandomValue.FromDraw(new RandomDraw(creation, "DiscreteUniform(" + Format(lo) + ", " + hiText + ")", "[" + Format(lo) + ", " + hiText + "]", DrawRange.Integer));
                }

                return RandomValue.SignedRandom;
            }

            if (s_nonNegativeDistributions.Contains(type.Name))
            {
                return RandomValue.FromDraw(new RandomDraw(creation, type.Name + "(…)", "[0, ∞)", DrawRange.Other)).With(linear: false);
            }

            // Normal, StudentT, Cauchy, Laplace…: symmetric or signed support.
            return RandomValue.SignedRandom;
        }

        private RandomValue AnalyzeInvocation(IInvocationOperation invocation, State state, int depth)
        {
            var method = invocation.TargetMethod;
            var name = method.Name;

            // System.Random and everything deriving from it (Random.Shared, MathNet's random sources, user classes).
            if (invocation.Instance is not null && _symbols.IsRandom(invocation.Instance.Type))
            {
                return AnalyzeRandomCall(invocation);
            }

            var containing = method.ContainingType;
            if (containing is null)
            {
                return RandomValue.Unknown;
            }

            // Generic math's casts: T.CreateChecked(rng.NextDouble()) keeps the value (and its sign) of its argument.
            if (invocation.Arguments.Length == 1 && GenericMath.IsConversion(method))
            {
                return Analyze(invocation.Arguments[0].Value, state, depth + 1);
            }

            if (_symbols.IsMathType(containing))
            {
                return AnalyzeMath(invocation, state, depth);
            }

            if (Namespaces.Is(containing.ContainingNamespace, "MathNet.Numerics.Distributions"))
            {
                return AnalyzeDistributionCall(invocation, state, depth);
            }

            if (_symbols.MatrixBuilderOfT is not null && SymbolEqualityComparer.Default.Equals(containing.OriginalDefinition, _symbols.MatrixBuilderOfT)
                || _symbols.VectorBuilderOfT is not null && SymbolEqualityComparer.Default.Equals(containing.OriginalDefinition, _symbols.VectorBuilderOfT))
            {
                return AnalyzeBuilder(invocation, state, depth);
            }

            if (_symbols.IsMathNetTensor(containing))
            {
                return AnalyzeTensorMethod(invocation, state, depth);
            }

            if (SymbolEqualityComparer.Default.Equals(containing, _symbols.Enumerable))
            {
                return AnalyzeLinq(invocation, state, depth);
            }

            // Array.ConvertAll(source, f): the elements are what f returns for the source's elements.
            if (containing.SpecialType == SpecialType.System_Array && name == "ConvertAll" && invocation.Arguments.Length == 2)
            {
                var source = Analyze(invocation.Arguments[0].Value, state, depth + 1);
                return MapWith(invocation.Arguments[1].Value, source, state, depth).WithDims(source.Rows, null);
            }

            if (method.DeclaringSyntaxReferences.Length > 0 && !method.IsImplicitlyDeclared)
            {
                return AnalyzeHelper(invocation, state, depth);
            }

            return RandomValue.Unknown;
        }

        private static RandomValue AnalyzeRandomCall(IInvocationOperation invocation)
        {
            var name = invocation.TargetMethod.Name;
            var args = invocation.Arguments;
            switch (name)
            {
                case "NextDouble":
                case "NextSingle":
                    return RandomValue.FromDraw(new RandomDraw(invocation, name + "()", "[0, 1)", DrawRange.Unit));
                case "NextDoubles":
                    return RandomValue.FromDraw(new RandomDraw(invocation, name + "()", "[0, 1)", DrawRange.Unit)).With(linear: false);
                case "Next":
                case "NextInt64":
                    if (args.Length == 0)
                    {
                        return RandomValue.FromDraw(new RandomDraw(invocation, name + "()", "[0, MaxValue)", DrawRange.Integer));
                    }

                    if (args.Length == 1)
                    {
                        // Next(max) throws on a negative max: its support is always non-negative.
                        var max = args[0].Value.Syntax.ToString();
                        return RandomValue.FromDraw(new RandomDraw(invocation, name + "(" + max + ")", "[0, " + max + ")", DrawRange.Integer));
                    }

                    if (TryConstant(args[0].Value, out var min) && min >= 0)
                    {
                        var max = args[1].Value.Syntax.ToString();
                        return RandomValue.FromDraw(new RandomDraw(invocation, name + "(" + Format(min) + ", " + max + ")", "[" + Format(min) + ", " + max + ")", DrawRange.Integer));
                    }

                    return RandomValue.SignedRandom;
                default:
                    return RandomValue.Unknown;
            }
        }

        private RandomValue AnalyzeMath(IInvocationOperation invocation, State state, int depth)
        {
            var args = invocation.Arguments;
            if (args.Length == 0)
            {
                return RandomValue.Unknown;
            }

            var first = Analyze(args[0].Value, state, depth + 1);
            switch (invocation.TargetMethod.Name)
            {
                case "Sqrt":
                case "Abs":
                case "Exp":
                case "Cbrt" when first.Sign == SignKind.NonNegative:
                    if (first.IsRandom && first.Draw is null)
                    {
                        // |N(0, 1)|, exp(N(0, 1)): the function itself makes the random value non-negative.
                        var name = invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name;
                        return new RandomValue(SignKind.NonNegative, true, new RandomDraw(invocation, name + "(…)", "[0, ∞)", DrawRange.Other), 1, false, false, null, null);
                    }

                    return first.With(sign: first.Sign == SignKind.Zero ? SignKind.Zero : SignKind.NonNegative, linear: false, exact: false);
                case "Pow":
                    return first.Sign == SignKind.NonNegative ? first.With(linear: false, exact: false) : RandomValue.Unknown;
                case "Floor":
                case "Ceiling":
                case "Round":
                case "Truncate":
                    return first.With(linear: false, exact: false);
                case "Max":
                case "Min":
                    if (args.Length == 2)
                    {
                        var joined = Join(first, Analyze(args[1].Value, state, depth + 1));
                        return joined;
                    }

                    return RandomValue.Unknown;
                default:
                    return RandomValue.Unknown;
            }
        }

        private RandomValue AnalyzeDistributionCall(IInvocationOperation invocation, State state, int depth)
        {
            var name = invocation.TargetMethod.Name;
            if (name != "Sample" && name != "Samples")
            {
                return RandomValue.Unknown;
            }

            if (invocation.Instance is not null)
            {
                // dist.Sample(), dist.Samples(): the distribution's support.
                var dist = Analyze(invocation.Instance, state, depth + 1);
                return name == "Samples" ? dist.With(linear: false) : dist;
            }

            // Static ContinuousUniform.Sample(rng, lower, upper) / Sample(lower, upper).
            var type = invocation.TargetMethod.ContainingType;
            if (_symbols.ContinuousUniform is not null && SymbolEqualityComparer.Default.Equals(type, _symbols.ContinuousUniform))
            {
                var lower = ArgumentNamed(invocation.Arguments, "lower", -1);
                if (TryConstant(lower, out var lo) && lo >= 0)
                {
                    var upper = ArgumentNamed(invocation.Arguments, "upper", -1);
                    var hi = upper?.Syntax.ToString() ?? "?";
                    var unit = lo == 0 && TryConstant(upper, out var h) && h == 1;
                    return RandomValue.FromDraw(new RandomDraw(invocation, "ContinuousUniform." + name + "(" + Format(lo) + ", " + hi + ")", "[" + Format(lo) + ", " + hi + "]", unit ? DrawRange.Unit : DrawRange.Other))
                        .With(linear: name == "Sample");
                }

                return RandomValue.SignedRandom;
            }

            if (type is not null && s_nonNegativeDistributions.Contains(type.Name))
            {
                return RandomValue.FromDraw(new RandomDraw(invocation, type.Name + "." + name + "(…)", "[0, ∞)", DrawRange.Other)).With(linear: false);
            }

            return RandomValue.SignedRandom;
        }

        private RandomValue AnalyzeBuilder(IInvocationOperation invocation, State state, int depth)
        {
            var name = invocation.TargetMethod.Name;
            var args = invocation.Arguments;
            var isMatrix = _symbols.MatrixBuilderOfT is not null && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType.OriginalDefinition, _symbols.MatrixBuilderOfT);
            IOperation? rows = null;
            IOperation? columns = null;
            var dimensionCount = 0;
            foreach (var argument in args)
            {
                if (argument.Parameter?.Type.SpecialType != SpecialType.System_Int32)
                {
                    break;
                }

                if (dimensionCount == 0)
                {
                    rows = argument.Value;
                }
                else if (dimensionCount == 1 && isMatrix)
                {
                    columns = argument.Value;
                }

                dimensionCount++;
            }

            if (name == "Random" || name.StartsWith("Random", StringComparison.Ordinal))
            {
                foreach (var argument in args)
                {
                    if (IsDistributionType(argument.Parameter?.Type))
                    {
                        return Analyze(argument.Value, state, depth + 1).WithDims(rows, columns);
                    }
                }

                // Build.Random(r, c) and Build.Random(r, c, seed): standard normal.
                return RandomValue.SignedRandom;
            }

            if (name.StartsWith("Dense", StringComparison.Ordinal) || name.StartsWith("Sparse", StringComparison.Ordinal) || name.StartsWith("Diagonal", StringComparison.Ordinal))
            {
                RandomValue? result = null;
                var index = 0;
                foreach (var argument in args)
                {
                    if (index++ < dimensionCount)
                    {
                        continue;
                    }

                    var value = Analyze(argument.Value, state, depth + 1);
                    result = result.HasValue ? Join(result.Value, value) : value;
                }

                var built = result ?? RandomValue.Constant(SignKind.Zero);
                return built.WithDims(dimensionCount > 0 ? rows : null, dimensionCount > 1 ? columns : null);
            }

            return RandomValue.Unknown;
        }

        private bool IsDistributionType(ITypeSymbol? type)
        {
            // Numbers and arrays are never distributions (AllInterfaces makes an array each read: Int32 alone has dozens).
            if (type is null || _symbols.ContinuousDistribution is null || type.SpecialType != SpecialType.None || type.TypeKind == TypeKind.Array)
            {
                return false;
            }

            if (SymbolEqualityComparer.Default.Equals(type, _symbols.ContinuousDistribution))
            {
                return true;
            }

            foreach (var i in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(i, _symbols.ContinuousDistribution))
                {
                    return true;
                }
            }

            return false;
        }

        private RandomValue AnalyzeTensorMethod(IInvocationOperation invocation, State state, int depth)
        {
            var name = invocation.TargetMethod.Name;
            var self = Analyze(invocation.Instance, state, depth + 1);
            var args = invocation.Arguments;
            switch (name)
            {
                case "Clone":
                case "ToArray":
                case "ToColumnMajorArray":
                case "ToRowMajorArray":
                case "ToRowArrays":
                case "ToColumnArrays":
                case "AsArray":
                case "Enumerate":
                case "ToList":
                    return self;
                case "Transpose":
                    return self.WithDims(self.Columns, self.Rows);
                case "PointwiseAbs":
                case "PointwiseSqrt":
                case "PointwiseExp":
                    return self.With(sign: SignKind.NonNegative, linear: false, exact: false);
                case "Multiply" when args.Length == 1:
                case "Divide" when args.Length == 1:
                    return Combine(self, Analyze(args[0].Value, state, depth + 1), Multiply(self.Sign, Analyze(args[0].Value, state, depth + 1).Sign), self.IsLinear);
                case "Add" when args.Length == 1:
                    return Combine(self, Analyze(args[0].Value, state, depth + 1), Add(self.Sign, Analyze(args[0].Value, state, depth + 1).Sign), self.IsLinear);
                case "Subtract" when args.Length == 1:
                    return Combine(self, Analyze(args[0].Value, state, depth + 1), Add(self.Sign, Negate(Analyze(args[0].Value, state, depth + 1).Sign)), self.IsLinear);
                case "Map" when args.Length >= 1:
                    return MapWith(args[0].Value, self, state, depth).WithDims(self.Rows, self.Columns);
                default:
                    return RandomValue.Unknown;
            }
        }

        private RandomValue AnalyzeLinq(IInvocationOperation invocation, State state, int depth)
        {
            var args = invocation.Arguments;
            if (args.Length == 0)
            {
                return RandomValue.Unknown;
            }

            var name = invocation.TargetMethod.Name;
            switch (name)
            {
                case "Range":
                    return args.Length == 2 && TryConstant(args[0].Value, out var start) && start >= 0
                        ? RandomValue.Constant(SignKind.NonNegative).WithDims(args[1].Value, null)
                        : RandomValue.Unknown.WithDims(args.Length == 2 ? args[1].Value : null, null);
                case "Repeat":
                    return Analyze(args[0].Value, state, depth + 1).With(linear: false).WithDims(args.Length == 2 ? args[1].Value : null, null);
                case "Select" when args.Length == 2:
                    {
                        var source = Analyze(args[0].Value, state, depth + 1);
                        var mapped = MapWith(args[1].Value, source, state, depth);
                        return mapped.WithDims(source.Rows, mapped.Rows);
                    }

                case "ToArray":
                case "ToList":
                case "AsEnumerable":
                case "Take":
                case "Skip":
                case "Where":
                case "OrderBy":
                case "OrderByDescending":
                case "Reverse":
                    return Analyze(args[0].Value, state, depth + 1);
                case "Concat" when args.Length == 2:
                    return Join(Analyze(args[0].Value, state, depth + 1), Analyze(args[1].Value, state, depth + 1));
                default:
                    return RandomValue.Unknown;
            }
        }

        private RandomValue MapWith(IOperation function, RandomValue element, State state, int depth)
        {
            var op = function;
            while (op is IDelegateCreationOperation creation)
            {
                op = creation.Target;
            }

            if (op is IAnonymousFunctionOperation lambda)
            {
                if (lambda.Symbol.Parameters.Length == 1)
                {
                    state.Bind(lambda.Symbol.Parameters[0], element.WithDims(null, null));
                }

                return ReturnsOf(lambda.Body, state, depth);
            }

            return RandomValue.Unknown;
        }

        private RandomValue ReturnsOf(IOperation body, State state, int depth)
        {
            RandomValue? result = null;
            foreach (var ret in ReturnStatements(body))
            {
                var value = Analyze(ret.ReturnedValue, state, depth + 1);
                result = result.HasValue ? JoinWrites(result.Value, value) : value;
            }

            return result ?? RandomValue.Unknown;
        }

        private static IEnumerable<IReturnOperation> ReturnStatements(IOperation body)
        {
            var stack = new Stack<IOperation>();
            stack.Push(body);
            while (stack.Count > 0)
            {
                var op = stack.Pop();
                if (op is IReturnOperation ret && ret.ReturnedValue is not null)
                {
                    yield return ret;
                    continue;
                }

                foreach (var child in op.ChildOperations)
                {
                    if (child is IAnonymousFunctionOperation || child is ILocalFunctionOperation)
                    {
                        continue;
                    }

                    stack.Push(child);
                }
            }
        }

        private RandomValue AnalyzeHelper(IInvocationOperation invocation, State state, int depth)
        {
            var method = invocation.TargetMethod.OriginalDefinition;
            if (state.HelperDepth >= MaxDepth || invocation.SemanticModel is null)
            {
                return RandomValue.Unknown;
            }

            if (!_helpers.TryGetValue(method, out var summary))
            {
                if (state.Visiting.Contains(method))
                {
                    return RandomValue.Unknown;
                }

                state.Visiting.Add(method);
                summary = SummarizeHelper(method, invocation.SemanticModel, state);
                state.Visiting.Remove(method);
                if (state.HelperDepth == 0 && state.Visiting.Count == 0)
                {
                    // Only summaries computed without a recursion cut are cached (the cache must not depend on the caller).
                    _helpers.TryAdd(method, summary);
                }
            }

            if (!summary.IsNonNegativeRandom || summary.Draw is null)
            {
                return summary.IsRandom ? RandomValue.SignedRandom : RandomValue.Unknown;
            }

            // The call itself becomes the draw at the call site; dimensions map from the helper's parameters to the arguments.
            var inner = summary.Draw;
            var kind = summary.IsExactDraw && inner.Kind == DrawRange.Unit ? DrawRange.Unit : DrawRange.Other;
            var draw = new RandomDraw(invocation, method.Name + "() via " + inner.Source, inner.Range, kind)
            {
                IsHelperCall = true,
                HelperStorage = inner.HelperStorage,
            };
            return new RandomValue(SignKind.NonNegative, true, draw, 1, true, true,
                MapDimension(summary.Rows, invocation), MapDimension(summary.Columns, invocation));
        }

        private static IOperation? MapDimension(IOperation? dimension, IInvocationOperation invocation)
        {
            if (dimension is IParameterReferenceOperation parameter)
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter is not null && argument.Parameter.Ordinal == parameter.Parameter.Ordinal)
                    {
                        return argument.ArgumentKind == ArgumentKind.Explicit ? argument.Value : null;
                    }
                }
            }

            return null;
        }

        private RandomValue SummarizeHelper(IMethodSymbol method, SemanticModel callerModel, State caller)
        {
            try
            {
                if (method.DeclaringSyntaxReferences.Length != 1)
                {
                    return RandomValue.Unknown;
                }

                var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
                var model = syntax.SyntaxTree == callerModel.SyntaxTree ? callerModel : GetModel(callerModel.Compilation, syntax.SyntaxTree);
                if (model is null)
                {
                    return RandomValue.Unknown;
                }

                var body = model.GetOperation(syntax);
                if (body is ILocalFunctionOperation local)
                {
                    body = local.Body;
                }

                if (body is null)
                {
                    return RandomValue.Unknown;
                }

                var state = new State(body, model, caller.Visiting) { HelperDepth = caller.HelperDepth + 1 };
                RandomValue? result = null;
                ISymbol? storage = null;
                foreach (var ret in ReturnStatements(body))
                {
                    var value = Analyze(ret.ReturnedValue, state, 0);
                    if (ret.ReturnedValue is ILocalReferenceOperation returnedLocal)
                    {
                        storage = returnedLocal.Local;
                    }

                    result = result.HasValue ? JoinWrites(result.Value, value) : value;
                }

                if (result is null || result.Value.Draw is null)
                {
                    return result ?? RandomValue.Unknown;
                }

                var value0 = result.Value;
                var draw = value0.Draw;
                draw.HelperStorage = storage;
                return value0;
            }
            catch (Exception e) when (e is InvalidOperationException || e is ArgumentException)
            {
                return RandomValue.Unknown;
            }
        }

#pragma warning disable RS1030 // Helpers in other files are summarized once per method and cached.
        private static SemanticModel? GetModel(Compilation compilation, SyntaxTree tree)
            => compilation.ContainsSyntaxTree(tree) ? compilation.GetSemanticModel(tree) : null;
#pragma warning restore RS1030

        private static IOperation? ArgumentNamed(IEnumerable<IArgumentOperation> arguments, string name, int position)
        {
            var index = 0;
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Name == name || (position >= 0 && index == position && argument.Parameter is null))
                {
                    return argument.Value;
                }

                index++;
            }

            return null;
        }

        private static IOperation? ArgumentNamed(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, string name, int position)
        {
            for (var index = 0; index < arguments.Length; index++)
            {
                var argument = arguments[index];
                if (argument.Parameter?.Name == name || (position >= 0 && index == position && argument.Parameter is null))
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>
        /// The numeric constant value of an operation, when it has one: a compile-time constant, or generic math's
        /// <c>T.One</c>, <c>T.Zero</c>, <c>T.CreateChecked(0.5)</c> (<see cref="GenericMath.TryConstant(IOperation?, out double)"/>).
        /// </summary>
        public static bool TryConstant(IOperation? op, out double value)
        {
            value = 0;
            var constant = op?.ConstantValue ?? default;
            if (!constant.HasValue)
            {
                return op is IPropertyReferenceOperation or IInvocationOperation or IConversionOperation && GenericMath.TryConstant(op, out value);
            }

            if (constant.Value is null || constant.Value is string || constant.Value is bool)
            {
                return false;
            }

            try
            {
                value = Convert.ToDouble(constant.Value, CultureInfo.InvariantCulture);
                return true;
            }
            catch (Exception e) when (e is InvalidCastException || e is FormatException || e is OverflowException)
            {
                return false;
            }
        }

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        private sealed class State
        {
            private Dictionary<ISymbol, RandomValue>? _locals;
            private Dictionary<ISymbol, RandomValue>? _bound;

            public State(IOperation root, SemanticModel? model, HashSet<IMethodSymbol>? visiting = null)
            {
                Root = root;
                Model = model;
                Visiting = visiting ?? new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            }

            public HashSet<IMethodSymbol> Visiting { get; }

            public IOperation Root { get; }

            public SemanticModel? Model { get; }

            public int HelperDepth { get; set; }

            public bool TryGetLocal(ISymbol local, out RandomValue value)
            {
                value = default;
                return _locals is not null && _locals.TryGetValue(local, out value);
            }

            public void SetLocal(ISymbol local, RandomValue value)
                => (_locals ??= new Dictionary<ISymbol, RandomValue>(SymbolEqualityComparer.Default))[local] = value;

            public bool Bound(ISymbol parameter, out RandomValue value)
            {
                value = default;
                return _bound is not null && _bound.TryGetValue(parameter, out value);
            }

            public void Bind(ISymbol parameter, RandomValue value)
                => (_bound ??= new Dictionary<ISymbol, RandomValue>(SymbolEqualityComparer.Default))[parameter] = value;
        }
    }
}
