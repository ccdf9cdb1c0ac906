using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// The operations of one body (a method, accessor, lambda-free root), listed once in pre-order — the order of
    /// <c>DescendantsAndSelf()</c> — and shared by every rule that reads the whole body: the compiler runs each rule's
    /// actions for a body one after another, so the first rule lists it and the others read the same array instead of
    /// walking the tree again with an allocating iterator. One instance per compilation (in <see cref="NnSemantics"/>).
    /// </summary>
    /// <remarks>
    /// A small direct-mapped table (slots chosen by tree and position, entries matched by the root's identity), not a ConditionalWeakTable: an entry per body there is
    /// a GC handle the collector scans on every collection. Entries are replaced, never removed; at most
    /// <see cref="Slots"/> trees are held, and only as long as the compilation's semantics live. A miss only recomputes
    /// (the list of a tree is always the same), so races between threads are harmless.
    /// </remarks>
    public sealed class BodyOperations
    {
        private const int Slots = 64;

        private readonly Entry?[] _slots = new Entry?[Slots];

        /// <summary>
        /// The operations of <paramref name="operation"/>'s subtree, itself first, in pre-order: a range of its body's list
        /// (an operation block the compiler hands a rule sits under the body's root, e.g. a method's block).
        /// </summary>
        [MethodImpl(SignText.Hot)]
        public OperationRange Of(IOperation operation)
        {
            var root = operation;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            var all = EntryOf(root).Slots;
            if (ReferenceEquals(root, operation))
            {
                return new OperationRange(all, 0, all.Length);
            }

            // Pre-order keeps a subtree together: it ends where its last descendant was listed (kept in the slot).
            for (var i = 1; i < all.Length; i++)
            {
                if (ReferenceEquals(all[i].Operation, operation))
                {
                    return new OperationRange(all, i, all[i].End - i);
                }
            }

            return Alone(operation); // not in its root's tree (cannot happen with the compiler's operations)
        }

        private static OperationRange Alone(IOperation operation)
        {
            var own = List(operation);
            return new OperationRange(own, 0, own.Length);
        }

        private Entry EntryOf(IOperation root)
        {
            // The slot from where the body stands (a tree's identity hash is set already, an operation's would be made now).
            var syntax = root.Syntax;
            var slot = ((RuntimeHelpers.GetHashCode(syntax.SyntaxTree) * 31 + syntax.SpanStart) & int.MaxValue) % Slots;
            var entry = Volatile.Read(ref _slots[slot]);
            if (entry is null || !ReferenceEquals(entry.Root, root))
            {
                entry = new Entry(root, List(root));
                Volatile.Write(ref _slots[slot], entry);
            }

            return entry;
        }

        /// <summary>
        /// The subtree of <paramref name="operation"/> from the lists of the compilation its semantic model belongs to
        /// (for semantics that are static, like the shift questions); an operation without a model is listed alone.
        /// </summary>
        public static OperationRange Shared(IOperation operation)
        {
            if (operation.SemanticModel?.Compilation is { } compilation)
            {
                return NnSemantics.Create(compilation).Bodies.Of(operation);
            }

            return Alone(operation);
        }

        /// <summary>Per-body facts a rule derives from the list once and shares the same way (the softmax sites of a body…).</summary>
        public T Derived<T>(IOperation root, Func<OperationRange, T> create)
            where T : class
        {
            if (root.Parent is not null)
            {
                return create(Alone(root));
            }

            return EntryOf(root).Get(create);
        }

        /// <summary>
        /// The operations of a tree in pre-order, each with its kind (read once here: the rules filter on it instead of
        /// testing every operation against interfaces) and the end of its subtree. One walk with an explicit stack of the
        /// children's own enumerators — a generated expression thousands of operators deep must not overflow, and a
        /// subtree's end is known when its enumerator runs out — into per-thread buffers of structs (no covariant
        /// array-store checks), copied once into an array of the exact size.
        /// </summary>
        [MethodImpl(SignText.Hot)]
        public static OperationSlot[] List(IOperation root)
        {
            var frames = t_frames ??= new Frame[64];
            var buffer = t_buffer ??= new OperationSlot[256];
            var count = 1;
            var depth = 1;
            var deepest = 1;
            buffer[0] = new OperationSlot(root, root.Kind, 1);
            frames[0] = new Frame(root.ChildOperations.GetEnumerator(), 0);
            while (depth > 0)
            {
                ref var top = ref frames[depth - 1];
                if (!top.Children.MoveNext())
                {
                    // The subtree is complete: it ends after the last operation listed so far.
                    ref var done = ref buffer[top.Index];
                    done = new OperationSlot(done.Operation, done.Kind, count);
                    depth--;
                    continue;
                }

                var child = top.Children.Current;
                if (count == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                    t_buffer = buffer;
                }

                var index = count++;
                buffer[index] = new OperationSlot(child, child.Kind, index + 1);
                if (depth == frames.Length)
                {
                    Array.Resize(ref frames, frames.Length * 2);
                    t_frames = frames;
                }

                frames[depth++] = new Frame(child.ChildOperations.GetEnumerator(), index);
                if (depth > deepest)
                {
                    deepest = depth;
                }
            }

            var slots = new OperationSlot[count];
            Array.Copy(buffer, slots, count);
            Array.Clear(buffer, 0, count); // the buffers must not keep a compilation's operations alive
            Array.Clear(frames, 0, deepest);
            return slots;
        }

        [ThreadStatic]
        private static Frame[]? t_frames;

        [ThreadStatic]
        private static OperationSlot[]? t_buffer;

        // An operation being listed: its children still to list, and its own index (its end is set when they run out).
        private struct Frame
        {
            public Frame(IOperation.OperationList.Enumerator children, int index)
            {
                Children = children;
                Index = index;
            }

            public IOperation.OperationList.Enumerator Children;

            public readonly int Index;
        }

        private sealed class Entry
        {
            private object? _derived;

            public Entry(IOperation root, OperationSlot[] slots)
            {
                Root = root;
                Slots = slots;
            }

            public IOperation Root { get; }

            public OperationSlot[] Slots { get; }

            /// <summary>One derived value per entry (only the softmax oracle derives one; a value of another type would be
            /// recomputed and replace it, never cast).</summary>
            public T Get<T>(Func<OperationRange, T> create)
                where T : class
            {
                if (Volatile.Read(ref _derived) is T known)
                {
                    return known;
                }

                var value = create(new OperationRange(Slots, 0, Slots.Length));
                Volatile.Write(ref _derived, value);
                return value;
            }
        }
    }

    /// <summary>One listed operation: the operation, its kind, and the index just after its subtree in the list.</summary>
    public readonly struct OperationSlot
    {
        /// <summary>A slot.</summary>
        public OperationSlot(IOperation operation, OperationKind kind, int end)
        {
            Operation = operation;
            Kind = kind;
            End = end;
        }

        /// <summary>The operation.</summary>
        public IOperation Operation { get; }

        /// <summary>Its kind, as <see cref="IOperation.Kind"/> gives it.</summary>
        public OperationKind Kind { get; }

        /// <summary>The index after the last operation of its subtree.</summary>
        public int End { get; }
    }
}

