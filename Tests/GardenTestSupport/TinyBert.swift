import GardenModels
import GardenNN
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

    /// Masked-LM positions `[batch, 3]` (two real, one padding in the second example).
    public static let maskedLMPositions = Tensor(int32: [1, 3, 0, 2, 0, 0], shape: [batch, 3])

    /// The pre-trainer's four inputs: `inputs()` and `maskedLMPositions`.
    public static func pretrainerInputs() -> [Tensor] {
        let (ids, mask, types) = inputs()
        return [ids, mask, types, maskedLMPositions]
    }

    /// The pre-training objective of `p` on `pretrainerInputs()`, with the masked-LM head
    /// `head` (the pre-trainer's own, or an untied copy): weighted masked-LM cross-entropy (the
    /// second example's last two positions have weight 0) plus the mean next-sentence
    /// cross-entropy, as the BERT task trains it.
    ///
    /// - Parameters:
    ///   - p: the pre-trainer.
    ///   - head: the masked-LM head; nil takes `p.maskedLM`.
    ///   - ctx: the forward context.
    /// - Returns: the scalar objective.
    public static func objective(_ p: BertPretrainer, head: MaskedLM? = nil, _ ctx: ForwardContext)
        -> Tensor
    {
        let (ids, mask, types) = inputs()
        let out = p.encoder.encode(wordIds: ids, mask: mask, typeIds: types, ctx)
        let mlm = (head ?? p.maskedLM)(out.sequenceOutput, positions: maskedLMPositions)
            .softmaxCrossEntropy(
                labels: Tensor(int32: [5, 8, 1, 6, 0, 0], shape: [batch, 3]),
                weights: Tensor([1, 1, 1, 1, 0, 0], shape: [batch, 3]))
        let nsp = p.nextSentence(out.pooledOutput).softmaxCrossEntropy(
            labels: Tensor(int32: [1, 0], shape: [batch]))
        return mlm + nsp.mean()
    }
}
