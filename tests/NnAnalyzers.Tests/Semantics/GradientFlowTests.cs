using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using NnAnalyzers.Semantics;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    public class GradientFlowTests
    {
        [Theory]
        [InlineData("dW", true)]
        [InlineData("dB", true)]
        [InlineData("d_w", true)]
        [InlineData("dWeights", true)]
        [InlineData("dBias1", true)]
        [InlineData("DW", true)]
        [InlineData("db", true)]
        [InlineData("gradW", true)]
        [InlineData("grad_b", true)]
        [InlineData("grads", true)]
        [InlineData("deltas", true)]
        [InlineData("nablaW", true)]
        [InlineData("data", false)]
        [InlineData("dist", false)]
        [InlineData("decay", false)]
        [InlineData("dropout", false)]
        [InlineData("weights", false)]
        [InlineData("dx", false)]
        [InlineData("d", false)]
        [InlineData("dGamma", true)]
        [InlineData("dBeta", true)]
        [InlineData("dgamma", true)]
        [InlineData("dbeta", true)]
        [InlineData("d_beta", true)]
        [InlineData("dbeta1", true)]
        [InlineData("gamma", false)]
        [InlineData("beta1", false)]
        [InlineData("debate", false)]
        [InlineData("dt", false)]
        [InlineData("dy", false)]
        [InlineData("dX", false)]
        public void Gradient_names(string name, bool expected)
        {
            Assert.Equal(expected, GradientFlow.IsGradientName(name));
        }

        [Theory]
        [InlineData("Backward", true)]
        [InlineData("BackProp", true)]
        [InlineData("back_prop", true)]
        [InlineData("Backpropagate", true)]
        [InlineData("ComputeGradients", true)]
        [InlineData("Gradient", true)]
        [InlineData("CalcGrads", true)]
        [InlineData("ApplyGradients", false)]
        [InlineData("ClipGradients", false)]
        [InlineData("CreateGradients", false)]
        [InlineData("GradientNorm", false)]
        [InlineData("Forward", false)]
        [InlineData("Update", false)]
        public void Gradient_method_names(string name, bool expected)
        {
            Assert.Equal(expected, GradientFlow.HasGradientMethodName(name));
        }

        [Theory]
        [InlineData("lr", true)]
        [InlineData("learnRate", true)]
        [InlineData("learning_rate", true)]
        [InlineData("eta", true)]
        [InlineData("alpha", true)]
        [InlineData("momentum", false)]
        [InlineData("rate", false)]
        public void Learning_rate_names(string name, bool expected)
        {
            Assert.Equal(expected, GradientFlow.IsLearningRateName(name));
        }

        [Theory]
        [InlineData("Gradients", true, true)]     // a record's positional properties (their backing fields), one a scalar
        [InlineData("LayerGrads", true, true)]    // a class with a count beside the arrays
        [InlineData("Partials", true, false)]     // numbers, but not named like gradients
        [InlineData("GradientStop", false, false)] // a colour ramp's stop: a string among the numbers
        [InlineData("GradNode", false, false)]    // holds itself (a list): never a holder, and no endless walk
        [InlineData("GradCounts", false, false)]  // counts only
        public void Classes_that_hold_only_numbers(string type, bool carriesNumbers, bool isGradientsHolder)
        {
            var compilation = SemanticsTestHelper.Compile(@"
using MathNet.Numerics.LinearAlgebra;

public sealed record Gradients(double[,] Kernels, double[] KernelBias, double HeadBias)
{
    public static readonly string Name = ""g"";
    public double Norm => HeadBias * HeadBias;
}

public class LayerGrads { public Matrix<double> DW; public Vector<double> DB { get; set; } public int Samples; }
public struct Partials { public float[] Weights; public float Bias; }
public class GradientStop { public double Offset; public string Colour; }
public class GradNode { public double Value; public GradNode Next; }
public class GradCounts { public int Seen; public long Skipped; }
");
            var flow = NnSemantics.Create(compilation).GradientFlow;
            var symbol = compilation.GetTypeByMetadataName(type)!;
            Assert.Equal(carriesNumbers, flow.CarriesNumbers(symbol, 0));
            Assert.Equal(isGradientsHolder, flow.IsGradientsHolder(symbol));
        }

        [Fact]
        public void MathNet_operations_that_return_a_new_object_and_their_in_place_overloads()
        {
            var compilation = SemanticsTestHelper.Compile("public class C { }");
            var semantics = NnSemantics.Create(compilation);
            var mathNet = semantics.GradientFlow.MathNet;
            var matrix = semantics.Symbols.MatrixOfT!.Construct(compilation.GetSpecialType(SpecialType.System_Double));
            var vector = semantics.Symbols.VectorOfT!.Construct(compilation.GetSpecialType(SpecialType.System_Double));

            IMethodSymbol Method(INamedTypeSymbol type, string name, params string[] parameterNames) => type.GetMembers(name).OfType<IMethodSymbol>()
                .First(m => m.Parameters.Select(p => p.Name).SequenceEqual(parameterNames));

            var subtract = Method(matrix, "Subtract", "other");
            Assert.Equal(MathNetResultKind.Matrix, mathNet.ReturnsNewObject(subtract));
            Assert.Equal(MathNetResultKind.None, mathNet.ReturnsNewObject(Method(matrix, "Subtract", "other", "result")));
            Assert.Equal(MathNetResultKind.None, mathNet.ReturnsNewObject(matrix.GetMembers("MapInplace").OfType<IMethodSymbol>().First()));
            Assert.Equal(MathNetResultKind.Scalar, mathNet.ReturnsNewObject(Method(vector, "Sum")));
            Assert.Equal(MathNetResultKind.Vector, mathNet.ReturnsNewObject(Method(vector, "Add", "scalar")));
            Assert.Equal(MathNetResultKind.None, mathNet.ReturnsNewObject(matrix.GetMembers("ToString").OfType<IMethodSymbol>().First(m => m.Parameters.Length == 0)));

            Assert.NotNull(mathNet.FindInPlaceOverload(subtract, matrix));
            Assert.NotNull(mathNet.FindInPlaceOverload(Method(matrix, "Multiply", "scalar"), matrix));
            Assert.Null(mathNet.FindInPlaceOverload(Method(matrix, "Multiply", "other"), matrix));
            Assert.Null(mathNet.FindInPlaceOverload(Method(matrix, "Transpose"), matrix));
        }

        [Fact]
        public void Backprop_writes_nothing_and_update_writes_its_arguments()
        {
            var compilation = SemanticsTestHelper.Compile(@"
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + System.Math.Exp(-v)));

    public static (Dictionary<int, Matrix<double>> DW, Dictionary<int, Matrix<double>> DB) BackProp(Matrix<double> d, Dictionary<int, Matrix<double>> a)
    {
        var dW = new Dictionary<int, Matrix<double>>();
        var dB = new Dictionary<int, Matrix<double>>();
        dW[0] = d * a[0].Transpose();
        dB[0] = d.RowSums().ToColumnMatrix();
        return (dW, dB);
    }

    public static void Update(Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> dW, double lr)
    {
        var wi = w[0];
        wi.Subtract(lr * dW[0], wi);
    }

    public static void Step(Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> dW) => Update(w, dW, 0.1);

    private static readonly Dictionary<int, Matrix<double>> s_weights = new Dictionary<int, Matrix<double>>();

    public static void Apply(Matrix<double> dW)
    {
        if (s_weights.TryGetValue(0, out var wi))
        {
            wi.Subtract(dW, wi);
        }
    }

    public static Matrix<double> Scratch(Matrix<double> dW)
    {
        var copy = dW.Clone();
        copy.MapInplace(v => v * 2);
        return copy;
    }
}");
            var flow = NnSemantics.Create(compilation).GradientFlow;
            var type = compilation.GetTypeByMetadataName("Net")!;
            IMethodSymbol M(string name) => (IMethodSymbol)type.GetMembers(name).Single();

            Assert.False(flow.WritesState(M("BackProp"), CancellationToken.None));
            Assert.True(flow.ReturnsUnappliedGradients(M("BackProp"), CancellationToken.None));
            Assert.True(flow.WritesState(M("Update"), CancellationToken.None));
            Assert.True(flow.WritesState(M("Step"), CancellationToken.None));
            Assert.False(flow.ReturnsGradients(M("Sig"), CancellationToken.None));
            Assert.True(flow.WritesState(M("Apply"), CancellationToken.None));
            Assert.False(flow.WritesState(M("Scratch"), CancellationToken.None));
        }
    }
}
