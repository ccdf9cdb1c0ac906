using System;
using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network
{
    /// <summary>Classification metrics. Outputs hold one sample per column; labels are class indices 0…classes−1.</summary>
    public static class Evaluation
    {
        /// <summary>
        /// The predicted class of each sample (column): the arg-max over the rows; for a single output row, 1 when the value
        /// passes 0 (Identity output, a logit) or 0.5 (a probability).
        /// </summary>
        public static int[] ArgMax(Matrix<double> outputs, Activation outputActivation = Activation.Identity)
        {
            Guard.NotEmpty(outputs, nameof(outputs));
            var result = new int[outputs.ColumnCount];
            if (outputs.RowCount == 1)
            {
                var threshold = outputActivation == Activation.Sigmoid ? 0.5 : 0.0;
                for (var c = 0; c < result.Length; c++)
                {
                    result[c] = outputs.At(0, c) > threshold ? 1 : 0;
                }

                return result;
            }

            for (var c = 0; c < result.Length; c++)
            {
                var best = 0;
                for (var r = 1; r < outputs.RowCount; r++)
                {
                    if (outputs.At(r, c) > outputs.At(best, c))
                    {
                        best = r;
                    }
                }

                result[c] = best;
            }

            return result;
        }

        /// <summary>The share of samples whose predicted class equals the actual one.</summary>
        public static double Accuracy(int[] predicted, int[] actual)
        {
            CheckPair(predicted, actual);
            var hits = 0;
            for (var i = 0; i < actual.Length; i++)
            {
                if (predicted[i] == actual[i])
                {
                    hits++;
                }
            }

            return (double)hits / actual.Length;
        }

        /// <summary>
        /// The confusion matrix: <c>counts[actual, predicted]</c>. Every label must lie in [0, <paramref name="classCount"/>).
        /// </summary>
        public static ConfusionMatrix ConfusionMatrix(int[] predicted, int[] actual, int classCount)
        {
            CheckPair(predicted, actual);
            Guard.Positive(classCount, nameof(classCount));
            CheckLabels(predicted, classCount, nameof(predicted));
            CheckLabels(actual, classCount, nameof(actual));
            var counts = new int[classCount, classCount];
            for (var i = 0; i < actual.Length; i++)
            {
                counts[actual[i], predicted[i]]++;
            }

            return new ConfusionMatrix(counts);
        }

        internal static void CheckLabels(int[] labels, int classCount, string name)
        {
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0 || labels[i] >= classCount)
                {
                    throw new ArgumentOutOfRangeException(
                        name,
                        labels[i],
                        string.Format(CultureInfo.InvariantCulture, "'{0}'[{1}] = {2} is out of range: labels must lie in [0, {3}).", name, i, labels[i], classCount));
                }
            }
        }

        private static void CheckPair(int[] predicted, int[] actual)
        {
            Guard.NotNull(predicted, nameof(predicted));
            Guard.NotNull(actual, nameof(actual));
            if (actual.Length == 0)
            {
                throw new ArgumentException("'actual' is empty; there is nothing to evaluate.", nameof(actual));
            }

            if (predicted.Length != actual.Length)
            {
                throw new ArgumentException(
                    $"'predicted' has {predicted.Length} samples but 'actual' has {actual.Length}.", nameof(predicted));
            }
        }
    }

    /// <summary>Counts of (actual class, predicted class) pairs.</summary>
    public sealed class ConfusionMatrix
    {
        private readonly int[,] _counts;

        internal ConfusionMatrix(int[,] counts)
        {
            _counts = counts;
        }

        /// <summary>Number of classes.</summary>
        public int ClassCount => _counts.GetLength(0);

        /// <summary>How many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
        public int this[int actual, int predicted] => _counts[actual, predicted];

        /// <summary>Total number of samples.</summary>
        public int Total
        {
            get
            {
                var total = 0;
                foreach (var c in _counts)
                {
                    total += c;
                }

                return total;
            }
        }

        /// <summary>A text table, rows = actual classes, columns = predicted classes.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            for (var a = 0; a < ClassCount; a++)
            {
                for (var p = 0; p < ClassCount; p++)
                {
                    sb.Append(p == 0 ? string.Empty : "\t").Append(_counts[a, p].ToString(CultureInfo.InvariantCulture));
                }

                sb.AppendLine();
            }

            return sb.ToString();
        }
    }
}
