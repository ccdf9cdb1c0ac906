using System;

namespace SeedPort
{
    /// <summary>
    /// A <see cref="Random"/> that draws exactly the numbers of numpy's legacy <c>np.random.RandomState(seed)</c>:
    /// MT19937 seeded with <c>init_genrand(seed)</c>, doubles made of 53 bits from two consecutive 32-bit outputs,
    /// and <c>permutation(n)</c> with numpy's legacy Fisher–Yates shuffle and masked rejection sampling.
    /// With it the port draws the same weights as the numpy original, number for number.
    /// </summary>
    /// <remarks>
    /// Every virtual member of <see cref="Random"/> is overridden, so the base class's own generator is never used.
    /// Integers in a range follow numpy's <c>random_interval</c>: a bit mask just covering the range and rejection of
    /// values above it (32-bit draws while the range fits in 32 bits, 64-bit draws made of two outputs otherwise).
    /// </remarks>
    public sealed class NumpyRandom : Random
    {
        private const int N = 624;
        private const int M = 397;
        private const uint MatrixA = 0x9908b0dfU;
        private const uint UpperMask = 0x80000000U;
        private const uint LowerMask = 0x7fffffffU;

        private readonly uint[] _mt = new uint[N];
        private int _index;

        /// <summary>Seeds the generator like <c>np.random.RandomState(seed)</c> for a non-negative 32-bit seed.</summary>
        /// <param name="seed">The seed, 0 ≤ seed ≤ 2³² − 1 (numpy rejects anything else).</param>
        public NumpyRandom(long seed)
            : base(0)
        {
            if (seed < 0 || seed > uint.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(seed), seed, "numpy accepts seeds between 0 and 2^32 - 1.");
            }

            // init_genrand
            _mt[0] = (uint)seed;
            for (var i = 1; i < N; i++)
            {
                _mt[i] = unchecked(1812433253U * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i);
            }

            _index = N;
        }

        /// <summary>The next raw 32-bit output of MT19937 (numpy's <c>next_uint32</c>).</summary>
        public uint NextUInt32()
        {
            if (_index >= N)
            {
                Twist();
            }

            var y = _mt[_index++];
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c5680U;
            y ^= (y << 15) & 0xefc60000U;
            y ^= y >> 18;
            return y;
        }

        /// <summary>The next 64-bit value made of two outputs, high word first (numpy's <c>next_uint64</c>).</summary>
        public ulong NextUInt64()
        {
            ulong high = NextUInt32();
            return (high << 32) | NextUInt32();
        }

        /// <summary>A double in [0, 1) with 53 random bits: <c>((a &gt;&gt; 5) * 2^26 + (b &gt;&gt; 6)) / 2^53</c>, like <c>rand()</c>.</summary>
        public override double NextDouble()
        {
            var a = NextUInt32() >> 5;
            var b = NextUInt32() >> 6;
            return (a * 67108864.0 + b) / 9007199254740992.0;
        }

        /// <summary>A float in [0, 1) with 24 random bits from one output (numpy's <c>next_float</c>).</summary>
        public override float NextSingle() => (NextUInt32() >> 8) * (1.0f / 16777216.0f);

        /// <summary>An integer in [0, <see cref="int.MaxValue"/>), as <see cref="Random.Next()"/> promises.</summary>
        public override int Next() => (int)Interval(int.MaxValue - 1);

        /// <summary>An integer in [0, <paramref name="maxValue"/>); 0 when <paramref name="maxValue"/> is 0.</summary>
        public override int Next(int maxValue)
        {
            if (maxValue < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "maxValue must be non-negative.");
            }

