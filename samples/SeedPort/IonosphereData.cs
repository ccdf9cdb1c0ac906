using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace SeedPort
{
    /// <summary>
    /// samples/data/ionosphere.csv read the way the question's pandas code reads it: 34 feature columns f1..f34 as
    /// they are (no standardisation) and the label one-hot encoded like <c>pd.get_dummies</c> (column 0 = b, column 1 = g).
    /// </summary>
    public sealed class IonosphereData
    {
        private IonosphereData(Matrix<double> x, Matrix<double> y)
        {
            X = x;
            Y = y;
        }

        /// <summary>Features, one sample per row (351 × 34).</summary>
        public Matrix<double> X { get; }

        /// <summary>One-hot labels, one sample per row (351 × 2): column 0 = b, column 1 = g.</summary>
        public Matrix<double> Y { get; }

        /// <summary>The copy of samples/data/ionosphere.csv placed next to the program by the build.</summary>
        public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "ionosphere.csv");

        /// <summary>Reads the CSV (header <c>f1,...,f34,label</c>, labels <c>b</c>/<c>g</c>).</summary>
        public static IonosphereData Load(string? path = null)
        {
            path ??= DefaultPath;
            var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
            var header = lines[0].Split(',');
            var expected = Enumerable.Range(1, 34).Select(i => "f" + i.ToString(CultureInfo.InvariantCulture)).Append("label");
            if (!header.SequenceEqual(expected))
                throw new InvalidDataException($"{path}: expected the header f1,...,f34,label.");

            var features = new List<double[]>();
            var labels = new List<double[]>();
            foreach (var line in lines.Skip(1))
            {
                var cells = line.Split(',');
                features.Add(cells.Take(34).Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray());
                labels.Add(cells[34].Trim() switch
                {
                    "b" => new[] { 1.0, 0.0 },
                    "g" => new[] { 0.0, 1.0 },
                    var other => throw new InvalidDataException($"{path}: unknown label '{other}'."),
                });
            }

            return new IonosphereData(Matrix<double>.Build.DenseOfRowArrays(features), Matrix<double>.Build.DenseOfRowArrays(labels));
        }

        /// <summary>
        /// The train/test split: <c>first200</c> = rows 1–200 train, the other 151 test (the original authors' split);
        /// <c>shuffle70</c> = numpy <c>RandomState(42).permutation(351)</c>, the first round(0.7 · 351) = 246 train.
        /// </summary>
        public (Matrix<double> XTrain, Matrix<double> YTrain, Matrix<double> XTest, Matrix<double> YTest) Split(string kind)
        {
            int[] order;
            int nTrain;
            switch (kind)
            {
                case "first200":
                    order = Enumerable.Range(0, X.RowCount).ToArray();
                    nTrain = 200;
                    break;
                case "shuffle70":
                    order = new NumpyRandom(42).Permutation(X.RowCount);
                    nTrain = (int)Math.Round(0.7 * X.RowCount, MidpointRounding.ToEven);
                    break;
                default:
                    throw new ArgumentException($"Unknown split '{kind}' (first200 or shuffle70).", nameof(kind));
            }

            return (Rows(X, order.Take(nTrain)), Rows(Y, order.Take(nTrain)), Rows(X, order.Skip(nTrain)), Rows(Y, order.Skip(nTrain)));
        }

        private static Matrix<double> Rows(Matrix<double> m, IEnumerable<int> rows) =>
            Matrix<double>.Build.DenseOfRowVectors(rows.Select(m.Row));
    }
}
