import GardenModels
import GardenTensor

/// Tiny, odd-sized BERT settings shared by the BERT layer and model tests: hidden 6, 2 heads,
/// sequence 5, vocabulary 11, so a swapped axis changes a shape or a value.
public enum TinyBert {
    public static let batch = 2, seq = 5, hidden = 6, heads = 2, vocab = 11

    /// The encoder settings: `layers` blocks, intermediate size 7, 9 positions, 2 token types.
    ///
    /// - Parameters:
    ///   - layers: the number of transformer blocks.
    ///   - dropout: the dropout and attention dropout rate.
    /// - Returns: the configuration.
    public static func config(layers: Int = 1, dropout: Float = 0) -> BertEncoder.Config {
        BertEncoder.Config(
            vocabSize: vocab, hiddenSize: hidden, numLayers: layers, numAttentionHeads: heads,
            intermediateSize: 7, maxSequenceLength: 9, typeVocabSize: 2, dropoutRate: dropout,
            attentionDropoutRate: dropout, initializerRange: 0.5)
    }

    /// Token ids, a mask with padding at the end of the second example, and segment ids.
    public static func inputs() -> (ids: Tensor, mask: Tensor, types: Tensor) {
        (
            Tensor(int32: [1, 4, 7, 10, 2, 3, 3, 9, 0, 0], shape: [batch, seq]),
            Tensor(int32: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0], shape: [batch, seq]),
            Tensor(int32: [0, 0, 1, 1, 1, 0, 0, 1, 1, 1], shape: [batch, seq])
        )
    }

    /// A pre-training batch of `inputs()`: three masked positions per example (the second
    /// example's last two with weight 0) and next-sentence labels.
    public static func pretrainingBatch() -> Batch {
        let (ids, mask, types) = inputs()
        return BertPretrainer.batch(
            inputWordIds: ids, inputMask: mask, inputTypeIds: types,
            maskedLMPositions: Tensor(int32: [1, 3, 0, 2, 0, 0], shape: [batch, 3]),
            maskedLMIds: Tensor(int32: [5, 8, 1, 6, 0, 0], shape: [batch, 3]),
            maskedLMWeights: Tensor([1, 1, 1, 1, 0, 0], shape: [batch, 3]),
            nextSentenceLabels: Tensor(int32: [1, 0], shape: [batch]))
    }
}
