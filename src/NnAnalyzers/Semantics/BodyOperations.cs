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

            var all = Listed(root);
            if (ReferenceEquals(root, operation))
            {
                return new OperationRange(all, 0, all.Length);
            }

            var start = Array.IndexOf(all, operation);
            if (start < 0)
            {
                return Alone(operation); // not in its root's tree (cannot happen with the compiler's operations)
            }

            // Pre-order keeps a subtree together: it ends where the next sibling of the operation or of an ancestor begins.
            var end = all.Length;
            for (var current = operation; current.Parent is { } parent; current = parent)
            {
                if (NextSibling(parent, current) is { } next)
                {
                    end = Array.IndexOf(all, next, start + 1);
                    break;
                }
            }

            if (end <= start)
            {
                return Alone(operation); // the sibling is always listed after it; never a wrong or negative range
            }

            return new OperationRange(all, start, end - start);
        }

        private static OperationRange Alone(IOperation operation)
        {
            var own = List(operation);
            return new OperationRange(own, 0, own.Length);
        }

        private static IOperation? NextSibling(IOperation parent, IOperation child)
        {
            var found = false;
            foreach (var sibling in parent.ChildOperations)
            {
                if (found)
                {
                    return sibling;
                }

                found = ReferenceEquals(sibling, child);
            }

            return null;
        }

        private IOperation[] Listed(IOperation root) => EntryOf(root).Operations;

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
        public T Derived<T>(IOperation root, Func<IOperation[], T> create)
            where T : class
        {
            if (root.Parent is not null)
            {
                return create(List(root));
            }

            return EntryOf(root).Get(create);
        }

        /// <summary>The operations of a tree in pre-order, counted first so that one array of the exact size is made.</summary>
        [MethodImpl(SignText.Hot)]
        public static IOperation[] List(IOperation root)
        {
            // An explicit stack, not recursion: a generated expression thousands of operators deep must not overflow.
            var stack = t_stack ??= new System.Collections.Generic.Stack<IOperation>();
            var count = 0;
            stack.Push(root);
            while (stack.Count > 0)
            {
                count++;
                foreach (var child in stack.Pop().ChildOperations)
                {
                    stack.Push(child);
                }
            }

            var operations = new IOperation[count];
            var next = 0;
            stack.Push(root);
            while (stack.Count > 0)
            {
                var operation = stack.Pop();
                operations[next++] = operation;
                foreach (var child in operation.ChildOperations.Reverse())
                {
                    stack.Push(child);
                }
            }

            return operations;
        }

        [ThreadStatic]
        private static System.Collections.Generic.Stack<IOperation>? t_stack;

        private sealed class Entry
        {
            private object? _derived;

            public Entry(IOperation root, IOperation[] operations)
            {
                Root = root;
                Operations = operations;
            }

            public IOperation Root { get; }

            public IOperation[] Operations { get; }

            /// <summary>One derived value per entry (only the softmax oracle derives one; a value of another type would be
            /// recomputed and replace it, never cast).</summary>
            public T Get<T>(Func<IOperation[], T> create)
                where T : class
            {
                if (Volatile.Read(ref _derived) is T known)
                {
                    return known;
                }

                var value = create(Operations);
                Volatile.Write(ref _derived, value);
                return value;
            }
        }
    }
}

namespace NnAnalyzers.Semantics
{
    /// <summary>A contiguous part of a body's operation list, enumerated without allocating.</summary>
    public readonly struct OperationRange
    {
        private readonly IOperation[] _operations;
        private readonly int _start;

        /// <summary>The operations <paramref name="operations"/>[start..start + count].</summary>
        public OperationRange(IOperation[] operations, int start, int count)
        {
            _operations = operations;
            _start = start;
            Count = count;
        }

        /// <summary>How many operations the range holds.</summary>
        public int Count { get; }

        /// <summary>The operation at <paramref name="index"/> of the range.</summary>
        public IOperation this[int index] => _operations[_start + index];

        /// <summary>The range without its first operation: the descendants of a subtree's root (<c>Descendants()</c>).</summary>
        public OperationRange WithoutFirst() => Count == 0 ? this : new OperationRange(_operations, _start + 1, Count - 1);

        /// <summary>The enumerator <c>foreach</c> uses.</summary>
        public Enumerator GetEnumerator() => new Enumerator(_operations, _start, _start + Count);

        /// <summary>Enumerates the range.</summary>
        public struct Enumerator
        {
            private readonly IOperation[] _operations;
            private readonly int _end;
            private int _index;

            /// <summary>Starts before <paramref name="start"/>.</summary>
            public Enumerator(IOperation[] operations, int start, int end)
            {
                _operations = operations;
                _index = start - 1;
                _end = end;
            }

            /// <summary>The current operation.</summary>
            public IOperation Current => _operations[_index];

            /// <summary>Moves to the next operation.</summary>
            public bool MoveNext() => ++_index < _end;
        }
    }
}
