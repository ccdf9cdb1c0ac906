using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NnAnalyzers.Tests.Verifiers;
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

    public static double[] ArgMax(double[] x, int best)
    {
        var m = x[best];
        var s = x.Sum(v => Math.Exp(v - m));
        return x.Select(v => Math.Exp(v - m) / s).ToArray();
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
        public async Task Wrong_shifts_are_reported_in_loops()
        {
            var source = @"
using System;
using System.Linq;

static class Net
{
    public static double[] MaxOfAnotherBuffer(double[] logits, double[] previous)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < previous.Length; i++) max = Math.Max(max, previous[i]);
        var p = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) { p[i] = [|Math.Exp(logits[i] - max)|]; sum += p[i]; }
        for (int i = 0; i < logits.Length; i++) p[i] /= sum;
        return p;
    }

    public static double LogSoftmaxZeroStart(double[] logits, int label)
    {
        double max = 0;
        foreach (var v in logits) if (v > max) max = v;
        double sum = 0;
        foreach (var v in logits) sum += [|Math.Exp(v - max)|];
        return logits[label] - max - Math.Log(sum);
    }

    public static double[] FirstElementOnly(double[] x)
    {
        var m = x[0];
        double sum = 0;
        foreach (var v in x) sum += [|Math.Exp(v - m)|];
        return x.Select(v => [|Math.Exp(v - m)|] / sum).ToArray();
    }

    public static double[] ColumnMaxFromZeros(double[,] x, int n)
    {
        var colMax = new double[x.GetLength(1)];
        for (int r = 0; r < x.GetLength(0); r++)
            for (int c = 0; c < x.GetLength(1); c++)
                colMax[c] = Math.Max(colMax[c], x[r, c]);
        var p = new double[x.GetLength(1)];
        double sum = 0;
        for (int c = 0; c < x.GetLength(1); c++) { p[c] = [|Math.Exp(x[n, c] - colMax[c])|]; sum += p[c]; }
        for (int c = 0; c < p.Length; c++) p[c] /= sum;
        return p;
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Per_column_maxima_from_a_loop_are_stable()
        {
            var source = @"
using System;

static class Net
{
    public static void SoftmaxColumns(double[,] x, double[,] p)
    {
        var colMax = new double[x.GetLength(1)];
        for (int c = 0; c < x.GetLength(1); c++) colMax[c] = double.NegativeInfinity;
        for (int r = 0; r < x.GetLength(0); r++)
            for (int c = 0; c < x.GetLength(1); c++)
                colMax[c] = Math.Max(colMax[c], x[r, c]);
        var sums = new double[x.GetLength(1)];
        for (int r = 0; r < x.GetLength(0); r++)
            for (int c = 0; c < x.GetLength(1); c++)
            {
                p[r, c] = Math.Exp(x[r, c] - colMax[c]);
                sums[c] += p[r, c];
            }
        for (int r = 0; r < x.GetLength(0); r++)
            for (int c = 0; c < x.GetLength(1); c++)
                p[r, c] /= sums[c];
    }
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
            var test = new Analyze.Test { TestCode = code };
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    
        // ---------------------------------------------------------------- fixes (Fix All is checked by the framework)

        internal const string ArrayLoop = @"
using System;

public static class Net
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

        internal const string ArrayLoopFixed = @"
using System;
using System.Linq;

public static class Net
{
    public static double[] Softmax(double[] scores)
    {
        var e = new double[scores.Length];
        double sum = 0;
        var max = scores.Max();
        for (int i = 0; i < scores.Length; i++)
        {
            e[i] = Math.Exp(scores[i] - max);
            sum += e[i];
        }

        for (int i = 0; i < e.Length; i++)
        {
            e[i] /= sum;
        }

        return e;
    }
}";

        [Theory]
        [InlineData(LanguageVersion.CSharp7_3)]
        [InlineData(LanguageVersion.Latest)]
        public async Task Array_loop_gets_a_max_local_and_using_System_Linq(LanguageVersion version)
        {
            var test = new Verify.Test { TestCode = ArrayLoop, FixedCode = ArrayLoopFixed, LanguageVersion = version };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments("softmax", "scores"));
            await test.RunAsync();
        }

        internal const string LogSumExpLoop = @"
using System;
using System.Linq;

public static class Net
{
    public static double LogSumExp(double[] logits)
    {
        double sum = 0;
        foreach (var v in logits)
        {
            sum += [|Math.Exp(v)|];
        }

        return Math.Log(sum);
    }
}";

        internal const string LogSumExpLoopFixed = @"
using System;
using System.Linq;

public static class Net
{
    public static double LogSumExp(double[] logits)
    {
        double sum = 0;
        var max = logits.Max();
        foreach (var v in logits)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }
}";

        [Fact]
        public async Task Log_sum_exp_adds_the_maximum_back_and_keeps_the_existing_using()
        {
            await Verify.VerifyCodeFixAsync(LogSumExpLoop, LogSumExpLoopFixed);
        }

        internal const string SeedSoftmax = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = [|x.PointwiseExp()|];
        var s = z.Enumerate().Sum();
        return z / s;
    }
}";

        internal const string SeedSoftmaxPerColumn = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var max = x.FoldByColumn((m, v) => Math.Max(m, v), double.NegativeInfinity, Zeros.Include);
        var z = x.MapIndexed((i, j, v) => v - max[j], Zeros.Include).PointwiseExp();
        var s = z.Enumerate().Sum();
        return z / s;
    }
}";

        [Fact]
        public async Task Seed_port_matrix_softmax_subtracts_each_columns_maximum_by_default()
        {
            await Verify.VerifyCodeFixAsync(SeedSoftmax, SeedSoftmaxPerColumn, "NN0002.PerColumn");
            Assert.Equal(
                new[] { "Subtract each column's maximum of 'x' (samples in columns)", "Subtract each row's maximum of 'x' (samples in rows)" },
                await FixTitlesAsync(SeedSoftmax));
        }

        [Theory]
        [InlineData("ToColumnMajorArray")]
        [InlineData("ToRowMajorArray")]
        [InlineData("AsColumnMajorArray")]
        public async Task Whole_matrix_sum_of_a_flattened_copy_is_the_seed_port_softmax(string flatten)
        {
            // Session 12's probe: the seed port's whole sum written over the matrix's array.
            await Verify.VerifyCodeFixAsync(
                SeedSoftmax.Replace("Enumerate()", flatten + "()"),
                SeedSoftmaxPerColumn.Replace("Enumerate()", flatten + "()"),
                "NN0002.PerColumn");
        }

        [Fact]
        public async Task Seed_port_matrix_softmax_can_subtract_each_rows_maximum()
        {
            var test = new Verify.Test
            {
                TestCode = SeedSoftmax,
                FixedCode = SeedSoftmaxPerColumn.Replace("FoldByColumn", "FoldByRow").Replace("max[j]", "max[i]"),
                CodeActionEquivalenceKey = "NN0002.PerRow",
                CodeActionIndex = 1,
            };
            await test.RunAsync();
        }

        internal const string MatrixColumns = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Matrix<double> Softmax(Matrix<double> logits)
    {
        var e = logits.Map([|Math.Exp|]);
        return e.NormalizeColumns(1.0);
    }
}";

        internal const string MatrixColumnsFixed = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Matrix<double> Softmax(Matrix<double> logits)
    {
        var max = logits.FoldByColumn((m, v) => Math.Max(m, v), double.NegativeInfinity, Zeros.Include);
        var e = logits.MapIndexed((i, j, v) => v - max[j], Zeros.Include).Map(Math.Exp);
        return e.NormalizeColumns(1.0);
    }
}";

        [Fact]
        public async Task Matrix_normalised_per_column_gets_only_the_per_column_fix()
        {
            await Verify.VerifyCodeFixAsync(MatrixColumns, MatrixColumnsFixed);
            Assert.Single(await FixTitlesAsync(MatrixColumns));
        }

        internal const string Linq = @"
