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
        encoder = BertEncoder(uninitialized: config)
        root.addModule(encoder.root)
        maskedLM = root.addModule(
            MaskedLM(
                embeddings: encoder.wordEmbeddings.embeddings, activation: config.hiddenActivation,
                initializerRange: config.initializerRange,
                kernelRegularizer: config.kernelRegularizer))
        nextSentence = root.addModule(
            Dense(
                name: "next_sentence", inputSize: config.hiddenSize, units: 2,
                kernelRegularizer: config.kernelRegularizer,
                kernelInitialization: .truncatedNormal(stddev: config.initializerRange)))
        // One pass over the whole tree: the encoder's values are drawn under `encoder/...`.
        root.initializeParameters(initializer)
    }

    /// The encoder's three inputs and `masked_lm_positions`, int32 `[batch, seq]` / `[batch, P]`.
    public static var inputs: Nested<TensorSpec> { BertEncoder.idInputs(["masked_lm_positions"]) }

    public var signature: Signature {
        Signature(
            inputs: Self.inputs,
            outputs: .named([
                "mlm_logits": TensorSpec(
                    "mlm_logits", .float32, Shape([-1, -1, encoder.vocabSize])),
                "next_sentence_logits": TensorSpec(
                    "next_sentence_logits", .float32, Shape([-1, 2])),
            ]))
    }

    public func call(_ inputs: Nested<Tensor>, _ ctx: ForwardContext) -> Nested<Tensor> {
        let out = encoder.call(inputs, ctx)
        return .named([
            "mlm_logits": maskedLM(
                out["sequence_output"], positions: inputs["masked_lm_positions"]),
            "next_sentence_logits": nextSentence(out["pooled_output"]),
        ])
    }
}
