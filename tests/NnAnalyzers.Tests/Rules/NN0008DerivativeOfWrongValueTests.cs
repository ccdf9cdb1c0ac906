using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0008DerivativeOfWrongValueAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0008DerivativeOfWrongValueFixer>;

namespace NnAnalyzers.Tests.Rules
{
    public class NN0008DerivativeOfWrongValueTests
    {
        private const string UseActivation = "NN0008.PassOutput";
        private const string RemoveActivation = "NN0008.PassOutput";
        private const string SwapDerivative = "NN0008.SwapDerivative";

        private static Task Fix(string source, string fixedSource, string? key = null, LanguageVersion version = LanguageVersion.Latest)
        {
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = fixedSource,
                CodeActionEquivalenceKey = key,
                LanguageVersion = version,
            };
            return test.RunAsync(CancellationToken.None);
        }

        private static Task NoDiagnostic(string source, LanguageVersion version = LanguageVersion.Latest)
        {
            var test = new Verify.Test { TestCode = source, FixedCode = source, LanguageVersion = version };
            return test.RunAsync(CancellationToken.None);
        }

        // The seed port's forward pass and helpers, with forward and backward in one method (z and a at hand).
        private static string Seed(string backward) => @"
using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> SigDeriv(Matrix<double> x) => x.PointwiseMultiply(1.0 - x);

    public static Dictionary<int, Matrix<double>> Step(Matrix<double> x, Matrix<double> y, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
    {
        var z = new Dictionary<int, Matrix<double>>();
        var a = new Dictionary<int, Matrix<double>>();
        var d = new Dictionary<int, Matrix<double>>();
        a[0] = x.Transpose();
        var last = w.Count;
        for (var i = 1; i <= last; i++)
        {
            z[i] = w[i - 1] * a[i - 1] + b[i - 1];
            a[i] = Sig(z[i]);
        }

        d[last] = a[last] - y.Transpose();
        for (var i = last - 1; i > 0; i--)
        {
" + backward + @"
        }

        return d;
    }
}
";

        private const string Library = @"
namespace NnAnalyzers.Network
{
    public static class Activations
    {
        public static double Sigmoid(double z) => 1.0 / (1.0 + System.Math.Exp(-z));
        public static double SigmoidDerivativeFromOutput(double a) => a * (1.0 - a);
        public static double SigmoidDerivativeFromPreActivation(double z) { var a = Sigmoid(z); return a * (1.0 - a); }
        public static double TanhDerivativeFromOutput(double a) => 1.0 - (a * a);
        public static double TanhDerivativeFromPreActivation(double z) { var a = System.Math.Tanh(z); return 1.0 - (a * a); }
    }
}
";

        // ---------------------------------------------------------------- positives + fixes

        [Fact]
        public async Task Helper_derivative_of_a_dictionary_pre_activation_passes_the_activation_instead()
        {
            await Fix(
                Seed("            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply([|SigDeriv(z[i])|]);"),
                Seed("            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(SigDeriv(a[i]));"));
        }

