using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NnAnalyzers.CodeFixes.Rules;
using NnAnalyzers.Rules;
using Xunit;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0004UnusedBackpropResultsAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0004UnusedBackpropResultsFixer>;

namespace NnAnalyzers.Tests.Rules
{
    /// <summary>NN0004's fix calls an update method that is a local function in scope (top-level programs, helpers in the method).</summary>
    public class NN0004LocalFunctionTests
    {
        private const string Message = "the gradients returned by Backward(...) are never applied to the weights";

        private const string TopLevelMessage = "the gradients returned by BackProp(...) are never applied to the weights";

        private static string TopLevel(string step) => @"
using System;

var w = new double[] { 0.1, -0.2 };
var x = new double[] { 1.0, 2.0 };
var lr = 0.1;
for (var epoch = 0; epoch < 10; epoch++)
{
" + step + @"
}

static double[] BackProp(double[] w, double[] x)
{
    var g = new double[w.Length];
    for (var i = 0; i < w.Length; i++) g[i] = 2 * (w[i] * x[i] - 1) * x[i];
    return g;
}

static void Update(double[] w, double[] dW, double lr)
{
    for (var i = 0; i < w.Length; i++) w[i] -= lr * dW[i];
}
";

        [Fact]
        public async Task Discarded_gradients_in_a_top_level_program_are_applied_with_its_local_update_function()
        {
            var test = new Verify.Test
            {
                LanguageVersion = LanguageVersion.Latest,
                TestState = { OutputKind = OutputKind.ConsoleApplication },
                TestCode = TopLevel("    {|#0:BackProp(w, x)|};"),
                FixedCode = TopLevel(@"    var gradients = BackProp(w, x);
    Update(w, gradients, lr);"),
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(TopLevelMessage));
            test.FixedState.OutputKind = OutputKind.ConsoleApplication;
            await test.RunAsync();
        }

        [Fact]
        public async Task A_local_update_function_of_another_method_is_not_in_scope_and_no_fix_is_offered()
        {
            const string Source = @"
public static class Trainer
{
    public static void Train(double[] w, double[] x, int epochs)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            {|#0:Backward(w, x)|};
        }
    }

    public static void Other(int n)
    {
        var w = new double[n];
        Update(w, new double[n], 0.1);

        static void Update(double[] w, double[] dW, double lr)
        {
            for (var i = 0; i < w.Length; i++) w[i] -= lr * dW[i];
        }
    }

    public static double[] Backward(double[] w, double[] x)
    {
        var g = new double[w.Length];
        for (var i = 0; i < w.Length; i++) g[i] = 2 * (w[i] * x[i] - 1) * x[i];
        return g;
    }
}";
            var test = new Verify.Test
            {
                TestCode = Source,
                FixedCode = Source,
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(Message));
            test.FixedState.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(Message));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_method_that_writes_state_but_is_no_update_does_not_receive_the_gradients()
        {
            // Log(double[] w) takes a double[] and writes a field, but neither its name nor its body steps anything along
            // the array it gets: the fix has no update method to call and is not offered.
            const string Source = @"
public sealed class Trainer
{
    private readonly double[] _w = { 0.1, -0.2 };
    private int _calls;

    public void Train(double[] x, int epochs)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            {|#0:Backward(x)|};
        }
    }

    public void Other(double[] w)
    {
        _calls += w.Length;
    }

    public double[] Backward(double[] x)
    {
        var g = new double[_w.Length];
        for (var i = 0; i < _w.Length; i++) g[i] = 2 * (_w[i] * x[i] - 1) * x[i];
        return g;
    }
}";
            var test = new Verify.Test
            {
                TestCode = Source,
                FixedCode = Source,
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(Message));
            test.FixedState.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(Message));
            await test.RunAsync();
        }

        [Fact]
        public async Task An_oddly_named_method_that_steps_the_weights_along_its_argument_receives_the_gradients()
        {
            // Nudge says nothing, but its body subtracts lr * g from the weights: that is the update the fix calls.
            var test = new Verify.Test
            {
                TestCode = @"
public sealed class Trainer
{
    private readonly double[] _w = { 0.1, -0.2 };

    public void Train(double[] x, int epochs)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            {|#0:Backward(x)|};
        }
    }

    public void Nudge(double[] g)
    {
        for (var i = 0; i < _w.Length; i++)
        {
            var step = 0.1 * g[i];
            _w[i] -= step;
        }
    }

    public double[] Backward(double[] x)
    {
        var g = new double[_w.Length];
        for (var i = 0; i < _w.Length; i++) g[i] = 2 * (_w[i] * x[i] - 1) * x[i];
        return g;
    }
}",
                FixedCode = @"
public sealed class Trainer
{
    private readonly double[] _w = { 0.1, -0.2 };

    public void Train(double[] x, int epochs)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var gradients = Backward(x);
            Nudge(gradients);
        }
    }

    public void Nudge(double[] g)
    {
        for (var i = 0; i < _w.Length; i++)
        {
            var step = 0.1 * g[i];
            _w[i] -= step;
        }
    }

    public double[] Backward(double[] x)
    {
        var g = new double[_w.Length];
        for (var i = 0; i < _w.Length; i++) g[i] = 2 * (_w[i] * x[i] - 1) * x[i];
        return g;
    }
}",
            };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(Message));
            await test.RunAsync();
        }
    }
}
