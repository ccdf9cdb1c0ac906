using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using NnAnalyzers.CodeFixes.Rules;
using NnAnalyzers.Rules;
using Xunit;
using Analyze = NnAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<NnAnalyzers.Rules.NN0002UnstabilizedSoftmaxAnalyzer>;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0002UnstabilizedSoftmaxAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0002UnstabilizedSoftmaxFixer>;

namespace NnAnalyzers.Tests.Rules
{
    public class NN0002UnstabilizedSoftmaxTests
    {
        // ---------------------------------------------------------------- positives: diagnostics and messages

        [Fact]
        public async Task Loop_softmax_over_an_array_is_reported_with_the_logits_name()
        {
            var source = @"
using System;

static class Net
{
    public static double[] Softmax(double[] scores)
    {
        var e = new double[scores.Length];
        double sum = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            e[i] = {|#0:Math.Exp(scores[i])|};
            sum += e[i];
        }

        for (int i = 0; i < e.Length; i++)
        {
            e[i] /= sum;
        }

        return e;
    }
}";
            await Analyze.VerifyAnalyzerAsync(source, Analyze.Diagnostic().WithLocation(0).WithArguments("softmax", "scores"));
        }

        [Fact]
        public async Task Log_sum_exp_is_reported_as_such()
        {
            var source = @"
using System;

static class Loss
{
    public static double LogSumExp(double[] logits)
    {
        double sum = 0;
        foreach (var v in logits)
        {
            sum += {|#0:Math.Exp(v)|};
        }

        return Math.Log(sum);
    }
}";
            await Analyze.VerifyAnalyzerAsync(source, Analyze.Diagnostic().WithLocation(0).WithArguments("log-sum-exp", "logits"));
        }

        [Fact]
        public async Task Seed_port_softmax_on_a_matrix_is_reported()
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = {|#0:x.PointwiseExp()|};
        var s = z.Enumerate().Sum();
        return z / s;
    }
}";
            await Analyze.VerifyAnalyzerAsync(source, Analyze.Diagnostic().WithLocation(0).WithArguments("softmax", "x"));
        }