        [Fact]
        public async Task Message_names_the_pre_activation_and_the_activation_to_pass()
        {
            var test = new Verify.Test
            {
                TestCode = Seed("            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply({|#0:SigDeriv({|#1:z[i]|})|});"),
                FixedCode = Seed("            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(SigDeriv(a[i]));"),
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithArguments("'SigDeriv' takes the sigmoid's output a = sigmoid(z), but 'z[i]' is the pre-activation z: pass 'a[i]'"));
            await test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public async Task Works_in_csharp_7_3()
        {
            await Fix(
                Seed("            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply([|SigDeriv(z[i])|]);"),
                Seed("            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(SigDeriv(a[i]));"),
                version: LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task Inline_mathnet_formula_and_map_lambda_on_the_pre_activation()
        {
            await Fix(
                Seed(@"            var g = [|z[i].PointwiseMultiply(1.0 - z[i])|];
            var h = [|z[i].Map(v => v * (1 - v))|];
            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(g + h);"),
                Seed(@"            var g = a[i].PointwiseMultiply(1.0 - a[i]);
            var h = a[i].Map(v => v * (1 - v));
            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(g + h);"));
        }

        [Fact]
        public async Task Arrays_of_doubles_summed_in_loops_with_an_inline_derivative()
        {
            const string template = @"
using System;

public class Perceptron
{
    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public double[] Train(double[] x, double[,] w, double[] bias, double[] target)
    {
        var n = bias.Length;
        var z = new double[n];
        var act = new double[n];
        var delta = new double[n];
        for (var j = 0; j < n; j++)
        {
            z[j] = bias[j];
            for (var k = 0; k < x.Length; k++)
            {
                z[j] += w[j, k] * x[k];
            }

            act[j] = Sigmoid(z[j]);
        }

        for (var j = 0; j < n; j++)
        {
            delta[j] = DERIV;
        }

        return delta;
    }
}
";
            await Fix(template.Replace("DERIV", "(act[j] - target[j]) * [|z[j] * (1 - z[j])|]"), template.Replace("DERIV", "(act[j] - target[j]) * act[j] * (1 - act[j])"), version: LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task Tanh_output_derivative_on_a_local_pre_activation()
        {
            const string template = @"
using System;

public static class Neuron
{
    public static double Backward(double[] x, double[] w, double b, double target)
    {
        var z = b;
        for (var k = 0; k < x.Length; k++)
        {
            z += w[k] * x[k];
        }

        var h = Math.Tanh(z);
        var error = h - target;
        return error * DERIV;
    }
}
";
            await Fix(template.Replace("DERIV", "([|1 - z * z|])"), template.Replace("DERIV", "(1 - h * h)"));
        }

        [Fact]
        public async Task Helper_that_fills_an_array_in_a_loop_is_recognised()
        {
            const string template = @"
using System;

public static class Net
{
    static double[] Activate(double[] z)
    {
        var r = new double[z.Length];
        for (var i = 0; i < z.Length; i++) r[i] = 1.0 / (1.0 + Math.Exp(-z[i]));
        return r;
    }

    static double[] Derivative(double[] a)
    {
        var r = new double[a.Length];
        for (var i = 0; i < a.Length; i++) r[i] = a[i] * (1.0 - a[i]);
        return r;
    }

    public static double[] Layer(double[] x, double[][] w, double[] b)
    {
        var pre = new double[b.Length];
        for (var j = 0; j < b.Length; j++)
        {
            pre[j] = b[j];
            for (var k = 0; k < x.Length; k++) pre[j] += w[j][k] * x[k];
        }

        var output = Activate(pre);
        return DERIV;
    }
}
";
            await Fix(template.Replace("DERIV", "[|Derivative(pre)|]"), template.Replace("DERIV", "Derivative(output)"));
        }

        [Fact]
        public async Task Activation_applied_twice_removes_the_inner_activation()
        {
            await Fix(
                Seed("            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply([|SigDeriv(Sig(a[i]))|]);"),
                Seed("            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(SigDeriv(a[i]));"),
                RemoveActivation);
        }

        [Fact]
        public async Task Library_output_derivative_given_z_passes_the_output_or_calls_the_pre_activation_derivative()
        {
            const string template = @"
using NnAnalyzers.Network;

public static class Unit
{
    public static double Delta(double[] x, double[] w, double b, double error)
    {
        var z = b;
        for (var k = 0; k < x.Length; k++) z += w[k] * x[k];
        var a = Activations.Sigmoid(z);
        return error * DERIV;
    }
}
" + Library;
            var source = template.Replace("DERIV", "[|Activations.SigmoidDerivativeFromOutput(z)|]");
            await Fix(source, template.Replace("DERIV", "Activations.SigmoidDerivativeFromOutput(a)"), UseActivation);
            await Fix(source, template.Replace("DERIV", "Activations.SigmoidDerivativeFromPreActivation(z)"), SwapDerivative);
        }

        [Fact]
        public async Task Library_pre_activation_derivative_given_an_output_calls_the_output_derivative()
        {
            const string template = @"
using NnAnalyzers.Network;

public static class Unit
{
    public static double Delta(double z, double error)
    {
        var a = Activations.Sigmoid(z);
        return error * DERIV;
    }
}
" + Library;
            await Fix(template.Replace("DERIV", "[|Activations.SigmoidDerivativeFromPreActivation(a)|]"),
                template.Replace("DERIV", "Activations.SigmoidDerivativeFromOutput(a)"), SwapDerivative, LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task Fix_all_repairs_every_derivative_of_the_document()
        {
            await Fix(
                Seed(@"            var g = [|SigDeriv(z[i])|];
            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(g + [|SigDeriv(z[i])|] + [|SigDeriv(Sig(a[i]))|]);"),
                Seed(@"            var g = SigDeriv(a[i]);
            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(g + SigDeriv(a[i]) + SigDeriv(a[i]));"));
        }

        [Fact]
        public async Task Fields_written_by_the_forward_pass_and_read_by_the_backward_pass()
        {
            const string template = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class SigmoidLayer
{
    private Matrix<double> _weights = Matrix<double>.Build.Dense(3, 4);
    private Matrix<double> _bias = Matrix<double>.Build.Dense(3, 1);
    private Matrix<double> _z;
    private Matrix<double> _output;

    public Matrix<double> Forward(Matrix<double> input)
    {
        _z = _weights * input + _bias;
        _output = _z.Map(v => 1.0 / (1.0 + Math.Exp(-v)));
        return _output;
    }

    public Matrix<double> Backward(Matrix<double> upstream)
    {
        return upstream.PointwiseMultiply(DERIV);
    }
}
";
            await Fix(template.Replace("DERIV", "[|_z.PointwiseMultiply(1.0 - _z)|]"), template.Replace("DERIV", "_output.PointwiseMultiply(1.0 - _output)"),
                version: LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task Mathnet_tanh_layer_with_pointwise_power_and_a_double_tanh()
        {
            const string template = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class TanhLayer
{
    public static Matrix<double> Backward(Matrix<double> w, Matrix<double> x, Matrix<double> b, Matrix<double> upstream)
    {
        var pre = w * x + b;
        var h = pre.PointwiseTanh();
        var g = DERIV1;
        var k = DERIV2;
        return upstream.PointwiseMultiply(g + k);
    }
}
";
            await Fix(
                template.Replace("DERIV1", "[|1 - pre.PointwisePower(2)|]").Replace("DERIV2", "[|1 - h.Map(Math.Tanh).PointwiseMultiply(h.Map(Math.Tanh))|]"),
                template.Replace("DERIV1", "1 - h.PointwisePower(2)").Replace("DERIV2", "1 - h.PointwiseMultiply(h)"));
        }

        // ---------------------------------------------------------------- no fix offered

        [Fact]
        public async Task No_fix_when_no_activation_of_the_pre_activation_is_at_hand()
        {
            const string source = @"
using MathNet.Numerics.LinearAlgebra;

public static class Layer
{
    public static Matrix<double> SigDeriv(Matrix<double> x) => x.PointwiseMultiply(1.0 - x);

    public static Matrix<double> Backward(Matrix<double> w, Matrix<double> x, Matrix<double> b, Matrix<double> upstream)
    {
        var z = w * x + b;
        return upstream.PointwiseMultiply([|SigDeriv(z)|]);
    }
}
";
            await Fix(source, source);
        }

        [Fact]
        public async Task No_fix_when_the_activation_is_computed_after_the_derivative_or_is_another_function()
        {
            const string source = @"
using System;

public static class Neuron
{
    public static double Backward(double x, double w, double b, double target)
    {
        var z = w * x + b;
        var g = [|z * (1 - z)|];
        var h = Math.Tanh(z);
        return (h - target) * g;
    }
}
";
            await Fix(source, source);
        }

        // ---------------------------------------------------------------- negatives

        [Fact]
        public async Task Seed_port_back_prop_on_activations_is_not_reported()
        {
            await NoDiagnostic(@"
using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));
    public static Matrix<double> SigDeriv(Matrix<double> x) => x.PointwiseMultiply(1.0 - x);

    public static Dictionary<int, Matrix<double>> ForwardProp(Matrix<double> x, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
    {
        var z = new Dictionary<int, Matrix<double>>();
        var a = new Dictionary<int, Matrix<double>>();
        a[0] = x.Transpose();
        for (var i = 1; i <= w.Count; i++)
        {
            z[i] = w[i - 1] * a[i - 1] + b[i - 1];
            a[i] = Sig(z[i]);
        }

        return a;
    }

    public static Dictionary<int, Matrix<double>> BackProp(Matrix<double> y, Matrix<double> p, Dictionary<int, Matrix<double>> a, Dictionary<int, Matrix<double>> w)
    {
        var d = new Dictionary<int, Matrix<double>>();
        var last = w.Count;
        d[last] = p - y.Transpose();
        for (var i = last - 1; i > 0; i--)
            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(SigDeriv(a[i]));
        return d;
    }
}
", LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task Correct_uses_next_to_the_pre_activation_are_not_reported()
        {
            await NoDiagnostic(Seed(@"            var g = SigDeriv(a[i]).PointwiseMultiply(a[i].Map(v => v * (1 - v)));
            var s = Sig(z[i]).PointwiseMultiply(1.0 - Sig(z[i]));
            var t = SigDeriv(Sig(z[i]));
            d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(g + s + t);"));
        }

        [Fact]
        public async Task Derivatives_that_take_z_and_relu_derivatives_are_not_reported()
        {
            await NoDiagnostic(@"
using System;
using NnAnalyzers.Network;

public static class Unit
{
    static double Sigmoid(double v) => 1.0 / (1.0 + Math.Exp(-v));
    static double SigmoidPrime(double v) => Sigmoid(v) * (1 - Sigmoid(v));
    static double Relu(double v) => Math.Max(0, v);
    static double ReluPrime(double v) => v > 0 ? 1.0 : 0.0;

    public static double Delta(double[] x, double[] w, double b, double error)
    {
        var z = b;
        for (var k = 0; k < x.Length; k++) z += w[k] * x[k];
        var r = Relu(z);
        var s = Sigmoid(z);
        return error * (SigmoidPrime(z) + ReluPrime(z) + Activations.SigmoidDerivativeFromPreActivation(z)
            + Activations.SigmoidDerivativeFromOutput(s) + Activations.TanhDerivativeFromPreActivation(z) + r);
    }
}
" + Library);
        }

        [Fact]
        public async Task Non_nn_formulas_of_the_same_shape_are_not_reported()
        {
            await NoDiagnostic(@"
using System;

public static class Statistics
{
    public static double LogisticMap(double r, double x, int steps)
    {
        for (var i = 0; i < steps; i++) x = r * x * (1 - x);
        return x;
    }

    public static double BernoulliVariance(int successes, int n)
    {
        var p = (double)successes / n;
        return p * (1 - p);
    }

    public static double Growth(double rate, double population, double capacity)
    {
        var share = rate * population + capacity;
        return 1 - share * share;
    }
}
");
        }
    }
}
