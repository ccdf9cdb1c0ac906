using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0006TrainingLoopNeverUpdatesAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0006TrainingLoopNeverUpdatesFixer>;

namespace NnAnalyzers.Tests.Rules
{
    /// <summary>
    /// NN0006 on whole small programs of the kinds users write: ports of numpy code on arrays and MathNet, small
    /// libraries with optimizers in other classes, interfaces and virtual dispatch, delegates, top-level statements,
    /// async loops, and the loops that are not training (evaluation, prediction, Monte-Carlo, gradient checks).
    /// </summary>
    public class NN0006RealWorldTests
    {
        // Our reference library (src/NnAnalyzers.Network) as users get it: a compiled assembly, built once from its sources.
        private static readonly System.Lazy<MetadataReference> s_library = new System.Lazy<MetadataReference>(() =>
        {
            var trees = System.Linq.Enumerable.Select(
                System.IO.Directory.GetFiles(RepositoryPaths.Combine("src", "NnAnalyzers.Network"), "*.cs"),
                path => CSharpSyntaxTree.ParseText(System.IO.File.ReadAllText(path), new CSharpParseOptions(LanguageVersion.Latest), path));
            var compilation = CSharpCompilation.Create(
                "NnAnalyzers.Network",
                trees,
                NnAnalyzers.Tests.Verifiers.TestReferences.All,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            using var stream = new System.IO.MemoryStream();
            var result = compilation.Emit(stream);
            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
            return MetadataReference.CreateFromImage(stream.ToArray());
        });

        private static void AddLibrary(SolutionState state) => state.AdditionalReferences.Add(s_library.Value);

        private static async Task WithLibrary(string source)
        {
            var test = new Verify.Test { TestCode = source };
            AddLibrary(test.TestState);
            await test.RunAsync();
        }

        private static DiagnosticResult At(int marker, string message) => Verify.Diagnostic().WithLocation(marker).WithArguments(message);

        private static async Task NoFix(string source, params DiagnosticResult[] expected)
        {
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.AddRange(expected);
            test.FixedState.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync();
        }

        // A small jagged-array MLP used by several programs: Forward multiplies by the weights, Backward returns the
        // gradients and writes nothing, Apply writes the weights.
        private const string ArrayMlp = @"
public sealed class Mlp
{
    public double[][] Weights;
    public double[] Bias;

    public Mlp(int inputs, int outputs)
    {
        Weights = new double[outputs][];
        for (var o = 0; o < outputs; o++)
            Weights[o] = new double[inputs];
        Bias = new double[outputs];
    }

    public double[] Forward(double[] x)
    {
        var y = new double[Bias.Length];
        for (var o = 0; o < y.Length; o++)
        {
            var s = Bias[o];
            for (var i = 0; i < x.Length; i++)
                s += Weights[o][i] * x[i];
            y[o] = 1.0 / (1.0 + System.Math.Exp(-s));
        }

        return y;
    }

    public (double[][] DW, double[] DB) Backward(double[] x, double[] y, double[] target)
    {
        var dW = new double[y.Length][];
        var dB = new double[y.Length];
        for (var o = 0; o < y.Length; o++)
        {
            dB[o] = y[o] - target[o];
            dW[o] = new double[x.Length];
            for (var i = 0; i < x.Length; i++)
                dW[o][i] = dB[o] * x[i];
        }

        return (dW, dB);
    }

    public void Apply(double[][] dW, double[] dB, double lr)
    {
        for (var o = 0; o < Bias.Length; o++)
        {
            Bias[o] -= lr * dB[o];
            for (var i = 0; i < Weights[o].Length; i++)
                Weights[o][i] -= lr * dW[o][i];
        }
    }

    public static double Mse(double[] y, double[] target)
    {
        double sum = 0;
        for (var o = 0; o < y.Length; o++)
            sum += (y[o] - target[o]) * (y[o] - target[o]);
        return sum / y.Length;
    }
}
";

        // ------------------------------------------------------------------ buggy programs: the rule fires

        [Theory]
        [InlineData(LanguageVersion.CSharp7_3)]
        [InlineData(LanguageVersion.Latest)]
        public async Task Foreach_over_batches_with_the_update_commented_out_is_reported_and_fixed(LanguageVersion version)
        {
            string Program(string step) => ArrayMlp + @"
public static class Training
{
    public static double Train(Mlp mlp, System.Collections.Generic.List<double[][]> batches, double[][] targets, int epochs, double lr)
    {
        double loss = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in batches)
            {
                for (var n = 0; n < batch.Length; n++)
                {
                    var y = mlp.Forward(batch[n]);
                    loss += Mlp.Mse(y, targets[n]);
" + step + @"
                }
            }
        }

        return loss;
    }
}
";
            var test = new Verify.Test
            {
                LanguageVersion = version,
                TestCode = Program(@"                    var (dW, dB) = {|#1:mlp.Backward(batch[n], y, targets[n])|};
                    // mlp.Apply(dW, dB, lr);").Replace("        for (var epoch", "        {|#0:for|} (var epoch"),
                FixedCode = Program(@"                    var (dW, dB) = mlp.Backward(batch[n], y, targets[n]);
                    mlp.Apply(dW, dB, lr);
                    // mlp.Apply(dW, dB, lr);"),
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients of Backward(...) are never applied"));
            await test.RunAsync();
        }

        [Fact]
        public async Task While_epoch_increment_loop_that_discards_the_gradients_is_reported_and_fixed()
        {
            string Program(string step) => ArrayMlp + @"
public static class Training
{
    public static void Fit(Mlp mlp, double[][] xs, double[][] ts, int epochs, double lr)
    {
        var epoch = 0;
        while (epoch++ < epochs)
        {
            for (var n = 0; n < xs.Length; n++)
            {
                var y = mlp.Forward(xs[n]);
                var error = Mlp.Mse(y, ts[n]);
" + step + @"
            }
        }
    }
}
";
            var test = new Verify.Test
            {
                TestCode = Program("                {|#1:mlp.Backward(xs[n], y, ts[n])|};").Replace("        while (epoch++", "        {|#0:while|} (epoch++"),
                FixedCode = Program(@"                var (dW, dB) = mlp.Backward(xs[n], y, ts[n]);
                mlp.Apply(dW, dB, lr);"),
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(
                "this loop runs a forward pass (Forward(...)) and a loss ('error') but never updates a weight or bias: the gradients of Backward(...) are never applied"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Library_loop_whose_step_was_commented_out_is_reported_and_fixed_with_the_optimizer()
        {
            string Program(string step) => @"
using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;
using NnAnalyzers.Network;

public static class Experiment
{
    public static void Run(List<(Matrix<double> X, Matrix<double> Y)> batches, int epochs)
    {
        var network = DenseNetwork.Create(4, new[] { 8 }, 3, new Random(0));
        var optimizer = new AdamOptimizer(1e-3);
        var loss = Loss.SoftmaxCrossEntropy;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            double total = 0;
            foreach (var batch in batches)
            {
                var output = network.Forward(batch.X);
                total += loss.Value(output, batch.Y);
" + step + @"
            }

            Console.WriteLine(total);
        }
    }
}
";
            var test = new Verify.Test
            {
                TestCode = Program(@"                var gradients = {|#1:network.Backward(batch.X, batch.Y, loss)|};
                // optimizer.Step(network, gradients);").Replace("        for (var epoch", "        {|#0:for|} (var epoch"),
                FixedCode = Program(@"                var gradients = network.Backward(batch.X, batch.Y, loss);
                optimizer.Step(network, gradients);
                // optimizer.Step(network, gradients);"),
            };
            AddLibrary(test.TestState);
            AddLibrary(test.FixedState);
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(
                "this loop runs a forward pass (Forward(...)) and a loss (Value(...)) but never updates a weight or bias: the gradients of Backward(...) are never applied"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Top_level_program_with_local_functions_is_reported_and_silent_once_updated()
        {
            string Program(string step) => @"
using System;
using MathNet.Numerics.LinearAlgebra;

var rng = new Random(1);
var x = Matrix<double>.Build.Random(4, 16);
var y = Matrix<double>.Build.Random(1, 16);
var W = Matrix<double>.Build.Random(1, 4) * 0.1;
var b = Matrix<double>.Build.Dense(1, 16);
var lr = 0.01;
for (var epoch = 0; epoch < 100; epoch++)
{
    var pred = Forward(x, W, b);
    var loss = Mse(pred, y);
" + step + @"
    Console.WriteLine(loss);
}

static Matrix<double> Forward(Matrix<double> x, Matrix<double> W, Matrix<double> b) => W * x + b;
static double Mse(Matrix<double> p, Matrix<double> y) => (p - y).PointwisePower(2).RowSums().Sum() / p.ColumnCount;
static (Matrix<double> DW, Matrix<double> DB) Backward(Matrix<double> x, Matrix<double> p, Matrix<double> y)
{
    var d = (p - y) * (2.0 / p.ColumnCount);
    return (d * x.Transpose(), d);
}
static void Update(Matrix<double> W, Matrix<double> b, Matrix<double> dW, Matrix<double> dB, double lr)
{
    W.Subtract(dW * lr, W);
    b.Subtract(dB * lr, b);
}
";
            // The update method is a local function of the top-level program: the fix finds it in scope at the call.
            var source = Program("    {|#1:Backward(x, pred, y)|};").Replace("\nfor (var epoch", "\n{|#0:for|} (var epoch");
            var expected = Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients of Backward(...) are never applied");
            var test = new Verify.Test
            {
                LanguageVersion = LanguageVersion.Latest,
                TestState = { OutputKind = OutputKind.ConsoleApplication },
                TestCode = source,
                FixedCode = Program(@"    var (dW1, dB1) = Backward(x, pred, y);
    Update(W, b, dW1, dB1, lr);"),
            };
            test.ExpectedDiagnostics.Add(expected);
            test.FixedState.OutputKind = OutputKind.ConsoleApplication;
            await test.RunAsync();
            await new Verify.Test
            {
                LanguageVersion = LanguageVersion.Latest,
                TestState = { OutputKind = OutputKind.ConsoleApplication },
                TestCode = Program(@"    var (dW, dB) = Backward(x, pred, y);
    Update(W, b, dW, dB, lr);"),
            }.RunAsync();
        }

        [Fact]
        public async Task Async_training_loop_without_a_step_is_reported()
        {
            var source = ArrayMlp + @"
public static class Training
{
    public static async System.Threading.Tasks.Task<double> TrainAsync(Mlp mlp, double[][] xs, double[][] ts, int epochs)
    {
        double loss = 0;
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var n = 0; n < xs.Length; n++)
            {
                var y = await System.Threading.Tasks.Task.Run(() => mlp.Forward(xs[n]));
                loss += Mlp.Mse(y, ts[n]);
                var grads = await System.Threading.Tasks.Task.Run(() => mlp.Backward(xs[n], y, ts[n]));
            }

            await System.Threading.Tasks.Task.Delay(1);
        }

        return loss;
    }
}
";
            await NoFix(source, At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients of Backward(...) are never applied"));
        }

        [Fact]
        public async Task Perceptron_that_computes_its_gradient_inline_and_drops_it_is_reported()
        {
            var source = @"
public class Perceptron
{
    private readonly double[] _weights = new double[3];
    private double _bias;

    public double Train(double[][] samples, double[] labels, int epochs, double learningRate)
    {
        double cost = 0;
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var s = 0; s < samples.Length; s++)
            {
                var z = _bias;
                for (var j = 0; j < 3; j++)
                    z += _weights[j] * samples[s][j];
                var error = z - labels[s];
                cost += error * error;
                var gradW = new double[3];
                for (var j = 0; j < 3; j++)
                    gradW[j] = learningRate * error * samples[s][j];
            }
        }

        return cost;
    }
}";
            await NoFix(source, At(0,
                "this loop runs a forward pass ('_weights[j] * samples[s][j]') and a loss ('error') but never updates a weight or bias: the gradients 'gradW' are never applied"));
        }

        [Fact]
        public async Task Saving_the_best_weights_is_not_an_update()
        {
            var source = @"
public class Perceptron
{
    private double[] _weights = new double[3];

    public double[] Train(double[][] samples, double[] labels, int epochs)
    {
        var best = double.MaxValue;
        var bestWeights = (double[])_weights.Clone();
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            double loss = 0;
            for (var s = 0; s < samples.Length; s++)
            {
                double output = 0;
                for (var j = 0; j < 3; j++)
                    output += _weights[j] * samples[s][j];
                loss += (output - labels[s]) * (output - labels[s]);
            }

            if (loss < best)
            {
                best = loss;
                bestWeights = (double[])_weights.Clone();
            }
        }

        return bestWeights;
    }
}";
            await NoFix(source, At(0,
                "this loop runs a forward pass ('_weights[j] * samples[s][j]') and a loss ('loss') but never updates a weight or bias: no gradients are even computed"));
        }

        [Fact]
        public async Task An_epoch_callback_whose_only_lambda_observes_is_still_a_warning()
        {
            var source = ArrayMlp + @"
public static class Training
{
    public static void Train(Mlp mlp, double[][] xs, double[][] ts, int epochs, System.Action<int, Mlp> onEpoch)
    {
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            double loss = 0;
            for (var n = 0; n < xs.Length; n++)
            {
                var y = mlp.Forward(xs[n]);
                loss += Mlp.Mse(y, ts[n]);
                {|#1:mlp.Backward(xs[n], y, ts[n])|};
            }

            onEpoch(epoch, mlp);
        }
    }

    public static void Main()
    {
        var mlp = new Mlp(2, 1);
        Train(mlp, new[] { new[] { 0.0, 1.0 } }, new[] { new[] { 1.0 } }, 10, (e, m) => System.Console.WriteLine(m.Weights[0][0]));
    }
}
";
            // No learning rate in scope: NN0004's fix (and so this one) is not offered.
            await NoFix(source, Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning).WithArguments(
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients of Backward(...) are never applied"));
        }

        [Fact]
        public async Task A_forward_pass_that_writes_a_new_one_hot_vector_writes_no_state_and_is_a_warning()
        {
            // Session 13's probe (V074): a GRU language model whose loop only recomputes the loss. Forward writes x[t] = 1
            // into a vector it just built (Vector<double>.Build.Dense): new, not shared state — nothing is out of sight.
            const string source = @"
using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public class GruLm
{
    private Matrix<double> Wz, Wh, Wy;

    public GruLm(int vocab, int hidden)
    {
        Wz = Matrix<double>.Build.Random(hidden, vocab + hidden).Multiply(0.01);
        Wh = Matrix<double>.Build.Random(hidden, vocab + hidden).Multiply(0.01);
        Wy = Matrix<double>.Build.Random(vocab, hidden).Multiply(0.01);
    }

    static Vector<double> Sigmoid(Vector<double> v) => v.Map(x => 1.0 / (1.0 + Math.Exp(-x)));

    public Vector<double> Forward(IReadOnlyList<int> tokens, int vocab)
    {
        var h = Vector<double>.Build.Dense(Wy.ColumnCount);
        foreach (var t in tokens)
        {
            var x = Vector<double>.Build.Dense(vocab); x[t] = 1;
            var xh = Vector<double>.Build.DenseOfEnumerable(x.Concat(h));
            var z = Sigmoid(Wz * xh);
            var hTilde = (Wh * xh).PointwiseTanh();
            h = (1 - z).PointwiseMultiply(h) + z.PointwiseMultiply(hTilde);
        }
        return Wy * h;
    }

    public static double CrossEntropy(Vector<double> logits, int target)
    {
        var m = logits.Maximum();
        return m + Math.Log((logits - m).PointwiseExp().Sum()) - logits[target];
    }

    public void Train(List<int[]> sequences, int vocab, int epochs)
    {
        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
        {
            double total = 0;
            foreach (var seq in sequences)
            {
                var logits = Forward(seq[..^1], vocab);
                total += CrossEntropy(logits, seq[^1]);
            }
            Console.WriteLine($""epoch {epoch} loss {total / sequences.Count:F4}"");
        }
    }
}";
            await NoFix(source, Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithArguments(
                "this loop runs a forward pass (Forward(...)) and a loss (CrossEntropy(...)) but never updates a weight or bias: no gradients are even computed"));
        }

        [Fact]
        public async Task A_virtual_update_whose_only_override_in_the_compilation_writes_nothing_is_info()
        {
            var source = @"
public class Layer
{
    public double[] Weights = new double[3];

    public double Forward(double[] x)
    {
        double s = 0;
        for (var j = 0; j < 3; j++)
            s += Weights[j] * x[j];
        return s;
    }

    public virtual void Learn(double[] x, double error)
    {
    }
}

public static class Loop
{
    public static double Run(Layer layer, double[][] samples, double[] labels, int epochs)
    {
        double cost = 0;
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var s = 0; s < samples.Length; s++)
            {
                var output = layer.Forward(samples[s]);
                var error = output - labels[s];
                cost += error * error;
                var delta = new double[3];
                for (var j = 0; j < 3; j++)
                    delta[j] = error * samples[s][j];
                layer.Learn(samples[s], error);
            }
        }

        return cost;
    }
}";
            await NoFix(source, At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('error') but never updates a weight or bias: the gradients 'delta' are never applied")
                .WithSeverity(DiagnosticSeverity.Info));
        }

        [Fact]
        public async Task Gradients_computed_with_mathnet_in_the_loop_and_never_subtracted_are_reported()
        {
            var source = @"
using MathNet.Numerics.LinearAlgebra;

public sealed class LogisticRegression
{
    public Matrix<double> W { get; set; }

    private static double Sigmoid(double v) => 1.0 / (1.0 + System.Math.Exp(-v));

    public double Fit(Matrix<double> x, Matrix<double> y, int iterations, double lr)
    {
        double loss = 0;
        {|#0:for|} (var it = 0; it < iterations; it++)
        {
            var z = W * x;
            var p = z.Map(Sigmoid);
            loss = -(y.PointwiseMultiply(p.PointwiseLog()) + (1 - y).PointwiseMultiply((1 - p).PointwiseLog())).RowSums().Sum() / x.ColumnCount;
            var dW = (p - y) * x.Transpose() / x.ColumnCount;
            var step = lr * dW;
        }

        return loss;
    }
}";
            await NoFix(source, At(0,
                "this loop runs a forward pass ('W * x') and a loss ('loss') but never updates a weight or bias: the gradients 'dW' are never applied"));
        }

        [Fact]
        public async Task Class_based_network_that_caches_activations_and_gradients_in_fields_is_a_warning()
        {
            var source = @"
using MathNet.Numerics.LinearAlgebra;

public sealed class TwoLayerNet
{
    private Matrix<double> _w1, _w2;
    private Matrix<double> _hidden, _output;
    private Matrix<double> _gradW1, _gradW2;

    public TwoLayerNet(Matrix<double> w1, Matrix<double> w2)
    {
        _w1 = w1;
        _w2 = w2;
    }

    public Matrix<double> Forward(Matrix<double> x)
    {
        _hidden = (_w1 * x).Map(System.Math.Tanh);
        _output = _w2 * _hidden;
        return _output;
    }

    public void Backward(Matrix<double> x, Matrix<double> y)
    {
        var d2 = _output - y;
        _gradW2 = d2 * _hidden.Transpose();
        var d1 = (_w2.Transpose() * d2).PointwiseMultiply(1 - _hidden.PointwisePower(2));
        _gradW1 = d1 * x.Transpose();
    }

    public void Step(double lr)
    {
        _w1 -= lr * _gradW1;
        _w2 -= lr * _gradW2;
    }

    public double Train(Matrix<double> x, Matrix<double> y, int epochs, double lr)
    {
        double loss = 0;
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            var output = Forward(x);
            loss = (output - y).FrobeniusNorm();
            Backward(x, y);
        }

        return loss;
    }
}";
            await NoFix(source, At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients of Backward(...) are never applied"));
        }

        [Fact]
        public async Task Do_while_loop_over_deconstructed_batches_with_a_decaying_learning_rate_is_reported_and_fixed()
        {
            string Program(string step) => ArrayMlp + @"
public sealed class Schedule
{
    public double LearningRate = 0.5;
}

public static class Training
{
    public static void Train(Mlp mlp, System.Collections.Generic.List<(double[] X, double[] T)> batches, int epochs, Schedule schedule, double lr)
    {
        var epoch = 0;
        do
        {
            foreach (var (x, t) in batches)
            {
                var y = mlp.Forward(x);
                var error = Mlp.Mse(y, t);
" + step + @"
            }

            schedule.LearningRate = schedule.LearningRate * 0.9;
            epoch++;
        }
        while (epoch < epochs);
    }
}
";
            var test = new Verify.Test
            {
                TestCode = Program("                {|#1:mlp.Backward(x, y, t)|};").Replace("        do\n", "        {|#0:do|}\n"),
                FixedCode = Program(@"                var (dW, dB) = mlp.Backward(x, y, t);
                mlp.Apply(dW, dB, lr);"),
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(
                "this loop runs a forward pass (Forward(...)) and a loss ('error') but never updates a weight or bias: the gradients of Backward(...) are never applied"));
            await test.RunAsync();
        }

        // A local clone of the parameters is another array: stepping it, whatever it is called, updates nothing.
        private const string ClonedWeights = @"
using System;

public class Perceptron
{
    public double[] Weights = new double[3];

    public double Predict(double[] x) { double z = 0; for (int i = 0; i < x.Length; i++) z += Weights[i] * x[i]; return 1 / (1 + Math.Exp(-z)); }

    public void Train(double[][] xs, double[] ys, int epochs, double lr)
    {
        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
            for (int n = 0; n < xs.Length; n++)
            {
                var error = Predict(xs[n]) - ys[n];
                var loss = error * error;
                var COPY = (double[])Weights.Clone();
                for (int i = 0; i < COPY.Length; i++) COPY[i] -= lr * error * xs[n][i];
WRITEBACK            }
    }
}";

        [Theory]
        [InlineData("w")]
        [InlineData("next")]
        [InlineData("weights")]
        public async Task Stepping_a_local_clone_of_the_weights_is_not_an_update(string copy)
        {
            await NoFix(ClonedWeights.Replace("COPY", copy).Replace("WRITEBACK", ""), At(0,
                "this loop runs a forward pass (Predict(...)) and a loss ('error') but never updates a weight or bias: no gradients are even computed"));
        }

        // A struct read from a list is a copy: its field is written, the list's element is not.
        private const string StructConnections = @"
using System;
using System.Collections.Generic;
using System.Linq;

public KIND Connection { public int From; public double Weight; }

public class Neuron
{
    public List<Connection> Inputs = new List<Connection>();

    public double Forward(double[] x) => Math.Tanh(Inputs.Sum(c => c.Weight * x[c.From]));

    public void Train(double[][] xs, double[] ys, int epochs, double lr)
    {
        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
            for (int n = 0; n < xs.Length; n++)
            {
                var o = Forward(xs[n]);
                var error = o - ys[n];
                var loss = error * error;
                for (int k = 0; k < Inputs.Count; k++)
                {
                    var c = Inputs[k];
                    c.Weight -= lr * error * (1 - o * o) * xs[n][c.From];
WRITEBACK                }
            }
    }
}";

        [Fact]
        public async Task Stepping_a_copy_of_a_struct_connection_is_not_an_update()
        {
            await NoFix(StructConnections.Replace("KIND", "struct").Replace("WRITEBACK", ""), At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('error') but never updates a weight or bias: no gradients are even computed"));
        }

        // ------------------------------------------------------------------ correct programs: the rule is silent

        [Fact]
        public async Task Micrograd_style_step_over_the_parameters_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System.Collections.Generic;
using System.Linq;

public sealed class Value
{
    public double Data;
    public double Grad;
    public Value(double data) => Data = data;
}

public sealed class Neuron
{
    public readonly List<Value> Parameters = new List<Value> { new Value(0.1), new Value(-0.2) };

    public double Forward(double[] x) => Parameters[0].Data * x[0] + Parameters[1].Data;

    public void Backward(double[] x, double error)
    {
        Parameters[0].Grad += error * x[0];
        Parameters[1].Grad += error;
    }
}

public sealed class Sgd
{
    private readonly IEnumerable<Value> _parameters;
    private readonly double _learningRate;

    public Sgd(IEnumerable<Value> parameters, double learningRate)
    {
        _parameters = parameters;
        _learningRate = learningRate;
    }

    public void ZeroGrad()
    {
        foreach (var p in _parameters)
            p.Grad = 0;
    }

    public void Advance()
    {
        foreach (var p in _parameters)
            p.Data -= _learningRate * p.Grad;
    }
}

public static class Training
{
    public static double Run(Neuron neuron, double[][] xs, double[] ys, int epochs, double lr)
    {
        var optimizer = new Sgd(neuron.Parameters, lr);
        double loss = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            loss = 0;
            optimizer.ZeroGrad();
            for (var i = 0; i < xs.Length; i++)
            {
                var error = neuron.Forward(xs[i]) - ys[i];
                loss += error * error;
                neuron.Backward(xs[i], 2 * error);
            }

            optimizer.Advance();
        }

        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var error = neuron.Forward(xs[0]) - ys[0];
            loss = error * error;
            neuron.Backward(xs[0], 2 * error);
            foreach (var p in neuron.Parameters)
                p.Data = p.Data - lr * p.Grad;
        }

        return loss;
    }
}");
        }


        [Fact]
        public async Task Optimizer_step_in_another_class_that_writes_the_layer_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(ArrayMlp + @"
public sealed class Sgd
{
    private readonly double _lr;

    public Sgd(double lr) => _lr = lr;

    public void Step(Mlp layer, (double[][] DW, double[] DB) g)
    {
        for (var o = 0; o < layer.Bias.Length; o++)
        {
            layer.Bias[o] -= _lr * g.DB[o];
            for (var i = 0; i < layer.Weights[o].Length; i++)
                layer.Weights[o][i] -= _lr * g.DW[o][i];
        }
    }
}

public static class Training
{
    public static void Train(Mlp mlp, Sgd optimizer, double[][] xs, double[][] ts, int epochs)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var n = 0; n < xs.Length; n++)
            {
                var y = mlp.Forward(xs[n]);
                var loss = Mlp.Mse(y, ts[n]);
                optimizer.Step(mlp, mlp.Backward(xs[n], y, ts[n]));
            }
        }
    }
}
");
        }

        [Fact]
        public async Task Optimizer_interface_whose_implementation_writes_the_weights_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(ArrayMlp + @"
public interface IParameterRule
{
    void Apply(Mlp layer, double[][] dW, double[] dB);
}

public sealed class PlainDescent : IParameterRule
{
    void IParameterRule.Apply(Mlp layer, double[][] dW, double[] dB)
    {
        for (var o = 0; o < layer.Bias.Length; o++)
        {
            layer.Bias[o] -= 0.1 * dB[o];
            for (var i = 0; i < layer.Weights[o].Length; i++)
                layer.Weights[o][i] -= 0.1 * dW[o][i];
        }
    }
}

public static class Training
{
    public static void Train(Mlp mlp, IParameterRule rule, double[][] xs, double[][] ts, int epochs)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var n = 0; n < xs.Length; n++)
            {
                var y = mlp.Forward(xs[n]);
                var loss = Mlp.Mse(y, ts[n]);
                var (dW, dB) = mlp.Backward(xs[n], y, ts[n]);
                rule.Apply(mlp, dW, dB);
            }
        }
    }
}
");
        }