using System;
using System.Linq;

public static class Net
{
    public static double[] Softmax(double[] x)
    {
        var s = x.Sum(v => [|Math.Exp(v)|]);
        return x.Select(v => [|Math.Exp(v)|] / s).ToArray();
    }

    public static double[] SoftmaxGroup(double[] x)
    {
        var e = x.Select([|Math.Exp|]).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }
}";

        internal const string LinqFixed = @"
using System;
using System.Linq;

public static class Net
{
    public static double[] Softmax(double[] x)
    {
        var max = x.Max();
        var s = x.Sum(v => Math.Exp(v - max));
        return x.Select(v => Math.Exp(v - max) / s).ToArray();
    }

    public static double[] SoftmaxGroup(double[] x)
    {
        var max = x.Max();
        var e = x.Select(v => Math.Exp(v - max)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }
}";

        [Fact]
        public async Task Linq_forms_shift_every_exponential_of_the_same_logits_with_one_max()
        {
            var test = new Verify.Test { TestCode = Linq, FixedCode = LinqFixed, LanguageVersion = LanguageVersion.CSharp7_3 };
            test.NumberOfIncrementalIterations = 2;
            test.NumberOfFixAllIterations = 1;
            await test.RunAsync();
        }

        internal const string Rows2D = @"
using System;

public static class Net
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
}";

        internal const string Rows2DFixed = @"
using System;
using System.Linq;

public static class Net
{
    public static void SoftmaxRows(double[,] logits, double[,] probs)
    {
        for (int r = 0; r < logits.GetLength(0); r++)
        {
            double sum = 0;
            var max = Enumerable.Range(0, logits.GetLength(1)).Max(k => logits[r, k]);
            for (int c = 0; c < logits.GetLength(1); c++)
            {
                probs[r, c] = Math.Exp(logits[r, c] - max);
                sum += probs[r, c];
            }

            for (int c = 0; c < logits.GetLength(1); c++)
            {
                probs[r, c] /= sum;
            }
        }
    }
}";

        [Fact]
        public async Task Two_dimensional_array_gets_the_maximum_of_each_row_it_normalises()
        {
            await Verify.VerifyCodeFixAsync(Rows2D, Rows2DFixed);
        }

        internal const string FloatZeroStart = @"
using System;

public static class Net
{
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

        internal const string FloatZeroStartFixed = @"
using System;
using System.Linq;

public static class Net
{
    public static float[] Softmax(float[] z)
    {
        var p = new float[z.Length];
        float total = 0f;
        float max = 0f;
        for (int i = 0; i < z.Length; i++) if (z[i] > max) max = z[i];
        var maxLogit = z.Max();
        for (int i = 0; i < z.Length; i++) { p[i] = MathF.Exp(z[i] - maxLogit); total += p[i]; }
        for (int i = 0; i < z.Length; i++) p[i] = p[i] / total;
        return p;
    }
}";

        [Fact]
        public async Task Float_max_starting_at_zero_is_replaced_by_a_fresh_maximum()
        {
            await Verify.VerifyCodeFixAsync(FloatZeroStart, FloatZeroStartFixed);
        }

        internal const string JaggedHelper = @"
using System;
using System.Linq;

public static class Net
{
    static double Exp(double value) => Math.Exp(value);

    public static double[][] Softmax(double[][] batch)
    {
        var result = new double[batch.Length][];
        for (int n = 0; n < batch.Length; n++)
        {
            double sum = 0;
            result[n] = new double[batch[n].Length];
            for (int k = 0; k < batch[n].Length; k++)
            {
                result[n][k] = [|Exp(batch[n][k])|];
                sum += result[n][k];
            }

            for (int k = 0; k < batch[n].Length; k++) result[n][k] /= sum;
        }

        return result;
    }
}";

        internal const string JaggedHelperFixed = @"
using System;
using System.Linq;

public static class Net
{
    static double Exp(double value) => Math.Exp(value);

    public static double[][] Softmax(double[][] batch)
    {
        var result = new double[batch.Length][];
        for (int n = 0; n < batch.Length; n++)
        {
            double sum = 0;
            result[n] = new double[batch[n].Length];
            var max = batch[n].Max();
            for (int k = 0; k < batch[n].Length; k++)
            {
                result[n][k] = Exp(batch[n][k] - max);
                sum += result[n][k];
            }

            for (int k = 0; k < batch[n].Length; k++) result[n][k] /= sum;
        }

        return result;
    }
}";

        [Fact]
        public async Task Jagged_batch_through_a_helper_gets_each_samples_maximum()
        {
            await Verify.VerifyCodeFixAsync(JaggedHelper, JaggedHelperFixed);
        }

        internal const string VectorExpressionBody = @"
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Vector<double> Softmax(Vector<double> v) => [|v.PointwiseExp()|] / [|v.PointwiseExp()|].Sum();
}";

        internal const string VectorExpressionBodyFixed = @"
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Vector<double> Softmax(Vector<double> v) => (v - v.Maximum()).PointwiseExp() / (v - v.Maximum()).PointwiseExp().Sum();
}";

        [Theory]
        [InlineData(LanguageVersion.CSharp7_3)]
        [InlineData(LanguageVersion.Latest)]
        public async Task Vector_uses_Maximum_and_shifts_numerator_and_sum_together(LanguageVersion version)
        {
            var test = new Verify.Test { TestCode = VectorExpressionBody, FixedCode = VectorExpressionBodyFixed, LanguageVersion = version };
            test.NumberOfIncrementalIterations = 1;
            test.NumberOfFixAllIterations = 1;
            await test.RunAsync();
        }

        internal const string LogSoftmaxList = @"
using System;
using System.Collections.Generic;

public static class Net
{
    public static double[] LogSoftmax(List<double> z)
    {
        double sum = 0;
        foreach (var v in z) sum += {|#0:Math.Exp(v)|};
        var result = new double[z.Count];
        for (int i = 0; i < z.Count; i++) result[i] = z[i] - Math.Log(sum);
        return result;
    }
}";

        internal const string LogSoftmaxListFixed = @"
using System;
using System.Collections.Generic;
using System.Linq;

public static class Net
{
    public static double[] LogSoftmax(List<double> z)
    {
        double sum = 0;
        var max = z.Max();
        foreach (var v in z) sum += Math.Exp(v - max);
        var result = new double[z.Count];
        for (int i = 0; i < z.Count; i++) result[i] = z[i] - (max + Math.Log(sum));
        return result;
    }
}";

