using System;
using System.Threading.Tasks;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.CodeAnalysis.CSharp;
using NnAnalyzers.Tests.Verifiers;
using Xunit;
using Analyze = NnAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<NnAnalyzers.Rules.NN0005UnguardedLogOfProbabilityAnalyzer>;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0005UnguardedLogOfProbabilityAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0005UnguardedLogOfProbabilityFixer>;

namespace NnAnalyzers.Tests.Rules
{
    public class NN0005UnguardedLogOfProbabilityTests
    {
        // ---------------------------------------------------------------- the seed port

        internal const string SeedSumError = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        var s = z.Enumerate().Sum();
        return z / s;
    }

    public static double SumError(Matrix<double> y, Matrix<double> p) => y.Transpose().PointwiseMultiply({|#0:p.PointwiseLog()|}).Enumerate().Sum();
}";

        internal const string SeedSumErrorFixed = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        var s = z.Enumerate().Sum();
        return z / s;
    }

    public static double SumError(Matrix<double> y, Matrix<double> p) => y.Transpose().PointwiseMultiply(p.PointwiseMaximum(1e-15).PointwiseMinimum(1 - 1e-15).PointwiseLog()).Enumerate().Sum();
}";

        [Theory]
        [InlineData(LanguageVersion.CSharp7_3)]
        [InlineData(LanguageVersion.Latest)]
        public async Task Seed_port_sum_error_is_reported_and_clamped(LanguageVersion version)
        {
            var test = new Verify.Test { TestCode = SeedSumError, FixedCode = Clean(SeedSumErrorFixed), LanguageVersion = version };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(
                "the log of 'p' (the predicted probability of a loss) has no clamp or epsilon: a probability of exactly 0 gives -infinity and NaN gradients; clamp it to [eps, 1 - eps] or compute the loss in log space"));
            await test.RunAsync();
        }

        [Fact]
        public void Fixed_seed_cost_is_finite_for_a_probability_of_zero_and_unchanged_otherwise()
        {
            var y = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 0, 0 }, { 0, 1, 0 } });
            var p = Matrix<double>.Build.DenseOfArray(new double[,] { { 0.7, 0.0 }, { 0.2, 1.0 }, { 0.1, 0.0 } });
            var ordinary = Matrix<double>.Build.DenseOfArray(new double[,] { { 0.7, 0.3 }, { 0.2, 0.6 }, { 0.1, 0.1 } });

            using (var original = CompiledCode.Compile(Clean(SeedSumError)))
            {
                Assert.True(double.IsNaN(original.InvokeStatic<double>("SeedNetwork", "SumError", y, p)));
            }

            using var code = CompiledCode.Compile(LanguageVersion.CSharp7_3, SeedSumErrorFixed);
            var cost = code.InvokeStatic<double>("SeedNetwork", "SumError", y, p);
            Assert.True(!double.IsNaN(cost) && !double.IsInfinity(cost), "cost " + cost);
            Assert.Equal(Math.Log(0.7) + Math.Log(1 - 1e-15), cost, 12);
            var same = code.InvokeStatic<double>("SeedNetwork", "SumError", y, ordinary);
            Assert.Equal(Math.Log(0.7) + Math.Log(0.6), same, 14);
        }

        // ---------------------------------------------------------------- positives with fixes

        [Fact]
        public async Task Log_of_a_softmax_helper_result_in_a_loop_is_clamped()
        {
            var source = @"
using System;

static class Classifier
{
    static double[] Softmax(double[] logits)
    {
        var m = logits[0];
        foreach (var v in logits) m = Math.Max(m, v);
        var e = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) { e[i] = Math.Exp(logits[i] - m); sum += e[i]; }
        for (int i = 0; i < e.Length; i++) e[i] /= sum;
        return e;
    }

    public static double Train(double[][] scores, int[] labels)
    {
        double total = 0;
        for (int n = 0; n < scores.Length; n++)
        {
            var probs = Softmax(scores[n]);
            total -= {|#0:Math.Log(probs[labels[n]])|};
        }

        return total;
    }
}";
            var fixedSource = source.Replace("{|#0:Math.Log(probs[labels[n]])|}", "Math.Log(Math.Min(Math.Max(probs[labels[n]], 1e-15), 1 - 1e-15))");
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(
                "the log of 'probs' (a softmax output) has no clamp or epsilon: a probability of exactly 0 gives -infinity and NaN gradients; clamp it to [eps, 1 - eps] or compute the loss in log space"));
            await test.RunAsync();
        }

        internal const string BinaryCrossEntropy = @"