        [Fact]
        public async Task Abstract_method_overridden_in_the_compilation_that_writes_the_weights_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(@"
using MathNet.Numerics.LinearAlgebra;

public abstract class Rule
{
    public abstract void Apply(Matrix<double> weights, Matrix<double> gradient);
}

public sealed class Momentum : Rule
{
    private Matrix<double> _velocity;

    public override void Apply(Matrix<double> weights, Matrix<double> gradient)
    {
        _velocity = _velocity == null ? gradient * 0.1 : _velocity * 0.9 + gradient * 0.1;
        weights.Subtract(_velocity, weights);
    }
}

public static class Training
{
    public static double Run(Matrix<double> W, Matrix<double> x, Matrix<double> y, Rule rule, int epochs)
    {
        double loss = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var output = W * x;
            loss = (output - y).FrobeniusNorm();
            var grad = (output - y) * x.Transpose();
            rule.Apply(W, grad);
        }

        return loss;
    }
}");
        }

        [Fact]
        public async Task Weights_property_setter_and_in_place_mathnet_on_arrays_of_matrices_are_updates()
        {
            await Verify.VerifyAnalyzerAsync(@"
using MathNet.Numerics.LinearAlgebra;

public sealed class DenseLayer
{
    public Matrix<double> Weights { get; set; }
    public Vector<double> Biases { get; set; }

    public Matrix<double> Forward(Matrix<double> x) => Weights * x;
}

public static class Training
{
    public static double Train(DenseLayer layer, Matrix<double>[] w, Matrix<double>[] batchesX, Matrix<double>[] batchesY, int epochs, double lr)
    {
        double loss = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var k = 0; k < batchesX.Length; k++)
            {
                var output = layer.Forward(batchesX[k]);
                var diff = output - batchesY[k];
                loss += diff.FrobeniusNorm();
                var grad = diff * batchesX[k].Transpose();
                layer.Weights = layer.Weights - lr * grad;
                w[0].Subtract(grad * lr, w[0]);
            }
        }

        return loss;
    }
}");
        }

        [Fact]
        public async Task Library_trainer_and_sgd_are_updates()
        {
            await WithLibrary(@"
using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;
using NnAnalyzers.Network;

public static class Experiment
{
    public static void Run(Matrix<double> x, Matrix<double> y, List<(Matrix<double> X, Matrix<double> Y)> batches, int epochs)
    {
        var network = DenseNetwork.Create(4, new[] { 8 }, 3, new Random(0));
        var loss = Loss.SoftmaxCrossEntropy;
        var sgd = new SgdOptimizer(0.1, 0.9);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in batches)
            {
                var output = network.Forward(batch.X);
                var cost = loss.Value(output, batch.Y);
                sgd.Step(network, network.Backward(batch.X, batch.Y, loss));
            }
        }

        var trainer = new Trainer(network, loss, new AdamOptimizer(), new TrainerOptions { Epochs = 1 });
        for (var round = 0; round < 3; round++)
        {
            var result = trainer.Fit(x, y);
            var prediction = network.Forward(x);
            Console.WriteLine(loss.Value(prediction, y) + result.History.Count);
        }
    }
}");
        }

        [Fact]
        public async Task Evaluation_loops_after_training_are_not_training_loops()
        {
            await WithLibrary(@"
using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;
using NnAnalyzers.Network;

public static class Experiment
{
    public static void Train(DenseNetwork network, Optimizer optimizer, List<(Matrix<double> X, Matrix<double> Y)> batches,
        List<(Matrix<double> X, Matrix<double> Y)> validationBatches, int epochs)
    {
        var loss = Loss.SoftmaxCrossEntropy;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in batches)
            {
                var output = network.Forward(batch.X);
                var cost = loss.Value(output, batch.Y);
                optimizer.Step(network, network.Backward(batch.X, batch.Y, loss));
            }

            double validationLoss = 0;
            foreach (var batch in validationBatches)
            {
                validationLoss += loss.Value(network.Forward(batch.X), batch.Y);
            }

            Console.WriteLine(validationLoss);
        }

        double testLoss = 0;
        foreach (var batch in validationBatches)
        {
            var prediction = network.Forward(batch.X);
            testLoss += loss.Value(prediction, batch.Y);
        }

        Console.WriteLine(testLoss);
    }

    public static double Report(DenseNetwork network, List<(Matrix<double> X, Matrix<double> Y)> batches)
    {
        double error = 0;
        foreach (var batch in batches)
        {
            var output = network.Forward(batch.X);
            error += Loss.MeanSquaredError.Value(output, batch.Y);
        }

        return error / batches.Count;
    }
}");
        }

        [Fact]
        public async Task Top_level_prediction_loop_over_the_test_samples_is_not_a_training_loop()
        {
            await new Verify.Test
            {
                LanguageVersion = LanguageVersion.Latest,
                TestState = { OutputKind = OutputKind.ConsoleApplication },
                TestCode = @"
using System;

var weights = new[] { 0.2, -0.4, 0.1 };
var samples = new[] { new[] { 1.0, 2.0, 3.0 }, new[] { 0.5, 0.1, 0.0 } };
var labels = new[] { 1.0, 0.0 };
double loss = 0;
for (var s = 0; s < samples.Length; s++)
{
    var z = 0.0;
    for (var j = 0; j < weights.Length; j++)
        z += weights[j] * samples[s][j];
    var p = 1.0 / (1.0 + Math.Exp(-z));
    loss += -(labels[s] * Math.Log(p + 1e-12) + (1 - labels[s]) * Math.Log(1 - p + 1e-12));
}

Console.WriteLine($""test loss {loss / samples.Length}, epochs trained elsewhere"");
",
            }.RunAsync();
        }

        [Fact]
        public async Task Monte_carlo_simulation_over_epochs_is_not_a_training_loop()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System;

