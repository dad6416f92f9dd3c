import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

/// Initial values come from the module tree: each parameter is drawn once, keyed by its final
/// path, when the assembled tree is initialized.
@Suite struct InitializationTests {
    let initializer = Initializer(seed: 9)

    @Test func aDrawIsKeyedByTheFinalPathInTheTree() {
        let root = Module(name: "model")
        let block = root.addModule(Module(name: "block"))
        let dense = block.addModule(Dense(name: "d", inputSize: 4, units: 3))
        root.initializeParameters(initializer)
        #expect(dense.kernel.path == "block/d/kernel")
        #expect(dense.bias?.path == "block/d/bias")
        let expected = Initializer(seed: 9).glorotUniform([4, 3], stream: "block/d/kernel")
        #expect(dense.kernel.value.floats == expected.floats)
        let standalone = Dense(name: "d", inputSize: 4, units: 3).initializeParameters(initializer)
        #expect(standalone.kernel.value.floats != expected.floats)
    }

    @Test func constantsAreSetAtDeclarationAndDrawsOnlyByTheTree() {
        let norm = LayerNorm(name: "ln", width: 3)
        #expect(norm.gamma.value.floats == [1, 1, 1] && norm.beta.value.floats == [0, 0, 0])
        let dense = Dense(name: "d", inputSize: 2, units: 2)
        #expect(dense.kernel.value.floats == [0, 0, 0, 0])
        dense.initializeParameters(initializer)
        #expect(dense.kernel.value.floats.contains { $0 != 0 })
    }

    @Test func eachParameterIsDrawnOnce() {
        let dense = Dense(name: "d", inputSize: 3, units: 3).initializeParameters(initializer)
        let first = dense.kernel.value.floats
        let outer = Module(name: "outer")
        outer.addModule(dense)
        outer.initializeParameters(Initializer(seed: 10))
        #expect(dense.kernel.path == "d/kernel")
        #expect(dense.kernel.value.floats == first)
    }

    @Test func bertKernelsAreTruncatedNormalDrawsOfTheirPretrainerPath() {
        let config = TinyBert.config()
        let p = BertPretrainer(config, initializer: initializer)
        let query = p.encoder.layers[0].selfAttention.query.kernel
        let path = "encoder/transformer/layer_0/self_attention/query/kernel"
        #expect(query.path == path)
        let expected = Initializer(seed: 9).truncatedNormal(
            query.value.shape, stddev: config.initializerRange, stream: path)
        #expect(query.value.floats == expected.floats)
        #expect(p.nextSentence.kernel.path == "next_sentence/kernel")
        #expect(
            p.nextSentence.kernel.value.floats
                == Initializer(seed: 9).truncatedNormal(
                    [config.hiddenSize, 2], stddev: config.initializerRange,
                    stream: "next_sentence/kernel"
                ).floats)
        // The encoder alone is its own tree: its paths have no `encoder/`.
        let alone = BertEncoder(config, initializer: initializer)
        #expect(
            alone.layers[0].selfAttention.query.kernel.path
                == "transformer/layer_0/self_attention/query/kernel")
    }

    @Test func modelParametersCarryTheirTreePaths() {
        let mlp = MLP(
            .init(
                inputSize: 2, hiddenSizes: [3], numClasses: 2, dropoutRate: 0,
                kernelRegularizer: Regularizer(kind: .none)), initializer: initializer)
        #expect(mlp.parameters.map(\.path) == mlp.parameters.map(\.parameter.path))
        #expect(
            mlp.parameters.map(\.path) == [
                "dense_0/kernel", "dense_0/bias", "logits/kernel", "logits/bias",
            ])
        #expect(
            mlp.hidden[0].kernel.value.floats
                == Initializer(seed: 9).glorotUniform([2, 3], stream: "dense_0/kernel").floats)
    }
}
