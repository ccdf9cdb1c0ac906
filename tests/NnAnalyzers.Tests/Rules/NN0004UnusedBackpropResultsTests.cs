using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using NnAnalyzers.CodeFixes.Rules;
using NnAnalyzers.Rules;
using Xunit;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0004UnusedBackpropResultsAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0004UnusedBackpropResultsFixer>;

namespace NnAnalyzers.Tests.Rules
{
    public class NN0004UnusedBackpropResultsTests
    {
        private const string AssignBack = "NN0004.AssignBack";
        private const string InPlace = "NN0004.InPlace";

        // The seed port's shape: BackProp returns the gradients and writes nothing, Update applies them.
        private static string Seed(string trainLoopBody, string extraMembers = "", string updateName = "Update") => @"
using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> SigDeriv(Matrix<double> x) => x.PointwiseMultiply(1.0 - x);

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        var s = z.Enumerate().Sum();
        return z / s;
    }

    public static (Matrix<double> Pred, Dictionary<int, Matrix<double>> A) ForwardProp(Matrix<double> x, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
    {
        var a = new Dictionary<int, Matrix<double>>();
        a[0] = x.Transpose();
        var last = w.Count;
        for (var i = 1; i <= last; i++)
        {
            var z = w[i - 1] * a[i - 1] + b[i - 1];
            a[i] = i == last ? Softmax(z) : Sig(z);
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
            if (i == last - 1)
            {
                d[i] = w[i].Transpose() * d[i + 1];
            }
            else if (i != 0)
            {
                d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(SigDeriv(a[i]));
            }

            dW[i] = d[i + 1] * a[i].Transpose();
            dB[i] = d[i + 1].RowSums().ToColumnMatrix();
        }

        return (dW, dB);
    }

    public static (Dictionary<int, Matrix<double>> W, Dictionary<int, Matrix<double>> B) " + updateName + @"(Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, Dictionary<int, Matrix<double>> dW, Dictionary<int, Matrix<double>> dB, double learnRate)
    {
        for (var i = 0; i < w.Count; i++)
        {
            w[i] = w[i] - learnRate * dW[i];
            b[i] = b[i] - learnRate * dB[i];
        }

        return (w, b);
    }

    public static double SumError(Matrix<double> y, Matrix<double> p) => y.Transpose().PointwiseMultiply(p.PointwiseLog()).Enumerate().Sum();
" + extraMembers + @"
    public static double Train(Matrix<double> x, Matrix<double> y, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, int epochs, double learnRate, int batch)
    {
        double cost = 0;
        for (var i = 0; i < epochs; i++)
        {
            double e = 0;
            for (var k = 0; k < x.RowCount; k++)
            {
                var xk = x.SubMatrix(k, batch, 0, x.ColumnCount);
                var yk = y.SubMatrix(k, batch, 0, y.ColumnCount);
                var (pred, layer) = ForwardProp(xk, w, b);
                e += SumError(yk, pred);
" + trainLoopBody + @"
            }

            cost = -e / x.RowCount;
        }

        return cost;
    }
}
";

        // ------------------------------------------------------------------ gradients discarded (the seed)