public static class RiskSimulation
{
    public static double Run(double[] weights, double[] mean, double[] sigma, double target, int epochs, Random rng)
    {
        double error = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            double portfolio = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                var u = 1.0 - rng.NextDouble();
                var gauss = Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
                portfolio += weights[i] * (mean[i] + sigma[i] * gauss);
            }

            error += (portfolio - target) * (portfolio - target);
        }

        return error / epochs;
    }
}");
        }

        [Fact]
        public async Task Gradient_check_loop_is_not_a_training_loop()
        {
            await Verify.VerifyAnalyzerAsync(ArrayMlp + @"
public static class GradientChecks
{
    public static double CheckGradients(Mlp mlp, double[][] samples, double[][] targets)
    {
        const double eps = 1e-5;
        double worst = 0;
        foreach (var sample in samples)
        {
            var y = mlp.Forward(sample);
            var loss = Mlp.Mse(y, targets[0]);
            var (dW, _) = mlp.Backward(sample, y, targets[0]);
            var saved = mlp.Weights[0][0];
            mlp.Weights[0][0] = saved + eps;
            var plus = Mlp.Mse(mlp.Forward(sample), targets[0]);
            mlp.Weights[0][0] = saved - eps;
            var minus = Mlp.Mse(mlp.Forward(sample), targets[0]);
            mlp.Weights[0][0] = saved;
            worst = System.Math.Max(worst, System.Math.Abs((plus - minus) / (2 * eps) - dW[0][0]));
        }

        return worst;
    }

    public static double VerifyBackward(Mlp mlp, double[][] samples, double[][] targets)
    {
        const double eps = 1e-5;
        double worst = 0;
        for (var s = 0; s < samples.Length; s++)
        {
            var y = mlp.Forward(samples[s]);
            var loss = Mlp.Mse(y, targets[s]);
            var (dW, _) = mlp.Backward(samples[s], y, targets[s]);
            var copy = new Mlp(samples[s].Length, y.Length);
            copy.Weights[0][0] += eps;
            var numeric = (Mlp.Mse(copy.Forward(samples[s]), targets[s]) - loss) / eps;
            worst = System.Math.Max(worst, System.Math.Abs(numeric - dW[0][0]));
        }

        return worst;
    }
}
");
        }

        [Fact]
        public async Task Early_stopping_loop_around_an_epoch_method_is_silent()
        {
            await Verify.VerifyAnalyzerAsync(ArrayMlp + @"
public static class Training
{
    private static void TrainEpoch(Mlp mlp, double[][] xs, double[][] ts, double lr)
    {
        for (var n = 0; n < xs.Length; n++)
        {
            var y = mlp.Forward(xs[n]);
            var (dW, dB) = mlp.Backward(xs[n], y, ts[n]);
            mlp.Apply(dW, dB, lr);
        }
    }

    public static int Run(Mlp mlp, double[][] xs, double[][] ts, double[][] vx, double[][] vt, int patience)
    {
        var best = double.MaxValue;
        var epochsWithoutImprovement = 0;
        var epoch = 0;
        while (epochsWithoutImprovement < patience)
        {
            TrainEpoch(mlp, xs, ts, 0.1);
            double validationLoss = 0;
            for (var n = 0; n < vx.Length; n++)
                validationLoss += Mlp.Mse(mlp.Forward(vx[n]), vt[n]);
            if (validationLoss < best - 1e-4)
            {
                best = validationLoss;
                epochsWithoutImprovement = 0;
            }
            else
            {
                epochsWithoutImprovement++;
            }

            epoch++;
        }

        return epoch;
    }
}
");
        }

        [Fact]
        public async Task Update_through_a_delegate_whose_lambda_writes_the_weights_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(ArrayMlp + @"
public static class Training
{
    public static void Train(Mlp mlp, double[][] xs, double[][] ts, int epochs, System.Action<Mlp, double[][], double[]> onGradients)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var n = 0; n < xs.Length; n++)
            {
                var y = mlp.Forward(xs[n]);
                var loss = Mlp.Mse(y, ts[n]);
                var (dW, dB) = mlp.Backward(xs[n], y, ts[n]);
                onGradients(mlp, dW, dB);
            }
        }
    }

    public static void Main()
    {
        var mlp = new Mlp(2, 1);
        Train(mlp, new[] { new[] { 0.0, 1.0 } }, new[] { new[] { 1.0 } }, 10, (m, gw, gb) =>
        {
            for (var o = 0; o < m.Bias.Length; o++)
            {
                m.Bias[o] -= 0.1 * gb[o];
                for (var i = 0; i < m.Weights[o].Length; i++)
                    m.Weights[o][i] -= 0.1 * gw[o][i];
            }
        });
        Train(mlp, new[] { new[] { 0.0, 1.0 } }, new[] { new[] { 1.0 } }, 10, Sgd);
    }

    private static void Sgd(Mlp m, double[][] gw, double[] gb) => m.Apply(gw, gb, 0.05);
}
");
        }

        [Fact]
        public async Task Update_through_a_delegate_injected_in_the_constructor_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(ArrayMlp + @"
public sealed class Session
{
    private readonly System.Action<Mlp, double[][], double[]> _apply;

    public Session(System.Action<Mlp, double[][], double[]> apply) => _apply = apply;

    public System.Action<int> OnEpoch { get; set; } = e => System.Console.WriteLine(e);

    public void Train(Mlp mlp, double[][] xs, double[][] ts, int epochs)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var n = 0; n < xs.Length; n++)
            {
                var y = mlp.Forward(xs[n]);
                var loss = Mlp.Mse(y, ts[n]);
                var (dW, dB) = mlp.Backward(xs[n], y, ts[n]);
                _apply(mlp, dW, dB);
            }

            OnEpoch(epoch);
        }
    }

    public static void Main()
    {
        var session = new Session((m, gw, gb) => m.Apply(gw, gb, 0.1));
        session.Train(new Mlp(2, 1), new[] { new[] { 0.0, 1.0 } }, new[] { new[] { 1.0 } }, 10);
    }
}
");
        }

        // A delegate handed in from outside is judged by its name: applying gradients (or deltas) is an update.
        [Theory]
        [InlineData("applyGradients")]
        [InlineData("ApplyDeltas")]
        [InlineData("updateWeights")]
        public async Task A_delegate_parameter_named_like_applying_gradients_is_an_update(string name)
        {
            await Verify.VerifyAnalyzerAsync(TrainingThroughDelegate(name, marked: false));
        }

        [Fact]
        public async Task A_delegate_parameter_named_like_observing_is_not_an_update()
        {
            await NoFix(TrainingThroughDelegate("applyLogging", marked: true), Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients of Backward(...) are never applied"));
        }

        // A training loop whose gradients go only to a delegate parameter named <paramref name="name"/> (with the markers
        // of the loop and the gradient call when <paramref name="marked"/>).
        private static string TrainingThroughDelegate(string name, bool marked) => ArrayMlp + @"
public static class Training
{
    public static void Train(Mlp mlp, double[][] xs, double[][] ts, int epochs, System.Action<Mlp, double[][], double[]> " + name + @")
    {
        " + (marked ? "{|#0:for|}" : "for") + @" (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var n = 0; n < xs.Length; n++)
            {
                var y = mlp.Forward(xs[n]);
                var loss = Mlp.Mse(y, ts[n]);
                var (dW, dB) = " + (marked ? "{|#1:mlp.Backward(xs[n], y, ts[n])|}" : "mlp.Backward(xs[n], y, ts[n])") + @";
                " + name + @"(mlp, dW, dB);
            }
        }
    }
}
";

        [Fact]
        public async Task A_delegate_field_bound_to_an_observer_is_still_a_warning()
        {
            var source = ArrayMlp + @"
public sealed class Session
{
    private readonly System.Action<Mlp, double[][], double[]> _report = (m, gw, gb) => System.Console.WriteLine(gw[0][0]);

    public void Train(Mlp mlp, double[][] xs, double[][] ts, int epochs)
    {
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var n = 0; n < xs.Length; n++)
            {
                var y = mlp.Forward(xs[n]);
                var loss = Mlp.Mse(y, ts[n]);
                var (dW, dB) = {|#1:mlp.Backward(xs[n], y, ts[n])|};
                _report(mlp, dW, dB);
            }
        }
    }
}
";
            await NoFix(source, Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients of Backward(...) are never applied"));
        }

        [Fact]
        public async Task Update_through_a_local_delegate_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System;

public class Perceptron
{
    private readonly double[] _weights = new double[3];

    public double Train(double[][] samples, double[] labels, int epochs, double lr)
    {
        Action<double[], double> nudge = (x, err) =>
        {
            for (var j = 0; j < 3; j++)
                _weights[j] -= lr * err * x[j];
        };
        double cost = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var s = 0; s < samples.Length; s++)
            {
                double output = 0;
                for (var j = 0; j < 3; j++)
                    output += _weights[j] * samples[s][j];
                var error = output - labels[s];
                cost += error * error;
                nudge(samples[s], error);
            }
        }

        return cost;
    }
}");
        }

        [Fact]
        public async Task Copying_new_weights_into_the_array_and_ref_updates_are_updates()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System;

