import GardenConfig
import GardenNN

extension BertEncoder {
    /// The encoder's hyperparameters, with Model Garden's names (`official/nlp/configs/
    /// encoders.py`, `BertEncoderConfig`): the keys of the recipe's `model.type:
    /// bert_pretrainer` section, each declared once in `keys` with its default as the
    /// property's initial value.
    public struct Config: ConfigSection, Hashable {
        /// Rows of the word-embedding table; nil takes the vocabulary's size, which the pipeline
        /// fills in before building (an encoder needs a number).
        public var vocabSize: Int?
        /// Width of the embeddings and of every block (H).
        public var hiddenSize = 128
        /// Number of Transformer blocks (L).
        public var numLayers = 2
        /// Attention heads per block (A); must divide `hiddenSize`.
        public var numAttentionHeads = 2
        /// Width of the feed-forward layer of each block (I).
        public var intermediateSize = 512
        /// The longest sequence the position embeddings (and so the export) accept.
        public var maxSequenceLength = 128
        /// Number of segment (`input_type_ids`) values.
        public var typeVocabSize = 2
        /// Dropout on embeddings and block outputs while training.
        public var dropoutRate: Float = 0.1
        /// Dropout on attention probabilities while training.
        public var attentionDropoutRate: Float = 0.1
        /// Standard deviation of the truncated-normal initial weights.
        public var initializerRange: Float = 0.02
        /// The feed-forward and masked-LM transform activation: `gelu_exact` (erf, the
        /// default, which the shipped recipe was tuned with) or `gelu` (Model Garden's tanh
        /// approximation).
        public var hiddenActivation = Dense.Activation.geluExact
        /// The penalty on every dense kernel (attention, feed-forward, pooler and heads).
        public var kernelRegularizer = Regularizer()

        /// The recipe defaults.
        public init() {}

        /// The recipe defaults with the given keys replaced.
        public init(
            vocabSize: Int? = nil, hiddenSize: Int? = nil, numLayers: Int? = nil,
            numAttentionHeads: Int? = nil, intermediateSize: Int? = nil,
            maxSequenceLength: Int? = nil, typeVocabSize: Int? = nil, dropoutRate: Float? = nil,
            attentionDropoutRate: Float? = nil, initializerRange: Float? = nil,
            hiddenActivation: Dense.Activation? = nil, kernelRegularizer: Regularizer? = nil
        ) {
            self.vocabSize = vocabSize
            hiddenSize.map { self.hiddenSize = $0 }
            numLayers.map { self.numLayers = $0 }
            numAttentionHeads.map { self.numAttentionHeads = $0 }
            intermediateSize.map { self.intermediateSize = $0 }
            maxSequenceLength.map { self.maxSequenceLength = $0 }
            typeVocabSize.map { self.typeVocabSize = $0 }
            dropoutRate.map { self.dropoutRate = $0 }
            attentionDropoutRate.map { self.attentionDropoutRate = $0 }
            initializerRange.map { self.initializerRange = $0 }
            hiddenActivation.map { self.hiddenActivation = $0 }
            kernelRegularizer.map { self.kernelRegularizer = $0 }
        }

        /// The `hidden_activation` values (Model Garden's names: its `gelu` is the tanh
        /// approximation).
        public static let activations: [Dense.Activation] = [.geluExact, .gelu]

        public static let keys: [ConfigKey<Config>] = [
            .optionalInt(
                "vocab_size", \.vocabSize,
                "Rows of the word-embedding table; null takes the vocabulary's size."),
            .int("hidden_size", \.hiddenSize, "Width of the embeddings and of every block (H)."),
            .int("num_layers", \.numLayers, "Number of Transformer blocks (L)."),
            .int(
                "num_attention_heads", \.numAttentionHeads,
                "Attention heads per block (A); must divide hidden_size."),
            .int(
                "intermediate_size", \.intermediateSize,
                "Width of the feed-forward layer of each block (I)."),
            .int(
                "max_sequence_length", \.maxSequenceLength,
                "Rows of the position embeddings: the longest input the export accepts."),
            .int("type_vocab_size", \.typeVocabSize, "Number of segment (input_type_ids) values."),
            .float(
                "dropout_rate", \.dropoutRate,
                "Dropout on embeddings and block outputs while training."),
            .float(
                "attention_dropout_rate", \.attentionDropoutRate,
                "Dropout on attention probabilities while training."),
            .float(
                "initializer_range", \.initializerRange,
                "Standard deviation of the truncated-normal initial weights."),
            .choice(
                "hidden_activation", \.hiddenActivation, activations,
                "Feed-forward and masked-LM transform activation: gelu_exact (erf) or gelu (Model Garden's tanh approximation)."
            ),
            .section(
                "kernel_regularizer", \.kernelRegularizer, "Penalty on every dense kernel."),
        ]
    }
}

extension BertPretrainer {
    /// The recipe's `model.type: bert_pretrainer` section: the encoder's keys (the heads take
    /// the encoder's activation, initializer range and kernel regularizer; they add no keys).
    public struct Config: ConfigVariant, Hashable {
        /// The encoder's hyperparameters.
        public var encoder = BertEncoder.Config()

        /// The recipe defaults.
        public init() {}

        public init(encoder: BertEncoder.Config) { self.encoder = encoder }

        public static let typeName = "bert_pretrainer"
        public static let summary =
            "BERT encoder with masked-LM and next-sentence heads; exports the encoder"
        public static let keys = BertEncoder.Config.keys.map { $0.nested(in: \Config.encoder) }
    }
}

extension BertClassifier {
    /// The recipe's `model.type: bert_classifier` section: the encoder's keys (the same as
    /// `bert_pretrainer`'s), `num_classes` and the head's dropout rate.
    public struct Config: ConfigVariant, Hashable {
        /// The encoder's hyperparameters.
        public var encoder = BertEncoder.Config()
        /// Number of output logits; with class names, the length of the sorted label list.
        public var numClasses = 2
        /// Dropout on the pooled output and in the head while training (Model Garden's
        /// `BertClassifier(dropout_rate=0.1)`).
        public var classifierDropoutRate: Float = 0.1

        /// The recipe defaults.
        public init() {}

        public init(
            encoder: BertEncoder.Config, numClasses: Int, classifierDropoutRate: Float = 0.1
        ) {
            self.encoder = encoder; self.numClasses = numClasses
            self.classifierDropoutRate = classifierDropoutRate
        }

        public static let typeName = "bert_classifier"
        public static let summary =
            "BERT encoder with a dense classification head on the pooled output (sentence or sentence-pair classification)"
        public static let keys =
            BertEncoder.Config.keys.map { $0.nested(in: \Config.encoder) } + [
                ConfigKey<Config>.int(
                    "num_classes", \.numClasses,
                    "Number of output logits; with class-name labels, the size of the sorted label list."
                ),
                .float(
                    "classifier_dropout_rate", \.classifierDropoutRate,
                    "Dropout on the pooled output and in the head while training."),
            ]
    }
}