namespace NnAnalyzers.Semantics
{
    /// <summary>A contiguous part of a body's operation list, enumerated without allocating.</summary>
    public readonly struct OperationRange
    {
        private readonly OperationSlot[] _slots;
        private readonly int _start;

        /// <summary>The operations <paramref name="slots"/>[start..start + count].</summary>
        public OperationRange(OperationSlot[] slots, int start, int count)
        {
            _slots = slots;
            _start = start;
            Count = count;
        }

        /// <summary>How many operations the range holds.</summary>
        public int Count { get; }

        /// <summary>The operation at <paramref name="index"/> of the range.</summary>
        public IOperation this[int index] => _slots[_start + index].Operation;

        /// <summary>The kind of the operation at <paramref name="index"/> of the range (no interface call).</summary>
        [MethodImpl(SignText.Hot)]
        public OperationKind KindAt(int index) => _slots[_start + index].Kind;

        /// <summary>The index in the range just after the subtree of the operation at <paramref name="index"/>.</summary>
        [MethodImpl(SignText.Hot)]
        public int EndAt(int index) => _slots[_start + index].End - _start;

        /// <summary>The range without its first operation: the descendants of a subtree's root (<c>Descendants()</c>).</summary>
        public OperationRange WithoutFirst() => Count == 0 ? this : new OperationRange(_slots, _start + 1, Count - 1);

        /// <summary>The operations of one kind, in order (read off the list: no type test of the others).</summary>
        public KindFilter OfKind(OperationKind kind) => new KindFilter(_slots, _start, _start + Count, KindSet.Of(kind));

        /// <summary>The operations whose kind is in <paramref name="kinds"/>, in order.</summary>
        public KindFilter OfKind(KindSet kinds) => new KindFilter(_slots, _start, _start + Count, kinds);

        /// <summary>The enumerator <c>foreach</c> uses.</summary>
        public Enumerator GetEnumerator() => new Enumerator(_slots, _start, _start + Count);

        /// <summary>Enumerates the range.</summary>
        public struct Enumerator
        {
            private readonly OperationSlot[] _slots;
            private readonly int _end;
            private int _index;

            /// <summary>Starts before <paramref name="start"/>.</summary>
            public Enumerator(OperationSlot[] slots, int start, int end)
            {
                _slots = slots;
                _index = start - 1;
                _end = end;
            }

            /// <summary>The current operation.</summary>
            public IOperation Current => _slots[_index].Operation;

            /// <summary>Moves to the next operation.</summary>
            [MethodImpl(SignText.Hot)]
            public bool MoveNext() => ++_index < _end;
        }

        /// <summary>The operations of a range whose kind is in a set.</summary>
        public struct KindFilter
        {
            private readonly OperationSlot[] _slots;
            private readonly int _end;
            private readonly KindSet _kinds;
            private int _index;

            /// <summary>Starts before <paramref name="start"/>.</summary>
            public KindFilter(OperationSlot[] slots, int start, int end, KindSet kinds)
            {
                _slots = slots;
                _index = start - 1;
                _end = end;
                _kinds = kinds;
            }

            /// <summary>The enumerator <c>foreach</c> uses (the filter is its own enumerator).</summary>
            public KindFilter GetEnumerator() => this;

            /// <summary>The current operation.</summary>
            public IOperation Current => _slots[_index].Operation;

            /// <summary>The current operation's kind (a switch on it spares the failing interface tests of a type switch).</summary>
            public OperationKind CurrentKind => _slots[_index].Kind;

            /// <summary>Moves to the next operation of the kinds.</summary>
            [MethodImpl(SignText.Hot)]
            public bool MoveNext()
            {
                while (++_index < _end)
                {
                    if (_kinds.Contains(_slots[_index].Kind))
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }
}

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// A set of operation kinds, tested with a shift: the kinds a loop over a body's list cares about (e.g. the
    /// operations a type switch has cases for). A kind beyond the set's 128 bits (none in this Roslyn) is always in it,
    /// so a filter can only let more operations through to the type tests, never fewer.
    /// </summary>
    public readonly struct KindSet
    {
        private readonly ulong _low;
        private readonly ulong _high;

        private KindSet(ulong low, ulong high)
        {
            _low = low;
            _high = high;
        }

        /// <summary>The set of the given kinds.</summary>
        public static KindSet Of(params OperationKind[] kinds)
        {
            ulong low = 0, high = 0;
            foreach (var kind in kinds)
            {
                var value = (int)kind;
                if (value >= 0 && value < 64)
                {
                    low |= 1UL << value;
                }
                else if (value >= 64 && value < 128)
                {
                    high |= 1UL << (value - 64);
                }
            }

            return new KindSet(low, high);
        }

        /// <summary>Whether <paramref name="kind"/> is in the set.</summary>
        [MethodImpl(SignText.Hot)]
        public bool Contains(OperationKind kind)
        {
            var value = (int)kind;
            return (uint)value < 64 ? ((_low >> value) & 1) != 0 : (uint)value < 128 ? ((_high >> (value - 64)) & 1) != 0 : true;
        }
    }
}
