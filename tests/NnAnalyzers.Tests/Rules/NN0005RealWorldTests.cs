using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Analyze = NnAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<NnAnalyzers.Rules.NN0005UnguardedLogOfProbabilityAnalyzer>;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0005UnguardedLogOfProbabilityAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0005UnguardedLogOfProbabilityFixer>;

namespace NnAnalyzers.Tests.Rules
{
    /// <summary>
    /// NN0005 on whole small programs of the kinds users write: arrays and loops, LINQ, MathNet, helpers in other classes
    /// and files, top-level statements, binary cross-entropy; and correct near-misses (log-sum-exp, clamps, epsilons,
    /// finance, counts, Monte-Carlo sampling) that must stay silent.
    /// </summary>
    public class NN0005RealWorldTests
    {
        private const string Clamped = "Math.Min(Math.Max({0}, 1e-15), 1 - 1e-15)";

        private static string Clamp(string value) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Clamped, value);

        private static DiagnosticResult At(int location, string name, string what) =>
            Verify.Diagnostic().WithLocation(location).WithArguments(
                "the log of '" + name + "' (" + what + ") has no clamp or epsilon: a probability of exactly 0 gives -infinity and NaN gradients; clamp it to [eps, 1 - eps] or compute the loss in log space");

        // Session 13's third probe: word2vec clamps its logit to ±6 by reassigning it before the sigmoid.
        private const string ReassignedClamp = @"
using System;

public class NegativeSampling
{
    private const double MaxExp = 6.0;

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public double Loss(double[] center, double[] target, int label)
    {
        double f = 0;
        for (int c = 0; c < center.Length; c++) f += center[c] * target[c];
        CLAMP
        double p = Sigmoid(f);
        return label == 1 ? -LOG1 : -LOG0;
    }
}";

        [Fact]
        public Task A_logit_clamped_by_reassignment_before_the_sigmoid_is_guarded()
            => Analyze.VerifyAnalyzerAsync(ReassignedClamp.Replace("CLAMP", "f = Math.Clamp(f, -MaxExp, MaxExp);")
                .Replace("LOG1", "Math.Log(p)").Replace("LOG0", "Math.Log(1 - p)"));

        [Fact]
        public Task A_logit_clamped_only_in_a_branch_or_too_wide_is_not_guarded()
            => Task.WhenAll(
                Analyze.VerifyAnalyzerAsync(ReassignedClamp.Replace("CLAMP", "if (center.Length > 100) f = Math.Clamp(f, -MaxExp, MaxExp);")
                    .Replace("LOG1", "[|Math.Log(p)|]").Replace("LOG0", "[|Math.Log(1 - p)|]")),
                Analyze.VerifyAnalyzerAsync(ReassignedClamp.Replace("CLAMP", "f = Math.Clamp(f, -1000, 1000);")
                    .Replace("LOG1", "[|Math.Log(p)|]").Replace("LOG0", "[|Math.Log(1 - p)|]")));

        // ================================================================ buggy programs: the rule fires, the fix clamps

