using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using NN0001 = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<NnAnalyzers.Rules.NN0001AllPositiveWeightInitializationAnalyzer, NnAnalyzers.CodeFixes.Rules.NN0001AllPositiveWeightInitializationFixer>;
using NN0002 = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<NnAnalyzers.Rules.NN0002UnstabilizedSoftmaxAnalyzer, NnAnalyzers.CodeFixes.Rules.NN0002UnstabilizedSoftmaxFixer>;
using NN0005 = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<NnAnalyzers.Rules.NN0005UnguardedLogOfProbabilityAnalyzer, NnAnalyzers.CodeFixes.Rules.NN0005UnguardedLogOfProbabilityFixer>;
using NN0007 = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<NnAnalyzers.Rules.NN0007ConstantOrSymmetricInitializationAnalyzer, NnAnalyzers.CodeFixes.Rules.NN0007ConstantOrSymmetricInitializationFixer>;
using NN0008 = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<NnAnalyzers.Rules.NN0008DerivativeOfWrongValueAnalyzer, NnAnalyzers.CodeFixes.Rules.NN0008DerivativeOfWrongValueFixer>;

namespace NnAnalyzers.Tests.Rules
{
    /// <summary>
    /// A network written with generic math (<c>T : IFloatingPointIeee754&lt;T&gt;</c>), as the authors of small .NET ML
    /// libraries write it: <c>T.Exp</c>, <c>T.Log</c>, <c>T.One</c>, <c>T.CreateChecked(0.5)</c> read as <c>Math.Exp</c>,
    /// <c>Math.Log</c>, <c>1</c>, <c>0.5</c> (session 14; before it, only NN0001 saw this network's bugs). The correct
    /// network is silent for every rule; each bug is reported and fixed into code that compiles.
    /// </summary>
    public class GenericMathTests
    {
        private const string Network = @"
using System;
using System.Linq;
using System.Numerics;

public static class Act<T> where T : IFloatingPointIeee754<T>
{
    public static T Sigmoid(T z) => T.One / (T.One + T.Exp(-z));

    public static T[] Softmax(T[] z)
    {
        var e = new T[z.Length];
        T sum = T.Zero;
        var max = z.Max();
        for (int i = 0; i < z.Length; i++) { e[i] = EXP; sum += e[i]; }
        for (int i = 0; i < z.Length; i++) e[i] /= sum;
        return e;
    }
}

public class LogisticRegression<T> where T : IFloatingPointIeee754<T>
{
    private readonly T[] _w;
    private T _b;

    public LogisticRegression(int n, Random rng)
    {
        _w = new T[n];
        for (int i = 0; i < n; i++) _w[i] = DRAW;
    }

    public T Loss(T[] x, T y)
    {
        T z = _b;
        for (int i = 0; i < x.Length; i++) z += _w[i] * x[i];
        var p = Act<T>.Sigmoid(z);
        return -(y * LOG1 + (T.One - y) * LOG0);
    }

    public void Train(T[][] xs, T[] ys, T lr)
    {
        for (int n = 0; n < xs.Length; n++)
        {
            T z = _b;
            for (int i = 0; i < _w.Length; i++) z += _w[i] * xs[n][i];
            var a = Act<T>.Sigmoid(z);
            var d = DELTA;
            for (int i = 0; i < _w.Length; i++) _w[i] -= lr * d * xs[n][i];
            _b -= lr * d;
        }
    }
}

public class Dense<T> where T : IFloatingPointIeee754<T>
{
    public T[,] W;
    public T[] B;

    public Dense(int inputs, int outputs, Random rng)
    {
        W = new T[outputs, inputs];
        B = new T[outputs];
        for (int r = 0; r < outputs; r++)
            for (int c = 0; c < inputs; c++)
                W[r, c] = INIT;
    }

    public T[] Forward(T[] x)
    {
        var y = new T[B.Length];
        for (int r = 0; r < y.Length; r++)
        {
            y[r] = B[r];
            for (int c = 0; c < x.Length; c++) y[r] += W[r, c] * x[c];
        }

        return y;
    }

    public void Step(T[,] g, T lr)
    {
        for (int r = 0; r < B.Length; r++)
            for (int c = 0; c < W.GetLength(1); c++)
                W[r, c] -= lr * g[r, c];
    }
}
";

