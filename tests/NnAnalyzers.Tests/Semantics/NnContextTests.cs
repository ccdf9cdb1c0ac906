using System.Linq;
using NnAnalyzers.Semantics;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    public class NnContextTests
    {
        [Theory]
        [InlineData("_hiddenWeights2", "hidden,weights")]
        [InlineData("dW1", "d,w")]
        [InlineData("learning_rate", "learning,rate")]
        [InlineData("HTTPServer", "http,server")]
        [InlineData("W", "w")]
        public void Identifiers_split_into_words(string identifier, string expected)
        {
            Assert.Equal(expected, string.Join(",", IdentifierWords.Split(identifier)));
        }

        [Theory]
        [InlineData("weights", ParameterKind.Weight)]
        [InlineData("_weightsIH", ParameterKind.Weight)]
        [InlineData("W", ParameterKind.Weight)]
        [InlineData("W1", ParameterKind.Weight)]
        [InlineData("w_hidden", ParameterKind.Weight)]
        [InlineData("Wxh", ParameterKind.Weight)]
        [InlineData("kernel", ParameterKind.Weight)]
        [InlineData("b", ParameterKind.Bias)]
        [InlineData("b2", ParameterKind.Bias)]
        [InlineData("outputBias", ParameterKind.Bias)]
        [InlineData("_biases", ParameterKind.Bias)]
        [InlineData("width", ParameterKind.None)]
        [InlineData("buffer", ParameterKind.None)]
        [InlineData("mask", ParameterKind.None)]
        [InlineData("bins", ParameterKind.None)]
        [InlineData("words", ParameterKind.None)]
        [InlineData("When", ParameterKind.None)]
        [InlineData("biasGrad", ParameterKind.None)]
        [InlineData("weightGradients", ParameterKind.None)]
        [InlineData("weightVelocity", ParameterKind.None)]
        [InlineData("dW", ParameterKind.None)]
        [InlineData("gW1", ParameterKind.None)]
        [InlineData("weightCount", ParameterKind.None)]
        [InlineData("bOut", ParameterKind.Bias)]
        public void Parameter_names(string name, ParameterKind expected)
        {
            Assert.Equal(expected, NetworkParameters.ClassifyName(name));
        }

        [Fact]
        public void A_network_class_is_an_nn_context_and_a_portfolio_is_not()
        {
            var compilation = SemanticsTestHelper.Compile(@"
class Layer
{
    double[,] _weights;
    double[] _bias;
    public double[] Forward(double[] x) => x;
}
class Portfolio
{
    double[] _weights;
    public void Rebalance() { }
}
class Graph
{
    double[,] weights;
    public int Edges;
}
static class Activations
{
    public static double Sigmoid(double z) => z;
}");
            var semantics = NnSemantics.Create(compilation);
            Assert.True(semantics.Context.IsNnType(compilation.GetTypeByMetadataName("Layer")!));
            Assert.True(semantics.Context.IsNnType(compilation.GetTypeByMetadataName("Activations")!));
            Assert.False(semantics.Context.IsNnType(compilation.GetTypeByMetadataName("Portfolio")!));
            Assert.False(semantics.Context.IsNnType(compilation.GetTypeByMetadataName("Graph")!));

            var layerWeights = compilation.GetTypeByMetadataName("Layer")!.GetMembers("_weights")[0];
            var portfolioWeights = compilation.GetTypeByMetadataName("Portfolio")!.GetMembers("_weights")[0];
            Assert.Equal(ParameterKind.Weight, semantics.Parameters.Classify(layerWeights));
            Assert.Equal(ParameterKind.None, semantics.Parameters.Classify(portfolioWeights));
            Assert.Equal(ParameterKind.Weight, semantics.Parameters.Classify(portfolioWeights, requireNnContext: false));
        }

        [Fact]
        public void A_type_counts_its_methods_parameters_with_its_own_names()
        {
            const string source = @"
class LogisticLayer
{
    public double[,] W;
    public double Step(double[,] X, double[,] y, double learningRate) => 0;
}
class Portfolio
{
    double[] _weights;
    public void Rebalance(double[] prices, double threshold) { }
}";
            var compilation = SemanticsTestHelper.Compile(source);
            var semantics = NnSemantics.Create(compilation);
            var layer = compilation.GetTypeByMetadataName("LogisticLayer")!;
            Assert.True(semantics.Context.IsNnType(layer));
            Assert.Equal(ParameterKind.Weight, semantics.Parameters.Classify(layer.GetMembers("W")[0]));
            Assert.False(semantics.Context.IsNnType(compilation.GetTypeByMetadataName("Portfolio")!));
            Assert.True(NnContext.DeclarationsShowSigns(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source)));
        }

        [Fact]
        public void Epochs_alone_do_not_make_a_simulation_nn_code_but_epochs_and_batches_do()
        {
            var compilation = SemanticsTestHelper.Compile(@"
class MonteCarlo
{
    public double RunEpochs(int epochs, System.Random rng) { double s = 0; for (int i = 0; i < epochs; i++) s += rng.NextDouble(); return s; }
}
class Experiment
{
    public void Run(int epochs, int batches) { }
}");
            var semantics = NnSemantics.Create(compilation);
            Assert.False(semantics.Context.IsNnType(compilation.GetTypeByMetadataName("MonteCarlo")!));
            Assert.False(semantics.Context.Contains(compilation.GetTypeByMetadataName("MonteCarlo")!.GetMembers("RunEpochs")[0]));
            Assert.True(semantics.Context.Contains(compilation.GetTypeByMetadataName("Experiment")!.GetMembers("Run")[0]));
        }

        [Fact]
        public void Compound_signs_written_as_two_words_count_and_int_counters_are_not_parameters()
        {
            var compilation = SemanticsTestHelper.Compile(@"
class Trainer
{
    double[] _b;
    public void BackProp(double[] x) { for (int b = 0; b < x.Length; b++) { } }
}
class Feeder
{
    public void FeedForward() { }
}
class Calendar
{
    public void Back() { }
    public void Prop() { }
}");
            var semantics = NnSemantics.Create(compilation);
            var trainer = compilation.GetTypeByMetadataName("Trainer")!;
            Assert.True(semantics.Context.IsNnType(trainer));
            Assert.True(semantics.Context.IsNnType(compilation.GetTypeByMetadataName("Feeder")!));
            Assert.False(semantics.Context.IsNnType(compilation.GetTypeByMetadataName("Calendar")!));

            Assert.Equal(ParameterKind.Bias, semantics.Parameters.Classify(trainer.GetMembers("_b")[0]));
            var tree = compilation.SyntaxTrees[0];
            var model = compilation.GetSemanticModel(tree);
            var loopVariable = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax>()
                .Select(v => Microsoft.CodeAnalysis.CSharp.CSharpExtensions.GetDeclaredSymbol(model, v)).Single(s => s!.Name == "b");
            Assert.Equal(ParameterKind.None, semantics.Parameters.Classify(loopVariable));
        }

        [Fact]
        public void Top_level_programs_count_their_local_functions()
        {
            var compilation = SemanticsTestHelper.Compile(@"
using System;
var r = new Random(0);
double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
Console.WriteLine(Sigmoid(r.NextDouble()));
", Microsoft.CodeAnalysis.OutputKind.ConsoleApplication);
            var semantics = NnSemantics.Create(compilation);
            var program = compilation.GetTypeByMetadataName("Program")!;
            Assert.True(semantics.Context.IsNnType(program));
        }
    }
}
