using System.Threading.Tasks;
using Xunit;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0004UnusedBackpropResultsAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0004UnusedBackpropResultsFixer>;

namespace NnAnalyzers.Tests.Rules
{
    /// <summary>NN0004 on an async backprop: the gradients come back through Task&lt;T&gt; or ValueTask&lt;T&gt;.</summary>
    public class NN0004AsyncBackpropTests
    {
        [Fact]
        public async Task An_awaited_backprop_whose_gradients_are_thrown_away_is_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System.Threading.Tasks;

public sealed class Network
{
    private readonly double[] _weights = new double[4];

    public async Task<double[]> BackpropAsync(double[] input, double target)
    {
        await Task.Yield();
        var gradients = new double[_weights.Length];
        for (var i = 0; i < gradients.Length; i++)
        {
            gradients[i] = input[i] * target;
        }

        return gradients;
    }

    public void Update(double[] gradients, double learningRate)
    {
        for (var i = 0; i < _weights.Length; i++)
        {
            _weights[i] -= learningRate * gradients[i];
        }
    }

    public async Task TrainAsync(double[][] inputs, double[] targets)
    {
        for (var epoch = 0; epoch < 10; epoch++)
        {
            for (var k = 0; k < inputs.Length; k++)
            {
                await [|BackpropAsync(inputs[k], targets[k])|];
            }
        }
    }
}");
        }

        [Fact]
        public async Task An_awaited_backprop_stored_in_a_local_that_is_never_read_is_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System.Threading.Tasks;

public sealed class Network
{
    private readonly double[] _weights = new double[4];

    public async ValueTask<double[]> ComputeGradientsAsync(double[] input, double target)
    {
        await Task.Yield();
        var grads = new double[_weights.Length];
        for (var i = 0; i < grads.Length; i++)
        {
            grads[i] = input[i] * target;
        }

        return grads;
    }

    public async Task TrainAsync(double[][] inputs, double[] targets)
    {
        for (var epoch = 0; epoch < 10; epoch++)
        {
            for (var k = 0; k < inputs.Length; k++)
            {
                var gradients = await [|ComputeGradientsAsync(inputs[k], targets[k])|];
            }
        }
    }
}");
        }

        [Fact]
        public async Task Awaited_gradients_that_are_applied_are_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System.Threading.Tasks;

public sealed class Network
{
    private readonly double[] _weights = new double[4];

    public async Task<double[]> BackpropAsync(double[] input, double target)
    {
        await Task.Yield();
        var gradients = new double[_weights.Length];
        for (var i = 0; i < gradients.Length; i++)
        {
            gradients[i] = input[i] * target;
        }

        return gradients;
    }

    public void Update(double[] gradients, double learningRate)
    {
        for (var i = 0; i < _weights.Length; i++)
        {
            _weights[i] -= learningRate * gradients[i];
        }
    }

    public async Task TrainAsync(double[][] inputs, double[] targets)
    {
        for (var epoch = 0; epoch < 10; epoch++)
        {
            for (var k = 0; k < inputs.Length; k++)
            {
                var gradients = await BackpropAsync(inputs[k], targets[k]);
                Update(gradients, 0.01);
            }
        }
    }
}");
        }

        [Fact]
        public async Task An_async_step_that_applies_its_gradients_itself_or_returns_no_value_is_not_reported()
        {
            await Verify.VerifyAnalyzerAsync(@"
using System.Threading.Tasks;

public sealed class Network
{
    private readonly double[] _weights = new double[4];

    // Applies what it computes: the returned loss is only information.
    public async Task<double> TrainStepAsync(double[] input, double target)
    {
        await Task.Yield();
        var loss = 0.0;
        for (var i = 0; i < _weights.Length; i++)
        {
            var gradient = input[i] * target;
            _weights[i] -= 0.01 * gradient;
            loss += gradient * gradient;
        }

        return loss;
    }

    // Returns a plain Task: nothing to throw away.
    public async Task BackpropAndUpdateAsync(double[] input, double target)
    {
        await TrainStepAsync(input, target);
    }

    public async Task TrainAsync(double[][] inputs, double[] targets)
    {
        for (var epoch = 0; epoch < 10; epoch++)
        {
            for (var k = 0; k < inputs.Length; k++)
            {
                await TrainStepAsync(inputs[k], targets[k]);
                await BackpropAndUpdateAsync(inputs[k], targets[k]);
            }
        }
    }
}");
        }
    }
}
