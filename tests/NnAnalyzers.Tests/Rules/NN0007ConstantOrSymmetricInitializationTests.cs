using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0007ConstantOrSymmetricInitializationAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0007ConstantOrSymmetricInitializationFixer>;

namespace NnAnalyzers.Tests.Rules
{
    public class NN0007ConstantOrSymmetricInitializationTests
    {
        private const string Glorot = "NN0007.Glorot";
        private const string Hoist = "NN0007.HoistRandom";

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

        private static Task NoFixOffered(string source)
        {
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            return test.RunAsync(CancellationToken.None);
        }

        // ---------------------------------------------------------------- constant fills

        [Fact]
        public async Task Constant_in_a_2d_fill_loop_gets_a_glorot_draw_from_the_random_parameter()
        {
            const string source = @"
using System;

public class Layer
{
    private readonly double[,] _weights;
    private readonly double[] _bias;

    public Layer(int inputs, int outputs, Random rng)
    {
        _weights = new double[outputs, inputs];
        _bias = new double[outputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
                _weights[o, i] = [|0.5|];
    }

    public double Forward(double[] x, int o)
    {
        double sum = _bias[o];
        for (int i = 0; i < x.Length; i++) sum += _weights[o, i] * x[i];
        return 1.0 / (1.0 + Math.Exp(-sum));
    }
}";
            const string fixedSource = @"
using System;

public class Layer
{
    private readonly double[,] _weights;
    private readonly double[] _bias;

    public Layer(int inputs, int outputs, Random rng)
    {
        _weights = new double[outputs, inputs];
        _bias = new double[outputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
                _weights[o, i] = (rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + outputs));
    }

    public double Forward(double[] x, int o)
    {
        double sum = _bias[o];
        for (int i = 0; i < x.Length; i++) sum += _weights[o, i] * x[i];
        return 1.0 / (1.0 + Math.Exp(-sum));
    }
}";
            await Fix(source, fixedSource, Glorot);
        }

        [Fact]
        public async Task Zero_constant_in_a_jagged_fill_loop_in_csharp_7_3_uses_a_random_field()
        {
            const string source = @"
using System;

public class Network
{
    private static readonly Random Rng = new Random(1);
    public double[][] Weights;

    public void InitWeights(int inputs, int hidden)
    {
        Weights = new double[hidden][];
        for (int h = 0; h < hidden; h++)
        {
            Weights[h] = new double[inputs];
            for (int i = 0; i < inputs; i++)
            {
                Weights[h][i] = [|0|];
            }
        }
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}";
            const string fixedSource = @"
using System;

public class Network
{
    private static readonly Random Rng = new Random(1);
    public double[][] Weights;

    public void InitWeights(int inputs, int hidden)
    {
        Weights = new double[hidden][];
        for (int h = 0; h < hidden; h++)
        {
            Weights[h] = new double[inputs];
            for (int i = 0; i < inputs; i++)
            {
                Weights[h][i] = (Rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + hidden));
            }
        }
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}";
            await Fix(source, fixedSource, Glorot, LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task MathNet_dense_with_a_constant_becomes_a_glorot_generator()
        {
            const string source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class DenseLayer
{
    private readonly Matrix<double> _weights;
    private readonly Vector<double> _bias;

    public DenseLayer(int inputs, int outputs, Random random)
    {
        _weights = [|Matrix<double>.Build.Dense(outputs, inputs, 0.1)|];
        _bias = Vector<double>.Build.Dense(outputs);
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x + _bias).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}";
            const string fixedSource = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class DenseLayer
{
    private readonly Matrix<double> _weights;
    private readonly Vector<double> _bias;

    public DenseLayer(int inputs, int outputs, Random random)
    {
        _weights = Matrix<double>.Build.Dense(outputs, inputs, (_, __) => (random.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + outputs)));
        _bias = Vector<double>.Build.Dense(outputs);
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x + _bias).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}";
            await Fix(source, fixedSource, Glorot);
        }

        [Fact]
        public async Task MathNet_zero_weights_never_filled_are_reported_and_fixed_in_csharp_7_3()
        {
            const string source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class DenseLayer
{
    private readonly Matrix<double> _weights;
    private readonly Vector<double> _bias;

    public DenseLayer(int inputs, int outputs, Random random)
    {
        _weights = [|Matrix<double>.Build.Dense(outputs, inputs)|];
        _bias = Vector<double>.Build.Dense(outputs);
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x + _bias).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}";
            const string fixedSource = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class DenseLayer
{
    private readonly Matrix<double> _weights;
    private readonly Vector<double> _bias;

    public DenseLayer(int inputs, int outputs, Random random)
    {
        _weights = Matrix<double>.Build.Dense(outputs, inputs, (_, __) => (random.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + outputs)));
        _bias = Vector<double>.Build.Dense(outputs);
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x + _bias).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}";
            await Fix(source, fixedSource, Glorot, LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task Repeat_and_array_fill_of_1d_weights_are_reported_without_a_fix()
        {
            const string source = @"
using System;
using System.Linq;

public class Neuron
{
    private double[] weights;
    private double[] inputWeights;
    private double bias;

    public Neuron(int inputs)
    {
        weights = [|Enumerable.Repeat(0.1, inputs).ToArray()|];
        inputWeights = new double[inputs];
        [|Array.Fill(inputWeights, 0.25)|];
        bias = 0;
    }

    public double Activate(double[] x)
    {
        var sum = bias;
        for (var i = 0; i < x.Length; i++) sum += (weights[i] + inputWeights[i]) * x[i];
        return Math.Tanh(sum);
    }
}";
            await NoFixOffered(source);
        }

        [Fact]
        public async Task Same_non_literal_value_in_a_fill_loop_gets_a_glorot_draw()
        {
            const string source = @"
using System;

public class HiddenLayer
{
    private readonly double[,] _weights;

    public HiddenLayer(int inputs, int units, Random rng)
    {
        _weights = new double[units, inputs];
        for (int u = 0; u < units; u++)
            for (int i = 0; i < inputs; i++)
                _weights[u, i] = [|1.0 / inputs|];
    }

    public double Forward(int u, double[] x)
    {
        double z = 0;
        for (int i = 0; i < x.Length; i++) z += _weights[u, i] * x[i];
        return Math.Tanh(z);
    }
}";
            const string fixedSource = @"
using System;

public class HiddenLayer
{
    private readonly double[,] _weights;

    public HiddenLayer(int inputs, int units, Random rng)
    {
        _weights = new double[units, inputs];
        for (int u = 0; u < units; u++)
            for (int i = 0; i < inputs; i++)
                _weights[u, i] = (rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + units));
    }

    public double Forward(int u, double[] x)
    {
        double z = 0;
        for (int i = 0; i < x.Length; i++) z += _weights[u, i] * x[i];
        return Math.Tanh(z);
    }
}";
            await Fix(source, fixedSource, Glorot);
        }

        [Fact]
        public async Task Same_non_literal_value_from_a_generator_a_math_call_or_a_repeat_is_reported()
        {
            const string source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public class DenseLayer
{
    private readonly Matrix<double> _weights;
    private readonly Matrix<double> _recurrentWeights;
    private readonly float[,] _inputWeights;
    private readonly double[] _outputWeights;

    public DenseLayer(int inputs, int outputs)
    {
        var scale = 1.0 / inputs;
        _weights = [|Matrix<double>.Build.Dense(outputs, inputs, (i, j) => 1.0 / inputs)|];
        _recurrentWeights = [|Matrix<double>.Build.Dense(outputs, outputs, scale * 0.5)|];
        _inputWeights = new float[outputs, inputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
                _inputWeights[o, i] = [|MathF.Sqrt(2f / inputs)|];
        _outputWeights = [|Enumerable.Repeat(Math.Sqrt(scale), outputs).ToArray()|];
    }

    public Vector<double> Forward(Vector<double> x)
        => (_weights * x + _recurrentWeights * x).Map(z => 1.0 / (1.0 + Math.Exp(-z))) * _inputWeights[0, 0] * _outputWeights[0];
}";
            await NoFixOffered(source);
        }

        [Fact]
        public async Task Values_varying_over_the_fill_biases_and_non_nn_uniform_values_are_not_reported()
        {
            await NoDiagnostic(@"
using System;
using MathNet.Numerics.LinearAlgebra;

public class HiddenLayer
{
    private readonly double[,] _weights;
    private readonly double[,] _inputWeights;
    private readonly double[,] _outputWeights;
    private readonly double[,] _gateWeights;
    private readonly Matrix<double> _recurrentWeights;
    private readonly double[] _biases;
    private readonly Random _rng = new Random(1);

    private double Draw => _rng.NextDouble() - 0.5;

    public HiddenLayer(int inputs, int units)
    {
        var scale = Math.Sqrt(2.0 / inputs);
        _weights = new double[units, inputs];
        _inputWeights = new double[units, inputs];
        _outputWeights = new double[units, inputs];
        _gateWeights = new double[units, inputs];
        _biases = new double[units];
        for (int u = 0; u < units; u++)
        {
            _biases[u] = 1.0 / units;
            for (int i = 0; i < inputs; i++)
            {
                _weights[u, i] = (u + i) * 0.01;
                _inputWeights[u, i] = Math.Sin(i) * scale;
                _outputWeights[u, i] = scale * (_rng.NextDouble() * 2 - 1);
                _gateWeights[u, i] = Draw * 0.1;
            }
        }

        _recurrentWeights = Matrix<double>.Build.Dense(units, units, (i, j) => Math.Cos(i + j) / units);
    }

    public double Forward(int u, double[] x)
    {
        double z = _biases[u];
        for (int i = 0; i < x.Length; i++) z += (_weights[u, i] + _inputWeights[u, i] + _outputWeights[u, i] + _gateWeights[u, i]) * x[i];
        return Math.Tanh(z + _recurrentWeights[0, 0]);
    }

    public double[,] Blur(double[,] image, int size)
    {
        var kernel = new double[size, size];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                kernel[i, j] = 1.0 / (size * size);
        var prior = new double[size];
        for (int i = 0; i < size; i++)
            prior[i] = 1.0 / size;
        image[0, 0] *= kernel[0, 0] * prior[0];
        return image;
    }
}

public class OutputLayer
{
    private readonly double[,] _weights;

    public OutputLayer(int inputs, int units) => _weights = new double[units, inputs];

    public void Fill(double value)
    {
        for (int u = 0; u < _weights.GetLength(0); u++)
            for (int i = 0; i < _weights.GetLength(1); i++)
                _weights[u, i] = value;
    }

    public double Forward(double[] x) => 1.0 / (1.0 + Math.Exp(-_weights[0, 0] * x[0]));
}

public class Portfolio
{
    private readonly double[] _weights;

    public Portfolio(int assets)
    {
        _weights = new double[assets];
        for (int i = 0; i < assets; i++)
            _weights[i] = 1.0 / assets;
    }

    public double Value(double[] prices) => _weights[0] * prices[0];
}");
        }

        [Fact]
        public async Task Constant_weights_updated_in_place_through_the_result_overload_are_reported()
        {
            await NoFixOffered(@"
using System;
using MathNet.Numerics.LinearAlgebra;

internal class HiddenLayer
{
    private readonly Matrix<double> _weights;

    internal HiddenLayer(int inputs, int units) { _weights = [|Matrix<double>.Build.Dense(units, inputs, 0.01)|]; }

    internal Vector<double> Forward(Vector<double> x) => (_weights * x).Map(Math.Tanh);

    internal void Update(Matrix<double> dW, double lr) => _weights.Subtract(dW * lr, _weights);
}");
        }

        [Fact]
        public async Task Weights_written_as_the_result_of_another_matrix_and_in_place_moments_are_not_reported()
        {
            await NoDiagnostic(@"
using System;
using MathNet.Numerics.LinearAlgebra;

internal class HiddenLayer
{
    private readonly Matrix<double> _weights;
    private readonly Matrix<double> _mWeights;

    internal HiddenLayer(int inputs, int units, Matrix<double> initial)
    {
        _weights = Matrix<double>.Build.Dense(units, inputs);
        _mWeights = Matrix<double>.Build.Dense(units, inputs);
        initial.Multiply(0.1, _weights);
    }

    internal Vector<double> Forward(Vector<double> x) => (_weights * x).Map(Math.Tanh);

    internal void Update(Matrix<double> dW, double lr)
    {
        _mWeights.Multiply(0.9, _mWeights);
        _mWeights.Add(dW, _mWeights);
        _weights.Subtract(_mWeights * lr, _weights);
    }
}");
        }

        [Fact]
        public async Task Jagged_rows_of_one_repeated_constant_and_a_span_fill_are_reported_without_a_fix()
        {
            await NoFixOffered(@"
using System;
using System.Linq;

public class DenseLayer
{
    public double[][] Weights { get; }
    private readonly double[][] _inputWeights;

    public DenseLayer(int inputs, int outputs)
    {
        Weights = [|Enumerable.Range(0, outputs).Select(_ => Enumerable.Repeat(0.5, inputs).ToArray()).ToArray()|];
        _inputWeights = [|Enumerable.Range(0, outputs).Select(_ => new double[inputs]).ToArray()|];
    }

    public double[] Forward(double[] x) => Weights.Select((w, o) => Math.Tanh(w.Zip(x, (a, b) => a * b).Sum() + _inputWeights[o][0])).ToArray();
}

public class Neuron
{
    public double[] Weights;
    public double Bias;

    public Neuron(int inputs) { Weights = new double[inputs]; [|Weights.AsSpan().Fill(0.1)|]; }

    public double Fire(double[] x) => 1 / (1 + Math.Exp(-(Weights.Zip(x, (w, v) => w * v).Sum() + Bias)));
}");
        }

        // Session 14's probe: flattened float weights filled through a span, trained through a span of each row.
        private const string FlatSpanLayer = @"
using System;

public sealed class FlatDenseLayer
{
    private readonly float[] _weights;
    private readonly float[] _bias;
    private readonly int _inputs, _outputs;

    public FlatDenseLayer(int inputs, int outputs, Random rng)
    {
        _inputs = inputs;
        _outputs = outputs;
        _weights = new float[inputs * outputs];
        _bias = new float[outputs];
        INIT
    }

    public void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int o = 0; o < _outputs; o++)
        {
            var row = _weights.AsSpan(o * _inputs, _inputs);
            float z = _bias[o];
            for (int i = 0; i < _inputs; i++) z += row[i] * x[i];
            y[o] = MathF.Tanh(z);
        }
    }

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dY, float lr)
    {
        for (int o = 0; o < _outputs; o++)
        {
            float dz = dY[o] * (1f - y[o] * y[o]);
            var row = _weights.AsSpan(o * _inputs, _inputs);
            for (int i = 0; i < _inputs; i++) row[i] -= lr * dz * x[i];
            _bias[o] -= lr * dz;
        }
    }
}";

        [Fact]
        public Task A_constant_span_fill_trained_through_a_span_of_each_row_is_reported()
            => NoFixOffered(FlatSpanLayer.Replace("INIT", "[|_weights.AsSpan().Fill(0.25f / inputs)|];"));

        [Fact]
        public Task A_span_fill_with_draws_through_a_span_alias_is_not_reported()
            => NoDiagnostic(FlatSpanLayer.Replace("INIT", "var all = _weights.AsSpan(); for (int k = 0; k < all.Length; k++) all[k] = (float)(rng.NextDouble() - 0.5);"));

        [Fact]
        public async Task Rows_varying_with_their_index_span_writes_and_non_nn_span_fills_are_not_reported()
        {
            await NoDiagnostic(@"
using System;
using System.Linq;

public class DenseLayer
{
    public double[][] Weights { get; }
    public double[][] InputWeights { get; }

    public DenseLayer(int inputs, int outputs, Random rng)
    {
        Weights = Enumerable.Range(0, outputs).Select(o => Enumerable.Repeat(1.0 / (o + 1), inputs).ToArray()).ToArray();
        InputWeights = Enumerable.Range(0, outputs).Select(_ => Enumerable.Range(0, inputs).Select(__ => rng.NextDouble() - 0.5).ToArray()).ToArray();
    }

    public double[] Forward(double[] x) => Weights.Select((w, o) => Math.Tanh(w.Zip(x, (a, b) => a * b).Sum() + InputWeights[o][0])).ToArray();
}

public class Neuron
{
    private readonly double[] _weights;
    private readonly double[] _biases;

    public Neuron(int inputs, Random rng)
    {
        _weights = new double[inputs];
        var span = _weights.AsSpan();
        for (var i = 0; i < span.Length; i++) span[i] = rng.NextDouble() - 0.5;
        _biases = new double[1];
        _biases.AsSpan().Fill(0.1);
    }

    public double Fire(double[] x) => 1 / (1 + Math.Exp(-(_weights.Zip(x, (w, v) => w * v).Sum() + _biases[0])));
}

public class Portfolio
{
    private readonly double[] _weights;

    public Portfolio(int assets)
    {
        _weights = new double[assets];
        _weights.AsSpan().Fill(1.0 / assets);
    }

    public double Value(double[] prices) => _weights[0] * prices[0];
}");
        }

        [Fact]
        public async Task Local_zero_weight_matrix_used_in_a_product_is_reported()
        {
            const string source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Hidden
{
    public static Vector<double> Layer(Vector<double> x, int outputs, Random random)
    {
        var weights = [|Matrix<double>.Build.Dense(outputs, x.Count)|];
        return (weights * x).Map(z => Math.Tanh(z));
    }
}";
            const string fixedSource = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Hidden
{
    public static Vector<double> Layer(Vector<double> x, int outputs, Random random)
    {
        var weights = Matrix<double>.Build.Dense(outputs, x.Count, (_, __) => (random.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (x.Count + outputs)));
        return (weights * x).Map(z => Math.Tanh(z));
    }
}";
            await Fix(source, fixedSource, Glorot);
        }

        [Fact]
        public async Task Constant_fill_without_a_random_in_scope_is_reported_without_a_fix()
        {
            const string source = @"
using System;

public class Perceptron
{
    private readonly double[,] _weights;

    public Perceptron(int inputs, int outputs)
    {
        _weights = new double[outputs, inputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
                _weights[o, i] = [|1.0|];
    }

    public double Output(double[] x, int o)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += _weights[o, i] * x[i];
        return s;
    }
}";
            await NoFixOffered(source);
        }

        [Fact]
        public async Task Fix_all_gives_every_layer_of_a_document_a_glorot_draw()
        {
            const string source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class TwoLayerNetwork
{
    private readonly Matrix<double> _w1;
    private readonly Matrix<float> _w2;
    private readonly Random _random = new Random(7);

    public TwoLayerNetwork(int inputs, int hidden, int outputs)
    {
        _w1 = Matrix<double>.Build.Dense(hidden, inputs);
        for (var r = 0; r < hidden; r++)
            for (var c = 0; c < inputs; c++)
                _w1[r, c] = [|0.01|];
        _w2 = [|Matrix<float>.Build.Dense(outputs, hidden, 0.5f)|];
    }

    public Vector<double> Forward(Vector<double> x) => (_w1 * x).Map(z => 1.0 / (1.0 + Math.Exp(-z))) * _w2[0, 0];
}";
            const string fixedSource = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class TwoLayerNetwork
{
    private readonly Matrix<double> _w1;
    private readonly Matrix<float> _w2;
    private readonly Random _random = new Random(7);

    public TwoLayerNetwork(int inputs, int hidden, int outputs)
    {
        _w1 = Matrix<double>.Build.Dense(hidden, inputs);
        for (var r = 0; r < hidden; r++)
            for (var c = 0; c < inputs; c++)
                _w1[r, c] = (_random.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + hidden));
        _w2 = Matrix<float>.Build.Dense(outputs, hidden, (_, __) => (float)((_random.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (hidden + outputs))));
    }

    public Vector<double> Forward(Vector<double> x) => (_w1 * x).Map(z => 1.0 / (1.0 + Math.Exp(-z))) * _w2[0, 0];
}";
            await Fix(source, fixedSource, Glorot);
        }

        [Fact]
        public async Task Class_weights_of_a_loss_are_not_reported_but_constants_written_into_another_types_weights_are()
        {
            // Review: the constant written by Network into Layer.Weights was silent only because writes from another
            // type were not seen; nothing in the compilation fills Layer.Weights with varying values, so it is reported.
            await NoFixOffered(@"
using System;

public class Layer
{
    public double[,] Weights;
}

public class Network
{
    public double Loss(double[] predictions, int[] labels, int classCount)
    {
        var classWeights = new double[classCount];
        for (var k = 0; k < classCount; k++) classWeights[k] = 1.0;
        var loss = 0.0;
        for (var i = 0; i < labels.Length; i++) loss -= classWeights[labels[i]] * Math.Log(predictions[i]);
        return loss;
    }

    public void Init(Layer layer, int n)
    {
        layer.Weights = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                layer.Weights[i, j] = [|0.5|];
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}");
        }

        // ---------------------------------------------------------------- new Random() in a loop

        [Fact]
        public async Task Random_declared_in_a_neuron_loop_is_hoisted()
        {
            const string source = @"
using System;

public class Network
{
    public double[][] Weights;

    public Network(int inputs, int neurons)
    {
        Weights = new double[neurons][];
        for (int n = 0; n < neurons; n++)
        {
            var rng = [|new Random(42)|];
            Weights[n] = new double[inputs];
            for (int i = 0; i < inputs; i++)
                Weights[n][i] = rng.NextDouble() - 0.5;
        }
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}";
            const string fixedSource = @"
using System;

public class Network
{
    public double[][] Weights;

    public Network(int inputs, int neurons)
    {
        Weights = new double[neurons][];
        var rng = new Random(42);
        for (int n = 0; n < neurons; n++)
        {
            Weights[n] = new double[inputs];
            for (int i = 0; i < inputs; i++)
                Weights[n][i] = rng.NextDouble() - 0.5;
        }
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}";
            await Fix(source, fixedSource, Hoist, LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task Random_passed_to_each_neuron_gets_one_shared_local_and_fix_all_handles_two_loops()
        {
            const string source = @"
using System;
using System.Collections.Generic;

public class Neuron
{
    public double Weight;
    public Neuron(Random random) { Weight = random.NextDouble() * 2 - 1; }
}

public class Layer
{
    public List<Neuron> Neurons = new List<Neuron>();
    public List<Neuron> Hidden = new List<Neuron>();

    public Layer(int count)
    {
        for (int i = 0; i < count; i++)
            Neurons.Add(new Neuron([|new Random()|]));
        for (int i = 0; i < count; i++)
            Hidden.Add(new Neuron([|new Random()|]));
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}";
            const string fixedSource = @"
using System;
using System.Collections.Generic;

public class Neuron
{
    public double Weight;
    public Neuron(Random random) { Weight = random.NextDouble() * 2 - 1; }
}

public class Layer
{
    public List<Neuron> Neurons = new List<Neuron>();
    public List<Neuron> Hidden = new List<Neuron>();

    public Layer(int count)
    {
        var random = new Random();
        for (int i = 0; i < count; i++)
            Neurons.Add(new Neuron(random));
        var rng = new Random();
        for (int i = 0; i < count; i++)
            Hidden.Add(new Neuron(rng));
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}";
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = Hoist };
            test.NumberOfIncrementalIterations = 2;
            test.NumberOfFixAllIterations = 1;
            await test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public async Task Random_in_a_matrix_generator_lambda_is_hoisted_before_the_statement()
        {
            const string source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class NeuralNet
{
    public Matrix<double> W1;

    public NeuralNet(int inputs, int hidden, int seed)
    {
        W1 = Matrix<double>.Build.Dense(hidden, inputs, (r, c) => [|new Random(seed)|].NextDouble() - 0.5);
    }
}";
            const string fixedSource = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class NeuralNet
{
    public Matrix<double> W1;

    public NeuralNet(int inputs, int hidden, int seed)
    {
        var random = new Random(seed);
        W1 = Matrix<double>.Build.Dense(hidden, inputs, (r, c) => random.NextDouble() - 0.5);
    }
}";
            await Fix(source, fixedSource, Hoist);
        }

        [Fact]
        public async Task Random_created_by_each_neuron_is_reported_without_a_fix()
        {
            const string source = @"
using System;

public class Neuron
{
    private readonly Random _random = [|new Random()|];
    public double[] Weights;

    public Neuron(int inputs)
    {
        var rng = [|new Random(1)|];
        Weights = new double[inputs];
        for (var i = 0; i < inputs; i++) Weights[i] = rng.NextDouble() - _random.NextDouble();
    }

    public double Activate(double[] x)
    {
        var s = 0.0;
        for (var i = 0; i < x.Length; i++) s += Weights[i] * x[i];
        return 1.0 / (1.0 + Math.Exp(-s));
    }
}

public class Network
{
    private readonly Random _random = new Random(3);
    public Neuron[] Neurons = new Neuron[0];
    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z)) * _random.NextDouble();
}";
            await NoFixOffered(source);
        }

        // ---------------------------------------------------------------- negatives

        [Fact]
        public async Task Zero_biases_are_fine()
        {
            await NoDiagnostic(@"
using System;
using MathNet.Numerics.LinearAlgebra;

public class DenseLayer
{
    private readonly Matrix<double> _weights;
    private readonly Vector<double> _bias;
    private readonly double[] _biases2;

    public DenseLayer(int inputs, int outputs, Random random)
    {
        _weights = Matrix<double>.Build.Random(outputs, inputs, new MathNet.Numerics.Distributions.ContinuousUniform(-0.1, 0.1, random));
        _bias = Vector<double>.Build.Dense(outputs);
        _biases2 = new double[outputs];
        for (int o = 0; o < outputs; o++) _biases2[o] = 0.0;
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x + _bias).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}", LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task Weights_allocated_then_filled_with_random_values_are_not_reported()
        {
            await NoDiagnostic(@"
using System;
using MathNet.Numerics.LinearAlgebra;

public class Network
{
    private readonly Matrix<double> _weights;
    private readonly double[,] _w2;

    public Network(int inputs, int outputs, Random rng)
    {
        _weights = Matrix<double>.Build.Dense(outputs, inputs);
        for (var r = 0; r < outputs; r++)
            for (var c = 0; c < inputs; c++)
                _weights[r, c] = (rng.NextDouble() * 2 - 1) * 0.1;
        _w2 = new double[outputs, outputs];
        Randomize(_w2, rng);
    }

    private static void Randomize(double[,] m, Random rng)
    {
        for (var r = 0; r < m.GetLength(0); r++)
            for (var c = 0; c < m.GetLength(1); c++)
                m[r, c] = rng.NextDouble() - 0.5;
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x).Map(z => Math.Tanh(z + _w2[0, 0]));
}");
        }

        [Fact]
        public async Task Weights_loaded_from_a_file_or_copied_are_not_reported()
        {
            await NoDiagnostic(@"
using System;
using System.IO;
using MathNet.Numerics.LinearAlgebra;

public class Network
{
    private Matrix<double> _weights = Matrix<double>.Build.Dense(3, 4);
    private double[] _weights2 = new double[4];
    private double[] _weights3 = new double[4];

    public void Load(string path)
    {
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < 4; i++) _weights2[i] = double.Parse(lines[i]);
        _weights = Matrix<double>.Build.DenseOfArray(new double[3, 4]);
    }

    public void CopyFrom(Network other)
    {
        Array.Copy(other._weights3, _weights3, 4);
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x).Map(z => 1.0 / (1.0 + Math.Exp(-z))) * _weights2[0] * _weights3[0];
}");
        }

        [Fact]
        public async Task Zero_weights_trained_in_the_same_method_after_allocation_and_public_ones_are_not_reported()
        {
            await NoDiagnostic(@"
using System;

public class Network
{
    public double[] Weights = new double[3];

    public double[] Fit(double[][] x, double[] y, Random rng)
    {
        var weights = new double[3];
        for (var i = 0; i < 3; i++) weights[i] += rng.NextDouble();
        for (var epoch = 0; epoch < 10; epoch++)
            for (var i = 0; i < 3; i++) weights[i] -= 0.1 * x[0][i] * y[0];
        return weights;
    }

    public double Predict(double[] x) => 1.0 / (1.0 + Math.Exp(-(Weights[0] * x[0])));
}");
        }

        [Fact]
        public async Task Non_nn_code_and_identity_diagonals_are_not_reported()
        {
            await NoDiagnostic(@"
using System;

public class Portfolio
{
    private readonly double[,] _weights;

    public Portfolio(int assets)
    {
        _weights = new double[assets, assets];
        for (int i = 0; i < assets; i++)
            for (int j = 0; j < assets; j++)
                _weights[i, j] = 1.0 / 3;
    }

    public double Value(double[] prices) => _weights[0, 0] * prices[0];
}

public class Recurrent
{
    private readonly double[,] _weights;

    public Recurrent(int units)
    {
        _weights = new double[units, units];
        for (int i = 0; i < units; i++)
            for (int j = 0; j < units; j++)
                if (i == j) _weights[i, j] = 1.0;
    }

    public double Forward(double h) => Math.Tanh(_weights[0, 0] * h);
}");
        }

        [Fact]
        public async Task Random_outside_loops_seeded_per_iteration_or_in_non_nn_code_is_not_reported()
        {
            await NoDiagnostic(@"
using System;

public class Trainer
{
    public double[] Weights = new double[3];

    public void Init(int runs, int seed)
    {
        var shared = new Random(seed);
        for (int run = 0; run < runs; run++)
        {
            var perRun = new Random(seed + run);
            Weights[run % 3] = shared.NextDouble() - perRun.NextDouble();
        }
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}

public class Dice
{
    public int[] Roll(int n)
    {
        var result = new int[n];
        for (int i = 0; i < n; i++) result[i] = new Random().Next(6);
        return result;
    }
}");
        }

        [Fact]
        public async Task Library_initializers_pattern_is_not_reported_in_preview()
        {
            await NoDiagnostic(@"
using System;
using MathNet.Numerics.LinearAlgebra;

public static class Initializers
{
    public static Matrix<double> GlorotUniform(int fanOut, int fanIn, Random random)
    {
        var weights = Matrix<double>.Build.Dense(fanOut, fanIn);
        var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (var r = 0; r < fanOut; r++)
            for (var c = 0; c < fanIn; c++)
                weights[r, c] = (random.NextDouble() * 2.0 - 1.0) * limit;
        return weights;
    }

    public static Matrix<double> Empty(int fanOut, int fanIn)
    {
        var weights = Matrix<double>.Build.Dense(fanOut, fanIn);
        return weights;
    }
}", LanguageVersion.Preview);
        }

        // ---------------------------------------------------------------- probe false positives

        [Fact]
        public async Task Fixed_pooling_coefficients_listed_and_never_updated_are_not_reported()
        {
            await NoDiagnostic(@"
class AvgPool2
{
    readonly double[] _poolWeights = { 0.25, 0.25, 0.25, 0.25 };

    public double[,] Forward(double[,] x)
    {
        var y = new double[x.GetLength(0) / 2, x.GetLength(1) / 2];
        for (int i = 0; i < y.GetLength(0); i++)
            for (int j = 0; j < y.GetLength(1); j++)
                y[i, j] = _poolWeights[0] * x[2 * i, 2 * j] + _poolWeights[1] * x[2 * i, 2 * j + 1]
                        + _poolWeights[2] * x[2 * i + 1, 2 * j] + _poolWeights[3] * x[2 * i + 1, 2 * j + 1];
        return y;
    }
}");
        }

        [Fact]
        public async Task Listed_constant_weights_that_are_trained_are_reported()
        {
            await NoFixOffered(@"
class LearnedPool2
{
    readonly double[] _poolWeights = [|{ 0.25, 0.25, 0.25, 0.25 }|];

    public double Forward(double[] x) => _poolWeights[0] * x[0] + _poolWeights[1] * x[1] + _poolWeights[2] * x[2] + _poolWeights[3] * x[3];

    public void Step(double[] grad, double lr) { for (int k = 0; k < 4; k++) _poolWeights[k] -= lr * grad[k]; }
}");
        }

        [Fact]
        public async Task One_seeded_random_per_network_per_trial_or_fold_is_not_reported()
        {
            await NoDiagnostic(@"
using System;

class Net
{
    readonly double[] _weights;
    public Net(int n, Random rng) { _weights = new double[n]; for (int i = 0; i < n; i++) _weights[i] = rng.NextDouble() - 0.5; }
    public double TrainEpoch(double[][] xs, double[] ys, double lr)
    {
        double loss = 0;
        for (int s = 0; s < xs.Length; s++)
        {
            double z = 0; for (int i = 0; i < _weights.Length; i++) z += _weights[i] * xs[s][i];
            double err = z - ys[s]; loss += err * err;
            for (int i = 0; i < _weights.Length; i++) _weights[i] -= lr * err * xs[s][i];
        }
        return loss / xs.Length;
    }
}

static class Search
{
    public static double Best(double[][] xs, double[] ys, double[] learningRates, int epochs)
    {
        double best = double.PositiveInfinity;
        foreach (var lr in learningRates)
        {
            var rng = new Random(1234);
            var net = new Net(xs[0].Length, rng);
            double loss = 0;
            for (int e = 0; e < epochs; e++) loss = net.TrainEpoch(xs, ys, lr);
            best = Math.Min(best, loss);
        }
        return best;
    }

    public static double CrossValidate(double[][] xs, double[] ys, int folds, int seed)
    {
        double total = 0;
        for (int f = 0; f < folds; f++)
        {
            var net = new Net(xs[0].Length, new Random(seed));
            total += net.TrainEpoch(xs, ys, 0.01);
        }
        return total / folds;
    }
}");
        }

        [Fact]
        public async Task A_seeded_random_per_layer_kept_by_the_network_is_reported()
        {
            const string source = @"
using System;

class Layer
{
    public readonly double[] Weights;
    public Layer(int n, Random rng) { Weights = new double[n]; for (int i = 0; i < n; i++) Weights[i] = rng.NextDouble() - 0.5; }
    public double Forward(double[] x) { double z = 0; for (int i = 0; i < x.Length; i++) z += Weights[i] * x[i]; return Math.Tanh(z); }
}

class Network
{
    readonly Layer[] _layers;
    public Network(int[] sizes)
    {
        _layers = new Layer[sizes.Length];
        for (int l = 0; l < sizes.Length; l++)
        {
            var rng = [|new Random(1234)|];
            _layers[l] = new Layer(sizes[l], rng);
        }
    }
}";
            var fixedSource = source.Replace("        for (int l = 0;", "        var rng = new Random(1234);\n        for (int l = 0;").Replace("            var rng = [|new Random(1234)|];\n", string.Empty);
            await Fix(source, fixedSource, Hoist);
        }

        [Fact]
        public async Task A_normalisation_gain_of_ones_used_only_elementwise_is_not_reported()
        {
            await NoDiagnostic(@"
using System.Linq;

class LayerNorm
{
    public double[] Weight { get; }
    public double[] Bias { get; }

    public LayerNorm(int features)
    {
        Weight = Enumerable.Repeat(1.0, features).ToArray();
        Bias = new double[features];
    }

    public double[] Forward(double[] xHat) => xHat.Select((v, i) => Weight[i] * v + Bias[i]).ToArray();

    public void Step(double[] gradWeight, double lr) { for (int i = 0; i < Weight.Length; i++) Weight[i] -= lr * gradWeight[i]; }
}");
        }

        [Fact]
        public async Task Constant_weights_summed_over_the_inputs_or_never_read_here_are_reported()
        {
            await NoFixOffered(@"
using System.Linq;

class Unit
{
    public double[] Weight { get; }

    public Unit(int features)
    {
        Weight = [|Enumerable.Repeat(1.0, features).ToArray()|];
    }

    public double Forward(double[] x) => System.Math.Tanh(x.Select((v, i) => Weight[i] * v).Sum());

    public void Step(double[] gradWeight, double lr) { for (int i = 0; i < Weight.Length; i++) Weight[i] -= lr * gradWeight[i]; }
}

public class PublicWeights
{
    public double[] Weight { get; }

    public PublicWeights(int features)
    {
        Weight = [|Enumerable.Repeat(1.0, features).ToArray()|];
    }

    public void Step(double[] gradWeight, double lr) { for (int i = 0; i < Weight.Length; i++) Weight[i] -= lr * gradWeight[i]; }
}");
        }

        [Fact]
        public async Task A_public_layer_norm_gain_of_ones_used_only_elementwise_is_not_reported()
        {
            // PyTorch's LayerNorm in a library: public members, judged by the type's own forward pass.
            await NoFixOffered(@"
using System;
using System.Linq;

public class LayerNorm
{
    public double[] Weight { get; }
    public double[] Bias { get; }

    public LayerNorm(int features)
    {
        Weight = Enumerable.Repeat(1.0, features).ToArray();
        Bias = new double[features];
    }

    public double[] Forward(double[] x)
    {
        double mean = x.Average();
        double var = x.Select(v => (v - mean) * (v - mean)).Average();
        var invStd = 1.0 / Math.Sqrt(var + 1e-5);
        return x.Select((v, i) => Weight[i] * (v - mean) * invStd + Bias[i]).ToArray();
    }

    public void Step(double[] gradWeight, double lr) { for (int i = 0; i < Weight.Length; i++) Weight[i] -= lr * gradWeight[i]; }
}");
        }
    }
}
