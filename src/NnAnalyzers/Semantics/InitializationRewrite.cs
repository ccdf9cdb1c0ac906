using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>A replacement: the text of an expression that replaces the node at <see cref="Target"/>.</summary>
    public readonly struct Rewrite
    {
        internal Rewrite(SyntaxNode target, string text)
        {
            Target = target;
            Text = text;
        }

        /// <summary>The node replaced.</summary>
        public SyntaxNode Target { get; }

        /// <summary>The replacement expression (names fully qualified where needed; the fixer simplifies them).</summary>
        public string Text { get; }
    }

    /// <summary>
    /// The well-initialized forms of a parameter drawn from a non-negative random source: a Glorot (Xavier) uniform
    /// range <c>U(-√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut)))</c> when both fans are known, the same range centred on
    /// zero (scale kept), and zero for biases. Fans come from the value's dimensions (Build arguments, a helper's
    /// row/column arguments, array sizes) or from the loop bounds of an element write <c>w[i, j]</c>.
    /// </summary>
    public static class InitializationRewrite
    {
        /// <summary>The Glorot limit expression for the two fans.</summary>
        public static string GlorotLimit(string fanIn, string fanOut, SemanticModel? model, int position)
            => MathName(model, position) + ".Sqrt(6.0 / (" + fanIn + " + " + fanOut + "))";

        /// <summary><c>Math</c> when that name means System.Math at <paramref name="position"/>, else <c>System.Math</c>.</summary>
        private static string MathName(SemanticModel? model, int position)
        {
            // Bound as the compiler binds the name (one lookup); LookupNamespacesAndTypes would list every type of every
            // imported namespace first, which made this the costliest part of reporting NN0001 in a fresh compiler.
            if (model is not null
                && model.GetSpeculativeSymbolInfo(position, Microsoft.CodeAnalysis.CSharp.SyntaxFactory.IdentifierName("Math"), SpeculativeBindingOption.BindAsTypeOrNamespace).Symbol
                    is INamedTypeSymbol { Name: "Math", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
            {
                return "Math";
            }

            return "System.Math";
        }

        /// <summary>Fan-in (columns) and fan-out (rows) texts of the parameter written by <paramref name="target"/> with <paramref name="value"/>.</summary>
        public static bool TryGetFans(IOperation? target, IOperation valueOperation, RandomValue value, KnownSymbols symbols, out string fanIn, out string fanOut)
        {
            fanIn = fanOut = string.Empty;

            // A matrix value with known dimensions (Build.Random(r, c, …), Rand(rng, rows, cols)).
            if (value.Rows is not null && value.Columns is not null
                && IsUsableHere(value.Rows, valueOperation) && IsUsableHere(value.Columns, valueOperation))
            {
                fanOut = Atom(value.Rows.Syntax);
                fanIn = Atom(value.Columns.Syntax);
                return true;
            }

            // A scalar element write: w[i, j] (2-D array or MathNet indexer) or w[i][j] (jagged).
            IOperation? first = null;
            IOperation? second = null;
            IOperation? instance = null;
            var jagged = false;
            switch (target)
            {
                case IArrayElementReferenceOperation { Indices.Length: 2 } element2:
                    first = element2.Indices[0];
                    second = element2.Indices[1];
                    instance = element2.ArrayReference;
                    break;
                case IPropertyReferenceOperation { Arguments.Length: 2 } indexer when symbols.IsMatrix(indexer.Instance?.Type):
                    first = indexer.Arguments[0].Value;
                    second = indexer.Arguments[1].Value;
                    instance = indexer.Instance;
                    break;
                case IArrayElementReferenceOperation { Indices.Length: 1, ArrayReference: IArrayElementReferenceOperation { Indices.Length: 1 } outer } inner:
                    first = outer.Indices[0];
                    second = inner.Indices[0];
                    instance = outer.ArrayReference;
                    jagged = true;
                    break;
                default:
                    return false;
            }

            var rows = LoopBound(first, target!);
            var columns = LoopBound(second, target!);
            if (rows is null || columns is null)
            {
                if (instance is null || !IsSimpleReference(instance.Syntax))
                {
                    return false;
                }

                var text = instance.Syntax.ToString();
                if (symbols.IsMatrix(instance.Type))
                {
                    rows ??= text + ".RowCount";
                    columns ??= text + ".ColumnCount";
                }
                else if (jagged)
                {
                    rows ??= text + ".Length";
                    columns ??= text + "[" + first!.Syntax + "].Length";
                }
                else
                {
                    rows ??= text + ".GetLength(0)";
                    columns ??= text + ".GetLength(1)";
                }
            }

            fanOut = rows;
            fanIn = columns;
            return true;
        }

        /// <summary>
        /// The Glorot rewrite: a scalar value becomes <c>(r.NextDouble() * 2 - 1) * limit</c>; an exact draw inside a
        /// tensor builder is rewritten in place; a MathNet distribution becomes <c>new ContinuousUniform(-limit, limit)</c>;
        /// a helper's [0, 1) matrix becomes <c>(Rand(…) * 2.0 - 1.0) * limit</c>.
        /// </summary>
        public static Rewrite? Glorot(IOperation valueOperation, RandomValue value, string fanIn, string fanOut, KnownSymbols symbols)
        {
            var draw = value.Draw;
            if (draw is null)
            {
                return null;
            }

            var limit = GlorotLimit(fanIn, fanOut, valueOperation.SemanticModel, valueOperation.Syntax.SpanStart);
            var valueType = TargetType(valueOperation);
            if (IsScalar(valueType) && draw.Operation is IInvocationOperation { Instance: { } receiver } call && symbols.IsRandom(receiver.Type)
                && !receiver.Syntax.IsMissing && valueOperation.Syntax.Span.Contains(call.Syntax.Span))
            {
                var text = "(" + receiver.Syntax + ".NextDouble() * 2 - 1) * " + limit;
                return new Rewrite(valueOperation.Syntax, CastTo(valueType, text));
            }

            if (!value.IsExactDraw || draw.Kind != DrawRange.Unit || !value.IsLinear || value.Draws != 1
                || !valueOperation.Syntax.Span.Contains(draw.Operation.Syntax.Span))
            {
                // Only draws written inside the value are rewritten (a local's initializer may serve other uses).
                return null;
            }

            if (IsScalar(valueType) && draw.IsHelperCall && IsScalar(draw.Operation.Type) && valueOperation.Syntax.Span.Contains(draw.Operation.Syntax.Span))
            {
                // A scalar helper returning a [0, 1) draw: Draw(rng) → (Draw(rng) * 2 - 1) * limit.
                return new Rewrite(valueOperation.Syntax, CastTo(valueType, "(" + draw.Operation.Syntax + " * 2 - 1) * " + limit));
            }

            switch (draw.Operation)
            {
                case IInvocationOperation { Instance: { } rnd } scalar when symbols.IsRandom(rnd.Type):
                    return new Rewrite(scalar.Syntax, CastTo(scalar.Type, "(" + rnd.Syntax + ".NextDouble() * 2 - 1) * " + limit));
                case IObjectCreationOperation creation:
                    return CentreDistribution(creation, "-" + limit, limit);
                case IInvocationOperation helper when draw.IsHelperCall && symbols.IsMathNetTensor(helper.Type):
                    var element = ElementType(helper.Type);
                    if (element == SpecialType.System_Double)
                    {
                        return new Rewrite(helper.Syntax, "(" + helper.Syntax + " * 2.0 - 1.0) * " + limit);
                    }

                    if (element == SpecialType.System_Single)
                    {
                        return new Rewrite(helper.Syntax, "(" + helper.Syntax + " * 2f - 1f) * (float)" + limit);
                    }

                    return null;
                default:
                    return null;
            }
        }

        /// <summary>
        /// Centres the single draw of a linear value on zero, keeping the scale: <c>s * r.NextDouble()</c> →
        /// <c>s * (2 * r.NextDouble() - 1)</c>, <c>ContinuousUniform(0, b)</c> → <c>ContinuousUniform(-b, b)</c>.
        /// </summary>
        public static Rewrite? Centre(IOperation valueOperation, RandomValue value, KnownSymbols symbols)
        {
            var draw = value.Draw;
            if (draw is null || value.Draws != 1 || !value.IsLinear || !valueOperation.Syntax.Span.Contains(draw.Operation.Syntax.Span))
            {
                return null;
            }

            if (draw.Operation is IObjectCreationOperation creation)
            {
                if (creation.Arguments.Length == 0)
                {
                    return CentreDistribution(creation, "-1.0", "1.0");
                }

                var upper = creation.Arguments.Length >= 2 ? creation.Arguments[1].Value : null;
                if (upper is null)
                {
                    return null;
                }

                return CentreDistribution(creation, "-" + Atom(upper.Syntax), upper.Syntax.ToString());
            }

            if (draw.Kind != DrawRange.Unit)
            {
                return null;
            }

            switch (draw.Operation)
            {
                case IInvocationOperation helper when draw.IsHelperCall:
                    return symbols.IsMathNetTensor(helper.Type) || IsScalar(helper.Type) ? new Rewrite(helper.Syntax, "(2 * " + helper.Syntax + " - 1)") : (Rewrite?)null;
                case IInvocationOperation scalar when IsScalar(scalar.Type):
                    return new Rewrite(scalar.Syntax, "(2 * " + scalar.Syntax + " - 1)");
                default:
                    return null;
            }
        }

        /// <summary>Zero of the value's type: <c>0.0</c>, <c>0f</c>, <c>Matrix&lt;double&gt;.Build.Dense(r, c)</c>, <c>new double[n]</c>.</summary>
        public static Rewrite? Zero(IOperation valueOperation, RandomValue value, KnownSymbols symbols)
        {
            var type = TargetType(valueOperation);
            var model = valueOperation.SemanticModel;
            if (type is null || model is null)
            {
                return null;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Double:
                    return new Rewrite(valueOperation.Syntax, "0.0");
                case SpecialType.System_Single:
                    return new Rewrite(valueOperation.Syntax, "0f");
                case SpecialType.System_Decimal:
                    return new Rewrite(valueOperation.Syntax, "0m");
                case SpecialType.System_Int32:
                case SpecialType.System_Int64:
                    return new Rewrite(valueOperation.Syntax, "0");
            }

            var rows = value.Rows is not null && IsUsableHere(value.Rows, valueOperation) ? value.Rows.Syntax.ToString() : null;
            var columns = value.Columns is not null && IsUsableHere(value.Columns, valueOperation) ? value.Columns.Syntax.ToString() : null;
            var position = valueOperation.Syntax.SpanStart;
            if (symbols.IsMatrix(type) && rows is not null && columns is not null)
            {
                return new Rewrite(valueOperation.Syntax, MatrixOrVector(type, symbols.MatrixOfT, model, position) + ".Build.Dense(" + rows + ", " + columns + ")");
            }

            if (symbols.IsVector(type) && rows is not null)
            {
                return new Rewrite(valueOperation.Syntax, MatrixOrVector(type, symbols.VectorOfT, model, position) + ".Build.Dense(" + rows + ")");
            }

            if (type is IArrayTypeSymbol array && !(array.ElementType is IArrayTypeSymbol) && rows is not null)
            {
                var element = array.ElementType.ToMinimalDisplayString(model, position);
                if (array.Rank == 1)
                {
                    return new Rewrite(valueOperation.Syntax, "new " + element + "[" + rows + "]");
                }

                if (array.Rank == 2 && columns is not null)
                {
                    return new Rewrite(valueOperation.Syntax, "new " + element + "[" + rows + ", " + columns + "]");
                }
            }

            return null;
        }

        private static string MatrixOrVector(ITypeSymbol type, INamedTypeSymbol? definition, SemanticModel model, int position)
        {
            for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, definition))
                {
                    return t.ToMinimalDisplayString(model, position);
                }
            }

            return type.ToMinimalDisplayString(model, position);
        }

        private static Rewrite? CentreDistribution(IObjectCreationOperation creation, string lower, string upper)
        {
            if (!(creation.Syntax is ObjectCreationExpressionSyntax syntax))
            {
                return null;
            }

            var rest = new List<string>();
            var args = syntax.ArgumentList?.Arguments;
            if (args is not null)
            {
                for (var i = 2; i < args.Value.Count; i++)
                {
                    rest.Add(args.Value[i].ToString());
                }

                if (args.Value.Count == 1 || (args.Value.Count > 0 && args.Value[0].NameColon is not null))
                {
                    return null;
                }
            }

            var text = "new " + syntax.Type + "(" + lower + ", " + upper + (rest.Count > 0 ? ", " + string.Join(", ", rest) : string.Empty) + ")";
            return new Rewrite(syntax, text);
        }

        /// <summary>The type the value is stored as (after an implicit conversion to the target).</summary>
        private static ITypeSymbol? TargetType(IOperation valueOperation)
        {
            return valueOperation.Parent is IConversionOperation { IsImplicit: true } conversion ? conversion.Type : valueOperation.Type;
        }

        private static bool IsScalar(ITypeSymbol? type)
            => type is not null && (type.SpecialType == SpecialType.System_Double || type.SpecialType == SpecialType.System_Single);

        private static string CastTo(ITypeSymbol? type, string text)
            => type?.SpecialType == SpecialType.System_Single ? "(float)(" + text + ")" : text;

        private static SpecialType ElementType(ITypeSymbol? type)
        {
            for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                if (t.TypeArguments.Length == 1)
                {
                    return t.TypeArguments[0].SpecialType;
                }
            }

            return SpecialType.None;
        }

        private static string? LoopBound(IOperation? index, IOperation target)
        {
            if (!(index is ILocalReferenceOperation local))
            {
                return null;
            }

            for (var op = target.Parent; op is not null; op = op.Parent)
            {
                if (op is IForLoopOperation loop && loop.Condition is IBinaryOperation condition
                    && condition.LeftOperand is ILocalReferenceOperation counter
                    && SymbolEqualityComparer.Default.Equals(counter.Local, local.Local))
                {
                    if (condition.OperatorKind == BinaryOperatorKind.LessThan && IsZero(loop.Before))
                    {
                        return Atom(condition.RightOperand.Syntax);
                    }

                    return null;
                }
            }

            return null;
        }

        private static bool IsZero(System.Collections.Immutable.ImmutableArray<IOperation> before)
        {
            foreach (var op in before)
            {
                foreach (var d in op.DescendantsAndSelf())
                {
                    if (d is IVariableDeclaratorOperation declarator)
                    {
                        var init = declarator.GetVariableInitializer()?.Value;
                        return init is not null && RandomSign.TryConstant(init, out var v) && v == 0;
                    }

                    if (d is ISimpleAssignmentOperation assignment)
                    {
                        return RandomSign.TryConstant(assignment.Value, out var v) && v == 0;
                    }
                }
            }

            return false;
        }

        private static bool IsUsableHere(IOperation dimension, IOperation valueOperation)
            => valueOperation.Syntax.Span.Contains(dimension.Syntax.Span) || dimension.ConstantValue.HasValue
            || (dimension.Syntax is IdentifierNameSyntax && dimension is IParameterReferenceOperation);

        private static bool IsSimpleReference(SyntaxNode syntax) => syntax switch
        {
            IdentifierNameSyntax _ => true,
            ThisExpressionSyntax _ => true,
            MemberAccessExpressionSyntax member => IsSimpleReference(member.Expression),
            _ => false,
        };

        /// <summary>The text of an expression, parenthesized unless it is an atom (name, literal, member, element access, call).</summary>
        private static string Atom(SyntaxNode syntax)
        {
            var text = syntax.ToString();
            switch (syntax)
            {
                case IdentifierNameSyntax _:
                case LiteralExpressionSyntax _:
                case MemberAccessExpressionSyntax _:
                case ElementAccessExpressionSyntax _:
                case InvocationExpressionSyntax _:
                case ParenthesizedExpressionSyntax _:
                    return text;
                default:
                    return "(" + text + ")";
            }
        }
    }
}
