using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0007ConstantOrSymmetricInitializationAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0007ConstantOrSymmetricInitializationFixer>;

namespace NnAnalyzers.Tests.Rules
{
    /// <summary>
    /// NN0007 on whole small programs of the kinds users write: hand-written layers with arrays, MathNet layers,
    /// networks that fill their layers' weights from another class, optimizers with zero moment buffers, records,
    /// top-level programs. Positives come with their fixed code where a fix exists; near-misses must stay silent.
    /// </summary>
    public class NN0007RealWorldTests
    {
        private const string Glorot = "NN0007.Glorot";
        private const string Hoist = "NN0007.HoistRandom";

        private static Task Fix(string source, string fixedSource, string? key = null, LanguageVersion version = LanguageVersion.Latest, OutputKind? outputKind = null)
        {
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = fixedSource,
                CodeActionEquivalenceKey = key,
                LanguageVersion = version,
            };
            if (outputKind is { } kind)
            {
                test.TestState.OutputKind = kind;
                test.FixedState.OutputKind = kind;
            }

            return test.RunAsync(CancellationToken.None);
        }

        private static string ConstantMessage(string storage, string value)
            => "every weight of '" + storage + "' gets the same value (" + value + "): every unit of the layer computes the same output and gets the same gradient, so they stay equal; draw them from a Glorot uniform range with one shared Random";

        private static Task Silent(string source, LanguageVersion version = LanguageVersion.Latest, OutputKind? outputKind = null)
            => Fix(source, source, null, version, outputKind);

        // ================================================================ buggy programs

