using System;
using System.Linq;
using SeedPort;
using Xunit;

namespace NnAnalyzers.Samples.Tests
{
    /// <summary>
    /// NumpyRandom against numbers printed by numpy 1.24.2 (legacy np.random.RandomState). They are reference data:
    /// obtained once with /usr/bin/python3 and pasted here, so the tests need no python.
    /// </summary>
    public class NumpyRandomTests
    {
        // np.random.RandomState(0).rand(5).tolist()
        private static readonly double[] Seed0Rand = { 0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969, 0.4236547993389047 };

        // np.random.RandomState(1).rand(5).tolist()
        private static readonly double[] Seed1Rand = { 0.417022004702574, 0.7203244934421581, 0.00011437481734488664, 0.30233257263183977, 0.14675589081711304 };

        // np.random.RandomState(42).permutation(351).tolist()
        private static readonly int[] Seed42Permutation351 =
        {
            157, 342, 316, 234, 155, 274, 305, 227, 278, 185, 75, 124, 168, 126, 173, 39, 298, 77, 56, 118, 233, 45, 182, 272, 82, 25, 238, 9, 93, 195,
            295, 177, 22, 119, 283, 55, 42, 30, 208, 310, 113, 84, 338, 5, 249, 152, 57, 289, 73, 324, 339, 3, 108, 109, 240, 286, 46, 203, 72, 114,
            176, 33, 63, 331, 76, 94, 181, 179, 199, 327, 228, 78, 90, 16, 66, 288, 7, 110, 202, 311, 307, 137, 153, 101, 262, 60, 347, 248, 250, 210,
            315, 17, 140, 24, 334, 294, 222, 239, 346, 197, 132, 258, 329, 335, 19, 139, 79, 116, 18, 223, 104, 271, 31, 254, 148, 180, 333, 328, 265, 163,
            59, 147, 332, 111, 145, 15, 220, 6, 253, 231, 10, 158, 277, 81, 219, 196, 172, 175, 232, 340, 92, 69, 302, 96, 143, 267, 97, 345, 68, 23,
            37, 144, 122, 67, 280, 290, 125, 146, 193, 86, 296, 209, 297, 165, 266, 167, 245, 244, 242, 129, 38, 11, 225, 183, 112, 224, 255, 117, 323, 337,
            326, 317, 164, 282, 325, 154, 237, 2, 115, 247, 194, 281, 120, 287, 198, 303, 127, 74, 284, 29, 83, 291, 107, 229, 211, 133, 184, 256, 44, 322,
            65, 261, 85, 186, 70, 159, 12, 35, 28, 170, 142, 150, 221, 131, 246, 51, 95, 268, 178, 204, 123, 41, 89, 309, 206, 136, 26, 343, 141, 292,
            4, 0, 314, 300, 318, 100, 226, 192, 301, 218, 213, 103, 171, 98, 36, 215, 61, 47, 32, 200, 312, 27, 275, 230, 260, 162, 299, 138, 62, 135,
            128, 8, 64, 14, 156, 40, 321, 285, 216, 279, 304, 236, 207, 212, 319, 251, 341, 320, 269, 201, 161, 43, 217, 190, 259, 105, 53, 1, 49, 80,
            205, 34, 263, 91, 52, 264, 241, 13, 88, 273, 166, 344, 134, 306, 336, 243, 54, 50, 174, 189, 349, 187, 169, 58, 48, 235, 252, 21, 313, 160,
            276, 191, 293, 257, 308, 149, 130, 151, 99, 87, 330, 214, 121, 350, 20, 188, 71, 106, 270, 348, 102,
        };

        [Fact]
        public void Seed0_doubles_are_numpys()
        {
            var rng = new NumpyRandom(0);
            Assert.Equal(Seed0Rand, Seed0Rand.Select(_ => rng.NextDouble()).ToArray());
        }

        [Fact]
        public void Seed1_doubles_are_numpys()
        {
            var rng = new NumpyRandom(1);
            Assert.Equal(Seed1Rand, Seed1Rand.Select(_ => rng.NextDouble()).ToArray());
        }

        [Fact]
        public void Largest_seed_is_accepted_and_matches_numpy()
        {
            // np.random.RandomState(4294967295).rand(2).tolist()
            var rng = new NumpyRandom(uint.MaxValue);
            Assert.Equal(0.0976320289940138, rng.NextDouble());
            Assert.Equal(0.9123828453026218, rng.NextDouble());
        }

