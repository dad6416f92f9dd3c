import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

@Suite("BERT classifier")
struct BertClassifierTests {
    /// Three classes on the tiny encoder: the encoder's paths under `encoder/` (as in the
    /// pre-trainer, so its checkpoints initialise it) and the head at `classifier/logits/`.
    @Test func classifierContract() {
        let c = BertClassifier(
            .init(encoder: TinyBert.config(), numClasses: 3), initializer: Initializer(seed: 5))
        let (ids, mask, types) = TinyBert.inputs()
        let labels = Tensor(int32: [2, 0], shape: [2])
        checkModel(
            c, inputs: [ids, mask, types], outputShapes: [[2, 3]],
            parameterPaths: [
                "encoder/word_embeddings/embeddings", "encoder/position_embedding/embeddings",
                "encoder/type_embeddings/embeddings", "encoder/embeddings/layer_norm/gamma",
                "encoder/embeddings/layer_norm/beta",
            ] + BertModelTests.blockNames.map { "encoder/transformer/layer_0/" + $0 } + [
                "encoder/pooler_transform/kernel", "encoder/pooler_transform/bias",
                "classifier/logits/kernel", "classifier/logits/bias",
            ]
        ) { ctx in
            c.call(leaves: [ids, mask, types], ctx).single.softmaxCrossEntropy(labels: labels)
                .mean()
        }
    }

    /// The logits are the head's dense layer on the encoder's pooled output (dropout is off
    /// in inference), and the head's dropout layers apply in training.
    @Test func logitsAreTheDenseHeadOnThePooledOutput() {
        let c = BertClassifier(
            .init(encoder: TinyBert.config(), numClasses: 3, classifierDropoutRate: 0.5),
            initializer: Initializer(seed: 5))
        let (ids, mask, types) = TinyBert.inputs()
        let inference = ForwardContext(training: false)
        let logits = c.call(leaves: [ids, mask, types], inference).single
        let pooled = c.encoder.encode(wordIds: ids, mask: mask, typeIds: types, inference)
            .pooledOutput
        #expect(logits.floats == c.logits(pooled).floats)
        let training = c.call(leaves: [ids, mask, types], ForwardContext(training: true, seed: 1))
        #expect(training.single.floats != logits.floats)
    }
}