            return maxValue == 0 ? 0 : (int)Interval((ulong)maxValue - 1);
        }

        /// <summary>An integer in [<paramref name="minValue"/>, <paramref name="maxValue"/>); <paramref name="minValue"/> when they are equal.</summary>
        public override int Next(int minValue, int maxValue)
        {
            if (minValue > maxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(minValue), minValue, "minValue must not exceed maxValue.");
            }

            var range = (ulong)((long)maxValue - minValue);
            return range == 0 ? minValue : (int)(minValue + (long)Interval(range - 1));
        }

        /// <summary>An integer in [0, <see cref="long.MaxValue"/>).</summary>
        public override long NextInt64() => (long)Interval(long.MaxValue - 1);

        /// <summary>An integer in [0, <paramref name="maxValue"/>); 0 when <paramref name="maxValue"/> is 0.</summary>
        public override long NextInt64(long maxValue)
        {
            if (maxValue < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "maxValue must be non-negative.");
            }

            return maxValue == 0 ? 0 : (long)Interval((ulong)maxValue - 1);
        }

        /// <summary>An integer in [<paramref name="minValue"/>, <paramref name="maxValue"/>); <paramref name="minValue"/> when they are equal.</summary>
        public override long NextInt64(long minValue, long maxValue)
        {
            if (minValue > maxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(minValue), minValue, "minValue must not exceed maxValue.");
            }

            var range = unchecked((ulong)maxValue - (ulong)minValue);
            return range == 0 ? minValue : unchecked(minValue + (long)Interval(range - 1));
        }

        /// <summary>Fills <paramref name="buffer"/> with random bytes (each output gives four, least significant first).</summary>
        public override void NextBytes(byte[] buffer)
        {
            if (buffer is null)
            {
                throw new ArgumentNullException(nameof(buffer));
            }

            NextBytes(buffer.AsSpan());
        }

        /// <summary>Fills <paramref name="buffer"/> with random bytes (each output gives four, least significant first).</summary>
        public override void NextBytes(Span<byte> buffer)
        {
            var i = 0;
            while (i < buffer.Length)
            {
                var v = NextUInt32();
                for (var k = 0; k < 4 && i < buffer.Length; k++, i++)
                {
                    buffer[i] = (byte)(v >> (8 * k));
                }
            }
        }

        /// <summary>The same as <see cref="NextDouble"/>, so that code of the base class draws numpy doubles too.</summary>
        protected override double Sample() => NextDouble();

        /// <summary>
        /// numpy's <c>random_interval(max)</c>: a uniform integer in [0, <paramref name="max"/>] by masked rejection sampling.
        /// </summary>
        /// <param name="max">The largest value that may be returned.</param>
        public ulong Interval(ulong max)
        {
            if (max == 0)
            {
                return 0;
            }

            var mask = max;
            mask |= mask >> 1;
            mask |= mask >> 2;
            mask |= mask >> 4;
            mask |= mask >> 8;
            mask |= mask >> 16;
            mask |= mask >> 32;

            ulong value;
            if (max <= uint.MaxValue)
            {
                while ((value = NextUInt32() & mask) > max)
                {
                }
            }
            else
            {
                while ((value = NextUInt64() & mask) > max)
                {
                }
            }

            return value;
        }

        /// <summary>numpy's legacy <c>permutation(n)</c>: 0…n−1 shuffled by <see cref="LegacyShuffle{T}(T[])"/>.</summary>
        /// <param name="n">How many indices.</param>
        public int[] Permutation(int n)
        {
            if (n < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(n), n, "n must be non-negative.");
            }

            var result = new int[n];
            for (var i = 0; i < n; i++)
            {
                result[i] = i;
            }

            LegacyShuffle(result);
            return result;
        }

        /// <summary>
        /// numpy's legacy <c>shuffle</c> of a 1-D array: for i from n−1 down to 1, swap item i with item
        /// <c>random_interval(i)</c>. (<see cref="Random.Shuffle{T}(T[])"/> walks the other way and gives other orders.)
        /// </summary>
        /// <param name="values">The array to shuffle in place.</param>
        public void LegacyShuffle<T>(T[] values)
        {
            if (values is null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            for (var i = values.Length - 1; i > 0; i--)
            {
                var j = (int)Interval((ulong)i);
                (values[i], values[j]) = (values[j], values[i]);
            }
        }

        private void Twist()
        {
            int k;
            uint y;
            for (k = 0; k < N - M; k++)
            {
                y = (_mt[k] & UpperMask) | (_mt[k + 1] & LowerMask);
                _mt[k] = _mt[k + M] ^ (y >> 1) ^ ((y & 1) * MatrixA);
            }

            for (; k < N - 1; k++)
            {
                y = (_mt[k] & UpperMask) | (_mt[k + 1] & LowerMask);
                _mt[k] = _mt[k + (M - N)] ^ (y >> 1) ^ ((y & 1) * MatrixA);
            }

            y = (_mt[N - 1] & UpperMask) | (_mt[0] & LowerMask);
            _mt[N - 1] = _mt[M - 1] ^ (y >> 1) ^ ((y & 1) * MatrixA);
            _index = 0;
        }
    }
}
