using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NnAnalyzers.Semantics;
using Xunit;

namespace NnAnalyzers.Tests.Semantics
{
    /// <summary>The shared per-body operation lists (what NN0002, NN0003 and NN0004 read instead of walking a body again).</summary>
    public class BodyOperationsTests
    {
        private const string Source = @"
using System;
using System.Linq;

class Net
{
    private readonly double[] _w = new double[4];

    public Net(int n) : this() { _w[0] = n; }

    private Net() { }

    public double[] Softmax(double[] x)
    {
        var m = x.Max();
        var e = x.Select(v => Math.Exp(v - m)).ToArray();
        double s = 0;
        foreach (var v in e) { s += v; }
        for (var i = 0; i < e.Length; i++) { e[i] /= s; }
        return e;
    }

    public double Loss(double p) => -Math.Log(Math.Max(p, 1e-12));

    public double this[int i] { get => _w[i]; set { _w[i] = value > 0 ? value : -value; } }
}";

        [Fact]
        public void Every_subtree_is_listed_as_DescendantsAndSelf_lists_it()
        {
            var compilation = SemanticsTestHelper.Compile(Source);
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var bodies = new BodyOperations();
            var checkedOperations = 0;
            foreach (var member in tree.GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>())
            {
                if (member is BaseTypeDeclarationSyntax || member is BasePropertyDeclarationSyntax || model.GetOperation(member) is not { } root)
                {
                    continue;
                }

                foreach (var operation in root.DescendantsAndSelf().ToList())
                {
                    var expected = operation.DescendantsAndSelf().ToList();
                    var range = bodies.Of(operation);
                    var listed = Enumerable.Range(0, range.Count).Select(i => range[i]).ToList();
                    Assert.Equal(expected, listed);
                    var enumerated = new System.Collections.Generic.List<IOperation>();
                    foreach (var op in range)
                    {
                        enumerated.Add(op);
                    }

                    Assert.Equal(expected, enumerated);
                    Assert.Equal(expected.Select(o => o.Kind), Enumerable.Range(0, range.Count).Select(range.KindAt));
                    Assert.Equal(expected.Select(o => o.DescendantsAndSelf().Count()), Enumerable.Range(0, range.Count).Select(i => range.EndAt(i) - i));
                    var calls = new System.Collections.Generic.List<IOperation>();
                    foreach (var op in range.OfKind(OperationKind.Invocation))
                    {
                        calls.Add(op);
                    }

                    Assert.Equal(expected.OfType<IInvocationOperation>(), calls);
                    var writes = new System.Collections.Generic.List<IOperation>();
                    foreach (var op in range.OfKind(KindSet.Of(OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.Increment)))
                    {
                        writes.Add(op);
                    }

                    Assert.Equal(expected.Where(o => o is ISimpleAssignmentOperation or ICompoundAssignmentOperation || o.Kind == OperationKind.Increment), writes);
                    checkedOperations++;
                }
            }

            Assert.True(checkedOperations > 80, $"only {checkedOperations} operations were checked");
        }

        [Fact]
        public void A_body_is_listed_once_and_its_derived_facts_are_kept()
        {
            var compilation = SemanticsTestHelper.Compile(Source);
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.ValueText == "Softmax");
            var root = model.GetOperation(method)!;
            var bodies = new BodyOperations();
            var first = bodies.Of(root);
            var block = root.ChildOperations.OfType<IBlockOperation>().Single();
            var inner = bodies.Of(block);
            Assert.Same(first[1], inner[0]);
            Assert.Equal(first.Count - 1, inner.Count);

            var made = 0;
            var a = bodies.Derived(root, operations => { made++; return new object[] { operations.Count }; });
            var b = bodies.Derived(root, operations => { made++; return new object[] { operations.Count }; });
            Assert.Same(a, b);
            Assert.Equal(1, made);
        }

        [Fact]
        public void A_deep_expression_is_listed_without_recursion()
        {
            // 20 000 chained additions: a recursive walk would overflow the stack of a compiler thread.
            var source = "class C { int M(int x) => " + string.Join(" + ", Enumerable.Repeat("x", 20000)) + "; }";
            var compilation = SemanticsTestHelper.Compile(source);
            var tree = compilation.SyntaxTrees.Single();
            var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single();
            var root = compilation.GetSemanticModel(tree).GetOperation(method)!;
            var listed = BodyOperations.List(root);
            Assert.Equal(root.DescendantsAndSelf().Count(), listed.Length);
        }
    }
}
