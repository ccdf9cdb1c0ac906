using System.Collections.Generic;
using System.Globalization;

namespace NnAnalyzers.Benchmarks
{
    /// <summary>Generates C# files: NN code that triggers every rule, correct NN code, and code with no NN signs.</summary>
    public static class InputGenerator
    {
        // The trainer's forward pass (hidden sigmoid layer, output unit, activation a), the same in the buggy and the
        // correct file: they differ only where the bugs are.
        private const string TrainerForward = @"                loss = 0.0;
                for (var i = 0; i < xs.Length; i++)
                {
                    var h = new double[4];
                    for (var j = 0; j < 4; j++)
                    {
                        var s = 0.0;
                        for (var k = 0; k < 8; k++)
                        {
                            s += _hiddenWeights[j, k] * xs[i][k];
                        }

                        h[j] = Sigmoid(s);
                    }

                    var z = 0.0;
                    for (var j = 0; j < 4; j++)
                    {
                        z += _outputWeights[j] * h[j];
                    }

                    var a = Sigmoid(z);
";

        public enum Kind
        {
            /// <summary>NN code with a bug for every rule (NN0001–NN0004 in a MathNet layer, NN0005–NN0008 in an array trainer).</summary>
            Triggering,

            /// <summary>The same NN code written correctly (centred init, stable per-sample softmax, gradients applied, clamped log, derivative of the activation output, filled weights).</summary>
            CorrectNn,

            /// <summary>Ordinary business code with arithmetic, random numbers and LINQ but no NN signs.</summary>
            NoNnSigns,
        }

        public static IEnumerable<(string Path, string Text)> Files(Kind kind, int count)
        {
            for (var i = 0; i < count; i++)
            {
                yield return ("/gen/File" + i.ToString(CultureInfo.InvariantCulture) + ".cs", File(kind, i));
            }
        }

        public static string File(Kind kind, int i)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            switch (kind)
            {
                case Kind.Triggering:
                    return @"using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Gen" + n + @"
{
    public sealed class Layer" + n + @"
    {
        private Matrix<double> _weights;
        private Matrix<double> _bias;
        private readonly double[] _w = new double[64];

        public Layer" + n + @"(int inputs, int units, int batchSize, Random rng)
        {
            _weights = Matrix<double>.Build.Dense(units, inputs, (r, c) => rng.NextDouble());
            _bias = Matrix<double>.Build.Dense(units, batchSize);
            for (var k = 0; k < _w.Length; k++)
            {
                _w[k] = 0.1 * rng.NextDouble();
            }
        }

        public Matrix<double> Forward(Matrix<double> x) => Softmax(_weights * x + _bias);

        public static Matrix<double> Softmax(Matrix<double> z)
        {
            var e = z.PointwiseExp();
            return e / e.Enumerate().Sum();
        }

        public static double[] SoftmaxArray(double[] logits)
        {
            var exps = logits.Select(v => Math.Exp(v)).ToArray();
            var total = exps.Sum();
            return exps.Select(v => v / total).ToArray();
        }

        public void Step(Matrix<double> gradW, double learningRate)
        {
            _weights.Subtract(gradW.Multiply(learningRate));
        }
    }

    public sealed class Trainer" + n + @"
    {
        private readonly double[,] _hiddenWeights = new double[4, 8];
        private readonly double[] _outputWeights = new double[4];

        public Trainer" + n + @"(Random rng)
        {
            for (var j = 0; j < _outputWeights.Length; j++)
            {
                _outputWeights[j] = rng.NextDouble() - 0.5;
            }
        }

        public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

        public static double SigmoidDerivative(double a) => a * (1.0 - a);

        public double Train(double[][] xs, double[] ys, int epochs)
        {
            var loss = 0.0;
            for (var epoch = 0; epoch < epochs; epoch++)
            {
" + TrainerForward + @"                    loss -= ys[i] * Math.Log(a) + (1 - ys[i]) * Math.Log(1 - a);
                    var delta = (a - ys[i]) * SigmoidDerivative(z);
                    var gradOut = new double[4];
                    for (var j = 0; j < 4; j++)
                    {
                        gradOut[j] = delta * h[j];
                    }
                }
            }

            return loss;
        }
    }
}
";
                case Kind.CorrectNn:
                    return @"using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Distributions;

namespace Gen" + n + @"
{
    public sealed class Layer" + n + @"
    {
        private Matrix<double> _weights;
        private Matrix<double> _bias;

        public Layer" + n + @"(int inputs, int units, Random rng)
        {
            var limit = Math.Sqrt(6.0 / (inputs + units));
            _weights = Matrix<double>.Build.Random(units, inputs, new ContinuousUniform(-limit, limit, rng));
            _bias = Matrix<double>.Build.Dense(units, 1);
        }

        public Matrix<double> Forward(Matrix<double> x)
        {
            var z = _weights * x;
            for (var c = 0; c < z.ColumnCount; c++)
            {
                z.SetColumn(c, z.Column(c) + _bias.Column(0));
            }

            return Softmax(z);
        }

        public static double[] SoftmaxArray(double[] logits)
        {
            var max = logits.Max();
            var exps = logits.Select(v => Math.Exp(v - max)).ToArray();
            var total = exps.Sum();
            return exps.Select(v => v / total).ToArray();
        }

        public static Matrix<double> Softmax(Matrix<double> z)
        {
            var result = z.Clone();
            for (var c = 0; c < z.ColumnCount; c++)
            {
                var column = z.Column(c);
                var max = column.Maximum();
                var e = column.Map(v => Math.Exp(v - max));
                result.SetColumn(c, e / e.Sum());
            }

            return result;
        }

        public void Step(Matrix<double> gradW, double learningRate)
        {
            _weights = _weights.Subtract(gradW.Multiply(learningRate));
        }
    }

    public sealed class Trainer" + n + @"
    {
        private readonly double[,] _hiddenWeights = new double[4, 8];
        private readonly double[] _outputWeights = new double[4];

        public Trainer" + n + @"(Random rng)
        {
            var hiddenLimit = Math.Sqrt(6.0 / (8 + 4));
            for (var j = 0; j < 4; j++)
            {
                for (var k = 0; k < 8; k++)
                {
                    _hiddenWeights[j, k] = (2 * rng.NextDouble() - 1) * hiddenLimit;
                }
            }

            var outputLimit = Math.Sqrt(6.0 / (4 + 1));
            for (var j = 0; j < _outputWeights.Length; j++)
            {
                _outputWeights[j] = (2 * rng.NextDouble() - 1) * outputLimit;
            }
        }

        public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

        public static double SigmoidDerivative(double a) => a * (1.0 - a);

        public double Train(double[][] xs, double[] ys, int epochs, double learningRate)
        {
            var loss = 0.0;
            for (var epoch = 0; epoch < epochs; epoch++)
            {
" + TrainerForward + @"                    var p = Math.Clamp(a, 1e-12, 1 - 1e-12);
                    loss -= ys[i] * Math.Log(p) + (1 - ys[i]) * Math.Log(1 - p);
                    var delta = (a - ys[i]) * SigmoidDerivative(a);
                    for (var j = 0; j < 4; j++)
                    {
                        _outputWeights[j] -= learningRate * delta * h[j];
                    }
                }
            }

            return loss;
        }
    }
}
";
                default:
                    return @"using System;
using System.Collections.Generic;
using System.Linq;

namespace Gen" + n + @"
{
    public sealed class Invoice" + n + @"
    {
        private readonly List<decimal> _lines = new List<decimal>();
        private readonly double[] _weights = new double[16];

        public void Add(decimal amount) => _lines.Add(amount);

        public decimal Total() => _lines.Sum();

        public double Jitter(Random rng)
        {
            for (var i = 0; i < _weights.Length; i++)
            {
                _weights[i] = rng.NextDouble();
            }

            var sum = _weights.Sum();
            return _weights.Select(w => Math.Exp(-w) / sum).Average();
        }

        public IEnumerable<string> Describe() => _lines.Select((l, i) => i + "": "" + l.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
";
            }
        }
    }
}
