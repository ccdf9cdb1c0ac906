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
    public class NN0006TrainingLoopNeverUpdatesTests
    {
        private const string SeedMessage =
            "this loop runs a forward pass (ForwardProp(...)) and a loss (SumError(...)) but never updates a weight or bias: the gradients of BackProp(...) are never applied";

        // The seed port's network: ForwardProp and BackProp write nothing, Update writes w and b.
        private const string SeedMembers = @"
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> SigDeriv(Matrix<double> x) => x.PointwiseMultiply(1.0 - x);

    public static (Matrix<double> Pred, Dictionary<int, Matrix<double>> A) ForwardProp(Matrix<double> x, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
    {
        var a = new Dictionary<int, Matrix<double>>();
        a[0] = x.Transpose();
        var last = w.Count;
        for (var i = 1; i <= last; i++)
        {
            a[i] = Sig(w[i - 1] * a[i - 1] + b[i - 1]);
        }

        return (a[last], a);
    }

    public static (Dictionary<int, Matrix<double>> DW, Dictionary<int, Matrix<double>> DB) BackProp(Matrix<double> y, Matrix<double> p, Dictionary<int, Matrix<double>> a, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
    {
        var d = new Dictionary<int, Matrix<double>>();
        var dW = new Dictionary<int, Matrix<double>>();
        var dB = new Dictionary<int, Matrix<double>>();
        var last = w.Count;
        d[last] = p - y.Transpose();
        for (var i = last - 1; i >= 0; i--)
        {
            if (i != 0)
            {
                d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(SigDeriv(a[i]));
            }

            dW[i] = d[i + 1] * a[i].Transpose();
            dB[i] = d[i + 1].RowSums().ToColumnMatrix();
        }

        return (dW, dB);
    }

    public static (Dictionary<int, Matrix<double>> W, Dictionary<int, Matrix<double>> B) Update(Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, Dictionary<int, Matrix<double>> dW, Dictionary<int, Matrix<double>> dB, double learnRate)
    {
        for (var i = 0; i < w.Count; i++)
        {
            w[i] = w[i] - learnRate * dW[i];
            b[i] = b[i] - learnRate * dB[i];
        }

        return (w, b);
    }

    public static double SumError(Matrix<double> y, Matrix<double> p) => y.Transpose().PointwiseMultiply(p.PointwiseLog()).Enumerate().Sum();
";

        private static string Seed(string innerBody, string forKeyword = "for", string extraMembers = "", string extraParameters = "", string afterInner = "", string name = "Train") => @"
using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class SeedNetwork
{" + SeedMembers + extraMembers + @"
    public static double " + name + @"(Matrix<double> x, Matrix<double> y, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, int epochs, double learnRate, int batch" + extraParameters + @")
    {
        double cost = 0;
        " + forKeyword + @" (var i = 0; i < epochs; i++)
        {
            double e = 0;
            for (var k = 0; k < x.RowCount; k++)
            {
                var xk = x.SubMatrix(k, batch, 0, x.ColumnCount);
                var yk = y.SubMatrix(k, batch, 0, y.ColumnCount);
                var (pred, layer) = ForwardProp(xk, w, b);
                e += SumError(yk, pred);
" + innerBody + @"
            }
" + afterInner + @"
            cost = -e / x.RowCount;
        }

        return cost;
    }
}
";

        private static DiagnosticResult Expected(string message) => Verify.Diagnostic().WithLocation(0).WithArguments(message);

        // The diagnostic of a loop whose one gradient call (marked #1) the fix applies.
        private static DiagnosticResult ExpectedWithGradients(string message) => Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments(message);

        // ------------------------------------------------------------------ the seed

        [Theory]
        [InlineData(LanguageVersion.CSharp7_3)]
        [InlineData(LanguageVersion.Latest)]
        public async Task Seed_train_loop_is_reported_on_its_loop_and_fixed_with_update(LanguageVersion version)
        {
            var test = new Verify.Test
            {
                LanguageVersion = version,
                TestCode = Seed("                {|#1:BackProp(yk, pred, layer, w, b)|};", forKeyword: "{|#0:for|}"),
                FixedCode = Seed(@"                var (dW, dB) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW, dB, learnRate);"),
            };
            test.ExpectedDiagnostics.Add(ExpectedWithGradients(SeedMessage));
            await test.RunAsync();
        }

        [Fact]
        public async Task Seed_after_the_nn0004_fix_is_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(Seed(@"                var (dW, dB) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW, dB, learnRate);"));
        }

        [Fact]
        public async Task Seed_with_an_epoch_callback_that_receives_the_weights_is_still_a_warning()
        {
            var test = new Verify.Test
            {
                TestCode = Seed("                {|#1:BackProp(yk, pred, layer, w, b)|};", forKeyword: "{|#0:for|}",
                    extraParameters: ", Action<int, Dictionary<int, Matrix<double>>, Dictionary<int, Matrix<double>>> afterEpoch = null",
                    afterInner: "            afterEpoch?.Invoke(i, w, b);"),
                FixedCode = Seed(@"                var (dW, dB) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW, dB, learnRate);",
                    extraParameters: ", Action<int, Dictionary<int, Matrix<double>>, Dictionary<int, Matrix<double>>> afterEpoch = null",
                    afterInner: "            afterEpoch?.Invoke(i, w, b);"),
            };
            test.ExpectedDiagnostics.Add(ExpectedWithGradients(SeedMessage).WithSeverity(DiagnosticSeverity.Warning));
            await test.RunAsync();
        }

        [Fact]
        public async Task Loop_that_never_computes_gradients_is_reported_without_a_fix()
        {
            var source = Seed(string.Empty, forKeyword: "{|#0:for|}");
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(Expected(
                "this loop runs a forward pass (ForwardProp(...)) and a loss (SumError(...)) but never updates a weight or bias: no gradients are even computed"));
            test.FixedState.ExpectedDiagnostics.Add(Expected(
                "this loop runs a forward pass (ForwardProp(...)) and a loss (SumError(...)) but never updates a weight or bias: no gradients are even computed"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Gradients_stored_and_only_printed_are_applied_after_the_statement()
        {
            var test = new Verify.Test
            {
                TestCode = Seed(@"                var (gw, gb) = {|#1:BackProp(yk, pred, layer, w, b)|};
                Console.WriteLine(gw[0].L2Norm() + gb[0].L2Norm());", forKeyword: "{|#0:for|}"),
                FixedCode = Seed(@"                var (gw, gb) = BackProp(yk, pred, layer, w, b);
                Update(w, b, gw, gb, learnRate);
                Console.WriteLine(gw[0].L2Norm() + gb[0].L2Norm());"),
            };
            test.ExpectedDiagnostics.Add(ExpectedWithGradients(SeedMessage));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_fix_when_two_update_methods_fit()
        {
            var source = Seed("                {|#1:BackProp(yk, pred, layer, w, b)|};", forKeyword: "{|#0:for|}", extraMembers: @"
    public static void Step(Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, Dictionary<int, Matrix<double>> dW, Dictionary<int, Matrix<double>> dB, double learnRate)
    {
        Update(w, b, dW, dB, learnRate);
    }
");
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(ExpectedWithGradients(SeedMessage));
            test.FixedState.ExpectedDiagnostics.Add(ExpectedWithGradients(SeedMessage));
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_all_fixes_every_training_method_of_the_document()
        {
            var train2 = @"
    public static void TrainAgain(Matrix<double> x, Matrix<double> y, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, int epochs, double learnRate)
    {
        {|#2:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            var (pred, layer) = ForwardProp(x, w, b);
            var loss = SumError(y, pred);
            {|#3:BackProp(y, pred, layer, w, b)|};
        }
    }
";
            var fixed2 = @"
    public static void TrainAgain(Matrix<double> x, Matrix<double> y, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, int epochs, double learnRate)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var (pred, layer) = ForwardProp(x, w, b);
            var loss = SumError(y, pred);
            var (dW, dB) = BackProp(y, pred, layer, w, b);
            Update(w, b, dW, dB, learnRate);
        }
    }
";
            var test = new Verify.Test
            {
                TestCode = Seed("                {|#1:BackProp(yk, pred, layer, w, b)|};", forKeyword: "{|#0:for|}", extraMembers: train2),
                FixedCode = Seed(@"                var (dW, dB) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW, dB, learnRate);", extraMembers: fixed2),
            };
            test.ExpectedDiagnostics.Add(ExpectedWithGradients(SeedMessage));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments(SeedMessage.Replace("(SumError(...))", "('loss')")));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_real_seed_port_train_loop_is_reported_and_fixed_with_update()
        {
            var path = System.IO.Path.Combine(RepositoryPaths.Root, "samples", "SeedPort", "SeedNetwork.cs");
            var text = System.IO.File.ReadAllText(path).Replace("\r\n", "\n");
            const string loop = "for (var i = 0; i < epochs; i++)";
            const string call = "BackProp(yk, pred, layer, w, b);";
            Assert.Equal(1, CountOf(text, loop));
            Assert.Equal(1, CountOf(text, call));
            var test = new Verify.Test
            {
                TestCode = text.Replace(loop, "{|#0:for|}" + loop.Substring(3)).Replace(call, "{|#1:" + call.TrimEnd(';') + "|};"),
                FixedCode = text.Replace(call, "var (dW, dB) = " + call + "\n                    Update(w, b, dW, dB, learnRate);"),
            };
            test.ExpectedDiagnostics.Add(ExpectedWithGradients(SeedMessage).WithSeverity(DiagnosticSeverity.Warning));
            await test.RunAsync();
        }

        private static int CountOf(string text, string part)
        {
            var count = 0;
            for (var i = text.IndexOf(part, System.StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, System.StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }

        // Our library's shape (stubs with the same names): a loss object, Backward returning Gradients, an optimizer's Step.
        private static string Library(string loopBody) => @"
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    public abstract class Loss
    {
        public double Value(Matrix<double> outputs, Matrix<double> targets) => (outputs - targets).FrobeniusNorm();
    }

    public sealed class Gradients
    {
    }

    public sealed class DenseNetwork
    {
        public Matrix<double> Weights { get; set; }

        public Matrix<double> Forward(Matrix<double> inputs) => Weights * inputs;

        public Gradients Backward(Matrix<double> inputs, Matrix<double> targets, Loss loss) => new Gradients();
    }

    public abstract class Optimizer
    {
        public abstract void Step(DenseNetwork network, Gradients gradients);
    }
}

public static class Training
{
    public static double Run(NnAnalyzers.Network.DenseNetwork net, NnAnalyzers.Network.Optimizer optimizer, NnAnalyzers.Network.Loss loss, List<(Matrix<double> X, Matrix<double> Y)> batches, int epochs)
    {
        double total = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in batches)
            {
                var output = net.Forward(batch.X);
                total += loss.Value(output, batch.Y);
" + loopBody + @"
            }
        }

        return total;
    }
}
";

        [Fact]
        public async Task Library_loop_without_the_optimizer_step_is_reported_and_fixed_with_step()
        {
            var test = new Verify.Test
            {
                TestCode = Library("                {|#1:net.Backward(batch.X, batch.Y, loss)|};").Replace("        for (var epoch", "        {|#0:for|} (var epoch"),
                FixedCode = Library(@"                var gradients = net.Backward(batch.X, batch.Y, loss);
                optimizer.Step(net, gradients);"),
            };
            test.ExpectedDiagnostics.Add(ExpectedWithGradients(
                "this loop runs a forward pass (Forward(...)) and a loss (Value(...)) but never updates a weight or bias: the gradients of Backward(...) are never applied"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Library_loop_with_the_optimizer_step_is_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(Library(@"                var gradients = net.Backward(batch.X, batch.Y, loss);
                optimizer.Step(net, gradients);"));
        }

        // ------------------------------------------------------------------ negatives

        [Theory]
        [InlineData("Evaluate")]
        [InlineData("Validate")]
        [InlineData("TestAccuracy")]
        [InlineData("ComputeLoss")]
        public async Task Evaluation_and_loss_methods_are_not_training_loops(string name)
        {
            await Verify.VerifyAnalyzerAsync(Seed(string.Empty, name: name));
        }

        [Fact]
        public async Task Loop_without_a_loss_is_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

public static class Network
{
    public static Matrix<double> ForwardProp(Matrix<double> x, Matrix<double> weights) => weights * x;

    public static List<Matrix<double>> Train(List<Matrix<double>> batches, Matrix<double> weights, int epochs)
    {
        var outputs = new List<Matrix<double>>();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in batches)
            {
                outputs.Add(ForwardProp(batch, weights));
            }
        }

        return outputs;
    }
}");
        }

        [Fact]
        public async Task In_place_mathnet_update_of_a_weight_counts_as_an_update()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

public static class Network
{
    public static Matrix<double> Forward(Matrix<double> x, Matrix<double> weights) => weights * x;

    public static double Train(List<Matrix<double>> batches, Matrix<double> target, Matrix<double> weights, double lr, int epochs)
    {
        double loss = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in batches)
            {
                var output = Forward(batch, weights);
                var error = output - target;
                loss += error.FrobeniusNorm();
                weights.Subtract(lr * error * batch.Transpose(), weights);
            }
        }

        return loss;
    }
}");
        }

        [Fact]
        public async Task Update_inside_a_method_of_a_layer_class_counts_transitively()
        {
            await Verify.VerifyAnalyzerAsync(@"
public class Layer
{
    private readonly double[,] _weights = new double[2, 2];

    public double[] Forward(double[] x)
    {
        var y = new double[2];
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 2; j++)
                y[i] += _weights[i, j] * x[j];
        return y;
    }

    public void Adjust(double[] x, double[] error, double rate) => Nudge(x, error, rate);

    private void Nudge(double[] x, double[] error, double rate)
    {
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 2; j++)
                _weights[i, j] -= rate * error[i] * x[j];
    }
}

public static class Trainer
{
    public static double Run(Layer layer, double[][] samples, double[][] targets, int epochs)
    {
        double loss = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var s = 0; s < samples.Length; s++)
            {
                var y = layer.Forward(samples[s]);
                var error = new[] { y[0] - targets[s][0], y[1] - targets[s][1] };
                loss += error[0] * error[0] + error[1] * error[1];
                layer.Adjust(samples[s], error, 0.1);
            }
        }

        return loss;
    }
}");
        }

        [Fact]
        public async Task Loops_outside_nn_code_are_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System.Collections.Generic;

public static class Shipping
{
    public static double Forward(double[] parcel) => parcel[0];

    public static double Error(double a, double b) => a - b;

    public static double Check(List<double[]> parcels, int iterations)
    {
        double total = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            foreach (var parcel in parcels)
            {
                total += Error(Forward(parcel), 1.0);
            }
        }

        return total;
    }
}");
        }

        [Fact]
        public async Task Delegate_named_like_an_update_counts_as_an_update()
        {
            await Verify.VerifyAnalyzerAsync(Seed("                updateWeights(w, b);",
                extraParameters: ", Action<Dictionary<int, Matrix<double>>, Dictionary<int, Matrix<double>>> updateWeights = null"));
        }

        // ------------------------------------------------------------------ arrays, no gradients, Info

        [Fact]
        public async Task Array_network_with_a_weight_product_and_no_update_is_reported_without_a_fix()
        {
            var source = @"
public class Perceptron
{
    private readonly double[] _weights = new double[3];

    public double Train(double[][] samples, double[] labels, int epochs)
    {
        double cost = 0;
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var s = 0; s < samples.Length; s++)
            {
                double output = 0;
                for (var j = 0; j < 3; j++)
                    output += _weights[j] * samples[s][j];
                var error = labels[s] - output;
                cost += error * error;
            }
        }

        return cost;
    }
}";
            var test = new Verify.Test { TestCode = source, FixedCode = source, LanguageVersion = LanguageVersion.CSharp7_3 };
            const string message = "this loop runs a forward pass ('_weights[j] * samples[s][j]') and a loss ('error') but never updates a weight or bias: no gradients are even computed";
            test.ExpectedDiagnostics.Add(Expected(message));
            test.FixedState.ExpectedDiagnostics.Add(Expected(message));
            await test.RunAsync();
        }

        [Fact]
        public async Task Array_network_that_updates_its_weights_is_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
public class Perceptron
{
    private readonly double[] _weights = new double[3];

    public double Train(double[][] samples, double[] labels, int epochs, double lr)
    {
        double cost = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var s = 0; s < samples.Length; s++)
            {
                double output = 0;
                for (var j = 0; j < 3; j++)
                    output += _weights[j] * samples[s][j];
                var error = labels[s] - output;
                cost += error * error;
                for (var j = 0; j < 3; j++)
                    _weights[j] += lr * error * samples[s][j];
            }
        }

        return cost;
    }
}");
        }

        [Fact]
        public async Task A_call_into_an_interface_that_may_update_makes_the_diagnostic_info()
        {
            var source = @"
public interface ITuner
{
    void Nudge(double[] parameters, double error);
}

public class Perceptron
{
    private readonly double[] _weights = new double[3];

    public double Train(double[][] samples, double[] labels, int epochs, ITuner tuner)
    {
        double cost = 0;
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var s = 0; s < samples.Length; s++)
            {
                double output = 0;
                for (var j = 0; j < 3; j++)
                    output += _weights[j] * samples[s][j];
                var error = labels[s] - output;
                cost += error * error;
                tuner.Nudge(_weights, error);
            }
        }

        return cost;
    }
}";
            await Verify.VerifyAnalyzerAsync(source, Expected(
                "this loop runs a forward pass ('_weights[j] * samples[s][j]') and a loss ('error') but never updates a weight or bias: no gradients are even computed")
                .WithSeverity(DiagnosticSeverity.Info));
        }

        [Fact]
        public async Task A_method_of_the_network_that_writes_state_other_than_its_weights_is_a_warning()
        {
            var source = @"
public class Perceptron
{
    private readonly double[] _weights = new double[3];
    private readonly double[] _table = new double[3];

    private void Tweak(double[] x, double error)
    {
        for (var j = 0; j < 3; j++)
            _table[j] += error * x[j];
    }

    public double Train(double[][] samples, double[] labels, int epochs)
    {
        double cost = 0;
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var s = 0; s < samples.Length; s++)
            {
                double output = 0;
                for (var j = 0; j < 3; j++)
                    output += _weights[j] * samples[s][j];
                var error = labels[s] - output;
                cost += error * error;
                Tweak(samples[s], error);
            }
        }

        return cost;
    }
}";
            await Verify.VerifyAnalyzerAsync(source, Expected(
                "this loop runs a forward pass ('_weights[j] * samples[s][j]') and a loss ('error') but never updates a weight or bias: no gradients are even computed")
                .WithSeverity(DiagnosticSeverity.Warning));
        }

        [Fact]
        public async Task A_method_of_another_type_that_writes_unrecognised_state_makes_the_diagnostic_info()
        {
            var source = @"
public class Table
{
    private readonly double[] _table = new double[3];

    public void Tweak(double[] x, double error)
    {
        for (var j = 0; j < 3; j++)
            _table[j] += error * x[j];
    }
}

public class Perceptron
{
    private readonly double[] _weights = new double[3];
    private readonly Table _table = new Table();

    public double Train(double[][] samples, double[] labels, int epochs)
    {
        double cost = 0;
        {|#0:for|} (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var s = 0; s < samples.Length; s++)
            {
                double output = 0;
                for (var j = 0; j < 3; j++)
                    output += _weights[j] * samples[s][j];
                var error = labels[s] - output;
                cost += error * error;
                _table.Tweak(samples[s], error);
            }
        }

        return cost;
    }
}";
            await Verify.VerifyAnalyzerAsync(source, Expected(
                "this loop runs a forward pass ('_weights[j] * samples[s][j]') and a loss ('error') but never updates a weight or bias: no gradients are even computed")
                .WithSeverity(DiagnosticSeverity.Info));
        }
    }
}
