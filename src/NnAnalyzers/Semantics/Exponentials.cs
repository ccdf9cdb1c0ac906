using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>How the exponential of a collection is written.</summary>
    public enum ExponentiationForm
    {
        /// <summary><c>Math.Exp(x[i])</c>, <c>MathF.Exp(v)</c>, <c>Exp(v)</c> (a helper), in a loop or a lambda over the collection.</summary>
        Element,

        /// <summary><c>x.Select(Math.Exp)</c>, <c>x.Map(Math.Exp)</c>: the exponential passed as a method group.</summary>
        MethodGroup,

        /// <summary>MathNet's <c>x.PointwiseExp()</c>.</summary>
        Pointwise,
    }

    /// <summary>An exponential applied to every element of a collection, with the shift subtracted from its argument.</summary>
    public sealed class Exponentiation
    {
        internal Exponentiation(
            ExponentiationForm form, IOperation operation, IOperation? argument, IOperation carrier,
            IOperation logits, IOperation? shift, CollectionElement? element, IOperation? scale = null)
        {
            Scale = scale;
            Form = form;
            Operation = operation;
            Argument = argument;
            Carrier = carrier;
            Logits = logits;
            Shift = shift;
            Element = element;
        }

        /// <summary>The form of the exponentiation.</summary>
        public ExponentiationForm Form { get; }

        /// <summary>The exponentiation itself: the <c>Math.Exp</c> call, the method group, the <c>PointwiseExp()</c> call.</summary>
        public IOperation Operation { get; }

        /// <summary>For <see cref="ExponentiationForm.Element"/>, the argument of the exponential (<c>x[i] - max</c>).</summary>
        public IOperation? Argument { get; }

        /// <summary>
        /// The expression whose value holds the exponentials: the call itself, or the enclosing <c>Select</c>/<c>Map</c>/<c>Sum</c>
        /// when the exponential is a lambda's whole result or a method group.
        /// </summary>
        public IOperation Carrier { get; }

        /// <summary>The unshifted logits collection (<c>x</c> for <c>Math.Exp(x[i] - m)</c> and for <c>(x - m).PointwiseExp()</c>).</summary>
        public IOperation Logits { get; }

        /// <summary>The value subtracted from the logits before the exponential, or null.</summary>
        public IOperation? Shift { get; }

        /// <summary>A temperature or inverse temperature applied after the shift (<c>T</c> in <c>Math.Exp((x[i] - m) / T)</c>), or null.</summary>
        public IOperation? Scale { get; }

        /// <summary>For <see cref="ExponentiationForm.Element"/>, the element read (<c>x[i]</c>).</summary>
        public CollectionElement? Element { get; }

        /// <summary>The storage symbol of the logits, or null when they are an expression.</summary>
        public ISymbol? LogitsSymbol => Collections.Root(Logits);
    }

    /// <summary>
    /// Answers "is this an exponential of the elements of a collection?" for <c>Math.Exp</c>, <c>MathF.Exp</c>,
    /// <c>Math.Pow(Math.E, x)</c>, small helpers that return one of them, LINQ (<c>Select(Math.Exp)</c>, <c>Select(v => Math.Exp(v))</c>,
    /// <c>Sum(v => Math.Exp(v))</c>) and MathNet (<c>PointwiseExp()</c>, <c>Map(Math.Exp)</c>). An exponential of
    /// anything else than an element, optionally minus a shift (<c>Math.Exp(-v)</c>, <c>Math.Exp(-k * t)</c>,
    /// <c>1 / (1 + Math.Exp(-v))</c>), is not one. One instance per compilation.
    /// </summary>
    public sealed class Exponentials
    {
        private readonly KnownSymbols _symbols;
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _wrappers =
            new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        /// <summary>Creates the oracle of one compilation.</summary>
        public Exponentials(KnownSymbols symbols)
        {
            _symbols = symbols;
        }

        /// <summary>True for <c>Math.Exp</c>, <c>MathF.Exp</c> and a one-parameter helper whose body returns one of them of its parameter.</summary>
        public bool IsExp(IMethodSymbol? method)
        {
            // Cheap questions first: Parameters makes a new array on every read, and this is asked for every call a
            // softmax flow looks at (Select, Sum, Max…). Math.Exp and MathF.Exp take one argument.
            if (method is null)
            {
                return false;
            }

            if (method.Name == "Exp" && _symbols.IsMathType(method.ContainingType))
            {
                return true;
            }

            // A wrapper of ours, a one-parameter helper in source returning a number (a framework method has no syntax: an
            // empty array, nothing made, and no table lookup). A helper's answer is kept: reading its parameters makes a
            // new array every time.
            if (!Collections.IsNumber(method.ReturnType) || method.DeclaringSyntaxReferences.Length != 1)
            {
                return false;
            }

            if (_wrappers.TryGetValue(method, out var known))
            {
                return known;
            }

            var isWrapper = method.Parameters is { Length: 1 } parameters && Collections.IsNumber(parameters[0].Type) && IsWrapper(method.OriginalDefinition);
            _wrappers.TryAdd(method, isWrapper);
            return isWrapper;
        }

        /// <summary>
        /// The exponent of an exponential call — <c>x</c> in <c>Math.Exp(x)</c>, <c>MathF.Exp(x)</c>, a helper that returns one
        /// of them (see <see cref="IsExp"/>), and <c>Math.Pow(Math.E, x)</c> / <c>MathF.Pow(MathF.E, x)</c> (e raised to a
        /// power is the same function); null for any other call.
        /// </summary>
        public IOperation? ExponentOf(IInvocationOperation invocation)
        {
            var arguments = invocation.Arguments;
            if (arguments.Length == 1)
            {
                return IsExp(invocation.TargetMethod) ? arguments[0].Value : null;
            }

            // Math.Pow(Math.E, x): two arguments, the name before the symbols, the base last (a constant read).
            var method = invocation.TargetMethod;
            if (arguments.Length == 2 && method.Name == "Pow" && _symbols.IsMathType(method.ContainingType)
                && IsEuler(arguments[0].Value))
            {
                return arguments[1].Value;
            }

            return null;
        }

        /// <summary>
        /// A constant equal to e: <c>Math.E</c>, <c>MathF.E</c> (also converted to double), a <c>const</c> holding one, or a
        /// literal such as <c>2.718281828459045</c> (to the precision of a float).
        /// </summary>
        private static bool IsEuler(IOperation operation)
        {
            var constant = operation.ConstantValue;
            if (!constant.HasValue)
            {
                constant = Collections.Strip(operation).ConstantValue;
            }

            switch (constant.HasValue ? constant.Value : null)
            {
                case double d:
                    return System.Math.Abs(d - System.Math.E) < 1e-6;
                case float f:
                    return System.Math.Abs(f - System.Math.E) < 1e-6;
                default:
                    return false;
            }
        }

        /// <summary>Recognises an exponentiation of a collection at an invocation; null when it is not one.</summary>
        public Exponentiation? Match(IOperation operation)
        {
            if (!(operation is IInvocationOperation invocation))
            {
                return null;
            }

            var name = invocation.TargetMethod.Name;
            if (name == "PointwiseExp" && invocation.Instance is { } pointwiseSource && invocation.Arguments.Length == 0
                && _symbols.IsMathNetTensor(invocation.Instance.Type))
            {
                return FromCollection(ExponentiationForm.Pointwise, invocation, invocation, pointwiseSource);
            }

            if ((name == "Select" || name == "Map" || name == "Sum") && Collections.Receiver(invocation) is { } source)
            {
                foreach (var argument in Collections.ArgumentsAfterReceiver(invocation))
                {
                    var group = Collections.MethodGroupArgument(argument.Value);
                    if (group is not null && IsExp(group.Method))
                    {
                        return FromCollection(ExponentiationForm.MethodGroup, group, invocation, source);
                    }
                }

                return null;
            }

            if (ExponentOf(invocation) is { } exponent)
            {
                return FromElement(invocation, exponent);
            }

            return null;
        }

        private Exponentiation? FromCollection(ExponentiationForm form, IOperation reported, IOperation carrier, IOperation collection)
        {
            var (logits, shift) = Shifts.Unwrap(collection);
            return new Exponentiation(form, reported, null, carrier, logits, shift, null);
        }

        private Exponentiation? FromElement(IInvocationOperation invocation, IOperation exponent)
        {
            var argument = Collections.Strip(exponent);
            IOperation? shift = null;
            var value = argument;
            if (value is ILocalReferenceOperation local && Collections.FindForEach(local) is null
                && Shifts.SingleInitializer(local) is { } initializer)
            {
                value = Collections.Strip(initializer);
            }

            // A softmax with a temperature: Math.Exp((x[i] - max) / T), Math.Exp(x[i] * beta).
            IOperation? scale = null;
            if (value is IBinaryOperation scaled
                && (scaled.OperatorKind == BinaryOperatorKind.Divide || scaled.OperatorKind == BinaryOperatorKind.Multiply)
                && IsScalar(scaled.RightOperand))
            {
                scale = scaled.RightOperand;
                value = Collections.Strip(scaled.LeftOperand);
            }
            else if (value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product && IsScalar(product.LeftOperand))
            {
                // Math.Exp(beta * (x[i] - max)): an inverse temperature written first.
                scale = product.LeftOperand;
                value = Collections.Strip(product.RightOperand);
            }

            if (value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } subtract)
            {
                shift = subtract.RightOperand;
                value = subtract.LeftOperand;
            }

            var element = Collections.GetElement(value);
            if (element is null)
            {
                return null;
            }

            var logits = element.Collection;
            if (shift is null)
            {
                // x.Select(v => v - max).Select(v => Math.Exp(v)): the shift sits on the collection.
                var unwrapped = Shifts.Unwrap(logits);
                logits = unwrapped.Logits;
                shift = unwrapped.Shift;
            }

            return new Exponentiation(ExponentiationForm.Element, invocation, argument, CarrierOf(invocation), logits, shift, element, scale);
        }

        /// <summary>A constant or a plain variable (a temperature), not an element of a collection.</summary>
        private static bool IsScalar(IOperation operation)
        {
            var op = Collections.Strip(operation);
            if (op.ConstantValue.HasValue)
            {
                return true;
            }

            switch (op)
            {
                case ILocalReferenceOperation local:
                    return Collections.FindForEach(local) is null;
                case IParameterReferenceOperation parameter:
                    return Collections.LambdaSource(parameter, out _) is null;
                case IFieldReferenceOperation _:
                    return true;
                case IPropertyReferenceOperation property:
                    return !property.Property.IsIndexer;
                default:
                    return false;
            }
        }

        /// <summary>
        /// The exponential's value holder: the enclosing Select/Map/Sum when the call is a lambda's whole result, or the
        /// MathNet builder call that fills a vector or matrix with it (<c>Vector&lt;double&gt;.Build.Dense(n, i =&gt; Math.Exp(x[i]))</c>).
        /// </summary>
        private IOperation CarrierOf(IInvocationOperation exp)
        {
            IOperation current = exp;
            while (current.Parent is IConversionOperation || current.Parent is IParenthesizedOperation)
            {
                current = current.Parent;
            }

            if (current.Parent is IReturnOperation { Parent: IBlockOperation { Parent: IAnonymousFunctionOperation lambda } }
                && Collections.CallTakingLambda(lambda) is { } call
                && (call.TargetMethod.Name == "Select" || call.TargetMethod.Name == "Map" || call.TargetMethod.Name == "Sum"
                    || call.TargetMethod.Name == "MapIndexed" || IsBuilderInit(call)))
            {
                return call;
            }

            return exp;
        }

        /// <summary>MathNet's <c>Build.Dense(n, i =&gt; …)</c> / <c>Build.Dense(r, c, (i, j) =&gt; …)</c>: every element from the function.</summary>
        private bool IsBuilderInit(IInvocationOperation call)
        {
            var method = call.TargetMethod;
            if (method.Name != "Dense" || (call.Arguments.Length != 2 && call.Arguments.Length != 3))
            {
                return false;
            }

            var builder = method.ContainingType?.OriginalDefinition;
            return builder is not null
                && (SymbolEqualityComparer.Default.Equals(builder, _symbols.VectorBuilderOfT)
                    || SymbolEqualityComparer.Default.Equals(builder, _symbols.MatrixBuilderOfT));
        }

        private static bool IsWrapper(IMethodSymbol method)
        {
            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
            ExpressionSyntax? returned = null;
            switch (syntax)
            {
                case MethodDeclarationSyntax m:
                    returned = m.ExpressionBody?.Expression ?? SingleReturn(m.Body);
                    break;
                case LocalFunctionStatementSyntax f:
                    returned = f.ExpressionBody?.Expression ?? SingleReturn(f.Body);
                    break;
            }

            while (returned is CastExpressionSyntax || returned is ParenthesizedExpressionSyntax)
            {
                returned = returned is CastExpressionSyntax cast ? cast.Expression : ((ParenthesizedExpressionSyntax)returned).Expression;
            }

            if (!(returned is InvocationExpressionSyntax call) || call.ArgumentList.Arguments.Count != 1)
            {
                return false;
            }

            var callee = call.Expression is MemberAccessExpressionSyntax access ? access : null;
            if (callee is null || callee.Name.Identifier.ValueText != "Exp")
            {
                return false;
            }

            var owner = callee.Expression.ToString();
            if (owner != "Math" && owner != "MathF" && owner != "System.Math" && owner != "System.MathF")
            {
                return false;
            }

            var argument = call.ArgumentList.Arguments[0].Expression;
            while (argument is CastExpressionSyntax || argument is ParenthesizedExpressionSyntax)
            {
                argument = argument is CastExpressionSyntax cast ? cast.Expression : ((ParenthesizedExpressionSyntax)argument).Expression;
            }

            return argument is IdentifierNameSyntax id && id.Identifier.ValueText == method.Parameters[0].Name;
        }

        private static ExpressionSyntax? SingleReturn(BlockSyntax? body)
        {
            return body is not null && body.Statements.Count == 1 && body.Statements[0] is ReturnStatementSyntax ret ? ret.Expression : null;
        }
    }
}
