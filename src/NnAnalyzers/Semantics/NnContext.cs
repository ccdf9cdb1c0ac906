using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NnAnalyzers.Semantics
{
    /// <summary>
    /// Answers "does this code belong to a neural network?": a type (or a method) is an NN context when its own names
    /// and its members' names (its methods' parameters included) show NN signs — one strong sign (neuron, sigmoid, softmax, backprop, activation…)
    /// or two distinct weaker ones (layer, forward, backward, loss, gradient, learning rate, epochs, batches, weights + bias…), or when it
    /// uses our reference library. A portfolio's or a graph's weights live outside any NN context.
    /// One instance per compilation; answers are cached per type.
    /// </summary>
    public sealed class NnContext
    {
        /// <summary>The words of <see cref="StrongSigns"/>.</summary>
        internal static readonly string[] StrongSignWords =
        {
            "neuron", "neurons", "neural", "perceptron", "perceptrons", "backprop", "backpropagation", "backpropagate",
            "softmax", "sigmoid", "relu", "activation", "activations", "synapse", "synapses", "mlp",
            "feedforward", "logits", "logit", "minibatch", "dropout", "convolution", "autoencoder",

            // Recurrent and attention layers (an LSTM cell, an attention head, a word-embedding table).
            "lstm", "gru", "rnn", "attention", "embedding", "embeddings",
        };

        /// <summary>Words that alone make an NN context (declared after their list: initialised in order).</summary>
        public static readonly WordSet StrongSigns = new WordSet(StrongSignWords);

        /// <summary>The words of <see cref="WeakSigns"/>.</summary>
        internal static readonly string[] WeakSignWords =
        {
            "layer", "layers", "forward", "backward", "loss", "gradient", "gradients", "grad", "grads", "learning",
            "train", "training", "predict", "prediction", "hidden", "network", "net", "weights", "weight", "bias",
            "biases", "cost", "delta", "deltas", "dense", "optimizer", "momentum", "adam", "sgd", "tanh", "kernel",
            "inputs", "outputs", "batch", "batches", "lr",

            // Simulations and schedulers count epochs too: an epoch is NN evidence only beside another sign.
            "epoch", "epochs",
        };

        /// <summary>Words of which two distinct ones make an NN context (declared after their list: initialised in order).</summary>
        public static readonly WordSet WeakSigns = new WordSet(WeakSignWords);

        // One bit per distinct weak sign, singular and plural sharing it (weights + weight is one sign): counting signs
        // is a mask, not a set of strings made for every name read.
        private static readonly Dictionary<string, ulong> s_weakSignBits = CreateWeakSignBits();

        private static Dictionary<string, ulong> CreateWeakSignBits()
        {
            var bits = new Dictionary<string, ulong>(System.StringComparer.Ordinal);
            var byNormal = new Dictionary<string, ulong>(System.StringComparer.Ordinal);
            foreach (var word in WeakSignWords)
            {
                var normal = NormalizeSign(word);
                if (!byNormal.TryGetValue(normal, out var bit))
                {
                    bit = 1UL << byNormal.Count; // fewer than 64 distinct signs (SignTextTests keeps the list in check)
                    byNormal.Add(normal, bit);
                }

                bits[word] = bit;
            }

            return bits;
        }

        private readonly KnownSymbols _symbols;
        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _types =
            new ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly System.Lazy<bool> _compilationHasNnCode;

        /// <summary>Creates the context oracle of one compilation.</summary>
        public NnContext(KnownSymbols symbols)
        {
            _symbols = symbols;
            _compilationHasNnCode = new System.Lazy<bool>(ComputeCompilationHasNnCode, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>
        /// True when any type of this compilation is NN code, or the compilation references our library: the cheap
        /// gate rules check before any per-node work (a project without NN signs pays almost nothing).
        /// </summary>
        public bool CompilationHasNnCode => _compilationHasNnCode.Value;

        private bool ComputeCompilationHasNnCode()
        {
            // Our library referenced (read from the references as given: no binding, no type lookup).
            if (KnownSymbols.References(_symbols.Compilation, KnownSymbols.NetworkAssembly))
            {
                return true;
            }

            // Declarations only, read from syntax: no binding, no method bodies. The same signs as IsNnType/Contains:
            // a type's name with its members' names, or a method's name with its parameters' names. The walk follows
            // member lists only (namespaces, types, members, parameters): a red node is created for nothing else.
            // A file whose characters hold no strong sign and fewer than two weak ones is not made into nodes at all.
            foreach (var tree in _symbols.Compilation.SyntaxTrees)
            {
                if (tree.TryGetText(out var text) && !SignText.MayShowSigns(text))
                {
                    continue;
                }

                if (DeclarationsShowSigns(tree))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when a declaration of the file shows NN signs, read from syntax: no binding, no method bodies. The same
        /// signs as IsNnType/Contains: a type's name with its members' names, or a method's name with its parameters'
        /// names. The walk follows member lists only (namespaces, types, members, parameters).
        /// </summary>
        internal static bool DeclarationsShowSigns(SyntaxTree tree)
            => tree.GetRoot() is CompilationUnitSyntax unit && MembersShowSigns(unit.Members, topLevel: true);

        private static bool MembersShowSigns(SyntaxList<MemberDeclarationSyntax> members, bool topLevel)
        {
            var topLevelSigns = new SignCounter();
            foreach (var member in members)
            {
                switch (member)
                {
                    // Our library's own namespace declared in source (the library itself, or a stand-in).
                    case BaseNamespaceDeclarationSyntax { Name: QualifiedNameSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "NnAnalyzers" }, Right.Identifier.ValueText: "Network" } }:
                        return true;
                    case BaseNamespaceDeclarationSyntax ns when MembersShowSigns(ns.Members, topLevel: false):
                        return true;
                    case TypeDeclarationSyntax type when TypeShowsSigns(type) || MembersShowSigns(type.Members, topLevel: false):
                        return true;
                    case BaseMethodDeclarationSyntax method when MethodShowsSigns(method):
                        return true;
                    case GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax local } when topLevel:
                        topLevelSigns.AddName(local.Identifier.ValueText);
                        if (topLevelSigns.IsNn || ParametersShowSigns(local.Identifier.ValueText, local.ParameterList))
                        {
                            return true;
                        }

                        break;
                }
            }

            return false;
        }

        private static bool TypeShowsSigns(TypeDeclarationSyntax type)
        {
            var signs = new SignCounter();
            signs.AddName(type.Identifier.ValueText);
            foreach (var member in type.Members)
            {
                switch (member)
                {
                    case BaseMethodDeclarationSyntax method:
                        if (method is MethodDeclarationSyntax named)
                        {
                            signs.AddName(named.Identifier.ValueText);
                        }

                        foreach (var parameter in method.ParameterList.Parameters)
                        {
                            signs.AddName(parameter.Identifier.ValueText);
                        }

                        break;
                    case PropertyDeclarationSyntax property:
                        signs.AddName(property.Identifier.ValueText);
                        break;
                    case BaseFieldDeclarationSyntax field:
                        foreach (var variable in field.Declaration.Variables)
                        {
                            signs.AddName(variable.Identifier.ValueText);
                        }

                        break;
                    case BaseTypeDeclarationSyntax nested:
                        signs.AddName(nested.Identifier.ValueText);
                        break;
                }

                if (signs.IsNn)
                {
                    return true;
                }
            }

            return signs.IsNn;
        }

        private static bool MethodShowsSigns(BaseMethodDeclarationSyntax method)
            => ParametersShowSigns(method is MethodDeclarationSyntax named ? named.Identifier.ValueText : null, method.ParameterList);

        private static bool ParametersShowSigns(string? name, ParameterListSyntax parameters)
        {
            var signs = new SignCounter();
            if (name is not null)
            {
                signs.AddName(name);
            }

            foreach (var parameter in parameters.Parameters)
            {
                signs.AddName(parameter.Identifier.ValueText);
            }

            return signs.IsNn;
        }

        /// <summary>True when <paramref name="symbol"/> (a method, local function, property, field or type) is inside NN code.</summary>
        public bool Contains(ISymbol? symbol)
        {
            if (symbol is null)
            {
                return false;
            }

            if (symbol is INamedTypeSymbol named)
            {
                return IsNnType(named) || (named.ContainingType is { } outer && Contains(outer));
            }

            // The containing types decide first (each answer is kept per type): most members asked about belong to NN
            // types. Only a member of other types reads its own names, and that is cheaper than a table entry per member
            // (an entry per member was most of this oracle's allocations, and its adds contended between threads).
            for (var type = symbol.ContainingType; type is not null; type = type.ContainingType)
            {
                if (IsNnType(type))
                {
                    return true;
                }
            }

            return MemberShowsSigns(symbol);
        }

        // The signs of a member and the members around it (a local function's method), counted together.
        private bool MemberShowsSigns(ISymbol symbol)
        {
            var signs = new SignCounter();
            for (var s = symbol; s is not null && s is not INamespaceSymbol; s = s.ContainingSymbol)
            {
                if (s is INamedTypeSymbol)
                {
                    continue; // asked above
                }

                signs.AddName(s.Name);
                if (s is IMethodSymbol method)
                {
                    foreach (var p in method.Parameters)
                    {
                        signs.AddName(p.Name);
                        if (_symbols.NetworkNamespaceMarker is not null)
                        {
                            signs.AddType(p.Type, _symbols);
                        }
                    }
                }

                if (signs.IsNn)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when the type itself shows NN signs (cached).</summary>
        public bool IsNnType(INamedTypeSymbol type)
        {
            return _types.TryGetValue(type, out var known) ? known : _types.GetOrAdd(type, ComputeIsNnType(type));
        }

        private bool ComputeIsNnType(INamedTypeSymbol type)
        {
            var signs = new SignCounter();
            signs.AddName(type.Name);
            foreach (var member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared && member is not IMethodSymbol { MethodKind: MethodKind.Ordinary })
                {
                    continue;
                }

                signs.AddName(member.Name);

                // A method's parameters are named in the type's own vocabulary: a LogisticLayer whose Step takes a
                // learningRate is a network's layer (its name says layer, its method says learning).
                if (member is IMethodSymbol withParameters)
                {
                    foreach (var p in withParameters.Parameters)
                    {
                        signs.AddName(p.Name);
                    }
                }

                // Member types count only when our library is referenced: without it, no type is read.
                switch (_symbols.NetworkNamespaceMarker is null ? null : member)
                {
                    case IFieldSymbol field:
                        signs.AddType(field.Type, _symbols);
                        break;
                    case IPropertySymbol property:
                        signs.AddType(property.Type, _symbols);
                        break;
                    case IMethodSymbol method:
                        signs.AddType(method.ReturnType, _symbols);
                        foreach (var p in method.Parameters)
                        {
                            signs.AddType(p.Type, _symbols);
                        }

                        break;
                }

                if (signs.IsNn)
                {
                    return true;
                }
            }

            // Top-level statements: the program's local functions are its "members".
            if (type.Name == "Program" || type.IsImplicitlyDeclared)
            {
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is CompilationUnitSyntax unit)
                    {
                        foreach (var global in unit.Members.OfType<GlobalStatementSyntax>())
                        {
                            if (global.Statement is LocalFunctionStatementSyntax local)
                            {
                                signs.AddName(local.Identifier.ValueText);
                            }
                        }
                    }
                }
            }

            return signs.IsNn;
        }

        private struct SignCounter
        {
            private ulong _weak;
            private bool _strong;

            public bool IsNn => _strong || (_weak & (_weak - 1)) != 0; // two distinct weak signs: more than one bit set

            public void AddName(string name)
            {
                if (string.IsNullOrEmpty(name))
                {
                    return;
                }

                // Words are matched where they stand in the name: this runs on every declaration of every project.
                var position = 0;
                var previousStart = -1;
                var previousLength = 0;
                while (IdentifierWords.NextWord(name, ref position, out var start, out var length))
                {
                    // Compound signs written as two words: BackProp, FeedForward, SoftMax, MiniBatch.
                    if (StrongSigns.Find(name, start, length) is not null
                        || (previousStart >= 0 && StrongSigns.ContainsPair(name, previousStart, previousLength, start, length)))
                    {
                        _strong = true;
                        return;
                    }

                    if (WeakSigns.Find(name, start, length) is { } weak)
                    {
                        _weak |= s_weakSignBits[weak];
                    }

                    previousStart = start;
                    previousLength = length;
                }
            }

            public void AddType(ITypeSymbol? type, KnownSymbols symbols)
            {
                if (type is null || symbols.NetworkNamespaceMarker is null)
                {
                    return;
                }

                if (Namespaces.Is(type.ContainingNamespace, "NnAnalyzers.Network"))
                {
                    _strong = true;
                }
            }
        }

        /// <summary>Singular and plural count once: weights + weight is one sign.</summary>
        internal static string NormalizeSign(string word)
        {
            return word == "biases" || word == "bias" ? "bias"
                : word == "batches" ? "batch"
                : word.EndsWith("s", System.StringComparison.Ordinal) && word.Length > 3 ? word.Substring(0, word.Length - 1)
                : word;
        }
    }
}
