// The question's task — Ionosphere, 34 → 20 sigmoid → 20 sigmoid → 2 softmax, batch 1, rows in file order — done
// right with NnAnalyzers.Network: zero-centred Glorot init, softmax cross-entropy from logits, the symptom monitor on.
// `--init uniform01 --lr 1e-4` brings back the question's initialisation, and the monitor says what went wrong.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NnAnalyzers.Network;

var options = SampleOptions.Parse(args);
if (options is null)
{
    return 2;
}

var dataPath = options.DataPath ?? FindData();
if (dataPath is null || !File.Exists(dataPath))
{
    Console.Error.WriteLine("ionosphere.csv not found: pass --data PATH (expected samples/data/ionosphere.csv under the repository root).");
    return 2;
}

var data = CsvData.Load(dataPath);
var (train, test) = Splits.Seed(data, options.Split, options.SplitSeed);
var xTrain = train.Features;
var xTest = test.Features;
if (options.Standardize)
{
    var scaler = Standardizer.Fit(xTrain);
    xTrain = scaler.Transform(xTrain);
    xTest = scaler.Transform(xTest);
}

Console.WriteLine(
    $"ionosphere: {data.Count} samples, {data.FeatureCount} features, classes {string.Join("/", data.Classes.Labels)}; split {options.SplitName}: train {train.Count} ({Counts(train)}), test {test.Count} ({Counts(test)})");
Console.WriteLine(
    $"network 34-20-20-2 sigmoid, init {options.Init}, {options.OptimizerName} lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {options.BatchSize}, {options.Epochs} epochs, seed {options.Seed}");

var run = Experiment.Run(options, options.Init, options.LearningRate, xTrain, train, xTest, test, verbose: true);

if (options.PlotPath is not null)
{
    // The comparison of the README: the question's init and learning rate against the defaults, same seed and data.
    var question = options.Init == "uniform01" && options.LearningRate == 1e-4 ? run : Experiment.Run(options, "uniform01", 1e-4, xTrain, train, xTest, test, verbose: false);
    var glorot = options.Init == "glorot" ? run : Experiment.Run(options, "glorot", SampleOptions.DefaultLearningRate, xTrain, train, xTest, test, verbose: false);
    Plot.Costs(options.PlotPath, question, glorot, TrainingPrior(train));
    Console.WriteLine($"plot written to {options.PlotPath}");
}

var json = new Dictionary<string, object?>
{
    ["init"] = options.Init,
    ["lr"] = options.LearningRate,
    ["batch"] = options.BatchSize,
    ["epochs"] = options.Epochs,
    ["seed"] = options.Seed,
    ["split"] = options.SplitName,
    ["init_cost"] = run.InitialCost,
    ["costs"] = run.Costs,
    ["train_acc"] = run.TrainAccuracy,
    ["test_acc"] = run.TestAccuracy,
    ["test_majority_frac"] = run.TestMajorityShare,
    ["ms_per_epoch"] = run.MillisecondsPerEpoch,
    ["prior_entropy"] = TrainingPrior(train),
    ["symptoms"] = run.Symptoms.Select(s => new Dictionary<string, object> { ["rule"] = s.RuleId, ["kind"] = s.Kind.ToString(), ["epoch"] = s.Epoch, ["layer"] = s.Layer }).ToArray(),
};
Console.WriteLine(JsonSerializer.Serialize(json));
return 0;

static string Counts(Dataset d) =>
    string.Join(" ", d.Classes.Labels.Select((label, k) => label + "=" + d.Labels.Count(l => l == k).ToString(CultureInfo.InvariantCulture)));

static double TrainingPrior(Dataset train)
{
    var entropy = 0.0;
    for (var k = 0; k < train.Classes.Count; k++)
    {
        var p = train.Labels.Count(l => l == k) / (double)train.Count;
        entropy -= p > 0 ? p * Math.Log(p) : 0;
    }

    return entropy;
}

static string? FindData()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "NnAnalyzers.sln")))
        {
            return Path.Combine(dir.FullName, "samples", "data", "ionosphere.csv");
        }
    }

    return null;
}

/// <summary>One training run and what the JSON line reports.</summary>
internal sealed record RunResult(
    string Init,
    double LearningRate,
    double InitialCost,
    double[] Costs,
    double TrainAccuracy,
    double TestAccuracy,
    double TestMajorityShare,
    double MillisecondsPerEpoch,
    IReadOnlyList<Symptom> Symptoms);

