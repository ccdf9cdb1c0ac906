using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// "Is this value a pre-activation z or an activation's output a = f(z)?" and "is this call an activation, or a
    /// derivative, and which value does it take?". Methods are classified once per compilation: Math.Tanh, our library's
    /// <c>Activations.Sigmoid/Tanh/…DerivativeFromOutput/…FromPreActivation</c>, and helpers of one parameter whose body is
    /// a formula of <see cref="ActivationFormulas"/>. Values are classified within one method body by
    /// <see cref="PreActivations"/>.
    /// </summary>
    public sealed class ActivationValues
    {
        private const string LibraryActivations = "NnAnalyzers.Network.Activations";

        private readonly ConcurrentDictionary<IMethodSymbol, ActivationRole> _roles = new ConcurrentDictionary<IMethodSymbol, ActivationRole>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<ISymbol, ActivationRole> _delegates = new ConcurrentDictionary<ISymbol, ActivationRole>(SymbolEqualityComparer.Default);

        /// <summary>The role of a method (a helper's, read from its body, cached per compilation).</summary>
        public ActivationRole RoleOf(IMethodSymbol method, CancellationToken cancellationToken)
        {
            method = method.ReducedFrom ?? method;
            method = method.OriginalDefinition;
            if (FromSymbol(method) is { } known)
            {
                return known;
            }

            if (_roles.TryGetValue(method, out var role))
            {
                return role;
            }

            role = ClassifyHelper(method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken), method.Parameters[0].Name);
            _roles.TryAdd(method, role);
            return role;
        }

        /// <summary>Whether the method is one of LINQ's <c>System.Linq.Enumerable</c>.</summary>
        internal static bool IsEnumerableMethod(IMethodSymbol method)
            => method.ContainingType is { Name: "Enumerable", ContainingNamespace: { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

        /// <summary>Whether the method is one of our library's activation helpers.</summary>
        public static bool IsLibraryMethod(IMethodSymbol method)
            => method.ContainingType is { Name: "Activations" } type && type.ToDisplayString() == LibraryActivations;

        /// <summary>
        /// The activation computed by <paramref name="operation"/> and the value it is applied to: a call of an activation
        /// method or helper, MathNet <c>Map</c> with an activation lambda or method group, <c>PointwiseTanh()</c>, or an
        /// inline sigmoid formula.
        /// </summary>
        public ActivationRole AsActivation(IOperation? operation, CancellationToken cancellationToken, out IOperation? argument)
        {
            argument = null;

            // z.Select(Sigmoid).ToArray() / .ToList(): the materialised sequence holds what the Select computes.
            if (Operations.WithoutConversions(operation) is IInvocationOperation { TargetMethod.Name: "ToArray" or "ToList", Arguments.Length: <= 1 } materialised
                && IsEnumerableMethod(materialised.TargetMethod) && Collections.Receiver(materialised) is { } sequence)
            {
                operation = sequence;
            }

            var role = AsCall(operation, cancellationToken, out argument);
            if (ActivationFormulas.IsActivation(role))
            {
                return role;
            }

            argument = null;
            if (Operations.WithoutConversions(operation) is { Syntax: ExpressionSyntax syntax } op && op.SemanticModel is { } model
                && op is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide })
            {
                var inline = ActivationFormulas.Classify(syntax, _ => true, out var value);
                if (inline == ActivationRole.Sigmoid && value is not null)
                {
                    argument = model.GetOperation(value, cancellationToken);
                    return argument is null ? ActivationRole.None : inline;
                }
            }

            return ActivationRole.None;
        }

        /// <summary>
        /// The role of a call and the value it takes: the first argument of a static method or helper, the receiver of an
        /// instance call (<c>z.PointwiseTanh()</c>), the receiver of <c>Map(f)</c> where f is an activation or derivative.
        /// </summary>
        public ActivationRole AsCall(IOperation? operation, CancellationToken cancellationToken, out IOperation? argument)
        {
            argument = null;
            if (Operations.WithoutConversions(operation) is not IInvocationOperation invocation)
            {
                return ActivationRole.None;
            }

            var method = invocation.TargetMethod;

            // LINQ's map: z.Select(Sigmoid), z.Select(v => v * (1 - v)) — the function's role, applied to the source.
            if (method.Name == "Select" && invocation.Arguments.Length == 2 && IsEnumerableMethod(method))
            {
                var function = MapFunctionRole(invocation.Arguments[1].Value, cancellationToken);
                if (function != ActivationRole.None && Operations.WithoutConversions(invocation.Arguments[0].Value) is { } source)
                {
                    argument = source;
                    return function;
                }

                return ActivationRole.None;
            }

            if (method.Name == "Map" && invocation.Instance is { } receiver && invocation.Arguments.Length >= 1)
            {
                var function = MapFunctionRole(invocation.Arguments[0].Value, cancellationToken);
                if (function != ActivationRole.None)
                {
                    argument = receiver;
                    return function;
                }

                return ActivationRole.None;
            }

            // _sigmoidPrime(z): a delegate field or local that holds an activation or derivative lambda.
            if (method.MethodKind == MethodKind.DelegateInvoke)
            {
                var held = invocation.Instance is { } target ? DelegateRole(target, cancellationToken) : ActivationRole.None;
                argument = held != ActivationRole.None && invocation.Arguments.Length == 1 ? Operations.WithoutConversions(invocation.Arguments[0].Value) : null;
                return argument is null ? ActivationRole.None : held;
            }

            var role = RoleOf(method, cancellationToken);
            if (role == ActivationRole.None)
            {
                return role;
            }

            if (method.IsStatic || method.IsExtensionMethod)
            {
                argument = invocation.Arguments.Length >= 1 ? invocation.Arguments[0].Value : null;
            }
            else
            {
                argument = method.Parameters.Length == 0 ? invocation.Instance : invocation.Arguments.Length >= 1 ? invocation.Arguments[0].Value : null;
            }

            if (argument is IConversionOperation { IsImplicit: true } conversion)
            {
                argument = conversion.Operand;
            }

            return argument is null ? ActivationRole.None : role;
        }

        // The function given to Map: a lambda whose body is a formula of its parameter, or a method group.
        private ActivationRole MapFunctionRole(IOperation function, CancellationToken cancellationToken)
        {
            function = Operations.WithoutConversions(function)!;
            if (function is IDelegateCreationOperation creation)
            {
                function = creation.Target;
            }

            switch (function)
            {
                case IMethodReferenceOperation reference:
                    return RoleOf(reference.Method, cancellationToken);
                case IAnonymousFunctionOperation lambda when lambda.Symbol.Parameters.Length == 1 && lambda.Syntax is LambdaExpressionSyntax { ExpressionBody: { } body }:
                    var name = lambda.Symbol.Parameters[0].Name;
                    var role = ActivationFormulas.Classify(body, e => ActivationFormulas.IsIdentifier(e, name), out _);
                    if (role == ActivationRole.None && ActivationFormulas.Strip(body) is InvocationExpressionSyntax call
                        && call.ArgumentList.Arguments.Count == 1 && ActivationFormulas.IsIdentifier(call.ArgumentList.Arguments[0].Expression, name)
                        && lambda.SemanticModel?.GetOperation(call, cancellationToken) is IInvocationOperation inner)
                    {
                        role = RoleOf(inner.TargetMethod, cancellationToken);
                    }

                    return role;
                case IFieldReferenceOperation _:
                case ILocalReferenceOperation _:
                    return DelegateRole(function, cancellationToken);
                default:
                    return ActivationRole.None;
            }
        }

        /// <summary>
        /// The role of the lambda a delegate holds: a readonly or private field, or a local, declared with a lambda of one
        /// parameter (<c>Func&lt;double, double&gt; _sigmoidPrime = s =&gt; s * (1 - s);</c>). Read from the declaration's
        /// syntax, once per symbol; anything else (a delegate passed in, picked from a table) has no role.
        /// </summary>
        public ActivationRole DelegateRole(IOperation reference, CancellationToken cancellationToken)
        {
            ISymbol? symbol = (Operations.WithoutConversions(reference) ?? reference) switch
            {
                IFieldReferenceOperation { Field: { } field } when field.IsReadOnly || field.DeclaredAccessibility == Accessibility.Private => field,
                ILocalReferenceOperation { Local: { } local } => local,
                _ => null,
            };
            if (symbol is null || symbol.DeclaringSyntaxReferences.Length != 1)
            {
                return ActivationRole.None;
            }

            if (_delegates.TryGetValue(symbol, out var known))
            {
                return known;
            }

            var role = ActivationRole.None;
            if (symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: var value })
            {
                var (parameter, body) = ActivationFormulas.Strip(value) switch
                {
                    SimpleLambdaExpressionSyntax simple => (simple.Parameter.Identifier.ValueText, (CSharpSyntaxNode)simple.Body),
                    ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized
                        => (parenthesized.ParameterList.Parameters[0].Identifier.ValueText, parenthesized.Body),
                    _ => (null, null),
                };
                var result = body switch
                {
                    ExpressionSyntax expression => expression,
                    BlockSyntax { Statements: { Count: 1 } statements } when statements[0] is ReturnStatementSyntax { Expression: { } returned } => returned,
                    _ => null,
                };
                if (parameter is not null && result is not null)
                {
                    role = ActivationFormulas.Classify(result, e => ActivationFormulas.IsIdentifier(e, parameter), out _);
                }
            }

            _delegates.TryAdd(symbol, role);
            return role;
        }

        // The role read off the symbol: Math.Tanh, our library's activations and derivatives, MathNet's PointwiseTanh,
        // and None for every method that is not a helper of one parameter declared in source; null for such a helper,
        // whose body decides (nothing is cached for the others: most calls are of framework methods).
        private static ActivationRole? FromSymbol(IMethodSymbol method)
        {
            var parameters = method.Parameters;
            var typeName = method.ContainingType?.Name;
            if ((typeName == "Math" || typeName == "MathF") && method.ContainingType!.ContainingNamespace?.Name == "System")
            {
                return method.Name == "Tanh" ? ActivationRole.Tanh : ActivationRole.None;
            }

            if (typeName == "Activations" && IsLibraryMethod(method))
            {
                switch (method.Name)
                {
                    case "Sigmoid": return ActivationRole.Sigmoid;
                    case "Tanh": return ActivationRole.Tanh;
                    case "SigmoidDerivativeFromOutput": return ActivationRole.SigmoidDerivativeFromOutput;
                    case "TanhDerivativeFromOutput": return ActivationRole.TanhDerivativeFromOutput;
                    case "SigmoidDerivativeFromPreActivation": return ActivationRole.SigmoidDerivativeFromPreActivation;
                    case "TanhDerivativeFromPreActivation": return ActivationRole.TanhDerivativeFromPreActivation;
                    default: return ActivationRole.None;
                }
            }

            if (parameters.Length == 0 && method.Name == "PointwiseTanh")
            {
                return ActivationRole.Tanh;
            }

            return parameters.Length != 1 || method.DeclaringSyntaxReferences.Length != 1 ? ActivationRole.None : null;
        }

        /// <summary>
        /// The role of a helper of one parameter read from its declaration (a method or local function): what its
        /// expression body, single <c>return</c>, or the elements it assigns in a loop compute of
        /// <paramref name="parameter"/>. Syntax only, so that a compilation can be scanned without binding.
        /// </summary>
        public static ActivationRole ClassifyHelper(SyntaxNode declaration, string parameter)
        {
            foreach (var body in Results(declaration))
            {
                var role = ActivationFormulas.Classify(body, e => RootName(e) == parameter, out _);
                if (role != ActivationRole.None)
                {
                    return role;
                }
            }

            return ActivationRole.None;
        }

        // The expressions a helper's result is made of: its expression body or returned expression, or, for a helper
        // that fills a new array in a loop, the values it assigns to elements.
        private static IEnumerable<ExpressionSyntax> Results(SyntaxNode declaration)
        {
            ArrowExpressionClauseSyntax? arrow = null;
            BlockSyntax? block = null;
            switch (declaration)
            {
                case MethodDeclarationSyntax m:
                    arrow = m.ExpressionBody;
                    block = m.Body;
                    break;
                case LocalFunctionStatementSyntax f:
                    arrow = f.ExpressionBody;
                    block = f.Body;
                    break;
            }

            if (arrow is not null)
            {
                yield return arrow.Expression;
                yield break;
            }

            if (block is null || block.Statements.Count > 6)
            {
                yield break;
            }

            var returns = block.DescendantNodes().OfType<ReturnStatementSyntax>().ToList();
            if (returns.Count == 1 && returns[0].Expression is { } returned)
            {
                yield return returned;
            }

            foreach (var assignment in block.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Left is ElementAccessExpressionSyntax)
                {
                    yield return assignment.Right;
                }
            }
        }

        /// <summary>The identifier at the root of <c>x</c>, <c>x[i]</c>, <c>x[i][j]</c>, <c>x[i, j]</c>, or null.</summary>
        public static string? RootName(ExpressionSyntax e)
        {
            e = ActivationFormulas.Strip(e);
            while (e is ElementAccessExpressionSyntax access)
            {
                e = ActivationFormulas.Strip(access.Expression);
            }

            return e is IdentifierNameSyntax id ? id.Identifier.ValueText : null;
        }
    }
}
