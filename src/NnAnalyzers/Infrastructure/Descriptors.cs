using Microsoft.CodeAnalysis;

namespace NnAnalyzers
{
    /// <summary>Every descriptor of the product, in one place.</summary>
    public static class Descriptors
    {
        /// <summary>NN0001: a network parameter is drawn from a random source whose support is non-negative.</summary>
        public static readonly DiagnosticDescriptor NN0001AllPositiveWeightInitialization = DescriptorFactory.Create(
            RuleIds.AllPositiveWeightInitialization,
            title: "All-positive weight initialization",
            messageFormat: "'{0}' is initialized from {1} in {2}: all-positive {3} saturate sigmoid units; centre the range",
            RuleCategories.Initialization,
            DiagnosticSeverity.Warning,
            description: "Weights and biases drawn from a non-negative range make every pre-activation a sum of positive terms: sigmoid and tanh units start saturated, gradients below the output vanish and the network learns only the class prior. Draw from a range centred on zero (Glorot/Xavier, He) and start biases at zero.");

        /// <summary>NN0002: a softmax or log-sum-exp exponentiates logits not shifted by their maximum.</summary>
        public static readonly DiagnosticDescriptor NN0002UnstabilizedSoftmax = DescriptorFactory.Create(
            RuleIds.UnstabilizedSoftmax,
            title: "Unstabilized softmax",
            messageFormat: "{0} of '{1}' exponentiates logits not shifted by their maximum; subtract their maximum first",
            RuleCategories.NumericalStability,
            DiagnosticSeverity.Warning,
            description: "exp overflows above ~709 for double and ~88 for float; a softmax or log-sum-exp of unshifted logits then returns NaN. Subtracting the maximum of the same logits leaves the result unchanged and keeps every exponent at or below zero.");

        /// <summary>NN0003: a reduction crosses the batch axis.</summary>
        public static readonly DiagnosticDescriptor NN0003BatchUnawareSummation = DescriptorFactory.Create(
            RuleIds.BatchUnawareSummation,
            title: "Batch-unaware summation",
            messageFormat: "{0}",
            RuleCategories.Batching,
            DiagnosticSeverity.Warning,
            description: "On data that holds several samples, a reduction that crosses the sample axis mixes samples: a softmax normalised over the whole batch, a bias shaped by the batch size, gradients summed over a batch and applied without dividing by its size.");

        /// <summary>NN0004: work done by backprop never reaches the parameters.</summary>
        public static readonly DiagnosticDescriptor NN0004UnusedBackpropResults = DescriptorFactory.Create(
            RuleIds.UnusedBackpropResults,
            title: "Unused backprop results",
            messageFormat: "{0}",
            RuleCategories.Training,
            DiagnosticSeverity.Warning,
            description: "Gradients that are computed and never applied leave the weights unchanged: the training loop runs, the cost does not move. MathNet operations such as Subtract or Add return a new object and leave the receiver untouched.");
    
        /// <summary>NN0005: the log of a probability (softmax/sigmoid output) with no clamp or epsilon.</summary>
        public static readonly DiagnosticDescriptor NN0005UnguardedLogOfProbability = DescriptorFactory.Create(
            RuleIds.UnguardedLogOfProbability,
            title: "Unguarded log of a probability",
            messageFormat: "{0}",
            RuleCategories.NumericalStability,
            DiagnosticSeverity.Warning,
            description: "A softmax or sigmoid output underflows to exactly 0 for confident predictions; log(0) is -infinity and the loss, then every gradient, becomes NaN. Clamp the probability to [eps, 1 - eps] or compute the loss from the logits with log-sum-exp.");

        /// <summary>NN0006: a training loop that runs forward passes and a loss but never writes a parameter.</summary>
        public static readonly DiagnosticDescriptor NN0006TrainingLoopNeverUpdates = DescriptorFactory.Create(
            RuleIds.TrainingLoopNeverUpdates,
            title: "Training loop never updates parameters",
            messageFormat: "{0}",
            RuleCategories.Training,
            DiagnosticSeverity.Warning,
            description: "A loop over epochs or batches that computes predictions and a loss but contains no call that writes a weight or bias trains nothing: the cost stays where it started.");

        /// <summary>NN0007: every weight of a layer gets the same value, or each neuron gets its own new Random.</summary>
        public static readonly DiagnosticDescriptor NN0007ConstantOrSymmetricInitialization = DescriptorFactory.Create(
            RuleIds.ConstantOrSymmetricInitialization,
            title: "Constant or symmetric initialization",
            messageFormat: "{0}",
            RuleCategories.Initialization,
            DiagnosticSeverity.Warning,
            description: "Weights that all start equal receive equal gradients and stay equal: the layer behaves as a single unit. A new Random per neuron, created in a loop, repeats the same sequence when seeded alike. Draw weights from a zero-centred range with one shared Random; zero biases are fine.");

        /// <summary>NN0008: an activation derivative written for the output applied to the pre-activation (or an activation applied twice).</summary>
        public static readonly DiagnosticDescriptor NN0008DerivativeOfWrongValue = DescriptorFactory.Create(
            RuleIds.DerivativeOfWrongValue,
            title: "Derivative applied to the wrong value",
            messageFormat: "{0}",
            RuleCategories.Training,
            DiagnosticSeverity.Warning,
            description: "sigmoid'(a) = a(1 - a) and tanh'(a) = 1 - a^2 take the activation's output; applied to the pre-activation z, or to sigmoid(a) where a is already an activation, they compute a wrong gradient and training silently slows or diverges.");
    }
}
