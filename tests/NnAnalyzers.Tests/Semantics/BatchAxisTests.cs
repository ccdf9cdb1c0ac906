using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    /// <summary>Unit tests of "which axis holds the samples?" and "does this reduction cross it?".</summary>
    public class BatchAxisTests
    {
        [Theory]
        [InlineData("batch", true)]
        [InlineData("batchSize", true)]
        [InlineData("_miniBatch", true)]
        [InlineData("BATCH_SIZE", true)]
        [InlineData("numSamples", true)]
        [InlineData("sampleCount", true)]
        [InlineData("n_samples", true)]
        [InlineData("units", false)]
        [InlineData("sampleRate", false)]
        [InlineData("inputs", false)]
        public void Batch_size_names(string name, bool expected)
            => Assert.Equal(expected, BatchAxis.IsBatchName(name));

        [Fact]
        public void A_whole_sum_crosses_every_axis_but_a_single_sample()
        {
            Assert.True(BatchAxis.Crosses(ReductionKind.Whole, SampleAxis.Unknown));
            Assert.True(BatchAxis.Crosses(ReductionKind.Whole, SampleAxis.Columns));
            Assert.False(BatchAxis.Crosses(ReductionKind.Whole, SampleAxis.Single));
            Assert.True(BatchAxis.Crosses(ReductionKind.AcrossColumns, SampleAxis.Columns));
            Assert.False(BatchAxis.Crosses(ReductionKind.AcrossColumns, SampleAxis.Rows));
            Assert.True(BatchAxis.Crosses(ReductionKind.AcrossRows, SampleAxis.Rows));
            Assert.Equal(SampleAxis.Rows, BatchAxis.Flip(SampleAxis.Columns));
        }

        [Theory]
        [InlineData("var y = weights * x; return y;", "Columns")]
        [InlineData("var y = x * weights; return y;", "Rows")]
        [InlineData("var y = (weights * x).Transpose(); return y;", "Rows")]
        [InlineData("var y = weights.Multiply(x).PointwiseExp(); return y;", "Columns")]
        [InlineData("var y = weights.TransposeThisAndMultiply(x); return y;", "Columns")]
        [InlineData("var d = new Dictionary<int, Matrix<double>>(); d[0] = weights * x + bias; return d[0].Map(Math.Tanh);", "Columns")]
        [InlineData("return x.PointwiseExp();", "Unknown")]
        [InlineData("return x.Column(0).ToColumnMatrix();", "Single")]
        [InlineData("return Matrix<double>.Build.Dense(3, 1);", "Single")]
        public void Axis_of_a_matrix_from_the_code_that_made_it(string body, string expected)
        {
            var source = @"using System; using System.Collections.Generic; using MathNet.Numerics.LinearAlgebra;
public sealed class Network
{
    private readonly Matrix<double> weights = Matrix<double>.Build.Dense(2, 2);
    private readonly Matrix<double> bias = Matrix<double>.Build.Dense(2, 1);
    public Matrix<double> Forward(Matrix<double> x) { " + body + @" }
}";
            var compilation = SemanticsTestHelper.Compile(source);
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single();
            var bodyOperation = model.GetOperation(method.Body!)!;
            var returned = bodyOperation.Descendants().OfType<IReturnOperation>().Single().ReturnedValue;

            var semantics = NnSemantics.Create(compilation);
            var axis = new BatchAxis(semantics.Symbols, semantics.Parameters).OfMatrix(returned, bodyOperation);

            Assert.Equal(expected, axis.ToString());
        }
    }
}
