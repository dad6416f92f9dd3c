import GardenTensor

/// A batch of BERT pre-training examples (see `PretrainingData`).
public struct PretrainingBatch: ExampleBatch {
    /// int32 `[batch, seq]` token ids, `[CLS] A [SEP] B [SEP]` then padding.
    public var inputWordIds: Tensor
    /// int32 `[batch, seq]`, 1 for a real token, 0 for padding.
    public var inputMask: Tensor
    /// int32 `[batch, seq]`, 0 for segment A, 1 for segment B.
    public var inputTypeIds: Tensor
    /// int32 `[batch, P]`, the positions whose original token the masked-LM head predicts.
    public var maskedLMPositions: Tensor
    /// int32 `[batch, P]`, the original token ids at those positions.
    public var maskedLMIds: Tensor
    /// float32 `[batch, P]`, 1 for a real prediction, 0 for padding.
    public var maskedLMWeights: Tensor
    /// int32 `[batch]`: 0 when segment B follows A in the corpus, 1 when it is random.
    public var nextSentenceLabels: Tensor

    public init(
        inputWordIds: Tensor, inputMask: Tensor, inputTypeIds: Tensor, maskedLMPositions: Tensor,
        maskedLMIds: Tensor, maskedLMWeights: Tensor, nextSentenceLabels: Tensor
    ) {
        self.inputWordIds = inputWordIds; self.inputMask = inputMask
        self.inputTypeIds = inputTypeIds; self.maskedLMPositions = maskedLMPositions
        self.maskedLMIds = maskedLMIds; self.maskedLMWeights = maskedLMWeights
        self.nextSentenceLabels = nextSentenceLabels
    }

    /// The model inputs, in the pre-trainer's signature order.
    public var modelInputs: [Tensor] { [inputWordIds, inputMask, inputTypeIds, maskedLMPositions] }

    public var columns: [Tensor] {
        modelInputs + [maskedLMIds, maskedLMWeights, nextSentenceLabels]
    }

    public init(columns c: [Tensor]) {
        self.init(
            inputWordIds: c[0], inputMask: c[1], inputTypeIds: c[2], maskedLMPositions: c[3],
            maskedLMIds: c[4], maskedLMWeights: c[5], nextSentenceLabels: c[6])
    }
}
