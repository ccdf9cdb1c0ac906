// One epoch of the seed network (34-20-20-2 sigmoid, batch 1, 200 rows, plain SGD) with NnAnalyzers.Network against
// ../shared/reference/seed_numpy.py, and a 784-128-10 network at batch 64 on synthetic data against an equivalent
// numpy loop — both sides timed in the same run on the same machine, training steps only (no evaluation).
// Usage: dotnet run -c Release --project perf/NnAnalyzers.Network.Benchmarks [-- --data PATH --seed-script PATH --python /usr/bin/python3]
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MathNet.Numerics.LinearAlgebra;
using NnAnalyzers.Network;

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var root = FindRoot();
var dataPath = Arg("--data") ?? (root is null ? null : Path.Combine(root, "samples", "data", "ionosphere.csv"));
var seedScript = Arg("--seed-script") ?? (root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "reference", "seed_numpy.py")));
var python = Arg("--python") ?? "/usr/bin/python3";

Console.WriteLine($"runtime {Environment.Version}, {Environment.ProcessorCount} cores");

// ---- 1. seed network, one epoch = 200 batch-1 steps
double oursSeed;
if (dataPath is not null && File.Exists(dataPath))
{
    var data = CsvData.Load(dataPath);
    var (train, _) = Splits.Seed(data, SeedSplit.First200);
    oursSeed = SeedEpochMs(train.Features, train.OneHot(), epochs: 200);
}
else
{
    Console.WriteLine("ionosphere.csv not found (--data PATH); timing the seed network on random data of the same shape");
    oursSeed = SeedEpochMs(Random(34, 200, 1), Dataset.OneHot(Enumerable.Range(0, 200).Select(i => i % 2).ToArray(), 2), epochs: 200);
}

Console.WriteLine($"seed network 34-20-20-2, batch 1, 200 rows: NnAnalyzers.Network {oursSeed:F3} ms/epoch (median of 200 epochs)");
double? numpySeed = null;
if (seedScript is not null && File.Exists(seedScript))
{
    var output = RunPython(python, $"\"{seedScript}\" --long a_rand01_lr1e-4 0 100", null);
    var m = output is null ? null : Regex.Match(output, @"([0-9.]+) ms/epoch");
    if (m is not null && m.Success)
    {
        numpySeed = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        Console.WriteLine($"seed network, numpy (seed_numpy.py --long, 100 epochs): {numpySeed:F3} ms/epoch");
        Console.WriteLine($"ratio numpy / ours, seed network: {numpySeed / oursSeed:F1}x");
    }
}
else
{
    Console.WriteLine("seed_numpy.py not found (--seed-script PATH): no numpy comparison for the seed network");
}

// ---- 2. 784-128-10 at batch 64 on synthetic data, one epoch = 6400 samples = 100 steps
const int Samples = 6400, Batch = 64, Features = 784, Hidden = 128, Classes = 10;
var x = Random(Features, Samples, 2);
var labels = Enumerable.Range(0, Samples).Select(i => i % Classes).ToArray();
var y = Dataset.OneHot(labels, Classes);
var oursBig = BigEpochMs(x, y, epochs: 5);
Console.WriteLine($"784-128-10 sigmoid, batch 64, 6400 samples: NnAnalyzers.Network {oursBig:F1} ms/epoch (median of 5 epochs)");
var numpyBig = RunPython(python, "-", NumpyBigScript);
var mb = numpyBig is null ? null : Regex.Match(numpyBig, @"([0-9.]+) ms/epoch");
if (mb is not null && mb.Success)
{
    var v = double.Parse(mb.Groups[1].Value, CultureInfo.InvariantCulture);
    Console.WriteLine($"784-128-10, numpy ({numpyBig!.Trim()})");
    Console.WriteLine($"ratio numpy / ours, batch 64: {v / oursBig:F2}x");
}

return 0;

static double SeedEpochMs(Matrix<double> x, Matrix<double> y, int epochs)
{
    var net = DenseNetwork.Create(34, new[] { 20, 20 }, 2, new Random(0), Activation.Sigmoid);
    var optimizer = new SgdOptimizer(1e-4);
    var gradients = net.CreateGradients();
    var xi = Matrix<double>.Build.Dense(34, 1);
    var yi = Matrix<double>.Build.Dense(2, 1);
    var xs = x.AsColumnMajorArray() ?? x.ToColumnMajorArray();
    var ys = y.AsColumnMajorArray() ?? y.ToColumnMajorArray();
    var xiValues = xi.AsColumnMajorArray()!;
    var yiValues = yi.AsColumnMajorArray()!;
    var times = new double[epochs];
    for (var e = -20; e < epochs; e++)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < x.ColumnCount; i++)
        {
            // The sample's column, like numpy's X[i:i+1].T (column-major storage: one contiguous block).
            Array.Copy(xs, i * 34, xiValues, 0, 34);
            Array.Copy(ys, i * 2, yiValues, 0, 2);
            net.Backward(xi, yi, Loss.SoftmaxCrossEntropy, gradients);
            optimizer.Step(net, gradients);
        }

        if (e >= 0)
        {
            times[e] = clock.Elapsed.TotalMilliseconds;
        }
    }

    return Median(times);
}

