import Foundation
import GardenNN

/// A BERT pre-trainer (Devlin et al., 2019): the `encoder` (the core model that is exported)
/// plus a masked-LM head tied to the word embeddings and a next-sentence head. Keys use Model
/// Garden's names (`official/nlp/configs/encoders.py`, `BertEncoderConfig`).
public struct BertModelConfig: RecipeSection {
    /// Rows of the word-embedding table; nil takes the vocabulary's size (`data.vocab_size`, or
    /// the line count of `data.vocab`).
    public var vocabSize: Int?
    public var hiddenSize: Int
    public var numLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    /// The longest sequence the position embeddings (and so the export) accept.
    public var maxSequenceLength: Int
    public var typeVocabSize: Int
    public var dropoutRate: Float
    public var attentionDropoutRate: Float
    /// Standard deviation of the truncated-normal initial weights.
    public var initializerRange: Float
    /// The feed-forward and masked-LM transform activation: `gelu_exact` (erf, the default,
    /// which the shipped recipe was tuned with) or `gelu` (Model Garden's tanh approximation).
    public var hiddenActivation: Dense.Activation
    /// The penalty on every dense kernel (attention, feed-forward, pooler and heads).
    public var kernelRegularizer: RegularizerConfig

    /// The `model.type: bert_pretrainer` keys.
    public static let variant = ConfigOneOfSchema.Variant(
        "bert_pretrainer",
        "BERT encoder with masked-LM and next-sentence heads; exports the encoder",
        [
            .optional(
                "vocab_size", .int,
                "Rows of the word-embedding table; null takes the vocabulary's size."),
            .int("hidden_size", 128, "Width of the embeddings and of every block (H)."),
            .int("num_layers", 2, "Number of Transformer blocks (L)."),
            .int(
                "num_attention_heads", 2, "Attention heads per block (A); must divide hidden_size."),
            .int("intermediate_size", 512, "Width of the feed-forward layer of each block (I)."),
            .int(
                "max_sequence_length", 128,
                "Rows of the position embeddings: the longest input the export accepts."),
            .int("type_vocab_size", 2, "Number of segment (input_type_ids) values."),
            .float("dropout_rate", 0.1, "Dropout on embeddings and block outputs while training."),
            .float(
                "attention_dropout_rate", 0.1, "Dropout on attention probabilities while training."),
            .float(
                "initializer_range", 0.02,
                "Standard deviation of the truncated-normal initial weights."),
            .choice(
                "hidden_activation", activations.map(\.rawValue),
                Dense.Activation.geluExact.rawValue,
                "Feed-forward and masked-LM transform activation: gelu_exact (erf) or gelu (Model Garden's tanh approximation)."
            ),
            .mapping(
                "kernel_regularizer", RegularizerConfig.schema, "Penalty on every dense kernel."),
        ])

    /// The `hidden_activation` values (Model Garden's names: its `gelu` is the tanh approximation).
    static let activations: [Dense.Activation] = [.geluExact, .gelu]

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        vocabSize = try config.optionalInt("vocab_size")
        hiddenSize = try config.int("hidden_size")
        numLayers = try config.int("num_layers")
        numAttentionHeads = try config.int("num_attention_heads")
        intermediateSize = try config.int("intermediate_size")
        maxSequenceLength = try config.int("max_sequence_length")
        typeVocabSize = try config.int("type_vocab_size")
        dropoutRate = try config.float("dropout_rate")
        attentionDropoutRate = try config.float("attention_dropout_rate")
        initializerRange = try config.float("initializer_range")
        hiddenActivation = try config.choice("hidden_activation")
        kernelRegularizer = try RegularizerConfig(config: config.child("kernel_regularizer"))
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "type": .string(Self.variant.name),
            "vocab_size": vocabSize.map { .int($0) } ?? .optionalFloat(nil),
            "hidden_size": .int(hiddenSize),
            "num_layers": .int(numLayers),
            "num_attention_heads": .int(numAttentionHeads),
            "intermediate_size": .int(intermediateSize),
            "max_sequence_length": .int(maxSequenceLength),
            "type_vocab_size": .int(typeVocabSize),
            "dropout_rate": .float(dropoutRate),
            "attention_dropout_rate": .float(attentionDropoutRate),
            "initializer_range": .float(initializerRange),
            "hidden_activation": .string(hiddenActivation.rawValue),
            "kernel_regularizer": kernelRegularizer.configNode,
        ])
    }
}