public class Perceptron
{
    private readonly double[] _weights = new double[3];
    private double _bias;

    private static void Descend(ref double parameter, double gradient, double lr) => parameter -= lr * gradient;

    public double Train(double[][] samples, double[] labels, int epochs, double lr)
    {
        double cost = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var s = 0; s < samples.Length; s++)
            {
                double output = _bias;
                for (var j = 0; j < 3; j++)
                    output += _weights[j] * samples[s][j];
                var error = output - labels[s];
                cost += error * error;
                var next = new double[3];
                for (var j = 0; j < 3; j++)
                    next[j] = _weights[j] - lr * error * samples[s][j];
                Array.Copy(next, _weights, 3);
                Descend(ref _bias, error, lr);
            }
        }

        return cost;
    }
}");
        }

        [Fact]
        public async Task Async_training_loop_with_an_awaited_step_is_silent()
        {
            await Verify.VerifyAnalyzerAsync(ArrayMlp + @"
public static class Training
{
    private static async System.Threading.Tasks.Task ApplyAsync(Mlp mlp, double[][] dW, double[] dB, double lr)
    {
        await System.Threading.Tasks.Task.Yield();
        mlp.Apply(dW, dB, lr);
    }

    public static async System.Threading.Tasks.Task TrainAsync(Mlp mlp, double[][] xs, double[][] ts, int epochs)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var x in xs)
            {
                var y = mlp.Forward(x);
                var loss = Mlp.Mse(y, ts[0]);
                var (dW, dB) = mlp.Backward(x, y, ts[0]);
                await ApplyAsync(mlp, dW, dB, 0.1);
            }
        }
    }
}
");
        }

        [Fact]
        public async Task Benchmark_loop_that_times_the_forward_pass_is_silent()
        {
            await Verify.VerifyAnalyzerAsync(ArrayMlp + @"
public static class Timing
{
    public static double Measure(Mlp mlp, double[] x, double[] t, int iterations)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        double loss = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var y = mlp.Forward(x);
            loss += Mlp.Mse(y, t);
        }

        return watch.Elapsed.TotalMilliseconds / iterations + loss * 0;
    }

    public static double Repeat(Mlp mlp, double[] x, double[] t, int epochs)
    {
        double loss = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var y = mlp.Forward(x);
            loss += Mlp.Mse(y, t);
        }

        return loss;
    }
}
");
        }

        [Fact]
        public async Task An_alias_or_a_clone_written_back_is_an_update()
        {
            var alias = ClonedWeights.Replace("{|#0:for|}", "for").Replace("(double[])Weights.Clone()", "Weights").Replace("WRITEBACK", "");
            var aliasNamedNext = alias.Replace("COPY", "next");
            var writtenBack = ClonedWeights.Replace("{|#0:for|}", "for").Replace("COPY", "next").Replace("WRITEBACK", "                Weights = next;\n");
            var copiedBack = ClonedWeights.Replace("{|#0:for|}", "for").Replace("COPY", "w").Replace("WRITEBACK", "                Array.Copy(w, Weights, w.Length);\n");
            var jaggedRows = ClonedWeights.Replace("{|#0:for|}", "for").Replace("COPY", "w").Replace("WRITEBACK", "")
                .Replace("public double[] Weights = new double[3];", "public double[] Weights = new double[3];\n    public double[][] Hidden = new double[2][];")
                .Replace("(double[])Weights.Clone();", "(double[][])Hidden.Clone();").Replace("w[i] -= ", "w[0][i] -= ").Replace("w.Length", "3");
            await Verify.VerifyAnalyzerAsync(alias.Replace("COPY", "w"));
            await Verify.VerifyAnalyzerAsync(aliasNamedNext);
            await Verify.VerifyAnalyzerAsync(writtenBack);
            await Verify.VerifyAnalyzerAsync(copiedBack);
            await Verify.VerifyAnalyzerAsync(jaggedRows);
        }

        [Fact]
        public async Task A_struct_copy_written_back_or_a_class_connection_is_an_update()
        {
            var writtenBack = StructConnections.Replace("{|#0:for|}", "for").Replace("KIND", "struct").Replace("WRITEBACK", "                    Inputs[k] = c;\n");
            var referenceType = StructConnections.Replace("{|#0:for|}", "for").Replace("KIND", "class").Replace("WRITEBACK", "");
            await Verify.VerifyAnalyzerAsync(writtenBack);
            await Verify.VerifyAnalyzerAsync(referenceType);
        }
    
        // Probe repro R17: the weights are stepped through a row of the jagged parameter (a reference to its storage).
        private const string RowAlias = @"
