namespace NnAnalyzers.Network
{
    /// <summary>
    /// numpy's legacy <c>RandomState(seed).permutation(n)</c>, bit for bit: MT19937 seeded with <c>init_genrand(seed)</c>,
    /// a Fisher–Yates shuffle from the end whose index j ∈ [0, i] is drawn by masked rejection on 32-bit outputs. It lets
    /// <see cref="SeedSplit.Shuffle70"/> reproduce the seed experiment's split exactly.
    /// </summary>
    internal static class NumpyPermutation
    {
        public static int[] Permutation(int n, uint seed)
        {
            var mt = new Mt19937(seed);
            var items = new int[n];
            for (var i = 0; i < n; i++)
            {
                items[i] = i;
            }

            for (var i = n - 1; i >= 1; i--)
            {
                var j = (int)mt.Interval((uint)i);
                (items[i], items[j]) = (items[j], items[i]);
            }

            return items;
        }

        /// <summary>The Mersenne Twister MT19937 (Matsumoto &amp; Nishimura), 32-bit outputs.</summary>
        internal sealed class Mt19937
        {
            private const int N = 624;
            private const int M = 397;
            private readonly uint[] _state = new uint[N];
            private int _index;

            public Mt19937(uint seed)
            {
                _state[0] = seed;
                for (var i = 1; i < N; i++)
                {
                    _state[i] = unchecked((1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30))) + (uint)i);
                }

                _index = N;
            }

            public uint NextUInt32()
            {
                if (_index >= N)
                {
                    Twist();
                }

                var y = _state[_index++];
                y ^= y >> 11;
                y ^= (y << 7) & 0x9d2c5680u;
                y ^= (y << 15) & 0xefc60000u;
                y ^= y >> 18;
                return y;
            }

            /// <summary>A uniform value in [0, max] by masked rejection (numpy's <c>random_interval</c> for max &lt; 2³²).</summary>
            public uint Interval(uint max)
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
                uint value;
                while ((value = NextUInt32() & mask) > max)
                {
                }

                return value;
            }

            private void Twist()
            {
                for (var i = 0; i < N; i++)
                {
                    var y = (_state[i] & 0x80000000u) | (_state[(i + 1) % N] & 0x7fffffffu);
                    var next = _state[(i + M) % N] ^ (y >> 1);
                    _state[i] = (y & 1) != 0 ? next ^ 0x9908b0dfu : next;
                }

                _index = 0;
            }
        }
    }
}
