using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using NnAnalyzers.CodeFixes.Rules;
using NnAnalyzers.Rules;
using NnAnalyzers.Tests.Verifiers;
using Xunit;
using Verify = NnAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    NnAnalyzers.Rules.NN0003BatchUnawareSummationAnalyzer,
    NnAnalyzers.CodeFixes.Rules.NN0003BatchUnawareSummationFixer>;

namespace NnAnalyzers.Tests.Rules
{
    public class NN0003BatchUnawareSummationTests
    {
        private const string Usings = @"using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
";

        private const string UnknownAxisMessage = "'z' is normalised by a sum over the whole batch matrix; normalise each sample (column or row) by its own sum";

        // The seed port's softmax, as posted: the sum runs over the whole matrix.
        private const string SeedSoftmax = Usings + @"
public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        var s = {|#0:z.Enumerate().Sum()|};
        return z / s;
    }
}
";

        // What the first fix (the one dotnet format applies) must produce; the behavioural test runs this text.
        private const string SeedSoftmaxPerColumn = Usings + @"
public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        return z.NormalizeColumns(1.0);
    }
}
";

        private const string SeedSoftmaxPerRow = Usings + @"
public static class SeedNetwork
{
    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        return z.NormalizeRows(1.0);
    }
}
";

        private const string ArraySoftmax = Usings + @"
public static class Activations
{
    public static double[,] Softmax(double[,] logits)
    {
        var e = new double[logits.GetLength(0), logits.GetLength(1)];
        double sum = 0;
        for (int i = 0; i < e.GetLength(0); i++)
        {
            for (int j = 0; j < e.GetLength(1); j++)
            {
                e[i, j] = Math.Exp(logits[i, j]);
                {|#0:sum += e[i, j]|};
            }
        }

        for (int i = 0; i < e.GetLength(0); i++)
        {
            for (int j = 0; j < e.GetLength(1); j++)
            {
                e[i, j] /= sum;
            }
        }

        return e;
    }
}
";

        private const string ArraySoftmaxPerRow = Usings + @"
public static class Activations
{
    public static double[,] Softmax(double[,] logits)
    {
        var e = new double[logits.GetLength(0), logits.GetLength(1)];
        double[] sum = new double[e.GetLength(0)];
        for (int i = 0; i < e.GetLength(0); i++)
        {
            for (int j = 0; j < e.GetLength(1); j++)
            {
                e[i, j] = Math.Exp(logits[i, j]);
                sum[i] += e[i, j];
            }
        }

        for (int i = 0; i < e.GetLength(0); i++)
        {
            for (int j = 0; j < e.GetLength(1); j++)
            {
                e[i, j] /= sum[i];
            }
        }

        return e;
    }
}
";

        private const string ArraySoftmaxPerColumn = Usings + @"
public static class Activations
{
    public static double[,] Softmax(double[,] logits)
    {
        var e = new double[logits.GetLength(0), logits.GetLength(1)];
        double[] sum = new double[e.GetLength(1)];
        for (int i = 0; i < e.GetLength(0); i++)
        {
            for (int j = 0; j < e.GetLength(1); j++)
            {
                e[i, j] = Math.Exp(logits[i, j]);
                sum[j] += e[i, j];
            }
        }

        for (int i = 0; i < e.GetLength(0); i++)
        {
            for (int j = 0; j < e.GetLength(1); j++)
            {
                e[i, j] /= sum[j];
            }
        }

        return e;
    }
}
";

        private static DiagnosticResult D(int location, string message)
            => Verify.Diagnostic().WithLocation(location).WithArguments(message).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

