import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

/// One regularizer mechanism for every family: the `kernel_regularizer` a model's config
/// names is given to each layer at construction and collected from the module tree.
@Suite struct KernelRegularizerTests {
    /// A kind uses only its own factors, as the recipe's `type:` says (`l1` ignores `l2`).
    @Test func aKindAppliesOnlyItsFactors() {
        let w = Tensor([1, -2, 3], shape: [3])
        #expect(Regularizer(kind: .l1, l1: 0.5, l2: 9).loss(w).scalar == 0.5 * 6)
        #expect(Regularizer(kind: .l2, l1: 9, l2: 0.1).loss(w).scalar == 0.1 * 14)
        #expect(Regularizer(kind: .l1l2, l1: 0.5, l2: 0.1).loss(w).scalar == 3 + 1.4)
    }

    /// `type: none` attaches nothing, so a model has no regularization losses to export.
    @Test func kindNoneAttachesNothing() {
        let mlp = MLP(
            .init(
                inputSize: 3, hiddenSizes: [4], numClasses: 2, dropoutRate: 0,
                kernelRegularizer: Regularizer(kind: .none, l2: 0.1)),
            initializer: Initializer(seed: 3))
        #expect(mlp.root.allRegularizers().isEmpty)
    }

    /// Every dense kernel of the BERT pre-trainer carries the config's regularizer from
    /// construction (attention projections, feed-forward, pooler, masked-LM transform and the
    /// next-sentence head), in tree order; embeddings, biases and layer norms carry none.
    @Test func everyBertDenseKernelIsRegularizedAtConstruction() {
        var config = TinyBert.config(layers: 2)
        config.kernelRegularizer = .l2(0.01)
        let model = BertPretrainer(config, initializer: Initializer(seed: 4))
        let paths = model.root.allRegularizers().map(\.parameter.path)
        let block = [
            "self_attention/query", "self_attention/key", "self_attention/value",
            "self_attention/attention_output", "intermediate", "output",
        ]
        let expected =
            (0..<2).flatMap { i in block.map { "encoder/transformer/layer_\(i)/\($0)/kernel" } }
            + [
                "encoder/pooler_transform/kernel", "masked_lm/transform/kernel",
                "next_sentence/kernel",
            ]
        #expect(paths == expected)
        #expect(model.root.allRegularizers().allSatisfy { $0.regularizer == .l2(0.01) })
    }
}
