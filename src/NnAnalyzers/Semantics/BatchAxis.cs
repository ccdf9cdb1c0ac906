using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NnAnalyzers.Semantics
{
    /// <summary>Which axis of a matrix or 2-D array holds the samples of a batch.</summary>
    internal enum SampleAxis
    {
        /// <summary>The code does not say.</summary>
        Unknown,

        /// <summary>One sample per row (<c>X * W</c>, <c>double[batch, features]</c>).</summary>
        Rows,

        /// <summary>One sample per column (<c>W * X</c>, the reference library's convention).</summary>
        Columns,

        /// <summary>The value holds a single sample (a column or row matrix built from one vector).</summary>
        Single,
    }

    /// <summary>What a reduction of a matrix sums over.</summary>
    internal enum ReductionKind
    {
        /// <summary>Every element: <c>Enumerate().Sum()</c>, <c>ColumnSums().Sum()</c>, a scalar over all rows and columns.</summary>
        Whole,

        /// <summary>Along each row, across the columns (<c>RowSums()</c>, <c>np.sum(axis=1)</c>).</summary>
        AcrossColumns,

        /// <summary>Along each column, across the rows (<c>ColumnSums()</c>, <c>np.sum(axis=0)</c>).</summary>
        AcrossRows,
    }

    /// <summary>
    /// Answers "which axis of this matrix holds the samples?" and "does this reduction cross it?". The axis comes from
    /// the code that produced the value, inside one method body: a product <c>W * X</c> with a weight on the left puts
    /// one sample in each column, <c>X * W</c> one in each row; a transpose swaps them; elementwise functions
    /// (exp, sigmoid, adding a bias) keep them; values returned by the reference library hold one sample per column;
    /// loops whose bound is a batch size index the sample axis. A method's parameter has no known axis.
    /// </summary>
    internal sealed class BatchAxis
    {
        // The operations the walks of a body have cases for (read off the body's list by kind: the others are never type-tested).
        private static readonly KindSet s_localWrites = KindSet.Of(OperationKind.VariableDeclarator, OperationKind.SimpleAssignment);

        private static readonly WordSet s_batchWords = IdentifierWords.Set("batch", "batches", "minibatch", "samples", "examples");
        private static readonly WordSet s_sampleWords = IdentifierWords.Set("sample", "example");
        private static readonly WordSet s_countWords = IdentifierWords.Set("count", "num", "number", "size", "n");
        private static readonly WordSet s_heightWords = IdentifierWords.Set("height", "h");
        private static readonly WordSet s_widthWords = IdentifierWords.Set("width", "w");

        private static readonly HashSet<string> s_axisKeepingMethods = new HashSet<string>(System.StringComparer.Ordinal)
        {
            "PointwiseExp", "PointwiseLog", "PointwiseAbs", "PointwiseTanh", "PointwisePower", "PointwiseMultiply",
            "PointwiseDivide", "PointwiseMaximum", "PointwiseMinimum", "PointwiseSqrt", "Map", "Add", "Subtract",
            "Negate", "Clone",
        };

        private readonly KnownSymbols _symbols;
        private readonly NetworkParameters _parameters;

        /// <summary>Creates the oracle of one compilation.</summary>
        public BatchAxis(KnownSymbols symbols, NetworkParameters parameters)
        {
            _symbols = symbols;
            _parameters = parameters;
        }

        /// <summary>The opposite axis (a transpose).</summary>
        public static SampleAxis Flip(SampleAxis axis) => axis switch
        {
            SampleAxis.Rows => SampleAxis.Columns,
            SampleAxis.Columns => SampleAxis.Rows,
            _ => axis,
        };

        /// <summary>
        /// True when <paramref name="reduction"/> of a value whose samples lie along <paramref name="axis"/> adds
        /// values of different samples together. Unknown axis: only a whole-matrix sum certainly does.
        /// </summary>
        public static bool Crosses(ReductionKind reduction, SampleAxis axis)
        {
            if (axis == SampleAxis.Single)
            {
                return false;
            }

            return reduction switch
            {
                ReductionKind.Whole => true,
                ReductionKind.AcrossColumns => axis == SampleAxis.Columns,
                ReductionKind.AcrossRows => axis == SampleAxis.Rows,
                _ => false,
            };
        }

        /// <summary>
        /// True when <paramref name="value"/> is the size of a batch: a variable, field or property named
        /// batch/batchSize/miniBatch/samples/sampleCount…, or the Length/Count of a collection so named.
        /// The constant 1 is not (it is one sample).
        /// </summary>
        public static bool IsBatchSize(IOperation? value)
        {
            value = Unwrap(value);
            if (value is null)
            {
                return false;
            }

            if (value.ConstantValue.HasValue)
            {
                return false;
            }

            switch (value)
            {
                case ILocalReferenceOperation local:
                    return IsBatchName(local.Local.Name);
                case IParameterReferenceOperation parameter:
                    return IsBatchName(parameter.Parameter.Name);
                case IFieldReferenceOperation field:
                    return IsBatchName(field.Field.Name);
                case IPropertyReferenceOperation property when property.Property.Name == "Length" || property.Property.Name == "Count":
                    return property.Instance is not null && StorageName(property.Instance) is string owner && IsBatchName(owner);
                case IPropertyReferenceOperation property:
                    return IsBatchName(property.Property.Name);
                default:
                    return false;
            }
        }

        /// <summary>True when a name says "batch size" (batch, batchSize, miniBatch, samples, numSamples, sampleCount…).</summary>
        public static bool IsBatchName(string name)
        {
            // Read where the words stand: asked for every size a summation is divided by.
            var sample = false;
            var count = false;
            var position = 0;
            while (IdentifierWords.NextWord(name, ref position, out var start, out var length))
            {
                if (s_batchWords.Find(name, start, length) is not null)
                {
                    return true;
                }

                sample |= s_sampleWords.Find(name, start, length) is not null;
                count |= s_countWords.Find(name, start, length) is not null;
            }

            return sample && count;
        }

        /// <summary>
        /// The sample axis of a 2-D array (or matrix) whose elements are summed and divided in index loops: the loop over
        /// a batch size walks the samples (<c>for (n = 0; n &lt; batchSize; n++)</c>), as does a walk over the rows of a
        /// batch-named array. When neither says, an array whose two axes are the height and width of one map holds no
        /// samples at all (<see cref="SampleAxis.Single"/>): a spatial softmax normalises one sample's heatmap
        /// <c>double[h, w]</c> by its whole sum, rightly.
        /// </summary>
        public static SampleAxis OfNormalisedArray(Normaliser normaliser, IOperation body)
        {
            if (IsBatchSize(Normalization.BoundOf(normaliser.FirstIndexLoop)))
            {
                return SampleAxis.Rows;
            }

            if (IsBatchSize(Normalization.BoundOf(normaliser.SecondIndexLoop)))
            {
                return SampleAxis.Columns;
            }

            if (normaliser.RowsWalkBatch)
            {
                return SampleAxis.Rows;
            }

            return IsMapOfOneSample(normaliser, body) ? SampleAxis.Single : SampleAxis.Unknown;
        }

        // Which spatial axis of a map an array axis is.
        private enum MapAxis
        {
            None,
            Vertical,
            Horizontal,
        }

        /// <summary>
        /// True when the two loops that index the normalised elements walk the two spatial axes of one map, one vertical
        /// and one horizontal, and no loop over a batch encloses them around the sum. An axis is spatial when its extent
        /// is a trailing dimension of an image tensor (<c>features.GetLength(1)</c> of a <c>[c, h, w]</c> array, through
        /// locals and the sizes the array was created with), when its index also indexes such a trailing dimension of
        /// another array of the method (<c>e[i, j] = Math.Exp(features[c, i, j])</c>), or when its extent and index are a
        /// height or width and the y or x coordinate (<c>for (int y = 0; y &lt; h; y++)</c>): one sample and one feature
        /// axis are never a vertical and a horizontal extent.
        /// </summary>
        private static bool IsMapOfOneSample(Normaliser normaliser, IOperation body)
        {
            if (!(normaliser.FirstIndexLoop is IForLoopOperation first) || !(normaliser.SecondIndexLoop is IForLoopOperation second))
            {
                return false;
            }

            var firstAxis = AxisOfMap(first, body);
            if (firstAxis == MapAxis.None)
            {
                return false;
            }

            var secondAxis = AxisOfMap(second, body);
            if (secondAxis == MapAxis.None || secondAxis == firstAxis)
            {
                return false;
            }

            // The maps of a batch summed into one scalar declared outside the loop over them: a sum over samples.
            var outer = first.Syntax.Span.Contains(second.Syntax.Span) ? first : second;
            for (var p = outer.Parent; p is not null; p = p.Parent)
            {
                if (p is IForLoopOperation loop && IsBatchSize(Normalization.BoundOf(loop)) && !loop.Syntax.Span.Contains(normaliser.Sum.Syntax.Span))
                {
                    return false;
                }

                if (p is IForEachLoopOperation walk && StorageName(walk.Collection) is string name && IsBatchName(name)
                    && !walk.Syntax.Span.Contains(normaliser.Sum.Syntax.Span))
                {
                    return false;
                }
            }

            return true;
        }

        private static MapAxis AxisOfMap(IForLoopOperation loop, IOperation body)
        {
            var bound = Normalization.BoundOf(loop);
            if (bound is null || loop.Locals.Length != 1)
            {
                return MapAxis.None;
            }

            var extent = AxisOfExtent(bound, body, 0);
            if (extent != MapAxis.None)
            {
                return extent;
            }

            var index = loop.Locals[0];
            var coordinate = index.Name switch
            {
                "y" => MapAxis.Vertical,
                "x" => MapAxis.Horizontal,
                _ => MapAxis.None,
            };
            return coordinate != MapAxis.None ? coordinate : AxisIndexedInTensors(loop, bound, body);
        }

        // The spatial axis an extent measures: a trailing dimension of an image tensor, the size an array was created
        // with along the axis asked, or an integer named as a height or a width (h, imageHeight, outW).
        private static MapAxis AxisOfExtent(IOperation? extent, IOperation body, int depth)
        {
            extent = Unwrap(extent);
            if (extent is null || depth > 4)
            {
                return MapAxis.None;
            }

            switch (extent)
            {
                case IInvocationOperation { TargetMethod.Name: "GetLength", Instance: { } array, Arguments.Length: 1 } getLength
                        when getLength.Arguments[0].Value.ConstantValue is { HasValue: true, Value: int dimension }:
                    if (array.Type is IArrayTypeSymbol { Rank: >= 3 } tensor)
                    {
                        return dimension == tensor.Rank - 2 ? MapAxis.Vertical : dimension == tensor.Rank - 1 ? MapAxis.Horizontal : MapAxis.None;
                    }

                    return array.Type is IArrayTypeSymbol { Rank: 2 } && Unwrap(array) is ILocalReferenceOperation created && dimension < 2
                        && CreationOf(created.Local, body) is { } creation
                        ? AxisOfExtent(creation.DimensionSizes[dimension], body, depth + 1)
                        : MapAxis.None;

                case ILocalReferenceOperation local when IsIntegral(local.Type):
                    var named = AxisOfName(local.Local.Name);
                    return named != MapAxis.None ? named : AxisOfExtent(InitializerOf(local.Local, body), body, depth + 1);

                case IParameterReferenceOperation parameter when IsIntegral(parameter.Type):
                    return AxisOfName(parameter.Parameter.Name);

                case IFieldReferenceOperation field when IsIntegral(field.Type):
                    return AxisOfName(field.Field.Name);

                case IPropertyReferenceOperation property when IsIntegral(property.Type) && !property.Property.IsIndexer:
                    return AxisOfName(property.Property.Name);

                default:
                    return MapAxis.None;
            }
        }

        private static MapAxis AxisOfName(string name)
        {
            var vertical = IdentifierWords.ContainsAny(name, s_heightWords);
            var horizontal = IdentifierWords.ContainsAny(name, s_widthWords);
            return vertical == horizontal ? MapAxis.None : vertical ? MapAxis.Vertical : MapAxis.Horizontal;
        }

        private static bool IsIntegral(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

        // The axis of an image tensor of the method (rank 3 or more) that the loop's index, or the index of a loop with
        // the same bound, walks among its trailing two positions: features[c, i, j] makes i vertical and j horizontal.
        private static MapAxis AxisIndexedInTensors(IForLoopOperation loop, IOperation bound, IOperation body)
        {
            foreach (var op in BodyOperations.Shared(body).OfKind(OperationKind.ArrayElementReference))
            {
                if (!(op is IArrayElementReferenceOperation element) || element.Indices.Length < 3)
                {
                    continue;
                }

                var rank = element.Indices.Length;
                for (var position = rank - 2; position < rank; position++)
                {
                    if (Unwrap(element.Indices[position]) is ILocalReferenceOperation index
                        && (loop.Locals.Contains(index.Local, SymbolEqualityComparer.Default)
                            || (Normalization.LoopOf(element, index.Local) is { } other
                                && Normalization.BoundOf(other)?.Syntax.IsEquivalentTo(bound.Syntax, topLevel: false) == true)))
                    {
                        return position == rank - 2 ? MapAxis.Vertical : MapAxis.Horizontal;
                    }
                }
            }

            return MapAxis.None;
        }

        private static IOperation? InitializerOf(ILocalSymbol local, IOperation body)
        {
            foreach (var op in BodyOperations.Shared(body).OfKind(OperationKind.VariableDeclarator))
            {
                if (op is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    return declarator.Initializer?.Value ?? declarator.GetVariableInitializer()?.Value;
                }
            }

            return null;
        }

        private static IArrayCreationOperation? CreationOf(ILocalSymbol local, IOperation body)
            => Unwrap(InitializerOf(local, body)) as IArrayCreationOperation;

        /// <summary>
        /// The sample axis of a MathNet matrix value, traced back through locals, dictionary/array elements written in
        /// the same body, elementwise operations, transposes and products with a network weight.
        /// </summary>
        public SampleAxis OfMatrix(IOperation? value, IOperation? body)
        {
            return Trace(value, body, 0, new HashSet<ISymbol>(SymbolEqualityComparer.Default));
        }

        private SampleAxis Trace(IOperation? value, IOperation? body, int depth, HashSet<ISymbol> visited)
        {
            value = Unwrap(value);
            if (value is null || depth > 8)
            {
                return SampleAxis.Unknown;
            }

            switch (value)
            {
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Multiply
                        && _symbols.IsMatrix(binary.LeftOperand.Type) && _symbols.IsMatrix(binary.RightOperand.Type):
                    return OfProduct(binary.LeftOperand, binary.RightOperand, body, depth, visited);

                case IBinaryOperation binary:
                    {
                        // Elementwise: the first matrix operand decides.
                        var left = _symbols.IsMatrix(binary.LeftOperand.Type) ? Trace(binary.LeftOperand, body, depth + 1, visited) : SampleAxis.Unknown;
                        if (left != SampleAxis.Unknown)
                        {
                            return left;
                        }

                        return _symbols.IsMatrix(binary.RightOperand.Type) ? Trace(binary.RightOperand, body, depth + 1, visited) : SampleAxis.Unknown;
                    }

                case IInvocationOperation invocation:
                    return OfInvocation(invocation, body, depth, visited);

                case ILocalReferenceOperation local:
                    return OfWrites(local.Local, null, body, depth, visited);

                case IArrayElementReferenceOperation element when element.ArrayReference is ILocalReferenceOperation owner:
                    return OfWrites(owner.Local, element, body, depth, visited);

                case IPropertyReferenceOperation indexer when indexer.Property.IsIndexer && indexer.Instance is ILocalReferenceOperation owner:
                    return OfWrites(owner.Local, indexer, body, depth, visited);

                case IPropertyReferenceOperation indexer when indexer.Property.IsIndexer && indexer.Instance is IParameterReferenceOperation ownerParameter:
                    return OfWrites(ownerParameter.Parameter, indexer, body, depth, visited);

                default:
                    return SampleAxis.Unknown;
            }
        }

        private SampleAxis OfProduct(IOperation left, IOperation right, IOperation? body, int depth, HashSet<ISymbol> visited)
        {
            // W * X: the weight maps features to units, each column of X is a sample; X * W: each row is one.
            if (IsWeight(left))
            {
                return SampleAxis.Columns;
            }

            if (IsWeight(right))
            {
                return SampleAxis.Rows;
            }

            var fromRight = Trace(right, body, depth + 1, visited);
            if (fromRight == SampleAxis.Columns || fromRight == SampleAxis.Single)
            {
                return fromRight;
            }

            var fromLeft = Trace(left, body, depth + 1, visited);
            return fromLeft == SampleAxis.Rows || fromLeft == SampleAxis.Single ? fromLeft : SampleAxis.Unknown;
        }

        private SampleAxis OfInvocation(IInvocationOperation invocation, IOperation? body, int depth, HashSet<ISymbol> visited)
        {
            var method = invocation.TargetMethod;
            var name = method.Name;
            if (Namespaces.Is(method.ContainingNamespace, "NnAnalyzers.Network") && _symbols.IsMatrix(method.ReturnType))
            {
                return SampleAxis.Columns;
            }

            var receiver = invocation.Instance;
            if (receiver is not null && _symbols.IsMathNetTensor(receiver.Type))
            {
                switch (name)
                {
                    case "Transpose":
                        return Flip(Trace(receiver, body, depth + 1, visited));
                    case "ToColumnMatrix":
                    case "ToRowMatrix":
                        return SampleAxis.Single;
                    case "Multiply" when invocation.Arguments.Length == 1 && _symbols.IsMatrix(invocation.Arguments[0].Value.Type):
                        return OfProduct(receiver, invocation.Arguments[0].Value, body, depth, visited);
                    case "TransposeThisAndMultiply" when invocation.Arguments.Length == 1 && IsWeight(receiver):
                        return SampleAxis.Columns;
                    case "TransposeAndMultiply" when invocation.Arguments.Length == 1 && IsWeight(invocation.Arguments[0].Value):
                        return SampleAxis.Rows;
                }

                if (s_axisKeepingMethods.Contains(name) && _symbols.IsMatrix(receiver.Type))
                {
                    return Trace(receiver, body, depth + 1, visited);
                }

                return SampleAxis.Unknown;
            }

            // A helper of the user's that takes one matrix and returns one (Sigmoid(z), Relu(z)): an activation keeps
            // the shape of its argument.
            if (receiver is null && method.MethodKind == MethodKind.Ordinary && _symbols.IsMatrix(method.ReturnType)
                && !Namespaces.IsWithin(method.ContainingNamespace, "MathNet"))
            {
                IOperation? only = null;
                var count = 0;
                foreach (var a in invocation.Arguments)
                {
                    if (_symbols.IsMatrix(a.Value.Type))
                    {
                        only = a.Value;
                        count++;
                    }
                }

                return count == 1 ? Trace(only, body, depth + 1, visited) : SampleAxis.Unknown;
            }

            // Build.Dense(rows, 1) / Build.Dense(1, cols): a single sample.
            if (_symbols.MatrixBuilderOfT is not null && receiver is not null
                && KnownSymbols.DerivesFromOriginal(receiver.Type, _symbols.MatrixBuilderOfT)
                && invocation.Arguments.Length >= 2)
            {
                foreach (var a in invocation.Arguments)
                {
                    if (a.Parameter?.Name == "rows" || a.Parameter?.Name == "columns")
                    {
                        if (a.Value.ConstantValue is { HasValue: true, Value: int one } && one == 1)
                        {
                            return SampleAxis.Single;
                        }
                    }
                }
            }

            return SampleAxis.Unknown;
        }

        private SampleAxis OfWrites(ISymbol storage, IOperation? element, IOperation? body, int depth, HashSet<ISymbol> visited)
        {
            if (body is null || !visited.Add(storage))
            {
                return SampleAxis.Unknown;
            }

            foreach (var op in BodyOperations.Shared(body).WithoutFirst().OfKind(s_localWrites))
            {
                IOperation? written = null;
                IOperation? target = null;
                switch (op)
                {
                    case IVariableDeclaratorOperation declarator when element is null && SymbolEqualityComparer.Default.Equals(declarator.Symbol, storage):
                        written = declarator.Initializer?.Value;
                        break;
                    case ISimpleAssignmentOperation assignment:
                        target = assignment.Target;
                        written = assignment.Value;
                        break;
                }

                if (target is not null)
                {
                    var matches = element is null
                        ? ReferencesSymbol(target, storage)
                        : (target is IArrayElementReferenceOperation te && te.ArrayReference is not null && ReferencesSymbol(te.ArrayReference, storage))
                          || (target is IPropertyReferenceOperation ti && ti.Property.IsIndexer && ti.Instance is not null && ReferencesSymbol(ti.Instance, storage));
                    if (!matches)
                    {
                        written = null;
                    }
                }

                if (written is null || !_symbols.IsMatrix(written.Type))
                {
                    continue;
                }

                var axis = Trace(written, body, depth + 1, visited);
                if (axis != SampleAxis.Unknown)
                {
                    return axis;
                }
            }

            return SampleAxis.Unknown;
        }

        private bool IsWeight(IOperation operand)
        {
            var storage = StorageSymbol(operand);
            return storage is not null && _parameters.Classify(storage) == ParameterKind.Weight;
        }

        /// <summary>
        /// The dimension of a newly allocated matrix or 2-D array that is a batch size (<c>new double[units, batchSize]</c>,
        /// <c>Build.Dense(units, batch)</c>, a helper <c>Rand(rng, rows, batch)</c>), or null.
        /// <paramref name="isFirstDimension"/> says whether it is the first size given (rows) or a later one (columns).
        /// </summary>
        public static IOperation? BatchDimension(IOperation creation, KnownSymbols symbols, out bool isFirstDimension)
        {
            isFirstDimension = false;
            List<IOperation> sizes; // made only for a matrix creation: this is asked of every creation in NN code
            switch (creation)
            {
                case IArrayCreationOperation array when array.Type is IArrayTypeSymbol { Rank: 2 }:
                    sizes = new List<IOperation>(array.DimensionSizes);
                    break;
                case IObjectCreationOperation objectCreation when symbols.IsMatrix(objectCreation.Type):
                    sizes = new List<IOperation>(3);
                    AddIntArguments(objectCreation.Arguments, sizes);
                    break;
                case IInvocationOperation invocation when symbols.IsMatrix(invocation.TargetMethod.ReturnType)
                        || invocation.TargetMethod.ReturnType is IArrayTypeSymbol { Rank: 2 }:
                    if (invocation.Instance is not null && symbols.IsMathNetTensor(invocation.Instance.Type))
                    {
                        return null;
                    }

                    sizes = new List<IOperation>(3);
                    AddIntArguments(invocation.Arguments, sizes);
                    break;
                default:
                    return null;
            }

            for (var i = 0; i < sizes.Count; i++)
            {
                if (IsBatchSize(sizes[i]))
                {
                    isFirstDimension = i == 0;
                    return Unwrap(sizes[i]);
                }
            }

            return null;
        }

        /// <summary>The variable, field, property or collection that receives <paramref name="value"/> (<c>b[i] = value</c> → b).</summary>
        public static ISymbol? StorageReceiving(IOperation value)
        {
            var child = value;
            var parent = value.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                child = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Value == child:
                    return StorageSymbol(assignment.Target);
                case IFieldInitializerOperation field:
                    return field.InitializedFields.FirstOrDefault();
                case IPropertyInitializerOperation property:
                    return property.InitializedProperties.FirstOrDefault();
                case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                    return declarator.Symbol;
                default:
                    return null;
            }
        }

        /// <summary>
        /// True when <paramref name="creation"/>, stored in the local <paramref name="storage"/>, is a broadcast of another
        /// parameter over the batch: a temporary rebuilt from the real bias on every call, not a parameter itself
        /// (<c>var biasMatrix = Build.Dense(units, batchSize, (i, j) =&gt; B[i]);</c>, or
        /// <c>new double[units, batch]</c> whose elements are written <c>biasMatrix[i, j] = B[i]</c>).
        /// </summary>
        public bool IsBroadcastOfParameter(ISymbol storage, IOperation creation)
        {
            if (!(storage is ILocalSymbol))
            {
                return false;
            }

            if (creation is IInvocationOperation call)
            {
                foreach (var argument in call.Arguments)
                {
                    if (Unwrap(argument.Value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } && ReadsOtherParameter(lambda.Body, storage))
                    {
                        return true;
                    }
                }

                return false;
            }

            IOperation body = creation;
            while (body.Parent is not null)
            {
                body = body.Parent;
            }

            foreach (var op in BodyOperations.Shared(body).OfKind(OperationKind.SimpleAssignment))
            {
                if (op is ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation local } } assignment
                    && SymbolEqualityComparer.Default.Equals(local.Local, storage) && ReadsOtherParameter(assignment.Value, storage))
                {
                    return true;
                }
            }

            return false;
        }

        // A read of a parameter (B[i], _bias[j]) other than the local being filled.
        private bool ReadsOtherParameter(IOperation value, ISymbol storage)
        {
            foreach (var op in value.DescendantsAndSelf())
            {
                if (op is IFieldReferenceOperation or IPropertyReferenceOperation { Arguments.Length: 0 }
                    && NetworkParameters.StorageOf(op) is { } read && !SymbolEqualityComparer.Default.Equals(read, storage)
                    && _parameters.Classify(read) != ParameterKind.None)
                {
                    return true;
                }
            }

            return false;
        }

        private static void AddIntArguments(ImmutableArray<IArgumentOperation> arguments, List<IOperation> sizes)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Type.SpecialType == SpecialType.System_Int32)
                {
                    sizes.Add(argument.Value);
                }
            }
        }

        /// <summary>The variable, field or property an operand reads, looking through indexers (<c>w[i]</c> → w).</summary>
        public static ISymbol? StorageSymbol(IOperation? operand)
        {
            operand = Unwrap(operand);
            switch (operand)
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation field:
                    return field.Field;
                case IPropertyReferenceOperation property when property.Property.IsIndexer:
                    return StorageSymbol(property.Instance);
                case IPropertyReferenceOperation property:
                    return property.Property;
                case IArrayElementReferenceOperation element:
                    return StorageSymbol(element.ArrayReference);
                default:
                    return null;
            }
        }

        private static string? StorageName(IOperation operand) => StorageSymbol(operand)?.Name;

        private static bool ReferencesSymbol(IOperation operand, ISymbol symbol)
            => SymbolEqualityComparer.Default.Equals(StorageSymbol(operand), symbol);

        /// <summary>Looks through implicit and explicit conversions and parentheses.</summary>
        public static IOperation? Unwrap(IOperation? operation) => Operations.WithoutConversions(operation);
    }
}