        private static Task FixAsync(string source, string fixedSource, string? key, LanguageVersion version, params DiagnosticResult[] expected)
        {
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = fixedSource,
                CodeActionEquivalenceKey = key,
                LanguageVersion = version,
            };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync(CancellationToken.None);
        }

        private static Task NoDiagnosticAsync(string source, string? editorConfig = null)
        {
            var test = new Verify.Test { TestCode = source, FixedCode = source, EditorConfig = editorConfig };
            return test.RunAsync(CancellationToken.None);
        }

        // ---------------------------------------------------------------- normaliser over the whole matrix (MathNet)

        [Fact]
        public Task Seed_softmax_sum_over_the_whole_matrix_is_reported_and_normalised_per_column_first()
            => FixAsync(SeedSoftmax, SeedSoftmaxPerColumn, null, LanguageVersion.Latest, D(0, UnknownAxisMessage));

        [Fact]
        public Task Seed_softmax_offers_the_per_row_variant_too()
            => FixAsync(SeedSoftmax, SeedSoftmaxPerRow, "NN0003.PerRow", LanguageVersion.Latest, D(0, UnknownAxisMessage));

        [Fact]
        public Task Seed_softmax_in_CSharp_7_3()
            => FixAsync(SeedSoftmax, SeedSoftmaxPerColumn, "NN0003.PerColumn", LanguageVersion.CSharp7_3, D(0, UnknownAxisMessage));

        [Fact]
        public Task Seed_softmax_already_shifted_by_each_columns_maximum_is_still_normalised_per_column()
        {
            // The seed softmax after NN0002's fix: the shift changes nothing about the whole-matrix sum.
            const string shifted = @"
        var max = x.FoldByColumn((m, v) => Math.Max(m, v), double.NegativeInfinity, Zeros.Include);
        var z = x.MapIndexed((i, j, v) => v - max[j], Zeros.Include).PointwiseExp();";
            var source = SeedSoftmax.Replace("\n        var z = x.PointwiseExp();", shifted);
            var fixedSource = SeedSoftmaxPerColumn.Replace("\n        var z = x.PointwiseExp();", shifted);
            Assert.NotEqual(SeedSoftmax, source);
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest, D(0, UnknownAxisMessage));
        }

        [Fact]
        public async Task Both_axis_fixes_are_titled_with_the_axis_they_assume()
        {
            var test = new Verify.Test
            {
                TestCode = SeedSoftmax,
                FixedCode = SeedSoftmaxPerRow,
                CodeActionIndex = 1,
                CodeActionVerifier = (action, verifier) => verifier.Equal(NN0003BatchUnawareSummationFixer.PerRowTitle, action.Title),
            };
            test.ExpectedDiagnostics.Add(D(0, UnknownAxisMessage));
            await test.RunAsync(CancellationToken.None);
            Assert.Equal("Normalize each column (one sample per column)", NN0003BatchUnawareSummationFixer.PerColumnTitle);
        }

        [Fact]
        public Task Weight_times_batch_puts_samples_in_columns_and_only_the_column_fix_is_offered()
        {
            const string source = Usings + @"
public sealed class Network
{
    private Matrix<double> _weights = Matrix<double>.Build.Dense(2, 3);

    public Matrix<double> Forward(Matrix<double> inputs)
    {
        var logits = _weights * inputs;
        var e = logits.PointwiseExp();
        return e / {|#0:e.Enumerate().Sum()|};
    }
}
";
            const string fixedSource = Usings + @"
public sealed class Network
{
    private Matrix<double> _weights = Matrix<double>.Build.Dense(2, 3);

    public Matrix<double> Forward(Matrix<double> inputs)
    {
        var logits = _weights * inputs;
        var e = logits.PointwiseExp();
        return e.NormalizeColumns(1.0);
    }
}
";
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionIndex = 0 };
            test.ExpectedDiagnostics.Add(D(0, "'e' is normalised by a sum over the whole batch matrix; normalise each sample (column) by its own sum"));
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(NN0003BatchUnawareSummationFixer.PerColumnTitle, action.Title);
            return test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public Task Batch_times_weight_puts_samples_in_rows_with_Divide_and_RowSums()
        {
            const string source = Usings + @"
public sealed class Network
{
    public Matrix<double> Weights { get; set; } = Matrix<double>.Build.Dense(3, 2);

    public Matrix<double> Predict(Matrix<double> batch)
    {
        var e = (batch * Weights).PointwiseExp();
        return e.Divide({|#0:e.RowSums().Sum()|});
    }
}
";
            const string fixedSource = Usings + @"
public sealed class Network
{
    public Matrix<double> Weights { get; set; } = Matrix<double>.Build.Dense(3, 2);

    public Matrix<double> Predict(Matrix<double> batch)
    {
        var e = (batch * Weights).PointwiseExp();
        return e.NormalizeRows(1.0);
    }
}
";
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "'e' is normalised by a sum over the whole batch matrix; normalise each sample (row) by its own sum"));
        }

        [Fact]
        public Task Column_sums_summed_again_through_a_local_in_the_forward_pass_of_a_dictionary_network()
        {
            const string source = Usings + @"
public static class Net
{
    public static Matrix<double> ForwardProp(Matrix<double> x, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
    {
        var a = new Dictionary<int, Matrix<double>>();
        var z = new Dictionary<int, Matrix<double>>();
        a[0] = x.Transpose();
        z[1] = w[0] * a[0] + b[0];
        var e = z[1].Map(Math.Exp);
        var total = {|#0:e.ColumnSums().Sum()|};
        a[1] = e / total;
        return a[1];
    }
}
";
            const string fixedSource = Usings + @"
public static class Net
{
    public static Matrix<double> ForwardProp(Matrix<double> x, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
    {
        var a = new Dictionary<int, Matrix<double>>();
        var z = new Dictionary<int, Matrix<double>>();
        a[0] = x.Transpose();
        z[1] = w[0] * a[0] + b[0];
        var e = z[1].Map(Math.Exp);
        a[1] = e.NormalizeColumns(1.0);
        return a[1];
    }
}
";
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "'e' is normalised by a sum over the whole batch matrix; normalise each sample (column) by its own sum"));
        }

        [Fact]
        public Task Values_from_the_reference_library_hold_one_sample_per_column()
        {
            const string library = @"
namespace NnAnalyzers.Network
{
    public static class Layers
    {
        public static MathNet.Numerics.LinearAlgebra.Matrix<double> Forward(MathNet.Numerics.LinearAlgebra.Matrix<double> x, double scale) => x * scale;
    }
}
";
            const string source = Usings + @"
public sealed class Classifier
{
    public Matrix<double> Predict(Matrix<double> inputs)
    {
        var logits = NnAnalyzers.Network.Layers.Forward(inputs, 2.0);
        return logits / {|#0:logits.Enumerate().Sum()|};
    }
}
" + library;
            // Not exponentials (no fix), but the library's convention says the columns are samples: reported.
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(D(0, "'logits' is normalised by a sum over the whole batch matrix; normalise each sample (column) by its own sum"));
            return test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public Task Fix_all_normalises_every_softmax_of_the_document()
        {
            const string source = Usings + @"
public static class Activations
{
    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        return z / {|#0:z.Enumerate().Sum()|};
    }

    public static Matrix<float> SoftmaxF(Matrix<float> x)
    {
        var z = x.PointwiseExp();
        var s = {|#1:z.Enumerate().Sum()|};
        return z.Divide(s);
    }
}
";
            const string fixedSource = Usings + @"
public static class Activations
{
    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        return z.NormalizeColumns(1.0);
    }

    public static Matrix<float> SoftmaxF(Matrix<float> x)
    {
        var z = x.PointwiseExp();
        return z.NormalizeColumns(1.0);
    }
}
";
            return FixAsync(source, fixedSource, "NN0003.PerColumn", LanguageVersion.Latest, D(0, UnknownAxisMessage), D(1, UnknownAxisMessage));
        }

        [Fact]
        public Task Matrix_of_unknown_sign_with_a_known_axis_is_reported_without_a_fix()
        {
            const string source = Usings + @"
public sealed class Layer
{
    private Matrix<double> _weights = Matrix<double>.Build.Dense(2, 3);

    public Matrix<double> Forward(Matrix<double> inputs)
    {
        var y = _weights * inputs;
        return y / {|#0:y.Enumerate().Sum()|};
    }
}
";
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(D(0, "'y' is normalised by a sum over the whole batch matrix; normalise each sample (column) by its own sum"));
            return test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public Task Per_sample_normalisations_and_vector_softmaxes_are_not_reported()
            => NoDiagnosticAsync(Usings + @"
public static class Activations
{
    public static Matrix<double> SoftmaxColumns(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        return z.NormalizeColumns(1.0);
    }

    public static Vector<double> Softmax(Vector<double> x)
    {
        var e = x.PointwiseExp();
        return e / e.Sum();
    }

    public static Vector<double> SoftmaxOfColumn(Matrix<double> x, int j)
    {
        var column = x.Column(j).PointwiseExp();
        return column / column.Enumerate().Sum();
    }

    public static Matrix<double> SoftmaxOfOneSample(Vector<double> logits)
    {
        var m = logits.ToColumnMatrix().PointwiseExp();
        return m / m.Enumerate().Sum();
    }

    public static double[] Softmax(double[] x)
    {
        var e = x.Select(Math.Exp).ToArray();
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
");

        [Fact]
        public Task Intentional_totals_are_not_reported()
            => NoDiagnosticAsync(Usings + @"
public sealed class Trainer
{
    // An NN context (epochs, loss) with a confusion matrix normalised to a joint distribution: not a softmax.
    public int Epochs { get; set; }

    public double Loss { get; set; }

    public Matrix<double> JointDistribution(Matrix<double> confusion)
    {
        return confusion / confusion.Enumerate().Sum();
    }

    public double Accuracy(int[] predicted, int[] labels)
    {
        double correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }

        return correct / labels.Length;
    }

    public double MeanActivation(double[,] activations)
    {
        double total = 0;
        for (int i = 0; i < activations.GetLength(0); i++)
        {
            for (int j = 0; j < activations.GetLength(1); j++)
            {
                total += activations[i, j];
            }
        }

        return total / activations.Length;
    }
}

public static class Histogram
{
    public static Matrix<double> Normalize(Matrix<double> counts)
    {
        var e = counts.PointwiseExp();
        return e / e.Enumerate().Sum();
    }
}
");

        // ---------------------------------------------------------------- normaliser over the whole matrix (arrays)

        [Fact]
        public Task Array_softmax_with_one_scalar_sum_is_normalised_per_row_first()
            => FixAsync(ArraySoftmax, ArraySoftmaxPerRow, null, LanguageVersion.Latest,
                D(0, "'e' is normalised by 'sum', one sum over all its rows and columns; normalise each sample (column or row) by its own sum"));

        [Fact]
        public Task Array_softmax_per_column_variant_in_CSharp_7_3()
            => FixAsync(ArraySoftmax, ArraySoftmaxPerColumn, "NN0003.PerColumn", LanguageVersion.CSharp7_3,
                D(0, "'e' is normalised by 'sum', one sum over all its rows and columns; normalise each sample (column or row) by its own sum"));

        [Fact]
        public Task Jagged_array_with_a_batch_bound_is_normalised_per_row()
        {
            const string source = Usings + @"
public static class Activations
{
    public static double[][] Softmax(double[][] logits, int batchSize, int classes)
    {
        var total = 0.0;
        for (int n = 0; n < batchSize; n++)
        {
            for (int k = 0; k < classes; k++)
            {
                {|#0:total += Math.Exp(logits[n][k])|};
            }
        }

        var p = new double[batchSize][];
        for (int n = 0; n < batchSize; n++)
        {
            p[n] = new double[classes];
            for (int k = 0; k < classes; k++)
            {
                p[n][k] = Math.Exp(logits[n][k]) / total;
            }
        }

        return p;
    }
}
";
            const string fixedSource = Usings + @"
public static class Activations
{
    public static double[][] Softmax(double[][] logits, int batchSize, int classes)
    {
        var total = new double[logits.Length];
        for (int n = 0; n < batchSize; n++)
        {
            for (int k = 0; k < classes; k++)
            {
                total[n] += Math.Exp(logits[n][k]);
            }
        }

        var p = new double[batchSize][];
        for (int n = 0; n < batchSize; n++)
        {
            p[n] = new double[classes];
            for (int k = 0; k < classes; k++)
            {
                p[n][k] = Math.Exp(logits[n][k]) / total[n];
            }
        }

        return p;
    }
}
";
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "'logits' is normalised by 'total', one sum over all its rows and columns; normalise each sample (row) by its own sum"));
        }

        [Fact]
        public Task Matrix_elements_summed_in_loops_and_a_Map_division_are_normalised_per_sample()
        {
            const string source = Usings + @"
public static class Activations
{
    public static Matrix<double> SoftmaxLoops(Matrix<double> logits)
    {
        var z = logits.PointwiseExp();
        double sum = 0;
        for (int i = 0; i < z.RowCount; i++)
        {
            for (int j = 0; j < z.ColumnCount; j++)
            {
                {|#0:sum += z[i, j]|};
            }
        }

        for (int i = 0; i < z.RowCount; i++)
        {
            for (int j = 0; j < z.ColumnCount; j++)
            {
                z[i, j] = z[i, j] / sum;
            }
        }

        return z;
    }

    public static Matrix<double> SoftmaxMap(Matrix<double> logits)
    {
        var e = logits.Map(Math.Exp);
        var total = {|#1:e.Enumerate().Sum()|};
        return e.Map(v => v / total);
    }
}
";
            const string fixedSource = Usings + @"
public static class Activations
{
    public static Matrix<double> SoftmaxLoops(Matrix<double> logits)
    {
        var z = logits.PointwiseExp();
        double[] sum = new double[z.ColumnCount];
        for (int i = 0; i < z.RowCount; i++)
        {
            for (int j = 0; j < z.ColumnCount; j++)
            {
                sum[j] += z[i, j];
            }
        }

        for (int i = 0; i < z.RowCount; i++)
        {
            for (int j = 0; j < z.ColumnCount; j++)
            {
                z[i, j] = z[i, j] / sum[j];
            }
        }

        return z;
    }

    public static Matrix<double> SoftmaxMap(Matrix<double> logits)
    {
        var e = logits.Map(Math.Exp);
        return e.NormalizeColumns(1.0);
    }
}
";
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "'z' is normalised by 'sum', one sum over all its rows and columns; normalise each sample (column or row) by its own sum"),
                D(1, "'e' is normalised by a sum over the whole batch matrix; normalise each sample (column or row) by its own sum"));
        }

        [Fact]
        public Task Array_sum_read_elsewhere_is_reported_without_a_fix()
        {
            var source = ArraySoftmax
                .Replace("public static double[,] Softmax(double[,] logits)", "public static double[,] Softmax(double[,] logits, out double partition)")
                .Replace("        return e;", "        partition = sum;\n        return e;");
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(D(0, "'e' is normalised by 'sum', one sum over all its rows and columns; normalise each sample (column or row) by its own sum"));
            return test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public Task Array_sums_reset_per_sample_are_not_reported()
            => NoDiagnosticAsync(Usings + @"
public static class Activations
{
    public static double[,] Softmax(double[,] logits)
    {
        var p = new double[logits.GetLength(0), logits.GetLength(1)];
        for (int i = 0; i < logits.GetLength(0); i++)
        {
            double sum = 0;
            for (int j = 0; j < logits.GetLength(1); j++)
            {
                sum += Math.Exp(logits[i, j]);
            }

            for (int j = 0; j < logits.GetLength(1); j++)
            {
                p[i, j] = Math.Exp(logits[i, j]) / sum;
            }
        }

        return p;
    }

    public static double[,] SoftmaxReset(double[,] logits)
    {
        var p = new double[logits.GetLength(0), logits.GetLength(1)];
        double sum;
        for (int i = 0; i < logits.GetLength(0); i++)
        {
            sum = 0;
            for (int j = 0; j < logits.GetLength(1); j++)
            {
                sum += Math.Exp(logits[i, j]);
            }

            for (int j = 0; j < logits.GetLength(1); j++)
            {
                p[i, j] = Math.Exp(logits[i, j]) / sum;
            }
        }

        return p;
    }
}
");

        // ---------------------------------------------------------------- a map of one sample: no sample axis

        // A spatial softmax (soft-argmax keypoint head): the H x W heatmap of one channel of one sample is ONE
        // distribution over pixel positions, so its whole sum is the right normaliser.
        private const string SpatialSoftmaxHead = Usings + @"
public sealed class SpatialSoftmaxHead
{
    private readonly double _temperature = 1.0;

    public double[,] Normalize(double[,] heatmap)
    {
        int h = heatmap.GetLength(0), w = heatmap.GetLength(1);
        double max = double.NegativeInfinity;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                max = Math.Max(max, heatmap[y, x]);

        var prob = new double[h, w];
        double total = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                prob[y, x] = Math.Exp((heatmap[y, x] - max) / _temperature);
                total += prob[y, x];
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                prob[y, x] /= total;
        return prob;
    }

    public double[,] ChannelSoftmax(double[,,] features, int channel)
    {
        var e = new double[features.GetLength(1), features.GetLength(2)];
        double sum = 0;
        for (int i = 0; i < e.GetLength(0); i++)
            for (int j = 0; j < e.GetLength(1); j++)
            {
                e[i, j] = Math.Exp(features[channel, i, j]);
                sum += e[i, j];
            }
        for (int i = 0; i < e.GetLength(0); i++)
            for (int j = 0; j < e.GetLength(1); j++)
                e[i, j] /= sum;
        return e;
    }

    public double[,] ImageSoftmax(double[,,,] images, int n, int c)
    {
        int rows = images.GetLength(2), cols = images.GetLength(3);
        var e = new double[rows, cols];
        double sum = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                e[i, j] = Math.Exp(images[n, c, i, j]);
                sum += e[i, j];
            }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                e[i, j] /= sum;
        return e;
    }
}
";

        [Fact]
        public Task Spatial_softmax_over_the_height_and_width_of_one_map_is_not_reported()
            => NoDiagnosticAsync(SpatialSoftmaxHead);

        [Fact]
        public Task Whole_sums_over_a_batch_of_maps_or_a_slice_across_samples_are_still_reported()
        {
            // The flattened heatmaps of a batch (one per row) and a time step of a [batch, time, classes] tensor: the
            // rows are samples, not the height of one map.
            const string source = Usings + @"
public sealed class KeypointHead
{
    public double[,] Weights;

    public double[,] NormalizeBatch(double[,] heat, int batchSize, int h, int w)
    {
        var prob = new double[batchSize, h * w];
        double total = 0;
        for (int n = 0; n < batchSize; n++)
            for (int p = 0; p < h * w; p++)
            {
                prob[n, p] = Math.Exp(heat[n, p]);
                {|#0:total += prob[n, p]|};
            }
        for (int n = 0; n < batchSize; n++)
            for (int p = 0; p < h * w; p++)
                prob[n, p] /= total;
        return prob;
    }

    public double[,] StepSoftmax(double[,,] scores, int t)
    {
        var e = new double[scores.GetLength(0), scores.GetLength(2)];
        double sum = 0;
        for (int i = 0; i < e.GetLength(0); i++)
            for (int j = 0; j < e.GetLength(1); j++)
            {
                e[i, j] = Math.Exp(scores[i, t, j]);
                {|#1:sum += e[i, j]|};
            }
        for (int i = 0; i < e.GetLength(0); i++)
            for (int j = 0; j < e.GetLength(1); j++)
                e[i, j] /= sum;
        return e;
    }
}
";
            var fixedSource = source
                .Replace("double total = 0;", "double[] total = new double[prob.GetLength(0)];")
                .Replace("{|#0:total += prob[n, p]|}", "total[n] += prob[n, p]")
                .Replace("prob[n, p] /= total;", "prob[n, p] /= total[n];")
                .Replace("double sum = 0;", "double[] sum = new double[e.GetLength(0)];")
                .Replace("{|#1:sum += e[i, j]|}", "sum[i] += e[i, j]")
                .Replace("e[i, j] /= sum;", "e[i, j] /= sum[i];");
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "'prob' is normalised by 'total', one sum over all its rows and columns; normalise each sample (row) by its own sum"),
                D(1, "'e' is normalised by 'sum', one sum over all its rows and columns; normalise each sample (column or row) by its own sum"));
        }

        // ---------------------------------------------------------------- bias with a batch-size dimension

        [Fact]
        public Task Seed_bias_shaped_by_the_batch_size_gets_one_column()
        {
            const string source = Usings + @"
public static class SeedNetwork
{
    public static (Dictionary<int, Matrix<double>> W, Dictionary<int, Matrix<double>> B) InitModel(int inputs, int[] nodes, int outputs, int batch, Random rng)
    {
        var w = new Dictionary<int, Matrix<double>>();
        var b = new Dictionary<int, Matrix<double>>();
        var n = new[] { inputs }.Concat(nodes).Append(outputs).ToArray();
        for (var i = 0; i < n.Length - 1; i++)
        {
            w[i] = Rand(rng, n[i + 1], n[i]);
            b[i] = Rand(rng, n[i + 1], {|#0:batch|});
        }

        return (w, b);
    }

    public static Matrix<double> Rand(Random rng, int rows, int cols)
    {
        var m = Matrix<double>.Build.Dense(rows, cols);
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                m[r, c] = rng.NextDouble();
        return m;
    }

    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));
}
";
            var fixedSource = source.Replace("{|#0:batch|}", "1");
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "bias 'b' is allocated with a batch-size dimension ('batch'); a bias has one column"));
        }

        [Fact]
        public Task MathNet_and_array_biases_with_a_batch_dimension_in_CSharp_7_3()
        {
            const string source = Usings + @"
public sealed class DenseLayer
{
    private readonly Matrix<double> _bias;
    private readonly double[,] _hiddenBias;
    private readonly Matrix<double> _activations;

    public DenseLayer(int units, int inputs, int batchSize)
    {
        _bias = Matrix<double>.Build.Dense(units, {|#0:batchSize|});
        _hiddenBias = new double[{|#1:batchSize|}, units];
        _activations = Matrix<double>.Build.Dense(units, batchSize);
    }

    public Matrix<double> Forward(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));
}
";
            const string fixedSource = Usings + @"
public sealed class DenseLayer
{
    private readonly Matrix<double> _bias;
    private readonly double[,] _hiddenBias;
    private readonly Matrix<double> _activations;

    public DenseLayer(int units, int inputs, int batchSize)
    {
        _bias = Matrix<double>.Build.Dense(units, 1);
        _hiddenBias = new double[1, units];
        _activations = Matrix<double>.Build.Dense(units, batchSize);
    }

    public Matrix<double> Forward(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));
}
";
            return FixAsync(source, fixedSource, "NN0003.BiasOneSample", LanguageVersion.CSharp7_3,
                D(0, "bias '_bias' is allocated with a batch-size dimension ('batchSize'); a bias has one column"),
                D(1, "bias '_hiddenBias' is allocated with a batch-size dimension ('batchSize'); a bias has one row"));
        }

        // Probe repro R06: the real bias broadcast over the batch for the addition is a temporary, not a parameter.
        [Fact]
        public Task Bias_broadcast_over_the_batch_into_a_local_is_not_reported()
            => NoDiagnosticAsync(Usings + @"
public sealed class Layer
{
    private Matrix<double> W = Matrix<double>.Build.Dense(3, 2);
    private Vector<double> B = Vector<double>.Build.Dense(3);
    private double[,] _weights = new double[3, 2];
    private double[] _bias = new double[3];

    public Matrix<double> Forward(Matrix<double> x)
    {
        int batchSize = x.ColumnCount;
        var biasMatrix = Matrix<double>.Build.Dense(W.RowCount, batchSize, (i, j) => B[i]);
        return (W * x + biasMatrix).PointwiseMaximum(0.0);
    }

    public double[,] Forward(double[,] x)
    {
        int batch = x.GetLength(1), units = _bias.Length;
        var bias = new double[units, batch];
        for (int i = 0; i < units; i++)
            for (int j = 0; j < batch; j++)
                bias[i, j] = _bias[i];
        var z = new double[units, batch];
        for (int i = 0; i < units; i++)
            for (int j = 0; j < batch; j++)
            {
                z[i, j] = bias[i, j];
                for (int k = 0; k < x.GetLength(0); k++) z[i, j] += _weights[i, k] * x[k, j];
            }

        return z;
    }
}
");

        [Fact]
        public Task Bias_field_built_from_a_batch_size_with_a_function_is_still_reported()
        {
            const string source = Usings + @"
public sealed class Layer
{
    private Matrix<double> W = Matrix<double>.Build.Dense(3, 2);
    private Matrix<double> _bias;

    public Layer(int units, int batchSize, Random rng)
    {
        _bias = Matrix<double>.Build.Dense(units, {|#0:batchSize|}, (i, j) => W[i, 0] * 0.0);
    }

    public Matrix<double> Forward(Matrix<double> x) => (W * x + _bias).PointwiseMaximum(0.0);
}
";
            var fixedSource = source.Replace("{|#0:batchSize|}", "1");
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "bias '_bias' is allocated with a batch-size dimension ('batchSize'); a bias has one column"));
        }

        [Fact]
        public Task Bias_field_initializer_with_a_batch_property()
        {
            const string source = Usings + @"
public sealed class Perceptron
{
    public const int Units = 4;
    public static int BatchSize { get; set; } = 8;

    public Matrix<double> Bias { get; } = Matrix<double>.Build.Random(Units, {|#0:BatchSize|});
}
";
            var fixedSource = source.Replace("{|#0:BatchSize|}", "1");
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "bias 'Bias' is allocated with a batch-size dimension ('BatchSize'); a bias has one column"));
        }

        [Fact]
        public Task Biases_with_one_column_and_non_network_code_are_not_reported()
            => NoDiagnosticAsync(Usings + @"
public sealed class DenseLayer
{
    private readonly Matrix<double> _bias;
    private readonly double[,] _b;
    private readonly Matrix<double> _weights;

    public DenseLayer(int units, int inputs, int batchSize)
    {
        const int batch = 1;
        _bias = Matrix<double>.Build.Dense(units, 1);
        _b = new double[units, batch];
        _weights = Matrix<double>.Build.Dense(units, inputs);
        var biasGrad = new double[units, batchSize];
        var a = Matrix<double>.Build.Dense(units, batchSize);
    }

    public Matrix<double> Forward(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));
}

public sealed class Survey
{
    public double[,] Bias(int questions, int batchSize) => new double[questions, batchSize];
}
");

        // ---------------------------------------------------------------- gradients summed over a batch

        private const string GradientSource = Usings + @"
public sealed class Perceptron
{
    private readonly double[,] _weights = new double[3, 4];

    public double TrainBatch(double[][] inputs, double[][] deltas, int batchSize, double learningRate)
    {
        var gradW = new double[3, 4];
        double loss = 0;
        for (int n = 0; n < batchSize; n++)
        {
            for (int j = 0; j < 3; j++)
            {
                loss += deltas[n][j] * deltas[n][j];
                for (int k = 0; k < 4; k++)
                {
                    gradW[j, k] += deltas[n][j] * inputs[n][k];
                }
            }
        }

        for (int j = 0; j < 3; j++)
        {
            for (int k = 0; k < 4; k++)
            {
                _weights[j, k] -= learningRate * REPLACE;
            }
        }

        return loss / batchSize;
    }
}
";

        [Fact]
        public Task Summed_gradient_applied_without_dividing_while_the_loss_is_a_mean_is_divided_by_the_batch_size()
        {
            var source = GradientSource.Replace("REPLACE", "{|#0:gradW[j, k]|}");
            var fixedSource = GradientSource.Replace("REPLACE", "gradW[j, k] / batchSize");
            return FixAsync(source, fixedSource, "NN0003.DivideByBatchSize", LanguageVersion.Latest,
                D(0, "gradients summed over the batch in 'gradW' are applied without dividing by the batch size ('batchSize')").WithSeverity(DiagnosticSeverity.Info));
        }

        [Fact]
        public Task Gradient_heuristic_can_be_switched_off()
            => NoDiagnosticAsync(GradientSource.Replace("REPLACE", "gradW[j, k]"), "nn_analyzers.NN0003.check_gradient_scale = false");

        [Fact]
        public Task Gradient_heuristic_is_info_unless_editorconfig_raises_it()
        {
            var source = GradientSource.Replace("REPLACE", "{|#0:gradW[j, k]|}");
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = GradientSource.Replace("REPLACE", "gradW[j, k] / batchSize"),
                EditorConfig = "dotnet_diagnostic.NN0003.severity = warning",
                LanguageVersion = LanguageVersion.CSharp7_3,
            };
            test.ExpectedDiagnostics.Add(D(0, "gradients summed over the batch in 'gradW' are applied without dividing by the batch size ('batchSize')").WithSeverity(DiagnosticSeverity.Warning));
            return test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public Task Gradients_divided_somewhere_and_sum_losses_are_not_reported()
        {
            var divided = GradientSource.Replace("REPLACE", "gradW[j, k] / batchSize");
            var sumLoss = GradientSource.Replace("REPLACE", "gradW[j, k]").Replace("return loss / batchSize;", "return loss;");
            var scaledRate = GradientSource.Replace("REPLACE", "gradW[j, k]").Replace("var gradW = new double[3, 4];", "var gradW = new double[3, 4];\n        var step = learningRate / batchSize;").Replace("-= learningRate *", "-= step *");
            var perSample = Usings + @"
public sealed class Perceptron
{
    private readonly double[] _bias = new double[3];

    public double Train(double[][] deltas, int batchSize, double learningRate)
    {
        double loss = 0;
        for (int n = 0; n < batchSize; n++)
        {
            var gradB = new double[3];
            for (int j = 0; j < 3; j++)
            {
                gradB[j] += deltas[n][j];
                loss += deltas[n][j];
            }

            for (int j = 0; j < 3; j++)
            {
                _bias[j] -= learningRate * gradB[j];
            }
        }

        return loss / batchSize;
    }
}
";
            return Task.WhenAll(NoDiagnosticAsync(divided), NoDiagnosticAsync(sumLoss), NoDiagnosticAsync(scaledRate), NoDiagnosticAsync(perSample));
        }

        // Probe repro R07: the per-sample delta is divided by the batch size before it is accumulated.
        private const string DividedDeltaSource = Usings + @"
public sealed class Regression
{
    private double[,] _w = new double[3, 2];

    public double TrainStep(double[,] x, double[,] y, double lr)
    {
        int batch = x.GetLength(0), nIn = _w.GetLength(0), nOut = _w.GetLength(1);
        double loss = 0;
        var dw = new double[nIn, nOut];
        for (int n = 0; n < batch; n++)
            for (int k = 0; k < nOut; k++)
            {
                double p = 0;
                for (int i = 0; i < nIn; i++) p += x[n, i] * _w[i, k];
                double err = p - y[n, k];
                loss += err * err;
                double dz = DELTA;
                for (int i = 0; i < nIn; i++) dw[i, k] += x[n, i] * dz;
            }
        for (int i = 0; i < nIn; i++)
            for (int k = 0; k < nOut; k++) _w[i, k] -= lr * READ;
        return loss / batch;
    }
}
";

        [Fact]
        public Task Gradient_whose_per_sample_delta_is_divided_by_the_batch_size_is_not_reported()
            => NoDiagnosticAsync(DividedDeltaSource.Replace("DELTA", "err / batch").Replace("READ", "dw[i, k]"));

        [Fact]
        public Task Gradient_whose_per_sample_delta_is_undivided_or_divided_by_another_size_is_reported()
        {
            var message = "gradients summed over the batch in 'dw' are applied without dividing by the batch size ('batch')";
            Task Reported(string delta) => FixAsync(
                DividedDeltaSource.Replace("DELTA", delta).Replace("READ", "{|#0:dw[i, k]|}"),
                DividedDeltaSource.Replace("DELTA", delta).Replace("READ", "dw[i, k] / batch"),
                null, LanguageVersion.Latest, D(0, message).WithSeverity(DiagnosticSeverity.Info));
            return Task.WhenAll(Reported("err"), Reported("err / nOut"));
        }

        // Probe 13's V033: a 1-D convolution trained on a batch of signals; each term is a mean over the output positions
        // of one signal (/ y.Length), and the kernel gradient is summed over the batch: still undivided by the batch size.
        private const string ConvBatchSource = Usings + @"
public class Conv1D
{
    private readonly double[] kernel = new double[3];
    private double bias;

    public double[] Forward(double[] x)
    {
        var y = new double[x.Length - kernel.Length + 1];
        for (int t = 0; t < y.Length; t++)
        {
            double s = bias;
            for (int k = 0; k < kernel.Length; k++) s += kernel[k] * x[t + k];
            y[t] = s;
        }
        return y;
    }

    public double TrainBatch(double[][] signals, double[][] targets, double lr)
    {
        int batch = signals.Length;
        var dK = new double[kernel.Length];
        double dB = 0, mse = 0;
        for (int s = 0; s < batch; s++)
        {
            var y = Forward(signals[s]);
            for (int t = 0; t < y.Length; t++)
            {
                double e = y[t] - targets[s][t];
                mse += e * e / y.Length;
                dB += e / y.Length;
                for (int k = 0; k < kernel.Length; k++) dK[k] += e * signals[s][t + k] / DIVISOR;
            }
        }
        for (int k = 0; k < kernel.Length; k++) kernel[k] -= lr * READ;
        bias -= lr * dB / batch;
        return mse / batch;
    }
}
";

        [Fact]
        public Task A_term_divided_by_another_size_than_the_batch_is_still_a_sum_over_the_batch()
        {
            var source = ConvBatchSource.Replace("DIVISOR", "y.Length");
            return FixAsync(source.Replace("READ", "{|#0:dK[k]|}"), source.Replace("READ", "dK[k] / batch"), null, LanguageVersion.Latest,
                D(0, "gradients summed over the batch in 'dK' are applied without dividing by the batch size ('batch')").WithSeverity(DiagnosticSeverity.Info));
        }

        [Theory]
        [InlineData("batch")]
        [InlineData("(batch * y.Length)")]
        [InlineData("(y.Length * signals.Length)")]
        [InlineData("signals.Length")]
        public Task A_term_divided_by_the_batch_size_however_written_is_an_average(string divisor)
            => NoDiagnosticAsync(ConvBatchSource.Replace("DIVISOR", divisor).Replace("READ", "dK[k]"));

        // Session 12's probe: a 2-D array network whose output deltas are divided by the batch size inside the array
        // element; the hidden deltas are back-propagated from them, so every summed gradient is already an average.
        private const string ArrayDeltaSource = Usings + @"
public sealed class ArrayNet
{
    private readonly double[,] _w1 = new double[4, 3], _w2 = new double[3, 2];
    private readonly double[] _b1 = new double[3], _b2 = new double[2];

    public double TrainBatch(double[,] x, double[,] y, double lr)
    {
        int batch = x.GetLength(0), inputs = 4, hidden = 3, outputs = 2;
        var a1 = new double[batch, hidden];
        var a2 = new double[batch, outputs];
        double loss = 0;
        for (int n = 0; n < batch; n++)
        {
            for (int j = 0; j < hidden; j++)
            {
                double z = _b1[j];
                for (int i = 0; i < inputs; i++) z += x[n, i] * _w1[i, j];
                a1[n, j] = Math.Tanh(z);
            }
            for (int k = 0; k < outputs; k++)
            {
                double z = _b2[k];
                for (int j = 0; j < hidden; j++) z += a1[n, j] * _w2[j, k];
                a2[n, k] = 1.0 / (1.0 + Math.Exp(-z));
                loss += (a2[n, k] - y[n, k]) * (a2[n, k] - y[n, k]);
            }
        }
        var dz2 = new double[batch, outputs];
        for (int n = 0; n < batch; n++)
            for (int k = 0; k < outputs; k++)
                dz2[n, k] = DELTA;
        var dz1 = new double[batch, hidden];
        for (int n = 0; n < batch; n++)
            for (int j = 0; j < hidden; j++)
            {
                double s = 0;
                for (int k = 0; k < outputs; k++) s += dz2[n, k] * _w2[j, k];
                dz1[n, j] = s * (1 - a1[n, j] * a1[n, j]);
            }
        for (int j = 0; j < hidden; j++)
            for (int k = 0; k < outputs; k++)
            {
                double g = 0;
                for (int n = 0; n < batch; n++) g += a1[n, j] * dz2[n, k];
                _w2[j, k] -= lr * READ0;
            }
        for (int i = 0; i < inputs; i++)
            for (int j = 0; j < hidden; j++)
            {
                double g = 0;
                for (int n = 0; n < batch; n++) g += x[n, i] * dz1[n, j];
                _w1[i, j] -= lr * READ1;
            }
        return loss / batch;
    }
}
";

        [Fact]
        public Task Gradients_from_deltas_divided_inside_an_array_element_are_averaged()
            => NoDiagnosticAsync(ArrayDeltaSource.Replace("DELTA", "(a2[n, k] - y[n, k]) / batch").Replace("READ0", "g").Replace("READ1", "g"));

        [Fact]
        public Task Gradients_from_undivided_array_deltas_or_a_centred_input_are_reported()
        {
            var message = "gradients summed over the batch in 'g' are applied without dividing by the batch size ('batch')";
            Task Reported(string delta) => FixAsync(
                ArrayDeltaSource.Replace("DELTA", delta).Replace("READ0", "{|#0:g|}").Replace("READ1", "{|#1:g|}"),
                ArrayDeltaSource.Replace("DELTA", delta).Replace("READ0", "g / batch").Replace("READ1", "g / batch"),
                null, LanguageVersion.Latest, D(0, message).WithSeverity(DiagnosticSeverity.Info), D(1, message).WithSeverity(DiagnosticSeverity.Info));

            // A division on a path that is not a factor (the target centred by a batch mean) averages nothing.
            return Task.WhenAll(Reported("a2[n, k] - y[n, k]"), Reported("a2[n, k] - (y[n, k] - loss / batch)"));
        }

        // Session 13's third probe (V017): mini-batches walked by offset, the last one short; the loss is a mean over samples.
        private const string OffsetBatches = Usings + @"
public class Perceptron
{
    private readonly float[] _w = new float[4];
    private float _b;

    private float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    public float TrainEpoch(float[][] samples, float[] labels, int batchSize, float lr)
    {
        var losses = new List<double>();
        for (int b0 = 0; b0 < samples.Length; b0 += batchSize)
        {
            int end = Math.Min(b0 + batchSize, samples.Length);
            var gw = new float[_w.Length];
            for (int s = b0; s < end; s++)
            {
                float z = _b;
                for (int i = 0; i < _w.Length; i++) z += _w[i] * samples[s][i];
                float d = Sigmoid(z) - labels[s];
                losses.Add(d * d);
                for (int i = 0; i < _w.Length; i++) gw[i] += d * samples[s][i];
            }
            for (int i = 0; i < _w.Length; i++) _w[i] -= lr * READ;
        }
        return (float)(losses.Sum() / losses.Count);
    }
}";

        [Fact]
        public Task Gradients_of_a_mini_batch_walked_by_offset_are_divided_by_its_own_size()
            => FixAsync(
                OffsetBatches.Replace("READ", "{|#0:gw[i]|}"),
                OffsetBatches.Replace("READ", "gw[i] / (end - b0)"),
                null, LanguageVersion.Latest,
                D(0, "gradients summed over the batch in 'gw' are applied without dividing by the batch size ('(end - b0)')").WithSeverity(DiagnosticSeverity.Info));

        [Fact]
        public Task Gradients_of_a_mini_batch_walked_by_offset_and_averaged_are_not_reported()
            => NoDiagnosticAsync(OffsetBatches.Replace("READ", "gw[i] / (end - b0)"));

        // Session 13's third probe (V019): the samples of a batch processed by Parallel.For, the sums taken under a lock.
        private const string ParallelBatch = Usings + @"
public class LinearModel
{
    private readonly double[] _weights = new double[3];
    private readonly object _gate = new object();

    public double Predict(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += _weights[i] * x[i]; return s; }

    public double TrainBatch(double[][] batch, double[] targets, double learningRate)
    {
        int batchSize = batch.Length;
        var gradW = new double[_weights.Length];
        double loss = 0;
        System.Threading.Tasks.Parallel.For(0, batchSize, n =>
        {
            double err = Predict(batch[n]) - targets[n];
            lock (_gate)
            {
                for (int i = 0; i < gradW.Length; i++) gradW[i] += err * batch[n][i];
                loss += err * err;
            }
        });
        for (int i = 0; i < _weights.Length; i++) _weights[i] -= learningRate * READ;
        return loss / batchSize;
    }
}";

        [Fact]
        public Task Gradients_summed_in_a_parallel_for_over_the_batch_are_divided_by_its_size()
            => FixAsync(
                ParallelBatch.Replace("READ", "{|#0:gradW[i]|}"),
                ParallelBatch.Replace("READ", "gradW[i] / batchSize"),
                null, LanguageVersion.Latest,
                D(0, "gradients summed over the batch in 'gradW' are applied without dividing by the batch size ('batchSize')").WithSeverity(DiagnosticSeverity.Info));

        [Fact]
        public Task Gradients_summed_in_a_parallel_for_over_the_batch_and_averaged_are_not_reported()
            => NoDiagnosticAsync(ParallelBatch.Replace("READ", "gradW[i] / batchSize"));

        [Fact]
        public Task MathNet_bias_gradient_over_a_foreach_batch_is_divided_by_its_count()
        {
            const string source = Usings + @"
public sealed class Network
{
    private Matrix<double> _bias = Matrix<double>.Build.Dense(2, 1);

    public double Step(List<Matrix<double>> batch, double lr)
    {
        var gradB = Matrix<double>.Build.Dense(2, 1);
        double cost = 0;
        foreach (var delta in batch)
        {
            gradB += delta;
            cost += delta.Enumerate().Sum();
        }

        _bias = _bias - lr * {|#0:gradB|};
        return cost / batch.Count;
    }
}
";
            var fixedSource = source.Replace("lr * {|#0:gradB|}", "lr * gradB / batch.Count");
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "gradients summed over the batch in 'gradB' are applied without dividing by the batch size ('batch.Count')").WithSeverity(DiagnosticSeverity.Info));
        }

        private const string MatrixGradientSource = Usings + @"
public sealed class Network
{
    private Matrix<double> _weights = Matrix<double>.Build.Dense(2, 3);
    private Vector<double> _bias = Vector<double>.Build.Dense(2);

    private static Matrix<double> Sigmoid(Matrix<double> z) => z.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public double Step(Matrix<double> x, Matrix<double> y, double learningRate)
    {
        var a = Sigmoid(_weights * x);
        var delta = a - y;
        var gradW = delta * x.Transpose();
        var gradB = delta.RowSums();
        _weights = _weights - learningRate * WEIGHTGRAD;
        _bias = _bias - learningRate * BIASGRAD;
        return delta.PointwiseMultiply(delta).Enumerate().Sum() / x.ColumnCount;
    }
}
";

        [Fact]
        public Task Matrix_products_and_row_sums_over_the_samples_applied_undivided_are_divided_by_the_column_count()
        {
            var source = MatrixGradientSource.Replace("WEIGHTGRAD", "{|#0:gradW|}").Replace("BIASGRAD", "{|#1:gradB|}");
            var fixedSource = MatrixGradientSource.Replace("WEIGHTGRAD", "gradW / delta.ColumnCount").Replace("BIASGRAD", "gradB / delta.ColumnCount");
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "gradients summed over the batch in 'gradW' are applied without dividing by the batch size ('delta.ColumnCount')").WithSeverity(DiagnosticSeverity.Info),
                D(1, "gradients summed over the batch in 'gradB' are applied without dividing by the batch size ('delta.ColumnCount')").WithSeverity(DiagnosticSeverity.Info));
        }

        [Fact]
        public Task Matrix_gradients_that_are_averaged_or_per_sample_are_not_reported()
        {
            var divided = MatrixGradientSource.Replace("WEIGHTGRAD", "gradW / x.ColumnCount").Replace("BIASGRAD", "gradB / x.ColumnCount");
            var sumLoss = MatrixGradientSource.Replace("WEIGHTGRAD", "gradW").Replace("BIASGRAD", "gradB").Replace(" / x.ColumnCount;", ";");
            var averagedAtTheSource = MatrixGradientSource.Replace("WEIGHTGRAD", "gradW").Replace("BIASGRAD", "gradB")
                .Replace("var gradW = delta * x.Transpose();", "var gradW = delta * x.Transpose() / x.ColumnCount;")
                .Replace("var gradB = delta.RowSums();", "var gradB = delta.RowSums() / x.ColumnCount;");
            var samplesInRows = MatrixGradientSource.Replace("WEIGHTGRAD", "gradW / x.ColumnCount").Replace("BIASGRAD", "gradB")
                .Replace("var gradB = delta.RowSums();", "var gradB = (x * _weights.Transpose()).RowSums();");
            return Task.WhenAll(NoDiagnosticAsync(divided), NoDiagnosticAsync(sumLoss), NoDiagnosticAsync(averagedAtTheSource), NoDiagnosticAsync(samplesInRows));
        }

        // Probe 13's V027: a numpy port (one sample per column, m = X.shape[1]) averages the output delta and the
        // first-layer weight gradient by a local m, but applies the hidden bias gradient dZ1.RowSums() summed.
        private const string NumpyPortSource = Usings + @"
public class TwoLayerNet
{
    private Matrix<double> W1 = Matrix<double>.Build.Dense(3, 2), W2 = Matrix<double>.Build.Dense(1, 3);
    private Vector<double> b1 = Vector<double>.Build.Dense(3), b2 = Vector<double>.Build.Dense(1);

    static Matrix<double> AddBias(Matrix<double> z, Vector<double> b) => z.MapIndexed((i, j, v) => v + b[i]);

    public double Step(Matrix<double> X, Matrix<double> Y, double lr)
    {
        int m = X.ColumnCount;
        var Z1 = AddBias(W1 * X, b1);
        var A1 = Z1.PointwiseTanh();
        var Z2 = AddBias(W2 * A1, b2);
        var diff = Z2 - Y;
        double loss = diff.PointwisePower(2).Enumerate().Sum() / (2.0 * m);

        var dZ2 = diff / m;
        var dW2 = dZ2 * A1.Transpose();
        var db2 = dZ2.RowSums();
        var dZ1 = (W2.Transpose() * DELTA).PointwiseMultiply(1 - A1.PointwisePower(2));
        var dW1 = dZ1 * X.Transpose() / m;
        var db1 = BIASGRAD;

        W2 = W2 - lr * dW2;
        b2 = b2 - lr * db2;
        W1 = W1 - lr * dW1;
        b1 = b1 - lr * READ;
        return loss;
    }
}
";

        [Fact]
        public Task A_row_sum_applied_undivided_while_the_rest_is_divided_by_a_local_sample_count_is_reported()
        {
            var source = NumpyPortSource.Replace("DELTA", "diff").Replace("BIASGRAD", "dZ1.RowSums()");
            return FixAsync(source.Replace("READ", "{|#0:db1|}"), source.Replace("READ", "db1 / dZ1.ColumnCount"), null, LanguageVersion.Latest,
                D(0, "gradients summed over the batch in 'db1' are applied without dividing by the batch size ('dZ1.ColumnCount')").WithSeverity(DiagnosticSeverity.Info));
        }

        [Fact]
        public Task Gradients_reduced_from_a_delta_divided_by_the_sample_count_are_averaged()
        {
            // dZ2 = diff / m: dZ2 * A1ᵀ and dZ2.RowSums() are averages, and so is every delta back-propagated from dZ2.
            var divided = NumpyPortSource.Replace("DELTA", "diff").Replace("BIASGRAD", "dZ1.RowSums() / m").Replace("READ", "db1");
            var backPropagated = NumpyPortSource.Replace("DELTA", "dZ2").Replace("BIASGRAD", "dZ1.RowSums()").Replace("READ", "db1")
                .Replace("dZ1 * X.Transpose() / m", "dZ1 * X.Transpose()");
            var literalCount = backPropagated.Replace("/ m", "/ X.ColumnCount").Replace("(2.0 * m)", "(2.0 * X.ColumnCount)");
            return Task.WhenAll(NoDiagnosticAsync(divided), NoDiagnosticAsync(backPropagated), NoDiagnosticAsync(literalCount));
        }

        // Probe 13's V029: softmax regression with samples in rows; the gradient Xᵀ(P − Y) is written with the delta inline.
        private const string InlineDeltaSource = Usings + @"
public class SoftmaxRegression
{
    public Matrix<double> W { get; private set; } = Matrix<double>.Build.Dense(4, 3);

    static Matrix<double> SoftmaxRows(Matrix<double> z)
    {
        var r = z.Clone();
        for (int i = 0; i < r.RowCount; i++)
        {
            var row = r.Row(i);
            var e = (row - row.Maximum()).PointwiseExp();
            r.SetRow(i, e / e.Sum());
        }
        return r;
    }

    public double TrainBatch(Matrix<double> X, Matrix<double> Y, double learningRate)
    {
        var P = SoftmaxRows(X * W);
        double loss = -Y.PointwiseMultiply(P.PointwiseMaximum(1e-12).PointwiseLog()).Enumerate().Sum() / X.RowCount;
        var grad = GRADIENT;
        W = W - learningRate * READ;
        return loss;
    }
}
";

        [Theory]
        [InlineData("X.TransposeThisAndMultiply(P - Y)")]
        [InlineData("X.Transpose() * (P - Y)")]
        public Task A_product_with_the_delta_written_inline_applied_undivided_is_divided_by_the_sample_count(string gradient)
        {
            var source = InlineDeltaSource.Replace("GRADIENT", gradient);
            return FixAsync(source.Replace("READ", "{|#0:grad|}"), source.Replace("READ", "grad / X.RowCount"), null, LanguageVersion.Latest,
                D(0, "gradients summed over the batch in 'grad' are applied without dividing by the batch size ('X.RowCount')").WithSeverity(DiagnosticSeverity.Info));
        }

        [Theory]
        [InlineData("X.TransposeThisAndMultiply(P - Y) / X.RowCount")]
        [InlineData("X.TransposeThisAndMultiply((P - Y) / X.RowCount)")]
        [InlineData("X.Transpose() * (P - Y) / X.RowCount")]
        public Task A_product_with_the_delta_written_inline_and_averaged_is_not_reported(string gradient)
            => NoDiagnosticAsync(InlineDeltaSource.Replace("GRADIENT", gradient).Replace("READ", "grad"));

        // The rule page's own form in a layer whose NN signs are split between the type (a layer) and its method (a
        // learning rate): regression for the probe's LogisticLayer, missed whatever the input was called.
        private const string LogisticLayerSource = Usings + @"
public class LogisticLayer
{
    public Matrix<double> W;

    public double Step(Matrix<double> X, Matrix<double> Y, double learningRate)
    {
        var A = (W * X).Map(z => 1.0 / (1.0 + Math.Exp(-z)));
        var delta = A - Y;
        var loss = LOSS / X.ColumnCount;
        var gradW = delta * X.Transpose();
        W = W - learningRate * GRADIENT;
        return loss;
    }
}
";

        [Theory]
        [InlineData("X", "delta.PointwiseMultiply(delta).Enumerate().Sum()")]
        [InlineData("x", "delta.PointwiseMultiply(delta).Enumerate().Sum()")]
        [InlineData("X", "delta.PointwisePower(2).Enumerate().Sum()")]
        [InlineData("input", "delta.PointwisePower(2).Enumerate().Sum()")]
        public Task A_layer_with_a_learning_rate_applying_a_matrix_product_gradient_undivided_is_reported(string input, string loss)
        {
            var source = LogisticLayerSource.Replace("LOSS", loss).Replace("X", input);
            var fixedSource = source.Replace("GRADIENT", "gradW / delta.ColumnCount");
            return FixAsync(source.Replace("GRADIENT", "{|#0:gradW|}"), fixedSource, null, LanguageVersion.Latest,
                D(0, "gradients summed over the batch in 'gradW' are applied without dividing by the batch size ('delta.ColumnCount')").WithSeverity(DiagnosticSeverity.Info));
        }

        [Fact]
        public Task A_layer_with_a_learning_rate_and_an_averaged_gradient_is_not_reported()
        {
            var averaged = LogisticLayerSource.Replace("LOSS", "delta.PointwisePower(2).Enumerate().Sum()").Replace("GRADIENT", "gradW / X.ColumnCount");
            var averagedAtTheSource = LogisticLayerSource.Replace("LOSS", "delta.PointwisePower(2).Enumerate().Sum()").Replace("GRADIENT", "gradW")
                .Replace("delta * X.Transpose();", "delta * X.Transpose() / X.ColumnCount;");
            return Task.WhenAll(NoDiagnosticAsync(averaged), NoDiagnosticAsync(averagedAtTheSource));
        }

        // ---------------------------------------------------------------- whole sums written without index loops

        // A whole sum of a 2-D array of samples (one per row: the loops' bound is batchSize), SUM standing for its form.
        private const string WholeArraySum = Usings + @"
public class OutputLayer
{
    public double[,] Weights;

    public void Normalize(double[,] e)
    {
        int batchSize = e.GetLength(0), classes = e.GetLength(1);
SUM
        for (int n = 0; n < batchSize; n++)
            for (int c = 0; c < classes; c++)
                e[n, c] /= sum;
    }
}
";

        [Theory]
        [InlineData("        double sum = 0;\n        foreach (var v in e) {|#0:sum += v|};")]
        [InlineData("        double sum = {|#0:e.Cast<double>().Sum()|};")]
        [InlineData("        var sum = {|#0:e.OfType<double>().Sum()|};")]
        public Task A_whole_sum_of_a_2d_array_by_foreach_or_linq_is_reported_without_a_fix(string sum)
        {
            var source = WholeArraySum.Replace("SUM", sum);
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(D(0, "'e' is normalised by 'sum', one sum over all its rows and columns; normalise each sample (row) by its own sum"));
            return test.RunAsync(CancellationToken.None);
        }

        [Theory]
        [InlineData("var total = {|#0:batchExps.Sum(row => row.Sum())|};", "return batchExps.Select(row => row.Select(v => v / total).ToArray()).ToArray();")]
        [InlineData("var total = {|#0:batchExps.SelectMany(row => row).Sum()|};", "return batchExps.Select(row => row.Select(v => v / total).ToArray()).ToArray();")]
        [InlineData("double total = 0;\n        foreach (var row in batchExps) foreach (var v in row) {|#0:total += v|};", "foreach (var row in batchExps) for (int k = 0; k < row.Length; k++) row[k] /= total;\n        return batchExps;")]
        public Task A_whole_sum_of_a_jagged_batch_by_foreach_or_linq_is_reported_without_a_fix(string sum, string division)
        {
            var source = Usings + @"
public class SoftmaxLayer
{
    public double[][] Weights;

    public double[][] Normalize(double[][] batchExps)
    {
        " + sum + @"
        " + division + @"
    }
}
";
            var test = new Verify.Test { TestCode = source, FixedCode = source };
            test.ExpectedDiagnostics.Add(D(0, "'batchExps' is normalised by 'total', one sum over all its rows and columns; normalise each sample (row) by its own sum"));
            return test.RunAsync(CancellationToken.None);
        }

        [Theory]
        [InlineData("ToColumnMajorArray")]
        [InlineData("ToRowMajorArray")]
        public Task A_sum_of_a_matrix_flattened_to_an_array_is_reported_and_normalised_per_column(string flatten)
        {
            const string source = Usings + @"
public class SoftmaxClassifier
{
    public Matrix<double> W;

    public Matrix<double> Forward(Matrix<double> X)
    {
        var e = (W * X).PointwiseExp();
        var s = {|#0:e.FLATTEN().Sum()|};
        return e / s;
    }
}
";
            const string fixedSource = Usings + @"
public class SoftmaxClassifier
{
    public Matrix<double> W;

    public Matrix<double> Forward(Matrix<double> X)
    {
        var e = (W * X).PointwiseExp();
        return e.NormalizeColumns(1.0);
    }
}
";
            return FixAsync(source.Replace("FLATTEN", flatten), fixedSource, null, LanguageVersion.Latest,
                D(0, "'e' is normalised by a sum over the whole batch matrix; normalise each sample (column) by its own sum"));
        }

        [Fact]
        public Task Per_row_sums_single_samples_and_matrices_without_samples_are_not_reported()
        {
            var perRowLinq = Usings + @"
public class SoftmaxLayer
{
    public double[][] Weights;

    public double[][] Normalize(double[][] batchExps)
        => batchExps.Select(row => { var total = row.Sum(); return row.Select(v => v / total).ToArray(); }).ToArray();
}
";
            var perRowForeach = Usings + @"
public class SoftmaxLayer
{
    public double[][] Weights;

    public void Normalize(double[][] batchExps)
    {
        foreach (var row in batchExps)
        {
            double total = 0;
            foreach (var v in row) total += v;
            for (int k = 0; k < row.Length; k++) row[k] /= total;
        }
    }
}
";
            var singleSample = Usings + @"
public class SoftmaxLayer
{
    public double[] Weights;

    public double[] Normalize(double[] exps)
    {
        var total = exps.Sum();
        double other = 0;
        foreach (var v in exps) other += v;
        return exps.Select(v => v / total / other).ToArray();
    }
}
";
            // A confusion matrix made a joint distribution: no exponential and no batch in sight.
            var jointDistribution = Usings + @"
public class NetworkEvaluation
{
    public double[,] Weights;

    public void ToJoint(double[,] counts, int classes)
    {
        var total = counts.Cast<double>().Sum();
        for (int i = 0; i < classes; i++)
            for (int j = 0; j < classes; j++)
                counts[i, j] /= total;
    }

    public void ToJointByForeach(double[,] counts, int classes)
    {
        double total = 0;
        foreach (var c in counts) total += c;
        for (int i = 0; i < classes; i++)
            for (int j = 0; j < classes; j++)
                counts[i, j] /= total;
    }
}
";
            return Task.WhenAll(NoDiagnosticAsync(perRowLinq), NoDiagnosticAsync(perRowForeach), NoDiagnosticAsync(singleSample), NoDiagnosticAsync(jointDistribution));
        }

        // ---------------------------------------------------------------- the seed port's shape, all together

        [Fact]
        public Task Seed_port_shape_reports_the_softmax_sum_and_the_bias_and_fix_all_fixes_both()
        {
            const string source = Usings + @"
public static class SeedNetwork
{
    public static (Dictionary<int, Matrix<double>> W, Dictionary<int, Matrix<double>> B) InitModel(int inputs, int[] nodes, int outputs, int batch, Random rng)
    {
        var w = new Dictionary<int, Matrix<double>>();
        var b = new Dictionary<int, Matrix<double>>();
        var n = new[] { inputs }.Concat(nodes).Append(outputs).ToArray();
        for (var i = 0; i < n.Length - 1; i++)
        {
            w[i] = Matrix<double>.Build.Random(n[i + 1], n[i]);
            b[i] = Matrix<double>.Build.Random(n[i + 1], {|#1:batch|});
        }

        return (w, b);
    }

    public static Matrix<double> Sig(Matrix<double> x) => x.Map(v => 1.0 / (1.0 + Math.Exp(-v)));

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        var s = {|#0:z.Enumerate().Sum()|};
        return z / s;
    }

    public static (Matrix<double> Pred, Dictionary<int, Matrix<double>> A) ForwardProp(Matrix<double> x, Dictionary<int, Matrix<double>> w, Dictionary<int, Matrix<double>> b)
    {
        var z = new Dictionary<int, Matrix<double>>();
        var a = new Dictionary<int, Matrix<double>>();
        a[0] = x.Transpose();
        var last = w.Count;
        for (var i = 1; i <= last; i++)
        {
            z[i] = w[i - 1] * a[i - 1] + b[i - 1];
            a[i] = i == last ? Softmax(z[i]) : Sig(z[i]);
        }

        return (a[last], a);
    }
}
";
            var fixedSource = source
                .Replace("{|#1:batch|}", "1")
                .Replace("        var s = {|#0:z.Enumerate().Sum()|};\n", string.Empty)
                .Replace("        var s = {|#0:z.Enumerate().Sum()|};\r\n", string.Empty)
                .Replace("return z / s;", "return z.NormalizeColumns(1.0);");
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, UnknownAxisMessage),
                D(1, "bias 'b' is allocated with a batch-size dimension ('batch'); a bias has one column"));
        }

        [Fact]
        public Task Fix_all_with_the_per_row_key_also_fixes_the_bias_in_the_same_pass()
        {
            const string source = Usings + @"
public static class SeedNetwork
{
    public static Matrix<double> Bias(int units, int batch) => Matrix<double>.Build.Dense(units, batch);

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        return z / {|#0:z.Enumerate().Sum()|};
    }

    public static void Init(Dictionary<int, Matrix<double>> b, int units, int batch)
    {
        b[0] = Matrix<double>.Build.Dense(units, {|#2:batch|});
    }
}
";
            const string fixedSource = Usings + @"
public static class SeedNetwork
{
    public static Matrix<double> Bias(int units, int batch) => Matrix<double>.Build.Dense(units, batch);

    public static Matrix<double> Softmax(Matrix<double> x)
    {
        var z = x.PointwiseExp();
        return z.NormalizeRows(1.0);
    }

    public static void Init(Dictionary<int, Matrix<double>> b, int units, int batch)
    {
        b[0] = Matrix<double>.Build.Dense(units, 1);
    }
}
";
            // The method named Bias is not storage: only the dictionary b is a bias parameter.
            // One at a time, the per-row action exists only for the softmax; Fix All with that key fixes the bias too.
            var oneAtATime = fixedSource.Replace("Build.Dense(units, 1);", "Build.Dense(units, {|#2:batch|});");
            var test = new Verify.Test
            {
                TestCode = source,
                FixedCode = oneAtATime,
                BatchFixedCode = fixedSource,
                CodeActionEquivalenceKey = "NN0003.PerRow",
                CodeActionIndex = 1,
                NumberOfIncrementalIterations = 1,
                NumberOfFixAllIterations = 1,
            };
            test.ExpectedDiagnostics.Add(D(0, UnknownAxisMessage));
            test.ExpectedDiagnostics.Add(D(2, "bias 'b' is allocated with a batch-size dimension ('batch'); a bias has one column"));
            test.FixedState.ExpectedDiagnostics.Add(D(2, "bias 'b' is allocated with a batch-size dimension ('batch'); a bias has one column"));
            return test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public Task Transposed_product_with_a_weight_on_the_right_puts_samples_in_columns()
        {
            const string source = Usings + @"
public sealed class Network
{
    private readonly Matrix<double> _w = Matrix<double>.Build.Dense(3, 2);

    public Matrix<double> Forward(Matrix<double> batch)
    {
        var logits = (batch * _w).Transpose();
        var e = logits.PointwiseExp();
        var s = {|#0:e.ColumnSums().Sum()|};
        var p = e / s;
        Console.WriteLine(s);
        return p;
    }
}
";
            const string fixedSource = Usings + @"
public sealed class Network
{
    private readonly Matrix<double> _w = Matrix<double>.Build.Dense(3, 2);

    public Matrix<double> Forward(Matrix<double> batch)
    {
        var logits = (batch * _w).Transpose();
        var e = logits.PointwiseExp();
        var s = e.ColumnSums().Sum();
        var p = e.NormalizeColumns(1.0);
        Console.WriteLine(s);
        return p;
    }
}
";
            // s is still read after the fix: its declaration stays.
            return FixAsync(source, fixedSource, null, LanguageVersion.Latest,
                D(0, "'e' is normalised by a sum over the whole batch matrix; normalise each sample (column) by its own sum"));
        }

        [Fact]
        public async Task Incomplete_code_never_throws()
        {
            var sources = new[] { SeedSoftmax, ArraySoftmax, GradientSource.Replace("REPLACE", "gradW[j, k]") }
                .Select(s => s.Replace("{|#0:", string.Empty).Replace("|}", string.Empty))
                .ToArray();
            var analyzer = new NN0003BatchUnawareSummationAnalyzer();
            var exceptions = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            foreach (var source in sources)
            {
                for (var length = Usings.Length; length < source.Length; length += 23)
                {
                    var tree = CSharpSyntaxTree.ParseText(source.Substring(0, length));
                    var compilation = CSharpCompilation.Create("Broken", new[] { tree }, TestReferences.All,
                        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
                    var options = new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzersOptions(
                        new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions(System.Collections.Immutable.ImmutableArray<AdditionalText>.Empty),
                        (ex, _, _) => exceptions.Add(ex),
                        concurrentAnalysis: false,
                        logAnalyzerExecutionTime: false);
                    var withAnalyzers = compilation.WithAnalyzers(
                        System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(analyzer), options);
                    await withAnalyzers.GetAnalyzerDiagnosticsAsync();
                }
            }

            Assert.Empty(exceptions);
        }

        // ---------------------------------------------------------------- behaviour of the fixed code

        [Fact]
        public void Fixed_matrix_softmax_gives_each_sample_of_a_batch_of_3_its_own_probabilities()
        {
            var softmax = CompiledMethod(SeedSoftmaxPerColumn, "SeedNetwork", "Softmax");
            var original = CompiledMethod(SeedSoftmax.Replace("{|#0:", string.Empty).Replace("|}", string.Empty), "SeedNetwork", "Softmax");
            var batch = Matrix<double>.Build.DenseOfArray(new double[,]
            {
                { 1.0, -2.0, 0.5 },
                { 2.0, 0.0, 0.5 },
                { 3.0, 2.0, -1.0 },
            });
            var together = (Matrix<double>)softmax.Invoke(null, new object[] { batch })!;
            for (var j = 0; j < 3; j++)
            {
                // One sample alone: the original softmax is right for it, and so is the textbook formula.
                var alone = (Matrix<double>)original.Invoke(null, new object[] { batch.Column(j).ToColumnMatrix() })!;
                var denominator = Enumerable.Range(0, 3).Sum(i => Math.Exp(batch[i, j]));
                double sum = 0;
                for (var i = 0; i < 3; i++)
                {
                    Assert.Equal(alone[i, 0], together[i, j], 12);
                    Assert.Equal(Math.Exp(batch[i, j]) / denominator, together[i, j], 12);
                    sum += together[i, j];
                }

                Assert.Equal(1.0, sum, 12);
            }

            // The original on the whole batch mixes the samples: its columns do not sum to one.
            var mixed = (Matrix<double>)original.Invoke(null, new object[] { batch })!;
            Assert.NotEqual(1.0, mixed.Column(0).Sum(), 3);
        }

        [Fact]
        public void Fixed_array_softmax_gives_each_sample_of_a_batch_of_3_its_own_probabilities()
        {
            var softmax = CompiledMethod(ArraySoftmaxPerRow, "Activations", "Softmax");
            var original = CompiledMethod(ArraySoftmax.Replace("{|#0:", string.Empty).Replace("|}", string.Empty), "Activations", "Softmax");
            var batch = new double[,] { { 1.0, 2.0, 3.0 }, { -2.0, 0.0, 2.0 }, { 0.5, 0.5, -1.0 } };
            var together = (double[,])softmax.Invoke(null, new object[] { batch })!;
            for (var n = 0; n < 3; n++)
            {
                var one = new double[1, 3];
                for (var k = 0; k < 3; k++)
                {
                    one[0, k] = batch[n, k];
                }

                var alone = (double[,])original.Invoke(null, new object[] { one })!;
                for (var k = 0; k < 3; k++)
                {
                    Assert.Equal(alone[0, k], together[n, k], 12);
                }
            }
        }

        /// <summary>Compiles <paramref name="source"/> in memory with the test references, loads it and returns a static method.</summary>
        private static MethodInfo CompiledMethod(string source, string typeName, string methodName)
        {
            var compilation = CSharpCompilation.Create(
                "NN0003Behaviour" + Guid.NewGuid().ToString("N"),
                new[] { CSharpSyntaxTree.ParseText(source) },
                TestReferences.All,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            using var stream = new MemoryStream();
            var result = compilation.Emit(stream);
            Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            var assembly = Assembly.Load(stream.ToArray());
            var method = assembly.GetType(typeName)!.GetMethods().Single(m => m.Name == methodName);
            return method;
        }
    }
}