        [Fact]
        public async Task Two_layer_array_network_whose_hidden_weights_are_never_filled()
        {
            // A port of a numpy tutorial that forgot `np.random.randn` for W1: zeros, read in Forward, updated in Train.
            const string source = @"
using System;

public class TwoLayerNet
{
    private readonly double[,] _w1;
    private readonly double[,] _w2;
    private readonly double[] _b1;
    private readonly int _inputs, _hidden;

    public TwoLayerNet(int inputs, int hidden, Random rng)
    {
        _inputs = inputs;
        _hidden = hidden;
        _w1 = [|new double[hidden, inputs]|];
        _b1 = new double[hidden];
        _w2 = new double[1, hidden];
        for (var j = 0; j < hidden; j++) _w2[0, j] = rng.NextDouble() - 0.5;
    }

    public double Forward(double[] x, double[] h)
    {
        for (var j = 0; j < _hidden; j++)
        {
            var z = _b1[j];
            for (var i = 0; i < _inputs; i++) z += _w1[j, i] * x[i];
            h[j] = 1.0 / (1.0 + Math.Exp(-z));
        }

        var o = 0.0;
        for (var j = 0; j < _hidden; j++) o += _w2[0, j] * h[j];
        return o;
    }

    public void Train(double[] x, double y, double lr)
    {
        var h = new double[_hidden];
        var err = Forward(x, h) - y;
        for (var j = 0; j < _hidden; j++)
        {
            var dh = err * _w2[0, j] * h[j] * (1 - h[j]);
            _w2[0, j] -= lr * err * h[j];
            for (var i = 0; i < _inputs; i++) _w1[j, i] -= lr * dh * x[i];
        }
    }
}";
            const string fixedSource = @"
using System;

public class TwoLayerNet
{
    private readonly double[,] _w1;
    private readonly double[,] _w2;
    private readonly double[] _b1;
    private readonly int _inputs, _hidden;

    public TwoLayerNet(int inputs, int hidden, Random rng)
    {
        _inputs = inputs;
        _hidden = hidden;
        _w1 = new double[hidden, inputs];
        for (var row = 0; row < hidden; row++)
            for (var column = 0; column < inputs; column++)
                _w1[row, column] = (rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + hidden));
        _b1 = new double[hidden];
        _w2 = new double[1, hidden];
        for (var j = 0; j < hidden; j++) _w2[0, j] = rng.NextDouble() - 0.5;
    }

    public double Forward(double[] x, double[] h)
    {
        for (var j = 0; j < _hidden; j++)
        {
            var z = _b1[j];
            for (var i = 0; i < _inputs; i++) z += _w1[j, i] * x[i];
            h[j] = 1.0 / (1.0 + Math.Exp(-z));
        }

        var o = 0.0;
        for (var j = 0; j < _hidden; j++) o += _w2[0, j] * h[j];
        return o;
    }

    public void Train(double[] x, double y, double lr)
    {
        var h = new double[_hidden];
        var err = Forward(x, h) - y;
        for (var j = 0; j < _hidden; j++)
        {
            var dh = err * _w2[0, j] * h[j] * (1 - h[j]);
            _w2[0, j] -= lr * err * h[j];
            for (var i = 0; i < _inputs; i++) _w1[j, i] -= lr * dh * x[i];
        }
    }
}";
            await Fix(source, fixedSource, Glorot);
        }

        [Fact]
        public async Task Neuron_with_weights_from_enumerable_repeat()
        {
            const string source = @"
using System;
using System.Linq;

public class Neuron
{
    public double[] Weights { get; private set; }
    public double Bias { get; private set; }

    public Neuron(int inputCount)
    {
        Weights = [|Enumerable.Repeat(0.5, inputCount).ToArray()|];
        Bias = 0;
    }

    public double Activate(double[] inputs)
        => 1.0 / (1.0 + Math.Exp(-(inputs.Zip(Weights, (x, w) => x * w).Sum() + Bias)));
}

public class Layer
{
    public Neuron[] Neurons;
    public Layer(int count, int inputs) { Neurons = Enumerable.Range(0, count).Select(_ => new Neuron(inputs)).ToArray(); }
}";
            await Fix(source, source);
        }

        [Fact]
        public async Task Array_fill_with_a_small_constant()
        {
            const string source = @"
using System;

public class Perceptron
{
    private readonly double[] _weights;
    private readonly double[,] _hiddenWeights;

    public Perceptron(int inputs, int hidden)
    {
        _weights = new double[hidden];
        [|Array.Fill(_weights, 0.01)|];
        _hiddenWeights = new double[hidden, inputs];
        for (var h = 0; h < hidden; h++)
            for (var i = 0; i < inputs; i++)
                _hiddenWeights[h, i] = [|0.01|];
    }

    public double Predict(double[] x)
    {
        var output = 0.0;
        for (var h = 0; h < _weights.Length; h++)
        {
            var z = 0.0;
            for (var i = 0; i < x.Length; i++) z += _hiddenWeights[h, i] * x[i];
            output += _weights[h] * Math.Tanh(z);
        }

        return 1.0 / (1.0 + Math.Exp(-output));
    }
}";
            await Fix(source, source);
        }

        [Fact]
        public async Task MathNet_layer_zero_weights_allocated_in_the_constructor_and_again_in_reset()
        {
            const string source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class DenseLayer
{
    private static readonly Random Rng = new Random(1234);
    private Matrix<double> _weights;
    private Vector<double> _bias;

    public DenseLayer(int inputs, int outputs)
    {
        _weights = [|Matrix<double>.Build.Dense(outputs, inputs)|];
        _bias = Vector<double>.Build.Dense(outputs);
    }

    public void Reset()
    {
        _weights = [|Matrix<double>.Build.Dense(_weights.RowCount, _weights.ColumnCount)|];
        _bias = Vector<double>.Build.Dense(_bias.Count);
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x + _bias).Map(z => Math.Max(0, z));

    public void Update(Matrix<double> dW, Vector<double> dB, double learningRate)
    {
        _weights -= learningRate * dW;
        _bias -= learningRate * dB;
    }
}";
            const string fixedSource = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class DenseLayer
{
    private static readonly Random Rng = new Random(1234);
    private Matrix<double> _weights;
    private Vector<double> _bias;

    public DenseLayer(int inputs, int outputs)
    {
        _weights = Matrix<double>.Build.Dense(outputs, inputs, (_, __) => (Rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + outputs)));
        _bias = Vector<double>.Build.Dense(outputs);
    }

    public void Reset()
    {
        _weights = Matrix<double>.Build.Dense(_weights.RowCount, _weights.ColumnCount, (_, __) => (Rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (_weights.ColumnCount + _weights.RowCount)));
        _bias = Vector<double>.Build.Dense(_bias.Count);
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x + _bias).Map(z => Math.Max(0, z));

    public void Update(Matrix<double> dW, Vector<double> dB, double learningRate)
    {
        _weights -= learningRate * dW;
        _bias -= learningRate * dB;
    }
}";
            // One fix at a time: once the constructor draws random weights, the type fills _weights with varying
            // values, so the zeros of Reset are no longer reported (the rule judges the whole type). Fix All fixes both.
            var iterative = fixedSource.Replace(
                "Matrix<double>.Build.Dense(_weights.RowCount, _weights.ColumnCount, (_, __) => (Rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (_weights.ColumnCount + _weights.RowCount)))",
                "Matrix<double>.Build.Dense(_weights.RowCount, _weights.ColumnCount)");
            var test = new Verify.Test { TestCode = source, FixedCode = iterative, BatchFixedCode = fixedSource, CodeActionEquivalenceKey = Glorot };
            await test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public async Task Jagged_weights_set_to_a_constant_in_a_fill_loop_with_a_random_parameter()
        {
            const string source = @"
using System;

public class Mlp
{
    public double[][] HiddenWeights;

    public Mlp(int inputs, int hidden, Random random)
    {
        HiddenWeights = new double[hidden][];
        for (int h = 0; h < hidden; h++)
        {
            HiddenWeights[h] = new double[inputs];
            for (int i = 0; i < inputs; i++)
                HiddenWeights[h][i] = [|0.1|];
        }
    }

    public double Activation(double z) => Math.Tanh(z);
}";
            const string fixedSource = @"
using System;

public class Mlp
{
    public double[][] HiddenWeights;

    public Mlp(int inputs, int hidden, Random random)
    {
        HiddenWeights = new double[hidden][];
        for (int h = 0; h < hidden; h++)
        {
            HiddenWeights[h] = new double[inputs];
            for (int i = 0; i < inputs; i++)
                HiddenWeights[h][i] = (random.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + hidden));
        }
    }

    public double Activation(double z) => Math.Tanh(z);
}";
            await Fix(source, fixedSource, Glorot, LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task New_random_for_each_neuron_in_a_foreach_loop()
        {
            const string source = @"
using System;
using System.Collections.Generic;

public class Neuron
{
    public readonly double[] Weights;

    public Neuron(int inputs, Random rng)
    {
        Weights = new double[inputs];
        for (var i = 0; i < inputs; i++) Weights[i] = rng.NextDouble() * 2 - 1;
    }
}

public class Network
{
    public readonly List<Neuron[]> Layers = new List<Neuron[]>();

    public Network(IEnumerable<int> sizes, int inputs)
    {
        var previous = inputs;
        foreach (var size in sizes)
        {
            var layer = new Neuron[size];
            for (var n = 0; n < size; n++)
            {
                var rng = [|new Random()|];
                layer[n] = new Neuron(previous, rng);
            }

            Layers.Add(layer);
            previous = size;
        }
    }

    public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}";
            const string fixedSource = @"
using System;
using System.Collections.Generic;

public class Neuron
{
    public readonly double[] Weights;

    public Neuron(int inputs, Random rng)
    {
        Weights = new double[inputs];
        for (var i = 0; i < inputs; i++) Weights[i] = rng.NextDouble() * 2 - 1;
    }
}

public class Network
{
    public readonly List<Neuron[]> Layers = new List<Neuron[]>();

    public Network(IEnumerable<int> sizes, int inputs)
    {
        var previous = inputs;
        var rng = new Random();
        foreach (var size in sizes)
        {
            var layer = new Neuron[size];
            for (var n = 0; n < size; n++)
            {
                layer[n] = new Neuron(previous, rng);
            }

            Layers.Add(layer);
            previous = size;
        }
    }

    public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}";
            await Fix(source, fixedSource, Hoist);
        }

        [Fact]
        public async Task Positional_record_layer_built_with_constant_weights()
        {
            const string source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public record DenseLayer(Matrix<double> Weights, Vector<double> Bias)
{
    public Vector<double> Forward(Vector<double> x) => (Weights * x + Bias).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}

public static class Model
{
    public static DenseLayer[] Create(int inputs, int hidden, int outputs, Random rng)
        => new[]
        {
            new DenseLayer([|Matrix<double>.Build.Dense(hidden, inputs, 0.5)|], Vector<double>.Build.Dense(hidden)),
            new DenseLayer(Matrix<double>.Build.Random(outputs, hidden), Vector<double>.Build.Dense(outputs)),
        };
}";
            const string fixedSource = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public record DenseLayer(Matrix<double> Weights, Vector<double> Bias)
{
    public Vector<double> Forward(Vector<double> x) => (Weights * x + Bias).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}

public static class Model
{
    public static DenseLayer[] Create(int inputs, int hidden, int outputs, Random rng)
        => new[]
        {
            new DenseLayer(Matrix<double>.Build.Dense(hidden, inputs, (_, __) => (rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + hidden))), Vector<double>.Build.Dense(hidden)),
            new DenseLayer(Matrix<double>.Build.Random(outputs, hidden), Vector<double>.Build.Dense(outputs)),
        };
}";
            await Fix(source, fixedSource, Glorot);
        }

        [Fact]
        public async Task Internal_layer_weights_read_by_the_network_and_never_filled_anywhere()
        {
            const string source = @"
using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

internal sealed class Layer
{
    public Layer(int inputs, int outputs)
    {
        Weights = [|Matrix<double>.Build.Dense(outputs, inputs)|];
        Bias = Vector<double>.Build.Dense(outputs);
    }

    public Matrix<double> Weights { get; set; }
    public Vector<double> Bias { get; set; }
}

internal sealed class Network
{
    private readonly List<Layer> _layers = new List<Layer>();

    public Network(params int[] sizes)
    {
        for (var i = 1; i < sizes.Length; i++) _layers.Add(new Layer(sizes[i - 1], sizes[i]));
    }

    public Vector<double> Forward(Vector<double> x)
    {
        foreach (var layer in _layers) x = (layer.Weights * x + layer.Bias).Map(Math.Tanh);
        return x;
    }

    public void Step(int index, Matrix<double> gradient, double learningRate)
        => _layers[index].Weights = _layers[index].Weights - learningRate * gradient;
}";
            await Fix(source, source);
        }

        [Fact]
        public async Task Network_writes_a_constant_into_each_layers_weights()
        {
            const string source = @"
using System;

public class Layer
{
    public double[,] Weights;
    public double[] Biases;

    public Layer(int inputs, int outputs)
    {
        Weights = new double[outputs, inputs];
        Biases = new double[outputs];
    }

    public double Output(double[] x, int o)
    {
        var s = Biases[o];
        for (var i = 0; i < x.Length; i++) s += Weights[o, i] * x[i];
        return Math.Tanh(s);
    }
}

public class Network
{
    public Layer[] Layers;

    public Network(int inputs, int hidden, int outputs, Random rng)
    {
        Layers = new[] { new Layer(inputs, hidden), new Layer(hidden, outputs) };
        foreach (var layer in Layers)
            for (var o = 0; o < layer.Weights.GetLength(0); o++)
                for (var i = 0; i < layer.Weights.GetLength(1); i++)
                    layer.Weights[o, i] = [|0.5|];
    }
}";
            const string fixedSource = @"
using System;

public class Layer
{
    public double[,] Weights;
    public double[] Biases;

    public Layer(int inputs, int outputs)
    {
        Weights = new double[outputs, inputs];
        Biases = new double[outputs];
    }

    public double Output(double[] x, int o)
    {
        var s = Biases[o];
        for (var i = 0; i < x.Length; i++) s += Weights[o, i] * x[i];
        return Math.Tanh(s);
    }
}

public class Network
{
    public Layer[] Layers;

    public Network(int inputs, int hidden, int outputs, Random rng)
    {
        Layers = new[] { new Layer(inputs, hidden), new Layer(hidden, outputs) };
        foreach (var layer in Layers)
            for (var o = 0; o < layer.Weights.GetLength(0); o++)
                for (var i = 0; i < layer.Weights.GetLength(1); i++)
                    layer.Weights[o, i] = (rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (layer.Weights.GetLength(1) + layer.Weights.GetLength(0)));
    }
}";
            await Fix(source, fixedSource, Glorot);
        }

        [Fact]
        public async Task Top_level_program_with_constant_matrices_trained_in_a_loop()
        {
            const string source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

var rng = new Random(0);
var x = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }).Transpose();
var y = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 1, 1, 0 } });
var W1 = [|Matrix<double>.Build.Dense(4, 2, 0.5)|];
var W2 = Matrix<double>.Build.Dense(1, 4, (_, __) => rng.NextDouble() - 0.5);
for (var epoch = 0; epoch < 1000; epoch++)
{
    var h = (W1 * x).Map(Sigmoid);
    var p = (W2 * h).Map(Sigmoid);
    var d2 = (p - y).PointwiseMultiply(p.Map(v => v * (1 - v)));
    var d1 = (W2.Transpose() * d2).PointwiseMultiply(h.Map(v => v * (1 - v)));
    W2 -= 0.5 * d2 * h.Transpose();
    W1 -= 0.5 * d1 * x.Transpose();
}