        private const string CorrectDraw = "T.CreateChecked(rng.NextDouble() * 0.2 - 0.1)";
        private const string CorrectExp = "T.Exp(z[i] - max)";
        private const string CorrectLog1 = "T.Log(T.Clamp(p, T.CreateChecked(1e-12), T.One - T.CreateChecked(1e-12)))";
        private const string CorrectLog0 = "T.Log(T.Clamp(T.One - p, T.CreateChecked(1e-12), T.One))";
        private const string CorrectDelta = "(a - ys[n]) * a * (T.One - a)";
        private const string CorrectInit = "T.CreateChecked((rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + outputs)))";

        private static string Make(string exp = CorrectExp, string log1 = CorrectLog1, string log0 = CorrectLog0, string delta = CorrectDelta, string init = CorrectInit, string draw = CorrectDraw)
            => Network.Replace("DRAW", draw).Replace("EXP", exp).Replace("LOG1", log1).Replace("LOG0", log0).Replace("DELTA", delta).Replace("INIT", init);

        private static Task Fix<TAnalyzer, TFix>(string source, string fixedSource)
            where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
            where TFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
            => new NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<TAnalyzer, TFix>.Test { TestCode = source, FixedCode = fixedSource }.RunAsync(CancellationToken.None);

        [Fact]
        public async Task The_correct_generic_network_is_silent_for_every_rule()
        {
            var source = Make();
            await NN0001.VerifyAnalyzerAsync(source);
            await NN0002.VerifyAnalyzerAsync(source);
            await NN0005.VerifyAnalyzerAsync(source);
            await NN0007.VerifyAnalyzerAsync(source);
            await NN0008.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public Task A_positive_draw_cast_by_create_checked_is_reported_and_centred()
            => Fix<NnAnalyzers.Rules.NN0001AllPositiveWeightInitializationAnalyzer, NnAnalyzers.CodeFixes.Rules.NN0001AllPositiveWeightInitializationFixer>(
                Make(draw: "[|T.CreateChecked(rng.NextDouble() * 0.2)|]"), Make(draw: "T.CreateChecked((2 * rng.NextDouble() - 1) * 0.2)"));

        [Fact]
        public Task T_exp_of_unshifted_logits_is_an_unstabilized_softmax_shifted_by_the_fix()
            => Fix<NnAnalyzers.Rules.NN0002UnstabilizedSoftmaxAnalyzer, NnAnalyzers.CodeFixes.Rules.NN0002UnstabilizedSoftmaxFixer>(
                Make(exp: "[|T.Exp(z[i])|]").Replace("        var max = z.Max();\n", string.Empty),
                Make(exp: "T.Exp(z[i] - max)"));

        [Fact]
        public Task T_log_of_a_generic_sigmoid_output_and_its_complement_are_clamped_with_T_clamp()
            => Fix<NnAnalyzers.Rules.NN0005UnguardedLogOfProbabilityAnalyzer, NnAnalyzers.CodeFixes.Rules.NN0005UnguardedLogOfProbabilityFixer>(
                Make(log1: "[|T.Log(p)|]", log0: "[|T.Log(T.One - p)|]"),
                Make(log1: "T.Log(T.Clamp(p, T.CreateChecked(1e-7), T.One - T.CreateChecked(1e-7)))",
                    log0: "T.Log(T.Clamp(T.One - p, T.CreateChecked(1e-7), T.One - T.CreateChecked(1e-7)))"));

        [Fact]
        public Task T_create_checked_of_a_constant_fills_every_weight_alike()
            => NN0007.VerifyAnalyzerAsync(Make(init: "[|T.CreateChecked(0.5)|]"));

        [Fact]
        public Task A_sigmoid_derivative_of_the_generic_pre_activation_is_reported_and_given_the_activation()
            => Fix<NnAnalyzers.Rules.NN0008DerivativeOfWrongValueAnalyzer, NnAnalyzers.CodeFixes.Rules.NN0008DerivativeOfWrongValueFixer>(
                Make(delta: "(a - ys[n]) * [|z * (T.One - z)|]"), Make(delta: "(a - ys[n]) * a * (T.One - a)"));
    }
}
