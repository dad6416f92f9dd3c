import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

@Suite("BERT layers")
struct BertLayerTests {
    let initializer = Initializer(seed: 11)
    let inference = ForwardContext(training: false)
    let x = TestInputs.uniform([TinyBert.batch, TinyBert.seq, TinyBert.hidden], stream: 300)

    static let blockNames = [
        "self_attention/query/kernel", "self_attention/query/bias",
        "self_attention/key/kernel", "self_attention/key/bias",
        "self_attention/value/kernel", "self_attention/value/bias",
        "self_attention/attention_output/kernel", "self_attention/attention_output/bias",
        "self_attention_layer_norm/gamma", "self_attention_layer_norm/beta",
        "intermediate/kernel", "intermediate/bias", "output/kernel", "output/bias",
        "output_layer_norm/gamma", "output_layer_norm/beta",
    ]

    func attention() -> MultiHeadAttention {
        let m = MultiHeadAttention(
            hiddenSize: TinyBert.hidden, numHeads: TinyBert.heads,
            dropoutRate: 0, initializerRange: 0.5)
        return m.initializeParameters(initializer)
    }

    @Test func embeddingLooksUpRowsAndScattersGradients() {
        let e = Embedding(name: "word_embeddings", vocabSize: TinyBert.vocab, width: 6, stddev: 0.5)
            .initializeParameters(initializer)
        let ids = TinyBert.inputs().ids
        #expect(Array(e(ids).floats[0..<6]) == Array(e.embeddings.value.floats[6..<12]))
        checkLayer(e, input: ids, outputShape: [2, 5, 6], parameterPaths: ["embeddings"]) {
            e($0)
        }
    }

    @Test func layerNormContract() {
        let ln = LayerNorm(name: "layer_norm", width: 6)
        ln.gamma.value = TestInputs.uniform([6], stream: 301)
        ln.beta.value = TestInputs.uniform([6], stream: 302)
        checkLayer(ln, input: x, outputShape: [2, 5, 6], parameterPaths: ["gamma", "beta"]) {
            ln($0)
        }
    }

    @Test func attentionContract() {
        let m = attention()
        let bias = MultiHeadAttention.attentionBias(mask: TinyBert.inputs().mask)
        checkLayer(
            m, input: x, outputShape: [2, 5, 6],
            parameterPaths: [
                "query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel",
                "value/bias", "attention_output/kernel", "attention_output/bias",
            ]
        ) { m($0, attentionBias: bias, inference) }
    }

    @Test func attentionIgnoresMaskedKeys() {
        let m = attention()
        let bias = MultiHeadAttention.attentionBias(mask: TinyBert.inputs().mask)
        var changed = x.floats
        // Example 1, positions 3 and 4 are padding: no other position may see them.
        for s in 3..<5 { for h in 0..<6 { changed[(5 + s) * 6 + h] += 3 } }
        let a = m(x, attentionBias: bias, inference).floats
        let b = m(Tensor(changed, shape: x.shape), attentionBias: bias, inference).floats
        for s in 0..<3 {
            for h in 0..<6 { #expect(a[(5 + s) * 6 + h] == b[(5 + s) * 6 + h]) }
        }
        #expect(a[0..<30] == b[0..<30])
    }

    @Test func encoderBlockContract() {
        let block = TransformerEncoderBlock(
            name: "layer_0", hiddenSize: 6, numAttentionHeads: 2, intermediateSize: 7,
            dropoutRate: 0, attentionDropoutRate: 0, initializerRange: 0.5
        ).initializeParameters(initializer)
        let bias = MultiHeadAttention.attentionBias(mask: TinyBert.inputs().mask)
        checkLayer(block, input: x, outputShape: [2, 5, 6], parameterPaths: Self.blockNames) {
            block($0, attentionBias: bias, inference)
        }
    }

    @Test func encoderBlockDropoutIsActiveOnlyInTrainingAndSeeded() {
        let block = TransformerEncoderBlock(
            name: "layer_0", hiddenSize: 6, numAttentionHeads: 2, intermediateSize: 7,
            dropoutRate: 0.3, attentionDropoutRate: 0.3, initializerRange: 0.5
        ).initializeParameters(initializer)
        let run = { (ctx: ForwardContext) in block(x, attentionBias: nil, ctx).floats }
        let inferenceOut = run(ForwardContext(training: false))
        let a = run(ForwardContext(training: true, seed: 1, step: 4))
        #expect(a != inferenceOut)
        #expect(a == run(ForwardContext(training: true, seed: 1, step: 4)))
        #expect(a != run(ForwardContext(training: true, seed: 1, step: 5)))
    }
}
