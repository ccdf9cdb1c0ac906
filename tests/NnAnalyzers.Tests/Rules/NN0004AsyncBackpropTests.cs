using System.Threading.Tasks;
using Xunit;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0004UnusedBackpropResultsAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0004UnusedBackpropResultsFixer>;

namespace NnAnalyzers.Tests.Rules
{
    /// <summary>
    /// NN0004 on an async backprop: the gradients come back through Task&lt;T&gt; or ValueTask&lt;T&gt;. One network with
    /// every case side by side (the reported calls are marked; the others must stay silent).
    /// </summary>
    public class NN0004AsyncBackpropTests
    {
        [Fact]
        public async Task Awaited_gradients_thrown_away_are_reported_and_applied_ones_are_not()
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

    public async ValueTask<double[]> ComputeGradientsAsync(double[] input, double target)
    {
        var grads = await BackpropAsync(input, target);
        return grads;
    }

    public void Update(double[] gradients, double learningRate)
    {
        for (var i = 0; i < _weights.Length; i++)
        {
            _weights[i] -= learningRate * gradients[i];
        }
    }

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
                // Thrown away by the await statement, and awaited into a local nobody reads.
                await [|BackpropAsync(inputs[k], targets[k])|];
                var unused = await [|ComputeGradientsAsync(inputs[k], targets[k])|];

                // Applied, or applied inside the call.
                var gradients = await BackpropAsync(inputs[k], targets[k]);
                Update(gradients, 0.01);
                await TrainStepAsync(inputs[k], targets[k]);
                await BackpropAndUpdateAsync(inputs[k], targets[k]);
            }
        }
    }
}");
        }
    }
}
