using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NnAnalyzers.Semantics;
using Xunit;

namespace NnAnalyzers.Tests.Robustness
{
    /// <summary>
    /// The has-NN-code gate reads a file's characters first and skips files that cannot show a sign: that pre-filter must
    /// let through every file whose declarations show one (a superset), and must skip ordinary code.
    /// </summary>
    public class SignTextTests
    {
        [Fact]
        public void Every_file_whose_declarations_show_signs_passes_the_text_filter()
        {
            var inputs = TestInputs.RuleTestSources()
                .Concat(TestInputs.FilesUnder("src"))
                .Concat(TestInputs.FilesUnder("samples"))
                .Concat(TestInputs.FilesUnder("tests", "NnAnalyzers.Tests", "Semantics"))
                .ToList();
            var showing = 0;
            foreach (var input in inputs)
            {
                var tree = CSharpSyntaxTree.ParseText(input.Text);
                if (NnContext.DeclarationsShowSigns(tree))
                {
                    showing++;
                    Assert.True(SignText.MayShowSigns(SourceText.From(input.Text)), input.Origin);
                }
            }

            // The check above must have had something to check.
            Assert.True(showing > 300, $"only {showing} inputs show signs");
        }

        [Theory]
        [InlineData("class Net { void BackProp() { } }")]
        [InlineData("class A { void Run(double[] logits) { } }")]
        [InlineData("class A { void back_prop() { } }")]
        [InlineData("class A { double[] _weights; double _bias; }")]
        [InlineData("class A { void Update(double[] weights, double learningRate) { } }")]
        [InlineData("class A { double[] Soft_Max(double[] x) => x; }")]
        [InlineData("namespace NnAnalyzers.Network { class Helper { } }")]
        [InlineData("class A { double[] MiniBatch; }")]
        public void Files_with_signs_pass(string source)
        {
            Assert.True(NnContext.DeclarationsShowSigns(CSharpSyntaxTree.ParseText(source)), source);
            Assert.True(SignText.MayShowSigns(SourceText.From(source)), source);
        }

        [Theory]
        [InlineData(@"
using System.Collections.Generic;
using System.Linq;
public sealed class Invoice
{
    private readonly List<decimal> _lines = new List<decimal>();
    private readonly double[] _weights = new double[16];
    public void Add(decimal amount) => _lines.Add(amount);
    public decimal Total() => _lines.Sum();
}")]
        [InlineData("class A { double[] weights; double[] weight; }")]
        [InlineData("class A { double bias; double[] biases; }")]
        [InlineData("class Order { string Customer; decimal Amount; void Ship(int days) { } }")]
        public void Ordinary_code_is_skipped_without_making_nodes(string source)
        {
            Assert.False(NnContext.DeclarationsShowSigns(CSharpSyntaxTree.ParseText(source)), source);
            Assert.False(SignText.MayShowSigns(SourceText.From(source)), source);
        }
    }
}
