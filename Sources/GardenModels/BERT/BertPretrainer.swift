// BERT: Devlin, Chang, Lee, Toutanova, "BERT: Pre-training of Deep Bidirectional Transformers
// for Language Understanding", NAACL 2019. Variant: masked-LM with the output projection tied to
// the word embeddings, plus next-sentence prediction, as Model Garden's `BertPretrainer`.
import GardenNN
import GardenTensor

/// BERT pre-training: owns the `encoder` (which restores and exports on its own), the
/// masked-LM head `masked_lm` (tied to the encoder's word embeddings) and the next-sentence
/// head `next_sentence` (a dense layer to 2 logits on `pooled_output`).
///
/// Inputs (int32): the encoder's three `[batch, seq]` inputs and `masked_lm_positions
/// [batch, P]`. Outputs: `mlm_logits [batch, P, vocab]`, `next_sentence_logits [batch, 2]`.
/// Parameter paths: `encoder/...` (see `BertEncoder`), `masked_lm/transform/{kernel,bias}`,
/// `masked_lm/layer_norm/{gamma,beta}`, `masked_lm/output_bias/bias`,
/// `next_sentence/{kernel,bias}`; the tied table appears once, as
/// `encoder/word_embeddings/embeddings`.
public final class BertPretrainer: Model {
    public let root: Module
    public let encoder: BertEncoder
    public let maskedLM: MaskedLM
    public let nextSentence: Dense

    public init(_ config: BertEncoder.Config, initializer: Initializer) {
        root = Module(name: "pretrainer")
        encoder = BertEncoder(config, initializer: initializer)
        root.addModule(encoder.root)
        maskedLM = root.addModule(
            MaskedLM(
                embeddings: encoder.wordEmbeddings.embeddings, activation: config.hiddenActivation,
                initializerRange: config.initializerRange, initializer: initializer))
        nextSentence = root.addModule(
            Dense(
                name: "next_sentence", scope: "", inputSize: config.hiddenSize, units: 2,
                stddev: config.initializerRange, initializer: initializer))
        root.assignPaths()
    }

    public var signature: ModelSignature {
        let c = encoder.config
        return ModelSignature(
            inputs: (BertEncoder.inputNames + ["masked_lm_positions"]).map {
                TensorSpec($0, .int32, Shape([-1, -1]))
            },
            outputs: [
                TensorSpec("mlm_logits", .float32, Shape([-1, -1, c.vocabSize])),
                TensorSpec("next_sentence_logits", .float32, Shape([-1, 2])),
            ],
            dictInputs: true, dictOutputs: true)
    }

    public func call(_ inputs: [Tensor], _ ctx: ForwardContext) -> [Tensor] {
        let out = encoder.encode(wordIds: inputs[0], mask: inputs[1], typeIds: inputs[2], ctx)
        return [maskedLM(out.sequenceOutput, positions: inputs[3]), nextSentence(out.pooledOutput)]
    }
}