        [Fact]
        public async Task Log_softmax_over_a_list_adds_the_maximum_inside_parentheses()
        {
            var test = new Verify.Test { TestCode = LogSoftmaxList, FixedCode = LogSoftmaxListFixed, LanguageVersion = LanguageVersion.CSharp7_3 };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments("log-sum-exp", "z"));
            await test.RunAsync();
        }

        internal const string VectorLoop = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Vector<double> Softmax(Vector<double> logits)
    {
        var p = Vector<double>.Build.Dense(logits.Count);
        double sum = 0;
        for (int i = 0; i < logits.Count; i++)
        {
            p[i] = [|Math.Exp(logits[i])|];
            sum += p[i];
        }

        return p / sum;
    }
}";

        internal const string VectorLoopFixed = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Vector<double> Softmax(Vector<double> logits)
    {
        var p = Vector<double>.Build.Dense(logits.Count);
        double sum = 0;
        var max = logits.Maximum();
        for (int i = 0; i < logits.Count; i++)
        {
            p[i] = Math.Exp(logits[i] - max);
            sum += p[i];
        }

        return p / sum;
    }
}";

        [Fact]
        public async Task Loop_over_a_vector_uses_Maximum_without_adding_System_Linq()
        {
            await Verify.VerifyCodeFixAsync(VectorLoop, VectorLoopFixed);
        }

        [Fact]
        public async Task Softmax_with_a_temperature_is_shifted_before_the_temperature()
        {
            var source = @"
using System;
using System.Linq;

public static class Net
{
    public static double[] Softmax(double[] logits, double temperature)
    {
        var e = logits.Select(v => [|Math.Exp(v / temperature)|]).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double[] Stable(double[] logits, double temperature)
    {
        var m = logits.Max();
        var e = logits.Select(v => Math.Exp((v - m) / temperature)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }
}";
            var fixedSource = @"
using System;
using System.Linq;

public static class Net
{
    public static double[] Softmax(double[] logits, double temperature)
    {
        var max = logits.Max();
        var e = logits.Select(v => Math.Exp((v - max) / temperature)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double[] Stable(double[] logits, double temperature)
    {
        var m = logits.Max();
        var e = logits.Select(v => Math.Exp((v - m) / temperature)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }
}";
            await Verify.VerifyCodeFixAsync(source, fixedSource);
            using var code = CompiledCode.Compile(fixedSource);
            var p = code.InvokeStatic<double[]>("Net", "Softmax", s_logits, 0.5);
            AssertProbabilities(ReferenceSoftmax(s_logits.Select(v => v / 0.5).ToArray()), p, 1e-12);
        }

        internal const string MatrixElementLoop = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Matrix<double> Softmax(Matrix<double> z)
    {
        var p = Matrix<double>.Build.Dense(z.RowCount, z.ColumnCount);
        for (int c = 0; c < z.ColumnCount; c++)
        {
            double sum = 0;
            for (int r = 0; r < z.RowCount; r++)
            {
                p[r, c] = [|Math.Exp(z[r, c])|];
                sum += p[r, c];
            }

            for (int r = 0; r < z.RowCount; r++) p[r, c] /= sum;
        }

        return p;
    }
}";

        internal const string MatrixElementLoopFixed = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Matrix<double> Softmax(Matrix<double> z)
    {
        var p = Matrix<double>.Build.Dense(z.RowCount, z.ColumnCount);
        for (int c = 0; c < z.ColumnCount; c++)
        {
            double sum = 0;
            var max = z.Column(c).Maximum();
            for (int r = 0; r < z.RowCount; r++)
            {
                p[r, c] = Math.Exp(z[r, c] - max);
                sum += p[r, c];
            }

            for (int r = 0; r < z.RowCount; r++) p[r, c] /= sum;
        }

        return p;
    }
}";

        [Fact]
        public async Task Loop_over_matrix_elements_gets_the_maximum_of_each_sample_column()
        {
            await Verify.VerifyCodeFixAsync(MatrixElementLoop, MatrixElementLoopFixed);
            var columns = new[] { s_logits, s_logits.Select(v => -v).ToArray() };
            using var code = CompiledCode.Compile(MatrixElementLoopFixed);
            var p = code.InvokeStatic<Matrix<double>>("Net", "Softmax", Matrix<double>.Build.DenseOfColumnArrays(columns));
            AssertProbabilities(ReferenceSoftmax(columns[0]), p.Column(0).ToArray(), 1e-12);
            AssertProbabilities(ReferenceSoftmax(columns[1]), p.Column(1).ToArray(), 1e-12);
        }

        [Fact]
        public async Task Names_in_use_are_not_reused()
        {
            var source = @"
using System;
using System.Linq;

public static class Net
{
    public static double[] Softmax(double[] max)
    {
        var maxLogit = 1.0;
        var s = max.Sum(v => [|Math.Exp(v)|]);
        return max.Select(v => [|Math.Exp(v)|] * maxLogit / s).ToArray();
    }
}";
            var fixedSource = @"
using System;
using System.Linq;

public static class Net
{
    public static double[] Softmax(double[] max)
    {
        var maxLogit = 1.0;
        var maxValue = max.Max();
        var s = max.Sum(v => Math.Exp(v - maxValue));
        return max.Select(v => Math.Exp(v - maxValue) * maxLogit / s).ToArray();
    }
}";
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, LanguageVersion = LanguageVersion.CSharp7_3 };
            test.NumberOfIncrementalIterations = 1;
            test.NumberOfFixAllIterations = 1;
            await test.RunAsync();
        }

        // ---------------------------------------------------------------- no fix offered

        [Theory]
        [InlineData("public static Vector<double> F(Matrix<double> w, Vector<double> a) { var e = [|(w * a).PointwiseExp()|]; return e / e.Sum(); }")]
        [InlineData("public static double[] F(double[] x) => x.Select(v => [|Math.Exp(v)|] / x.Sum([|Math.Exp|])).ToArray();")]
        [InlineData("public static double F(double[] x) { double s = 0; foreach (var v in x) s += [|Math.Exp(v - 5.0)|]; return 5.0 + Math.Log(s); }")]
        [InlineData("public static double F(Vector<double> x) { var s = [|x.PointwiseExp()|].Sum(); return Math.Log(s); }")]
        public async Task No_fix_is_offered_where_it_would_not_keep_the_result_or_compile(string member)
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    " + member + @"
}";
            await Verify.VerifyCodeFixAsync(source, source);
            Assert.Empty(await FixTitlesAsync(source));
        }

        // ---------------------------------------------------------------- behaviour of the fixed code

        private static readonly double[] s_logits = { 1000.0, -1000.0, 999.0, 0.5, -3.0, 998.5 };

        private static double[] ReferenceSoftmax(double[] x)
        {
            var max = double.NegativeInfinity;
            foreach (var v in x) max = Math.Max(max, v);
            var e = new double[x.Length];
            double sum = 0;
            for (var i = 0; i < x.Length; i++) { e[i] = Math.Exp(x[i] - max); sum += e[i]; }
            for (var i = 0; i < x.Length; i++) e[i] /= sum;
            return e;
        }

        private static void AssertProbabilities(double[] expected, double[] actual, double tolerance)
        {
            Assert.Equal(expected.Length, actual.Length);
            Assert.All(actual, p => Assert.True(double.IsFinite(p) && p >= 0 && p <= 1, "not a probability: " + p));
            Assert.True(Math.Abs(actual.Sum() - 1.0) <= tolerance, "sum " + actual.Sum());
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"p[{i}] = {actual[i]}, reference {expected[i]}");
            }
        }

        private static string Clean(string markup) => System.Text.RegularExpressions.Regex.Replace(markup, @"\{\|#?\w*:|\|\}|\[\||\|\]", string.Empty);

        [Theory]
        [InlineData("ArrayLoop")]
        [InlineData("Linq")]
        public async Task Fixed_array_and_linq_softmax_stay_finite_for_logits_of_1000(string name)
        {
            var (source, fixedSource) = name == "ArrayLoop" ? (ArrayLoop, ArrayLoopFixed) : (Linq, LinqFixed);
            using (var original = CompiledCode.Compile(Clean(source)))
            {
                var before = original.InvokeStatic<double[]>("Net", "Softmax", (object)s_logits);
                Assert.Contains(before, double.IsNaN);
            }

            using var code = CompiledCode.Compile(LanguageVersion.CSharp7_3, fixedSource);
            AssertProbabilities(ReferenceSoftmax(s_logits), code.InvokeStatic<double[]>("Net", "Softmax", (object)s_logits), 1e-12);
            if (name == "Linq")
            {
                AssertProbabilities(ReferenceSoftmax(s_logits), code.InvokeStatic<double[]>("Net", "SoftmaxGroup", (object)s_logits), 1e-12);
            }

            await Task.CompletedTask;
        }

        [Fact]
        public void Fixed_log_sum_exp_keeps_its_value()
        {
            using var code = CompiledCode.Compile(LogSumExpLoopFixed);
            var lse = code.InvokeStatic<double>("Net", "LogSumExp", (object)s_logits);
            var max = s_logits.Max();
            var reference = max + Math.Log(s_logits.Sum(v => Math.Exp(v - max)));
            Assert.True(double.IsFinite(lse));
            Assert.Equal(reference, lse, 12);
            var small = new[] { 0.1, -0.7, 2.0 };
            Assert.Equal(Math.Log(small.Sum(Math.Exp)), code.InvokeStatic<double>("Net", "LogSumExp", (object)small), 12);
        }

        [Fact]
        public void Fixed_vector_matrix_2d_and_jagged_softmax_stay_finite_for_logits_of_1000()
        {
            var reference = ReferenceSoftmax(s_logits);
            using (var code = CompiledCode.Compile(VectorExpressionBodyFixed))
            {
                var p = code.InvokeStatic<Vector<double>>("Net", "Softmax", Vector<double>.Build.DenseOfArray(s_logits));
                AssertProbabilities(reference, p.ToArray(), 1e-12);
            }

            // Three samples, one per column, normalised per column.
            var columns = new[] { s_logits, s_logits.Select(v => -v).ToArray(), s_logits.Select(v => v / 2).ToArray() };
            var matrix = Matrix<double>.Build.DenseOfColumnArrays(columns);
            using (var code = CompiledCode.Compile(MatrixColumnsFixed))
            {
                var p = code.InvokeStatic<Matrix<double>>("Net", "Softmax", matrix);
                for (var c = 0; c < columns.Length; c++)
                {
                    AssertProbabilities(ReferenceSoftmax(columns[c]), p.Column(c).ToArray(), 1e-12);
                }
            }

            // The seed port with batch 1 (one sample = one column): the per-column fix keeps its result.
            using (var code = CompiledCode.Compile(SeedSoftmaxPerColumn))
            {
                var p = code.InvokeStatic<Matrix<double>>("SeedNetwork", "Softmax", Matrix<double>.Build.DenseOfColumnArrays(s_logits));
                AssertProbabilities(reference, p.Column(0).ToArray(), 1e-12);
            }

            var rows = new double[2, s_logits.Length];
            for (var c = 0; c < s_logits.Length; c++) { rows[0, c] = s_logits[c]; rows[1, c] = -s_logits[c]; }
            using (var code = CompiledCode.Compile(Rows2DFixed))
            {
                var probs = new double[2, s_logits.Length];
                code.InvokeStatic("Net", "SoftmaxRows", rows, probs);
                AssertProbabilities(reference, Enumerable.Range(0, s_logits.Length).Select(c => probs[0, c]).ToArray(), 1e-12);
                AssertProbabilities(ReferenceSoftmax(s_logits.Select(v => -v).ToArray()), Enumerable.Range(0, s_logits.Length).Select(c => probs[1, c]).ToArray(), 1e-12);
            }

            using (var code = CompiledCode.Compile(JaggedHelperFixed))
            {
                var p = code.InvokeStatic<double[][]>("Net", "Softmax", (object)new[] { s_logits, s_logits.Select(v => -v).ToArray() });
                AssertProbabilities(reference, p[0], 1e-12);
                AssertProbabilities(ReferenceSoftmax(s_logits.Select(v => -v).ToArray()), p[1], 1e-12);
            }
        }

        [Fact]
        public void Fixed_log_softmax_and_vector_loop_stay_finite_and_exact()
        {
            var reference = ReferenceSoftmax(s_logits);
            using (var code = CompiledCode.Compile(LogSoftmaxListFixed))
            {
                var logP = code.InvokeStatic<double[]>("Net", "LogSoftmax", s_logits.ToList());
                Assert.All(logP, v => Assert.True(double.IsFinite(v)));
                for (var i = 0; i < s_logits.Length; i++)
                {
                    var expected = s_logits[i] - s_logits.Max() - Math.Log(s_logits.Sum(v => Math.Exp(v - s_logits.Max())));
                    Assert.Equal(expected, logP[i], 9);
                }

                AssertProbabilities(reference, logP.Select(Math.Exp).ToArray(), 1e-12);
            }

            using (var code = CompiledCode.Compile(VectorLoopFixed))
            {
                var p = code.InvokeStatic<Vector<double>>("Net", "Softmax", Vector<double>.Build.DenseOfArray(s_logits));
                AssertProbabilities(reference, p.ToArray(), 1e-12);
            }
        }

        [Fact]
        public void Fixed_float_softmax_stays_finite_for_logits_of_100()
        {
            var logits = new[] { 100f, -100f, 99f, 0.5f, -3f };
            using (var original = CompiledCode.Compile(Clean(FloatZeroStart)))
            {
                var before = original.InvokeStatic<float[]>("Net", "Softmax", (object)logits.Select(v => v - 300f).ToArray());
                Assert.Contains(before, float.IsNaN);
            }

            using var code = CompiledCode.Compile(FloatZeroStartFixed);
            var reference = ReferenceSoftmax(logits.Select(v => (double)v).ToArray());
            var p = code.InvokeStatic<float[]>("Net", "Softmax", (object)logits);
            AssertProbabilities(reference, p.Select(v => (double)v).ToArray(), 1e-6);
            var shifted = code.InvokeStatic<float[]>("Net", "Softmax", (object)logits.Select(v => v - 300f).ToArray());
            Assert.All(shifted, v => Assert.True(float.IsFinite(v)));
            Assert.Equal(1.0, shifted.Sum(v => (double)v), 5);
        }

        // ---------------------------------------------------------------- e written as a power

        internal const string PowOfE = @"
