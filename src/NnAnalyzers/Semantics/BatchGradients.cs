using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>A gradient summed over the samples of a batch and applied to a parameter without dividing by the batch size.</summary>
    internal sealed class UnscaledBatchGradient
    {
        /// <summary>The accumulator (<c>gradW</c>).</summary>
        public ISymbol Accumulator { get; set; } = null!;

        /// <summary>
        /// The loop over the samples — a loop, or a <c>Parallel.For</c> over them — (null when a matrix product or row
        /// sum does the summing).
        /// </summary>
        public IOperation? SampleLoop { get; set; }

        /// <summary>The batch size as it can be written after the loop (<c>batchSize</c>, <c>batch.Length</c>).</summary>
        public string BatchSizeText { get; set; } = string.Empty;

        /// <summary>The write that applies the gradient to the parameter.</summary>
        public IOperation Application { get; set; } = null!;

        /// <summary>The read of the accumulator inside the application.</summary>
        public IOperation GradientRead { get; set; } = null!;
    }

    /// <summary>
    /// Answers "is this gradient summed over a batch and applied without dividing by the batch size, while the code
    /// elsewhere averages?". A heuristic: an accumulator declared outside a loop over the samples of a batch (the loop
    /// bound is a batch size, or the loop walks a collection named batch/samples) receives <c>+=</c> inside it, and after
    /// the loop a network parameter is written with the accumulator times a factor; neither the accumulator, the
    /// factor nor the write is divided, and the code around averages something else by the batch size (a mean loss).
    /// </summary>
    internal sealed class BatchGradients
    {
        // The operations the walks of a body have cases for (read off the body's list by kind: the others are never type-tested).
        private static readonly KindSet s_writes = KindSet.Of(OperationKind.VariableDeclarator, OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.CoalesceAssignment, OperationKind.DeconstructionAssignment);

        private static readonly WordSet s_gradientWords = IdentifierWords.Set(
            "grad", "grads", "gradient", "gradients", "delta", "deltas", "nabla");

        private readonly NetworkParameters _parameters;
        private readonly KnownSymbols _symbols;
        private readonly BatchAxis _axis;

        /// <summary>Creates the oracle of one compilation.</summary>
        public BatchGradients(NetworkParameters parameters, KnownSymbols symbols, BatchAxis axis)
        {
            _parameters = parameters;
            _symbols = symbols;
            _axis = axis;
        }

        /// <summary>Cheap pre-check for <see cref="FromBatchReduction"/>: a matrix product or RowSums/ColumnSums.</summary>
        public static bool MayBeBatchReduction(IOperation operation) => operation switch
        {
            IBinaryOperation binary => binary.OperatorKind == BinaryOperatorKind.Multiply,
            IInvocationOperation invocation => invocation.TargetMethod.Name is "RowSums" or "ColumnSums" or "TransposeAndMultiply" or "TransposeThisAndMultiply",
            _ => false,
        };

        /// <summary>
        /// MathNet: a gradient computed by a reduction over the sample axis (<c>delta * x.Transpose()</c> or
        /// <c>delta.RowSums()</c> with one sample per column; <c>x.Transpose() * delta</c> or <c>delta.ColumnSums()</c> with
        /// one per row), stored in a local and applied to a parameter with a learning rate, never divided.
        /// </summary>
        public UnscaledBatchGradient? FromBatchReduction(IOperation reduction, IOperation body)
        {
            if (!MayBeBatchReduction(reduction) || !ReducedOperand(reduction, out var reduced, out var kind) || reduced is null)
            {
                return null;
            }

            var axis = _axis.OfMatrix(reduced, body);
            if ((axis != SampleAxis.Columns && axis != SampleAxis.Rows) || !BatchAxis.Crosses(kind, axis)
                || !(SampleHolder(reduction, reduced) is IdentifierNameSyntax samples))
            {
                return null;
            }

            // The reduction is the whole value stored in a local (a division around it means it is already averaged).
            var value = reduction;
            var parent = value.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation
                   || (parent is IInvocationOperation wrap && wrap.Instance == value && wrap.TargetMethod.Name is "ToColumnMatrix" or "ToRowMatrix"))
            {
                value = parent;
                parent = parent.Parent;
            }

            ISymbol? gradient = parent switch
            {
                IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator => declarator.Symbol,
                ISimpleAssignmentOperation assignment when assignment.Value == value && assignment.Target is ILocalReferenceOperation local => local.Local,
                _ => null,
            };
            if (!(gradient is ILocalSymbol) || (_parameters.Classify(gradient) != ParameterKind.None && !IsGradientName(gradient.Name)))
            {
                return null;
            }

            if (!TryFindApplication(body, gradient, reduction.Syntax.Span.End, out var application, out var read))
            {
                return null;
            }

            var countMember = axis == SampleAxis.Columns ? "ColumnCount" : "RowCount";
            var batchSizeText = samples.Identifier.ValueText + "." + countMember;
            // A delta divided by the sample count where it was made (dZ2 = (A2 - Y) / m), or back-propagated from one,
            // makes every product or row sum of it an average.
            if (IsAveragedMatrix(reduction, body, countMember, new HashSet<ISymbol>(SymbolEqualityComparer.Default), 0)
                || !AveragesElsewhere(body, gradient, batchSizeText, countMember))
            {
                return null;
            }

            return new UnscaledBatchGradient
            {
                Accumulator = gradient,
                SampleLoop = null,
                BatchSizeText = batchSizeText,
                Application = application,
                GradientRead = read,
            };
        }

        /// <summary>
        /// True when a matrix value is divided by the number of samples on a multiplicative path: <c>diff / m</c>, a
        /// product or elementwise product with such a factor (<c>dZ2 * A1.Transpose()</c>,
        /// <c>(W2.Transpose() * dZ2).PointwiseMultiply(d)</c>), a row sum or transpose of one, or a local written so.
        /// A sum or difference (<c>Z2 - Y</c>) averages nothing.
        /// </summary>
        private bool IsAveragedMatrix(IOperation? value, IOperation body, string countMember, HashSet<ISymbol> visited, int depth)
        {
            value = BatchAxis.Unwrap(value);
            if (value is null || depth > 8)
            {
                return false;
            }

            switch (value)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division:
                    return IsSampleCount(division.RightOperand, body, countMember, 0)
                        || IsAveragedMatrix(division.LeftOperand, body, countMember, visited, depth + 1);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product:
                    return IsAveragedMatrix(product.LeftOperand, body, countMember, visited, depth + 1)
                        || IsAveragedMatrix(product.RightOperand, body, countMember, visited, depth + 1);
                case IInvocationOperation invocation when invocation.Instance is not null && _symbols.IsMathNetTensor(invocation.Instance.Type):
                    switch (invocation.TargetMethod.Name)
                    {
                        case "Divide" when invocation.Arguments.Length == 1 && IsSampleCount(invocation.Arguments[0].Value, body, countMember, 0):
                            return true;
                        case "Divide":
                        case "Transpose":
                        case "RowSums":
                        case "ColumnSums":
                            return IsAveragedMatrix(invocation.Instance, body, countMember, visited, depth + 1);
                        case "Multiply":
                        case "PointwiseMultiply":
                        case "TransposeThisAndMultiply":
                        case "TransposeAndMultiply":
                            return IsAveragedMatrix(invocation.Instance, body, countMember, visited, depth + 1)
                                || (invocation.Arguments.Length == 1 && IsAveragedMatrix(invocation.Arguments[0].Value, body, countMember, visited, depth + 1));
                        default:
                            return false;
                    }

                case ILocalReferenceOperation local when visited.Add(local.Local):
                    foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(s_writes))
                    {
                        var written = op switch
                        {
                            IVariableDeclaratorOperation d when SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local) => d.Initializer?.Value,
                            ISimpleAssignmentOperation a when a.Target is ILocalReferenceOperation t && SymbolEqualityComparer.Default.Equals(t.Local, local.Local) => a.Value,
                            _ => null,
                        };
                        if (written is not null && IsAveragedMatrix(written, body, countMember, visited, depth + 1))
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary>
        /// True when <paramref name="divisor"/> is the number of samples of a matrix batch: its column (or row) count,
        /// a batch-size name, a product with one (<c>2.0 * m</c>), or a local initialised to one (<c>int m = X.ColumnCount;</c>).
        /// </summary>
        private bool IsSampleCount(IOperation? divisor, IOperation body, string countMember, int depth)
        {
            divisor = BatchAxis.Unwrap(divisor);
            switch (divisor)
            {
                case null:
                    return false;
                case IPropertyReferenceOperation count when count.Property.Name == countMember && count.Instance is not null && _symbols.IsMatrix(count.Instance.Type):
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product:
                    return IsSampleCount(product.LeftOperand, body, countMember, depth) || IsSampleCount(product.RightOperand, body, countMember, depth);
                case ILocalReferenceOperation local when !BatchAxis.IsBatchSize(local):
                    if (depth > 2)
                    {
                        return false;
                    }

                    foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(OperationKind.VariableDeclarator))
                    {
                        if (op is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local))
                        {
                            return IsSampleCount(declarator.Initializer?.Value, body, countMember, depth + 1);
                        }
                    }

                    return false;
                default:
                    return BatchAxis.IsBatchSize(divisor);
            }
        }

        /// <summary>
        /// A variable whose samples are those the reduction sums over, to count them by: the reduced delta itself
        /// (<c>delta</c>), else the input it is multiplied with (<c>X</c> in <c>X.TransposeThisAndMultiply(P - Y)</c> or
        /// <c>X.Transpose() * (P - Y)</c>), else a matrix the inline delta is made of elementwise (<c>A</c> in
        /// <c>(A - Y).RowSums()</c>).
        /// </summary>
        private SyntaxNode? SampleHolder(IOperation reduction, IOperation reduced)
        {
            var delta = BatchAxis.Unwrap(reduced);
            if (delta?.Syntax is IdentifierNameSyntax)
            {
                return delta.Syntax;
            }

            IOperation? other = reduction switch
            {
                IBinaryOperation product => product.LeftOperand == reduced ? product.RightOperand : product.LeftOperand,
                IInvocationOperation { TargetMethod.Name: "TransposeThisAndMultiply" or "TransposeAndMultiply" } invocation
                    => invocation.Instance == reduced ? invocation.Arguments[0].Value : invocation.Instance,
                _ => null,
            };
            other = BatchAxis.Unwrap(other);
            if (other is IInvocationOperation { TargetMethod.Name: "Transpose", Arguments.Length: 0 } transpose)
            {
                other = BatchAxis.Unwrap(transpose.Instance);
            }

            if (other?.Syntax is IdentifierNameSyntax && _symbols.IsMatrix(other.Type))
            {
                return other.Syntax;
            }

            // Elementwise: the first matrix variable of the delta has its shape (A in A - Y).
            while (delta is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } elementwise)
            {
                var left = BatchAxis.Unwrap(elementwise.LeftOperand);
                var right = BatchAxis.Unwrap(elementwise.RightOperand);
                delta = left is not null && _symbols.IsMatrix(left.Type) ? left : right;
            }

            return delta?.Syntax is IdentifierNameSyntax && _symbols.IsMatrix(delta.Type) ? delta.Syntax : null;
        }

        /// <summary>The operand a product or row/column sum reduces, and along which axis.</summary>
        private bool ReducedOperand(IOperation reduction, out IOperation? reduced, out ReductionKind kind)
        {
            reduced = null;
            kind = ReductionKind.Whole;
            switch (reduction)
            {
                case IBinaryOperation product when _symbols.IsMatrix(product.LeftOperand.Type) && _symbols.IsMatrix(product.RightOperand.Type):
                    if (IsTranspose(product.RightOperand))
                    {
                        reduced = product.LeftOperand;           // A * Bᵀ sums over the columns of A
                        kind = ReductionKind.AcrossColumns;
                        return true;
                    }

                    if (IsTranspose(product.LeftOperand))
                    {
                        reduced = product.RightOperand;          // Aᵀ * B sums over the rows of B
                        kind = ReductionKind.AcrossRows;
                        return true;
                    }

                    return false;

                case IInvocationOperation invocation when invocation.Instance is not null && _symbols.IsMatrix(invocation.Instance.Type):
                    switch (invocation.TargetMethod.Name)
                    {
                        case "RowSums":
                        case "TransposeAndMultiply":
                            reduced = invocation.Instance;
                            kind = ReductionKind.AcrossColumns;
                            return true;
                        case "ColumnSums":
                            reduced = invocation.Instance;
                            kind = ReductionKind.AcrossRows;
                            return true;
                        case "TransposeThisAndMultiply" when invocation.Arguments.Length == 1:
                            reduced = invocation.Arguments[0].Value;
                            kind = ReductionKind.AcrossRows;
                            return true;
                    }

                    return false;

                default:
                    return false;
            }
        }

        private static bool IsTranspose(IOperation operand)
            => BatchAxis.Unwrap(operand) is IInvocationOperation invocation && invocation.TargetMethod.Name == "Transpose" && invocation.Arguments.Length == 0;

        /// <summary>Cheap pre-check: <c>x += …</c> into a variable, field or element.</summary>
        public static bool MayBeAccumulation(ICompoundAssignmentOperation assignment)
            => assignment.OperatorKind == BinaryOperatorKind.Add && BatchAxis.StorageSymbol(assignment.Target) is not null;

        /// <summary>The unscaled batch gradient that <paramref name="accumulation"/> feeds, or null.</summary>
        public UnscaledBatchGradient? FromAccumulation(ICompoundAssignmentOperation accumulation, IOperation body)
        {
            if (!MayBeAccumulation(accumulation))
            {
                return null;
            }

            var accumulator = BatchAxis.StorageSymbol(accumulation.Target);
            // weightGradients / biasGrad name a parameter's gradient, not the parameter.
            if (accumulator is null || accumulator is IPropertySymbol
                || (_parameters.Classify(accumulator) != ParameterKind.None && !IdentifierWords.ContainsAny(accumulator.Name, s_gradientWords)))
            {
                return null;
            }

            var loop = SampleLoopAround(accumulation, out var batchSizeText);
            if (loop is null || batchSizeText is null)
            {
                return null;
            }

            if (accumulator is ILocalSymbol local
                && local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is SyntaxNode declaration
                && loop.Syntax.Span.Contains(declaration.Span))
            {
                return null;
            }

            // A term divided by something else than the batch size (a mean over one sample's positions, / y.Length) is
            // still summed over the batch.
            if (TermIsAveraged(accumulation.Value, body, batchSizeText))
            {
                return null;
            }

            if (!TryFindApplication(body, accumulator, loop.Syntax.Span.End, out var application, out var read))
            {
                return null;
            }

            if (!AveragesElsewhere(body, accumulator, batchSizeText, sampleLoop: loop))
            {
                return null;
            }

            return new UnscaledBatchGradient
            {
                Accumulator = accumulator,
                SampleLoop = loop,
                BatchSizeText = batchSizeText,
                Application = application,
                GradientRead = read,
            };
        }

        /// <summary>True when a name says "gradient of" (biasGrad, weightGradients, deltaW…): storage for a gradient, not a parameter.</summary>
        public static bool IsGradientName(string name) => IdentifierWords.ContainsAny(name, s_gradientWords);

        private bool IsParameter(ISymbol? storage)
            => storage is not null && _parameters.Classify(storage) != ParameterKind.None && !IsGradientName(storage.Name);

        /// <summary>
        /// The innermost loop around <paramref name="operation"/> that walks the samples of a batch, with the batch
        /// size as text that is valid after the loop.
        /// </summary>
        public static IOperation? SampleLoopAround(IOperation operation, out string? batchSizeText)
        {
            batchSizeText = null;
            for (var p = operation.Parent; p is not null; p = p.Parent)
            {
                if (p is IAnonymousFunctionOperation body && ParallelForOverBatch(body, out batchSizeText) is { } parallel)
                {
                    return parallel;
                }

                if (p is IAnonymousFunctionOperation || p is ILocalFunctionOperation)
                {
                    return null;
                }

                if (p is IForLoopOperation forLoop)
                {
                    var bound = Normalization.BoundOf(forLoop);

                    // for (s = b0; s < end; s++) with end = Math.Min(b0 + batchSize, n): the samples of one mini-batch,
                    // (end - b0) of them (the last batch may be short).
                    if (MiniBatchExtent(forLoop, bound) is { } extent)
                    {
                        batchSizeText = extent;
                        return forLoop;
                    }

                    if (bound is not null && BatchAxis.IsBatchSize(bound)
                        && !bound.Descendants().Concat(new[] { bound }).Any(o => o is ILocalReferenceOperation l && forLoop.Syntax.Span.Contains(l.Local.DeclaringSyntaxReferences.FirstOrDefault()?.Span ?? default)))
                    {
                        batchSizeText = bound.Syntax.ToString();
                        return forLoop;
                    }
                }

                if (p is IForEachLoopOperation forEach)
                {
                    var collection = BatchAxis.Unwrap(forEach.Collection);
                    var name = BatchAxis.StorageSymbol(collection)?.Name;
                    if (collection is not null && name is not null && BatchAxis.IsBatchName(name) && collection.Syntax is IdentifierNameSyntax)
                    {
                        if (collection.Type is IArrayTypeSymbol)
                        {
                            batchSizeText = collection.Syntax + ".Length";
                            return forEach;
                        }

                        if (collection.Type?.GetMembers("Count").OfType<IPropertySymbol>().Any() == true
                            || collection.Type?.AllInterfaces.Any(i => i.Name == "ICollection" || i.Name == "IReadOnlyCollection`1" || i.MetadataName == "ICollection`1" || i.MetadataName == "IReadOnlyCollection`1") == true)
                        {
                            batchSizeText = collection.Syntax + ".Count";
                            return forEach;
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The number of samples a loop <c>for (s = start; s &lt; end; s++)</c> walks when <c>end</c> is a local set once to
        /// <c>Math.Min(start + batchSize, n)</c> (either order): <c>(end - start)</c>, valid after the loop; otherwise null.
        /// </summary>
        private static string? MiniBatchExtent(IForLoopOperation loop, IOperation? bound)
        {
            if (!(BatchAxis.Unwrap(bound) is ILocalReferenceOperation end) || loop.Locals.Length != 1)
            {
                return null;
            }

            // The start first (most loops start at a constant): the end's initializer is found by a walk of the body.
            IOperation? start = null;
            foreach (var op in loop.Before)
            {
                if (op is IVariableDeclarationGroupOperation group)
                {
                    foreach (var declaration in group.Declarations)
                    {
                        foreach (var declarator in declaration.Declarators)
                        {
                            if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, loop.Locals[0]))
                            {
                                start = declarator.Initializer?.Value;
                            }
                        }
                    }
                }
            }

            start = BatchAxis.Unwrap(start);
            if (start is null || start.ConstantValue.HasValue
                || !(Shifts.SingleInitializer(end) is { } endValue)
                || !(BatchAxis.Unwrap(endValue) is IInvocationOperation { TargetMethod.Name: "Min", Arguments.Length: 2 } min)
                || min.TargetMethod.ContainingType?.Name is not ("Math" or "MathF"))
            {
                return null;
            }

            foreach (var argument in min.Arguments)
            {
                if (BatchAxis.Unwrap(argument.Value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum
                    && ((SameValue(sum.LeftOperand, start) && BatchAxis.IsBatchSize(sum.RightOperand))
                        || (SameValue(sum.RightOperand, start) && BatchAxis.IsBatchSize(sum.LeftOperand))))
                {
                    return "(" + end.Syntax + " - " + start.Syntax + ")";
                }
            }

            return null;
        }

        /// <summary>
        /// <c>Parallel.For(0, batchSize, n =&gt; …)</c>: the lambda is the body of a loop over the samples of a batch, run in
        /// parallel; null for any other lambda.
        /// </summary>
        private static IInvocationOperation? ParallelForOverBatch(IAnonymousFunctionOperation body, out string? batchSizeText)
        {
            batchSizeText = null;
            var parent = body.Parent;
            while (parent is IDelegateCreationOperation || parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            if (!(parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "For" } call })
                || call.TargetMethod.ContainingType is not { Name: "Parallel" } parallel
                || !Namespaces.Is(parallel.ContainingNamespace, "System.Threading.Tasks")
                || call.Arguments.Length < 3 || BatchAxis.Unwrap(call.Arguments[0].Value)?.ConstantValue is not { HasValue: true, Value: 0 or 0L })
            {
                return null;
            }

            var bound = BatchAxis.Unwrap(call.Arguments[1].Value);
            if (bound is null || !BatchAxis.IsBatchSize(bound))
            {
                return null;
            }

            batchSizeText = bound.Syntax.ToString();
            return call;
        }

        private static bool SameValue(IOperation a, IOperation b)
            => BatchAxis.Unwrap(a)?.Syntax.IsEquivalentTo(b.Syntax, topLevel: false) == true;

        private static IOperation? ScaledRead(IOperation value, ISymbol accumulator, IOperation body)
        {
            foreach (var op in value.DescendantsAndSelf())
            {
                if (op is IBinaryOperation multiply && multiply.OperatorKind == BinaryOperatorKind.Multiply)
                {
                    var read = ReadOf(multiply.RightOperand, accumulator) ?? ReadOf(multiply.LeftOperand, accumulator);
                    if (read is null)
                    {
                        continue;
                    }

                    var factor = read == ReadOf(multiply.RightOperand, accumulator) ? multiply.LeftOperand : multiply.RightOperand;
                    if (FactorIsDivided(factor, body))
                    {
                        return null;
                    }

                    return read;
                }
            }

            return null;
        }

        private static IOperation? ReadOf(IOperation operand, ISymbol accumulator)
        {
            var unwrapped = BatchAxis.Unwrap(operand);
            return unwrapped is not null && (unwrapped is ILocalReferenceOperation || unwrapped is IFieldReferenceOperation
                    || unwrapped is IParameterReferenceOperation || unwrapped is IArrayElementReferenceOperation
                    || (unwrapped is IPropertyReferenceOperation p && p.Property.IsIndexer))
                && SymbolEqualityComparer.Default.Equals(BatchAxis.StorageSymbol(unwrapped), accumulator)
                ? unwrapped
                : null;
        }

        private static bool FactorIsDivided(IOperation factor, IOperation body)
        {
            if (ContainsDivision(factor))
            {
                return true;
            }

            var symbol = BatchAxis.StorageSymbol(factor);
            if (!(symbol is ILocalSymbol local))
            {
                return false;
            }

            foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(s_writes))
            {
                var written = op switch
                {
                    IVariableDeclaratorOperation d when SymbolEqualityComparer.Default.Equals(d.Symbol, local) => d.Initializer?.Value,
                    IAssignmentOperation a when a.Target is ILocalReferenceOperation t && SymbolEqualityComparer.Default.Equals(t.Local, local) => a,
                    _ => null,
                };
                if (written is not null && (ContainsDivision(written) || (written is ICompoundAssignmentOperation ca && ca.OperatorKind == BinaryOperatorKind.Divide)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The first write after <paramref name="after"/> that applies the accumulated <paramref name="gradient"/> to a
        /// parameter (<c>w = …</c>, <c>w -= …</c>, <c>w += …</c>) without dividing it by the batch size; false when
        /// there is none, or when the accumulator is scaled anywhere in the body.
        /// </summary>
        private bool TryFindApplication(IOperation body, ISymbol gradient, int after, out IOperation application, out IOperation read)
        {
            application = null!;
            read = null!;
            IOperation? foundApplication = null;
            IOperation? foundRead = null;
            foreach (var op in BodyOperations.Shared(body).WithoutFirst())
            {
                if (ScalesAccumulator(op, gradient))
                {
                    return false;
                }

                if (foundApplication is null && op is IAssignmentOperation write && op.Syntax.SpanStart >= after
                    && IsParameter(BatchAxis.StorageSymbol(write.Target))
                    && (write is ISimpleAssignmentOperation || (write is ICompoundAssignmentOperation c
                        && (c.OperatorKind == BinaryOperatorKind.Subtract || c.OperatorKind == BinaryOperatorKind.Add))))
                {
                    foundRead = ScaledRead(write.Value, gradient, body);
                    if (foundRead is not null)
                    {
                        foundApplication = write;
                    }
                }
            }

            if (foundApplication is null || foundRead is null || ContainsDivision(foundApplication))
            {
                return false;
            }

            application = foundApplication;
            read = foundRead;
            return true;
        }

        private static bool ScalesAccumulator(IOperation op, ISymbol accumulator)
        {
            switch (op)
            {
                case ICompoundAssignmentOperation compound when compound.OperatorKind != BinaryOperatorKind.Add
                        && SymbolEqualityComparer.Default.Equals(BatchAxis.StorageSymbol(compound.Target), accumulator):
                    return true;
                case ISimpleAssignmentOperation assignment when SymbolEqualityComparer.Default.Equals(BatchAxis.StorageSymbol(assignment.Target), accumulator)
                        && ContainsDivision(assignment.Value):
                    return true;
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Divide
                        && (ReadOf(binary.LeftOperand, accumulator) is not null || References(binary.LeftOperand, accumulator)):
                    return true;
                case IInvocationOperation invocation when invocation.Instance is not null
                        && (invocation.TargetMethod.Name == "Divide" || invocation.TargetMethod.Name == "Multiply" || invocation.TargetMethod.Name == "MapInplace")
                        && SymbolEqualityComparer.Default.Equals(BatchAxis.StorageSymbol(invocation.Instance), accumulator):
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>
        /// True when a local the per-sample term reads was divided by the batch size where it was computed
        /// (<c>double dz = err / batch; dw[i, k] += x[n, i] * dz;</c>): the term is already averaged.
        /// </summary>
        private static bool TermIsAveraged(IOperation term, IOperation body, string batchSizeText)
        {
            foreach (var read in term.DescendantsAndSelf())
            {
                if (!(read is ILocalReferenceOperation factor))
                {
                    continue;
                }

                foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(s_writes))
                {
                    var written = op switch
                    {
                        IVariableDeclaratorOperation d when SymbolEqualityComparer.Default.Equals(d.Symbol, factor.Local) => d.Initializer?.Value,
                        IAssignmentOperation a when a.Target is ILocalReferenceOperation t && SymbolEqualityComparer.Default.Equals(t.Local, factor.Local) => a,
                        _ => null,
                    };
                    if (written is not null && DividesByBatchSize(written, body, batchSizeText))
                    {
                        return true;
                    }
                }
            }

            return IsAveragedProduct(term, body, batchSizeText, new HashSet<ISymbol>(SymbolEqualityComparer.Default), depth: 0);
        }

        /// <summary>
        /// True when a factor of the product <paramref name="value"/> is divided by the batch size, directly or where the
        /// local or array it reads was written: <c>dz2[n, k] = (a2[n, k] - y[n, k]) / batch</c> averages every term that
        /// multiplies by <c>dz2[n, k]</c>, and the deltas back-propagated from it (<c>s += dz2[n, k] * w[j, k];
        /// dz1[n, j] = s * (1 - a * a)</c>). Only multiplicative paths count: a centred input (<c>x - sum / batch</c>) is
        /// not an averaged gradient.
        /// </summary>
        private static bool IsAveragedProduct(IOperation value, IOperation body, string batchSizeText, HashSet<ISymbol> visited, int depth)
        {
            var op = BatchAxis.Unwrap(value) ?? value;
            switch (op)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division:
                    return IsBatchCount(division.RightOperand, body, batchSizeText, 0)
                        || IsAveragedProduct(division.LeftOperand, body, batchSizeText, visited, depth);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product:
                    return IsAveragedProduct(product.LeftOperand, body, batchSizeText, visited, depth)
                        || IsAveragedProduct(product.RightOperand, body, batchSizeText, visited, depth);
                case ILocalReferenceOperation _:
                case IArrayElementReferenceOperation _:
                    var storage = BatchAxis.StorageSymbol(op);
                    return storage is ILocalSymbol && depth < 4 && visited.Add(storage) && IsWrittenAveraged(storage, body, batchSizeText, visited, depth + 1);
                default:
                    return false;
            }
        }

        // A write of the local (or of an element of the local array) whose value is an averaged product.
        private static bool IsWrittenAveraged(ISymbol storage, IOperation body, string batchSizeText, HashSet<ISymbol> visited, int depth)
        {
            foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(s_writes))
            {
                var written = op switch
                {
                    IVariableDeclaratorOperation d when SymbolEqualityComparer.Default.Equals(d.Symbol, storage) => d.Initializer?.Value,
                    ISimpleAssignmentOperation a when SymbolEqualityComparer.Default.Equals(WrittenStorage(a.Target), storage) => a.Value,
                    ICompoundAssignmentOperation c when c.OperatorKind == BinaryOperatorKind.Add && SymbolEqualityComparer.Default.Equals(WrittenStorage(c.Target), storage) => c.Value,
                    _ => null,
                };
                if (written is not null && IsAveragedProduct(written, body, batchSizeText, visited, depth))
                {
                    return true;
                }
            }

            return false;
        }

        private static ISymbol? WrittenStorage(IOperation target) => target switch
        {
            ILocalReferenceOperation local => local.Local,
            IArrayElementReferenceOperation element when element.ArrayReference is ILocalReferenceOperation array => array.Local,
            _ => null,
        };

        /// <summary>True when <paramref name="operation"/> divides by the batch size (<c>/ batch</c>, <c>/= batchSize</c>, <c>/ (double)samples.Length</c>).</summary>
        private static bool DividesByBatchSize(IOperation operation, IOperation body, string batchSizeText)
        {
            foreach (var op in operation.DescendantsAndSelf())
            {
                var divisor = op switch
                {
                    IBinaryOperation b when b.OperatorKind == BinaryOperatorKind.Divide => b.RightOperand,
                    ICompoundAssignmentOperation c when c.OperatorKind == BinaryOperatorKind.Divide => c.Value,
                    _ => null,
                };
                if (divisor is not null && IsBatchCount(divisor, body, batchSizeText, 0))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="divisor"/> counts the samples of the batch: a batch-size name, the loop's bound as
        /// written, what that bound was initialised with (<c>signals.Length</c> for <c>int batch = signals.Length</c>),
        /// a local initialised to one, or a product with one (<c>batch * y.Length</c>).
        /// </summary>
        private static bool IsBatchCount(IOperation? divisor, IOperation body, string batchSizeText, int depth)
        {
            divisor = BatchAxis.Unwrap(divisor);
            if (divisor is null || depth > 2)
            {
                return false;
            }

            if (BatchAxis.IsBatchSize(divisor) || divisor.Syntax.ToString() == batchSizeText)
            {
                return true;
            }

            if (divisor is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product)
            {
                return IsBatchCount(product.LeftOperand, body, batchSizeText, depth) || IsBatchCount(product.RightOperand, body, batchSizeText, depth);
            }

            foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(OperationKind.VariableDeclarator))
            {
                if (!(op is IVariableDeclaratorOperation declarator) || declarator.Initializer?.Value is not { } initializer)
                {
                    continue;
                }

                // The divisor is a local holding a count (int m = batch), or the count the batch size was read from.
                if ((divisor is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, declarator.Symbol)
                        && IsBatchCount(initializer, body, batchSizeText, depth + 1))
                    || (declarator.Symbol.Name == batchSizeText && BatchAxis.Unwrap(initializer)?.Syntax.IsEquivalentTo(divisor.Syntax, topLevel: false) == true))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool References(IOperation operation, ISymbol symbol)
            => operation.DescendantsAndSelf().Any(o => ReadOf(o, symbol) is not null);

        private static bool ContainsDivision(IOperation operation)
            => operation.DescendantsAndSelf().Any(o => o is IBinaryOperation b && b.OperatorKind == BinaryOperatorKind.Divide);

        /// <summary>
        /// True when the method or its type divides something else by the batch size (a mean loss, an average), or
        /// calls Average/Mean: the code means averages, so a summed gradient is off by the batch size.
        /// </summary>
        // list.Add(…) inside the loop over the samples (not in a loop nested in it).
        private static bool FilledPerSample(SyntaxNode sampleLoop, string list)
        {
            foreach (var node in sampleLoop.DescendantNodes())
            {
                if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add", Expression: IdentifierNameSyntax target } } add
                    && target.Identifier.ValueText == list
                    && add.Ancestors().TakeWhile(a => a != sampleLoop).All(a => !(a is ForStatementSyntax || a is ForEachStatementSyntax || a is WhileStatementSyntax || a is DoStatementSyntax)))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool AveragesElsewhere(IOperation body, ISymbol accumulator, string batchSizeText, string? countMember = null, IOperation? sampleLoop = null)
        {
            var scope = body.Syntax.FirstAncestorOrSelf<TypeDeclarationSyntax>() ?? (SyntaxNode)body.Syntax;
            foreach (var node in scope.DescendantNodes())
            {
                ExpressionSyntax? left = null;
                ExpressionSyntax? right = null;
                switch (node)
                {
                    case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.DivideExpression):
                        left = binary.Left;
                        right = binary.Right;
                        break;
                    case AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.DivideAssignmentExpression):
                        left = assignment.Left;
                        right = assignment.Right;
                        break;
                    case InvocationExpressionSyntax invocation:
                        var name = invocation.Expression is MemberAccessExpressionSyntax m ? m.Name.Identifier.ValueText
                            : invocation.Expression is IdentifierNameSyntax id ? id.Identifier.ValueText : null;
                        if (name == "Average" || name == "Mean")
                        {
                            return true;
                        }

                        continue;
                    default:
                        continue;
                }

                if (left.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == accumulator.Name))
                {
                    continue;
                }

                if (CountsSamples(right, node, batchSizeText, countMember, 0))
                {
                    return true;
                }

                // losses.Sum() / losses.Count where the sample loop adds to losses once per sample: a mean over samples.
                var divisor = right is ParenthesizedExpressionSyntax parenthesized ? parenthesized.Expression : right;
                if (sampleLoop is not null && divisor is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count" or "Length", Expression: IdentifierNameSyntax list }
                    && FilledPerSample(sampleLoop.Syntax, list.Identifier.ValueText))
                {
                    return true;
                }
            }

            return false;
        }

        // A divisor written as the batch size: its text, the sample count of a matrix (X.ColumnCount), a batch-size name
        // (batchSize, samples.Length), a product with one (2.0 * m), or a local of the method initialised to one
        // (int m = X.ColumnCount; … / m, numpy's m = X.shape[1]).
        private static bool CountsSamples(ExpressionSyntax divisor, SyntaxNode site, string batchSizeText, string? countMember, int depth)
        {
            while (divisor is ParenthesizedExpressionSyntax || divisor is CastExpressionSyntax)
            {
                divisor = divisor is ParenthesizedExpressionSyntax p ? p.Expression : ((CastExpressionSyntax)divisor).Expression;
            }

            if (divisor.ToString() == batchSizeText
                || (countMember is not null && divisor is MemberAccessExpressionSyntax count && count.Name.Identifier.ValueText == countMember))
            {
                return true;
            }

            if (divisor is BinaryExpressionSyntax product && product.IsKind(SyntaxKind.MultiplyExpression))
            {
                return CountsSamples(product.Left, site, batchSizeText, countMember, depth) || CountsSamples(product.Right, site, batchSizeText, countMember, depth);
            }

            var last = divisor is MemberAccessExpressionSyntax member
                ? (member.Name.Identifier.ValueText == "Length" || member.Name.Identifier.ValueText == "Count" ? member.Expression as SimpleNameSyntax ?? (member.Expression as MemberAccessExpressionSyntax)?.Name : member.Name)
                : divisor as SimpleNameSyntax;
            if (last is not null && BatchAxis.IsBatchName(last.Identifier.ValueText))
            {
                return true;
            }

            if (depth < 2 && divisor is IdentifierNameSyntax local && site.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } member2)
            {
                foreach (var declarator in member2.DescendantNodes().OfType<VariableDeclaratorSyntax>())
                {
                    if (declarator.Identifier.ValueText == local.Identifier.ValueText && declarator.Initializer is { } initializer)
                    {
                        return CountsSamples(initializer.Value, site, batchSizeText, countMember, depth + 1);
                    }
                }
            }

            return false;
        }
    }
}