using System;

class Net
{
    readonly double[][] _weights;
    public Net(double[][] w) => _weights = w;
    double[] Forward(double[] x)
    {
        var y = new double[_weights.Length];
        for (int o = 0; o < y.Length; o++) { double s = 0; for (int i = 0; i < x.Length; i++) s += _weights[o][i] * x[i]; y[o] = Math.Tanh(s); }
        return y;
    }
    public void Train(double[][] xs, double[][] ys, int epochs, double learningRate)
    {
        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
        {
            double loss = 0;
            for (int n = 0; n < xs.Length; n++)
            {
                var y = Forward(xs[n]);
                for (int o = 0; o < y.Length; o++)
                {
                    double err = y[o] - ys[n][o];
                    loss += err * err;
                    var row = ROW;
                    for (int i = 0; i < row.Length; i++) row[i] -= learningRate * err * (1 - y[o] * y[o]) * xs[n][i];
                }
            }
        }
    }
}";

        [Fact]
        public async Task Stepping_a_row_of_the_jagged_weights_through_a_local_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(RowAlias.Replace("{|#0:for|}", "for").Replace("ROW", "_weights[o]"));
        }

        [Fact]
        public async Task Stepping_a_clone_of_a_row_of_the_weights_is_not_an_update()
        {
            await NoFix(RowAlias.Replace("ROW", "(double[])_weights[o].Clone()"), At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: no gradients are even computed"));
        }

        // Probe repro R18: the parameters are stepped through the (parameter, gradient) pairs a method of the network yields.
        private const string ParamGradPairs = @"
using System;
using System.Collections.Generic;

class Net
{
    readonly double[][] _weights, _gradW;
    public Net(double[][] w, double[][] g) { _weights = w; _gradW = g; }
    IEnumerable<(double[] param, double[] grad)> ParamsAndGrads() { for (int o = 0; o < _weights.Length; o++) yield return (PARAM, _gradW[o]); }
    double Forward(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += _weights[0][i] * x[i]; return s; }
    public void Train(double[][] xs, double[] ys, int epochs, double lr)
    {
        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
            for (int n = 0; n < xs.Length; n++)
            {
                double loss = Math.Pow(Forward(xs[n]) - ys[n], 2);
                for (int i = 0; i < xs[n].Length; i++) _gradW[0][i] = 2 * (Forward(xs[n]) - ys[n]) * xs[n][i];
                foreach (var (param, grad) in ParamsAndGrads())
                    for (int i = 0; i < param.Length; i++) param[i] -= lr * grad[i];
            }
    }
}";

        [Fact]
        public async Task Stepping_the_parameters_a_method_of_the_network_yields_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(ParamGradPairs.Replace("{|#0:for|}", "for").Replace("PARAM", "_weights[o]"));
        }

        [Fact]
        public async Task Stepping_the_parameters_of_an_array_or_list_of_them_is_an_update()
        {
            var source = ParamGradPairs.Replace("{|#0:for|}", "for").Replace("PARAM", "_weights[o]");
            var array = source.Replace("foreach (var (param, grad) in ParamsAndGrads())", "foreach (var param in new[] { _weights[0], _weights[1] })").Replace("grad[i]", "_gradW[0][i]");
            var list = source.Replace("foreach (var (param, grad) in ParamsAndGrads())", "var layers = new List<double[]> { _weights[0] };\n                foreach (var param in layers)").Replace("grad[i]", "_gradW[0][i]");
            await Verify.VerifyAnalyzerAsync(array);
            await Verify.VerifyAnalyzerAsync(list);
        }

        [Fact]
        public async Task Stepping_copies_of_the_parameters_a_method_yields_is_not_an_update()
        {
            await NoFix(ParamGradPairs.Replace("PARAM", "(double[])_weights[o].Clone()"), At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients of ParamsAndGrads(...) are never applied"));
        }


        // Probe 13 V034: a layer accumulates the gradients of each sample of a mini-batch in a field, and applies them
        // once the mini-batch is done (the standard gradient-accumulation step).
        private const string AccumulatingLayer = @"
using System;
using System.Collections.Generic;
using System.Linq;

public class DenseLayer
{
    private readonly double[,] _weights;
    private readonly double[,] _gradW;
    private readonly int _in, _out;

    public DenseLayer(int inputs, int outputs)
    {
        _in = inputs; _out = outputs;
        _weights = new double[outputs, inputs];
        _gradW = new double[outputs, inputs];
    }

    public double[] Forward(double[] x)
    {
        var y = new double[_out];
        for (int o = 0; o < _out; o++)
            for (int i = 0; i < _in; i++) y[o] += _weights[o, i] * x[i];
        return y;
    }

    public void Accumulate(double[] x, double[] delta)
    {
        for (int o = 0; o < _out; o++)
            for (int i = 0; i < _in; i++) _gradW[o, i] += delta[o] * x[i];
    }

    public void Apply(double lr)
    {
        for (int o = 0; o < _out; o++)
            for (int i = 0; i < _in; i++)
            {
                _weights[o, i] -= lr * _gradW[o, i];
                _gradW[o, i] = 0;
            }
    }
}

public class Trainer
{
    public double TrainMiniBatch(DenseLayer layer, List<(double[] x, double[] y)> miniBatch, double lr)
    {
        double loss = 0;
        {|#0:foreach|} (var (x, y) in miniBatch)
        {
            var pred = layer.Forward(x);
            var delta = pred.Zip(y, (p, t) => p - t).ToArray();
            loss += delta.Sum(d => d * d);
            layer.Accumulate(x, delta);
        }
APPLY        return loss / miniBatch.Count;
    }
}";

        [Fact]
        public async Task Accumulating_the_gradients_of_a_mini_batch_and_applying_them_after_the_loop_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(AccumulatingLayer.Replace("{|#0:foreach|}", "foreach").Replace("APPLY", "        layer.Apply(lr);\n"));
            await Verify.VerifyAnalyzerAsync(AccumulatingLayer.Replace("{|#0:foreach|}", "foreach")
                .Replace("APPLY", "        if (miniBatch.Count > 0)\n        {\n            layer.Apply(lr);\n        }\n"));
        }

        [Fact]
        public async Task Accumulating_the_gradients_of_a_mini_batch_that_are_never_applied_is_reported()
        {
            await NoFix(AccumulatingLayer.Replace("APPLY", ""), At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients 'delta' are never applied"));
        }

        [Fact]
        public async Task Applying_the_gradients_once_after_all_the_epochs_is_not_an_update_of_the_epoch_loop()
        {
            var source = AccumulatingLayer.Replace("{|#0:foreach|} (var (x, y) in miniBatch)", "{|#0:for|} (int epoch = 0; epoch < 10; epoch++)\n        foreach (var (x, y) in miniBatch)")
                .Replace("APPLY", "        layer.Apply(lr);\n");
            await NoFix(source, At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients 'delta' are never applied"));
        }

        // Probe 13 V067: softmax regression with classical momentum; the velocity is stepped and never added to the weights.
        private const string MomentumSoftmax = @"
using System;
using System.Linq;

public class MomentumSoftmax
{
    private readonly double[,] _weights;
    private readonly double[,] _velocity;
    private readonly double _momentum = 0.9;

    public MomentumSoftmax(int classes, int features)
    {
        _weights = new double[classes, features];
        _velocity = new double[classes, features];
    }

    private double[] Forward(double[] x)
    {
        int c = _weights.GetLength(0);
        var z = new double[c];
        for (int k = 0; k < c; k++)
            for (int j = 0; j < x.Length; j++) z[k] += _weights[k, j] * x[j];
        double max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public void METHOD(double[][] xs, int[] ys, int epochs, double lr)
    {
        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
        {
            double loss = 0;
            for (int n = 0; n < xs.Length; n++)
            {
                var p = Forward(xs[n]);
                loss -= Math.Log(Math.Max(p[ys[n]], 1e-12));
                for (int k = 0; k < p.Length; k++)
                {
                    double g = p[k] - (k == ys[n] ? 1 : 0);
                    for (int j = 0; j < xs[n].Length; j++)
                    {
                        _velocity[k, j] = _momentum * _velocity[k, j] - lr * g * xs[n][j];
APPLY                    }
                }
            }
        }
    }
}";

        [Theory]
        [InlineData("Train")]
        [InlineData("Run")]
        public async Task A_momentum_velocity_stepped_and_never_added_to_the_weights_is_reported_as_such(string method)
        {
            await NoFix(MomentumSoftmax.Replace("METHOD", method).Replace("APPLY", ""), At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the optimizer state '_velocity' is updated but never applied"));
        }

        [Fact]
        public async Task A_momentum_velocity_added_to_the_weights_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(MomentumSoftmax.Replace("{|#0:for|}", "for").Replace("METHOD", "Train")
                .Replace("APPLY", "                        _weights[k, j] += _velocity[k, j];\n"));
        }

        // Probe 13 V068: the forward pass is a method group handed to Select; the step is computed by Zip and dropped.
        private const string LinqNeuron = @"
using System;
using System.Linq;

public class LinearNeuron
{
    public double[] Weights { get; set; }
    public double Bias { get; set; }

    public LinearNeuron(double[] w) => Weights = w;

    public double FORWARD(double[] x) => Weights.Zip(x, (w, v) => w * v).Sum() + Bias;

    public void Fit(double[][] xs, double[] ys, int iterations, double learningRate)
    {
        {|#0:for|} (int it = 0; it < iterations; it++)
        {
            var preds = xs.Select(FORWARD).ToArray();
            var errors = preds.Zip(ys, (p, y) => p - y).ToArray();
            double mse = errors.Average(e => e * e);
            var gradient = Enumerable.Range(0, Weights.Length)
                .Select(j => 2 * errors.Select((e, n) => e * xs[n][j]).Average())
                .ToArray();
            STEPWeights.Zip(gradient, (w, g) => w - learningRate * g).ToArray();
        }
    }
}";

        [Theory]
        [InlineData("Forward")]
        [InlineData("Output")]
        public async Task A_forward_pass_handed_to_select_as_a_method_group_with_the_step_dropped_is_reported(string forward)
        {
            await NoFix(LinqNeuron.Replace("FORWARD", forward).Replace("STEP", ""), At(0,
                "this loop runs a forward pass (" + forward + "(...)) and a loss ('errors') but never updates a weight or bias: the gradients 'gradient' are never applied"));
        }

        [Fact]
        public async Task A_forward_pass_handed_to_select_as_a_method_group_with_the_step_stored_is_an_update()
        {
            await Verify.VerifyAnalyzerAsync(LinqNeuron.Replace("{|#0:for|}", "for").Replace("FORWARD", "Forward").Replace("STEP", "Weights = "));
        }

        // Probe 13 V072: the MathNet step is written in place into a clone of the weights, which is then dropped.
        private const string MathNetClone = @"
using MathNet.Numerics.LinearAlgebra;

public class LinearLayer
{
    public Matrix<double> Weights { get; private set; }

    public LinearLayer(Matrix<double> w) => Weights = w;

    public Matrix<double> Forward(Matrix<double> x) => Weights * x;

    public void Train(Matrix<double> x, Matrix<double> y, int epochs, double lr)
    {
BEFORE        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
        {
INSIDE            var output = Forward(x);
            var error = output - y;
            double loss = error.FrobeniusNorm() / x.ColumnCount;
            var gradW = error * x.Transpose() / x.ColumnCount;
            COPY.Subtract(lr * gradW, RESULT);
AFTER        }
    }
}";

        private static string CloneProgram(string copy, string result, bool cloneInside = false, string after = "") => MathNetClone
            .Replace("BEFORE", cloneInside ? "" : "        var " + copy + " = Weights.Clone();\n")
            .Replace("INSIDE", cloneInside ? "            var " + copy + " = Weights.Clone();\n" : "")
            .Replace("COPY", copy).Replace("RESULT", result).Replace("AFTER", after);

        [Theory]
        [InlineData("w", false)]
        [InlineData("w", true)]
        [InlineData("next", false)]
        public async Task Stepping_a_mathnet_clone_of_the_weights_in_place_is_not_an_update(string copy, bool cloneInside)
        {
            await NoFix(CloneProgram(copy, copy, cloneInside), At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('error') but never updates a weight or bias: the gradients 'gradW' are never applied"));
        }

        [Fact]
        public async Task A_mathnet_clone_stepped_into_the_weights_or_written_back_is_an_update()
        {
            static string Silent(string source) => source.Replace("{|#0:for|}", "for");
            await Verify.VerifyAnalyzerAsync(Silent(CloneProgram("w", "Weights")));
            await Verify.VerifyAnalyzerAsync(Silent(CloneProgram("w", "w", after: "            Weights = w;\n")));
            await Verify.VerifyAnalyzerAsync(Silent(CloneProgram("w", "w", after: "            w.CopyTo(Weights);\n")));
            await Verify.VerifyAnalyzerAsync(Silent(CloneProgram("w", "w").Replace("Weights.Clone()", "Weights")));
        }

        // Probe 13 V075: the foreach variable over struct synapses is copied into a local, and the copy is stepped.
        private const string StructSynapses = @"
using System;

public struct Synapse
{
    public double Weight;
    public double Gradient;
}

public class Neuron
{
    public Synapse[] Inputs;
    public double Output;

    public Neuron(int n) => Inputs = new Synapse[n];

    public double Forward(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Inputs[i].Weight * x[i];
        Output = Math.Tanh(s);
        return Output;
    }
}

public class Trainer
{
    public void Train(Neuron neuron, double[][] samples, double[] targets, int epochs, double lr)
    {
        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
        {
            double error = 0;
            for (int s = 0; s < samples.Length; s++)
            {
                double y = neuron.Forward(samples[s]);
                double e = y - targets[s];
                error += e * e;
                double delta = e * (1 - y * y);
                STEP
            }
        }
    }
}";

        [Fact]
        public async Task Stepping_a_copy_of_a_struct_foreach_variable_is_not_an_update()
        {
            await NoFix(StructSynapses.Replace("STEP", "foreach (var syn in neuron.Inputs) { var copy = syn; copy.Gradient = delta; copy.Weight -= lr * copy.Gradient; }"), At(0,
                "this loop runs a forward pass (Forward(...)) and a loss ('error') but never updates a weight or bias: the gradients 'delta' are never applied"));
        }

        [Fact]
        public async Task A_struct_synapse_stepped_through_its_index_or_written_back_is_an_update()
        {
            var source = StructSynapses.Replace("{|#0:for|}", "for");
            await Verify.VerifyAnalyzerAsync(source.Replace("STEP", "for (int k = 0; k < neuron.Inputs.Length; k++) neuron.Inputs[k].Weight -= lr * delta;"));
            await Verify.VerifyAnalyzerAsync(source.Replace("STEP", "int k = 0; foreach (var syn in neuron.Inputs) { var copy = syn; copy.Weight -= lr * delta; neuron.Inputs[k++] = copy; }"));
        }

        // Probe 14 N6: a rating head on frozen embeddings steps copies of its parameters — a clone of the weights and a
        // copy of the scalar bias (a double is a value: the local is another variable) — and drops both. The error is
        // called err and the loss rmse.
        private const string RatingHead = @"
using System;
using System.Collections.Generic;
using System.Linq;

public sealed class RatingHead
{
    private readonly double[][] _userEmb, _itemEmb;
    private double[] _weights;
    private double _bias;

    public RatingHead(double[][] userEmbeddings, double[][] itemEmbeddings, Random rng)
    {
        _userEmb = userEmbeddings;
        _itemEmb = itemEmbeddings;
        int dim = userEmbeddings[0].Length;
        _weights = Enumerable.Range(0, 2 * dim).Select(_ => (rng.NextDouble() * 2 - 1) / Math.Sqrt(2 * dim)).ToArray();
    }

    public double Predict(int u, int i)
    {
        var ue = _userEmb[u];
        var ie = _itemEmb[i];
        double s = _bias;
        for (int k = 0; k < ue.Length; k++) s += _weights[k] * ue[k] + _weights[ue.Length + k] * ie[k];
        return s;
    }

    public double Train(IReadOnlyList<(int User, int Item, double Rating)> ratings, int epochs, double lr)
    {
        double RMSE = 0;
        int dim = _userEmb[0].Length;
        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
        {
            double sq = 0;
            foreach (var (u, i, r) in ratings)
            {
                double ERR = Predict(u, i) - r;
                sq += ERR * ERR;
                var w = WEIGHTS;
BIAS
                for (int k = 0; k < dim; k++)
                {
                    w[k] -= lr * ERR * _userEmb[u][k];
                    w[dim + k] -= lr * ERR * _itemEmb[i][k];
                }
STEP
WRITEBACK            }
            RMSE = Math.Sqrt(sq / ratings.Count);
        }
        return RMSE;
    }
}";

        private static string Head(string err = "err", string rmse = "rmse", string weights = "(double[])_weights.Clone()", string bias = "var b = _bias;",
            string step = "b -= lr * err;", string writeBack = "")
            => RatingHead.Replace("RMSE", rmse).Replace("ERR", err).Replace("WEIGHTS", weights)
                .Replace("BIAS\n", bias.Length == 0 ? string.Empty : "                " + bias + "\n")
                .Replace("STEP\n", step.Length == 0 ? string.Empty : "                " + step.Replace("err", err) + "\n")
                .Replace("WRITEBACK", writeBack);

        // The error is named error here, a loss word before this change: only the copy decides.
        [Theory]
        [InlineData("var b = _bias;", "b -= lr * err;")]
        [InlineData("double b = _bias;", "b = b - lr * err;")]
        [InlineData("var bias = _bias;", "bias -= lr * err;")]
        [InlineData("double b = this._bias;", "b--;")]
        public async Task Stepping_a_scalar_copy_of_the_bias_is_not_an_update(string copy, string step)
        {
            await NoFix(Head(err: "error", bias: copy, step: step), At(0,
                "this loop runs a forward pass (Predict(...)) and a loss ('error') but never updates a weight or bias: no gradients are even computed"));
        }

        [Fact]
        public async Task A_scalar_copy_of_the_bias_written_back_or_the_bias_itself_stepped_is_an_update()
        {
            string Silent(string source) => source.Replace("{|#0:for|}", "for");
            await Verify.VerifyAnalyzerAsync(Silent(Head(err: "error", writeBack: "                _bias = b;\n")));
            await Verify.VerifyAnalyzerAsync(Silent(Head(err: "error", step: "b -= lr * err; _bias = b;")));
            await Verify.VerifyAnalyzerAsync(Silent(Head(err: "error", bias: "", step: "_bias -= lr * err;")));
            await Verify.VerifyAnalyzerAsync(Silent(Head(err: "error", bias: "double b = 0.0;", step: "b -= lr * err; _bias += b;")));
        }

        // The loss is what the loop measures of its error: err (the residual, the loss's derivative in an SGD step), and
        // its root mean square rmse (mse, sse) — each alone is enough.
        [Theory]
        [InlineData("err", "rmse", "err")]
        [InlineData("residual", "rmse", "rmse")]
        [InlineData("residual", "sse", "sse")]
        [InlineData("err", "spread", "err")]
        public async Task A_loss_measured_as_err_or_rmse_makes_the_loop_a_training_loop(string err, string rmse, string loss)
        {
            await NoFix(Head(err: err, rmse: rmse, bias: "", step: ""), At(0,
                "this loop runs a forward pass (Predict(...)) and a loss ('" + loss + "') but never updates a weight or bias: no gradients are even computed"));
        }

        [Fact]
        public async Task The_rating_head_stepping_its_own_parameters_is_silent()
        {
            await Verify.VerifyAnalyzerAsync(Head(weights: "_weights", bias: "", step: "_bias -= lr * err;").Replace("{|#0:for|}", "for"));
        }

        // Probe 14 N6: the forward pass is a method of another class (a neuron's, over its struct connections), named
        // neither Forward nor Predict; its body multiplies by the connections' weights. The trainer steps copies of them.
        private const string NeuronConnections = @"
using System;
using System.Linq;

public struct Connection
{
    public int From;
    public double Weight;
}

public sealed class OutputNeuron
{
    public Connection[] Inputs { get; }
    public double Bias { get; set; }

    public OutputNeuron(int inputs, Random rng)
    {
        Inputs = new Connection[inputs];
        for (int k = 0; k < inputs; k++)
            Inputs[k] = new Connection { From = k, Weight = (rng.NextDouble() * 2 - 1) / Math.Sqrt(inputs) };
    }

    public double ACTIVATE(double[] x)
    {
        double z = Bias;
        foreach (var c in Inputs) z += c.Weight * x[c.From];
        return 1.0 / (1.0 + Math.Exp(-z));
    }
}

public sealed class NeuronLayerTrainer
{
    private readonly OutputNeuron[] _neurons;

    public NeuronLayerTrainer(int inputs, int outputs, Random rng) =>
        _neurons = Enumerable.Range(0, outputs).Select(_ => new OutputNeuron(inputs, rng)).ToArray();

    public double Fit(double[][] xs, double[][] ys, int maxIterations, double lr)
    {
        int iteration = 0;
        double error = double.MaxValue;
        {|#0:while|} (iteration < maxIterations && error > 1e-3)
        {
            error = 0;
            for (int s = 0; s < xs.Length; s++)
            {
                for (int o = 0; o < _neurons.Length; o++)
                {
                    var neuron = _neurons[o];
                    double a = neuron.ACTIVATE(xs[s]);
                    double diff = a - ys[s][o];
                    error += diff * diff;
                    double delta = diff * a * (1 - a);
                    for (int k = 0; k < neuron.Inputs.Length; k++)
                    {
STEP
                    }
                }
            }
            error /= xs.Length;
            iteration++;
        }
        return error;
    }
}";

        [Theory]
        [InlineData("Activate")]
        [InlineData("Fire")]
        [InlineData("Respond")]
        public async Task A_forward_pass_through_a_method_of_another_class_that_multiplies_by_its_weights_is_recognised(string activate)
        {
            await NoFix(NeuronConnections.Replace("ACTIVATE", activate).Replace("STEP", @"                        var c = neuron.Inputs[k];
                        c.Weight -= lr * delta * xs[s][c.From];"), At(0,
                "this loop runs a forward pass (" + activate + "(...)) and a loss ('error') but never updates a weight or bias: the gradients 'delta' are never applied"));
        }

        [Theory]
        [InlineData("var c = neuron.Inputs[k];\n                        c.Weight -= lr * delta * xs[s][c.From];\n                        neuron.Inputs[k] = c;")]
        [InlineData("neuron.Inputs[k].Weight -= lr * delta * xs[s][neuron.Inputs[k].From];")]
        public async Task The_same_trainer_stepping_the_connections_themselves_is_silent(string step)
        {
            await Verify.VerifyAnalyzerAsync(NeuronConnections.Replace("ACTIVATE", "Activate").Replace("{|#0:while|}", "while")
                .Replace("STEP", "                        " + step));
        }

        // Probe 13 V065: an immutable record model; the step builds the next model with `with` and drops it.
        private const string RecordModel = @"
using System;
using System.Linq;

public record LinearModel(double[] Weights, double Bias)
{
    public double Predict(double[] x) => Weights.Zip(x, (w, v) => w * v).Sum() + Bias;
}

public static class Trainer
{
    public static LinearModel Fit(LinearModel model, double[][] xs, double[] ys, int epochs, double lr)
    {
        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
        {
            double loss = 0;
            var gradW = new double[model.Weights.Length];
            double gradB = 0;
            for (int n = 0; n < xs.Length; n++)
            {
                double err = model.Predict(xs[n]) - ys[n];
                loss += err * err / xs.Length;
                for (int j = 0; j < gradW.Length; j++) gradW[j] += 2 * err * xs[n][j] / xs.Length;
                gradB += 2 * err / xs.Length;
            }
            var newWeights = model.Weights.Select((w, j) => w - lr * gradW[j]).ToArray();
            NEXT model with { Weights = newWeights, Bias = model.Bias - lr * gradB };
AFTER            Console.WriteLine($""epoch {epoch}: loss {loss:F4}"");
        }
        return model;
    }
}";

        [Theory]
        [InlineData("var updated =", "")]
        [InlineData("var updated =", "            Console.WriteLine(updated.Bias);\n")]
        [InlineData("_ =", "")]
        public async Task A_record_copy_made_with_with_and_dropped_is_not_an_update(string next, string after)
        {
            await NoFix(RecordModel.Replace("NEXT", next).Replace("AFTER", after), At(0,
                "this loop runs a forward pass (Predict(...)) and a loss ('loss') but never updates a weight or bias: the gradients 'gradW' are never applied"));
        }

        [Fact]
        public async Task A_record_copy_made_with_with_and_kept_is_an_update()
        {
            var source = RecordModel.Replace("{|#0:for|}", "for");
            await Verify.VerifyAnalyzerAsync(source.Replace("NEXT", "model =").Replace("AFTER", ""));
            await Verify.VerifyAnalyzerAsync(source.Replace("NEXT", "var updated =").Replace("AFTER", "            model = updated;\n"));
        }

        // Probe 13 V073: the step goes into a stack buffer the weights were copied into, and is never copied back.
        private const string SpanRegressor = @"
using System;

public sealed class TinyRegressor
{
    private readonly float[] _weights;
    private float _bias;

    public TinyRegressor(float[] w) => _weights = w;

    public float Predict(ReadOnlySpan<float> x)
    {
        float y = _bias;
        for (int i = 0; i < x.Length; i++) y += _weights[i] * x[i];
        return y;
    }

    public void Fit(float[][] xs, float[] ys, int epochs, float lr)
    {
        var grad = new float[_weights.Length];
        BUFFER
        COPY
        {|#0:for|} (int epoch = 0; epoch < epochs; epoch++)
        {
            Array.Clear(grad, 0, grad.Length);
            float loss = 0f;
            for (int n = 0; n < xs.Length; n++)
            {
                float err = Predict(xs[n]) - ys[n];
                loss += err * err / xs.Length;
                for (int i = 0; i < grad.Length; i++) grad[i] += 2f * err * xs[n][i] / xs.Length;
            }
            for (int i = 0; i < w.Length; i++) w[i] -= lr * grad[i];
BACK        }
    }
}";

        private static string SpanProgram(string buffer, string copy, string back = "")
            => SpanRegressor.Replace("BUFFER", buffer).Replace("COPY", copy).Replace("BACK", back);

        [Theory]
        [InlineData("Span<float> w = stackalloc float[_weights.Length];", "_weights.CopyTo(w);")]
        [InlineData("var w = new float[_weights.Length];", "Array.Copy(_weights, w, w.Length);")]
        [InlineData("var w = new float[_weights.Length];", "_weights.CopyTo(w, 0);")]
        public async Task Stepping_a_buffer_the_weights_were_copied_into_is_not_an_update(string buffer, string copy)
        {
            await NoFix(SpanProgram(buffer, copy), At(0,
                "this loop runs a forward pass (Predict(...)) and a loss ('loss') but never updates a weight or bias: the gradients 'grad' are never applied"));
        }

        [Fact]
        public async Task A_buffer_copied_back_into_the_weights_or_an_alias_is_an_update()
        {
            static string Silent(string source) => source.Replace("{|#0:for|}", "for");
            await Verify.VerifyAnalyzerAsync(Silent(SpanProgram("Span<float> w = stackalloc float[_weights.Length];", "_weights.CopyTo(w);", "            w.CopyTo(_weights);\n")));
            await Verify.VerifyAnalyzerAsync(Silent(SpanProgram("var w = new float[_weights.Length];", "Array.Copy(_weights, w, w.Length);", "            Array.Copy(w, _weights, w.Length);\n")));
            await Verify.VerifyAnalyzerAsync(Silent(SpanProgram("Span<float> w = _weights;", "")));
            await Verify.VerifyAnalyzerAsync(Silent(SpanProgram("var w = _weights.AsSpan();", "")));
            await Verify.VerifyAnalyzerAsync(Silent(SpanProgram("var w = new float[_weights.Length];", "")));
        }

        [Fact]
        public async Task A_gradient_span_accumulated_in_the_loop_is_named_in_the_message()
        {
            var source = SpanProgram("Span<float> w = stackalloc float[_weights.Length];", "_weights.CopyTo(w);")
                .Replace("var grad = new float[_weights.Length];", "Span<float> grad = stackalloc float[_weights.Length];")
                .Replace("Array.Clear(grad, 0, grad.Length);", "grad.Clear();");
            await NoFix(source, At(0,
                "this loop runs a forward pass (Predict(...)) and a loss ('loss') but never updates a weight or bias: the gradients 'grad' are never applied"));
        }

        // Session 14's second probe: micrograd's Value runs recorded closures named BackwardStep; the loop calls Backward()
        // and never steps the weights. The closure's name is no update (it only accumulates .Grad).
        private const string Micrograd = @"
using System;
using System.Linq;

public sealed class Value
{
    public double Data, Grad;
    private Action BackwardStep = () => { };
    private readonly Value[] _prev;
    public Value(double d, params Value[] prev) { Data = d; _prev = prev; }
    public static Value operator *(Value a, Value b) { var o = new Value(a.Data * b.Data, a, b); o.BackwardStep = () => { a.Grad += b.Data * o.Grad; b.Grad += a.Data * o.Grad; }; return o; }
    public static Value operator -(Value a, Value b) { var o = new Value(a.Data - b.Data, a, b); o.BackwardStep = () => { a.Grad += o.Grad; b.Grad -= o.Grad; }; return o; }
    public void Backward() { Grad = 1; BackwardStep(); foreach (var p in _prev) p.Backward(); }
}

public sealed class Neuron
{
    public Value[] W = { new Value(0.1), new Value(-0.2) };
    public Value Forward(Value[] x) => W[0] * x[0] - W[1] * x[1];
}

public static class Trainer
{
    public static double Train(Neuron net, double[][] xs, double[] ys, int epochs, double lr)
    {
        double last = 0;
        LOOP
            for (int k = 0; k < xs.Length; k++)
            {
                var diff = net.Forward(xs[k].Select(v => new Value(v)).ToArray()) - new Value(ys[k]);
                var loss = diff * diff;
                loss.Backward();
                STEP
                last = loss.Data;
            }
        return last;
    }
}";

        [Fact]
        public Task A_micrograd_loop_that_never_steps_is_reported_though_its_closures_are_named_backward_step()
            => NnAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<NnAnalyzers.Rules.NN0006TrainingLoopNeverUpdatesAnalyzer>.VerifyAnalyzerAsync(
                Micrograd.Replace("LOOP", "for (int epoch = 0; epoch < epochs; epoch++)").Replace("STEP", string.Empty),
                NnAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<NnAnalyzers.Rules.NN0006TrainingLoopNeverUpdatesAnalyzer>.Diagnostic().WithLocation(27, 9).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Info)
                    .WithArguments("this loop runs a forward pass (Forward(...)) and a loss ('loss') but never updates a weight or bias: the gradients of Backward(...) are never applied"));

        [Fact]
        public Task A_micrograd_loop_that_steps_its_weights_is_silent()
            => NnAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<NnAnalyzers.Rules.NN0006TrainingLoopNeverUpdatesAnalyzer>.VerifyAnalyzerAsync(
                Micrograd.Replace("LOOP", "for (int epoch = 0; epoch < epochs; epoch++)").Replace("STEP", "foreach (var w in net.W) { w.Data -= lr * w.Grad; w.Grad = 0; }"));
    }
}
