using Microsoft.CodeAnalysis;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// The NN vocabulary of one compilation, created once in a compilation-start action and shared by the rule's
    /// actions: known types, the NN-context oracle and the network-parameter oracle. Rules grow their questions here.
    /// </summary>
    public sealed class NnSemantics
    {
        private NnSemantics(Compilation compilation)
        {
            Symbols = KnownSymbols.Create(compilation);
            Bodies = new BodyOperations();
            GeneratedFiles = new GeneratedCode.Files();
            Context = new NnContext(Symbols);
            Parameters = new NetworkParameters(Context);
            RandomSign = new RandomSign(Symbols);
            Softmax = new Softmax(Symbols, Bodies);
            GradientFlow = new GradientFlow(Symbols, Context, new MathNetOperations(Symbols));
            ConstantInitialization = new ConstantInitialization(Symbols);
            TrainingLoops = new TrainingLoops(this);
            Probabilities = new Probabilities(Symbols, Context, Softmax, GradientFlow);
        }

        /// <summary>Types resolved once.</summary>
        public KnownSymbols Symbols { get; }

        /// <summary>The operations of each body, listed once for every rule that reads a whole body.</summary>
        public BodyOperations Bodies { get; }

        /// <summary>"Is this code part of a neural network?"</summary>
        public NnContext Context { get; }

        /// <summary>"Is this storage a weight or bias?"</summary>
        public NetworkParameters Parameters { get; }

        /// <summary>"Is this value drawn from a non-negative random source, uncentred?" (NN0001).</summary>
        public RandomSign RandomSign { get; }
        /// <summary>"Is this exponential a softmax or log-sum-exp, and is it shifted by the maximum of its logits?"</summary>
        public Softmax Softmax { get; }
        /// <summary>"Do these gradients reach the parameters?" (and, through it, "does this MathNet call return a new object?").</summary>
        public GradientFlow GradientFlow { get; }
        /// <summary>"Is this value a probability (softmax/sigmoid output, a loss's prediction), and is its log guarded?" (NN0005).</summary>
        public Probabilities Probabilities { get; }

        /// <summary>"Does this write give every weight the same value? Is this Random created once per iteration?" (NN0007).</summary>
        public ConstantInitialization ConstantInitialization { get; }
        /// <summary>"Is this loop a training loop, and does it update any parameter?" (NN0006).</summary>
        public TrainingLoops TrainingLoops { get; }

        /// <summary>What each file of the compilation allows of generated code (read once per file, asked per diagnostic).</summary>
        internal GeneratedCode.Files GeneratedFiles { get; }

        /// <summary>Creates the semantics of a compilation.</summary>
        public static NnSemantics Create(Compilation compilation) => s_byCompilation.GetValue(compilation, c => new NnSemantics(c));

        /// <summary>
        /// One semantics per compilation, shared by all our analyzers (their caches are thread-safe): the "is there NN
        /// code at all?" walk and every per-symbol answer are computed once, not once per rule. Weakly keyed, so a
        /// compilation the host drops takes its semantics with it.
        /// </summary>
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, NnSemantics> s_byCompilation =
            new System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, NnSemantics>();
    }
}
