using System;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using NnAnalyzers.Tests.Verifiers;
using Xunit;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0005UnguardedLogOfProbabilityAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0005UnguardedLogOfProbabilityFixer>;

namespace NnAnalyzers.Tests.Rules
{
    /// <summary>NN0005's second fix: the log-probability computed from the logits with log-sum-exp.</summary>
    public class NN0005LogSpaceFixTests
    {
        private const string LogSpace = "NN0005.LogSpace";
        private const string Clamp = "NN0005.Clamp";

        private const string SoftmaxHelper = @"
    static double[] Softmax(double[] z)
    {
        var m = z[0];
        foreach (var x in z) m = Math.Max(m, x);
        var e = new double[z.Length];
        double sum = 0;
        for (int i = 0; i < z.Length; i++) { e[i] = Math.Exp(z[i] - m); sum += e[i]; }
        for (int i = 0; i < e.Length; i++) e[i] /= sum;
        return e;
    }
";

        private const string CrossEntropy = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] logits, int label)
    {
        var probs = Softmax(logits);
        return -[|Math.Log(probs[label])|];
    }
}";

        private const string CrossEntropyLogSpace = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] logits, int label)
    {
        var probs = Softmax(logits);
        var logitsMax = System.Linq.Enumerable.Max(logits);
        var logSumExp = logitsMax + Math.Log(System.Linq.Enumerable.Sum(logits, v => Math.Exp(v - logitsMax)));
        return -(logits[label] - logSumExp);
    }
}";

        private const string CrossEntropyClamped = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] logits, int label)
    {
        var probs = Softmax(logits);
        return -Math.Log(Math.Min(Math.Max(probs[label], 1e-15), 1 - 1e-15));
    }
}";

        [Theory]
        [InlineData(LanguageVersion.CSharp7_3)]
        [InlineData(LanguageVersion.Latest)]
        public async Task Softmax_cross_entropy_is_rewritten_to_log_space(LanguageVersion version)
        {
            var test = new Verify.Test
            {
                TestCode = CrossEntropy,
                FixedCode = CrossEntropyLogSpace,
                CodeActionEquivalenceKey = LogSpace,
                CodeActionIndex = 1,
                LanguageVersion = version,
            };
            await test.RunAsync();
        }

        [Fact]
        public async Task The_clamp_stays_the_first_action()
        {
            var test = new Verify.Test { TestCode = CrossEntropy, FixedCode = CrossEntropyClamped, CodeActionEquivalenceKey = Clamp, CodeActionIndex = 0 };
            await test.RunAsync();
        }

        [Fact]
        public async Task Two_logs_in_one_method_get_names_that_do_not_clash()
        {
            var source = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] scores, int label, int other)
    {
        var p = Softmax(scores);
        var first = [|Math.Log(p[label])|];
        var second = [|Math.Log(p[other])|];
        return -(first + second);
    }
}";
            var fixedSource = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] scores, int label, int other)
    {
        var p = Softmax(scores);
        var logitsMax = System.Linq.Enumerable.Max(scores);
        var logSumExp = logitsMax + Math.Log(System.Linq.Enumerable.Sum(scores, v => Math.Exp(v - logitsMax)));
        var first = (scores[label] - logSumExp);
        var logitsMax2 = System.Linq.Enumerable.Max(scores);
        var logSumExp2 = logitsMax2 + Math.Log(System.Linq.Enumerable.Sum(scores, v => Math.Exp(v - logitsMax2)));
        var second = (scores[other] - logSumExp2);
        return -(first + second);
    }
}";
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = LogSpace, CodeActionIndex = 1 };
            await test.RunAsync();
        }

        [Fact]
        public async Task Names_taken_in_the_method_are_avoided()
        {
            var source = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] logits, int label)
    {
        var logitsMax = 1.0;
        var v = 2.0;
        var probs = Softmax(logits);
        return -[|Math.Log(probs[label])|] * logitsMax * v;
    }
}";
            var fixedSource = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] logits, int label)
    {
        var logitsMax = 1.0;
        var v = 2.0;
        var probs = Softmax(logits);
        var logitsMax2 = System.Linq.Enumerable.Max(logits);
        var logSumExp = logitsMax2 + Math.Log(System.Linq.Enumerable.Sum(logits, v2 => Math.Exp(v2 - logitsMax2)));
        return -(logits[label] - logSumExp) * logitsMax * v;
    }
}";
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = LogSpace, CodeActionIndex = 1 };
            await test.RunAsync();
        }

        [Fact]
        public async Task A_log_in_a_training_loop_with_local_logits_is_rewritten()
        {
            var source = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    static double[] Forward(double[] w, double[] x) => new[] { w[0] * x[0], w[1] * x[1] };

    public static double Train(double[] w, double[][] xs, int[] labels)
    {
        double total = 0;
        for (int n = 0; n < xs.Length; n++)
        {
            var scores = Forward(w, xs[n]);
            var probs = Softmax(scores);
            if (labels[n] >= 0)
            {
                // cross-entropy of the true class
                total -= [|Math.Log(probs[labels[n]])|];
            }
        }

        return total / xs.Length;
    }
}";
            var fixedSource = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    static double[] Forward(double[] w, double[] x) => new[] { w[0] * x[0], w[1] * x[1] };

    public static double Train(double[] w, double[][] xs, int[] labels)
    {
        double total = 0;
        for (int n = 0; n < xs.Length; n++)
        {
            var scores = Forward(w, xs[n]);
            var probs = Softmax(scores);
            if (labels[n] >= 0)
            {
                // cross-entropy of the true class
                var logitsMax = System.Linq.Enumerable.Max(scores);
                var logSumExp = logitsMax + Math.Log(System.Linq.Enumerable.Sum(scores, v => Math.Exp(v - logitsMax)));
                total -= (scores[labels[n]] - logSumExp);
            }
        }

        return total / xs.Length;
    }
}";
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = LogSpace, CodeActionIndex = 1, LanguageVersion = LanguageVersion.CSharp7_3 };
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_all_in_log_space_clamps_the_logs_it_cannot_rewrite()
        {
            var source = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] logits, int label)
    {
        var probs = Softmax(logits);
        return -[|Math.Log(probs[label])|];
    }

    public static double Modified(double[] logits, int label)
    {
        var probs = Softmax(logits);
        logits[0] = 0;
        return -[|Math.Log(probs[label])|];
    }
}";
            var fixedSource = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] logits, int label)
    {
        var probs = Softmax(logits);
        var logitsMax = System.Linq.Enumerable.Max(logits);
        var logSumExp = logitsMax + Math.Log(System.Linq.Enumerable.Sum(logits, v => Math.Exp(v - logitsMax)));
        return -(logits[label] - logSumExp);
    }

    public static double Modified(double[] logits, int label)
    {
        var probs = Softmax(logits);
        logits[0] = 0;
        return -{|#0:Math.Log(probs[label])|};
    }
}";
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = fixedSource,
                BatchFixedCode = fixedSource.Replace("{|#0:Math.Log(probs[label])|}", "Math.Log(Math.Min(Math.Max(probs[label], 1e-15), 1 - 1e-15))"),
                CodeActionEquivalenceKey = LogSpace,
                CodeActionIndex = 1,
            };
            test.FixedState.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(
                "the log of 'probs' (a softmax output) has no clamp or epsilon: a probability of exactly 0 gives -infinity and NaN gradients; clamp it to [eps, 1 - eps] or compute the loss in log space"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Logits_modified_after_the_softmax_get_only_the_clamp()
        {
            var source = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] logits, int label)
    {
        var probs = Softmax(logits);
        logits[0] += 1;
        return -[|Math.Log(probs[label])|];
    }
}";
            await LogSpaceNotOffered(source, "Math.Log(Math.Min(Math.Max(probs[label], 1e-15), 1 - 1e-15))");
        }

        [Fact]
        public async Task Probabilities_modified_after_the_softmax_get_only_the_clamp()
        {
            var source = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] logits, int label)
    {
        var probs = Softmax(logits);
        Array.Clear(probs, 0, 1);
        return -[|Math.Log(probs[label])|];
    }
}";
            await LogSpaceNotOffered(source, "Math.Log(Math.Min(Math.Max(probs[label], 1e-15), 1 - 1e-15))");
        }

        [Fact]
        public async Task A_softmax_that_overwrites_its_argument_gets_only_the_clamp()
        {
            var source = @"
using System;

public static class Classifier
{
    static double[] Softmax(double[] z)
    {
        var m = z[0];
        foreach (var x in z) m = Math.Max(m, x);
        for (int i = 0; i < z.Length; i++) z[i] -= m;
        var e = new double[z.Length];
        double sum = 0;
        for (int i = 0; i < z.Length; i++) { e[i] = Math.Exp(z[i]); sum += e[i]; }
        for (int i = 0; i < e.Length; i++) e[i] /= sum;
        return e;
    }

    public static double Loss(double[] logits, int label)
    {
        var probs = Softmax(logits);
        return -[|Math.Log(probs[label])|];
    }
}";
            await LogSpaceNotOffered(source, "Math.Log(Math.Min(Math.Max(probs[label], 1e-15), 1 - 1e-15))");
        }

        [Fact]
        public async Task A_call_between_the_softmax_and_the_log_gets_only_the_clamp()
        {
            // Step could modify the logits through an alias (a field holding the same array): not provably the same value.
            var source = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    static double[] _last = new double[2];

    static void Step() { _last[0] -= 0.1; }

    public static double Loss(int label)
    {
        var logits = _last;
        var probs = Softmax(logits);
        Step();
        return -[|Math.Log(probs[label])|];
    }
}";
            await LogSpaceNotOffered(source, "Math.Log(Math.Min(Math.Max(probs[label], 1e-15), 1 - 1e-15))");
        }

        [Fact]
        public async Task A_log_evaluated_conditionally_gets_only_the_clamp()
        {
            var source = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static bool Confident(double[] logits, int label)
    {
        var probs = Softmax(logits);
        return logits.Length > 1 && [|Math.Log(probs[label])|] > -0.1;
    }
}";
            await LogSpaceNotOffered(source, "Math.Log(Math.Min(Math.Max(probs[label], 1e-15), 1 - 1e-15))");
        }

        [Fact]
        public async Task MathNet_pointwise_log_gets_only_the_clamp()
        {
            var source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Classifier
{
    static Vector<double> Softmax(Vector<double> z)
    {
        var e = z.Subtract(z.Maximum()).PointwiseExp();
        return e / e.Sum();
    }

    public static double Loss(Vector<double> logits, Vector<double> target)
    {
        var probs = Softmax(logits);
        return -target.DotProduct([|probs.PointwiseLog()|]);
    }
}";
            await LogSpaceNotOffered(source, "probs.PointwiseMaximum(1e-15).PointwiseMinimum(1 - 1e-15).PointwiseLog()");
        }

        [Fact]
        public async Task A_log_inside_a_lambda_gets_only_the_clamp()
        {
            var source = @"
using System;

public static class Classifier
{" + SoftmaxHelper + @"
    public static double Loss(double[] logits, int label)
    {
        var probs = Softmax(logits);
        Func<double> loss = () => -[|Math.Log(probs[label])|];
        return loss();
    }
}";
            await LogSpaceNotOffered(source, "Math.Log(Math.Min(Math.Max(probs[label], 1e-15), 1 - 1e-15))");
        }

        [Fact]
        public void Log_space_value_equals_the_log_of_the_softmax_and_stays_finite_where_the_clamp_saturates()
        {
            var logSpace = CrossEntropyLogSpace;
            var clamped = CrossEntropyClamped;
            using var fixedCode = CompiledCode.Compile(LanguageVersion.CSharp7_3, logSpace);
            using var clampCode = CompiledCode.Compile(LanguageVersion.CSharp7_3, clamped);

            var ordinary = new[] { 0.3, -1.2, 2.5, 0.0 };
            for (var label = 0; label < ordinary.Length; label++)
            {
                var expected = -Math.Log(Softmax(ordinary)[label]);
                Assert.Equal(expected, fixedCode.InvokeStatic<double>("Classifier", "Loss", ordinary, label), 12);
            }

            var extreme = new[] { 1000.0, -1000.0 };
            var logSpaceLoss = fixedCode.InvokeStatic<double>("Classifier", "Loss", extreme, 1);
            var clampLoss = clampCode.InvokeStatic<double>("Classifier", "Loss", extreme, 1);
            Assert.Equal(2000.0, logSpaceLoss, 9);
            Assert.Equal(-Math.Log(1e-15), clampLoss, 9);
        }

        private static double[] Softmax(double[] z)
        {
            var m = double.NegativeInfinity;
            foreach (var x in z)
            {
                m = Math.Max(m, x);
            }

            var e = new double[z.Length];
            double sum = 0;
            for (var i = 0; i < z.Length; i++)
            {
                e[i] = Math.Exp(z[i] - m);
                sum += e[i];
            }

            for (var i = 0; i < e.Length; i++)
            {
                e[i] /= sum;
            }

            return e;
        }

        // The clamp is still offered (and fixes the log); the log-space key changes nothing.
        private static async Task LogSpaceNotOffered(string source, string clamped)
        {
            var start = source.IndexOf("[|", StringComparison.Ordinal);
            var end = source.IndexOf("|]", start, StringComparison.Ordinal);
            var fixedSource = source.Substring(0, start) + clamped + source.Substring(end + 2);
            var clamp = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = Clamp, CodeActionIndex = 0 };
            await clamp.RunAsync();

            var logSpace = new Verify.Test { TestCode = source, FixedCode = source, CodeActionEquivalenceKey = LogSpace };
            await logSpace.RunAsync();
        }
    }
}
