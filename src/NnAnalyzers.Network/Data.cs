using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>
    /// The mapping between text labels and class indices: labels sorted ordinally, index 0 first (for Ionosphere
    /// "b" = 0, "g" = 1).
    /// </summary>
    public sealed class LabelMap
    {
        private readonly string[] _labels;
        private readonly Dictionary<string, int> _indices;

        /// <summary>Creates a map from the distinct labels, sorted ordinally.</summary>
        public LabelMap(IEnumerable<string> labels)
        {
            Guard.NotNull(labels, nameof(labels));
            _labels = labels.Distinct(StringComparer.Ordinal).OrderBy(l => l, StringComparer.Ordinal).ToArray();
            if (_labels.Length == 0)
            {
                throw new ArgumentException("'labels' is empty; a label map needs at least one class.", nameof(labels));
            }

            _indices = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < _labels.Length; i++)
            {
                _indices[_labels[i]] = i;
            }
        }

        /// <summary>Number of classes.</summary>
        public int Count => _labels.Length;

        /// <summary>The labels in class-index order.</summary>
        public IReadOnlyList<string> Labels => _labels;

        /// <summary>The class index of <paramref name="label"/>.</summary>
        public int IndexOf(string label)
        {
            Guard.NotNull(label, nameof(label));
            if (!_indices.TryGetValue(label, out var index))
            {
                throw new ArgumentException($"'label' \"{label}\" is not one of the {Count} known labels ({string.Join(", ", _labels)}).", nameof(label));
            }

            return index;
        }

        /// <summary>The label of class <paramref name="index"/>.</summary>
        public string LabelOf(int index)
        {
            if (index < 0 || index >= Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"'index' must lie in [0, {Count}).");
            }

            return _labels[index];
        }
    }

    /// <summary>
    /// A labelled data set: <see cref="Features"/> is features × samples (one sample per column), <see cref="Labels"/>
    /// holds one class index per sample.
    /// </summary>
    public sealed class Dataset
    {
        /// <summary>
        /// Creates a data set from features (features × samples, one sample per column, finite), one class index per
        /// sample in [0, classes.Count), the label map and optional feature names.
        /// </summary>
        public Dataset(Matrix<double> features, int[] labels, LabelMap classes, IReadOnlyList<string>? featureNames = null)
        {
            Guard.NotEmpty(features, nameof(features));
            Guard.NotNull(labels, nameof(labels));
            Guard.NotNull(classes, nameof(classes));
            if (labels.Length != features.ColumnCount)
            {
                throw new ArgumentException(
                    $"'labels' has {labels.Length} entries but 'features' is {Guard.Shape(features)} (features × samples): one label per sample (column) is needed.",
                    nameof(labels));
            }

            Guard.Finite(features, nameof(features));
            Evaluation.CheckLabels(labels, classes.Count, nameof(labels));
            if (featureNames is not null && featureNames.Count != features.RowCount)
            {
                throw new ArgumentException(
                    $"'featureNames' has {featureNames.Count} names but 'features' has {features.RowCount} rows.", nameof(featureNames));
            }

            Features = features;
            Labels = labels;
            Classes = classes;
            FeatureNames = featureNames ?? Enumerable.Range(1, features.RowCount).Select(i => "f" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        }

        /// <summary>Features × samples (one sample per column).</summary>
        public Matrix<double> Features { get; }

        /// <summary>One class index per sample (column).</summary>
        public int[] Labels { get; }

        /// <summary>Label ↔ class-index mapping.</summary>
        public LabelMap Classes { get; }

        /// <summary>The name of each feature row.</summary>
        public IReadOnlyList<string> FeatureNames { get; }

        /// <summary>Number of samples (columns).</summary>
        public int Count => Features.ColumnCount;

        /// <summary>Number of features (rows).</summary>
        public int FeatureCount => Features.RowCount;

        /// <summary>One-hot targets, classes × samples (one sample per column).</summary>
        public Matrix<double> OneHot() => OneHot(Labels, Classes.Count);

        /// <summary>One-hot targets, classes × samples (one sample per column), from class indices in [0, classCount).</summary>
        public static Matrix<double> OneHot(int[] labels, int classCount)
        {
            Guard.NotNull(labels, nameof(labels));
            Guard.Positive(classCount, nameof(classCount));
            if (labels.Length == 0)
            {
                throw new ArgumentException("'labels' is empty.", nameof(labels));
            }

            Evaluation.CheckLabels(labels, classCount, nameof(labels));
            var result = Matrix<double>.Build.Dense(classCount, labels.Length);
            for (var i = 0; i < labels.Length; i++)
            {
                result[labels[i], i] = 1.0;
            }

            return result;
        }

        /// <summary>The samples at <paramref name="indices"/>, in that order (a copy).</summary>
        public Dataset Subset(IReadOnlyList<int> indices)
        {
            Guard.NotNull(indices, nameof(indices));
            if (indices.Count == 0)
            {
                throw new ArgumentException("'indices' is empty; a data set needs at least one sample.", nameof(indices));
            }

            var features = Matrix<double>.Build.Dense(FeatureCount, indices.Count);
            var labels = new int[indices.Count];
            for (var k = 0; k < indices.Count; k++)
            {
                var i = indices[k];
                if (i < 0 || i >= Count)
                {
                    throw new ArgumentOutOfRangeException(nameof(indices), i, $"'indices'[{k}] = {i} is outside [0, {Count}).");
                }

                features.SetColumn(k, Features.Column(i));
                labels[k] = Labels[i];
            }

            return new Dataset(features, labels, Classes, FeatureNames);
        }

        /// <summary>The same samples with features replaced (features × samples, one sample per column, same number of samples).</summary>
        public Dataset WithFeatures(Matrix<double> features) => new Dataset(features, Labels, Classes, FeatureNames);
    }

    /// <summary>CSV loading: a header line, numeric feature columns, one text label column. Samples become columns.</summary>
    public static class CsvData
    {
        /// <summary>Loads <paramref name="path"/>; see <see cref="Load(TextReader, string)"/>.</summary>
        public static Dataset Load(string path, string labelColumn = "label")
        {
            Guard.NotNull(path, nameof(path));
            using (var reader = new StreamReader(path))
            {
                return Load(reader, labelColumn);
            }
        }

        /// <summary>
        /// Reads a CSV with a header; the column named <paramref name="labelColumn"/> holds the labels (mapped to class
        /// indices by sorted label, see <see cref="LabelMap"/>), every other column a number (invariant culture). The
        /// result holds one sample per column of <see cref="Dataset.Features"/>. Blank lines are skipped.
        /// </summary>
        public static Dataset Load(TextReader reader, string labelColumn = "label")
        {
            Guard.NotNull(reader, nameof(reader));
            Guard.NotNull(labelColumn, nameof(labelColumn));
            var header = reader.ReadLine();
            if (header is null || header.Trim().Length == 0)
            {
                throw new ArgumentException("'reader' is empty: a header line is expected.", nameof(reader));
            }

            var names = header.Split(',').Select(n => n.Trim()).ToArray();
            var labelIndex = Array.IndexOf(names, labelColumn);
            if (labelIndex < 0)
            {
                throw new ArgumentException(
                    $"'labelColumn' \"{labelColumn}\" is not in the header ({string.Join(", ", names)}).", nameof(labelColumn));
            }

            var rows = new List<double[]>();
            var labels = new List<string>();
            string? line;
            var lineNumber = 1;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                var cells = line.Split(',');
                if (cells.Length != names.Length)
                {
                    throw new FormatException($"Line {lineNumber} has {cells.Length} fields; the header has {names.Length}.");
                }

                var values = new double[names.Length - 1];
                var k = 0;
                for (var c = 0; c < cells.Length; c++)
                {
                    if (c == labelIndex)
                    {
                        continue;
                    }

                    if (!double.TryParse(cells[c].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !Guard.IsFinite(v))
                    {
                        throw new FormatException($"Line {lineNumber}, column \"{names[c]}\": \"{cells[c]}\" is not a finite number.");
                    }

                    values[k++] = v;
                }

                rows.Add(values);
                labels.Add(cells[labelIndex].Trim());
            }

            if (rows.Count == 0)
            {
                throw new ArgumentException("'reader' has a header but no data rows.", nameof(reader));
            }

            var map = new LabelMap(labels);
            var features = Matrix<double>.Build.Dense(names.Length - 1, rows.Count, (r, c) => rows[c][r]);
            var featureNames = names.Where((_, i) => i != labelIndex).ToArray();
            return new Dataset(features, labels.Select(map.IndexOf).ToArray(), map, featureNames);
        }
    }

    /// <summary>
    /// Standardisation x′ = (x − mean) / sd per feature (row), fitted on training samples (columns) only and then applied
    /// to any split. The standard deviation is the population one; a constant feature gets sd = 1 (it becomes 0).
    /// </summary>
    public sealed class Standardizer
    {
        private Standardizer(Vector<double> means, Vector<double> deviations)
        {
            Means = means;
            StandardDeviations = deviations;
        }

        /// <summary>The mean of each feature (row) over the fitted samples.</summary>
        public Vector<double> Means { get; }

        /// <summary>The population standard deviation of each feature (1 for constant features).</summary>
        public Vector<double> StandardDeviations { get; }

        /// <summary>Fits on <paramref name="trainingFeatures"/> (features × samples, one sample per column).</summary>
        public static Standardizer Fit(Matrix<double> trainingFeatures)
        {
            Guard.NotEmpty(trainingFeatures, nameof(trainingFeatures));
            Guard.Finite(trainingFeatures, nameof(trainingFeatures));
            var n = trainingFeatures.ColumnCount;
            var means = Vector<double>.Build.Dense(trainingFeatures.RowCount);
            var deviations = Vector<double>.Build.Dense(trainingFeatures.RowCount);
            for (var r = 0; r < trainingFeatures.RowCount; r++)
            {
                var mean = 0.0;
                for (var c = 0; c < n; c++)
                {
                    mean += trainingFeatures.At(r, c);
                }

                mean /= n;
                var variance = 0.0;
                for (var c = 0; c < n; c++)
                {
                    var d = trainingFeatures.At(r, c) - mean;
                    variance += d * d;
                }

                var sd = Math.Sqrt(variance / n);
                means[r] = mean;
                deviations[r] = sd > 0 ? sd : 1.0;
            }

            return new Standardizer(means, deviations);
        }

        /// <summary>Standardises <paramref name="features"/> (features × samples, one sample per column); returns a new matrix.</summary>
        public Matrix<double> Transform(Matrix<double> features)
        {
            Guard.NotEmpty(features, nameof(features));
            if (features.RowCount != Means.Count)
            {
                throw new ArgumentException(
                    $"'features' is {Guard.Shape(features)} but the standardizer was fitted on {Means.Count} features (rows; samples are columns).",
                    nameof(features));
            }

            return Matrix<double>.Build.Dense(features.RowCount, features.ColumnCount, (r, c) => (features.At(r, c) - Means[r]) / StandardDeviations[r]);
        }
    }

    /// <summary>The two splits of the seed experiment.</summary>
    public enum SeedSplit
    {
        /// <summary>The first 200 samples train, the rest test (file order; the question's split).</summary>
        First200,

        /// <summary>
        /// A seeded 70/30 shuffle: the permutation numpy's <c>RandomState(42).permutation(n)</c> gives (bit for bit), the
        /// first round(0.7 · n) samples of it train, the rest test.
        /// </summary>
        Shuffle70,
    }

    /// <summary>Train/test splits of a <see cref="Dataset"/> (samples are columns).</summary>
    public static class Splits
    {
        /// <summary>The default seed of <see cref="SeedSplit.Shuffle70"/>.</summary>
        public const int Shuffle70Seed = 42;

        /// <summary>
        /// One of the seed splits: <see cref="SeedSplit.First200"/> (first 200 samples train) or
        /// <see cref="SeedSplit.Shuffle70"/> (numpy's <c>RandomState(seed).permutation(n)</c>, reproduced exactly; the
        /// first round(0.7 · n) samples of the permutation train). Samples are columns of <see cref="Dataset.Features"/>.
        /// </summary>
        public static (Dataset Train, Dataset Test) Seed(Dataset data, SeedSplit split, int seed = Shuffle70Seed)
        {
            Guard.NotNull(data, nameof(data));
            switch (split)
            {
                case SeedSplit.First200:
                    return First(data, 200);
                case SeedSplit.Shuffle70:
                    if (data.Count < 2)
                    {
                        throw new ArgumentException($"'data' has {data.Count} sample; a split needs at least 2.", nameof(data));
                    }

                    var order = NumpyPermutation.Permutation(data.Count, unchecked((uint)seed));
                    var trainCount = (int)Math.Round(0.7 * data.Count, MidpointRounding.ToEven);
                    trainCount = Math.Min(Math.Max(trainCount, 1), data.Count - 1);
                    return (data.Subset(order.Take(trainCount).ToArray()), data.Subset(order.Skip(trainCount).ToArray()));
                default:
                    throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split.");
            }
        }

        /// <summary>The first <paramref name="trainCount"/> samples train, the rest (at least one) test.</summary>
        public static (Dataset Train, Dataset Test) First(Dataset data, int trainCount)
        {
            Guard.NotNull(data, nameof(data));
            if (trainCount <= 0 || trainCount >= data.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(trainCount), trainCount, $"'trainCount' must lie in [1, {data.Count}) for a data set of {data.Count} samples.");
            }

            return (data.Subset(Enumerable.Range(0, trainCount).ToArray()), data.Subset(Enumerable.Range(trainCount, data.Count - trainCount).ToArray()));
        }

        /// <summary>
        /// A seeded random split: round(<paramref name="trainFraction"/> · n) samples train. When
        /// <paramref name="stratified"/>, each class is shuffled and split on its own so both parts keep the class
        /// proportions. Both parts keep at least one sample.
        /// </summary>
        public static (Dataset Train, Dataset Test) Random(Dataset data, double trainFraction, Random random, bool stratified = false)
        {
            Guard.NotNull(data, nameof(data));
            Guard.NotNull(random, nameof(random));
            if (!(trainFraction > 0 && trainFraction < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, "'trainFraction' must lie in (0, 1).");
            }

            if (data.Count < 2)
            {
                throw new ArgumentException($"'data' has {data.Count} sample; a split needs at least 2.", nameof(data));
            }

            var train = new List<int>();
            var test = new List<int>();
            if (stratified)
            {
                for (var k = 0; k < data.Classes.Count; k++)
                {
                    var members = Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == k).ToArray();
                    Shuffle(members, random);
                    var n = (int)Math.Round(trainFraction * members.Length, MidpointRounding.AwayFromZero);
                    train.AddRange(members.Take(n));
                    test.AddRange(members.Skip(n));
                }

                Shuffle(train, random);
                Shuffle(test, random);
            }
            else
            {
                var all = Enumerable.Range(0, data.Count).ToArray();
                Shuffle(all, random);
                var n = (int)Math.Round(trainFraction * all.Length, MidpointRounding.AwayFromZero);
                train.AddRange(all.Take(n));
                test.AddRange(all.Skip(n));
            }

            if (train.Count == 0 || test.Count == 0)
            {
                throw new ArgumentException($"'trainFraction' {trainFraction} leaves an empty part for {data.Count} samples.", nameof(trainFraction));
            }

            return (data.Subset(train), data.Subset(test));
        }

        /// <summary>Fisher–Yates shuffle with <paramref name="random"/>.</summary>
        internal static void Shuffle<T>(IList<T> items, Random random)
        {
            for (var i = items.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (items[i], items[j]) = (items[j], items[i]);
            }
        }
    }
}