        [Theory]
        [InlineData(LanguageVersion.CSharp7_3)]
        [InlineData(LanguageVersion.Latest)]
        public async Task Seed_port_backprop_statement_is_reported_and_fixed_with_update(LanguageVersion version)
        {
            var test = new Verify.Test
            {
                LanguageVersion = version,
                TestCode = Seed("                {|#0:BackProp(yk, pred, layer, w, b)|};"),
                FixedCode = Seed(@"                var (dW, dB) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW, dB, learnRate);"),
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0)
                .WithArguments("the gradients returned by BackProp(...) are never applied to the weights"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Applied_gradients_are_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(Seed(@"                var (dW, dB) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW, dB, learnRate);"));
        }

        [Fact]
        public async Task Stored_gradients_never_read_are_reported_and_the_fix_applies_them()
        {
            var test = new Verify.Test
            {
                TestCode = Seed("                var (gw, gb) = {|#0:BackProp(yk, pred, layer, w, b)|};"),
                FixedCode = Seed(@"                var (gw, gb) = BackProp(yk, pred, layer, w, b);
                Update(w, b, gw, gb, learnRate);"),
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0)
                .WithArguments("the gradients returned by BackProp(...) are stored in 'gw', 'gb' and never read: they are never applied to the weights"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Gradients_stored_in_a_tuple_local_never_read_are_applied_through_its_elements()
        {
            await Verify.VerifyCodeFixAsync(
                Seed("                var grads = [|BackProp(yk, pred, layer, w, b)|];"),
                Seed(@"                var grads = BackProp(yk, pred, layer, w, b);
                Update(w, b, grads.DW, grads.DB, learnRate);"));
        }

        [Fact]
        public async Task Fix_all_declares_names_that_do_not_collide()
        {
            var test = new Verify.Test
            {
                TestCode = Seed(@"                var dW = 0.0;
                Console.WriteLine(dW);
                [|BackProp(yk, pred, layer, w, b)|];
                [|BackProp(yk, pred, layer, w, b)|];"),
                FixedCode = Seed(@"                var dW = 0.0;
                Console.WriteLine(dW);
                var (dW1, dB) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW1, dB, learnRate);
                var (dW2, dB1) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW2, dB1, learnRate);"),
            };
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_all_repairs_both_kinds_in_one_pass_like_dotnet_format()
        {
            await Verify.VerifyCodeFixAsync(
                Seed(@"                [|xk.Multiply(2.0)|];
                [|BackProp(yk, pred, layer, w, b)|];"),
                Seed(@"                xk = xk.Multiply(2.0);
                var (dW, dB) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW, dB, learnRate);"));
        }

        [Fact]
        public async Task Partly_used_gradients_report_the_unread_local()
        {
            await Verify.VerifyAnalyzerAsync(Seed(@"                var (dW, [|dB|]) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW, dW, learnRate);"));
        }

        [Fact]
        public async Task Embedded_statement_is_wrapped_in_a_block()
        {
            await Verify.VerifyCodeFixAsync(
                Seed(@"                if (k % 2 == 0)
                    [|BackProp(yk, pred, layer, w, b)|];"),
                Seed(@"                if (k % 2 == 0)
                {
                    var (dW, dB) = BackProp(yk, pred, layer, w, b);
                    Update(w, b, dW, dB, learnRate);
                }"));
        }

        [Fact]
        public async Task Learning_rate_is_found_under_another_name()
        {
            var source = Seed("                [|BackProp(yk, pred, layer, w, b)|];").Replace("double learnRate, int batch)\n    {\n        double cost", "double eta, int batch)\n    {\n        double cost");
            var fixedSource = Seed(@"                var (dW, dB) = BackProp(yk, pred, layer, w, b);
                Update(w, b, dW, dB, eta);").Replace("double learnRate, int batch)\n    {\n        double cost", "double eta, int batch)\n    {\n        double cost");
            Assert.Contains("double eta", source);
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task No_fix_when_two_update_methods_fit()
        {
            var source = Seed("                [|BackProp(yk, pred, layer, w, b)|];", extraMembers: @"
    public static void Step(Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, Dictionary<int, Matrix<double>> dW, Dictionary<int, Matrix<double>> dB, double learnRate)
    {
        Update(w, b, dW, dB, learnRate);
    }
");
            await Verify.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task No_fix_when_no_learning_rate_is_in_scope()
        {
            var source = Seed("                [|BackProp(yk, pred, layer, w, b)|];").Replace("double learnRate, int batch)\n    {\n        double cost", "double momentum, int batch)\n    {\n        double cost");
            Assert.Contains("double momentum", source);
            await Verify.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task Backprop_that_updates_the_weights_itself_and_returns_the_loss_is_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
using MathNet.Numerics.LinearAlgebra;

public class Layer
{
    private Matrix<double> _weights = Matrix<double>.Build.Dense(2, 2);

    public double Backward(Matrix<double> input, Matrix<double> error, double lr)
    {
        var gradW = error * input.Transpose();
        _weights = _weights - lr * gradW;
        return error.FrobeniusNorm();
    }

    public double Backprop(Matrix<double> input, Matrix<double> error, double lr, Matrix<double> weights)
    {
        var gradW = error * input.Transpose();
        weights.Subtract(lr * gradW, weights);
        return error.FrobeniusNorm();
    }

    public void Train(Matrix<double> x, Matrix<double> e)
    {
        Backward(x, e, 0.1);
        Backprop(x, e, 0.1, _weights);
    }
}");
        }

        [Fact]
        public async Task Backprop_that_reads_the_weights_through_mathnet_views_still_returns_unapplied_gradients()
        {
            // Row, AsArray, At and Enumerate return values of the receiver; they write nothing, so Backward computes
            // gradients and applies none, and its discarded result is reported.
            await Verify.VerifyAnalyzerAsync(@"
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public class Layer
{
    private Matrix<double> _weights = Matrix<double>.Build.Dense(2, 2);

    public Matrix<double> Backward(Matrix<double> input, Matrix<double> error)
    {
        var firstRow = _weights.Row(0);
        var raw = _weights.AsArray();
        var scale = _weights.At(0, 0) + raw.Length + firstRow.Sum() + _weights.Enumerate().Count();
        return error * input.Transpose() * scale;
    }

    public void Train(Matrix<double> x, Matrix<double> e, int epochs)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            {|#0:Backward(x, e)|};
        }
    }
}", Verify.Diagnostic().WithLocation(0).WithArguments("the gradients returned by Backward(...) are never applied to the weights"));
        }

        [Fact]
        public async Task Gradients_cached_in_a_field_passed_on_or_returned_are_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(Seed(@"                _last = BackProp(yk, pred, layer, w, b);
                Keep(BackProp(yk, pred, layer, w, b));", extraMembers: @"
    private static (Dictionary<int, Matrix<double>> DW, Dictionary<int, Matrix<double>> DB) _last;

    private static void Keep((Dictionary<int, Matrix<double>> DW, Dictionary<int, Matrix<double>> DB) g) => _last = g;

    public static (Dictionary<int, Matrix<double>> DW, Dictionary<int, Matrix<double>> DB) Grads(Matrix<double> y, Matrix<double> p, Dictionary<int, Matrix<double>> a, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
    {
        var g = BackProp(y, p, a, w, b);
        return g;
    }
"));
        }

        // A backward pass that keeps its gradients in a field through a framework copy, and returns only the loss.
        private const string CopiedIntoField = @"
using System;

public class Net
{
    private readonly double[] _weights = new double[4];
    private readonly double[] _grad = new double[4];

    public double Backward(double[] x, double target)
    {
        double y = 0;
        for (int i = 0; i < x.Length; i++) y += _weights[i] * x[i];
        var local = new double[_grad.Length];
        for (int i = 0; i < x.Length; i++) local[i] = 2 * (y - target) * x[i];
        COPY;
        return (y - target) * (y - target);
    }

    public void Step(double lr)
    {
        for (int i = 0; i < _weights.Length; i++) _weights[i] -= lr * _grad[i];
    }

    public void Train(double[][] xs, double[] ys, int epochs, double lr)
    {
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            for (int n = 0; n < xs.Length; n++)
            {
                CALL;
                Step(lr);
            }
        }
    }
}";

        [Theory]
        [InlineData("Array.Copy(local, _grad, local.Length)")]
        [InlineData("local.CopyTo(_grad, 0)")]
        [InlineData("local.AsSpan().CopyTo(_grad)")]
        [InlineData("Buffer.BlockCopy(local, 0, _grad, 0, local.Length * sizeof(double))")]
        public async Task Backprop_that_copies_its_gradients_into_a_field_is_not_reported(string copy)
        {
            await Verify.VerifyAnalyzerAsync(CopiedIntoField.Replace("COPY", copy).Replace("CALL", "Backward(xs[n], ys[n])"));
        }

        [Fact]
        public async Task Backprop_that_copies_a_field_into_a_local_still_discards_its_gradients()
        {
            // Copying from the field reads it: nothing of the gradients leaves the method.
            await Verify.VerifyAnalyzerAsync(
                CopiedIntoField.Replace("COPY", "Array.Copy(_grad, local, local.Length)").Replace("CALL", "{|#0:Backward(xs[n], ys[n])|}"),
                Verify.Diagnostic().WithLocation(0).WithArguments("the gradients returned by Backward(...) are never applied to the weights"));
        }

        [Fact]
        public async Task A_gradient_local_whose_size_alone_is_read_is_reported()
        {
            // Session 12's probe: the gradient is computed on a worker thread and only its size is logged.
            var source = @"
using System;
using System.Threading.Tasks;

public class Network
{
    private readonly double[] _w = new double[3];

    public double Forward(double[] x) { double s = 0; for (int i = 0; i < 3; i++) s += _w[i] * x[i]; return s; }

    public async Task TrainAsync(double[][] xs, double[] ys, double lr)
    {
        for (int epoch = 0; epoch < 100; epoch++)
        {
            var {|#0:grad|} = await Task.Run(() =>
            {
                var g = new double[3];
                for (int n = 0; n < xs.Length; n++) { var e = Forward(xs[n]) - ys[n]; for (int i = 0; i < 3; i++) g[i] += e * xs[n][i] / xs.Length; }
                return g;
            });
            Console.WriteLine(grad.Length + "" "" + grad.GetLength(0));
            APPLY
        }
    }
}";
            var test = new Verify.Test { TestCode = source.Replace("APPLY", string.Empty), FixedCode = source.Replace("APPLY", string.Empty) };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0)
                .WithArguments("the gradient 'grad' is computed and its values are never read: it never reaches the weights"));
            await test.RunAsync();

            var applied = source.Replace("{|#0:grad|}", "grad").Replace("APPLY", "for (int i = 0; i < grad.Length; i++) _w[i] -= lr * grad[i];");
            await Verify.VerifyAnalyzerAsync(applied);

            // A size compared (a shape check that throws) is a use: the reference library's CheckGradientShapes.
            var checkedShape = source.Replace("{|#0:grad|}", "grad").Replace("APPLY", "if (grad.Length != _w.Length) throw new InvalidOperationException();");
            await Verify.VerifyAnalyzerAsync(checkedShape);
        }

        [Fact]
        public async Task A_gradient_local_never_read_is_reported_without_a_fix()
        {
            var source = @"
using MathNet.Numerics.LinearAlgebra;

public class Network
{
    private Matrix<double> _weights = Matrix<double>.Build.Dense(2, 2);
    private Matrix<double> _bias = Matrix<double>.Build.Dense(2, 1);

    public void TrainStep(Matrix<double> input, Matrix<double> delta, double lr)
    {
        var dW = delta * input.Transpose();
        var {|#0:dB|} = delta.RowSums().ToColumnMatrix();
        _weights = _weights - lr * dW;
    }
}";
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0)
                .WithArguments("the gradient 'dB' is computed and its values are never read: it never reaches the weights"));
            await test.RunAsync();
        }

        // Probe 14 N4: a batch-norm layer (cs231n's names) whose shift is never stepped. The scale and shift of a
        // normalisation layer are gamma and beta, their gradients dGamma/dBeta (dgamma/dbeta in the course's numpy).
        private const string BatchNorm = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public sealed class BatchNormLayer
{
    private Vector<double> _gamma, _beta;
    private Matrix<double> _xHat;
    private Vector<double> _invStd;
    private const double Eps = 1e-5;

    public BatchNormLayer(int features)
    {
        _gamma = Vector<double>.Build.Dense(features, 1.0);
        _beta = Vector<double>.Build.Dense(features);
    }

    public Matrix<double> Forward(Matrix<double> x)
    {
        int m = x.ColumnCount;
        var mean = x.RowSums() / m;
        var variance = x.MapIndexed((i, _, v) => (v - mean[i]) * (v - mean[i])).RowSums() / m;
        _invStd = variance.Map(v => 1.0 / Math.Sqrt(v + Eps));
        _xHat = x.MapIndexed((i, _, v) => (v - mean[i]) * _invStd[i]);
        return _xHat.MapIndexed((i, _, v) => _gamma[i] * v + _beta[i]);
    }

    public Matrix<double> Backward(Matrix<double> dY, double lr)
    {
        int m = dY.ColumnCount;
        var DGAMMA = dY.PointwiseMultiply(_xHat).RowSums();
        var DBETA = dY.RowSums();
        var dXHat = dY.MapIndexed((i, _, v) => v * _gamma[i]);
        var sumDxHat = dXHat.RowSums();
        var sumDxHatXHat = dXHat.PointwiseMultiply(_xHat).RowSums();
        var dX = dXHat.MapIndexed((i, j, v) => _invStd[i] / m * (m * v - sumDxHat[i] - _xHat[i, j] * sumDxHatXHat[i]));

        _gamma = _gamma - lr * GAMMASTEP / m;
BETASTEP        return dX;
    }
}";

        [Theory]
        [InlineData("dGamma", "dBeta")]
        [InlineData("dgamma", "dbeta")]
        [InlineData("d_gamma", "d_beta")]
        public async Task A_batch_norm_shift_gradient_never_read_is_reported(string dGamma, string dBeta)
        {
            await Verify.VerifyAnalyzerAsync(BatchNorm.Replace("DGAMMA", dGamma).Replace("GAMMASTEP", dGamma)
                .Replace("DBETA", "{|#0:" + dBeta + "|}").Replace("BETASTEP", string.Empty),
                Verify.Diagnostic().WithLocation(0)
                    .WithArguments("the gradient '" + dBeta + "' is computed and its values are never read: it never reaches the weights"));
        }

        [Theory]
        [InlineData("dGamma", "dBeta")]
        [InlineData("dgamma", "dbeta")]
        public async Task A_batch_norm_whose_scale_and_shift_are_both_stepped_is_silent(string dGamma, string dBeta)
        {
            await Verify.VerifyAnalyzerAsync(BatchNorm.Replace("DGAMMA", dGamma).Replace("GAMMASTEP", dGamma)
                .Replace("DBETA", dBeta).Replace("BETASTEP", "        _beta = _beta - lr * " + dBeta + " / m;\n"));
        }

        // dx and dt are the step sizes and increments of numerical code (an ODE, a finite difference), not gradients: a
        // network that integrates its dynamics (a neural ODE's Euler steps) may leave them unread without a report.
        [Fact]
        public async Task Step_sizes_named_dx_and_dt_in_nn_code_are_not_gradients()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System;

public sealed class NeuralOde
{
    private readonly double[] _weights = { 0.3, -0.2 };

    public double Forward(double x0, double horizon, int steps)
    {
        var h = horizon / steps;
        var x = x0;
        for (var k = 0; k < steps; k++)
        {
            x += h * Math.Tanh(_weights[0] * x + _weights[1]);
        }

        var dx = x - x0;
        return x;
    }

    public double Settle(double x0, double horizon)
    {
        var dt = horizon / 100;
        return Forward(x0, horizon, 100);
    }
}");
        }

        [Fact]
        public async Task Gradients_returned_through_an_out_argument_and_never_read_are_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System;

public class Neuron
{
    private double[] _weights = new double[2];

    public double Loss(double[] x, double target, out double[] gradW)
    {
        var output = _weights[0] * x[0] + _weights[1] * x[1];
        gradW = new[] { (output - target) * x[0], (output - target) * x[1] };
        return 0.5 * (output - target) * (output - target);
    }

    public void TrainStep(double[] x, double target, double lr)
    {
        var loss = Loss(x, target, out var [|gradW|]);
        Console.WriteLine(loss);
        var used = Loss(x, target, out var gradUsed);
        _weights[0] -= lr * gradUsed[0] * used;
    }
}");
        }

        [Fact]
        public async Task Gradient_names_outside_nn_code_and_colour_gradients_are_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System.Collections.Generic;

public class Painter
{
    public double[] ComputeGradient(double[] colours) => (double[])colours.Clone();

    public void Paint(double[] colours)
    {
        var delta = colours[0] - colours[1];
        ComputeGradient(colours);
    }
}");
        }

        [Fact]
        public async Task Gradients_type_of_our_library_is_reported_when_discarded()
        {
            await Verify.VerifyAnalyzerAsync(@"
namespace NnAnalyzers.Network
{
    public sealed class Gradients { }

    public abstract class Model
    {
        public abstract Gradients Compute(double[] x, double[] y);

        public void Fit(double[] x, double[] y)
        {
            {|#0:Compute(x, y)|};
        }
    }
}", Verify.Diagnostic().WithLocation(0).WithArguments("the gradients returned by Compute(...) are never applied to the weights"));
        }

        // Probe 14 N4: a 1-D CNN whose gradients come back in a record of its own, named like gradients, holding only
        // numbers (arrays and a scalar) — as good as a tuple of them.
        private const string CnnWithGradientsRecord = @"
using System;

public sealed record Gradients(double[,] Kernels, double[] KernelBias, double[] Head, double HeadBias);

public sealed class SensorCnn
{
    private readonly double[,] _kernels;
    private readonly double[] _kernelBias;
    private readonly double[] _head;
    private double _headBias;

    public SensorCnn(int filters, int width, Random rng)
    {
        _kernels = new double[filters, width];
        _kernelBias = new double[filters];
        _head = new double[filters];
        for (int f = 0; f < filters; f++)
        {
            for (int k = 0; k < width; k++) _kernels[f, k] = (2 * rng.NextDouble() - 1) / Math.Sqrt(width);
            _head[f] = (2 * rng.NextDouble() - 1) / Math.Sqrt(filters);
        }
    }

    private (double[,] Pre, double[] Pooled, double Logit) Forward(double[] x)
    {
        int filters = _head.Length, width = _kernels.GetLength(1), len = x.Length - width + 1;
        var pre = new double[filters, len];
        var pooled = new double[filters];
        double logit = _headBias;
        for (int f = 0; f < filters; f++)
        {
            for (int t = 0; t < len; t++)
            {
                double s = _kernelBias[f];
                for (int k = 0; k < width; k++) s += _kernels[f, k] * x[t + k];
                pre[f, t] = s;
                pooled[f] += Math.Max(0, s) / len;
            }

            logit += _head[f] * pooled[f];
        }

        return (pre, pooled, logit);
    }

    public Gradients METHOD(double[] x, int label)
    {
        var (pre, pooled, logit) = Forward(x);
        int filters = _head.Length, width = _kernels.GetLength(1), len = pre.GetLength(1);
        double dLogit = 1.0 / (1.0 + Math.Exp(-logit)) - label;
        var gK = new double[filters, width];
        var gKb = new double[filters];
        var gH = new double[filters];
        for (int f = 0; f < filters; f++)
        {
            gH[f] = dLogit * pooled[f];
            double dPooled = dLogit * _head[f] / len;
            for (int t = 0; t < len; t++)
            {
                if (pre[f, t] <= 0) continue;
                gKb[f] += dPooled;
                for (int k = 0; k < width; k++) gK[f, k] += dPooled * x[t + k];
            }
        }

        return new Gradients(gK, gKb, gH, dLogit);
    }

    public void Apply(Gradients g, double lr)
    {
        for (int f = 0; f < _head.Length; f++)
        {
            for (int k = 0; k < _kernels.GetLength(1); k++) _kernels[f, k] -= lr * g.Kernels[f, k];
            _kernelBias[f] -= lr * g.KernelBias[f];
            _head[f] -= lr * g.Head[f];
        }

        _headBias -= lr * g.HeadBias;
    }

    public double TrainOnSample(double[] x, int label, double lr)
    {
        var (_, _, logit) = Forward(x);
        double loss = Math.Max(logit, 0) - logit * label + Math.Log(1 + Math.Exp(-Math.Abs(logit)));
STEP
        return loss;
    }
}";

        // The record's name is evidence by itself, as our library's Gradients type is: also from a method named otherwise.
        [Theory]
        [InlineData("ComputeGradients")]
        [InlineData("Differentiate")]
        public async Task Gradients_returned_in_a_record_named_like_gradients_and_discarded_are_reported_and_applied(string method)
        {
            await DiscardedThenApplied(CnnWithGradientsRecord.Replace("METHOD", method), method, "(x, label)", "        ");
        }

        // STEP holds the discarded call (reported); the fix stores the gradients and applies them.
        private static Task DiscardedThenApplied(string source, string method, string arguments, string indent)
        {
            var test = new Verify.Test
            {
                TestCode = source.Replace("STEP", indent + "{|#0:" + method + arguments + "|};"),
                FixedCode = source.Replace("STEP", indent + "var gradients = " + method + arguments + ";\n" + indent + "Apply(gradients, lr);"),
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0)
                .WithArguments("the gradients returned by " + method + "(...) are never applied to the weights"));
            return test.RunAsync();
        }

        [Fact]
        public async Task Gradients_returned_in_a_record_and_applied_are_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(CnnWithGradientsRecord.Replace("METHOD", "ComputeGradients")
                .Replace("STEP", "        Apply(ComputeGradients(x, label), lr);"));
        }

        // A backward pass that returns a class of its own holding only numbers: gradients when the class's name says so
        // (Grads), when the method's does (Backward), or when the local it returns does (grads in Differentiate).
        private const string LayerWithGradientClass = @"
using System;

public sealed class TYPE
{
    public double[] Weights;
    public double Bias;
}

public sealed class LogisticUnit
{
    private readonly double[] _weights = new double[4];
    private double _bias;

    public double Forward(double[] x)
    {
        double z = _bias;
        for (int i = 0; i < x.Length; i++) z += _weights[i] * x[i];
        return 1.0 / (1.0 + Math.Exp(-z));
    }

    public TYPE METHOD(double[] x, double y)
    {
        var error = Forward(x) - y;
        var LOCAL = new TYPE { Weights = new double[x.Length], Bias = error };
        for (int i = 0; i < x.Length; i++) LOCAL.Weights[i] = error * x[i];
        return LOCAL;
    }
SNAPSHOT
    public void Apply(TYPE p, double lr)
    {
        for (int i = 0; i < _weights.Length; i++) _weights[i] -= lr * p.Weights[i];
        _bias -= lr * p.Bias;
    }

    public void Fit(double[][] xs, double[] ys, int epochs, double lr)
    {
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            for (int n = 0; n < xs.Length; n++)
            {
STEP
            }
        }
    }
}";

        [Theory]
        [InlineData("Grads", "Backward", "grads")]
        [InlineData("Partials", "Backward", "result")]
        [InlineData("Partials", "Differentiate", "grads")]
        [InlineData("Partials", "Differentiate", "gradients")]
        public async Task A_class_of_gradients_returned_and_discarded_is_reported_and_applied(string type, string method, string local)
        {
            await DiscardedThenApplied(LayerWithGradientClass.Replace("TYPE", type).Replace("METHOD", method).Replace("LOCAL", local).Replace("SNAPSHOT", string.Empty),
                method, "(xs[n], ys[n])", "                ");
        }

        [Fact]
        public async Task A_class_of_gradients_applied_or_of_weights_snapshotted_is_not_reported()
        {
            // Snapshot() returns the same class as a copy of the weights: neither its name, the method's nor the local's
            // says gradients, and dropping it loses nothing the training needs.
            const string Snapshot = @"
    public Partials Snapshot()
    {
        var copy = new Partials { Weights = (double[])_weights.Clone(), Bias = _bias };
        return copy;
    }
";
            await Verify.VerifyAnalyzerAsync(LayerWithGradientClass.Replace("TYPE", "Partials").Replace("METHOD", "Differentiate").Replace("LOCAL", "grads")
                .Replace("SNAPSHOT", Snapshot).Replace("STEP", "                Apply(Differentiate(xs[n], ys[n]), lr);\n                Snapshot();"));
        }

        [Fact]
        public async Task Instance_network_backward_is_applied_with_its_apply_method()
        {
            const string Header = @"
using MathNet.Numerics.LinearAlgebra;

public class Network
{
    private Matrix<double> _w1 = Matrix<double>.Build.Dense(3, 2);
    private Matrix<double> _b1 = Matrix<double>.Build.Dense(3, 1);

    public (Matrix<double> dW1, Matrix<double> dB1) Backward(Matrix<double> x, Matrix<double> delta)
    {
        var dW1 = delta * x.Transpose();
        var dB1 = delta.RowSums().ToColumnMatrix();
        return (dW1, dB1);
    }

    public void ApplyGradients(Matrix<double> dW1, Matrix<double> dB1, double learningRate)
    {
        _w1 = _w1 - learningRate * dW1;
        _b1 = _b1 - learningRate * dB1;
    }
";
            await Verify.VerifyCodeFixAsync(
                Header + @"
    public void Fit(Matrix<double> x, Matrix<double> delta, double learningRate)
    {
        [|Backward(x, delta)|];
    }
}

public class Trainer
{
    public void Epoch(Network net, Matrix<double> x, Matrix<double> delta, double lr)
    {
        [|net.Backward(x, delta)|];
    }
}",
                Header + @"
    public void Fit(Matrix<double> x, Matrix<double> delta, double learningRate)
    {
        var (dW1, dB1) = Backward(x, delta);
        ApplyGradients(dW1, dB1, learningRate);
    }
}

public class Trainer
{
    public void Epoch(Network net, Matrix<double> x, Matrix<double> delta, double lr)
    {
        var (dW1, dB1) = net.Backward(x, delta);
        net.ApplyGradients(dW1, dB1, lr);
    }
}");
        }

        [Fact]
        public async Task Library_gradients_are_applied_with_the_optimizer_in_scope()
        {
            const string Library = @"
namespace NnAnalyzers.Network
{
    public sealed class Gradients
    {
        public double[] Values = new double[2];
    }

    public sealed class DenseNetwork
    {
        public double[] Weights = new double[2];

        public Gradients Backward(double[] x, double[] y) => new Gradients();

        public Gradients CreateGradients() => new Gradients();
    }

    public abstract class Optimizer
    {
        public void Step(DenseNetwork network, Gradients gradients)
        {
            network.Weights[0] -= gradients.Values[0];
        }
    }
}
";
            await Verify.VerifyCodeFixAsync(
                Library + @"
public static class Training
{
    public static void Fit(NnAnalyzers.Network.DenseNetwork net, NnAnalyzers.Network.Optimizer optimizer, double[] x, double[] y)
    {
        net.CreateGradients();
        [|net.Backward(x, y)|];
    }
}",
                Library + @"
public static class Training
{
    public static void Fit(NnAnalyzers.Network.DenseNetwork net, NnAnalyzers.Network.Optimizer optimizer, double[] x, double[] y)
    {
        net.CreateGradients();
        var gradients = net.Backward(x, y);
        optimizer.Step(net, gradients);
    }
}");
        }

        [Fact]
        public async Task Gradient_local_computed_in_a_loop_and_never_read_is_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
public class Perceptron
{
    private double[] _weights = new double[3];

    public void TrainEpoch(double[][] inputs, double[] targets, double lr)
    {
        for (var n = 0; n < inputs.Length; n++)
        {
            var output = Predict(inputs[n]);
            var error = targets[n] - output;
            var [|gradW|] = new double[_weights.Length];
            for (var j = 0; j < _weights.Length; j++)
            {
                gradW[j] = error * inputs[n][j];
                _weights[j] += lr * error * inputs[n][j];
            }
        }
    }

    private double Predict(double[] x)
    {
        var sum = 0.0;
        for (var j = 0; j < x.Length; j++)
        {
            sum += _weights[j] * x[j];
        }

        return sum;
    }
}");
        }

        [Fact]
        public async Task Incomplete_code_does_not_throw()
        {
            const string Source = @"
using MathNet.Numerics.LinearAlgebra;

public class Net
{
    Matrix<double> W;

    public (Matrix<double> dW, Matrix<double> dB) Backward(Matrix<double> x) { var dW = x.; return (dW, }

    public void Fit(Matrix<double> x, double lr)
    {
        W.Subtract(;
        Backward(x
        var dB = ;
    }
}";
            var test = new Verify.Test
            {
                TestCode = Source,
                FixedCode = Source,
                CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None,
            };
            await test.RunAsync();
        }

        // ------------------------------------------------------------------ MathNet results

        private const string MathNetHeader = @"
using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

public class Trainer
{
    private Matrix<double> W = Matrix<double>.Build.Dense(2, 2);
    private readonly Matrix<double> _frozen = Matrix<double>.Build.Dense(2, 2);
    private Dictionary<int, Matrix<double>> w = new Dictionary<int, Matrix<double>>();

    private Matrix<double> GetW() => W;
";

        [Theory]
        [InlineData(LanguageVersion.CSharp7_3)]
        [InlineData(LanguageVersion.Latest)]
        public async Task Discarded_subtract_is_reported_and_assigned_back(LanguageVersion version)
        {
            var test = new Verify.Test
            {
                LanguageVersion = version,
                TestCode = MathNetHeader + @"
    public void Step(Matrix<double> dW)
    {
        {|#0:W.Subtract(dW)|};
    }
}",
                FixedCode = MathNetHeader + @"
    public void Step(Matrix<double> dW)
    {
        W = W.Subtract(dW);
    }
}",
                CodeActionEquivalenceKey = AssignBack,
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0)
                .WithArguments("the result of 'W.Subtract(dW)' is discarded: MathNet returns a new matrix and leaves 'W' unchanged"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Discarded_subtract_uses_the_in_place_overload()
        {
            await Verify.VerifyCodeFixAsync(
                MathNetHeader + @"
    public void Step(Matrix<double> dW)
    {
        [|W.Subtract(dW)|];
    }
}",
                MathNetHeader + @"
    public void Step(Matrix<double> dW)
    {
        W.Subtract(dW, W);
    }
}",
                InPlace);
        }

        [Fact]
        public async Task Discarded_scalar_multiply_on_a_local_is_assigned_back()
        {
            await Verify.VerifyCodeFixAsync(
                MathNetHeader + @"
    public Matrix<double> Scale(Matrix<double> m)
    {
        var scaled = m.Clone();
        [|scaled.Multiply(0.5)|];
        return scaled;
    }
}",
                MathNetHeader + @"
    public Matrix<double> Scale(Matrix<double> m)
    {
        var scaled = m.Clone();
        scaled = scaled.Multiply(0.5);
        return scaled;
    }
}",
                AssignBack);
        }

        [Fact]
        public async Task Discarded_vector_map_uses_the_in_place_overload()
        {
            await Verify.VerifyCodeFixAsync(
                MathNetHeader + @"
    public void Activate(Vector<double> v, Func<double, double> f)
    {
        [|v.Map(f)|];
    }
}",
                MathNetHeader + @"
    public void Activate(Vector<double> v, Func<double, double> f)
    {
        v.Map(f, v);
    }
}",
                InPlace);
        }

        [Fact]
        public async Task Dictionary_element_is_assigned_back_and_fix_all_covers_every_statement()
        {
            await Verify.VerifyCodeFixAsync(
                MathNetHeader + @"
    public void Step(Dictionary<int, Matrix<double>> dW, double lr)
    {
        for (var i = 0; i < w.Count; i++)
        {
            [|w[i].Subtract(dW[i].Multiply(lr))|];
            [|W.Add(dW[i])|];
        }
    }
}",
                MathNetHeader + @"
    public void Step(Dictionary<int, Matrix<double>> dW, double lr)
    {
        for (var i = 0; i < w.Count; i++)
        {
            w[i] = w[i].Subtract(dW[i].Multiply(lr));
            W = W.Add(dW[i]);
        }
    }
}",
                AssignBack);
        }

        [Fact]
        public async Task Readonly_field_gets_only_the_in_place_overload()
        {
            var source = MathNetHeader + @"
    public void Step(Matrix<double> dW)
    {
        [|_frozen.Subtract(dW)|];
    }
}";
            await Verify.VerifyCodeFixAsync(source, MathNetHeader + @"
    public void Step(Matrix<double> dW)
    {
        _frozen.Subtract(dW, _frozen);
    }
}");
        }

        [Fact]
        public async Task Transpose_has_no_in_place_fix_and_a_scalar_has_no_fix()
        {
            var source = MathNetHeader + @"
    public void Look(Matrix<double> m, Vector<double> v)
    {
        {|#0:v.Sum()|};
        {|#1:GetW().Transpose()|};
    }
}";
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0)
                .WithArguments("the result of 'v.Sum()' is discarded: MathNet returns a value and leaves 'v' unchanged"));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(1)
                .WithArguments("the result of 'GetW().Transpose()' is discarded: MathNet returns a new matrix and leaves 'GetW()' unchanged"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Transpose_of_a_field_is_assigned_back_only()
        {
            await Verify.VerifyCodeFixAsync(
                MathNetHeader + @"
    public void Flip()
    {
        [|W.Transpose()|];
    }
}",
                MathNetHeader + @"
    public void Flip()
    {
        W = W.Transpose();
    }
}");
        }

        [Fact]
        public async Task Property_with_a_setter_is_assigned_back_and_a_getter_only_property_is_written_in_place()
        {
            const string Header = @"
using MathNet.Numerics.LinearAlgebra;

public class Layer
{
    public Matrix<double> Weights { get; set; } = Matrix<double>.Build.Dense(2, 2);

    public Matrix<double> Bias { get; } = Matrix<double>.Build.Dense(2, 1);
";
            await Verify.VerifyCodeFixAsync(
                Header + @"
    public void Step(Matrix<double> dW, Matrix<double> dB, double lr)
    {
        [|Weights.Subtract(dW.Multiply(lr))|];
        [|Bias.Subtract(dB.Multiply(lr))|];
    }
}",
                Header + @"
    public void Step(Matrix<double> dW, Matrix<double> dB, double lr)
    {
        Weights = Weights.Subtract(dW.Multiply(lr));
        Bias.Subtract(dB.Multiply(lr), Bias);
    }
}");
        }

        [Theory]
        [InlineData("W.Transpose()")]
        [InlineData("W.Multiply(dW)")]
        [InlineData("GetW().Subtract(dW)")]
        public async Task No_in_place_fix_for_shape_changing_operations_or_temporaries(string call)
        {
            var source = MathNetHeader + @"
    public void Step(Matrix<double> dW)
    {
        [|" + call + @"|];
    }
}";
            await new Verify.Test { TestCode = source, FixedCode = source, CodeActionEquivalenceKey = InPlace }.RunAsync();
        }

        [Fact]
        public async Task In_place_overloads_inplace_methods_and_assigned_fluent_chains_are_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(MathNetHeader + @"
    public Matrix<double> Step(Matrix<double> dW, Vector<double> v, double lr)
    {
        W.Subtract(dW, W);
        W.Multiply(0.5, W);
        W.MapInplace(x => x * 0.9);
        v.MapInplace(Math.Tanh);
        W.Clear();
        W = W.Subtract(dW.Multiply(lr)).Map(x => Math.Max(x, 0));
        var next = W.Transpose().Multiply(2.0);
        _ = W.Add(1.0);
        return next.Add(dW);
    }
}");
        }

        // Session 14's second probe: a stack of ILayer (or abstract Module) layers whose Backward accumulates into the
        // layer's own gradient buffers and returns the input gradient; Update(lr) applies them — PyTorch's backward().
        private const string LayerStack = @"
using System;
using System.Collections.Generic;
using System.Linq;

public interface ILayer
{
    double[] Forward(double[] x);
    double[] Backward(double[] gradOut);
    void Update(double lr);
}

public sealed class Dense : ILayer
{
    private readonly double[,] _weights, _gradW;
    private double[] _x = Array.Empty<double>();

    public Dense(int inputs, int outputs, Random rng)
    {
        _weights = new double[outputs, inputs];
        _gradW = new double[outputs, inputs];
        for (int a = 0; a < outputs; a++) for (int b = 0; b < inputs; b++) _weights[a, b] = rng.NextDouble() - 0.5;
    }

    public double[] Forward(double[] x)
    {
        _x = x;
        var y = new double[_weights.GetLength(0)];
        for (int a = 0; a < y.Length; a++) for (int b = 0; b < x.Length; b++) y[a] += _weights[a, b] * x[b];
        return y;
    }

    public double[] Backward(double[] g)
    {
        var gx = new double[_x.Length];
        for (int a = 0; a < g.Length; a++)
            for (int b = 0; b < _x.Length; b++)
            {
                ACCUMULATE
                gx[b] += _weights[a, b] * g[a];
            }
        return gx;
    }

    public void Update(double lr)
    {
        for (int a = 0; a < _weights.GetLength(0); a++)
            for (int b = 0; b < _weights.GetLength(1); b++) { _weights[a, b] -= lr * _gradW[a, b]; _gradW[a, b] = 0; }
    }
}

public sealed class Network
{
    private readonly List<ILayer> _layers = new List<ILayer>();

    public Network Add(ILayer layer) { _layers.Add(layer); return this; }

    public double[] Forward(double[] x) { foreach (var l in _layers) x = l.Forward(x); return x; }

    public double[] Backward(double[] g) { for (int i = _layers.Count - 1; i >= 0; i--) g = _layers[i].Backward(g); return g; }

    public double Fit(double[][] xs, double[][] ys, int epochs, double lr)
    {
        double loss = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
            for (int n = 0; n < xs.Length; n++)
            {
                var y = Forward(xs[n]);
                var err = y.Select((v, k) => v - ys[n][k]).ToArray();
                loss = err.Sum(e => e * e);
                CALL;
                foreach (var l in _layers) l.Update(lr);
            }
        return loss;
    }
}";

        [Fact]
        public Task Backward_through_an_interface_whose_layers_accumulate_their_own_gradients_is_not_reported()
            => Verify.VerifyAnalyzerAsync(LayerStack.Replace("ACCUMULATE", "_gradW[a, b] += g[a] * _x[b];").Replace("CALL", "Backward(err)"));

        [Fact]
        public Task Backward_through_an_interface_whose_layers_write_nothing_is_reported()
            => NnAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<NN0004UnusedBackpropResultsAnalyzer>.VerifyAnalyzerAsync(LayerStack.Replace("ACCUMULATE", string.Empty).Replace("CALL", "[|Backward(err)|]"));
    }
}
