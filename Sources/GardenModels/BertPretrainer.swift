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
    /// `Batch.features` keys of the masked-LM targets.
    public static let maskedLMIdsKey = "masked_lm_ids"
    public static let maskedLMWeightsKey = "masked_lm_weights"

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
                initializerRange: config.initializerRange,
                kernelRegularizer: config.kernelRegularizer, initializer: initializer))
        nextSentence = root.addModule(
            Dense(
                name: "next_sentence", scope: "", inputSize: config.hiddenSize, units: 2,
                stddev: config.initializerRange, kernelRegularizer: config.kernelRegularizer,
                initializer: initializer))
        root.assignPaths()
    }

    /// A training batch in the layout `loss` reads: `inputs` are the four signature inputs,
    /// `targets` the next-sentence labels `[batch]`, and `features` the masked-LM targets.
    ///
    /// - Parameters:
    ///   - inputWordIds, inputMask, inputTypeIds: int32 `[batch, seq]`.
    ///   - maskedLMPositions, maskedLMIds: int32 `[batch, P]` (positions into the sequence, and
    ///     the original token ids there).
    ///   - maskedLMWeights: float32 `[batch, P]`, 1 for a real prediction, 0 for padding.
    ///   - nextSentenceLabels: int32 `[batch]`, 0 or 1.
    public static func batch(
        inputWordIds: Tensor, inputMask: Tensor, inputTypeIds: Tensor, maskedLMPositions: Tensor,
        maskedLMIds: Tensor, maskedLMWeights: Tensor, nextSentenceLabels: Tensor
    ) -> Batch {
        Batch(
            inputs: [inputWordIds, inputMask, inputTypeIds, maskedLMPositions],
            targets: nextSentenceLabels,
            features: [maskedLMIdsKey: maskedLMIds, maskedLMWeightsKey: maskedLMWeights])
    }

    public var signature: ModelSignature {
        ModelSignature(
            inputs: (BertEncoder.inputNames + ["masked_lm_positions"]).map {
                TensorSpec($0, .int32, Shape([-1, -1]))
            },
            outputs: [
                TensorSpec("mlm_logits", .float32, Shape([-1, -1, encoder.vocabSize])),
                TensorSpec("next_sentence_logits", .float32, Shape([-1, 2])),
            ],
            dictInputs: true, dictOutputs: true)
    }

    public func call(_ inputs: [Tensor], _ ctx: ForwardContext) -> [Tensor] {
        let out = encoder.encode(wordIds: inputs[0], mask: inputs[1], typeIds: inputs[2], ctx)
        return [maskedLM(out.sequenceOutput, positions: inputs[3]), nextSentence(out.pooledOutput)]
    }

    /// Masked-LM weighted cross-entropy + next-sentence cross-entropy + regularization, with
    /// metrics `mlm_loss`, `mlm_accuracy` (weighted), `nsp_loss`, `nsp_accuracy`.
    public func loss(_ batch: Batch, _ ctx: ForwardContext) -> (
        loss: Tensor, metrics: [String: Tensor]
    ) {
        guard let ids = batch.features[Self.maskedLMIdsKey],
            let weights = batch.features[Self.maskedLMWeightsKey], batch.inputs.count == 4
        else {
            preconditionFailure(
                "BertPretrainer.loss: a batch needs 4 inputs and features \(Self.maskedLMIdsKey), "
                    + "\(Self.maskedLMWeightsKey); got \(batch.inputs.count) inputs and "
                    + "\(batch.features.keys.sorted()) (use BertPretrainer.batch(...))")
        }
        let outputs = call(batch.inputs, ctx)
        let (mlmLogits, nspLogits) = (outputs[0], outputs[1])
        let mlm = mlmLogits.softmaxCrossEntropy(labels: ids, weights: weights)
        let nsp = nspLogits.softmaxCrossEntropy(labels: batch.targets).mean()
        let metrics = [
            "mlm_loss": mlm, "mlm_accuracy": weightedAccuracy(mlmLogits, ids, weights),
            "nsp_loss": nsp, "nsp_accuracy": accuracy(nspLogits, batch.targets),
        ]
        return (mlm + nsp + root.regularizationLoss(), metrics)
    }
}

/// The weighted fraction of items whose largest logit is at the label (a plain value, not
/// differentiable): `logits [..., c]`, int32 `labels [...]`, float32 `weights [...]`.
public func weightedAccuracy(_ logits: Tensor, _ labels: Tensor, _ weights: Tensor) -> Tensor {
    let c = logits.shape.last ?? 1
    let z = logits.floats, y = labels.int32s, w = weights.floats
    var hits = 0.0, total = 0.0
    for i in 0..<y.count {
        var best = 0
        for j in 1..<c where z[i * c + j] > z[i * c + best] { best = j }
        if best == Int(y[i]) { hits += Double(w[i]) }
        total += Double(w[i])
    }
    return Tensor(Float(hits / max(total, 1e-5)))
}
