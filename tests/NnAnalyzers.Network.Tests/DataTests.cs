using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace NnAnalyzers.Network.Tests
{
    public class DataTests
    {
        [Fact]
        public void Csv_loads_samples_as_columns_with_sorted_labels()
        {
            var csv = "x1,label,x2\n1.5,g,-2\n0,b,3e-1\n\n7,g,4\n";
            var data = CsvData.Load(new StringReader(csv));
            Assert.Equal(3, data.Count);
            Assert.Equal(2, data.FeatureCount);
            Assert.Equal(new[] { "x1", "x2" }, data.FeatureNames);
            Assert.Equal(new[] { "b", "g" }, data.Classes.Labels);
            Assert.Equal(new[] { 1, 0, 1 }, data.Labels);
            Assert.Equal(new[] { 1.5, -2 }, data.Features.Column(0).ToArray());
            Assert.Equal(new[] { 0, 0.3 }, data.Features.Column(1).ToArray());
            Assert.Equal(Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 1, 0 }, { 1, 0, 1 } }), data.OneHot());
        }

        [Fact]
        public void Label_map_round_trips()
        {
            var map = new LabelMap(new[] { "g", "b", "g", "a" });
            Assert.Equal(3, map.Count);
            Assert.Equal(0, map.IndexOf("a"));
            Assert.Equal(2, map.IndexOf("g"));
            Assert.Equal("b", map.LabelOf(1));
            Assert.Equal("label", Assert.Throws<ArgumentException>(() => map.IndexOf("z")).ParamName);
            Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => map.LabelOf(3)).ParamName);
        }

        [Fact]
        public void Standardizer_is_fitted_on_the_training_part_only()
        {
            var train = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 3 }, { 5, 5 } });
            var s = Standardizer.Fit(train);
            Assert.Equal(2.0, s.Means[0]);
            Assert.Equal(1.0, s.StandardDeviations[0]);
            Assert.Equal(1.0, s.StandardDeviations[1]); // constant feature
            var test = Matrix<double>.Build.DenseOfArray(new double[,] { { 10 }, { 6 } });
            var t = s.Transform(test);
            Assert.Equal(8.0, t[0, 0]);
            Assert.Equal(1.0, t[1, 0]);
            var trained = s.Transform(train);
            Assert.Equal(0.0, trained.Row(0).Sum(), 12);
        }

        private static Dataset Numbered(int count, int classes = 2)
        {
            var x = Matrix<double>.Build.Dense(1, count, (r, c) => c);
            return new Dataset(x, Enumerable.Range(0, count).Select(i => i % 3 == 0 ? 0 : 1 % classes).ToArray(), new LabelMap(new[] { "b", "g" }));
        }

        [Fact]
        public void First200_takes_the_first_rows_in_file_order()
        {
            var (train, test) = Splits.Seed(Numbered(351), SeedSplit.First200);
            Assert.Equal(200, train.Count);
            Assert.Equal(151, test.Count);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => (double)i), train.Features.Row(0).ToArray());
            Assert.Equal(200.0, test.Features[0, 0]);
        }

        [Fact]
        public void Shuffle70_is_a_seeded_disjoint_70_30_split()
        {
            var data = Numbered(351);
            var (train, test) = Splits.Seed(data, SeedSplit.Shuffle70);
            Assert.Equal(246, train.Count);
            Assert.Equal(105, test.Count);
            var all = train.Features.Row(0).Concat(test.Features.Row(0)).OrderBy(v => v).ToArray();
            Assert.Equal(Enumerable.Range(0, 351).Select(i => (double)i), all);
            var (again, _) = Splits.Seed(data, SeedSplit.Shuffle70);
            Assert.Equal(train.Features, again.Features);
            var (other, _) = Splits.Seed(data, SeedSplit.Shuffle70, seed: 7);
            Assert.NotEqual(train.Features, other.Features);
            Assert.NotEqual(Enumerable.Range(0, 246).Select(i => (double)i), train.Features.Row(0).ToArray());

            // numpy: np.random.RandomState(42).permutation(351) starts 157, 342, 316, 234, 155 and ends 270, 348, 102.
            Assert.Equal(new double[] { 157, 342, 316, 234, 155, 274, 305, 227, 278, 185 }, train.Features.Row(0).Take(10).ToArray());
            Assert.Equal(new double[] { 71, 106, 270, 348, 102 }, test.Features.Row(0).Skip(100).ToArray());
        }

        [Fact]
        public void Mersenne_twister_matches_the_reference_outputs()
        {
            var mt = new NumpyPermutation.Mt19937(5489);
            Assert.Equal(3499211612u, mt.NextUInt32());
            Assert.Equal(581869302u, mt.NextUInt32());
        }

        [Fact]
        public void Stratified_split_keeps_class_proportions()
        {
            var data = Numbered(300); // 100 of class 0, 200 of class 1
            var (train, test) = Splits.Random(data, 0.7, new Random(3), stratified: true);
            Assert.Equal(70, train.Labels.Count(l => l == 0));
            Assert.Equal(140, train.Labels.Count(l => l == 1));
            Assert.Equal(30, test.Labels.Count(l => l == 0));
            Assert.Equal("trainFraction", Assert.Throws<ArgumentOutOfRangeException>(() => Splits.Random(data, 1.0, new Random(0))).ParamName);
        }

        /// <summary>
        /// The real Ionosphere file when the repository has it (samples/data/ionosphere.csv), otherwise a generated file of
        /// the same shape (34 features, labels g/b); in both cases: load, map labels, split, standardise, train, evaluate.
        /// </summary>
        [Fact]
        public void Ionosphere_pipeline_runs_end_to_end()
        {
            var path = TestData.IonospherePath();
            var data = path is not null ? CsvData.Load(path) : CsvData.Load(new StringReader(GeneratedIonosphereLike()));
            Assert.Equal(351, data.Count);
            Assert.Equal(34, data.FeatureCount);
            Assert.Equal(new[] { "b", "g" }, data.Classes.Labels);
            if (path is not null)
            {
                Assert.Equal(126, data.Labels.Count(l => l == 0));
                Assert.Equal(225, data.Labels.Count(l => l == 1));
            }

            var (train, test) = Splits.Seed(data, SeedSplit.First200);
            var scaler = Standardizer.Fit(train.Features);
            var net = DenseNetwork.Create(34, new[] { 20, 20 }, 2, new Random(0), Activation.Sigmoid);
            var result = new Trainer(net, Loss.SoftmaxCrossEntropy, new SgdOptimizer(0.01), new TrainerOptions { Epochs = 40, BatchSize = 1, Seed = 0 })
                .Fit(scaler.Transform(train.Features), train.OneHot());
            Assert.True(result.History.Last().TrainingLoss < 0.3, $"training loss {result.History.Last().TrainingLoss}");
            var accuracy = Evaluation.Accuracy(net.PredictClasses(scaler.Transform(test.Features)), test.Labels);
            Assert.True(accuracy >= 0.85, $"test accuracy {accuracy}");
        }

        private static string GeneratedIonosphereLike()
        {
            var random = new Random(11);
            var sb = new StringBuilder();
            sb.AppendLine(string.Join(",", Enumerable.Range(1, 34).Select(i => "f" + i)) + ",label");
            for (var i = 0; i < 351; i++)
            {
                var good = random.NextDouble() < 0.64;
                var values = Enumerable.Range(0, 34).Select(f => (f < 8 ? (good ? 0.4 : -0.4) : 0.0) + (0.5 * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1)));
                sb.AppendLine(string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + (good ? ",g" : ",b"));
            }

            return sb.ToString();
        }
    }
}
