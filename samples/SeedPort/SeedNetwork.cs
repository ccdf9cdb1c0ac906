using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace SeedPort
{
    /// <summary>
    /// The network of the question (shared/seed/question.txt), ported function by function from numpy to
    /// MathNet.Numerics. Its bugs are kept on purpose: they are what NnAnalyzers has to find.
    /// Data layout as in the question: <c>x</c> has one sample per row; inside the network
    /// <c>a[0] = x.T</c> holds one sample per column.
    /// </summary>
    public static class SeedNetwork
    {
        // init_model: np.random.rand(n_out, n_in) and np.random.rand(n_out, batch)
        public static (Dictionary<int, Matrix<double>> W, Dictionary<int, Matrix<double>> B) InitModel(int inputs, int[] nodes, int outputs, int batch, Random rng)
        {
            var w = new Dictionary<int, Matrix<double>>();
            var b = new Dictionary<int, Matrix<double>>();
            var n = new[] { inputs }.Concat(nodes).Append(outputs).ToArray();   // number of units per layer, in and out included
            for (var i = 0; i < n.Length - 1; i++)
            {
                w[i] = Rand(rng, n[i + 1], n[i]);     // row = output ; column = input
                b[i] = Rand(rng, n[i + 1], batch);    // row = nodes ; column = batch = 1
            }

            return (w, b);
        }

        // np.random.rand(rows, cols): row-major fill, like numpy
        public static Matrix<double> Rand(Random rng, int rows, int cols)
        {
            var m = Matrix<double>.Build.Dense(rows, cols);
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < cols; c++)
                    m[r, c] = rng.NextDouble();
            return m;
        }

        // Activation functions
        public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

        // takes the activation a = sig(z), like the question's sig_deriv
        public static Matrix<double> SigDeriv(Matrix<double> x) => x.PointwiseMultiply(1.0 - x);

        public static Matrix<double> Softmax(Matrix<double> x)
        {
            var z = x.PointwiseExp();
            var s = z.Enumerate().Sum();
            return z / s;
        }

        // forward_prop: a[0] = x.T (features x batch, one sample per column); z[i] = w[i-1] * a[i-1] + b[i-1]
        public static (Matrix<double> Pred, Dictionary<int, Matrix<double>> A) ForwardProp(Matrix<double> x, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
        {
            var z = new Dictionary<int, Matrix<double>>();
            var a = new Dictionary<int, Matrix<double>>();
            a[0] = x.Transpose();
            var last = w.Count;
            for (var i = 1; i <= last; i++)
            {
                z[i] = w[i - 1] * a[i - 1] + b[i - 1];
                if (i == last)
                    a[i] = Softmax(z[i]);
                else
                    a[i] = Sig(z[i]);
            }

            var pred = a[last];
            return (pred, a);
        }

        // back_prop: returns the gradients, writes nothing.
        // The post's loop special-cases i == last - 1 as d[i] = w[i].T.dot(d[i+1]) without sig_deriv; the program
        // that produced the question's numbers (shared/reference/seed_numpy.py) multiplies every hidden delta by
        // sig_deriv(a[i]), and so does this port, so that it reproduces those numbers exactly.
        public static (Dictionary<int, Matrix<double>> DW, Dictionary<int, Matrix<double>> DB) BackProp(Matrix<double> y, Matrix<double> p, Dictionary<int, Matrix<double>> a, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
        {
            var d = new Dictionary<int, Matrix<double>>();
            var dW = new Dictionary<int, Matrix<double>>();
            var dB = new Dictionary<int, Matrix<double>>();
            var last = w.Count;
            d[last] = p - y.Transpose();
            for (var i = last - 1; i >= 0; i--)
            {
                if (i != 0)   // no need to get d[0]
                    d[i] = (w[i].Transpose() * d[i + 1]).PointwiseMultiply(SigDeriv(a[i]));
                dW[i] = d[i + 1] * a[i].Transpose();
                dB[i] = d[i + 1].RowSums().ToColumnMatrix();   // np.sum(d, axis=1, keepdims=True)
            }

            return (dW, dB);
        }

        // update: w[i] = w[i] - a * d_w[i]; b[i] = b[i] - a * d_b[i]
        public static (Dictionary<int, Matrix<double>> W, Dictionary<int, Matrix<double>> B) Update(Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, Dictionary<int, Matrix<double>> dW, Dictionary<int, Matrix<double>> dB, double learnRate)
        {
            for (var i = 0; i < w.Count; i++)
            {
                w[i] = w[i] - learnRate * dW[i];
                b[i] = b[i] - learnRate * dB[i];
            }

            return (w, b);
        }

        // sum_error: np.sum(y.T * np.log(p))
        public static double SumError(Matrix<double> y, Matrix<double> p) => y.Transpose().PointwiseMultiply(p.PointwiseLog()).Enumerate().Sum();

        // cal_acc (not shown in the question): share of predictions equal to the true class
        public static double CalAcc(int[] trueValues, int[] predictions) =>
            trueValues.Zip(predictions, (t, p) => t == p ? 1.0 : 0.0).Average();

        // np.argmax(y, axis=1)
        public static int[] ArgMaxRows(Matrix<double> y) =>
            Enumerable.Range(0, y.RowCount).Select(r => y.Row(r).MaximumIndex()).ToArray();

        // train, as posted
        public static TrainResult Train(Matrix<double> x, Matrix<double> y, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, int epochs, double learnRate, int batch,
            TextWriter? log = null, Action<int, Dictionary<int, Matrix<double>>, Dictionary<int, Matrix<double>>>? afterEpoch = null)
        {
            log ??= Console.Out;
            var c = new List<double>();
            var tV = ArgMaxRows(y);                 // true value (1 / 0)
            var errRate = new double[epochs];       // error rate for each epoch
            var watch = new Stopwatch();
            for (var i = 0; i < epochs; i++)
            {
                watch.Start();
                double e = 0;                       // reset
                var p = new int[x.RowCount];        // prediction (1 / 0)
                for (var k = 0; k < x.RowCount; k++)   // loop through training datasets
                {
                    var xk = x.SubMatrix(k, batch, 0, x.ColumnCount);
                    var yk = y.SubMatrix(k, batch, 0, y.ColumnCount);
                    var (pred, layer) = ForwardProp(xk, w, b);
                    e += SumError(yk, pred);
                    p[k] = pred.Column(0).MaximumIndex();   // prediction (1 / 0)
                    BackProp(yk, pred, layer, w, b);
                }

                var cost = -e / x.RowCount;
                c.Add(cost);
                errRate[i] = CalAcc(tV, p);
                watch.Stop();
                if (i % (epochs / 20.0) == 0)
                    log.WriteLine(FormattableString.Invariant($"iteration: {i}  cost: {cost}"));
                afterEpoch?.Invoke(i, w, b);
            }

            return new TrainResult(c, errRate, w, b, watch.Elapsed.TotalMilliseconds / Math.Max(1, epochs));
        }

        /// <summary>
        /// Cost and predicted classes over a whole data set, each sample through the network on its own
        /// (batch 1, so each sample gets its own softmax).
        /// </summary>
        public static (double Cost, int[] Predictions) Evaluate(Matrix<double> x, Matrix<double> y, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
        {
            double e = 0;
            var predictions = new int[x.RowCount];
            for (var k = 0; k < x.RowCount; k++)
            {
                var (pred, _) = ForwardProp(x.SubMatrix(k, 1, 0, x.ColumnCount), w, b);
                e += SumError(y.SubMatrix(k, 1, 0, y.ColumnCount), pred);
                predictions[k] = pred.Column(0).MaximumIndex();
            }

            return (-e / x.RowCount, predictions);
        }
    }

    /// <summary>What <see cref="SeedNetwork.Train"/> returns: the question's <c>c, err_rate, w, b</c> plus the time.</summary>
    public sealed class TrainResult
    {
        public TrainResult(IReadOnlyList<double> costs, IReadOnlyList<double> accuracies, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b, double msPerEpoch)
        {
            Costs = costs;
            Accuracies = accuracies;
            W = w;
            B = b;
            MsPerEpoch = msPerEpoch;
        }

        /// <summary>The running cost of each epoch, <c>-e / len(x)</c>, accumulated while the epoch ran.</summary>
        public IReadOnlyList<double> Costs { get; }

        /// <summary>The training accuracy of each epoch's running predictions (the question's <c>err_rate</c>, which holds <c>cal_acc</c>).</summary>
        public IReadOnlyList<double> Accuracies { get; }

        public Dictionary<int, Matrix<double>> W { get; }

        public Dictionary<int, Matrix<double>> B { get; }

        /// <summary>Mean wall time of one training epoch in milliseconds (the <c>afterEpoch</c> callback excluded).</summary>
        public double MsPerEpoch { get; }
    }
}
