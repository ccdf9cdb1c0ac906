using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>How a summed collection is indexed.</summary>
    internal enum ElementLayout
    {
        /// <summary><c>double[,]</c>: <c>e[i, j]</c>.</summary>
        Array2D,

        /// <summary><c>double[][]</c>: <c>e[i][j]</c>.</summary>
        Jagged,

        /// <summary>MathNet <c>Matrix&lt;T&gt;</c>: <c>m[i, j]</c>.</summary>
        Matrix,
    }

    /// <summary>A probability normaliser: values divided by one sum of themselves.</summary>
    internal sealed class Normaliser
    {
        /// <summary>The normalised values (the matrix, or the array element read in the sum).</summary>
        public IOperation Values { get; set; } = null!;

        /// <summary>How the sum reduces the values.</summary>
        public ReductionKind Reduction { get; set; }

        /// <summary>The sum (MathNet: the <c>Sum()</c> call; arrays: the scalar's declarator).</summary>
        public IOperation Sum { get; set; } = null!;

        /// <summary>The divisions by the sum (<c>z / s</c>, <c>z.Divide(s)</c>, <c>e[i, j] / s</c>, <c>e[i, j] /= s</c>).</summary>
        public ImmutableArray<IOperation> Divisions { get; set; }

        /// <summary>Arrays: the accumulations <c>s += e[i, j]</c>.</summary>
        public ImmutableArray<IOperation> Accumulations { get; set; } = ImmutableArray<IOperation>.Empty;

        /// <summary>The local that holds the sum, when it is one (its only uses are the sum and the divisions when <see cref="SumLocalIsPrivate"/>).</summary>
        public IVariableDeclaratorOperation? SumDeclarator { get; set; }

        /// <summary>True when the sum local is read nowhere but in the divisions (and, for arrays, written only by the accumulations).</summary>
        public bool SumLocalIsPrivate { get; set; }

        /// <summary>True when the values are known to be non-negative (exponentials, absolute values).</summary>
        public bool NonNegative { get; set; }

        /// <summary>Arrays: the loops over the first and second index of the summed element.</summary>
        public ILoopOperation? FirstIndexLoop { get; set; }

        /// <summary>Arrays: the loop over the second index.</summary>
        public ILoopOperation? SecondIndexLoop { get; set; }

        /// <summary>Scalar sums: how the summed collection is laid out.</summary>
        public ElementLayout Layout { get; set; }

        /// <summary>Arrays: the summed array as written (<c>e</c>).</summary>
        public string? ArrayText { get; set; }

        /// <summary>Arrays: true when the array is in scope and assigned where the sum is declared.</summary>
        public bool ArrayDeclaredBeforeSum { get; set; }

        /// <summary>
        /// Arrays summed without index loops (<c>foreach</c>, LINQ): true when the walk over the first axis is a walk over
        /// a batch (<c>batchExps.Select(row =&gt; …)</c>: its bound is <c>batchExps.Length</c>, a batch size).
        /// </summary>
        public bool RowsWalkBatch { get; set; }

        /// <summary>True for the nested-loop form, whose scalar the fix turns into one sum per sample.</summary>
        public bool IndexLoops { get; set; } = true;
    }

    /// <summary>
    /// Answers "is this a probability normaliser: values divided by a sum of themselves?" for MathNet matrices
    /// (<c>e / e.Enumerate().Sum()</c>, <c>e.Divide(e.ColumnSums().Sum())</c>, <c>e / e.RowSums().Sum()</c>,
    /// <c>e.Map(v =&gt; v / s)</c>, through a local) and for 2-D arrays, jagged arrays and matrix elements (one scalar
    /// accumulated over all rows and columns in nested loops, then dividing the same values). It also says whether
    /// the values are known to be non-negative (exponentials, absolute values).
    /// </summary>
    internal sealed class Normalization
    {
        // The operations the walks of a body have cases for (read off the body's list by kind: the others are never type-tested).
        private static readonly KindSet s_declaratorsAndReferences = KindSet.Of(OperationKind.VariableDeclarator, OperationKind.LocalReference);
        private static readonly KindSet s_localWrites = KindSet.Of(OperationKind.VariableDeclarator, OperationKind.SimpleAssignment);
        private static readonly KindSet s_callsAndMethodReferences = KindSet.Of(OperationKind.Invocation, OperationKind.MethodReference);

        private readonly KnownSymbols _symbols;

        /// <summary>Creates the oracle of one compilation.</summary>
        public Normalization(KnownSymbols symbols)
        {
            _symbols = symbols;
        }

        /// <summary>Cheap syntactic pre-check for <see cref="FromMatrixSum"/>.</summary>
        public static bool MayBeMatrixSum(IInvocationOperation invocation) => invocation.TargetMethod.Name == "Sum";

        /// <summary>
        /// When <paramref name="sum"/> sums every element of a matrix and that matrix is divided by the sum, the
        /// normaliser; otherwise null.
        /// </summary>
        public Normaliser? FromMatrixSum(IInvocationOperation sum, IOperation body)
        {
            if (!MayBeMatrixSum(sum))
            {
                return null;
            }

            var source = sum.Instance ?? (sum.TargetMethod.IsExtensionMethod && sum.Arguments.Length == 1 ? sum.Arguments[0].Value : null);
            if (sum.Instance is not null && (sum.Arguments.Length != 0 || !_symbols.IsVector(sum.Instance.Type)))
            {
                return null;
            }

            if (!(BatchAxis.Unwrap(source) is IInvocationOperation inner) || inner.Instance is null || !_symbols.IsMatrix(inner.Instance.Type))
            {
                return null;
            }

            var name = inner.TargetMethod.Name;
            if (name != "Enumerate" && name != "ColumnSums" && name != "RowSums" && !IsFlattening(name))
            {
                return null;
            }

            if ((name == "Enumerate" && inner.Arguments.Length > 1) || (IsFlattening(name) && inner.Arguments.Length != 0))
            {
                return null;
            }

            var matrix = inner.Instance;
            var divisions = ImmutableArray.CreateBuilder<IOperation>();
            IVariableDeclaratorOperation? declarator = null;
            var isPrivate = false;

            var use = Parent(sum);
            if (use is IVariableInitializerOperation init && init.Parent is IVariableDeclaratorOperation d && !d.Symbol.IsConst)
            {
                declarator = d;
                isPrivate = true;
                foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(OperationKind.LocalReference))
                {
                    if (op is ILocalReferenceOperation r && SymbolEqualityComparer.Default.Equals(r.Local, d.Symbol))
                    {
                        var division = DivisionOf(r, matrix);
                        if (division is not null)
                        {
                            divisions.Add(division);
                        }
                        else
                        {
                            isPrivate = false;
                            if (IsWrite(r))
                            {
                                return null;
                            }
                        }
                    }
                }
            }
            else
            {
                var division = DivisionOf(sum, matrix);
                if (division is not null)
                {
                    divisions.Add(division);
                }
            }

            if (divisions.Count == 0)
            {
                return null;
            }

            return new Normaliser
            {
                Values = matrix,
                Reduction = ReductionKind.Whole,
                Sum = sum,
                Divisions = divisions.ToImmutable(),
                SumDeclarator = declarator,
                SumLocalIsPrivate = isPrivate,
                NonNegative = IsNonNegativeMatrix(matrix, body, 0),
            };
        }

        // Every element of a matrix as one array: a sum of it is a sum over the whole matrix, as Enumerate().Sum() is.
        internal static bool IsFlattening(string name)
            => name is "ToColumnMajorArray" or "ToRowMajorArray" or "AsColumnMajorArray" or "AsRowMajorArray";

        /// <summary>
        /// The arrays' forms of a whole sum by LINQ: <c>e.Cast&lt;double&gt;().Sum()</c> (or <c>OfType</c>) over a 2-D
        /// array, <c>batch.Sum(row =&gt; row.Sum())</c> or <c>batch.SelectMany(row =&gt; row).Sum()</c> over a jagged
        /// one, when the elements of the same array are then divided by it (<c>e[n, c] /= s</c>,
        /// <c>batch.Select(row =&gt; row.Select(v =&gt; v / s))</c>); otherwise null. The same question as
        /// <see cref="FromAccumulation"/>, answered for a sum written as one call.
        /// </summary>
        public Normaliser? FromCollectionSum(IInvocationOperation sum, IOperation body)
        {
            if (!MayBeMatrixSum(sum) || sum.Instance is not null || !sum.TargetMethod.IsExtensionMethod || sum.Arguments.Length == 0)
            {
                return null;
            }

            var source = BatchAxis.Unwrap(sum.Arguments[0].Value);
            IOperation? collection = null;
            var layout = ElementLayout.Array2D;
            if (sum.Arguments.Length == 1 && source is IInvocationOperation flatten && flatten.Instance is null && flatten.Arguments.Length >= 1)
            {
                var flattened = BatchAxis.Unwrap(flatten.Arguments[0].Value);
                if (flatten.TargetMethod.Name is "Cast" or "OfType" && flatten.Arguments.Length == 1 && flattened?.Type is IArrayTypeSymbol { Rank: 2 })
                {
                    collection = flattened;
                }
                else if (flatten.TargetMethod.Name == "SelectMany" && flatten.Arguments.Length == 2 && IsJagged(flattened?.Type)
                         && LambdaReturnsOwnParameter(flatten.Arguments[1].Value, sumsIt: false))
                {
                    collection = flattened;
                    layout = ElementLayout.Jagged;
                }
            }
            else if (sum.Arguments.Length == 2 && IsJagged(source?.Type) && LambdaReturnsOwnParameter(sum.Arguments[1].Value, sumsIt: true))
            {
                collection = source;
                layout = ElementLayout.Jagged;
            }

            var array = BatchAxis.StorageSymbol(collection);
            if (collection is null || array is null)
            {
                return null;
            }

            var divisions = ImmutableArray.CreateBuilder<IOperation>();
            IVariableDeclaratorOperation? declarator = null;
            var isPrivate = false;
            if (Parent(sum) is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation d } && !d.Symbol.IsConst)
            {
                declarator = d;
                isPrivate = true;
                foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(OperationKind.LocalReference))
                {
                    if (op is ILocalReferenceOperation r && SymbolEqualityComparer.Default.Equals(r.Local, d.Symbol))
                    {
                        var division = ElementDivision(r, array);
                        if (division is not null)
                        {
                            divisions.Add(division);
                            continue;
                        }

                        if (IsWrite(r))
                        {
                            return null;
                        }

                        isPrivate = false;
                    }
                }
            }
            else if (ElementDivision(sum, array) is { } division)
            {
                divisions.Add(division);
            }

            return divisions.Count == 0 ? null : ElementNormaliser(sum, collection, array, layout, declarator, isPrivate, divisions.ToImmutable(), ImmutableArray<IOperation>.Empty, body);
        }

        // A normaliser of array elements found without index loops: the loops around its first element division, if any,
        // say which axis is walked by a batch size; a walk over a batch-named array's rows says the rows are samples.
        private Normaliser ElementNormaliser(IOperation sum, IOperation collection, ISymbol array, ElementLayout layout,
            IVariableDeclaratorOperation? declarator, bool isPrivate, ImmutableArray<IOperation> divisions, ImmutableArray<IOperation> accumulations, IOperation body)
        {
            ILoopOperation? firstLoop = null;
            ILoopOperation? secondLoop = null;
            if (FindElement(divisions[0], out var first, out var second, out _, out _) is not null && first is not null && second is not null)
            {
                firstLoop = LoopOf(divisions[0], first);
                secondLoop = LoopOf(divisions[0], second);
            }

            return new Normaliser
            {
                Values = collection,
                Reduction = ReductionKind.Whole,
                Sum = sum,
                Divisions = divisions,
                Accumulations = accumulations,
                SumDeclarator = declarator,
                SumLocalIsPrivate = isPrivate,
                NonNegative = IsFilledWithExp(array, body),
                FirstIndexLoop = firstLoop,
                SecondIndexLoop = secondLoop,
                Layout = layout,
                ArrayText = collection.Syntax.ToString(),
                RowsWalkBatch = BatchAxis.IsBatchName(array.Name),
                IndexLoops = false,
            };
        }

        private static bool IsJagged(ITypeSymbol? type) => type is IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: 1 } };

        // row => row (sumsIt: false) or row => row.Sum() (sumsIt: true).
        private static bool LambdaReturnsOwnParameter(IOperation argument, bool sumsIt)
        {
            if (!(BatchAxis.Unwrap(argument) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
                || lambda.Symbol.Parameters.Length != 1 || lambda.Body.Operations.Length != 1
                || !(lambda.Body.Operations[0] is IReturnOperation { ReturnedValue: { } returned }))
            {
                return false;
            }

            var value = BatchAxis.Unwrap(returned);
            if (sumsIt)
            {
                value = value is IInvocationOperation { TargetMethod.Name: "Sum", Instance: null, Arguments.Length: 1 } rowSum
                    ? BatchAxis.Unwrap(rowSum.Arguments[0].Value)
                    : null;
            }

            return value is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, lambda.Symbol.Parameters[0]);
        }

        // The division of an element of the array by the sum: e[n, c] / s, e[n][k] /= s, v / s with v an element of a row of it.
        private static IOperation? ElementDivision(IOperation divisor, ISymbol array)
        {
            var parent = Parent(divisor);
            if (parent is IConversionOperation conversion)
            {
                divisor = conversion;
                parent = Parent(conversion);
            }

            return parent switch
            {
                IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } binary when binary.RightOperand == divisor && IsElementOf(binary.LeftOperand, array) => binary,
                ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound when compound.Value == divisor && IsElementOf(compound.Target, array) => compound,
                _ => null,
            };
        }

        /// <summary>
        /// True when <paramref name="operand"/> is one element of <paramref name="array"/>: <c>e[n, c]</c>, <c>e[n][k]</c>,
        /// <c>row[k]</c> or <c>v</c> where <c>row</c> walks the rows of the array and <c>v</c> the elements of a row
        /// (a <c>foreach</c> variable or a lambda parameter of <c>Select</c>).
        /// </summary>
        private static bool IsElementOf(IOperation operand, ISymbol array)
        {
            switch (BatchAxis.Unwrap(operand))
            {
                case IArrayElementReferenceOperation { Indices.Length: 2 } element:
                    return SymbolEqualityComparer.Default.Equals(BatchAxis.StorageSymbol(element.ArrayReference), array);
                case IArrayElementReferenceOperation { Indices.Length: 1 } element:
                    return IsRowOf(element.ArrayReference, array);
                case IParameterReferenceOperation or ILocalReferenceOperation when WalkedCollection(operand) is { } row:
                    return IsRowOf(row, array);
                default:
                    return false;
            }
        }

        // A row of the array: e[n], or a variable that walks the array (foreach (var row in e), e.Select(row => …)).
        private static bool IsRowOf(IOperation operand, ISymbol array)
        {
            var row = BatchAxis.Unwrap(operand);
            if (row is IArrayElementReferenceOperation { Indices.Length: 1 } element)
            {
                return Simple(BatchAxis.Unwrap(element.ArrayReference)!) is { } owner && SymbolEqualityComparer.Default.Equals(owner, array);
            }

            var walked = row is null ? null : WalkedCollection(row);
            return walked is not null && Simple(BatchAxis.Unwrap(walked)!) is { } walkedArray && SymbolEqualityComparer.Default.Equals(walkedArray, array);
        }

        /// <summary>
        /// The collection a variable walks: the collection of the <c>foreach</c> that declares a local, or the source of the
        /// LINQ call (<c>Select</c>, <c>Sum</c>…) whose lambda declares a parameter; null for any other variable.
        /// </summary>
        private static IOperation? WalkedCollection(IOperation variable)
        {
            switch (BatchAxis.Unwrap(variable))
            {
                case ILocalReferenceOperation local:
                    for (var p = variable.Parent; p is not null; p = p.Parent)
                    {
                        if (p is IForEachLoopOperation loop && loop.Locals.Contains(local.Local, SymbolEqualityComparer.Default))
                        {
                            return loop.Collection;
                        }
                    }

                    return null;
                case IParameterReferenceOperation parameter:
                    for (var p = variable.Parent; p is not null; p = p.Parent)
                    {
                        if (p is IAnonymousFunctionOperation lambda)
                        {
                            if (!SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, lambda.Symbol))
                            {
                                continue;
                            }

                            return lambda.Symbol.Parameters.Length == 1 && Parent(lambda) is IDelegateCreationOperation creation
                                && Parent(creation) is IArgumentOperation { Parent: IInvocationOperation { Instance: null, TargetMethod.IsExtensionMethod: true } call }
                                && call.Arguments.Length == 2 && call.Arguments[1].Value == creation
                                ? call.Arguments[0].Value
                                : null;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        /// <summary>
        /// The <c>foreach</c> form of a whole sum: <c>foreach (var v in e) s += v;</c> over a 2-D array, or
        /// <c>foreach (var row in batch) foreach (var v in row) s += v;</c> over a jagged one, with the scalar declared
        /// and never reset inside the walk, and the elements of the same array divided by it; otherwise null.
        /// </summary>
        private Normaliser? FromElementWalk(ICompoundAssignmentOperation accumulation, ILocalSymbol sumLocal, IOperation body)
        {
            var value = BatchAxis.Unwrap(accumulation.Value);
            if (!(value is ILocalReferenceOperation element) || !(WalkedCollection(element) is { } walked))
            {
                return null;
            }

            IOperation? collection;
            ElementLayout layout;
            ILoopOperation? outer = null;
            if (BatchAxis.Unwrap(walked)?.Type is IArrayTypeSymbol { Rank: 2 })
            {
                collection = BatchAxis.Unwrap(walked);
                layout = ElementLayout.Array2D;
            }
            else if (BatchAxis.Unwrap(walked) is ILocalReferenceOperation row && WalkedCollection(row) is { } rows && IsJagged(BatchAxis.Unwrap(rows)?.Type))
            {
                collection = BatchAxis.Unwrap(rows);
                layout = ElementLayout.Jagged;
            }
            else
            {
                return null;
            }

            for (var p = accumulation.Parent; p is not null; p = p.Parent)
            {
                if (p is IForEachLoopOperation loop && BatchAxis.Unwrap(loop.Collection) is { } c
                    && (c == collection || (layout == ElementLayout.Jagged && c == BatchAxis.Unwrap(walked))))
                {
                    outer = loop;
                }
            }

            var array = BatchAxis.StorageSymbol(collection);
            var declarationSyntax = sumLocal.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
            if (array is null || collection is null || outer is null || declarationSyntax is null || outer.Syntax.Span.Contains(declarationSyntax.Span))
            {
                return null;
            }

            var divisions = ImmutableArray.CreateBuilder<IOperation>();
            var accumulations = ImmutableArray.CreateBuilder<IOperation>();
            var declarator = UsesOf(body, sumLocal, out var references);
            foreach (var r in references)
            {
                var parent = Parent(r);
                if (parent == accumulation)
                {
                    accumulations.Add(accumulation);
                    continue;
                }

                if (ElementDivision(r, array) is { } division)
                {
                    divisions.Add(division);
                    continue;
                }

                // Reset inside the walk: a per-row sum. Any other write: not one sum.
                if (IsWrite(r) && (outer.Syntax.Span.Contains(r.Syntax.Span) || !(parent is ISimpleAssignmentOperation)))
                {
                    return null;
                }
            }

            return divisions.Count == 0 || declarator is null
                ? null
                : ElementNormaliser(declarator, collection, array, layout, declarator, false, divisions.ToImmutable(), accumulations.ToImmutable(), body);
        }

        // The declarator of a sum's local and its references in body order, read off the body's shared list (the walks of
        // both accumulation shapes judge the same uses).
        private static IVariableDeclaratorOperation? UsesOf(IOperation body, ILocalSymbol local, out List<ILocalReferenceOperation> references)
        {
            IVariableDeclaratorOperation? declarator = null;
            references = new List<ILocalReferenceOperation>();
            foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(s_declaratorsAndReferences))
            {
                if (op is IVariableDeclaratorOperation decl && SymbolEqualityComparer.Default.Equals(decl.Symbol, local))
                {
                    declarator = decl;
                }
                else if (op is ILocalReferenceOperation r && SymbolEqualityComparer.Default.Equals(r.Local, local))
                {
                    references.Add(r);
                }
            }

            return declarator;
        }

        /// <summary>Cheap pre-check for <see cref="FromAccumulation"/>: <c>local += …</c> of a floating-point scalar.</summary>
        public static bool MayBeAccumulation(ICompoundAssignmentOperation assignment)
            => assignment.OperatorKind == BinaryOperatorKind.Add
               && assignment.Target is ILocalReferenceOperation local
               && Collections.IsNumber(local.Type);

        /// <summary>
        /// When <paramref name="accumulation"/> adds every element of a 2-D array, a jagged array or a matrix into one scalar (nested loops
        /// over both indices, the scalar declared and reset outside them) and the elements are then divided by that
        /// scalar, the normaliser; otherwise null.
        /// </summary>
        public Normaliser? FromAccumulation(ICompoundAssignmentOperation accumulation, IOperation body)
        {
            if (!MayBeAccumulation(accumulation))
            {
                return null;
            }

            var sumLocal = ((ILocalReferenceOperation)accumulation.Target).Local;
            var element = FindElement(accumulation.Value, out var first, out var second, out var layout, out var collection);
            if (element is null)
            {
                return FromElementWalk(accumulation, sumLocal, body);
            }

            if (first is null || second is null || SymbolEqualityComparer.Default.Equals(first, second))
            {
                return null;
            }

            var firstLoop = LoopOf(accumulation, first);
            var secondLoop = LoopOf(accumulation, second);
            if (firstLoop is null || secondLoop is null)
            {
                return null;
            }

            var outer = firstLoop.Syntax.Span.Contains(secondLoop.Syntax.Span) ? firstLoop : secondLoop;
            var declarationSyntax = sumLocal.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
            if (declarationSyntax is null || outer.Syntax.Span.Contains(declarationSyntax.Span))
            {
                return null;
            }

            var signature = Signature(accumulation.Value.Syntax);
            var divisions = ImmutableArray.CreateBuilder<IOperation>();
            var accumulations = ImmutableArray.CreateBuilder<IOperation>();
            var isPrivate = true;
            var declarator = UsesOf(body, sumLocal, out var references);
            foreach (var r in references)
            {
                var parent = Parent(r);
                if (parent is ICompoundAssignmentOperation add && add.Target == r && add.OperatorKind == BinaryOperatorKind.Add)
                {
                    if (Signature(add.Value.Syntax) != signature || FindElement(add.Value, out _, out _, out _, out _) is null)
                    {
                        isPrivate = false;
                    }

                    accumulations.Add(add);
                    continue;
                }

                if (parent is ISimpleAssignmentOperation reset && reset.Target == r)
                {
                    // Reset per row or column: a per-sample sum, not a whole one.
                    if (outer.Syntax.Span.Contains(reset.Syntax.Span))
                    {
                        return null;
                    }

                    isPrivate = false;
                    continue;
                }

                if (parent is IBinaryOperation binary && binary.OperatorKind == BinaryOperatorKind.Divide && binary.RightOperand == r
                    && Signature(binary.LeftOperand.Syntax) == signature && FindElement(binary.LeftOperand, out _, out _, out _, out _) is not null)
                {
                    divisions.Add(binary);
                    continue;
                }

                if (parent is ICompoundAssignmentOperation div && div.OperatorKind == BinaryOperatorKind.Divide && div.Value == r
                    && Signature(div.Target.Syntax) == signature && FindElement(div.Target, out _, out _, out _, out _) is not null)
                {
                    divisions.Add(div);
                    continue;
                }

                if (parent is IConversionOperation conversion && Parent(conversion) is IBinaryOperation convBinary
                    && convBinary.OperatorKind == BinaryOperatorKind.Divide && convBinary.RightOperand == conversion
                    && Signature(convBinary.LeftOperand.Syntax) == signature && FindElement(convBinary.LeftOperand, out _, out _, out _, out _) is not null)
                {
                    divisions.Add(convBinary);
                    continue;
                }

                if (IsWrite(r))
                {
                    return null;
                }

                isPrivate = false;
            }

            if (divisions.Count == 0 || accumulations.Count == 0 || declarator is null)
            {
                return null;
            }

            var arraySyntax = collection?.Syntax as ExpressionSyntax;
            var arraySymbol = BatchAxis.StorageSymbol(collection);
            var declaredBefore = arraySymbol is IParameterSymbol || arraySymbol is IFieldSymbol
                || (arraySymbol is ILocalSymbol arrayLocal
                    && arrayLocal.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is SyntaxNode arrayDecl
                    && arrayDecl.Span.End <= declarationSyntax.SpanStart);
            var initializer = declarator.Initializer?.Value ?? declarator.GetVariableInitializer()?.Value;
            var initial = initializer?.ConstantValue ?? default;
            var initIsZero = initial.HasValue
                && (initial.Value is double d ? d == 0.0
                    : initial.Value is float f ? f == 0f
                    : initial.Value is int i && i == 0);

            return new Normaliser
            {
                Values = element,
                Reduction = ReductionKind.Whole,
                Sum = declarator,
                Divisions = divisions.ToImmutable(),
                Accumulations = accumulations.ToImmutable(),
                SumDeclarator = declarator,
                SumLocalIsPrivate = isPrivate && initIsZero && declarator.Parent is IVariableDeclarationOperation { Declarators.Length: 1 },
                NonNegative = ContainsExp(accumulation.Value) || IsFilledWithExp(arraySymbol, body)
                    || (layout == ElementLayout.Matrix && IsNonNegativeMatrix(collection, body, 0)),
                FirstIndexLoop = firstLoop,
                SecondIndexLoop = secondLoop,
                Layout = layout,
                ArrayText = arraySyntax?.ToString(),
                ArrayDeclaredBeforeSum = declaredBefore && arraySyntax is IdentifierNameSyntax,
            };
        }

        /// <summary>
        /// The canonical text of an expression with every element-access index list removed: <c>Math.Exp(x[i, j])</c>
        /// and <c>Math.Exp(x[r, c])</c> read the same values of the same array.
        /// </summary>
        public static string Signature(SyntaxNode expression)
        {
            var text = new StringBuilder();
            foreach (var token in expression.DescendantTokens())
            {
                if (token.Parent?.AncestorsAndSelf().Any(a => a is BracketedArgumentListSyntax && expression.Span.Contains(a.Span)) == true)
                {
                    continue;
                }

                text.Append(token.Text);
            }

            return text.ToString();
        }

        /// <summary>
        /// The first element of a 2-D array (<c>e[i, j]</c>), a jagged array (<c>e[i][j]</c>) or a MathNet matrix
        /// (<c>m[i, j]</c>) read inside <paramref name="value"/>, with the loop variables of its two indices and the
        /// collection it reads.
        /// </summary>
        public IOperation? FindElement(IOperation value, out ILocalSymbol? first, out ILocalSymbol? second, out ElementLayout layout, out IOperation? collection)
        {
            first = null;
            second = null;
            layout = ElementLayout.Array2D;
            collection = null;
            foreach (var op in BodyOperations.Shared(value))
            {
                if (op is IPropertyReferenceOperation indexer && indexer.Property.IsIndexer && indexer.Arguments.Length == 2
                    && indexer.Instance is not null && _symbols.IsMatrix(indexer.Instance.Type))
                {
                    layout = ElementLayout.Matrix;
                    collection = indexer.Instance;
                    first = (BatchAxis.Unwrap(indexer.Arguments[0].Value) as ILocalReferenceOperation)?.Local;
                    second = (BatchAxis.Unwrap(indexer.Arguments[1].Value) as ILocalReferenceOperation)?.Local;
                    return first is null || second is null ? null : op;
                }

                if (!(op is IArrayElementReferenceOperation element))
                {
                    continue;
                }

                if (element.Indices.Length == 2)
                {
                    collection = element.ArrayReference;
                    first = (BatchAxis.Unwrap(element.Indices[0]) as ILocalReferenceOperation)?.Local;
                    second = (BatchAxis.Unwrap(element.Indices[1]) as ILocalReferenceOperation)?.Local;
                    return first is null || second is null ? null : element;
                }

                if (element.Indices.Length == 1 && element.ArrayReference is IArrayElementReferenceOperation row && row.Indices.Length == 1)
                {
                    layout = ElementLayout.Jagged;
                    collection = row.ArrayReference;
                    first = (BatchAxis.Unwrap(row.Indices[0]) as ILocalReferenceOperation)?.Local;
                    second = (BatchAxis.Unwrap(element.Indices[0]) as ILocalReferenceOperation)?.Local;
                    return first is null || second is null ? null : element;
                }
            }

            return null;
        }

        /// <summary>The for-loop around <paramref name="operation"/> that declares <paramref name="variable"/>.</summary>
        public static ILoopOperation? LoopOf(IOperation operation, ILocalSymbol variable)
        {
            for (var p = operation.Parent; p is not null; p = p.Parent)
            {
                if (p is IForLoopOperation loop && loop.Locals.Contains(variable, SymbolEqualityComparer.Default))
                {
                    return loop;
                }
            }

            return null;
        }

        /// <summary>The bound of a for-loop <c>for (i = 0; i &lt; bound; i++)</c>, or null.</summary>
        public static IOperation? BoundOf(ILoopOperation? loop)
        {
            if (loop is IForLoopOperation forLoop && forLoop.Condition is IBinaryOperation condition
                && (condition.OperatorKind == BinaryOperatorKind.LessThan || condition.OperatorKind == BinaryOperatorKind.LessThanOrEqual)
                && BatchAxis.Unwrap(condition.LeftOperand) is ILocalReferenceOperation)
            {
                return condition.RightOperand;
            }

            return null;
        }

        private IOperation? DivisionOf(IOperation divisor, IOperation matrix)
        {
            var parent = Parent(divisor);
            if (parent is IConversionOperation conversion)
            {
                divisor = conversion;
                parent = Parent(conversion);
            }

            if (parent is IBinaryOperation binary && binary.OperatorKind == BinaryOperatorKind.Divide && binary.RightOperand == divisor
                && _symbols.IsMatrix(binary.LeftOperand.Type) && SameValue(binary.LeftOperand, matrix))
            {
                return binary;
            }

            // e.Map(v => v / s): the lambda divides each element by the sum.
            if (parent is IBinaryOperation elementDivision && elementDivision.OperatorKind == BinaryOperatorKind.Divide
                && elementDivision.RightOperand == divisor
                && BatchAxis.Unwrap(elementDivision.LeftOperand) is IParameterReferenceOperation element
                && Parent(elementDivision) is IReturnOperation returned && returned.Parent is IBlockOperation { Operations.Length: 1 } block
                && block.Parent is IAnonymousFunctionOperation lambda && lambda.Symbol.Parameters.Length == 1
                && SymbolEqualityComparer.Default.Equals(lambda.Symbol.Parameters[0], element.Parameter)
                && lambda.Parent is IDelegateCreationOperation delegateCreation && delegateCreation.Parent is IArgumentOperation lambdaArgument
                && lambdaArgument.Parent is IInvocationOperation map && map.TargetMethod.Name == "Map"
                && map.Instance is not null && _symbols.IsMatrix(map.Instance.Type) && SameValue(map.Instance, matrix))
            {
                return map;
            }

            if (parent is IArgumentOperation argument && argument.Parent is IInvocationOperation invocation
                && invocation.TargetMethod.Name == "Divide" && invocation.Arguments.Length == 1
                && invocation.Instance is not null && _symbols.IsMatrix(invocation.Instance.Type) && SameValue(invocation.Instance, matrix))
            {
                return invocation;
            }

            return null;
        }

        /// <summary>True when two operations read the same matrix (the same variable, or the same element expression).</summary>
        private static bool SameValue(IOperation a, IOperation b)
        {
            a = BatchAxis.Unwrap(a)!;
            b = BatchAxis.Unwrap(b)!;
            var sa = Simple(a);
            var sb = Simple(b);
            if (sa is not null || sb is not null)
            {
                return sa is not null && SymbolEqualityComparer.Default.Equals(sa, sb);
            }

            return !a.Descendants().Any(o => o is IInvocationOperation) && a.Syntax.IsEquivalentTo(b.Syntax, topLevel: false);
        }

        private static ISymbol? Simple(IOperation o) => o switch
        {
            ILocalReferenceOperation l => l.Local,
            IParameterReferenceOperation p => p.Parameter,
            IFieldReferenceOperation f => f.Field,
            IPropertyReferenceOperation p when !p.Property.IsIndexer => p.Property,
            _ => null,
        };

        private bool IsNonNegativeMatrix(IOperation? value, IOperation body, int depth)
        {
            value = BatchAxis.Unwrap(value);
            if (value is null || depth > 6)
            {
                return false;
            }

            switch (value)
            {
                case IInvocationOperation invocation when invocation.Instance is not null && _symbols.IsMatrix(invocation.Instance.Type):
                    switch (invocation.TargetMethod.Name)
                    {
                        case "PointwiseExp":
                        case "PointwiseAbs":
                            return true;
                        case "Map":
                        case "MapIndexed":
                            return invocation.Arguments.Length >= 1 && ContainsExp(invocation.Arguments[0].Value);
                        default:
                            return false;
                    }

                case ILocalReferenceOperation local:
                    {
                        var found = false;
                        foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(s_localWrites))
                        {
                            IOperation? written = op switch
                            {
                                IVariableDeclaratorOperation d when SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local) => d.Initializer?.Value,
                                ISimpleAssignmentOperation a when a.Target is ILocalReferenceOperation t && SymbolEqualityComparer.Default.Equals(t.Local, local.Local) => a.Value,
                                _ => null,
                            };
                            if (written is null)
                            {
                                continue;
                            }

                            if (!IsNonNegativeMatrix(written, body, depth + 1))
                            {
                                return false;
                            }

                            found = true;
                        }

                        return found;
                    }

                default:
                    return false;
            }
        }

        /// <summary>True when <paramref name="value"/> calls (or passes as a delegate) Math.Exp, MathF.Exp or another static Exp.</summary>
        public static bool ContainsExp(IOperation value)
        {
            foreach (var op in BodyOperations.Shared(value).OfKind(s_callsAndMethodReferences))
            {
                var method = op is IInvocationOperation invocation ? invocation.TargetMethod
                    : op is IMethodReferenceOperation reference ? reference.Method
                    : null;
                if (method is not null && method.Name == "Exp" && method.IsStatic && method.Parameters.Length == 1)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsFilledWithExp(ISymbol? array, IOperation body)
        {
            if (array is null)
            {
                return false;
            }

            foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(OperationKind.SimpleAssignment))
            {
                if (op is ISimpleAssignmentOperation assignment
                    && (assignment.Target is IArrayElementReferenceOperation || assignment.Target is IPropertyReferenceOperation { Property.IsIndexer: true })
                    && SymbolEqualityComparer.Default.Equals(BatchAxis.StorageSymbol(assignment.Target), array) && ContainsExp(assignment.Value))
                {
                    return true;
                }
            }

            return false;
        }

        private static IOperation? Parent(IOperation operation)
        {
            var p = operation.Parent;
            while (p is IParenthesizedOperation)
            {
                p = p.Parent;
            }

            return p;
        }

        private static bool IsWrite(IOperation reference)
        {
            var parent = Parent(reference);
            return (parent is IAssignmentOperation assignment && assignment.Target == reference)
                || parent is IIncrementOrDecrementOperation
                || (parent is IArgumentOperation argument && argument.Parameter?.RefKind != RefKind.None && argument.Parameter?.RefKind != RefKind.In);
        }
    }
}
