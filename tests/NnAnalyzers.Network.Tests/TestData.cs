using System;
using System.IO;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace NnAnalyzers.Network.Tests
{
    internal static class TestData
    {
        public static Matrix<double> Normal(int rows, int columns, int seed, double scale = 1.0)
        {
            var random = new Random(seed);
            var m = Matrix<double>.Build.Dense(rows, columns);
            for (var c = 0; c < columns; c++)
            {
                for (var r = 0; r < rows; r++)
                {
                    m[r, c] = scale * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
                }
            }

            return m;
        }

        /// <summary>Two Gaussian blobs in <paramref name="features"/> dimensions, centred at ±<paramref name="separation"/>/2 on every axis.</summary>
        public static Dataset Blobs(int count, int features, int seed, double separation = 3.0)
        {
            var random = new Random(seed);
            var x = Matrix<double>.Build.Dense(features, count);
            var labels = new int[count];
            for (var i = 0; i < count; i++)
            {
                labels[i] = i % 2;
                var centre = labels[i] == 0 ? -separation / 2 : separation / 2;
                for (var f = 0; f < features; f++)
                {
                    x[f, i] = centre / Math.Sqrt(features) + MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
                }
            }

            return new Dataset(x, labels, new LabelMap(new[] { "a", "b" }));
        }

        public static Matrix<double> OneHotRandom(int classes, int columns, int seed)
        {
            var random = new Random(seed);
            var labels = new int[columns];
            for (var i = 0; i < columns; i++)
            {
                labels[i] = random.Next(classes);
            }

            return Dataset.OneHot(labels, classes);
        }

        /// <summary>The repository root (the folder with NnAnalyzers.sln), or null.</summary>
        public static string? RepositoryRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NnAnalyzers.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName;
        }

        public static string? IonospherePath()
        {
            var root = RepositoryRoot();
            if (root is null)
            {
                return null;
            }

            var path = Path.Combine(root, "samples", "data", "ionosphere.csv");
            return File.Exists(path) ? path : null;
        }
    }
}