static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
";
            const string fixedSource = @"
using System;
using MathNet.Numerics.LinearAlgebra;

var rng = new Random(0);
var x = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }).Transpose();
var y = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 1, 1, 0 } });
var W1 = Matrix<double>.Build.Dense(4, 2, (_, __) => (rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (2 + 4)));
var W2 = Matrix<double>.Build.Dense(1, 4, (_, __) => rng.NextDouble() - 0.5);
for (var epoch = 0; epoch < 1000; epoch++)
{
    var h = (W1 * x).Map(Sigmoid);
    var p = (W2 * h).Map(Sigmoid);
    var d2 = (p - y).PointwiseMultiply(p.Map(v => v * (1 - v)));
    var d1 = (W2.Transpose() * d2).PointwiseMultiply(h.Map(v => v * (1 - v)));
    W2 -= 0.5 * d2 * h.Transpose();
    W1 -= 0.5 * d1 * x.Transpose();
}

static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
";
            await Fix(source, fixedSource, Glorot, outputKind: OutputKind.ConsoleApplication);
        }

        [Fact]
        public async Task Map_inplace_with_a_constant_is_a_constant_fill()
        {
            const string source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class HiddenLayer
{
    private readonly Matrix<double> _weights;

    public HiddenLayer(int inputs, int units)
    {
        _weights = Matrix<double>.Build.Dense(units, inputs);
        [|_weights.MapInplace(_ => 0.05)|];
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}";
            await Fix(source, source);
        }

        [Fact]
        public async Task New_random_with_a_constant_seed_in_a_select_over_neurons()
        {
            const string source = @"
using System;
using System.Linq;

public class Neuron
{
    public double[] Weights;
    public Neuron(double[] weights) { Weights = weights; }
}

public class Layer
{
    public Neuron[] Neurons;

    public Layer(int units, int inputs)
    {
        Neurons = Enumerable.Range(0, units)
            .Select(_ => [|new Random(7)|])
            .Select(r => new Neuron(Enumerable.Range(0, inputs).Select(__ => r.NextDouble() - 0.5).ToArray()))
            .ToArray();
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}";
            const string fixedSource = @"
using System;
using System.Linq;

public class Neuron
{
    public double[] Weights;
    public Neuron(double[] weights) { Weights = weights; }
}

public class Layer
{
    public Neuron[] Neurons;

    public Layer(int units, int inputs)
    {
        var random = new Random(7);
        Neurons = Enumerable.Range(0, units)
            .Select(_ => random)
            .Select(r => new Neuron(Enumerable.Range(0, inputs).Select(__ => r.NextDouble() - 0.5).ToArray()))
            .ToArray();
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}";
            await Fix(source, fixedSource, Hoist);
        }

        // ================================================================ correct near-misses

        [Fact]
        public async Task Zero_weights_randomised_later_by_an_initialize_method_called_from_the_network()
        {
            await Silent(@"
using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

public class DenseLayer
{
    private Matrix<double> _weights;
    private Vector<double> _bias;

    public DenseLayer(int inputs, int outputs)
    {
        _weights = Matrix<double>.Build.Dense(outputs, inputs);
        _bias = Vector<double>.Build.Dense(outputs);
    }

    public void Initialize(Random rng)
    {
        var limit = Math.Sqrt(6.0 / (_weights.RowCount + _weights.ColumnCount));
        _weights.MapInplace(_ => (rng.NextDouble() * 2 - 1) * limit);
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x + _bias).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}

public class Network
{
    private readonly List<DenseLayer> _layers = new List<DenseLayer>();

    public Network(int[] sizes, int seed)
    {
        var rng = new Random(seed);
        for (var i = 1; i < sizes.Length; i++)
        {
            var layer = new DenseLayer(sizes[i - 1], sizes[i]);
            layer.Initialize(rng);
            _layers.Add(layer);
        }
    }
}");
        }

        [Fact]
        public async Task Constant_weights_of_a_layer_replaced_by_random_ones_from_the_network()
        {
            await Silent(@"
using System;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Distributions;

public class Layer
{
    public Layer(int inputs, int outputs)
    {
        Weights = Matrix<double>.Build.Dense(outputs, inputs, 0.5);
        Bias = Vector<double>.Build.Dense(outputs, 1.0);
    }

    public Matrix<double> Weights { get; set; }
    public Vector<double> Bias { get; set; }

    public Vector<double> Forward(Vector<double> x) => (Weights * x + Bias).Map(Math.Tanh);
}

public class Network
{
    public Layer Hidden, Output;

    public Network(int inputs, int hidden, int outputs, Random rng)
    {
        Hidden = new Layer(inputs, hidden);
        Output = new Layer(hidden, outputs);
        foreach (var layer in new[] { Hidden, Output })
        {
            var limit = Math.Sqrt(6.0 / (layer.Weights.RowCount + layer.Weights.ColumnCount));
            layer.Weights = Matrix<double>.Build.Random(layer.Weights.RowCount, layer.Weights.ColumnCount, new ContinuousUniform(-limit, limit, rng));
        }
    }
}");
        }

        [Fact]
        public async Task Initializer_helper_class_fills_the_weights()
        {
            await Silent(@"
using System;

public static class WeightInit
{
    public static void XavierUniform(double[,] weights, Random rng)
    {
        var rows = weights.GetLength(0);
        var cols = weights.GetLength(1);
        var limit = Math.Sqrt(6.0 / (rows + cols));
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                weights[r, c] = (rng.NextDouble() * 2 - 1) * limit;
    }
}

public class Layer
{
    private readonly double[,] _weights;
    private readonly double[] _biases;

    public Layer(int inputs, int outputs, Random rng)
    {
        _weights = new double[outputs, inputs];
        _biases = new double[outputs];
        WeightInit.XavierUniform(_weights, rng);
    }

    public double Forward(double[] x, int o)
    {
        var s = _biases[o];
        for (var i = 0; i < x.Length; i++) s += _weights[o, i] * x[i];
        return 1.0 / (1.0 + Math.Exp(-s));
    }
}");
        }

        [Fact]
        public async Task Adam_and_momentum_buffers_start_at_zero()
        {
            await Silent(@"
using System;
using MathNet.Numerics.LinearAlgebra;

public class AdamLayer
{
    private Matrix<double> _weights;
    private readonly Matrix<double> _mWeights;
    private readonly Matrix<double> _vWeights;
    private readonly double[,] _weightChanges;
    private int _t;

    public AdamLayer(int inputs, int outputs, Random rng)
    {
        _weights = Matrix<double>.Build.Dense(outputs, inputs, (_, __) => (rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + outputs)));
        _mWeights = Matrix<double>.Build.Dense(outputs, inputs);
        _vWeights = Matrix<double>.Build.Dense(outputs, inputs);
        _weightChanges = new double[outputs, inputs];
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x).Map(z => 1.0 / (1.0 + Math.Exp(-z)));

    public void Update(Matrix<double> gradient, double learningRate)
    {
        _t++;
        _mWeights.MapIndexedInplace((i, j, m) => 0.9 * m + 0.1 * gradient[i, j]);
        _vWeights.MapIndexedInplace((i, j, v) => 0.999 * v + 0.001 * gradient[i, j] * gradient[i, j]);
        for (var i = 0; i < _weights.RowCount; i++)
            for (var j = 0; j < _weights.ColumnCount; j++)
            {
                var mHat = _mWeights[i, j] / (1 - Math.Pow(0.9, _t));
                var vHat = _vWeights[i, j] / (1 - Math.Pow(0.999, _t));
                _weightChanges[i, j] = 0.9 * _weightChanges[i, j] - learningRate * mHat / (Math.Sqrt(vHat) + 1e-8);
                _weights[i, j] += _weightChanges[i, j];
            }
    }
}");
        }

        [Fact]
        public async Task Momentum_velocity_named_after_the_weights_in_another_method()
        {
            await Silent(@"
using System;

public class Network
{
    private readonly double[,] _weights;
    private readonly double[,] _previousWeights;
    private readonly double[,] _weightsMomentumless;

    public Network(int inputs, int outputs, Random rng)
    {
        _weights = new double[outputs, inputs];
        for (var o = 0; o < outputs; o++)
            for (var i = 0; i < inputs; i++)
                _weights[o, i] = rng.NextDouble() - 0.5;
        _previousWeights = new double[outputs, inputs];
        _weightsMomentumless = new double[outputs, inputs];
    }

    public void Backpropagate(double[] x, double[] deltas, double lr)
    {
        for (var o = 0; o < deltas.Length; o++)
            for (var i = 0; i < x.Length; i++)
            {
                var step = lr * deltas[o] * x[i] + 0.9 * _previousWeights[o, i];
                _previousWeights[o, i] = step;
                _weights[o, i] += step + 0 * _weightsMomentumless[o, i];
            }
    }
}");
        }

        [Fact]
        public async Task Weights_read_from_a_binary_file_after_allocation()
        {
            await Silent(@"
using System;
using System.IO;

public class Layer
{
    private readonly double[,] _weights;
    private readonly double[] _bias;

    public Layer(int inputs, int outputs)
    {
        _weights = new double[outputs, inputs];
        _bias = new double[outputs];
    }

    public void Load(BinaryReader reader)
    {
        for (var o = 0; o < _weights.GetLength(0); o++)
            for (var i = 0; i < _weights.GetLength(1); i++)
                _weights[o, i] = reader.ReadDouble();
    }

    public double Activation(double[] x, int o)
    {
        var s = _bias[o];
        for (var i = 0; i < x.Length; i++) s += _weights[o, i] * x[i];
        return 1.0 / (1.0 + Math.Exp(-s));
    }
}");
        }

        [Fact]
        public async Task Layer_cloned_from_another_and_weights_filled_through_a_local_alias()
        {
            await Silent(@"
using System;

public class Layer
{
    private readonly double[,] _weights;

    public Layer(int inputs, int outputs, Random rng)
    {
        _weights = new double[outputs, inputs];
        var w = _weights;
        for (var o = 0; o < outputs; o++)
            for (var i = 0; i < inputs; i++)
                w[o, i] = rng.NextDouble() - 0.5;
    }

    private Layer(double[,] weights)
    {
        _weights = weights;
    }

    public Layer Clone() => new Layer((double[,])_weights.Clone());

    public double Forward(double[] x, int o)
    {
        var s = 0.0;
        for (var i = 0; i < x.Length; i++) s += _weights[o, i] * x[i];
        return Math.Tanh(s);
    }
}

public class Copy
{
    private readonly double[,] _weights;

    public Copy(Layer source, double[,] trained)
    {
        _weights = new double[trained.GetLength(0), trained.GetLength(1)];
        Array.Copy(trained, _weights, trained.Length);
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z * _weights[0, 0]));
}");
        }

        [Fact]
        public async Task Map_inplace_random_and_build_random_and_one_biases()
        {
            await Silent(@"
using System;
using MathNet.Numerics.LinearAlgebra;

public class Net
{
    private readonly Matrix<double> _w1;
    private readonly Matrix<double> _w2;
    private readonly Vector<double> _b1;

    public Net(int inputs, int hidden, int outputs, Random rng)
    {
        _w1 = Matrix<double>.Build.Dense(hidden, inputs);
        _w1.MapInplace(_ => rng.NextDouble() - 0.5);
        _w2 = Matrix<double>.Build.Random(outputs, hidden);
        _b1 = Vector<double>.Build.Dense(hidden, 1.0);
    }

    public Vector<double> Forward(Vector<double> x) => _w2 * (_w1 * x + _b1).Map(z => Math.Max(0, z));
}");
        }

        [Fact]
        public async Task Random_seeded_per_neuron_or_shared_is_not_reported()
        {
            await Silent(@"
using System;

public class Neuron
{
    public double[] Weights;
    public Neuron(int inputs, Random rng)
    {
        Weights = new double[inputs];
        for (var i = 0; i < inputs; i++) Weights[i] = rng.NextDouble() * 2 - 1;
    }
}

public class Layer
{
    public Neuron[] Neurons;

    public Layer(int units, int inputs, int seed)
    {
        Neurons = new Neuron[units];
        for (var i = 0; i < units; i++) Neurons[i] = new Neuron(inputs, new Random(seed + i));
    }

    public Layer(int units, int inputs, Random shared)
    {
        Neurons = new Neuron[units];
        for (var i = 0; i < units; i++) Neurons[i] = new Neuron(inputs, shared);
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}

public static class DropoutMonteCarlo
{
    public static double Estimate(int trials)
    {
        var hits = 0;
        for (var t = 0; t < trials; t++)
        {
            var rng = new Random(t);
            if (rng.NextDouble() < 0.5) hits++;
        }

        return hits / (double)trials;
    }
}");
        }

        [Fact]
        public async Task Logistic_regression_starts_from_zero_weights()
        {
            // One unit: every weight gets its own gradient x_i * (p - y), so zeros are the textbook start.
            await Silent(@"
using System;

public class LogisticRegression
{
    private readonly double[] _weights;
    private double _bias;

    public LogisticRegression(int features)
    {
        _weights = new double[features];
    }

    public double PredictProbability(double[] x)
    {
        var z = _bias;
        for (var i = 0; i < x.Length; i++) z += _weights[i] * x[i];
        return 1.0 / (1.0 + Math.Exp(-z));
    }

    public void Train(double[][] xs, int[] ys, int epochs, double learningRate)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
            for (var n = 0; n < xs.Length; n++)
            {
                var error = PredictProbability(xs[n]) - ys[n];
                for (var i = 0; i < _weights.Length; i++) _weights[i] -= learningRate * error * xs[n][i];
                _bias -= learningRate * error;
            }
    }
}");
        }

        [Fact]
        public async Task Internal_layer_weights_filled_by_the_network()
        {
            await Silent(@"
using System;

internal class Layer
{
    internal double[,] Weights;
    internal double[] Biases;

    internal Layer(int inputs, int outputs)
    {
        Weights = new double[outputs, inputs];
        Biases = new double[outputs];
    }
}

internal class Network
{
    private readonly Layer[] _layers;

    internal Network(Random rng, params int[] sizes)
    {
        _layers = new Layer[sizes.Length - 1];
        for (var l = 0; l < _layers.Length; l++)
        {
            _layers[l] = new Layer(sizes[l], sizes[l + 1]);
            for (var o = 0; o < sizes[l + 1]; o++)
                for (var i = 0; i < sizes[l]; i++)
                    _layers[l].Weights[o, i] = rng.NextDouble() * 2 - 1;
        }
    }

    internal double Forward(double[] x)
    {
        var s = 0.0;
        for (var i = 0; i < x.Length; i++) s += _layers[0].Weights[0, i] * x[i] + _layers[0].Biases[0];
        return 1.0 / (1.0 + Math.Exp(-s));
    }
}");
        }

        [Fact]
        public async Task Nested_initializer_class_fills_the_private_weights()
        {
            await Silent(@"
using System;

public class Network
{
    private readonly double[,] _weights;

    public Network(int inputs, int outputs, Random rng)
    {
        _weights = new double[outputs, inputs];
        Initializer.Fill(this, rng);
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z * _weights[0, 0]));

    private static class Initializer
    {
        public static void Fill(Network net, Random rng)
        {
            for (var o = 0; o < net._weights.GetLength(0); o++)
                for (var i = 0; i < net._weights.GetLength(1); i++)
                    net._weights[o, i] = rng.NextDouble() - 0.5;
        }
    }
}");
        }

        [Fact]
        public async Task Weights_deserialized_into_a_record_and_constant_weights_randomised_later()
        {
            await Silent(@"
using System;
using System.Text.Json;

public record LayerState(double[][] Weights, double[] Biases);

public class Layer
{
    private double[][] _weights;
    private double[] _biases;

    public Layer(int inputs, int outputs)
    {
        _weights = new double[outputs][];
        for (var o = 0; o < outputs; o++)
        {
            _weights[o] = new double[inputs];
            Array.Fill(_weights[o], 0.5);
        }

        _biases = new double[outputs];
    }

    public void Randomize(Random rng)
    {
        foreach (var row in _weights)
            for (var i = 0; i < row.Length; i++) row[i] = rng.NextDouble() - 0.5;
    }

    public void Restore(string json)
    {
        var state = JsonSerializer.Deserialize<LayerState>(json)!;
        _weights = state.Weights;
        _biases = state.Biases;
    }

    public double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z * _weights[0][0] - _biases[0]));
}");
        }

        // ================================================================ second round: more shapes

        [Fact]
        public async Task Constant_weights_from_select_an_initializer_list_and_a_constant_generator()
        {
            const string source = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public class Neuron
{
    public double[] Weights;
    public double[] RecurrentWeights;

    public Neuron(int inputs)
    {
        Weights = [|Enumerable.Range(0, inputs).Select(_ => 0.5).ToArray()|];
        RecurrentWeights = [|new[] { 0.1, 0.1, 0.1 }|];
    }

    public double Fire(double[] x) => Math.Tanh(x.Zip(Weights, (a, w) => a * w).Sum() + RecurrentWeights.Sum());
}

public class Layer
{
    private readonly Matrix<double> _weights;

    public Layer(int inputs, int outputs, Random rng)
    {
        _weights = [|Matrix<double>.Build.Dense(outputs, inputs, (i, j) => 0.1)|];
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}";
            const string fixedSource = @"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public class Neuron
{
    public double[] Weights;
    public double[] RecurrentWeights;

    public Neuron(int inputs)
    {
        Weights = {|#0:Enumerable.Range(0, inputs).Select(_ => 0.5).ToArray()|};
        RecurrentWeights = {|#1:new[] { 0.1, 0.1, 0.1 }|};
    }

    public double Fire(double[] x) => Math.Tanh(x.Zip(Weights, (a, w) => a * w).Sum() + RecurrentWeights.Sum());
}

public class Layer
{
    private readonly Matrix<double> _weights;

    public Layer(int inputs, int outputs, Random rng)
    {
        _weights = Matrix<double>.Build.Dense(outputs, inputs, (_, __) => (rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + outputs)));
    }

    public Vector<double> Forward(Vector<double> x) => (_weights * x).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}";
            // The 1-D constants have no fix (the fan-out of a neuron's vector is unknown): they remain.
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = Glorot };
            test.FixedState.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(ConstantMessage("Weights", "0.5")));
            test.FixedState.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(1).WithArguments(ConstantMessage("RecurrentWeights", "0.1")));
            await test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public async Task Private_zero_weights_of_a_type_with_a_nested_helper_that_only_reads_them()
        {
            const string source = @"
using System;

public class Network
{
    private readonly double[,] _weights;

    public Network(int inputs, int outputs)
    {
        _weights = [|new double[outputs, inputs]|];
    }

    public double Forward(double[] x) => new Printer().Sigmoid(this, x);

    private sealed class Printer
    {
        public double Sigmoid(Network net, double[] x)
        {
            var s = 0.0;
            for (var i = 0; i < x.Length; i++) s += net._weights[0, i] * x[i];
            return 1.0 / (1.0 + Math.Exp(-s));
        }
    }
}";
            await Fix(source, source);
        }

        [Fact]
        public async Task Random_per_epoch_for_shuffling_and_fixed_kernels_are_not_initialization()
        {
            await Silent(@"
using System;
using System.Linq;

public class ConvolutionalNet
{
    private readonly double[,] _kernel;

    public ConvolutionalNet(Random rng)
    {
        _kernel = new double[3, 3];
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
                _kernel[i, j] = rng.NextDouble() - 0.5;
    }

    public double[,] Blur(double[,] image)
    {
        var kernel = new double[3, 3];
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
                kernel[i, j] = 1.0 / 9;
        var result = new double[image.GetLength(0), image.GetLength(1)];
        for (var r = 1; r < image.GetLength(0) - 1; r++)
            for (var c = 1; c < image.GetLength(1) - 1; c++)
                for (var i = 0; i < 3; i++)
                    for (var j = 0; j < 3; j++)
                        result[r, c] += kernel[i, j] * image[r + i - 1, c + j - 1] * _kernel[i, j];
        return result;
    }

    public double Ensemble(double[] predictions)
    {
        var weights = Enumerable.Repeat(1.0 / predictions.Length, predictions.Length).ToArray();
        return predictions.Zip(weights, (p, w) => p * w).Sum();
    }

    public void Train(double[][] samples, int epochs)
    {
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var rng = new Random(42);
            var order = Enumerable.Range(0, samples.Length).OrderBy(_ => rng.Next()).ToArray();
            foreach (var index in order) _kernel[0, 0] -= 0.01 * samples[index][0];
        }
    }
}");
        }

        [Fact]
        public async Task Async_loading_and_weights_set_through_an_object_initializer()
        {
            await Silent(@"
using System;
using System.IO;
using System.Threading.Tasks;
using MathNet.Numerics.LinearAlgebra;

public class Layer
{
    public Matrix<double> Weights { get; set; } = Matrix<double>.Build.Dense(1, 1);
    public Vector<double> Bias { get; set; } = Vector<double>.Build.Dense(1);

    public Vector<double> Forward(Vector<double> x) => (Weights * x + Bias).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}

internal static class ModelStore
{
    public static async Task<Layer> LoadAsync(string path)
    {
        var lines = await File.ReadAllLinesAsync(path);
        var values = Array.ConvertAll(lines, double.Parse);
        return new Layer { Weights = Matrix<double>.Build.Dense(1, values.Length, values) };
    }
}");
        }

        [Fact]
        public async Task Float_zero_matrices_never_filled_get_fill_loops_with_free_names_in_csharp_7_3()
        {
            const string source = @"
using System;

public class Autoencoder
{
    private readonly float[,] _encoderWeights;
    private readonly Random _random = new Random(3);

    public Autoencoder(int inputs, int code)
    {
        var row = 0;
        _encoderWeights = [|new float[code, inputs]|];
        var decoderWeights = [|new float[inputs, code]|];
        Decode = x => decoderWeights[row, 0] * x;
    }

    public Func<float, float> Decode { get; }

    public float Encode(float[] x)
    {
        var s = 0f;
        for (var i = 0; i < x.Length; i++) s += _encoderWeights[0, i] * x[i];
        return (float)Math.Tanh(s);
    }
}";
            const string fixedSource = @"
using System;

public class Autoencoder
{
    private readonly float[,] _encoderWeights;
    private readonly Random _random = new Random(3);

    public Autoencoder(int inputs, int code)
    {
        var row = 0;
        _encoderWeights = new float[code, inputs];
        for (var r = 0; r < code; r++)
            for (var column = 0; column < inputs; column++)
                _encoderWeights[r, column] = (float)((_random.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (inputs + code)));
        var decoderWeights = new float[inputs, code];
        for (var o = 0; o < inputs; o++)
            for (var c = 0; c < code; c++)
                decoderWeights[o, c] = (float)((_random.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (code + inputs)));
        Decode = x => decoderWeights[row, 0] * x;
    }

    public Func<float, float> Decode { get; }

    public float Encode(float[] x)
    {
        var s = 0f;
        for (var i = 0; i < x.Length; i++) s += _encoderWeights[0, i] * x[i];
        return (float)Math.Tanh(s);
    }
}";
            await Fix(source, fixedSource, Glorot, LanguageVersion.CSharp7_3);
        }

        [Fact]
        public async Task Constant_and_zero_matrices_from_one_line_helpers()
        {
            const string source = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class Network
{
    private readonly Matrix<double> _hiddenWeights;
    private readonly Matrix<double> _outputWeights;
    private readonly Matrix<double> _gateWeights;

    public Network(int inputs, int hidden, int outputs, Random rng)
    {
        _hiddenWeights = [|Init.Constant(hidden, inputs)|];
        _outputWeights = [|Init.Zeros(outputs, hidden)|];
        _gateWeights = Init.Glorot(hidden, hidden, rng);
    }

    public Vector<double> Forward(Vector<double> x)
        => _outputWeights * (_gateWeights * (_hiddenWeights * x)).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
}

public static class Init
{
    public static Matrix<double> Constant(int rows, int cols) => Matrix<double>.Build.Dense(rows, cols, 0.5);

    public static Matrix<double> Zeros(int rows, int cols)
    {
        return Matrix<double>.Build.Dense(rows, cols);
    }

    public static Matrix<double> Glorot(int rows, int cols, Random rng)
        => Matrix<double>.Build.Dense(rows, cols, (_, __) => (rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (rows + cols)));
}";
            await Fix(source, source);
        }

        [Fact]
        public async Task Uniform_average_weights_of_an_ensemble_are_fixed_coefficients()
        {
            // Session 12's probe: an ensemble averages its members with weights 1 / n over n members, never trained.
            await Silent(@"
using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

public class EnsembleClassifier
{
    private readonly Func<double[], double[]>[] _members;
    private readonly double[] _memberWeights;
    private readonly Vector<double> _voteWeights;
    private readonly double[] _blendWeights;

    public EnsembleClassifier(Func<double[], double[]>[] members)
    {
        _members = members;
        _memberWeights = Enumerable.Repeat(1.0 / members.Length, members.Length).ToArray();
        _voteWeights = Vector<double>.Build.Dense(members.Length, 1.0 / members.Length);
        _blendWeights = new double[members.Length];
        Array.Fill(_blendWeights, 1.0 / _blendWeights.Length);
    }

    public double[] Predict(double[] x)
    {
        var outputs = _members.Select(m => m(x)).ToArray();
        var result = new double[outputs[0].Length];
        for (int m = 0; m < outputs.Length; m++)
            for (int k = 0; k < result.Length; k++)
                result[k] += (_memberWeights[m] + _voteWeights[m] + _blendWeights[m]) / 3 * outputs[m][k];
        return result;
    }
}");
        }

        [Fact]
        public async Task Uniform_weights_that_training_updates_are_still_symmetric()
        {
            // The same 1 / n fill as a neuron's trained weights: every input weight gets the same start.
            const string source = @"
using System;
using System.Linq;

public class Neuron
{
    private readonly double[] _weights;
    private double _bias;

    public Neuron(int inputs)
    {
        _weights = [|Enumerable.Repeat(1.0 / inputs, inputs).ToArray()|];
    }

    public double Forward(double[] x)
    {
        var z = _bias;
        for (int i = 0; i < x.Length; i++) z += _weights[i] * x[i];
        return 1.0 / (1.0 + Math.Exp(-z));
    }

    public void Update(double[] x, double delta, double learningRate)
    {
        for (int i = 0; i < _weights.Length; i++) _weights[i] -= learningRate * delta * x[i];
        _bias -= learningRate * delta;
    }
}";
            await Fix(source, source);
        }

        // Session 12's probe: the seeded Random comes from a one-line helper, called per neuron or per layer.
        private const string RandomFactory = @"
using System;
using System.Collections.Generic;

public static class Rng
{
    private static readonly Random Shared = new Random(7);
    public static Random Make() => new Random(42);
    public static Random Seeded(int seed) { return new Random(seed); }
    public static Random Fresh() => new Random();
    public static Random Global() => Shared;
}

public class Neuron
{
    public double[] Weights;

    public Neuron(int inputs, Random rng = null)
    {
        Weights = new double[inputs];
        var r = rng ?? PER_NEURON;
        for (int i = 0; i < inputs; i++) Weights[i] = r.NextDouble() * 2 - 1;
    }

    public void Adjust(double[] x, double delta, double lr) { for (int i = 0; i < x.Length; i++) Weights[i] -= lr * delta * x[i]; }
}

public class Layer
{
    public List<Neuron> Neurons = new List<Neuron>();

    public Layer(int inputs, int count)
    {
        for (int j = 0; j < count; j++) Neurons.Add(new Neuron(inputs, PER_LOOP));
    }
}";

        [Fact]
        public async Task Seeded_random_from_a_helper_per_neuron_or_per_iteration_is_reported()
        {
            var source = RandomFactory.Replace("PER_NEURON", "{|#0:Rng.Make()|}").Replace("PER_LOOP", "{|#1:Rng.Seeded(3)|}");
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(
                "each Neuron gets its own Random from 'Rng.Make()' with the same seed: neurons created together draw the same sequence (always with a constant seed; on .NET Framework with the default one), so their weights start equal; pass one shared Random to the constructor"));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(1).WithArguments(
                "'Rng.Seeded(3)' creates a new Random on every iteration of this loop with the same seed on every iteration: each neuron or layer draws the same sequence, so their weights start equal; create one Random outside the loop and share it"));
            await test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public async Task Random_from_a_helper_seeded_per_iteration_shared_or_time_based_is_silent()
        {
            await Silent(RandomFactory.Replace("PER_NEURON", "Rng.Global()").Replace("PER_LOOP", "Rng.Seeded(j)"));
            await Silent(RandomFactory.Replace("PER_NEURON", "Rng.Fresh()").Replace("PER_LOOP", "Rng.Global()"));
        }

        // Session 13's probe: recurrent and attention matrices whose names say nothing (_wh, _value) are a layer's weights
        // by their use: the forward pass multiplies them with the input and a step updates them.
        private const string UnnamedGru = @"
using System;
using MathNet.Numerics.LinearAlgebra;

public class GruCell
{
    private Matrix<float> _wz, _wh;
    private readonly Matrix<double> _value;
    private readonly Matrix<double> _smooth;
    private Matrix<double> _state;

    public GruCell(int hidden, int input, Random rng)
    {
        _wz = Matrix<float>.Build.Random(hidden, input);
        _wh = WH;
        _value = VALUE;
        _smooth = Matrix<double>.Build.Dense(hidden, hidden, 1.0 / hidden);
        _state = Matrix<double>.Build.Dense(hidden, 1);
    }

    public Vector<float> Forward(Vector<float> x)
    {
        var z = (_wz * x).Map(v => 1f / (1f + MathF.Exp(-v)));
        var hc = (_wh * x).PointwiseTanh();
        return z.PointwiseMultiply(hc);
    }

    public Matrix<double> Attend(Matrix<double> x)
    {
        _state = _smooth * (x * _value);
        return _state;
    }

    public void Apply(Matrix<float> dWz, Matrix<float> dWh, Matrix<double> dV, float lr)
    {
        _wz = _wz - lr * dWz;
        _wh = _wh - lr * dWh;
        _value.Subtract(lr * dV, _value);
    }
}";

        [Fact]
        public async Task Unnamed_matrices_multiplied_and_stepped_start_symmetric()
        {
            // A constant start is reported; zeros are not, for a matrix whose name says nothing: a zero matrix trained from
            // a random neighbour is a design (LoRA's B, a residual branch's last layer) that only a name could tell apart.
            var source = UnnamedGru.Replace("WH", "{|#0:Matrix<float>.Build.Dense(hidden, input, 0.01f)|}").Replace("VALUE", "Matrix<double>.Build.Dense(input, input)");
            var fixedSource = UnnamedGru
                .Replace("WH", "Matrix<float>.Build.Dense(hidden, input, (_, __) => (float)((rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (input + hidden))))")
                .Replace("VALUE", "Matrix<double>.Build.Dense(input, input)");
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(ConstantMessage("_wh", "0.01")));
            await test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public async Task Unnamed_constant_matrices_never_stepped_are_fixed_transforms()
        {
            // A smoothing matrix and a state buffer: multiplied or assigned, never stepped.
            await Silent(UnnamedGru.Replace("WH", "Matrix<float>.Build.Random(hidden, input)").Replace("VALUE", "Matrix<double>.Build.Random(input, input)"));
        }

        [Fact]
        public async Task One_constant_row_repeated_for_every_unit_is_reported()
        {
            // Session 13's probe: Repeat of one constant row puts the same array (the same values) in every row.
            const string source = @"
using System;
using System.Linq;

internal class EmbeddingMlp
{
    private readonly double[][] _weights;
    private readonly double[][] _hiddenWeights;
    private readonly double[] _bias;

    public EmbeddingMlp(int inputs, int hidden)
    {
        _weights = {|#0:Enumerable.Repeat(Enumerable.Repeat(0.1, inputs).ToArray(), hidden).ToArray()|};
        _hiddenWeights = {|#1:Enumerable.Repeat(new double[inputs], hidden).ToArray()|};
        _bias = new double[hidden];
    }

    public double[] Forward(double[] x) =>
        _weights.Select((row, u) => Math.Tanh(row.Zip(x, (w, v) => w * v).Sum() + _hiddenWeights[u].Zip(x, (w, v) => w * v).Sum() + _bias[u])).ToArray();

    public void Train(double[] x, double[] dz, double lr)
    {
        for (int u = 0; u < _weights.Length; u++)
            for (int i = 0; i < x.Length; i++) { _weights[u][i] -= lr * dz[u] * x[i]; _hiddenWeights[u][i] -= lr * dz[u] * x[i]; }
    }
}";
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments(ConstantMessage("_weights", "0.1")));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(1).WithArguments(
                "the weights '_hiddenWeights' are allocated as zeros and never filled: every unit of the layer computes the same output and gets the same gradient, so they stay equal; draw them from a Glorot uniform range with one shared Random"));
            await test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public async Task Word2vec_output_vectors_start_at_zero()
        {
            // word2vec.c: syn1 starts at zero and is trained; its rows are looked up by a token, not swept as a layer.
            await Silent(@"
using System;

public class Word2Vec
{
    private readonly double[][] _syn0;
    private readonly double[][] _syn1;
    private readonly int _dim;

    public Word2Vec(int vocabSize, int dim, Random rng)
    {
        _dim = dim;
        _syn0 = new double[vocabSize][];
        _syn1 = new double[vocabSize][];
        for (int w = 0; w < vocabSize; w++)
        {
            _syn0[w] = new double[dim];
            _syn1[w] = new double[dim];
            for (int d = 0; d < dim; d++) _syn0[w][d] = (rng.NextDouble() - 0.5) / dim;
        }
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public void TrainPair(int center, int target, int label, double alpha)
    {
        double f = 0;
        for (int d = 0; d < _dim; d++) f += _syn0[center][d] * _syn1[target][d];
        double g = (label - Sigmoid(f)) * alpha;
        var neu1e = new double[_dim];
        for (int d = 0; d < _dim; d++) neu1e[d] += g * _syn1[target][d];
        for (int d = 0; d < _dim; d++) _syn1[target][d] += g * _syn0[center][d];
        for (int d = 0; d < _dim; d++) _syn0[center][d] += neu1e[d];
    }
}");
        }

        // Session 13's probe (V086): He's scale computed once into a local, then given to every weight.
        private const string NamedScale = @"
using System;
using MathNet.Numerics.LinearAlgebra;

internal class ReluNet
{
    private Matrix<double> _w1, _w2;

    public ReluNet(int inputs, int hidden, int outputs, double given)
    {
        double he1 = Math.Sqrt(2.0 / inputs), handed = given;
        _w1 = INIT_W1;
        _w2 = Matrix<double>.Build.Dense(outputs, hidden, (i, j) => handed);
    }

    public Vector<double> Forward(Vector<double> x) => _w2 * (_w1 * x).PointwiseMaximum(0.0);

    public void Step(Matrix<double> dW1, Matrix<double> dW2, double lr)
    {
        _w1 = _w1 - lr * dW1;
        _w2 = _w2 - lr * dW2;
    }
}";

        [Fact]
        public async Task A_scale_computed_once_into_a_local_is_the_same_value_for_every_weight()
        {
            // he1 is the fill's own formula, named; handed (a copy of a parameter) is the caller's choice, not reported.
            // No Random in scope: reported without a fix.
            var source = NamedScale.Replace("INIT_W1", "[|Matrix<double>.Build.Dense(hidden, inputs, (i, j) => he1)|]");
            await Fix(source, source);
        }

        // Session 13's third probe (V039): a network fills each layer's weights with a formula of that layer's fan-in.
        private const string PerLayerFormula = @"
using System;
using System.Collections.Generic;

public class Layer
{
    public double[,] Weights;
    public Layer(int inputs, int outputs) { Weights = new double[outputs, inputs]; }
    public double[] Forward(double[] x)
    {
        var y = new double[Weights.GetLength(0)];
        for (int o = 0; o < y.Length; o++) { double z = 0; for (int i = 0; i < x.Length; i++) z += Weights[o, i] * x[i]; y[o] = Math.Tanh(z); }
        return y;
    }
    public void Update(double[,] grad, double lr) { for (int o = 0; o < grad.GetLength(0); o++) for (int i = 0; i < grad.GetLength(1); i++) Weights[o, i] -= lr * grad[o, i]; }
}

public class Network
{
    public List<Layer> Layers = new List<Layer>();
    private readonly Random _rng = new Random(1);

    public Network(params int[] sizes)
    {
        for (int i = 0; i + 1 < sizes.Length; i++) Layers.Add(new Layer(sizes[i], sizes[i + 1]));
        foreach (var layer in Layers)
        {
            int fanIn = layer.Weights.GetLength(1);
            for (int o = 0; o < layer.Weights.GetLength(0); o++)
                for (int i = 0; i < fanIn; i++)
                    layer.Weights[o, i] = VALUE;
        }
    }
}";

        [Fact]
        public async Task A_formula_of_each_layers_fan_in_written_to_every_weight_is_reported()
        {
            var source = PerLayerFormula.Replace("VALUE", "[|1.0 / Math.Sqrt(fanIn)|]");
            var test = new Verify.Test { TestCode = source, FixedCode = PerLayerFormula.Replace("VALUE", "(_rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / (fanIn + layer.Weights.GetLength(0)))") };
            await test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public async Task A_draw_scaled_by_each_layers_fan_in_is_silent()
            => await Silent(PerLayerFormula.Replace("VALUE", "(_rng.NextDouble() * 2 - 1) / Math.Sqrt(fanIn)"));

        // Session 14's probe: zeros are the textbook start of a model of one layer (no hidden unit to keep symmetric).
        private const string SoftmaxRegression = @"
using System;

HEADER
{
    private readonly double[,] _weights;
    private readonly double[] _bias;

    public SoftmaxRegression(int features, int classes)
    {
        _weights = ZEROS;
        _bias = new double[classes];
    }

    public double[] Predict(double[] x)
    {
        var z = new double[_bias.Length];
        double max = double.NegativeInfinity;
        for (int c = 0; c < z.Length; c++)
        {
            z[c] = _bias[c];
            for (int f = 0; f < x.Length; f++) z[c] += _weights[c, f] * x[f];
            max = Math.Max(max, z[c]);
        }
        double sum = 0;
        for (int c = 0; c < z.Length; c++) { z[c] = Math.Exp(z[c] - max); sum += z[c]; }
        for (int c = 0; c < z.Length; c++) z[c] /= sum;
        return z;
    }

    public void Fit(double[][] xs, int[] ys, int epochs, double lr)
    {
        for (int epoch = 0; epoch < epochs; epoch++)
            for (int n = 0; n < xs.Length; n++)
            {
                var p = Predict(xs[n]);
                for (int c = 0; c < p.Length; c++)
                {
                    double g = p[c] - (ys[n] == c ? 1 : 0);
                    for (int f = 0; f < xs[n].Length; f++) _weights[c, f] -= lr * g * xs[n][f];
                    _bias[c] -= lr * g;
                }
            }
    }
}
EXTRA";

        [Fact]
        public Task Zeros_of_a_softmax_regression_that_trains_itself_are_not_reported()
            => Silent(SoftmaxRegression.Replace("HEADER", "public class SoftmaxRegression").Replace("ZEROS", "new double[classes, features]")
                .Replace("EXTRA", "public static class Program { public static int Run(double[][] xs, int[] ys) { var model = new SoftmaxRegression(4, 3); model.Fit(xs, ys, 10, 0.1); return model.Predict(xs[0]).Length; } }"));

        [Theory]
        // Stacked by another type, created twice in one method, or an ILayer of a stack: a hidden layer may be among them.
        [InlineData("public class SoftmaxRegression", "public class Stack { private readonly SoftmaxRegression[] _layers = new SoftmaxRegression[2]; }")]
        [InlineData("public class SoftmaxRegression", "public static class Program { public static void Run() { var a = new SoftmaxRegression(4, 8); var b = new SoftmaxRegression(8, 3); } }")]
        [InlineData("public interface ILayer { double[] Predict(double[] x); }\npublic class SoftmaxRegression : ILayer", "")]
        public Task Zeros_of_a_one_layer_type_that_may_be_stacked_are_reported(string header, string extra)
            => NnAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<NnAnalyzers.Rules.NN0007ConstantOrSymmetricInitializationAnalyzer>.VerifyAnalyzerAsync(
                SoftmaxRegression.Replace("HEADER", header).Replace("ZEROS", "[|new double[classes, features]|]").Replace("EXTRA", extra));

        [Fact]
        public Task Zeros_of_a_linear_associative_memory_filled_by_hebbian_outer_products_are_not_reported()
            => Silent(@"
using System;
using System.Linq;

public sealed class LinearAssociativeMemory
{
    private readonly double[,] _weights;

    public LinearAssociativeMemory(int inputs, int outputs) => _weights = new double[outputs, inputs];

    public void Store(double[] key, double[] value)
    {
        double norm2 = key.Sum(k => k * k);
        for (int o = 0; o < value.Length; o++)
            for (int i = 0; i < key.Length; i++)
                _weights[o, i] += value[o] * key[i] / norm2;
    }

    public double[] Recall(double[] key)
    {
        var y = new double[_weights.GetLength(0)];
        for (int o = 0; o < y.Length; o++)
            for (int i = 0; i < key.Length; i++) y[o] += _weights[o, i] * key[i];
        return y.Select(v => Math.Tanh(v)).ToArray();
    }
}");
    }
}
