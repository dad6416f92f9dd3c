import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

@Suite("BERT layers")
struct BertLayerTests {
    let initializer = Initializer(seed: 11)
    let inference = ForwardContext(training: false)
    let x = TestInputs.uniform([TinyBert.batch, TinyBert.seq, TinyBert.hidden], stream: 300)

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
        #expect(e(ids).shape == [2, 5, 6])
        #expect(Array(e(ids).floats[0..<6]) == Array(e.embeddings.value.floats[6..<12]))
        expectParameterGradientsMatch(e) { projected(e(ids)) }
    }

    @Test func layerNormGradientsOfInputGammaAndBeta() {
        let ln = LayerNorm(name: "layer_norm", width: 6)
        ln.gamma.value = TestInputs.uniform([6], stream: 301)
        ln.beta.value = TestInputs.uniform([6], stream: 302)
        expectParameterGradientsMatch(ln) { projected(ln(x)) }
        checkGradients(of: { projected(ln($0[0])) }, at: [x])
    }

    @Test func attentionGradientsOfInputAndAllProjections() {
        let m = attention()
        let bias = MultiHeadAttention.attentionBias(mask: TinyBert.inputs().mask)
        #expect(m(x, attentionBias: bias, inference).shape == [2, 5, 6])
        expectParameterGradientsMatch(m) { projected(m(x, attentionBias: bias, inference)) }
        checkGradients(of: { projected(m($0[0], attentionBias: bias, inference)) }, at: [x])
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

    @Test func encoderBlockGradientsAndParameterNames() {
        let block = TransformerEncoderBlock(
            name: "layer_0", hiddenSize: 6, numAttentionHeads: 2, intermediateSize: 7,
            dropoutRate: 0, attentionDropoutRate: 0, initializerRange: 0.5
        ).initializeParameters(initializer)
        let bias = MultiHeadAttention.attentionBias(mask: TinyBert.inputs().mask)
        expectParameterGradientsMatch(block) { projected(block(x, attentionBias: bias, inference)) }
        checkGradients(of: { projected(block($0[0], attentionBias: bias, inference)) }, at: [x])
        #expect(
            block.namedParameters().map(\.path) == [
                "self_attention/query/kernel", "self_attention/query/bias",
                "self_attention/key/kernel", "self_attention/key/bias",
                "self_attention/value/kernel", "self_attention/value/bias",
                "self_attention/attention_output/kernel", "self_attention/attention_output/bias",
                "self_attention_layer_norm/gamma", "self_attention_layer_norm/beta",
                "intermediate/kernel", "intermediate/bias", "output/kernel", "output/bias",
                "output_layer_norm/gamma", "output_layer_norm/beta",
            ])
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

    @Test func maskedLMLogitsUseTheTiedTable() {
        let table = Parameter(TestInputs.uniform([11, 6], stream: 303), path: "emb")
        let head = MaskedLM(embeddings: table, initializerRange: 0.5)
            .initializeParameters(initializer)
        head.outputBias.value = TestInputs.uniform([11], stream: 304)
        let positions = Tensor(int32: [1, 3, 0, 2], shape: [2, 2])
        let logits = head(x, positions: positions)
        #expect(logits.shape == [2, 2, 11])
        #expect(head(x).shape == [2, 5, 11])
        // The table is not listed under the head: the encoder owns it.
        #expect(
            head.namedParameters().map(\.path) == [
                "transform/kernel", "transform/bias", "layer_norm/gamma", "layer_norm/beta",
                "output_bias/bias",
            ])
        expectParameterGradientsMatch(head) { projected(head(x, positions: positions)) }
    }
}
