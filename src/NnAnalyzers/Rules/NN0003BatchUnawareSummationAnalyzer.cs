using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;

namespace NnAnalyzers.Rules
{
    /// <summary>
    /// NN0003 Batch-unaware summation. Where a matrix or 2-D array holds several samples, a reduction crosses the
    /// sample axis: (1) a probability normaliser divides by the sum over the whole matrix instead of each sample's own
    /// sum; (2) a bias parameter is allocated with a batch-size dimension; (3) heuristic: gradients summed over the
    /// samples of a batch are applied with the learning rate without dividing by the batch size while the code
    /// elsewhere averages.
    /// </summary>
    [DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
    public sealed class NN0003BatchUnawareSummationAnalyzer : NnAnalyzer
    {
        /// <summary>Property: which sub-case (<see cref="KindMatrixNormaliser"/>…).</summary>
        public const string KindKey = "Kind";

        /// <summary>Sub-case: MathNet matrix divided by the sum of all its elements.</summary>
        public const string KindMatrixNormaliser = "MatrixNormaliser";

        /// <summary>Sub-case: 2-D or jagged array divided by one scalar summed over all its elements.</summary>
        public const string KindArrayNormaliser = "ArrayNormaliser";

        /// <summary>Sub-case: a bias allocated with a batch-size dimension.</summary>
        public const string KindBias = "Bias";

        /// <summary>Sub-case: gradients summed over a batch applied without dividing by its size.</summary>
        public const string KindGradient = "Gradient";

        /// <summary>Property: the sample axis (a <see cref="SampleAxis"/> name).</summary>
        public const string AxisKey = "Axis";

        /// <summary>Property: "true" when the fix can be applied.</summary>
        public const string FixableKey = "Fixable";

        /// <summary>Property: number of additional locations that are divisions.</summary>
        public const string DivisionCountKey = "Divisions";

        /// <summary>Property: number of additional locations that are accumulations (arrays).</summary>
        public const string AccumulationCountKey = "Accumulations";

        /// <summary>Property: "true" when the last additional location is the sum's declaration, to remove.</summary>
        public const string RemoveSumKey = "RemoveSum";

        /// <summary>Property (scalar sums): how the collection is indexed (an <see cref="ElementLayout"/> name).</summary>
        public const string LayoutKey = "Layout";

        /// <summary>Property (arrays): the array as written.</summary>
        public const string ArrayKey = "Array";

        /// <summary>Property (arrays): the element type of the sum (double, float).</summary>
        public const string ElementTypeKey = "ElementType";

        /// <summary>Property: the batch size as text (gradients), or "row"/"column" (bias).</summary>
        public const string BatchSizeKey = "BatchSize";

        /// <summary>Property (bias): the batch-size dimension as written.</summary>
        public const string DimensionKey = "Dimension";

        /// <summary>Option: false turns off the heuristic gradient sub-case.</summary>
        public const string GradientOption = "check_gradient_scale";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.NN0003BatchUnawareSummation);

        /// <inheritdoc />
        protected override void InitializeCore(AnalysisContext context)
        {
            context.RegisterCompilationStartAction(start =>
            {
                var semantics = NnSemantics.Create(start.Compilation);
                if (!semantics.Context.CompilationHasNnCode)
                {
                    return;
                }

                var rule = new Rule(semantics);
                var gradientOption = new NnOptions.PerTree<bool>((options, tree) => NnOptions.GetBool(options, tree, RuleIds.BatchUnawareSummation, GradientOption, true));
                // One walk per operation block collects the candidates (cheaper than five per-block operation actions).
                start.RegisterOperationBlockAction(block =>
                {
                    if (block.OperationBlocks.IsEmpty || !semantics.Context.Contains(block.OwningSymbol))
                    {
                        return;
                    }

                    var checkGradients = gradientOption.Get(block.Options, block.OperationBlocks[0].Syntax.SyntaxTree);
                    var candidates = Collect(block.OperationBlocks, checkGradients && semantics.Symbols.HasMathNet, semantics.Bodies);
                    if (!candidates.IsEmpty)
                    {
                        rule.Analyze(block, candidates, checkGradients);
                    }
                });
            });
        }

        [MethodImpl(SignText.Hot)]
        private static Candidates Collect(ImmutableArray<IOperation> blocks, bool reductions, BodyOperations bodies)
        {
            var candidates = new Candidates();
            foreach (var root in blocks)
            {
                if (Operations.IsInsideAnother(root, blocks))
                {
                    continue;
                }

                var operations = bodies.Of(root);
                for (var i = 0; i < operations.Count; i++)
                {
                    var operation = operations[i];
                    switch (operations.KindAt(i))
                    {
                        case OperationKind.Invocation:
                            candidates.Add((IInvocationOperation)operation);
                            break;
                        case OperationKind.CompoundAssignment:
                            candidates.Add((ICompoundAssignmentOperation)operation);
                            break;
                        case OperationKind.ArrayCreation:
                        case OperationKind.ObjectCreation:
                            candidates.AddCreation(operation);
                            break;
                        case OperationKind.Binary when reductions:
                            candidates.AddReduction(operation);
                            break;
                    }
                }
            }

            return candidates;
        }

        /// <summary>Operations worth a second look, collected by one walk of an operation block (a list is made at its first entry).</summary>
        private sealed class Candidates
        {
            private static readonly List<IInvocationOperation> s_noInvocations = new List<IInvocationOperation>();
            private static readonly List<ICompoundAssignmentOperation> s_noAssignments = new List<ICompoundAssignmentOperation>();
            private static readonly List<IOperation> s_noOperations = new List<IOperation>();
            private List<IInvocationOperation>? _sums;
            private List<ICompoundAssignmentOperation>? _accumulations;
            private List<IOperation>? _creations;
            private List<IOperation>? _reductions;

            public List<IInvocationOperation> Sums => _sums ?? s_noInvocations;

            public List<ICompoundAssignmentOperation> Accumulations => _accumulations ?? s_noAssignments;

            public List<IOperation> Creations => _creations ?? s_noOperations;

            public List<IOperation> Reductions => _reductions ?? s_noOperations;

            public bool IsEmpty => _sums is null && _accumulations is null && _creations is null && _reductions is null;

            public void AddReduction(IOperation operation)
            {
                if (BatchGradients.MayBeBatchReduction(operation))
                {
                    (_reductions ??= new List<IOperation>()).Add(operation);
                }
            }

            public void Add(IInvocationOperation invocation)
            {
                if (Normalization.MayBeMatrixSum(invocation))
                {
                    (_sums ??= new List<IInvocationOperation>()).Add(invocation);
                }
                else if (BatchGradients.MayBeBatchReduction(invocation))
                {
                    (_reductions ??= new List<IOperation>()).Add(invocation);
                }
                else if (invocation.Arguments.Length >= 2)
                {
                    (_creations ??= new List<IOperation>()).Add(invocation);
                }
            }

            public void Add(ICompoundAssignmentOperation assignment)
            {
                if (assignment.OperatorKind == BinaryOperatorKind.Add)
                {
                    (_accumulations ??= new List<ICompoundAssignmentOperation>()).Add(assignment);
                }
            }

            public void AddCreation(IOperation creation) => (_creations ??= new List<IOperation>()).Add(creation);
        }

        /// <summary>The rule, written in the words of the semantics layer.</summary>
        private sealed class Rule
        {
            private readonly NnSemantics _semantics;
            private readonly BatchAxis _axis;
            private readonly Normalization _normalization;
            private readonly BatchGradients _gradients;

            public Rule(NnSemantics semantics)
            {
                _semantics = semantics;
                _axis = new BatchAxis(semantics.Symbols, semantics.Parameters);
                _normalization = new Normalization(semantics.Symbols);
                _gradients = new BatchGradients(semantics.Parameters, semantics.Symbols, _axis);
            }

            public void Analyze(OperationBlockAnalysisContext context, Candidates candidates, bool checkGradients)
            {
                foreach (var sum in candidates.Sums)
                {
                    var body = Root(sum);
                    var normaliser = _normalization.FromMatrixSum(sum, body);
                    if (normaliser is not null)
                    {
                        ReportMatrixNormaliser(context, normaliser, _axis.OfMatrix(normaliser.Values, body));
                        continue;
                    }

                    var arrayNormaliser = _normalization.FromCollectionSum(sum, body);
                    if (arrayNormaliser is not null)
                    {
                        ReportArrayNormaliser(context, arrayNormaliser, BatchAxis.OfNormalisedArray(arrayNormaliser, body));
                    }
                }

                HashSet<ISymbol>? seenSums = null; // made at the first one: most bodies have none
                HashSet<IOperation>? seenApplications = null;
                foreach (var accumulation in candidates.Accumulations)
                {
                    var body = Root(accumulation);
                    if (Normalization.MayBeAccumulation(accumulation))
                    {
                        var sumLocal = ((ILocalReferenceOperation)accumulation.Target).Local;
                        if (seenSums is not null && seenSums.Contains(sumLocal))
                        {
                            continue;
                        }

                        var normaliser = _normalization.FromAccumulation(accumulation, body);
                        if (normaliser is not null)
                        {
                            (seenSums ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(sumLocal);
                            ReportArrayNormaliser(context, normaliser, BatchAxis.OfNormalisedArray(normaliser, body));
                            continue;
                        }
                    }

                    if (checkGradients)
                    {
                        var gradient = _gradients.FromAccumulation(accumulation, body);
                        if (gradient is not null && (seenApplications ??= new HashSet<IOperation>()).Add(gradient.Application))
                        {
                            ReportGradient(context, gradient);
                        }
                    }
                }

                if (checkGradients)
                {
                    foreach (var reduction in candidates.Reductions)
                    {
                        var gradient = _gradients.FromBatchReduction(reduction, Root(reduction));
                        if (gradient is not null && (seenApplications ??= new HashSet<IOperation>()).Add(gradient.Application))
                        {
                            ReportGradient(context, gradient);
                        }
                    }
                }

                foreach (var creation in candidates.Creations)
                {
                    CheckBias(context, creation);
                }
            }

            private static void ReportMatrixNormaliser(OperationBlockAnalysisContext context, Normaliser normaliser, SampleAxis axis)
            {
                // A whole-matrix sum mixes samples unless the matrix is a single sample; with no axis in sight, only an
                // exponential (a softmax) is evidence enough that the matrix holds probabilities of samples.
                if (!BatchAxis.Crosses(normaliser.Reduction, axis) || (axis == SampleAxis.Unknown && !normaliser.NonNegative))
                {
                    return;
                }

                var locations = normaliser.Divisions.Select(d => d.Syntax.GetLocation()).ToList();
                var removeSum = normaliser.SumLocalIsPrivate
                    && normaliser.SumDeclarator?.Syntax.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is LocalDeclarationStatementSyntax statement
                    && statement.Declaration.Variables.Count == 1;
                if (removeSum)
                {
                    locations.Add(normaliser.SumDeclarator!.Syntax.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>()!.GetLocation());
                }

                var properties = ImmutableDictionary.CreateBuilder<string, string?>();
                properties[KindKey] = KindMatrixNormaliser;
                properties[AxisKey] = axis.ToString();
                properties[FixableKey] = normaliser.NonNegative ? "true" : "false";
                properties[DivisionCountKey] = normaliser.Divisions.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                properties[RemoveSumKey] = removeSum ? "true" : "false";

                var message = "'" + normaliser.Values.Syntax + "' is normalised by a sum over the whole batch matrix; normalise each sample ("
                    + AxisWords(axis) + ") by its own sum";
                context.Report(Diagnostic.Create(
                    Descriptors.NN0003BatchUnawareSummation, normaliser.Sum.Syntax.GetLocation(), locations, properties.ToImmutable(), message));
            }

            private static void ReportArrayNormaliser(OperationBlockAnalysisContext context, Normaliser normaliser, SampleAxis axis)
            {
                if (!BatchAxis.Crosses(normaliser.Reduction, axis) || (axis == SampleAxis.Unknown && !normaliser.NonNegative))
                {
                    return;
                }

                var locations = new List<Location> { normaliser.Sum.Syntax.GetLocation() };
                locations.AddRange(normaliser.Accumulations.Select(a => a.Syntax.GetLocation()));
                locations.AddRange(normaliser.Divisions.Select(d => d.Syntax.GetLocation()));

                var properties = ImmutableDictionary.CreateBuilder<string, string?>();
                properties[KindKey] = KindArrayNormaliser;
                properties[AxisKey] = axis.ToString();
                properties[FixableKey] = normaliser.IndexLoops && normaliser.SumLocalIsPrivate && normaliser.ArrayDeclaredBeforeSum ? "true" : "false";
                properties[AccumulationCountKey] = normaliser.Accumulations.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                properties[DivisionCountKey] = normaliser.Divisions.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                properties[LayoutKey] = normaliser.Layout.ToString();
                properties[ArrayKey] = normaliser.ArrayText;
                properties[ElementTypeKey] = normaliser.SumDeclarator?.Symbol.Type.SpecialType == SpecialType.System_Single ? "float" : "double";

                var name = normaliser.SumDeclarator?.Symbol.Name ?? "sum";
                var message = "'" + normaliser.ArrayText + "' is normalised by '" + name + "', one sum over all its rows and columns; normalise each sample ("
                    + AxisWords(axis) + ") by its own sum";
                var at = normaliser.Accumulations.IsEmpty ? normaliser.Sum : normaliser.Accumulations[0];
                context.Report(Diagnostic.Create(
                    Descriptors.NN0003BatchUnawareSummation, at.Syntax.GetLocation(), locations, properties.ToImmutable(), message));
            }

            private static void ReportGradient(OperationBlockAnalysisContext context, UnscaledBatchGradient gradient)
            {
                var properties = ImmutableDictionary.CreateBuilder<string, string?>();
                properties[KindKey] = KindGradient;
                properties[BatchSizeKey] = gradient.BatchSizeText;
                properties[FixableKey] = "true";
                var message = "gradients summed over the batch in '" + gradient.Accumulator.Name
                    + "' are applied without dividing by the batch size ('" + gradient.BatchSizeText + "')";
                // A heuristic sub-case: reported at Info (DESIGN: heuristics start at Info); .editorconfig severities
                // for NN0003 still apply to it.
                context.Report(Diagnostic.Create(
                    Descriptors.NN0003BatchUnawareSummation, gradient.GradientRead.Syntax.GetLocation(), DiagnosticSeverity.Info,
                    new[] { gradient.Application.Syntax.GetLocation() }, properties.ToImmutable(), message));
            }

            private void CheckBias(OperationBlockAnalysisContext context, IOperation creation)
            {
                var batchDimension = BatchAxis.BatchDimension(creation, _semantics.Symbols, out var isFirstDimension);
                if (batchDimension is null)
                {
                    return;
                }

                var storage = BatchAxis.StorageReceiving(creation);
                // A per-sample buffer for a bias gradient (biasGrad[units, batch]) is fine: it is summed later.
                // A local broadcast of the real bias for an addition (Dense(units, batchSize, (i, j) => B[i])) is a temporary.
                if (storage is null || _semantics.Parameters.Classify(storage) != ParameterKind.Bias || BatchGradients.IsGradientName(storage.Name)
                    || _axis.IsBroadcastOfParameter(storage, creation))
                {
                    return;
                }

                var shape = isFirstDimension ? "row" : "column";
                var properties = ImmutableDictionary.CreateBuilder<string, string?>();
                properties[KindKey] = KindBias;
                properties[BatchSizeKey] = shape;
                properties[DimensionKey] = batchDimension.Syntax.ToString();
                properties[FixableKey] = "true";
                var message = "bias '" + storage.Name + "' is allocated with a batch-size dimension ('" + batchDimension.Syntax
                    + "'); a bias has one " + shape;
                context.Report(Diagnostic.Create(
                    Descriptors.NN0003BatchUnawareSummation, batchDimension.Syntax.GetLocation(), properties.ToImmutable(), message));
            }

            private static string AxisWords(SampleAxis axis) => axis switch
            {
                SampleAxis.Columns => "column",
                SampleAxis.Rows => "row",
                _ => "column or row",
            };

            private static IOperation Root(IOperation operation)
            {
                var root = operation;
                while (root.Parent is not null)
                {
                    root = root.Parent;
                }

                return root;
            }
        }
    }
}