using System;

public static class Net
{
    public static double[] Softmax(double[] logits)
    {
        var e = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < e.Length; i++) { e[i] = [|Math.Pow(Math.E, logits[i])|]; sum += e[i]; }
        for (int i = 0; i < e.Length; i++) e[i] /= sum;
        return e;
    }
}";

        internal const string PowOfEFixed = @"
using System;
using System.Linq;

public static class Net
{
    public static double[] Softmax(double[] logits)
    {
        var e = new double[logits.Length];
        double sum = 0;
        var max = logits.Max();
        for (int i = 0; i < e.Length; i++) { e[i] = Math.Pow(Math.E, logits[i] - max); sum += e[i]; }
        for (int i = 0; i < e.Length; i++) e[i] /= sum;
        return e;
    }
}";

        [Fact]
        public async Task Softmax_written_with_Math_Pow_of_e_is_reported_and_shifted_inside_the_power()
        {
            await Verify.VerifyCodeFixAsync(PowOfE, PowOfEFixed);
        }

        [Theory]
        [InlineData("var e = x.Select(v => [|MathF.Pow(MathF.E, v)|]).ToArray(); var s = e.Sum(); return e.Select(v => v / s).ToArray();")]
        [InlineData("var s = x.Sum(v => [|Math.Pow(MathF.E, v)|]); return x.Select(v => (float)([|Math.Pow(MathF.E, v)|] / s)).ToArray();")]
        [InlineData("const float e = 2.718281828f; var p = x.Select(v => [|MathF.Pow(e, v)|]).ToArray(); var s = p.Sum(); return p.Select(v => v / s).ToArray();")]
        public async Task Float_and_linq_powers_of_e_are_reported(string body)
        {
            var source = @"
using System;
using System.Linq;

static class Net
{
    public static float[] Softmax(float[] x)
    {
        " + body + @"
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Powers_that_are_stable_or_not_exponentials_of_logits_are_not_reported()
        {
            var source = @"
using System;
using System.Linq;

static class Net
{
    public static double[] Stable(double[] logits)
    {
        var max = logits.Max();
        var e = logits.Select(v => Math.Pow(Math.E, v - max)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double[] Squares(double[] x)
    {
        var q = x.Select(v => Math.Pow(v, 2)).ToArray();
        var s = q.Sum();
        return q.Select(v => v / s).ToArray();
    }

    public static double[] Base10(double[] x)
    {
        var q = x.Select(v => Math.Pow(10, v)).ToArray();
        var s = q.Sum();
        return q.Select(v => v / s).ToArray();
    }

    public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Pow(Math.E, -z));

    public static double Decay(double lr0, double k, int epoch) => lr0 * Math.Pow(Math.E, -k * epoch);
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public void Fixed_pow_of_e_softmax_stays_finite_for_logits_of_1000()
        {
            using (var original = CompiledCode.Compile(Clean(PowOfE)))
            {
                var before = original.InvokeStatic<double[]>("Net", "Softmax", (object)s_logits);
                Assert.Contains(before, double.IsNaN);
            }

            using var code = CompiledCode.Compile(PowOfEFixed);
            AssertProbabilities(ReferenceSoftmax(s_logits), code.InvokeStatic<double[]>("Net", "Softmax", (object)s_logits), 1e-12);
        }

        // ---------------------------------------------------------------- a sum written as a LINQ fold

        [Fact]
        public async Task Softmax_summed_with_Aggregate_is_reported_and_fixed()
        {
            var source = @"
using System;
using System.Linq;

public class OutputLayer
{
    public static double[] Softmax(double[] logits)
    {
        var exps = logits.Select(z => [|Math.Exp(z)|]).ToArray();
        var total = exps.Aggregate(0.0, (acc, e) => acc + e);
        return exps.Select(e => e / total).ToArray();
    }
}";
            var fixedSource = @"
using System;
using System.Linq;

public class OutputLayer
{
    public static double[] Softmax(double[] logits)
    {
        var max = logits.Max();
        var exps = logits.Select(z => Math.Exp(z - max)).ToArray();
        var total = exps.Aggregate(0.0, (acc, e) => acc + e);
        return exps.Select(e => e / total).ToArray();
    }
}";
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Theory]
        [InlineData("var exps = x.Select(v => [|Math.Exp(v)|]).ToArray(); var s = exps.Aggregate((a, b) => a + b); return exps.Select(e => e / s).ToArray();")]
        [InlineData("var exps = x.Select([|Math.Exp|]).ToList(); var s = exps.Aggregate(0d, (acc, e) => e + acc); return exps.Select(e => e / s).ToArray();")]
        [InlineData("var exps = x.Select(v => [|Math.Exp(v)|]); return new[] { Math.Log(exps.Aggregate(0.0, (acc, e) => acc + e)) };")]
        public async Task Summing_aggregates_are_sums_of_the_exponentials(string body)
        {
            var source = @"
using System;
using System.Linq;

static class Net
{
    public static double[] Softmax(double[] x)
    {
        " + body + @"
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Aggregates_that_are_not_sums_or_are_stable_are_not_reported()
        {
            var source = @"
using System;
using System.Linq;

static class Net
{
    public static double[] Product(double[] x)
    {
        var exps = x.Select(v => Math.Exp(v)).ToArray();
        var p = exps.Aggregate(1.0, (acc, e) => acc * e);
        return exps.Select(e => e / p).ToArray();
    }

    public static double[] ByMaximum(double[] x)
    {
        var exps = x.Select(v => Math.Exp(v)).ToArray();
        var m = exps.Aggregate((a, b) => Math.Max(a, b));
        return exps.Select(e => e / m).ToArray();
    }

    public static double[] Stable(double[] x)
    {
        var max = x.Max();
        var exps = x.Select(v => Math.Exp(v - max)).ToArray();
        var s = exps.Aggregate(0.0, (acc, e) => acc + e);
        return exps.Select(e => e / s).ToArray();
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        // ---------------------------------------------------------------- MathNet vectors and matrices built from exponentials

        internal const string BuildDenseVector = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class PolicyNetwork
{
    public Matrix<double> Weights;

    public Vector<double> Probabilities(Vector<double> state)
    {
        var logits = Weights * state;
        var exps = Vector<double>.Build.Dense(logits.Count, i => [|Math.Exp(logits[i])|]);
        return exps / exps.Sum();
    }
}";

        internal const string BuildDenseVectorFixed = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class PolicyNetwork
{
    public Matrix<double> Weights;

    public Vector<double> Probabilities(Vector<double> state)
    {
        var logits = Weights * state;
        var max = logits.Maximum();
        var exps = Vector<double>.Build.Dense(logits.Count, i => Math.Exp(logits[i] - max));
        return exps / exps.Sum();
    }
}";

        [Fact]
        public async Task Vector_built_from_exponentials_is_reported_and_fixed()
        {
            await Verify.VerifyCodeFixAsync(BuildDenseVector, BuildDenseVectorFixed);
        }

        internal const string BuildDenseMatrix = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Net
{
    public static Matrix<double> Softmax(Matrix<double> z)
    {
        var e = Matrix<double>.Build.Dense(z.RowCount, z.ColumnCount, (i, j) => [|Math.Exp(z[i, j])|]);
        return e.NormalizeColumns(1.0);
    }
}";

        [Fact]
        public async Task Matrix_built_from_exponentials_is_reported_without_a_fix()
        {
            await Verify.VerifyCodeFixAsync(BuildDenseMatrix, BuildDenseMatrix);
        }

        [Fact]
        public async Task Built_vectors_that_are_stable_or_not_normalised_are_not_reported()
        {
            var source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class PolicyNetwork
{
    public Matrix<double> Weights;

    public Vector<double> Probabilities(Vector<double> state)
    {
        var logits = Weights * state;
        var max = logits.Maximum();
        var exps = Vector<double>.Build.Dense(logits.Count, i => Math.Exp(logits[i] - max));
        return exps / exps.Sum();
    }

    public Vector<double> Schedule(int epochs, double lr0) => Vector<double>.Build.Dense(epochs, t => lr0 * Math.Exp(-0.1 * t));

    public Vector<double> ExpActivation(Vector<double> z) => Vector<double>.Build.Dense(z.Count, i => Math.Exp(z[i]));

    public Matrix<double> StableColumns(Matrix<double> z)
    {
        var e = Matrix<double>.Build.Dense(z.RowCount, z.ColumnCount, (i, j) => Math.Exp(z[i, j] - z.Column(j).Maximum()));
        return e.NormalizeColumns(1.0);
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        // ---------------------------------------------------------------- shifts by the minimum or the mean

        [Fact]
        public async Task Shift_by_the_minimum_is_reported_and_replaced_by_the_maximum()
        {
            var source = @"
using System;
using System.Linq;

public class OutputLayer
{
    public static double[] Softmax(double[] logits)
    {
        double min = logits.Min();
        var e = logits.Select(v => {|#0:Math.Exp(v - min)|}).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }
}";
            var fixedSource = @"
using System;
using System.Linq;

public class OutputLayer
{
    public static double[] Softmax(double[] logits)
    {
        double min = logits.Min();
        var max = logits.Max();
        var e = logits.Select(v => Math.Exp(v - max)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }
}";
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0)
                .WithMessage("softmax of 'logits' exponentiates logits not shifted by their maximum; subtract their maximum first"));
            await test.RunAsync();
        }

        [Theory]
        [InlineData("var e = x.Select(a => [|Math.Exp(a - x.Average())|]).ToArray(); var s = e.Sum(); return Vector<double>.Build.DenseOfArray(e) / s;")]
        [InlineData("var e = [|(v - v.Minimum()).PointwiseExp()|]; return e / e.Sum();")]
        [InlineData("var e = [|(v - v.Mean()).PointwiseExp()|]; return e / e.Sum();")]
        [InlineData("var e = [|v.Subtract(Statistics.Median(v)).PointwiseExp()|]; return e.Divide(e.Sum());")]
        public async Task Shifts_by_a_minimum_mean_or_median_are_reported(string body)
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;

static class Net
{
    public static Vector<double> Softmax(double[] x, Vector<double> v)
    {
        " + body + @"
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Shift_by_a_method_of_the_users_is_not_reported()
        {
            var source = @"
using System;
using System.Linq;

static class Net
{
    static double Centre(double[] x) => x.Max();

    static double Min(double[] x) => x.Max();

    public static double[] Softmax(double[] logits)
    {
        var c = Centre(logits);
        var e = logits.Select(v => Math.Exp(v - c)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double[] SoftmaxByOwnMin(double[] logits)
    {
        var e = logits.Select(v => Math.Exp(v - Min(logits))).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        // ---------------------------------------------------------------- shifts written before the exponential

        // A softmax over an array and a MathNet vector whose body the theories below vary.
        private static string ShiftedSoftmax(string body) => @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

static class Net
{
    public static double[] Softmax(double[] logits, Vector<double> z)
    {
        " + body + @"
    }
}";

        // A softmax of row n of a jagged batch; the body computes e and s.
        private static string RowSoftmax(string body) => @"
using System;
using System.Linq;

static class Net
{
    public static double[] SoftmaxRow(double[][] logits, int n)
    {
        " + body + @"
        for (int i = 0; i < e.Length; i++) e[i] /= s;
        return e;
    }
}";

        [Theory]
        // The logits shifted in place by their maximum before the exponential.
        [InlineData("var x = (double[])logits.Clone(); double max = x.Max(); for (int i = 0; i < x.Length; i++) x[i] -= max; "
            + "var e = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { e[i] = Math.Exp(x[i]); sum += e[i]; } "
            + "for (int i = 0; i < e.Length; i++) e[i] /= sum; return e;")]
        [InlineData("var x = (double[])logits.Clone(); double max = x.Max(); for (int i = 0; i < x.Length; i++) x[i] = x[i] - max; "
            + "var e = x.Select(Math.Exp).ToArray(); var s = e.Sum(); return e.Select(v => v / s).ToArray();")]
        // A derived array of the shifted logits.
        [InlineData("var max = logits.Max(); var shifted = logits.Select(v => v - max).ToArray(); var exps = shifted.Select(Math.Exp).ToArray(); "
            + "var total = exps.Sum(); return exps.Select(v => v / total).ToArray();")]
        [InlineData("var shifted = logits.Select(v => v - logits.Max()).ToList(); var exps = shifted.Select(v => Math.Exp(v)).ToArray(); "
            + "var total = exps.Sum(); return exps.Select(v => v / total).ToArray();")]
        // MathNet: reassigned, subtracted into itself, or into a copy.
        [InlineData("z = z - z.Maximum(); var e = z.PointwiseExp(); return (e / e.Sum()).ToArray();")]
        [InlineData("var y = z.Clone(); y.Subtract(y.Maximum(), y); var e = y.PointwiseExp(); return (e / e.Sum()).ToArray();")]
        [InlineData("var y = Vector<double>.Build.Dense(z.Count); z.Subtract(z.Maximum(), y); var e = y.PointwiseExp(); return (e / e.Sum()).ToArray();")]
        [InlineData("z -= z.Maximum(); var e = z.Map(Math.Exp); return (e / e.Sum()).ToArray();")]
        // Shifted, exponentiated later, then reassigned: the read at the exponential sees the shift.
        [InlineData("z = z - z.Maximum(); var e = z.PointwiseExp(); z = z * 2; return (e / e.Sum()).ToArray();")]
        // Session 12's probe: shifted into another array by a loop, then (or at once) scaled by a temperature.
        [InlineData("double max = logits.Max(); var s = new double[logits.Length]; for (int i = 0; i < s.Length; i++) s[i] = logits[i] - max; "
            + "var r = new double[s.Length]; double t = 0; for (int i = 0; i < s.Length; i++) { r[i] = Math.Exp(s[i]); t += r[i]; } "
            + "for (int i = 0; i < r.Length; i++) r[i] /= t; return r;")]
        [InlineData("double temperature = 2.5, max = logits.Max(); var s = new double[logits.Length]; for (int i = 0; i < s.Length; i++) s[i] = (logits[i] - max) / temperature; "
            + "var r = new double[s.Length]; double t = 0; for (int i = 0; i < s.Length; i++) { r[i] = Math.Exp(s[i]); t += r[i]; } "
            + "for (int i = 0; i < r.Length; i++) r[i] /= t; return r;")]
        [InlineData("double temperature = 2.5, max = logits.Max(); var scaled = logits.Select(v => (v - max) / temperature).ToArray(); "
            + "double logZ = Math.Log(scaled.Sum(Math.Exp)); return scaled.Select(v => v - logZ).ToArray();")]
        [InlineData("double beta = 0.5, max = logits.Max(); var s = logits.Select(v => beta * (v - max)).ToArray(); "
            + "var e = s.Select(Math.Exp).ToArray(); double t = e.Sum(); return e.Select(x => x / t).ToArray();")]
        [InlineData("double beta = 0.5, max = logits.Max(); var e = logits.Select(v => Math.Exp(beta * (v - max))).ToArray(); "
            + "double t = e.Sum(); return e.Select(x => x / t).ToArray();")]
        // Session 14's probe: a MathNet vector shifted, then scaled by a temperature (distillation's log-softmax).
        [InlineData("double temperature = 2.5; var zMax = z.Maximum(); var shifted = (z - zMax) / temperature; "
            + "var logQ = shifted - Math.Log(shifted.PointwiseExp().Sum()); return logQ.PointwiseExp().ToArray();")]
        [InlineData("double temperature = 2.5; var shifted = (z - z.Maximum()) / temperature; var e = shifted.PointwiseExp(); return (e / e.Sum()).ToArray();")]
        [InlineData("double temperature = 2.5; var e = (z - z.Maximum()).Divide(temperature).PointwiseExp(); return (e / e.Sum()).ToArray();")]
        [InlineData("var e = (0.5 * (z - z.Maximum())).PointwiseExp(); return (e / e.Sum()).ToArray();")]
        // Session 14's probe (min-char-rnn): the running maximum kept through the local stored into the logits.
        [InlineData("var y = new double[logits.Length]; double max = double.NegativeInfinity; "
            + "for (int k = 0; k < y.Length; k++) { double s = 0.1; for (int i = 0; i < 3; i++) s += logits[k] * i; y[k] = s; if (s > max) max = s; } "
            + "var p = new double[y.Length]; double sum = 0; for (int k = 0; k < y.Length; k++) { p[k] = Math.Exp(y[k] - max); sum += p[k]; } "
            + "for (int k = 0; k < y.Length; k++) p[k] /= sum; return p;")]
        // Session 14's second probe: each row (or column) shifted by its own maximum through SetRow/SetColumn.
        [InlineData("var m = Matrix<double>.Build.DenseOfRowArrays(logits, logits); for (int r = 0; r < m.RowCount; r++) { var row = m.Row(r); m.SetRow(r, row - row.Maximum()); } "
            + "var e = m.PointwiseExp(); return e.NormalizeRows(1.0).Row(0).ToArray();")]
        [InlineData("var m = Matrix<double>.Build.DenseOfColumnArrays(logits, logits); var s = m.Clone(); for (int c = 0; c < s.ColumnCount; c++) { var col = m.Column(c); s.SetColumn(c, col - col.Maximum()); } "
            + "var e = s.PointwiseExp(); return e.NormalizeColumns(1.0).Column(0).ToArray();")]
        public async Task Logits_shifted_by_their_maximum_before_the_exponential_are_not_reported(string body)
        {
            await Analyze.VerifyAnalyzerAsync(ShiftedSoftmax(body));
        }

        [Theory]
        // Shifted in place by something that is not the maximum.
        [InlineData("var x = (double[])logits.Clone(); double min = x.Min(); for (int i = 0; i < x.Length; i++) x[i] -= min; "
            + "var e = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { e[i] = [|Math.Exp(x[i])|]; sum += e[i]; } "
            + "for (int i = 0; i < e.Length; i++) e[i] /= sum; return e;")]
        // Shifted after the exponential.
        [InlineData("var x = (double[])logits.Clone(); double max = x.Max(); "
            + "var e = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { e[i] = [|Math.Exp(x[i])|]; sum += e[i]; } "
            + "for (int i = 0; i < x.Length; i++) x[i] -= max; for (int i = 0; i < e.Length; i++) e[i] /= sum; return e;")]
        // Another array shifted.
        [InlineData("var x = (double[])logits.Clone(); var y = (double[])logits.Clone(); double max = y.Max(); for (int i = 0; i < y.Length; i++) y[i] -= max; "
            + "var e = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { e[i] = [|Math.Exp(x[i])|]; sum += e[i]; } "
            + "for (int i = 0; i < e.Length; i++) e[i] /= sum; return e;")]
        // Only the first element shifted.
        [InlineData("var x = (double[])logits.Clone(); x[0] -= x.Max(); "
            + "var e = new double[x.Length]; double sum = 0; for (int i = 0; i < x.Length; i++) { e[i] = [|Math.Exp(x[i])|]; sum += e[i]; } "
            + "for (int i = 0; i < e.Length; i++) e[i] /= sum; return e;")]
        [InlineData("var shifted = logits.Select(v => v - logits.Min()).ToArray(); var exps = shifted.Select([|Math.Exp|]).ToArray(); "
            + "var total = exps.Sum(); return exps.Select(v => v / total).ToArray();")]
        [InlineData("z = z - z.Minimum(); var e = [|z.PointwiseExp()|]; return (e / e.Sum()).ToArray();")]
        [InlineData("var e = [|z.PointwiseExp()|]; z = z - z.Maximum(); return (e / e.Sum()).ToArray();")]
        [InlineData("var y = z.Clone(); y.Subtract(y.Minimum(), y); var e = [|y.PointwiseExp()|]; return (e / e.Sum()).ToArray();")]
        [InlineData("var y = z.Clone(); var w = z.Clone(); w.Subtract(w.Maximum(), w); var e = [|y.PointwiseExp()|]; return (e / e.Sum()).ToArray();")]
        // A temperature without the shift, a shift by the minimum, a negative scale (it turns the shifted logits positive).
        [InlineData("double temperature = 2.5; var scaled = logits.Select(v => v / temperature).ToArray(); "
            + "var e = scaled.Select([|Math.Exp|]).ToArray(); double t = e.Sum(); return e.Select(x => x / t).ToArray();")]
        [InlineData("double temperature = 2.5, min = logits.Min(); var s = new double[logits.Length]; for (int i = 0; i < s.Length; i++) s[i] = (logits[i] - min) / temperature; "
            + "var r = new double[s.Length]; double t = 0; for (int i = 0; i < s.Length; i++) { r[i] = [|Math.Exp(s[i])|]; t += r[i]; } "
            + "for (int i = 0; i < r.Length; i++) r[i] /= t; return r;")]
        [InlineData("double max = logits.Max(); var s = logits.Select(v => (v - max) * -2.0).ToArray(); "
            + "var e = s.Select([|Math.Exp|]).ToArray(); double t = e.Sum(); return e.Select(x => x / t).ToArray();")]
        [InlineData("var shifted = (z - z.Maximum()) / -2.0; var e = [|shifted.PointwiseExp()|]; return (e / e.Sum()).ToArray();")]
        [InlineData("double temperature = 2.5; var shifted = (z - z.Minimum()) / temperature; var e = [|shifted.PointwiseExp()|]; return (e / e.Sum()).ToArray();")]
        // A running maximum of a local that is not the value stored, or is stored elsewhere.
        [InlineData("var y = new double[logits.Length]; var other = new double[logits.Length]; double max = double.NegativeInfinity; "
            + "for (int k = 0; k < y.Length; k++) { double s = 0.1; for (int i = 0; i < 3; i++) s += logits[k] * i; y[k] = s * 2; other[k] = s; if (s > max) max = s; } "
            + "var p = new double[y.Length]; double sum = 0; for (int k = 0; k < y.Length; k++) { p[k] = [|Math.Exp(y[k] - max)|]; sum += p[k]; } "
            + "for (int k = 0; k < y.Length; k++) p[k] /= sum; return p;")]
        [InlineData("var m = Matrix<double>.Build.DenseOfRowArrays(logits, logits); for (int r = 0; r < m.RowCount; r++) { var row = m.Row(r); m.SetRow(r, row - row.Minimum()); } "
            + "var e = [|m.PointwiseExp()|]; return e.NormalizeRows(1.0).Row(0).ToArray();")]
        public async Task Logits_shifted_by_something_else_after_or_elsewhere_are_reported(string body)
        {
            await Analyze.VerifyAnalyzerAsync(ShiftedSoftmax(body));
        }

        // Session 13's third probe: the shift done by a helper of the same library, returning a shifted copy or shifting
        // its span in place.
        private const string ShiftHelpers = @"
using System;
using System.Linq;

static class NnMath
{
    public static double[] SubtractMax(double[] v)
    {
        double max = double.NegativeInfinity;
        foreach (var x in v) max = Math.Max(max, x);
        var r = new double[v.Length];
        for (int i = 0; i < v.Length; i++) r[i] = v[i] - max;
        return r;
    }

    public static double[] SubtractMin(double[] v)
    {
        double min = v.Min();
        return v.Select(x => x - min).ToArray();
    }

    public static void ShiftByMax(Span<float> v)
    {
        float max = float.NegativeInfinity;
        for (int i = 0; i < v.Length; i++) if (v[i] > max) max = v[i];
        for (int i = 0; i < v.Length; i++) v[i] -= max;
    }

    public static void ShiftByMean(Span<float> v)
    {
        float mean = 0f;
        for (int i = 0; i < v.Length; i++) mean += v[i] / v.Length;
        for (int i = 0; i < v.Length; i++) v[i] -= mean;
    }

    public static double[] Softmax(double[] logits)
    {
        var shifted = COPY(logits);
        var e = new double[shifted.Length];
        double sum = 0;
        for (int i = 0; i < e.Length; i++) { e[i] = EXP1; sum += e[i]; }
        for (int i = 0; i < e.Length; i++) e[i] /= sum;
        return e;
    }

    public static void Softmax(Span<float> logits)
    {
        INPLACE(logits);
        float sum = 0f;
        for (int i = 0; i < logits.Length; i++) { logits[i] = EXP2; sum += logits[i]; }
        for (int i = 0; i < logits.Length; i++) logits[i] /= sum;
    }
}";

        [Fact]
        public Task A_shift_by_the_maximum_done_in_a_helper_is_stable()
            => Analyze.VerifyAnalyzerAsync(ShiftHelpers.Replace("COPY", "SubtractMax").Replace("INPLACE", "ShiftByMax")
                .Replace("EXP1", "Math.Exp(shifted[i])").Replace("EXP2", "MathF.Exp(logits[i])"));

        [Fact]
        public Task A_shift_by_the_minimum_or_the_mean_done_in_a_helper_is_reported()
            => Analyze.VerifyAnalyzerAsync(ShiftHelpers.Replace("COPY", "SubtractMin").Replace("INPLACE", "ShiftByMean")
                .Replace("EXP1", "[|Math.Exp(shifted[i])|]").Replace("EXP2", "[|MathF.Exp(logits[i])|]"));

        // ---------------------------------------------------------------- the maximum of a row through an alias

        [Theory]
        [InlineData("var row = logits[n]; double max = row.Max(); var e = new double[row.Length]; double s = 0; "
            + "for (int i = 0; i < row.Length; i++) { e[i] = Math.Exp(logits[n][i] - max); s += e[i]; }")]
        [InlineData("var row = logits[n]; double max = logits[n].Max(); var e = new double[row.Length]; double s = 0; "
            + "for (int i = 0; i < row.Length; i++) { e[i] = Math.Exp(row[i] - max); s += e[i]; }")]
        [InlineData("var all = logits; double max = all[n].Max(); var e = new double[logits[n].Length]; double s = 0; "
            + "for (int i = 0; i < e.Length; i++) { e[i] = Math.Exp(logits[n][i] - max); s += e[i]; }")]
        public async Task Maximum_of_the_same_row_through_an_alias_is_not_reported(string body)
        {
            await Analyze.VerifyAnalyzerAsync(RowSoftmax(body));
        }

        [Theory]
        [InlineData("var row = logits[0]; double max = row.Max(); var e = new double[row.Length]; double s = 0; "
            + "for (int i = 0; i < row.Length; i++) { e[i] = [|Math.Exp(logits[n][i] - max)|]; s += e[i]; }")]
        [InlineData("double max = logits[0].Max(); var e = new double[logits[n].Length]; double s = 0; "
            + "for (int i = 0; i < e.Length; i++) { e[i] = [|Math.Exp(logits[n][i] - max)|]; s += e[i]; }")]
        [InlineData("var row = logits[n]; double max = logits[n + 1].Max(); var e = new double[row.Length]; double s = 0; "
            + "for (int i = 0; i < row.Length; i++) { e[i] = [|Math.Exp(row[i] - max)|]; s += e[i]; }")]
        public async Task Maximum_of_another_row_is_reported(string body)
        {
            await Analyze.VerifyAnalyzerAsync(RowSoftmax(body));
        }

        // ---------------------------------------------------------------- helpers

        private static async Task<string[]> FixTitlesAsync(string markup)
        {
            var source = Clean(markup);
            var workspace = new AdhocWorkspace();
            var project = workspace.AddProject("p", LanguageNames.CSharp)
                .WithMetadataReferences(TestReferences.All)
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var document = project.AddDocument("a.cs", source);
            var compilation = await document.Project.GetCompilationAsync();
            var diagnostics = await compilation!.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NN0002UnstabilizedSoftmaxAnalyzer()))
                .GetAnalyzerDiagnosticsAsync();
            Assert.NotEmpty(diagnostics);
            var titles = new List<string>();
            var fixer = new NN0002UnstabilizedSoftmaxFixer();
            var context = new CodeFixContext(document, diagnostics[0], (action, _) => titles.Add(action.Title), CancellationToken.None);
            await fixer.RegisterCodeFixesAsync(context);
            return titles.ToArray();
        }
    }
}
