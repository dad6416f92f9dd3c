import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

/// The BERT family's masked-LM head (GardenModels/BERT) through the layer contract.
@Suite("BERT blocks")
struct BertBlockTests {
    let initializer = Initializer(seed: 11)
    let x = TestInputs.uniform([TinyBert.batch, TinyBert.seq, TinyBert.hidden], stream: 300)

    @Test func maskedLMLogitsUseTheTiedTable() {
        let table = Parameter(TestInputs.uniform([11, 6], stream: 303), path: "emb")
        let head = MaskedLM(embeddings: table, initializerRange: 0.5)
            .initializeParameters(initializer)
        head.outputBias.value = TestInputs.uniform([11], stream: 304)
        let positions = Tensor(int32: [1, 3, 0, 2], shape: [2, 2])
        #expect(head(x).shape == [2, 5, 11])
        // The table is not listed under the head: the encoder owns it, and a model's contract
        // (BertModelTests) checks its gradient through both uses.
        checkLayer(
            head, input: x, outputShape: [2, 2, 11],
            parameterPaths: [
                "transform/kernel", "transform/bias", "layer_norm/gamma", "layer_norm/beta",
                "output_bias/bias",
            ]
        ) { head($0, positions: positions) }
    }
}