static double BigEpochMs(Matrix<double> x, Matrix<double> y, int epochs)
{
    var net = DenseNetwork.Create(Features, new[] { Hidden }, Classes, new Random(0), Activation.Sigmoid);
    var optimizer = new SgdOptimizer(0.1);
    var gradients = net.CreateGradients();
    var xb = Matrix<double>.Build.Dense(Features, Batch);
    var yb = Matrix<double>.Build.Dense(Classes, Batch);
    var times = new double[epochs];
    for (var e = -1; e < epochs; e++)
    {
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < x.ColumnCount; start += Batch)
        {
            x.SubMatrix(0, Features, start, Batch).CopyTo(xb);
            y.SubMatrix(0, Classes, start, Batch).CopyTo(yb);
            net.Backward(xb, yb, Loss.SoftmaxCrossEntropy, gradients);
            optimizer.Step(net, gradients);
        }

        if (e >= 0)
        {
            times[e] = clock.Elapsed.TotalMilliseconds;
        }
    }

    return Median(times);
}

static double Median(double[] values)
{
    var sorted = values.OrderBy(v => v).ToArray();
    return sorted[sorted.Length / 2];
}

static Matrix<double> Random(int rows, int columns, int seed)
{
    var random = new Random(seed);
    return Matrix<double>.Build.Dense(rows, columns, (_, _) => (random.NextDouble() * 2.0) - 1.0);
}

static string? RunPython(string python, string arguments, string? stdin)
{
    try
    {
        var info = new ProcessStartInfo(python, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false };
        using var process = Process.Start(info)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.WriteLine($"{python} {arguments} failed: {output.Trim()}");
            return null;
        }

        return output;
    }
    catch (System.ComponentModel.Win32Exception e)
    {
        Console.WriteLine($"{python} not available ({e.Message}): no numpy comparison");
        return null;
    }
}

static string? FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "NnAnalyzers.sln")))
        {
            return dir.FullName;
        }
    }

    return null;
}

internal static partial class Program
{
    /// <summary>The numpy loop equivalent to BigEpochMs: same shapes, sigmoid hidden layer, softmax cross-entropy, SGD.</summary>
    private const string NumpyBigScript = """
import time, numpy as np
rs = np.random.RandomState(0)
F, H, C, N, B = 784, 128, 10, 6400, 64
X = rs.uniform(-1, 1, (F, N)); Y = np.eye(C)[np.arange(N) % C].T
l1 = np.sqrt(6.0 / (F + H)); l2 = np.sqrt(6.0 / (H + C))
W1 = rs.uniform(-l1, l1, (H, F)); b1 = np.zeros((H, 1)); W2 = rs.uniform(-l2, l2, (C, H)); b2 = np.zeros((C, 1))
lr = 0.1
def epoch():
    global W1, b1, W2, b2
    for s in range(0, N, B):
        x = X[:, s:s+B]; y = Y[:, s:s+B]
        a1 = 1.0 / (1.0 + np.exp(-(W1 @ x + b1)))
        z2 = W2 @ a1 + b2
        e = np.exp(z2 - z2.max(axis=0, keepdims=True)); p = e / e.sum(axis=0, keepdims=True)
        d2 = (p - y) / B
        dW2 = d2 @ a1.T; db2 = d2.sum(axis=1, keepdims=True)
        d1 = (W2.T @ d2) * a1 * (1 - a1)
        dW1 = d1 @ x.T; db1 = d1.sum(axis=1, keepdims=True)
        W1 -= lr * dW1; b1 -= lr * db1; W2 -= lr * dW2; b2 -= lr * db2
epoch()
t = []
for _ in range(5):
    t0 = time.perf_counter(); epoch(); t.append(time.perf_counter() - t0)
t.sort()
print("%.1f ms/epoch (median of 5), numpy %s" % (1000 * t[2], np.__version__))
""";
}
