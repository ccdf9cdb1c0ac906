using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace SeedPort
{
    /// <summary>
    /// Runs the question's program: 34 → 20 sigmoid → 20 sigmoid → 2 softmax, batch 1, trained with the question's
    /// loop (which throws the gradients away). Prints the running cost every epochs/20 epochs like the original and,
    /// as the last line, one JSON object with the measured numbers.
    /// </summary>
    public static class Program
    {
        // the question's constants
        private const int BatchSize = 1;
        private static readonly int[] Nodes = { 20, 20 };   // nodes of each hidden layer
        private const int OutputNode = 2;

        public static int Main(string[] args)
        {
            var seed = 0L;
            var learnRate = 0.0001;
            var epochs = 400;
            var split = "first200";
            string? dataPath = null;
            try
            {
                for (var i = 0; i < args.Length; i++)
                {
                    var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
                    switch (args[i])
                    {
                        case "--seed": seed = long.Parse(value, CultureInfo.InvariantCulture); break;
                        case "--lr": learnRate = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture); break;
                        case "--epochs": epochs = int.Parse(value, CultureInfo.InvariantCulture); break;
                        case "--split": split = value; break;
                        case "--data": dataPath = value; break;
                        default: throw new ArgumentException($"Unknown option {args[i]}.");
                    }

                    i++;
                }

                if (epochs < 1)
                    throw new ArgumentException("--epochs must be at least 1.");
                if (split != "first200" && split != "shuffle70")
                    throw new ArgumentException("--split must be first200 or shuffle70.");
            }
            catch (Exception e) when (e is ArgumentException || e is FormatException || e is OverflowException)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine("usage: SeedPort [--seed 0] [--lr 1e-4] [--epochs 400] [--split first200|shuffle70] [--data path/to/ionosphere.csv]");
                return 2;
            }

            var data = IonosphereData.Load(dataPath);
            var (xTrain, yTrain, xTest, yTest) = data.Split(split);

            var rng = new NumpyRandom(seed);
            var (w, b) = SeedNetwork.InitModel(xTrain.ColumnCount, Nodes, OutputNode, BatchSize, rng);

            var (initCost, _) = SeedNetwork.Evaluate(xTrain, yTrain, w, b);
            var costs = new List<double>();
            var result = SeedNetwork.Train(xTrain, yTrain, w, b, epochs, learnRate, BatchSize, Console.Out,
                (epoch, wNow, bNow) => costs.Add(SeedNetwork.Evaluate(xTrain, yTrain, wNow, bNow).Cost));

            var trainTrue = SeedNetwork.ArgMaxRows(yTrain);
            var testTrue = SeedNetwork.ArgMaxRows(yTest);
            var (_, trainPred) = SeedNetwork.Evaluate(xTrain, yTrain, result.W, result.B);
            var (_, testPred) = SeedNetwork.Evaluate(xTest, yTest, result.W, result.B);
            var testCounts = new[] { testPred.Count(p => p == 0), testPred.Count(p => p == 1) };

            Console.WriteLine(Json(writer =>
            {
                writer.WriteNumber("seed", seed);
                writer.WriteNumber("lr", learnRate);
                writer.WriteNumber("epochs", epochs);
                writer.WriteString("split", split);
                Number(writer, "init_cost", initCost);
                Numbers(writer, "costs", costs);
                Numbers(writer, "running_costs", result.Costs);
                writer.WriteNumber("train_acc", SeedNetwork.CalAcc(trainTrue, trainPred));
                writer.WriteNumber("test_acc", SeedNetwork.CalAcc(testTrue, testPred));
                writer.WriteStartArray("test_pred_counts_b_g");
                writer.WriteNumberValue(testCounts[0]);
                writer.WriteNumberValue(testCounts[1]);
                writer.WriteEndArray();
                writer.WriteNumber("test_majority_frac", (double)testCounts.Max() / testPred.Length);
                writer.WriteNumber("ms_per_epoch", Math.Round(result.MsPerEpoch, 3));
            }));
            return 0;
        }

        private static string Json(Action<Utf8JsonWriter> body)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                body(writer);
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }

        // JSON has no NaN or infinity: such costs are written as null
        private static void Number(Utf8JsonWriter writer, string name, double value)
        {
            if (double.IsFinite(value))
                writer.WriteNumber(name, value);
            else
                writer.WriteNull(name);
        }

        private static void Numbers(Utf8JsonWriter writer, string name, IEnumerable<double> values)
        {
            writer.WriteStartArray(name);
            foreach (var v in values)
            {
                if (double.IsFinite(v))
                    writer.WriteNumberValue(v);
                else
                    writer.WriteNullValue();
            }

            writer.WriteEndArray();
        }
    }
}