        [Theory]
        [InlineData(-1L)]
        [InlineData(4294967296L)]
        public void Seeds_numpy_rejects_are_rejected(long seed) =>
            Assert.Throws<ArgumentOutOfRangeException>(() => new NumpyRandom(seed));

        [Fact]
        public void Seed42_permutation_of_351_is_numpys()
        {
            Assert.Equal(Seed42Permutation351, new NumpyRandom(42).Permutation(351));
        }

        [Fact]
        public void Raw_outputs_are_mt19937s()
        {
            // mt19937ar.c reference with init_genrand(5489); numpy: RandomState(5489).randint(0, 2**32, 5, dtype=np.uint64)
            var rng = new NumpyRandom(5489);
            Assert.Equal(new uint[] { 3499211612, 581869302, 3890346734, 3586334585, 545404204 }, Enumerable.Range(0, 5).Select(_ => rng.NextUInt32()).ToArray());
        }

        [Fact]
        public void Bounded_integers_are_numpys_randint()
        {
            // RandomState(0).randint(0, 10, size=20); RandomState(0).randint(0, 1000000, size=5); RandomState(0).randint(-5, 5, size=10)
            var a = new NumpyRandom(0);
            Assert.Equal(new[] { 5, 0, 3, 3, 7, 9, 3, 5, 2, 4, 7, 6, 8, 8, 1, 6, 7, 7, 8, 1 }, Enumerable.Range(0, 20).Select(_ => a.Next(10)).ToArray());
            var b = new NumpyRandom(0);
            Assert.Equal(new[] { 985772, 305711, 435829, 117952, 963395 }, Enumerable.Range(0, 5).Select(_ => b.Next(1000000)).ToArray());
            var c = new NumpyRandom(0);
            Assert.Equal(new[] { 0, -5, -2, -2, 2, 4, -2, 0, -3, -1 }, Enumerable.Range(0, 10).Select(_ => c.Next(-5, 5)).ToArray());
        }

        [Fact]
        public void Wide_bounded_integers_use_64_bit_draws_like_numpy()
        {
            // RandomState(3).randint(0, 2**40, size=3, dtype=np.int64)
            var rng = new NumpyRandom(3);
            Assert.Equal(new[] { 455570294424L, 1073054410371L, 790795084744L }, Enumerable.Range(0, 3).Select(_ => rng.NextInt64(1L << 40)).ToArray());
        }

        [Fact]
        public void Used_as_a_System_Random_it_still_draws_numpy_numbers()
        {
            // code written against System.Random (like SeedNetwork.Rand) gets numpy's numbers through the overrides
            Random doubles = new NumpyRandom(0);
            Assert.Equal(Seed0Rand, Seed0Rand.Select(_ => doubles.NextDouble()).ToArray());
            Random integers = new NumpyRandom(0);
            Assert.Equal(new[] { 5, 0, 3 }, new[] { integers.Next(10), integers.Next(0, 10), integers.Next(10) });
        }

        [Fact]
        public void Every_override_stays_in_its_range()
        {
            var rng = new NumpyRandom(7);
            for (var i = 0; i < 2000; i++)
            {
                var d = rng.NextDouble();
                Assert.True(d >= 0.0 && d < 1.0);
                var f = rng.NextSingle();
                Assert.True(f >= 0f && f < 1f);
                Assert.InRange(rng.Next(), 0, int.MaxValue - 1);
                Assert.InRange(rng.Next(3), 0, 2);
                Assert.InRange(rng.Next(int.MinValue, int.MaxValue), int.MinValue, int.MaxValue - 1);
                Assert.InRange(rng.NextInt64(), 0L, long.MaxValue - 1);
                Assert.InRange(rng.NextInt64(long.MinValue, long.MaxValue), long.MinValue, long.MaxValue - 1);
            }

            Assert.Equal(0, rng.Next(0));
            Assert.Equal(4, rng.Next(4, 4));
            Assert.Throws<ArgumentOutOfRangeException>(() => rng.Next(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => rng.Next(2, 1));
            var bytes = new byte[7];
            rng.NextBytes(bytes);
            Assert.Contains(bytes, v => v != 0);
        }

        [Fact]
        public void Bytes_are_the_outputs_least_significant_first()
        {
            var bytes = new byte[5];
            new NumpyRandom(5489).NextBytes(bytes);
            var first = 3499211612u;
            var second = 581869302u;
            Assert.Equal(new[] { (byte)first, (byte)(first >> 8), (byte)(first >> 16), (byte)(first >> 24), (byte)second }, bytes);
        }
    }
}