        [Fact]
        public async Task Mlp_with_arrays_and_loops_cross_entropy_of_its_softmax()
        {
            var source = @"
using System;

public sealed class Mlp
{
    private readonly double[,] _w;
    private readonly double[] _b;

    public Mlp(double[,] w, double[] b) { _w = w; _b = b; }

    public double[] Forward(double[] x)
    {
        int k = _b.Length;
        var logits = new double[k];
        for (int j = 0; j < k; j++)
        {
            logits[j] = _b[j];
            for (int i = 0; i < x.Length; i++) logits[j] += _w[j, i] * x[i];
        }

        double max = double.NegativeInfinity;
        for (int j = 0; j < k; j++) if (logits[j] > max) max = logits[j];
        var output = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) { output[j] = Math.Exp(logits[j] - max); sum += output[j]; }
        for (int j = 0; j < k; j++) output[j] /= sum;
        return output;
    }

    public double EpochLoss(double[][] xs, int[] labels)
    {
        double loss = 0;
        for (int n = 0; n < xs.Length; n++)
        {
            var output = Forward(xs[n]);
            loss += -{|#0:Math.Log(output[labels[n]])|};
        }

        return loss / xs.Length;
    }
}";
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = source.Replace("{|#0:Math.Log(output[labels[n]])|}", "Math.Log(" + Clamp("output[labels[n]]") + ")"),
                LanguageVersion = LanguageVersion.CSharp7_3,
            };
            test.ExpectedDiagnostics.Add(At(0, "output", "a softmax output"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Linq_zip_sum_cross_entropy_of_a_softmax_from_another_class()
        {
            var source = @"
using System;
using System.Linq;

public static class Probability
{
    public static double[] Softmax(double[] z)
    {
        var max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }
}

public sealed class Classifier
{
    public double[] Weights = new double[4];

    public double[] Logits(double[] x) => new[] { x.Zip(Weights, (a, w) => a * w).Sum(), 0.0 };

    public double Loss(double[][] xs, double[][] targets)
    {
        double total = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            var probs = Probability.Softmax(Logits(xs[i]));
            total -= targets[i].Zip(probs, (t, q) => t * {|#0:Math.Log(q)|}).Sum();
        }

        return total / xs.Length;
    }
}";
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = source.Replace("{|#0:Math.Log(q)|}", "Math.Log(" + Clamp("q") + ")"),
            };
            test.ExpectedDiagnostics.Add(At(0, "probs", "a softmax output"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Select_with_index_and_aggregate_over_sigmoid_outputs()
        {
            var source = @"
using System;
using System.Linq;

public static class Logistic
{
    public static double[] Predict(double[] w, double[][] xs) =>
        xs.Select(x => 1.0 / (1.0 + Math.Exp(-x.Zip(w, (a, b) => a * b).Sum()))).ToArray();

    public static double Loss(double[] w, double[][] xs, double[] ys)
    {
        var p = Predict(w, xs);
        var positives = p.Select((v, i) => ys[i] * [|Math.Log(v)|]).Sum();
        var negatives = p.Aggregate(0.0, (acc, v) => acc + [|Math.Log(1 - v)|]);
        return -(positives + negatives) / xs.Length;
    }
}";
            var fixedSource = source
                .Replace("[|Math.Log(v)|]", "Math.Log(" + Clamp("v") + ")")
                .Replace("[|Math.Log(1 - v)|]", "Math.Log(" + Clamp("1 - v") + ")");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task A_deep_sigmoid_helper_is_found_whichever_log_is_analysed_first()
        {
            // Regression: the answer for Predict used to depend on the depth of the first question (and so on which
            // log was analysed first); once the first log was clamped, the second went silent.
            var source = @"
using System;
using System.Linq;

public static class Logistic
{
    public static double[] Predict(double[] w, double[][] xs) =>
        xs.Select(x => 1.0 / (1.0 + Math.Exp(-x.Zip(w, (a, b) => a * b).Sum()))).ToArray();

    public static double Loss(double[] w, double[][] xs, double[] ys)
    {
        var p = Predict(w, xs);
        var positives = p.Select((v, i) => ys[i] * Math.Log(Math.Min(Math.Max(v, 1e-15), 1 - 1e-15))).Sum();
        var negatives = p.Aggregate(0.0, (acc, v) => acc + [|Math.Log(1 - v)|]);
        return -(positives + negatives) / xs.Length;
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task MathNet_pointwise_log_of_a_softmax_helper_in_another_file()
        {
            const string helper = @"
using MathNet.Numerics.LinearAlgebra;

public static class Activation
{
    public static Matrix<double> Softmax(Matrix<double> z)
    {
        var e = z.PointwiseExp();
        var sums = e.ColumnSums();
        return e.MapIndexed((i, j, v) => v / sums[j]);
    }
}";
            const string model = @"
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public sealed class Model
{
    public Matrix<double> W;

    public Model(Matrix<double> w) { W = w; }

    public double Cost(Matrix<double> x, Matrix<double> y)
    {
        var p = Activation.Softmax(W * x);
        return -y.PointwiseMultiply({|#0:p.PointwiseLog()|}).ColumnSums().Sum() / x.ColumnCount;
    }
}";
            var test = new Verify.Test();
            test.TestState.Sources.Add(("/Activation.cs", helper));
            test.TestState.Sources.Add(("/Model.cs", model));
            test.FixedState.Sources.Add(("/Activation.cs", helper));
            test.FixedState.Sources.Add(("/Model.cs", model.Replace("{|#0:p.PointwiseLog()|}", "p.PointwiseMaximum(1e-15).PointwiseMinimum(1 - 1e-15).PointwiseLog()")));
            test.ExpectedDiagnostics.Add(At(0, "p", "a softmax output"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Binary_cross_entropy_of_a_sigmoid_helper_in_another_class_clamps_both_logs()
        {
            var source = @"
using System;

static class Act
{
    public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}

class LogisticRegression
{
    private readonly double[] _w;

    public LogisticRegression(int n) { _w = new double[n]; }

    public double Fit(double[][] x, double[] y, double lr)
    {
        double loss = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double z = 0;
            for (int j = 0; j < _w.Length; j++) z += _w[j] * x[i][j];
            var a = Act.Sigmoid(z);
            loss += -(y[i] * [|Math.Log(a)|] + (1 - y[i]) * [|Math.Log(1 - a)|]);
            for (int j = 0; j < _w.Length; j++) _w[j] -= lr * (a - y[i]) * x[i][j];
        }

        return loss / x.Length;
    }
}";
            var fixedSource = source
                .Replace("[|Math.Log(a)|]", "Math.Log(" + Clamp("a") + ")")
                .Replace("[|Math.Log(1 - a)|]", "Math.Log(" + Clamp("1 - a") + ")");
            await new Verify.Test { TestCode = source, FixedCode = fixedSource, LanguageVersion = LanguageVersion.CSharp7_3 }.RunAsync();
        }

        [Fact]
        public async Task MathNet_binary_cross_entropy_clamps_the_complement_matrix()
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class Bce
{
    public static double Evaluate(Matrix<double> z, Matrix<double> y)
    {
        var a = z.Map(v => 1.0 / (1.0 + Math.Exp(-v)));
        var terms = y.PointwiseMultiply([|a.PointwiseLog()|]) + (1 - y).PointwiseMultiply([|(1 - a).PointwiseLog()|]);
        return -terms.Enumerate().Average();
    }
}";
            var fixedSource = source
                .Replace("[|a.PointwiseLog()|]", "a.PointwiseMaximum(1e-15).PointwiseMinimum(1 - 1e-15).PointwiseLog()")
                .Replace("[|(1 - a).PointwiseLog()|]", "(1 - a).PointwiseMaximum(1e-15).PointwiseMinimum(1 - 1e-15).PointwiseLog()");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Log_of_our_library_sigmoid_matrix()
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    public static class Activations
    {
        public static Matrix<double> Sigmoid(Matrix<double> z) => z.Map(v => v);
        public static Matrix<double> Softmax(Matrix<double> logits) => logits.Clone();
        public static void Softmax(Matrix<double> logits, Matrix<double> result) => logits.CopyTo(result);
    }
}

namespace App
{
    using NnAnalyzers.Network;

    public static class Loss
    {
        public static double Bce(Matrix<double> z, Matrix<double> y) =>
            -y.PointwiseMultiply([|Activations.Sigmoid(z).PointwiseLog()|]).Enumerate().Sum();

        public static double Nll(Matrix<double> logits, int[] labels)
        {
            var p = Matrix<double>.Build.Dense(logits.RowCount, logits.ColumnCount);
            Activations.Softmax(logits, p);
            double s = 0;
            for (int j = 0; j < labels.Length; j++) s -= [|Math.Log(p[labels[j], j])|];
            return s;
        }
    }
}";
            var fixedSource = source
                .Replace("[|Activations.Sigmoid(z).PointwiseLog()|]", "Activations.Sigmoid(z).PointwiseMaximum(1e-15).PointwiseMinimum(1 - 1e-15).PointwiseLog()")
                .Replace("[|Math.Log(p[labels[j], j])|]", "Math.Log(" + Clamp("p[labels[j], j]") + ")");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Loss_helper_with_neutral_names_fires_because_its_caller_passes_a_softmax()
        {
            var source = @"
using System;

static class Scoring
{
    public static double Score(double[] target, double[] dist)
    {
        double s = 0;
        for (int i = 0; i < target.Length; i++) s += target[i] * [|Math.Log(dist[i])|];
        return -s;
    }
}

static class Program
{
    static double[] Normalize(double[] z)
    {
        var e = new double[z.Length];
        double sum = 0;
        for (int i = 0; i < z.Length; i++) { e[i] = Math.Exp(z[i]); sum += e[i]; }
        for (int i = 0; i < z.Length; i++) e[i] = e[i] / sum;
        return e;
    }

    static void Main()
    {
        var z = new[] { 2.0, 1.0, 0.1 };
        Console.WriteLine(Scoring.Score(new[] { 1.0, 0, 0 }, Normalize(z)));
    }
}";
            var fixedSource = source.Replace("[|Math.Log(dist[i])|]", "Math.Log(" + Clamp("dist[i]") + ")");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Negative_log_likelihood_of_a_probability_matrix_parameter_in_a_network()
        {
            var source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public sealed class Network
{
    public Matrix<double> Weights;
    public Vector<double> Bias;

    public Matrix<double> Forward(Matrix<double> x) => Weights * x;

    public Matrix<double> Backward(Matrix<double> delta) => Weights.TransposeThisAndMultiply(delta);

    public static double NegativeLogLikelihood(Matrix<double> probabilities, int[] labels)
    {
        double s = 0;
        for (int j = 0; j < labels.Length; j++)
        {
            var lp = [|Math.Log(probabilities[labels[j], j])|];
            s -= lp;
        }

        return s / labels.Length;
    }
}";
            var fixedSource = source.Replace("[|Math.Log(probabilities[labels[j], j])|]", "Math.Log(" + Clamp("probabilities[labels[j], j]") + ")");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Top_level_program_with_a_local_softmax_function()
        {
            var source = @"
using System;
using System.Linq;

var logits = new[] { 2.0, 1.0, 0.1 };
var label = 0;
var p = Softmax(logits);
Console.WriteLine(-[|Math.Log(p[label])|]);

static double[] Softmax(double[] z)
{
    var m = z.Max();
    var e = z.Select(v => Math.Exp(v - m)).ToArray();
    var s = e.Sum();
    return e.Select(v => v / s).ToArray();
}";
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = source.Replace("[|Math.Log(p[label])|]", "Math.Log(" + Clamp("p[label]") + ")"),
            };
            test.TestState.OutputKind = OutputKind.ConsoleApplication;
            test.FixedState.OutputKind = OutputKind.ConsoleApplication;
            await test.RunAsync();
        }

        [Fact]
        public async Task Async_evaluation_with_float_softmax_and_foreach()
        {
            var source = @"
using System;
using System.Threading.Tasks;

public sealed class Evaluator
{
    private static float[] Softmax(float[] z)
    {
        var e = new float[z.Length];
        float sum = 0;
        for (int i = 0; i < z.Length; i++) { e[i] = MathF.Exp(z[i]); sum += e[i]; }
        for (int i = 0; i < z.Length; i++) e[i] /= sum;
        return e;
    }

    public async Task<float> EntropyAsync(float[] logits)
    {
        await Task.Yield();
        float h = 0;
        foreach (var q in Softmax(logits)) h -= q * [|MathF.Log(q)|];
        return h;
    }
}";
            var fixedSource = source.Replace("[|MathF.Log(q)|]", "MathF.Log(Math.Min(Math.Max(q, 1e-7f), 1f - 1e-7f))");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Softmax_output_kept_in_a_field_between_forward_and_loss()
        {
            var source = @"
using System;
using System.Linq;

public sealed class SoftmaxLayer
{
    private double[] _output = new double[0];

    public double[] Forward(double[] logits)
    {
        var m = logits.Max();
        var e = logits.Select(v => Math.Exp(v - m)).ToArray();
        var s = e.Sum();
        _output = e.Select(v => v / s).ToArray();
        return _output;
    }

    public double Loss(int label) => -[|Math.Log(_output[label])|];

    public double[] Backward(int label)
    {
        var g = (double[])_output.Clone();
        g[label] -= 1;
        return g;
    }
}";
            var fixedSource = source.Replace("[|Math.Log(_output[label])|]", "Math.Log(" + Clamp("_output[label]") + ")");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Log_helper_fed_a_softmax_output_names_the_caller_and_per_sample_bce_of_a_network_fires()
        {
            var source = @"
using System;
using System.Linq;

public sealed class Classifier
{
    public double[] Weights = new double[3];

    public double[] Forward(double[] x)
    {
        var z = x.Zip(Weights, (a, w) => a * w).ToArray();
        var e = z.Select(Math.Exp).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public double[] Backward(double[] g) => g;

    private static double Log2(double x) => {|#0:Math.Log(x)|} / Math.Log(2);

    public double Entropy(double[] x)
    {
        double h = 0;
        foreach (var q in Forward(x)) h -= q * Log2(q);
        return h;
    }

    public static double BinaryCrossEntropy(double y, double yHat) =>
        -(y * {|#1:Math.Log(yHat)|} + (1 - y) * {|#2:Math.Log(1 - yHat)|});
}";
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = source
                    .Replace("{|#0:Math.Log(x)|}", "Math.Log(" + Clamp("x") + ")")
                    .Replace("{|#1:Math.Log(yHat)|}", "Math.Log(" + Clamp("yHat") + ")")
                    .Replace("{|#2:Math.Log(1 - yHat)|}", "Math.Log(" + Clamp("1 - yHat") + ")"),
            };
            test.ExpectedDiagnostics.Add(At(0, "x", "a softmax output passed by 'Entropy'"));
            test.ExpectedDiagnostics.Add(At(1, "yHat", "the predicted probability of a loss"));
            test.ExpectedDiagnostics.Add(At(2, "1 - yHat", "the predicted probability of a loss"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Accuracy_threshold_is_not_a_guard_and_entropy_in_bits_is_clamped()
        {
            var source = @"
using System;
using System.Linq;

public sealed class Perceptron
{
    public double[] Weights = new double[4];

    public (double Loss, double Accuracy) Evaluate(double[][] xs, double[] ys)
    {
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            var a = 1.0 / (1.0 + Math.Exp(-xs[i].Zip(Weights, (x, w) => x * w).Sum()));
            if ((a >= 0.5) == (ys[i] == 1)) correct++;
            loss -= ys[i] * [|Math.Log(a)|] + (1 - ys[i]) * [|Math.Log(1 - a)|];
        }

        return (loss / xs.Length, (double)correct / xs.Length);
    }

    public static double EntropyBits(double[] logits)
    {
        var m = logits.Max();
        var e = logits.Select(v => Math.Exp(v - m)).ToArray();
        var s = e.Sum();
        return -e.Select(v => v / s).Sum(q => q * [|Math.Log(q, 2)|]) + [|Math.Log2(e[0] / s)|] * 0;
    }
}";
            var fixedSource = source
                .Replace("[|Math.Log(a)|]", "Math.Log(" + Clamp("a") + ")")
                .Replace("[|Math.Log(1 - a)|]", "Math.Log(" + Clamp("1 - a") + ")")
                .Replace("[|Math.Log(q, 2)|]", "Math.Log(" + Clamp("q") + ", 2)")
                .Replace("[|Math.Log2(e[0] / s)|]", "Math.Log2(" + Clamp("e[0] / s") + ")");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Softmax_returned_in_a_tuple_reaches_the_loss_of_a_seed_like_port()
        {
            var source = @"
using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class Port
{
    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        var s = z.Enumerate().Sum();
        return z / s;
    }

    public static (Matrix<double> Pred, Dictionary<int, Matrix<double>> A) ForwardProp(Matrix<double> x, Matrix<double> w)
    {
        var a = new Dictionary<int, Matrix<double>> { [0] = x.Transpose() };
        var p = Softmax(w * a[0]);
        return (p, a);
    }

    public static double Distance(Matrix<double> y, Matrix<double> q) => y.Transpose().PointwiseMultiply({|#0:q.PointwiseLog()|}).Enumerate().Sum();

    public static double Train(Matrix<double> x, Matrix<double> y, Matrix<double> w)
    {
        double e = 0;
        var (pred, layer) = ForwardProp(x, w);
        e += Distance(y, pred);
        var again = ForwardProp(x, w);
        e -= {|#1:Math.Log(again.Pred[0, 0])|};
        return e;
    }
}";
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = source
                    .Replace("{|#0:q.PointwiseLog()|}", "q.PointwiseMaximum(1e-15).PointwiseMinimum(1 - 1e-15).PointwiseLog()")
                    .Replace("{|#1:Math.Log(again.Pred[0, 0])|}", "Math.Log(" + Clamp("again.Pred[0, 0]") + ")"),
                LanguageVersion = LanguageVersion.CSharp7_3,
            };
            test.ExpectedDiagnostics.Add(At(0, "q", "a softmax output passed by 'Train'"));
            test.ExpectedDiagnostics.Add(At(1, "Pred", "a softmax output"));
            await test.RunAsync();
        }

        // ================================================================ correct near-misses: silent

        [Fact]
        public async Task Comparisons_with_zero_one_or_an_epsilon_guard_the_log()
        {
            var source = @"
using System;

public static class Bce
{
    public static double Loss(double[] z, double[] y)
    {
        double eps = 1e-12, loss = 0;
        for (int i = 0; i < z.Length; i++)
        {
            var a = 1.0 / (1.0 + Math.Exp(-z[i]));
            if (a < eps || a >= 1) continue;
            loss -= y[i] * Math.Log(a) + (1 - y[i]) * Math.Log(1 - a);
        }

        return loss;
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }


        [Fact]
        public async Task Log_odds_of_a_probability_parameter_and_a_caller_that_checks_are_silent()
        {
            var source = @"
using System;
using System.Linq;

public sealed class Calibrator
{
    public double[] Weights = new double[3];

    public double[] Forward(double[] x)
    {
        var z = x.Zip(Weights, (a, w) => a * w).ToArray();
        var e = z.Select(Math.Exp).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public double[] Backward(double[] g) => g;

    public static double LogOdds(double p) => Math.Log(p) - Math.Log(1 - p);

    private static double Log2(double x) => Math.Log(x) / Math.Log(2);

    public double Entropy(double[] x)
    {
        double h = 0;
        foreach (var q in Forward(x))
        {
            if (q > 0) h -= q * Log2(q);
        }

        return h;
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }


        [Fact]
        public async Task Log_likelihood_in_log_space_with_log_sum_exp_is_silent()
        {
            var source = @"
using System;
using System.Linq;

public sealed class SoftmaxRegression
{
    public double[][] W;

    public double[] Logits(double[] x) => W.Select(row => row.Zip(x, (a, b) => a * b).Sum()).ToArray();

    public static double[] LogSoftmax(double[] z)
    {
        var m = z.Max();
        var lse = m + Math.Log(z.Sum(v => Math.Exp(v - m)));
        return z.Select(v => v - lse).ToArray();
    }

    public double LogLikelihood(double[][] xs, int[] labels)
    {
        double ll = 0;
        for (int i = 0; i < xs.Length; i++) ll += LogSoftmax(Logits(xs[i]))[labels[i]];
        return ll;
    }

    public double Loss(double[] x, int label)
    {
        var z = Logits(x);
        double max = z.Max(), sum = 0;
        foreach (var v in z) sum += Math.Exp(v - max);
        return max + Math.Log(sum) - z[label];
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Theory]
        [InlineData("Math.Log(Math.Max(p[label], 1e-12))")]
        [InlineData("Math.Log(Math.Clamp(p[label], 1e-12, 1 - 1e-12))")]
        [InlineData("Math.Log(p[label] + 1e-9)")]
        [InlineData("Math.Log(p[label] + Eps)")]
        [InlineData("Math.Log(Safe(p[label]))")]
        public async Task Clamped_or_shifted_softmax_probabilities_are_silent(string log)
        {
            var source = @"
using System;
using System.Linq;

public sealed class Net
{
    private const double Eps = 1e-12;

    private static double Safe(double v) => Math.Min(Math.Max(v, Eps), 1 - Eps);

    public static double[] Softmax(double[] z)
    {
        var m = z.Max();
        var e = z.Select(v => Math.Exp(v - m)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public double Loss(double[] logits, int label)
    {
        var p = Softmax(logits);
        return -LOG;
    }
}".Replace("LOG", log);
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Clamped_local_and_linq_epsilon_are_silent()
        {
            var source = @"
using System;
using System.Linq;

public static class Metrics
{
    public static double[] Softmax(double[] z)
    {
        var e = z.Select(Math.Exp).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double CrossEntropy(double[] logits, double[] target)
    {
        var probs = Softmax(logits);
        var eps = 1e-12;
        var a = target.Zip(probs, (t, q) => t * Math.Log(q + eps)).Sum();
        var clipped = probs.Select(q => Math.Clamp(q, eps, 1 - eps)).ToArray();
        var b = clipped.Select((q, i) => target[i] * Math.Log(q)).Sum();
        return -(a + b) / 2;
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task MathNet_binary_cross_entropy_with_clamped_sigmoid_is_silent()
        {
            var source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public static class Bce
{
    public static double Evaluate(Matrix<double> z, Matrix<double> y)
    {
        var a = z.Map(v => 1.0 / (1.0 + Math.Exp(-v))).PointwiseMaximum(1e-12).PointwiseMinimum(1 - 1e-12);
        var terms = y.PointwiseMultiply(a.PointwiseLog()) + (1 - y).PointwiseMultiply((1 - a).PointwiseLog());
        return -terms.Enumerate().Average();
    }

    public static double EvaluateFromLogits(Matrix<double> z, Matrix<double> y)
    {
        // log(sigmoid(z)) = -softplus(-z), computed stably.
        var softplus = z.Map(v => Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v))));
        return (softplus - y.PointwiseMultiply(z)).Enumerate().Average();
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Finance_log_returns_next_to_a_network_are_silent()
        {
            var source = @"
using System;
using System.Linq;

public sealed class PricePredictor
{
    public double[] Weights = new double[8];

    public double Forward(double[] features) => features.Zip(Weights, (a, b) => a * b).Sum();

    public double Backward(double error) => error;

    public static double[] LogReturns(double[] prices)
    {
        var r = new double[prices.Length - 1];
        for (int t = 1; t < prices.Length; t++) r[t - 1] = Math.Log(prices[t] / prices[t - 1]);
        return r;
    }

    public static double Cost(double p, double strike) => -Math.Log(p / strike);

    public static double Volatility(double[] prices) =>
        Math.Sqrt(prices.Skip(1).Zip(prices, (b, a) => Math.Log(b / a)).Select(v => v * v).Average());
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Logs_of_counts_and_schedules_in_a_trainer_are_silent()
        {
            var source = @"
using System;
using System.Collections.Generic;
using System.Linq;

public sealed class Trainer
{
    public double[] Weights = new double[10];
    public double LearningRate = 0.1;

    public double Schedule(int epoch) => LearningRate / (1 + Math.Log(epoch + 1));

    public static double[] Idf(int documents, int[] documentFrequency) =>
        documentFrequency.Select(df => Math.Log((double)documents / (1 + df))).ToArray();

    public static double Perplexity(Dictionary<string, int> counts, int total)
    {
        double h = 0;
        foreach (var c in counts.Values) h -= Math.Log(c) - Math.Log(total);
        return Math.Exp(h / counts.Count);
    }

    public double Loss(double[] output, double[] target) => output.Zip(target, (o, t) => (o - t) * (o - t)).Sum();
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Monte_carlo_sampling_and_weight_initialisation_are_silent()
        {
            var source = @"
using System;

public sealed class DenseLayer
{
    public double[,] Weights;
    public double[] Bias;

    public DenseLayer(int inputs, int outputs, Random rng)
    {
        Weights = new double[outputs, inputs];
        Bias = new double[outputs];
        var std = Math.Sqrt(2.0 / inputs);
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
            {
                var u1 = 1.0 - rng.NextDouble();
                var u2 = rng.NextDouble();
                Weights[o, i] = std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
    }

    public static double ExponentialSample(Random rng, double rate) => -Math.Log(1 - rng.NextDouble()) / rate;

    public double[] Forward(double[] x) => x;
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Guarded_entropy_and_kl_divergence_of_softmax_outputs_are_silent()
        {
            var source = @"
using System;
using System.Linq;

public static class Diagnostics
{
    public static double[] Softmax(double[] z)
    {
        var m = z.Max();
        var e = z.Select(v => Math.Exp(v - m)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double Entropy(double[] logits)
    {
        var p = Softmax(logits);
        double h = 0;
        foreach (var q in p)
        {
            if (q > 0) h -= q * Math.Log(q);
        }

        return h;
    }

    public static double Kl(double[] a, double[] b)
    {
        var p = Softmax(a);
        var q = Softmax(b);
        double kl = 0;
        for (int i = 0; i < p.Length; i++) kl += p[i] == 0 ? 0 : p[i] * Math.Log(p[i] / q[i]);
        return kl;
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Loss_helper_whose_callers_all_clamp_is_silent()
        {
            var source = @"
using System;
using System.Linq;

public sealed class Network
{
    public double[] Weights = new double[3];

    public double[] Forward(double[] x)
    {
        var e = x.Select(Math.Exp).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public double[] Backward(double[] grad) => grad;

    private static double CrossEntropy(double[] probs, int label) => -Math.Log(probs[label]);

    public double Evaluate(double[] x, int label)
    {
        var p = Forward(x).Select(v => Math.Max(v, 1e-12)).ToArray();
        return CrossEntropy(p, label);
    }
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Gaussian_and_log_transform_of_an_output_parameter_are_silent()
        {
            var source = @"
using System;
using System.Linq;

public sealed class Regressor
{
    public double[] Weights = new double[3];

    public double Forward(double[] x) => x.Zip(Weights, (a, b) => a * b).Sum();

    public double[] Backward(double g) => Weights.Select(w => w * g).ToArray();

    public static double GaussianLoss(double[] output, double[] target, double sigma) =>
        output.Zip(target, (o, t) => Math.Log(sigma) + (o - t) * (o - t) / (2 * sigma * sigma)).Sum();

    public static double Loss(double[] prediction, double[] target) =>
        prediction.Zip(target, (p, t) => Math.Pow(Math.Log(1 + p) - Math.Log(1 + t), 2)).Average();
}";
            await Analyze.VerifyAnalyzerAsync(source);
        }
    

        // ================================================================ probe 15: a softmax computed in place in the logits buffer

        private const string InPlaceKernel = @"
using System;
using System.Linq;

public static class Kernels
{
    public static void SoftmaxInPlace(Span<float> x)
    {
        float max = float.NegativeInfinity;
        for (int i = 0; i < x.Length; i++) max = MathF.Max(max, x[i]);
        float sum = 0f;
        for (int i = 0; i < x.Length; i++) { x[i] = MathF.Exp(x[i] - max); sum += x[i]; }
        for (int i = 0; i < x.Length; i++) x[i] /= sum;
    }

    public static void SoftmaxInPlace(double[] x)
    {
        double max = x.Max(), sum = 0;
        for (int i = 0; i < x.Length; i++) { x[i] = Math.Exp(x[i] - max); sum += x[i]; }
        for (int i = 0; i < x.Length; i++) x[i] /= sum;
    }

    public static void ExpInPlace(double[] x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = Math.Exp(x[i]);
    }
}

public sealed class Head
{
    private readonly float[] _weights = new float[12];
    private readonly double[] _w = new double[12];

    public float Loss(float[] h, int label)
    {
        Span<float> logits = stackalloc float[3];
        for (int c = 0; c < 3; c++) for (int d = 0; d < 4; d++) logits[c] += _weights[c * 4 + d] * h[d];
        Kernels.SoftmaxInPlace(logits);
        return -LOGF;
    }

    public double LossD(double[] h, int label)
    {
        var logits = new double[3];
        for (int c = 0; c < 3; c++) for (int d = 0; d < 4; d++) logits[c] += _w[c * 4 + d] * h[d];
        Kernels.SoftmaxInPlace(logits);
        return -LOGD;
    }

    public double LogOfExp(double[] h, int label)
    {
        var logits = new double[3];
        for (int c = 0; c < 3; c++) for (int d = 0; d < 4; d++) logits[c] += _w[c * 4 + d] * h[d];
        Kernels.ExpInPlace(logits);
        return -Math.Log(logits[label]);
    }
}";

        [Fact]
        public async Task Softmax_in_place_in_the_logits_buffer_by_a_helper_is_a_softmax_output()
        {
            var test = new Verify.Test
            {
                TestCode = InPlaceKernel.Replace("LOGF", "{|#0:MathF.Log(logits[label])|}").Replace("LOGD", "{|#1:Math.Log(logits[label])|}"),
                FixedCode = InPlaceKernel.Replace("LOGF", "MathF.Log(Math.Min(Math.Max(logits[label], 1e-7f), 1f - 1e-7f))")
                    .Replace("LOGD", "Math.Log(" + Clamp("logits[label]") + ")"),
            };
            test.ExpectedDiagnostics.Add(At(0, "logits", "a softmax output"));
            test.ExpectedDiagnostics.Add(At(1, "logits", "a softmax output"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Softmax_in_place_by_a_helper_then_clamped_is_silent()
            => await Analyze.VerifyAnalyzerAsync(InPlaceKernel.Replace("LOGF", "MathF.Log(MathF.Max(logits[label], 1e-7f))")
                .Replace("LOGD", "Math.Log(Math.Max(logits[label], 1e-15))"));

        private const string InlineInPlace = @"
using System;
using System.Linq;

public sealed class Head
{
    private readonly double[] _weights = new double[12];

    public double Loss(double[] h, int label)
    {
        var logits = new double[3];
        for (int c = 0; c < 3; c++) for (int d = 0; d < 4; d++) logits[c] += _weights[c * 4 + d] * h[d];
        double max = logits.Max(), sum = 0;
        for (int i = 0; i < logits.Length; i++) { logits[i] = Math.Exp(logits[i] - max); sum += logits[i]; }
        for (int i = 0; i < logits.Length; i++) logits[i] /= sum;
        AFTER
        return -LOG0;
    }

    public static double Nll(double[] logits, int label)
    {
        double max = logits.Max(), sum = 0;
        for (int i = 0; i < logits.Length; i++) { logits[i] = Math.Exp(logits[i] - max); sum += logits[i]; }
        for (int i = 0; i < logits.Length; i++) logits[i] /= sum;
        return -LOG1;
    }
}";

        [Fact]
        public async Task Softmax_written_in_place_in_the_method_over_its_logits_is_a_softmax_output()
        {
            var test = new Verify.Test
            {
                TestCode = InlineInPlace.Replace("AFTER", "").Replace("LOG0", "{|#0:Math.Log(logits[label])|}").Replace("LOG1", "{|#1:Math.Log(logits[label])|}"),
                FixedCode = InlineInPlace.Replace("AFTER", "").Replace("LOG0", "Math.Log(" + Clamp("logits[label]") + ")")
                    .Replace("LOG1", "Math.Log(" + Clamp("logits[label]") + ")"),
            };
            test.ExpectedDiagnostics.Add(At(0, "logits", "a softmax output"));
            test.ExpectedDiagnostics.Add(At(1, "logits", "a softmax output"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Softmax_in_place_shifted_by_an_epsilon_after_it_or_clamped_is_silent()
            => await Analyze.VerifyAnalyzerAsync(InlineInPlace.Replace("AFTER", "for (int i = 0; i < logits.Length; i++) logits[i] += 1e-12;")
                .Replace("LOG0", "Math.Log(logits[label])").Replace("LOG1", "Math.Log(Math.Clamp(logits[label], 1e-15, 1 - 1e-15))"));
    

        // ================================================================ probe 15: softmax outputs projected by Select into a jagged array

        private const string ProjectedSoftmax = @"
using System;
using System.Linq;

public static class Sm
{
    public static double[] Softmax(double[] z)
    {
        double m = z.Max();
        var e = z.Select(v => Math.Exp(v - m)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }
}

public sealed class Net
{
    private readonly double[][] _w = new double[3][];

    public double[] Logits(double[] x) => _w.Select(r => r.Zip(x, (a, b) => a * b).Sum()).ToArray();

    public double BatchLoss(double[][] xs, int[] ys)
    {
        var probs = xs.Select(x => Sm.Softmax(Logits(x))).ToArray();
        return -ys.Select((y, n) => LOG0).Average();
    }

    public double LoopLoss(double[][] xs, int[] ys)
    {
        var probs = xs.Select(x => Sm.Softmax(Logits(x))).ToArray();
        double loss = 0;
        for (int n = 0; n < ys.Length; n++) loss -= LOG1;
        return loss / ys.Length;
    }

    public double LogOfLogits(double[][] xs, int[] ys)
    {
        var scores = xs.Select(x => Logits(x)).ToArray();
        return ys.Select((y, n) => Math.Log(scores[n][y])).Sum();
    }
}";

        [Fact]
        public async Task Softmax_outputs_projected_by_select_into_a_jagged_array_are_softmax_outputs()
        {
            var test = new Verify.Test
            {
                TestCode = ProjectedSoftmax.Replace("LOG0", "{|#0:Math.Log(probs[n][y])|}").Replace("LOG1", "{|#1:Math.Log(probs[n][ys[n]])|}"),
                FixedCode = ProjectedSoftmax.Replace("LOG0", "Math.Log(" + Clamp("probs[n][y]") + ")")
                    .Replace("LOG1", "Math.Log(" + Clamp("probs[n][ys[n]]") + ")"),
            };
            test.ExpectedDiagnostics.Add(At(0, "probs", "a softmax output"));
            test.ExpectedDiagnostics.Add(At(1, "probs", "a softmax output"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Projected_softmax_outputs_clamped_and_projected_logits_are_silent()
            => await Analyze.VerifyAnalyzerAsync(ProjectedSoftmax.Replace("LOG0", "Math.Log(Math.Max(probs[n][y], 1e-15))")
                .Replace("LOG1", "Math.Log(probs[n][ys[n]] + 1e-12)"));
    

        // ================================================================ probe 15: probabilities held in a member of a returned object

        private const string TensorSoftmax = @"
using System;
using System.Linq;

public sealed class Tensor
{
    public double[] Data { get; }

    public Tensor(int n) => Data = new double[n];
}

public static class F
{
    public static Tensor Softmax(Tensor x)
    {
        var y = new Tensor(x.Data.Length);
        double max = x.Data.Max(), sum = 0;
        for (int i = 0; i < y.Data.Length; i++) { y.Data[i] = Math.Exp(x.Data[i] - max); sum += y.Data[i]; }
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] /= sum;
        return y;
    }

    public static Tensor Exp(Tensor x)
    {
        var y = new Tensor(x.Data.Length);
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] = Math.Exp(x.Data[i]);
        return y;
    }

    public static double CrossEntropy(Tensor logits, int target)
    {
        var probs = Softmax(logits);
        return -LOG0;
    }

    public static double Nll(Tensor logits, int target) => -LOG1;

    public static double LogOfExp(Tensor logits, int target) => Math.Log(Exp(logits).Data[target]);

    public static double NllLoss(Tensor probs, int target) => -LOG2;

    public static double Loss(Tensor logits, int target) => NllLoss(Softmax(logits), target);

    public static double LogOfExpPassed(Tensor scores, int target) => Math.Log(scores.Data[target]);

    public static double Score(Tensor logits, int target) => LogOfExpPassed(Exp(logits), target);
}";

        [Fact]
        public async Task Probabilities_in_a_member_of_the_tensor_a_softmax_returns_are_softmax_outputs()
        {
            var test = new Verify.Test
            {
                TestCode = TensorSoftmax.Replace("LOG0", "{|#0:Math.Log(probs.Data[target])|}").Replace("LOG1", "{|#1:Math.Log(Softmax(logits).Data[target])|}")
                    .Replace("LOG2", "{|#2:Math.Log(probs.Data[target])|}"),
                FixedCode = TensorSoftmax.Replace("LOG0", "Math.Log(" + Clamp("probs.Data[target]") + ")")
                    .Replace("LOG1", "Math.Log(" + Clamp("Softmax(logits).Data[target]") + ")").Replace("LOG2", "Math.Log(" + Clamp("probs.Data[target]") + ")"),
            };
            test.ExpectedDiagnostics.Add(At(0, "Data", "a softmax output"));
            test.ExpectedDiagnostics.Add(At(1, "Data", "a softmax output"));
            test.ExpectedDiagnostics.Add(At(2, "Data", "a softmax output passed by 'Loss'"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Tensor_softmax_member_clamped_is_silent()
            => await Analyze.VerifyAnalyzerAsync(TensorSoftmax.Replace("LOG0", "Math.Log(Math.Max(probs.Data[target], 1e-15))")
                .Replace("LOG1", "Math.Log(Math.Clamp(Softmax(logits).Data[target], 1e-15, 1 - 1e-15))")
                .Replace("LOG2", "Math.Log(probs.Data[target] + 1e-12)"));
    }
}