        [Theory]
        [InlineData("var e = [|v.PointwiseExp()|]; return e / e.Sum();")]
        [InlineData("var e = v.Map([|Math.Exp|]); return e.Divide(e.Sum());")]
        [InlineData("var e = v.Map(a => [|Math.Exp(a)|]); return e.Normalize(1.0);")]
        [InlineData("var m = 0.0; for (int i = 0; i < v.Count; i++) m = Math.Max(m, v[i]); var e = [|(v - m).PointwiseExp()|]; return e / e.Sum();")]
        [InlineData("var e = [|(v - 10.0).PointwiseExp()|]; return e / e.Sum();")]
        [InlineData("var e = [|(v - other.Maximum()).PointwiseExp()|]; return e / e.Sum();")]
        public async Task MathNet_vector_forms_are_reported(string body)
        {
            var source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

static class Net
{
    public static Vector<double> Softmax(Vector<double> v, Vector<double> other)
    {
        " + body + @"
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Theory]
        [InlineData("var e = x.Select([|Math.Exp|]).ToArray(); var s = e.Sum(); return e.Select(v => v / s).ToArray();")]
        [InlineData("var e = x.Select(v => [|Math.Exp(v)|]).ToList(); var s = e.Sum(); return e.Select(v => v / s).ToArray();")]
        [InlineData("var s = x.Sum(v => [|Math.Exp(v)|]); return x.Select(v => [|Math.Exp(v)|] / s).ToArray();")]
        [InlineData("var s = x.Sum(v => [|Exp(v)|]); return x.Select(v => [|Exp(v)|] / s).ToArray();")]
        [InlineData("var m = x.Max(); var s = x.Sum(v => [|Math.Exp(v - 1.0)|]); return x.Select(v => [|Math.Exp(v - 1.0)|] / s).ToArray();")]
        [InlineData("var m = y.Max(); var s = x.Sum(v => [|Math.Exp(v - m)|]); return x.Select(v => [|Math.Exp(v - m)|] / s).ToArray();")]
        public async Task Linq_and_helper_forms_are_reported(string body)
        {
            var source = @"
using System;
using System.Linq;

static class Net
{
    static double Exp(double value) => Math.Exp(value);

    public static double[] Softmax(double[] x, double[] y)
    {
        " + body + @"
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Loop_over_a_2d_array_per_row_and_a_float_array_are_reported()
        {
            var source = @"
using System;

static class Net
{
    public static void SoftmaxRows(double[,] logits, double[,] probs)
    {
        for (int r = 0; r < logits.GetLength(0); r++)
        {
            double sum = 0;
            for (int c = 0; c < logits.GetLength(1); c++)
            {
                probs[r, c] = [|Math.Exp(logits[r, c])|];
                sum += probs[r, c];
            }

            for (int c = 0; c < logits.GetLength(1); c++)
            {
                probs[r, c] /= sum;
            }
        }
    }

    public static float[] Softmax(float[] z)
    {
        var p = new float[z.Length];
        float total = 0f;
        float max = 0f;
        for (int i = 0; i < z.Length; i++) if (z[i] > max) max = z[i];
        for (int i = 0; i < z.Length; i++) { p[i] = [|MathF.Exp(z[i] - max)|]; total += p[i]; }
        for (int i = 0; i < z.Length; i++) p[i] = p[i] / total;
        return p;
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        // ---------------------------------------------------------------- near-miss negatives

        [Fact]
        public async Task Stable_forms_are_not_reported()
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

static class Net
{
    public static double[] Loop(double[] x)
    {
        double max = double.NegativeInfinity;
        foreach (var v in x) max = Math.Max(max, v);
        var e = new double[x.Length];
        double sum = 0;
        for (int i = 0; i < x.Length; i++) { e[i] = Math.Exp(x[i] - max); sum += e[i]; }
        for (int i = 0; i < x.Length; i++) e[i] /= sum;
        return e;
    }

    public static double[] LoopFromFirst(double[] x)
    {
        double max = x[0];
        for (int i = 1; i < x.Length; i++) if (x[i] > max) max = x[i];
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += Math.Exp(x[i] - max);
        return x.Select(v => Math.Exp(v - max) / sum).ToArray();
    }

    public static double[] Linq(double[] x)
    {
        var max = x.Max();
        var e = x.Select(v => Math.Exp(v - max)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double[] LinqShiftedSource(double[] x)
    {
        var e = x.Select(v => v - x.Max()).Select(Math.Exp).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double LogSumExp(double[] x)
    {
        var m = x.Max();
        return m + Math.Log(x.Sum(v => Math.Exp(v - m)));
    }

    public static Vector<double> Vector(Vector<double> v)
    {
        var e = (v - v.Maximum()).PointwiseExp();
        return e / e.Sum();
    }

    public static Vector<double> VectorSubtract(Vector<double> v)
    {
        var e = v.Subtract(v.AbsoluteMaximum()).Map(Math.Exp);
        return e.Divide(e.Sum());
    }

    public static Matrix<double> PerColumn(Matrix<double> x)
    {
        var max = x.FoldByColumn((m, v) => Math.Max(m, v), double.NegativeInfinity, Zeros.Include);
        var z = x.MapIndexed((i, j, v) => v - max[j], Zeros.Include).PointwiseExp();
        return z.NormalizeColumns(1.0);
    }

    public static Matrix<double> PerColumnVectors(Matrix<double> x)
    {
        var z = Matrix<double>.Build.DenseOfColumnVectors(x.EnumerateColumns().Select(c => c - c.Maximum())).PointwiseExp();
        var s = z.ColumnSums();
        return z.MapIndexed((i, j, v) => v / s[j]);
    }

    public static void Rows(double[,] x, double[,] p)
    {
        for (int r = 0; r < x.GetLength(0); r++)
        {
            double m = x[r, 0];
            for (int c = 1; c < x.GetLength(1); c++) m = Math.Max(m, x[r, c]);
            double sum = 0;
            for (int c = 0; c < x.GetLength(1); c++) { p[r, c] = Math.Exp(x[r, c] - m); sum += p[r, c]; }
            for (int c = 0; c < x.GetLength(1); c++) p[r, c] /= sum;
        }
    }

    public static double[] Jagged(double[][] x, int r)
    {
        var m = x[r].Max();
        var s = x[r].Sum(v => Math.Exp(v - m));
        return x[r].Select(v => Math.Exp(v - m) / s).ToArray();
    }

    public static double[] ShiftFromCaller(double[] x, double max)
    {
        var s = x.Sum(v => Math.Exp(v - max));
        return x.Select(v => Math.Exp(v - max) / s).ToArray();
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Exponentials_that_are_not_softmax_are_not_reported()
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

static class Activations
{
    public static double Sigmoid(double v) => 1.0 / (1.0 + Math.Exp(-v));
    public static double Tanh(double v) => (Math.Exp(v) - Math.Exp(-v)) / (Math.Exp(v) + Math.Exp(-v));
    public static double Softplus(double v) => Math.Log(1.0 + Math.Exp(v));
    public static double Elu(double v, double alpha) => v > 0 ? v : alpha * (Math.Exp(v) - 1.0);
    public static double Decay(double lr0, double k, int epoch) => lr0 * Math.Exp(-k * epoch);
    public static double Gaussian(double x, double mu, double sigma) => Math.Exp(-(x - mu) * (x - mu) / (2 * sigma * sigma)) / (sigma * Math.Sqrt(2 * Math.PI));
    public static bool Accept(double delta, double temperature, Random rng) => rng.NextDouble() < Math.Exp(-delta / temperature);

    public static double[] SigmoidAll(double[] x) => x.Select(v => 1.0 / (1.0 + Math.Exp(-v))).ToArray();
    public static Matrix<double> SigmoidMatrix(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));
    public static double[] SoftplusAll(double[] x) => x.Select(v => Math.Log(1.0 + Math.Exp(v))).ToArray();

    public static double[] ExpActivation(double[] x)
    {
        var y = new double[x.Length];
        double total = 0;
        for (int i = 0; i < x.Length; i++) { y[i] = Math.Exp(x[i]); total += y[i]; }
        var mean = total / x.Length;
        return y;
    }

    public static double LogLikelihood(double[] xs, double mu)
    {
        double sum = 0;
        foreach (var x in xs) sum += Math.Exp(-(x - mu) * (x - mu));
        return Math.Log(sum);
    }

    public static Vector<double> ExpVector(Vector<double> v) => v.PointwiseExp();
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Incomplete_code_does_not_throw_and_is_still_analysed()
        {
            var code = @"
using System;
using System.Linq;

static class Net
{
    public static double[] Softmax(double[] x)
    {
        var s = x.Sum(v => [|Math.Exp(v)|];
        return x.Select(v => v / s).ToArray();
    }
}";
            var test = new Verify.Test { TestCode = code, FixedCode = code };
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
