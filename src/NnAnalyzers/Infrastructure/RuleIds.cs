namespace NnAnalyzers
{
    /// <summary>The diagnostic ids of every rule. One id = one analyzer, one fixer, one test class, one doc page.</summary>
    public static class RuleIds
    {
        /// <summary>All-positive weight initialization.</summary>
        public const string AllPositiveWeightInitialization = "NN0001";

        /// <summary>Unstabilized softmax.</summary>
        public const string UnstabilizedSoftmax = "NN0002";

        /// <summary>Batch-unaware summation.</summary>
        public const string BatchUnawareSummation = "NN0003";

        /// <summary>Unused backprop results.</summary>
        public const string UnusedBackpropResults = "NN0004";

        /// <summary>Unguarded log of a probability.</summary>
        public const string UnguardedLogOfProbability = "NN0005";

        /// <summary>A training loop that never updates parameters.</summary>
        public const string TrainingLoopNeverUpdates = "NN0006";

        /// <summary>Constant or symmetric initialization.</summary>
        public const string ConstantOrSymmetricInitialization = "NN0007";

        /// <summary>A derivative applied to the wrong value.</summary>
        public const string DerivativeOfWrongValue = "NN0008";
    }

    /// <summary>Diagnostic categories.</summary>
    public static class RuleCategories
    {
        /// <summary>Initialization of network parameters.</summary>
        public const string Initialization = "Initialization";

        /// <summary>Numerical stability (overflow, NaN).</summary>
        public const string NumericalStability = "NumericalStability";

        /// <summary>Shapes and axes of batched data.</summary>
        public const string Batching = "Batching";

        /// <summary>Training loop and gradient flow.</summary>
        public const string Training = "Training";
    }
}