internal static class Experiment
{
    public static RunResult Run(SampleOptions options, string init, double learningRate, Matrix<double> xTrain, Dataset train, Matrix<double> xTest, Dataset test, bool verbose)
    {
        var random = new Random(options.Seed);
        var network = init switch
        {
            "uniform01" => QuestionNetwork(random),
            "he" => DenseNetwork.Create(34, new[] { 20, 20 }, 2, random, Activation.Sigmoid, initialization: Initialization.HeUniform),
            "lecun" => DenseNetwork.Create(34, new[] { 20, 20 }, 2, random, Activation.Sigmoid, initialization: Initialization.LeCunNormal),
            _ => DenseNetwork.Create(34, new[] { 20, 20 }, 2, random, Activation.Sigmoid),
        };

        Optimizer optimizer = options.OptimizerName == "adam" ? new AdamOptimizer(learningRate) : new SgdOptimizer(learningRate, options.Momentum);
        var monitor = options.Monitor ? new TrainingMonitor(verbose ? new ConsoleSymptoms() : null) : null;
        var trainer = new Trainer(network, Loss.SoftmaxCrossEntropy, optimizer, new TrainerOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            Shuffle = options.Shuffle,
            Seed = options.Seed,
            Monitor = monitor,
        });

        var yTrain = train.OneHot();
        var yTest = test.OneHot();
        var initialCost = trainer.Evaluate(xTrain, yTrain).Loss;
        var clock = Stopwatch.StartNew();
        var result = trainer.Fit(xTrain, yTrain, xTest, yTest, verbose ? new ConsoleProgress(options.Epochs) : null);
        clock.Stop();
        var predicted = network.PredictClasses(xTest);
        var majority = predicted.GroupBy(p => p).Max(g => g.Count()) / (double)predicted.Length;
        var testAccuracy = Evaluation.Accuracy(predicted, test.Labels);
        if (verbose)
        {
            Console.WriteLine($"test accuracy {testAccuracy:F3}; confusion (rows actual {string.Join("/", test.Classes.Labels)}, columns predicted):");
            Console.Write(Evaluation.ConfusionMatrix(predicted, test.Labels, test.Classes.Count));
        }

        return new RunResult(
            init,
            learningRate,
            initialCost,
            result.History.Select(h => Math.Round(h.TrainingLoss, 6)).ToArray(),
            Evaluation.Accuracy(network.PredictClasses(xTrain), train.Labels),
            testAccuracy,
            majority,
            clock.Elapsed.TotalMilliseconds / Math.Max(1, result.History.Count),
            result.Symptoms);
    }

    /// <summary>
    /// The question's initialisation, kept on purpose to show its symptoms: every weight and bias from [0, 1).
    /// NN0001 flags exactly this; the suppression says the bug is deliberate here.
    /// </summary>
    private static DenseNetwork QuestionNetwork(Random random)
    {
        var layers = new List<DenseLayer>();
        var sizes = new[] { 34, 20, 20, 2 };
        for (var i = 0; i < sizes.Length - 1; i++)
        {
            var weights = Matrix<double>.Build.Dense(sizes[i + 1], sizes[i]);
            var biases = Vector<double>.Build.Dense(sizes[i + 1]);
#pragma warning disable NN0001 // deliberate: this reproduces the question's bug
            for (var r = 0; r < weights.RowCount; r++)
            {
                for (var c = 0; c < weights.ColumnCount; c++)
                {
                    weights[r, c] = random.NextDouble();
                }

                biases[r] = random.NextDouble();
            }
#pragma warning restore NN0001
            layers.Add(new DenseLayer(weights, biases, i == sizes.Length - 2 ? Activation.Identity : Activation.Sigmoid));
        }

        return new DenseNetwork(layers);
    }
}

/// <summary>
/// Prints the cost every 20 epochs (like the original) and the last epoch; on a terminal, a progress bar between them
/// is redrawn in place after every epoch.
/// </summary>
internal sealed class ConsoleProgress : IProgress<EpochReport>
{
    private readonly int _epochs;
    private readonly bool _interactive = !Console.IsOutputRedirected;

    public ConsoleProgress(int epochs) => _epochs = epochs;

    public void Report(EpochReport value)
    {
        if (value.Epoch % 20 == 0 || value.Epoch == 1 || value.Epoch == _epochs)
        {
            Console.Write(_interactive ? "\r" + new string(' ', 70) + "\r" : string.Empty);
            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "epoch {0,4}/{1}  cost {2:F4}  train acc {3:F3}  test acc {4:F3}  {5:F1} s",
                value.Epoch,
                value.Epochs,
                value.TrainingLoss,
                value.TrainingAccuracy,
                value.ValidationAccuracy,
                value.Elapsed.TotalSeconds));
        }
        else if (_interactive)
        {
            var filled = (int)Math.Round(30.0 * value.Epoch / value.Epochs);
            Console.Write(string.Format(
                CultureInfo.InvariantCulture,
                "\r[{0}{1}] epoch {2}/{3}  cost {4:F4}",
                new string('#', filled),
                new string('.', 30 - filled),
                value.Epoch,
                value.Epochs,
                value.TrainingLoss));
        }
    }
}

