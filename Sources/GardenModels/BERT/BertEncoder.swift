// BERT: Devlin, Chang, Lee, Toutanova, "BERT: Pre-training of Deep Bidirectional Transformers
// for Language Understanding", NAACL 2019. Variant: the post-layer-norm encoder with GELU (exact
// by default, or Model Garden's tanh approximation: `Config.hiddenActivation`),
// learned absolute position embeddings and a tanh pooler on the first token, as Model Garden's
// `networks.BertEncoder` and the TF Hub BERT encoders.
import GardenNN
import GardenTensor

/// The BERT encoder (the core model that is exported): embeddings, a stack of Transformer
/// blocks, and a pooler.
///
/// Inputs (int32, `[batch, seq]`, both dims dynamic in exports): `input_word_ids`, `input_mask`
/// (1 = token, 0 = padding), `input_type_ids` (segment ids). Outputs: `sequence_output
/// [batch, seq, hidden]`, `pooled_output [batch, hidden]` (tanh of a dense layer on the first
/// token), and `encoder_outputs` (a list: one `[batch, seq, hidden]` per block, its tensors named
/// `encoder_outputs_0`, ...).
///
/// Parameter paths: `word_embeddings/embeddings`, `position_embedding/embeddings`,
/// `type_embeddings/embeddings`, `embeddings/layer_norm/{gamma,beta}`,
/// `transformer/layer_<i>/...` (see `TransformerEncoderBlock`), `pooler_transform/{kernel,bias}`.
public final class BertEncoder: Model {
    /// The named outputs of one forward pass.
    public struct Outputs {
        /// `[batch, seq, hidden]`: the last block's output.
        public var sequenceOutput: Tensor
        /// `[batch, hidden]`: `tanh(dense(sequenceOutput[:, 0]))`.
        public var pooledOutput: Tensor
        /// One `[batch, seq, hidden]` per block, in order.
        public var encoderOutputs: [Tensor]
    }

    public let config: Config
    /// Rows of the word-embedding table (`config.vocabSize`, which the builder must set).
    public let vocabSize: Int
    public let root: Module
    public let wordEmbeddings: Embedding
    public let positionEmbedding: Embedding
    public let typeEmbeddings: Embedding
    public let embeddingLayerNorm: LayerNorm
    public let embeddingDropout: Dropout
    public let layers: [TransformerEncoderBlock]
    public let pooler: Dense

    /// An encoder with its initial values drawn from `initializer`.
    public convenience init(_ config: Config, initializer: Initializer) {
        self.init(uninitialized: config)
        root.initializeParameters(initializer)
    }

    /// The tree without its draws, for a model that holds the encoder (`BertPretrainer`) and
    /// initializes its whole tree once, under the final paths.
    init(uninitialized config: Config) {
        guard let vocabSize = config.vocabSize else {
            preconditionFailure("BertEncoder: config.vocabSize must be set before building")
        }
        self.config = config
        self.vocabSize = vocabSize
        let range = config.initializerRange
        root = Module(name: "encoder")
        wordEmbeddings = root.addModule(
            Embedding(
                name: "word_embeddings", vocabSize: vocabSize, width: config.hiddenSize,
                stddev: range))
        positionEmbedding = root.addModule(
            Embedding(
                name: "position_embedding", vocabSize: config.maxSequenceLength,
                width: config.hiddenSize, stddev: range))
        typeEmbeddings = root.addModule(
            Embedding(
                name: "type_embeddings", vocabSize: config.typeVocabSize, width: config.hiddenSize,
                stddev: range))
        let embeddings = root.addModule(Module(name: "embeddings"))
        embeddingLayerNorm = embeddings.addModule(
            LayerNorm(name: "layer_norm", width: config.hiddenSize))
        embeddingDropout = embeddings.addModule(Dropout(rate: config.dropoutRate))
        let transformer = root.addModule(Module(name: "transformer"))
        layers = (0..<config.numLayers).map { i in
            transformer.addModule(
                TransformerEncoderBlock(
                    name: "layer_\(i)", hiddenSize: config.hiddenSize,
                    numAttentionHeads: config.numAttentionHeads,
                    intermediateSize: config.intermediateSize, activation: config.hiddenActivation,
                    dropoutRate: config.dropoutRate,
                    attentionDropoutRate: config.attentionDropoutRate, initializerRange: range,
                    kernelRegularizer: config.kernelRegularizer))
        }
        pooler = root.addModule(
            Dense(
                name: "pooler_transform", inputSize: config.hiddenSize, units: config.hiddenSize,
                activation: .tanh, kernelRegularizer: config.kernelRegularizer,
                kernelInitialization: .truncatedNormal(stddev: range)))
    }

    /// The three inputs, in declaration order.
    public static let inputNames = ["input_word_ids", "input_mask", "input_type_ids"]

    /// The three int32 `[batch, seq]` inputs as a dict, plus `extra` names of the same kind.
    static func idInputs(_ extra: [String] = []) -> Nested<TensorSpec> {
        .dict(
            (inputNames + extra).map {
                (key: $0, value: .leaf(TensorSpec($0, .int32, Shape([-1, -1]))))
            })
    }

    public var signature: Signature {
        let h = config.hiddenSize
        let layers = (0..<config.numLayers).map {
            Nested.leaf(TensorSpec("encoder_outputs_\($0)", .float32, Shape([-1, -1, h])))
        }
        return Signature(
            inputs: Self.idInputs(),
            outputs: .dict([
                (
                    "sequence_output",
                    .leaf(TensorSpec("sequence_output", .float32, Shape([-1, -1, h])))
                ),
                ("pooled_output", .leaf(TensorSpec("pooled_output", .float32, Shape([-1, h])))),
                ("encoder_outputs", .list(layers)),
            ]))
    }

    /// The forward pass on int32 `[batch, seq]` ids, mask and segment ids.
    public func encode(
        wordIds: Tensor, mask: Tensor, typeIds: Tensor,
        _ ctx: ForwardContext
    ) -> Outputs {
        precondition(
            wordIds.isSymbolic || wordIds.rank == 2 && wordIds.shape[1] <= config.maxSequenceLength,
            "BertEncoder: input_word_ids \(wordIds.shape) must be [batch, seq] with seq <= max_sequence_length \(config.maxSequenceLength)"
        )
        // Positions 0..<seq read from the input, so a traced graph serves every length.
        let positions = positionEmbedding(wordIds.positions(alongAxis: 1))
        let summed = wordEmbeddings(wordIds) + positions + typeEmbeddings(typeIds)
        var x = embeddingDropout(embeddingLayerNorm(summed), ctx)
        let bias = MultiHeadAttention.attentionBias(mask: mask)
        var outputs: [Tensor] = []
        for layer in layers {
            x = layer(x, attentionBias: bias, ctx)
            outputs.append(x)
        }
        let pooled = pooler(x.taking(index: 0, alongAxis: 1))
        return Outputs(sequenceOutput: x, pooledOutput: pooled, encoderOutputs: outputs)
    }

    /// The encoder on its named inputs (see `signature`).
    public func call(_ inputs: Nested<Tensor>, _ ctx: ForwardContext) -> Nested<Tensor> {
        let out = encode(
            wordIds: inputs["input_word_ids"], mask: inputs["input_mask"],
            typeIds: inputs["input_type_ids"], ctx)
        return .dict([
            ("sequence_output", .leaf(out.sequenceOutput)),
            ("pooled_output", .leaf(out.pooledOutput)),
            ("encoder_outputs", .list(out.encoderOutputs.map(Nested.leaf))),
        ])
    }
}