using System;

static class Logistic
{
    public static double Step(double[] w, double[] x, double y)
    {
        double z = 0;
        for (int i = 0; i < w.Length; i++) z += w[i] * x[i];
        double a = 1.0 / (1.0 + Math.Exp(-z));
        return -(y * [|Math.Log(a)|] + (1 - y) * [|Math.Log(1 - a)|]);
    }
}";

        [Theory]
        [InlineData(LanguageVersion.CSharp7_3)]
        [InlineData(LanguageVersion.Latest)]
        public async Task Binary_cross_entropy_of_a_sigmoid_clamps_both_logs(LanguageVersion version)
        {
            var fixedSource = BinaryCrossEntropy
                .Replace("[|Math.Log(a)|]", "Math.Log(Math.Min(Math.Max(a, 1e-15), 1 - 1e-15))")
                .Replace("[|Math.Log(1 - a)|]", "Math.Log(Math.Min(Math.Max(1 - a, 1e-15), 1 - 1e-15))");
            await new Verify.Test { TestCode = BinaryCrossEntropy, FixedCode = fixedSource, LanguageVersion = version }.RunAsync();
        }

        [Fact]
        public async Task Float_sigmoid_with_MathF_uses_a_float_epsilon()
        {
            var source = @"
using System;

static class Neuron
{
    static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    public static float Loss(float z, float target) => -target * [|MathF.Log(Sigmoid(z))|];
}";
            var fixedSource = source.Replace("[|MathF.Log(Sigmoid(z))|]", "MathF.Log(Math.Min(Math.Max(Sigmoid(z), 1e-7f), 1f - 1e-7f))");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Linq_select_lambda_over_a_softmax_result_is_clamped()
        {
            var source = @"
using System;
using System.Linq;

static class Net
{
    static double[] Softmax(double[] x)
    {
        var m = x.Max();
        var e = x.Select(v => Math.Exp(v - m)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double[] LogProbabilities(double[] logits) => Softmax(logits).Select(p => [|Math.Log(p)|]).ToArray();
}";
            var fixedSource = source.Replace("[|Math.Log(p)|]", "Math.Log(Math.Min(Math.Max(p, 1e-15), 1 - 1e-15))");
            await new Verify.Test { TestCode = source, FixedCode = fixedSource, LanguageVersion = LanguageVersion.CSharp7_3 }.RunAsync();
        }

        [Fact]
        public async Task Lambda_over_a_sigmoid_vector_is_clamped_inside_the_lambda()
        {
            var source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

static class Net
{
    static Vector<double> Activate(Vector<double> z) => z.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static double CrossEntropy(Vector<double> z, Vector<double> target)
    {
        var a = Activate(z);
        return -target.DotProduct(a.Map(v => [|Math.Log(v)|]));
    }
}";
            var fixedSource = source.Replace("[|Math.Log(v)|]", "Math.Log(Math.Min(Math.Max(v, 1e-15), 1 - 1e-15))");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Map_of_Math_Log_on_a_loss_prediction_matrix_picks_a_free_parameter_name()
        {
            var source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

class Layer
{
    public double Loss(Matrix<double> yHat, Matrix<double> y)
    {
        double v = 0;
        return v - y.PointwiseMultiply([|yHat.Map(Math.Log)|]).RowSums().Sum();
    }

    public Matrix<double> Forward(Matrix<double> x) => x;
    public Matrix<double> Backward(Matrix<double> g) => g;
}";
            var fixedSource = source.Replace("[|yHat.Map(Math.Log)|]", "yHat.Map(q => Math.Log(Math.Min(Math.Max(q, 1e-15), 1 - 1e-15)))");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Foreach_over_predictions_of_a_cost_and_a_float_matrix_are_fixed_together()
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

static class Network
{
    public static double Cost(double[] predictions, double[] targets)
    {
        double c = 0;
        int i = 0;
        foreach (var p in predictions)
        {
            c -= targets[i++] * [|Math.Log(p)|];
        }

        return c;
    }

    public static float CostF(Matrix<float> probs, Matrix<float> y) => -y.PointwiseMultiply([|probs.PointwiseLog()|]).Enumerate().Sum();

    public static double CostInto(Matrix<double> prediction, Matrix<double> y, Matrix<double> buffer)
    {
        [|prediction.PointwiseLog(buffer)|];
        return -y.PointwiseMultiply(buffer).Enumerate().Sum();
    }

    public static Matrix<double> Backprop(Matrix<double> delta) => delta;
}";
            var fixedSource = source
                .Replace("[|Math.Log(p)|]", "Math.Log(Math.Min(Math.Max(p, 1e-15), 1 - 1e-15))")
                .Replace("[|probs.PointwiseLog()|]", "probs.PointwiseMaximum(1e-7f).PointwiseMinimum(1f - 1e-7f).PointwiseLog()")
                .Replace("[|prediction.PointwiseLog(buffer)|]", "prediction.PointwiseMaximum(1e-15).PointwiseMinimum(1 - 1e-15).PointwiseLog(buffer)");
            await new Verify.Test { TestCode = source, FixedCode = fixedSource, LanguageVersion = LanguageVersion.CSharp7_3 }.RunAsync();
        }

        [Fact]
        public async Task Inline_softmax_division_inside_the_log_is_reported()
        {
            var source = @"
using System;
using System.Linq;

static class Net
{
    public static double NegativeLogLikelihood(double[] logits, int label)
    {
        var m = logits.Max();
        var sum = logits.Sum(v => Math.Exp(v - m));
        return -[|Math.Log(Math.Exp(logits[label] - m) / sum)|];
    }
}";
            var fixedSource = source.Replace("[|Math.Log(Math.Exp(logits[label] - m) / sum)|]", "Math.Log(Math.Min(Math.Max(Math.Exp(logits[label] - m) / sum, 1e-15), 1 - 1e-15))");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Library_sigmoid_output_is_a_probability()
        {
            var source = @"
using System;

namespace NnAnalyzers.Network
{
    public static class Activations
    {
        public static double Sigmoid(double z) => z >= 0 ? 1.0 / (1.0 + Math.Exp(-z)) : Math.Exp(z) / (1.0 + Math.Exp(z));
    }
}

static class User
{
    public static double Surprise(double z) => -[|Math.Log(NnAnalyzers.Network.Activations.Sigmoid(z))|];
}";
            var fixedSource = source.Replace("[|Math.Log(NnAnalyzers.Network.Activations.Sigmoid(z))|]", "Math.Log(Math.Min(Math.Max(NnAnalyzers.Network.Activations.Sigmoid(z), 1e-15), 1 - 1e-15))");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Using_static_Math_with_jagged_sigmoid_outputs_qualifies_the_clamp_globally()
        {
            var source = @"
using static System.Math;

static class Net
{
    public static double BatchLoss(double[][] z, double[][] y)
    {
        var a = new double[z.Length][];
        for (int n = 0; n < z.Length; n++)
        {
            a[n] = new double[z[n].Length];
            for (int k = 0; k < z[n].Length; k++) a[n][k] = 1.0 / (1.0 + Exp(-z[n][k]));
        }

        double loss = 0;
        for (int n = 0; n < a.Length; n++)
            for (int k = 0; k < a[n].Length; k++)
                loss -= y[n][k] * [|Log(a[n][k])|];
        return loss;
    }
}";
            var fixedSource = source.Replace("[|Log(a[n][k])|]", "Log(global::System.Math.Min(global::System.Math.Max(a[n][k], 1e-15), 1 - 1e-15))");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Two_dimensional_softmax_buffer_is_reported_and_a_clamped_copy_is_not()
        {
            var source = @"
using System;

static class Net
{
    public static double Loss(double[,] logits, int[] labels)
    {
        int n = logits.GetLength(0), k = logits.GetLength(1);
        var p = new double[n, k];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < k; j++) { p[i, j] = Math.Exp(logits[i, j]); sum += p[i, j]; }
            for (int j = 0; j < k; j++) p[i, j] = p[i, j] / sum;
            total -= [|Math.Log(p[i, labels[i]])|];
            var safe = Math.Max(p[i, labels[i]], 1e-15);
            total -= Math.Log(safe);
        }

        return total;
    }
}";
            var fixedSource = source.Replace("[|Math.Log(p[i, labels[i]])|]", "Math.Log(Math.Min(Math.Max(p[i, labels[i]], 1e-15), 1 - 1e-15))");
            await new Verify.Test { TestCode = source, FixedCode = fixedSource, LanguageVersion = LanguageVersion.CSharp7_3 }.RunAsync();
        }

        // ---------------------------------------------------------------- negatives

        [Theory]
        [InlineData("Math.Log(Math.Max(probs[labels[n]], 1e-12))")]
        [InlineData("Math.Log(probs[labels[n]] + 1e-12)")]
        [InlineData("Math.Log(Math.Min(Math.Max(probs[labels[n]], 1e-15), 1 - 1e-15))")]
        [InlineData("(probs[labels[n]] > 0 ? Math.Log(probs[labels[n]]) : -30)")]
        [InlineData("Math.Log(Clip(probs[labels[n]]))")]
        public async Task Guarded_logs_are_not_reported(string log)
        {
            var source = @"
using System;

static class Classifier
{
    static double Clip(double p) => Math.Max(p, 1e-12);

    static double[] Softmax(double[] logits)
    {
        var e = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) { e[i] = Math.Exp(logits[i]); sum += e[i]; }
        for (int i = 0; i < e.Length; i++) e[i] /= sum;
        return e;
    }

    public static double Train(double[][] scores, int[] labels)
    {
        double total = 0;
        for (int n = 0; n < scores.Length; n++)
        {
            var probs = Softmax(scores[n]);
            total -= LOG;
        }

        return total;
    }
}".Replace("LOG", log);
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Guard_statement_and_in_place_clamp_are_not_reported()
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

static class Net
{
    public static double Loss(double[] p, double[] y)
    {
        double l = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] <= 0) continue;
            l -= y[i] * Math.Log(p[i]);
        }

        return l;
    }

    public static double SumError(Matrix<double> y, Matrix<double> p)
    {
        p.MapInplace(v => Math.Max(v, 1e-15));
        return y.PointwiseMultiply(p.PointwiseLog()).Enumerate().Sum();
    }

    public static double SumErrorClamped(Matrix<double> y, Matrix<double> p) =>
        y.PointwiseMultiply(p.PointwiseMaximum(1e-15).PointwiseLog()).Enumerate().Sum();

    public static Matrix<double> Backprop(Matrix<double> delta) => delta;
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Logs_of_non_probabilities_are_not_reported()
        {
            var source = @"
using System;
using System.Linq;

static class Trainer
{
    public static double LearningRate(double lr0, int epoch) => lr0 / (1 + Math.Log(epoch + 1));

    public static double Entropy(int[] counts) => counts.Sum(c => c == 0 ? 0 : -Math.Log(c));

    public static double LogLikelihood(double[] data, double sigma) => data.Sum(x => -Math.Log(sigma) - x * x / (2 * sigma * sigma));

    public static double Loss(double[] targets, double[] inputs) => targets.Sum(t => Math.Log(t)) + Math.Log(inputs[0]);

    public static double LogSumExp(double[] logits)
    {
        var m = logits.Max();
        return m + Math.Log(logits.Sum(v => Math.Exp(v - m)));
    }

    public static double Softplus(double z) => Math.Log(1 + Math.Exp(z));

    public static double Epochs(double x) => Math.Log(x);
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Prediction_parameter_outside_NN_code_is_not_reported()
        {
            var source = @"
using System;

class Pricing
{
    public double Cost(double p) => -Math.Log(p);

    public double Discount(double rate) => rate;
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Log_of_logits_themselves_and_of_the_exponential_sum_is_not_reported()
        {
            var source = @"
using System;

static class Net
{
    public static double CrossEntropyFromLogits(double[] logits, int label)
    {
        double max = logits[0];
        foreach (var v in logits) max = Math.Max(max, v);
        double sum = 0;
        foreach (var v in logits) sum += Math.Exp(v - max);
        return max + Math.Log(sum) - logits[label];
    }

    public static double Activation(double z) => 1.0 / (1.0 + Math.Exp(-z));

    public static double LogOdds(double z) => Math.Log(Math.Exp(z));
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Sigmoid_written_with_Math_Pow_of_e_is_a_probability_and_both_logs_are_clamped()
        {
            var source = @"
using System;

public class Neuron
{
    public double[] Weights;
    public double Bias;

    public double Activate(double[] x)
    {
        double z = Bias;
        for (int i = 0; i < x.Length; i++) z += Weights[i] * x[i];
        return 1.0 / (1.0 + Math.Pow(Math.E, -z));
    }

    public double Loss(double[] x, double y)
    {
        var p = Activate(x);
        return -(y * [|Math.Log(p)|] + (1 - y) * [|Math.Log(1 - p)|]);
    }

    public static float LossF(float z, float y)
    {
        float a = 1f / (1f + MathF.Pow(MathF.E, -z));
        return -y * [|MathF.Log(a)|];
    }
}";
            var fixedSource = source
                .Replace("[|Math.Log(p)|]", "Math.Log(Math.Min(Math.Max(p, 1e-15), 1 - 1e-15))")
                .Replace("[|Math.Log(1 - p)|]", "Math.Log(Math.Min(Math.Max(1 - p, 1e-15), 1 - 1e-15))")
                .Replace("[|MathF.Log(a)|]", "MathF.Log(Math.Min(Math.Max(a, 1e-7f), 1f - 1e-7f))");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Powers_of_other_bases_and_clamped_pow_sigmoids_are_not_reported()
        {
            var source = @"
using System;

public class Neuron
{
    public double Activate(double z) => 1.0 / (1.0 + Math.Pow(2.0, -z));

    public double Clamped(double z) => Math.Min(Math.Max(1.0 / (1.0 + Math.Pow(Math.E, -z)), 1e-15), 1 - 1e-15);

    public double Loss(double z, double y)
    {
        var p = Activate(z);
        var q = Clamped(z);
        return -(y * Math.Log(p) + (1 - y) * Math.Log(1 - q));
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Exponentials_normalised_with_NormalizeColumns_are_a_softmax_output()
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public class SoftmaxNet
{
    public Matrix<double> W;

    public double Cost(Matrix<double> X, Matrix<double> Y)
    {
        var z = W * X;
        var e = z.MapIndexed((i, j, v) => v - z.Column(j).Maximum()).PointwiseExp();
        var p = e.NormalizeColumns(1.0);
        return -Y.PointwiseMultiply({|#0:p.PointwiseLog()|}).Enumerate().Sum() / X.ColumnCount;
    }

    public double RowCost(Matrix<double> z, Matrix<double> y) => -y.PointwiseMultiply([|z.PointwiseExp().NormalizeRows(1.0).PointwiseLog()|]).Enumerate().Sum();
}";
            var fixedSource = Clean(source)
                .Replace("p.PointwiseLog()", "p.PointwiseMaximum(1e-15).PointwiseMinimum(1 - 1e-15).PointwiseLog()")
                .Replace("z.PointwiseExp().NormalizeRows(1.0).PointwiseLog()", "z.PointwiseExp().NormalizeRows(1.0).PointwiseMaximum(1e-15).PointwiseMinimum(1 - 1e-15).PointwiseLog()")
                .Replace("[|", string.Empty).Replace("|]", string.Empty);
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(
                "the log of 'p' (a softmax output) has no clamp or epsilon: a probability of exactly 0 gives -infinity and NaN gradients; clamp it to [eps, 1 - eps] or compute the loss in log space"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Normalisations_that_are_not_a_softmax_or_are_clamped_are_not_reported()
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public class SoftmaxNet
{
    public double Euclidean(Matrix<double> z, Matrix<double> y)
    {
        var u = z.PointwiseExp().NormalizeColumns(2.0);
        return -y.PointwiseMultiply(u.PointwiseLog()).Enumerate().Sum();
    }

    public double Counts(Matrix<double> counts, Matrix<double> y)
    {
        var f = counts.NormalizeColumns(1.0);
        return -y.PointwiseMultiply(f.PointwiseLog()).Enumerate().Sum();
    }

    public double Clamped(Matrix<double> z, Matrix<double> y)
    {
        var p = z.PointwiseExp().NormalizeColumns(1.0);
        return -y.PointwiseMultiply(p.PointwiseMaximum(1e-15).PointwiseLog()).Enumerate().Sum();
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        // ---------------------------------------------------------------- clamped logits

        [Theory]
        [InlineData("double p = Sigmoid(Math.Clamp(z, -30.0, 30.0)); return -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));")]
        [InlineData("double p = Sigmoid(Math.Max(-36, Math.Min(z, 36))); return -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));")]
        [InlineData("var c = Math.Min(Bound, Math.Max(z, -Bound)); double p = Sigmoid(c); return -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));")]
        [InlineData("double p = Sigmoid(Math.Clamp(z, -700.0, 20.0)); return -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));")]
        [InlineData("double p = 1.0 / (1.0 + Math.Exp(-Math.Clamp(z, -30.0, 30.0))); return -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));")]
        [InlineData("double p = Complement(Math.Clamp(z, -20.0, 700.0)); return -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));")]
        [InlineData("float q = SigmoidF(Math.Clamp((float)z, -15f, 15f)); return -(y * MathF.Log(q) + (1 - y) * MathF.Log(1 - q));")]
        public async Task Sigmoid_of_a_logit_clamped_inside_the_open_unit_range_is_not_reported(string body)
        {
            var source = @"
using System;

static class Loss
{
    const double Bound = 30;

    static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    static double Complement(double z) => 1.0 / (1.0 + Math.Exp(z));

    static float SigmoidF(float z) => 1f / (1f + MathF.Exp(-z));

    static double LogLoss(double z, int y)
    {
        " + body + @"
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Theory]
        // Not clamped.
        [InlineData("double p = Sigmoid(z); return -(y * [|Math.Log(p)|] + (1 - y) * [|Math.Log(1 - p)|]);")]
        // Clamped too wide: σ(1000) rounds to 1 and σ(−1000) to 0.
        [InlineData("double p = Sigmoid(Math.Clamp(z, -1000.0, 1000.0)); return -(y * [|Math.Log(p)|] + (1 - y) * [|Math.Log(1 - p)|]);")]
        // Just past the point where σ rounds to 1 (z ≥ 36.74).
        [InlineData("double p = Sigmoid(Math.Clamp(z, -30.0, 37.0)); return -(y * [|Math.Log(p)|] + (1 - y) * [|Math.Log(1 - p)|]);")]
        [InlineData("double p = 1.0 / (1.0 + Math.Exp(-Math.Clamp(z, -40.0, 40.0))); return -(y * [|Math.Log(p)|] + (1 - y) * [|Math.Log(1 - p)|]);")]
        // Negated logit: Complement(z) = σ(−z), so the lower bound −40 lets it round to 1.
        [InlineData("double p = Complement(Math.Clamp(z, -40.0, 30.0)); return -(y * [|Math.Log(p)|] + (1 - y) * [|Math.Log(1 - p)|]);")]
        // Clamped on one side only.
        [InlineData("double p = Sigmoid(Math.Min(z, 30.0)); return -(y * [|Math.Log(p)|] + (1 - y) * [|Math.Log(1 - p)|]);")]
        // A helper whose logit is not its parameter: Scaled(30) = σ(60) rounds to 1.
        [InlineData("double p = Scaled(Math.Clamp(z, -30.0, 30.0)); return -(y * [|Math.Log(p)|] + (1 - y) * [|Math.Log(1 - p)|]);")]
        // ±30 is too wide for float: σf(17) rounds to 1.
        [InlineData("float q = SigmoidF(Math.Clamp((float)z, -30f, 30f)); return -(y * [|MathF.Log(q)|] + (1 - y) * [|MathF.Log(1 - q)|]);")]
        public async Task Sigmoid_of_a_logit_unclamped_or_clamped_too_wide_is_reported(string body)
        {
            var source = @"
using System;

static class Loss
{
    static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    static double Complement(double z) => 1.0 / (1.0 + Math.Exp(z));

    static double Scaled(double z) => Sigmoid(2 * z);

    static float SigmoidF(float z) => 1f / (1f + MathF.Exp(-z));

    static double LogLoss(double z, int y)
    {
        " + body + @"
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        private static string Clean(string markup) => markup.Replace("{|#0:", string.Empty).Replace("|}", string.Empty);
    }
}