/// <summary>Prints each symptom when the monitor finds it.</summary>
internal sealed class ConsoleSymptoms : IProgress<Symptom>
{
    public void Report(Symptom value) => Console.WriteLine("  monitor: " + value);
}

internal static class Plot
{
    public static void Costs(string path, RunResult question, RunResult glorot, double priorEntropy)
    {
        var plot = new ScottPlot.Plot();
        var q = plot.Add.Scatter(Enumerable.Range(1, question.Costs.Length).Select(e => (double)e).ToArray(), question.Costs);
        q.LegendText = $"--init uniform01 --lr {question.LearningRate.ToString(CultureInfo.InvariantCulture)} (the question): test acc {question.TestAccuracy:F3}";
        q.MarkerSize = 0;
        var g = plot.Add.Scatter(Enumerable.Range(1, glorot.Costs.Length).Select(e => (double)e).ToArray(), glorot.Costs);
        g.LegendText = $"--init glorot --lr {glorot.LearningRate.ToString(CultureInfo.InvariantCulture)} (default): test acc {glorot.TestAccuracy:F3}";
        g.MarkerSize = 0;
        var prior = plot.Add.HorizontalLine(priorEntropy);
        prior.LegendText = $"entropy of the class prior ({priorEntropy:F4})";
        prior.LinePattern = ScottPlot.LinePattern.Dashed;
        plot.Title("Ionosphere, 34-20-20-2 sigmoid, batch 1: training cost per epoch");
        plot.XLabel("epoch");
        plot.YLabel("training cost (mean cross-entropy)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 900, 500);
    }
}

/// <summary>Command line: --data, --init glorot|he|lecun|uniform01, --lr, --batch, --epochs, --seed, --split, --optimizer, --momentum, --shuffle, --standardize, --no-monitor, --plot.</summary>
internal sealed class SampleOptions
{
    public const double DefaultLearningRate = 1e-2;

    public string? DataPath { get; private set; }

    public string Init { get; private set; } = "glorot";

    public double LearningRate { get; private set; } = DefaultLearningRate;

    public int BatchSize { get; private set; } = 1;

    public int Epochs { get; private set; } = 400;

    public int Seed { get; private set; }

    public SeedSplit Split { get; private set; } = SeedSplit.First200;

    public string SplitName => Split == SeedSplit.First200 ? "first200" : "shuffle70";

    public int SplitSeed { get; private set; } = Splits.Shuffle70Seed;

    public string OptimizerName { get; private set; } = "sgd";

    public double Momentum { get; private set; }

    public bool Shuffle { get; private set; }

    public bool Standardize { get; private set; }

    public bool Monitor { get; private set; } = true;

    public string? PlotPath { get; private set; }

    public static SampleOptions? Parse(string[] args)
    {
        var o = new SampleOptions();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                double Number() => double.Parse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture);
                switch (args[i])
                {
                    case "--data": o.DataPath = Next(); break;
                    case "--init":
                        o.Init = Next();
                        if (o.Init is not ("glorot" or "he" or "lecun" or "uniform01"))
                        {
                            throw new ArgumentException("--init must be glorot, he, lecun or uniform01");
                        }

                        break;
                    case "--lr": o.LearningRate = Number(); break;
                    case "--batch": o.BatchSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--epochs": o.Epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--seed": o.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--split-seed": o.SplitSeed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--split":
                        var split = Next();
                        o.Split = split == "first200" ? SeedSplit.First200 : split == "shuffle70" ? SeedSplit.Shuffle70 : throw new ArgumentException("--split must be first200 or shuffle70");
                        break;
                    case "--optimizer": o.OptimizerName = Next() == "adam" ? "adam" : "sgd"; break;
                    case "--momentum": o.Momentum = Number(); break;
                    case "--shuffle": o.Shuffle = true; break;
                    case "--standardize": o.Standardize = true; break;
                    case "--no-monitor": o.Monitor = false; break;
                    case "--plot": o.PlotPath = Next(); break;
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine("usage: Ionosphere [--data PATH] [--init glorot|he|lecun|uniform01] [--lr 1e-2] [--batch 1] [--epochs 400] [--seed 0] [--split first200|shuffle70] [--optimizer sgd|adam] [--momentum 0] [--shuffle] [--standardize] [--no-monitor] [--plot cost.png]");
            return null;
        }

        return o;
    }
}
