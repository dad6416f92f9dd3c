import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

@Suite("BERT encoder and pretrainer")
struct BertModelTests {
    let initializer = Initializer(seed: 5)
    let inference = ForwardContext(training: false)

    static let blockNames = [
        "self_attention/query/kernel", "self_attention/query/bias", "self_attention/key/kernel",
        "self_attention/key/bias", "self_attention/value/kernel", "self_attention/value/bias",
        "self_attention/attention_output/kernel", "self_attention/attention_output/bias",
        "self_attention_layer_norm/gamma", "self_attention_layer_norm/beta",
        "intermediate/kernel", "intermediate/bias", "output/kernel", "output/bias",
        "output_layer_norm/gamma", "output_layer_norm/beta",
    ]

    static let encoderNames =
        [
            "word_embeddings/embeddings", "position_embedding/embeddings",
            "type_embeddings/embeddings",
            "embeddings/layer_norm/gamma", "embeddings/layer_norm/beta",
        ]
        + blockNames.map { "transformer/layer_0/" + $0 }
        + blockNames.map { "transformer/layer_1/" + $0 }
        + ["pooler_transform/kernel", "pooler_transform/bias"]

    // Parameter names are API: checkpoint keys, HDF5 paths and SavedModel variable names.
    @Test func twoLayerEncoderParameterNamesAndShapes() {
        let encoder = BertEncoder(TinyBert.config(layers: 2), initializer: initializer)
        #expect(encoder.parameters.map(\.path) == Self.encoderNames)
        #expect(encoder.parameters.allSatisfy { $0.parameter.path == $0.path })
        let shapes = Dictionary(
            uniqueKeysWithValues: encoder.parameters.map { ($0.path, $0.parameter.value.shape) })
        #expect(shapes["word_embeddings/embeddings"] == [11, 6])
        #expect(shapes["position_embedding/embeddings"] == [9, 6])
        #expect(shapes["type_embeddings/embeddings"] == [2, 6])
        #expect(shapes["transformer/layer_1/intermediate/kernel"] == [6, 7])
        #expect(shapes["transformer/layer_1/output/kernel"] == [7, 6])
        // Same local names in different blocks must not start from the same values.
        #expect(
            encoder.layers[0].selfAttention.query.kernel.value.floats
                != encoder.layers[1].selfAttention.query.kernel.value.floats)
    }

    @Test func pretrainerParameterNamesPrefixTheItemsAndListTheTiedTableOnce() {
        let p = BertPretrainer(TinyBert.config(layers: 2), initializer: initializer)
        #expect(
            p.parameters.map(\.path) == Self.encoderNames.map { "encoder/" + $0 } + [
                "masked_lm/transform/kernel", "masked_lm/transform/bias",
                "masked_lm/layer_norm/gamma",
                "masked_lm/layer_norm/beta", "masked_lm/output_bias/bias",
                "next_sentence/kernel", "next_sentence/bias",
            ])
        #expect(p.maskedLM.embeddings === p.encoder.wordEmbeddings.embeddings)
    }

    @Test func encoderOutputsAndSignature() {
        let encoder = BertEncoder(TinyBert.config(layers: 2), initializer: initializer)
        let (ids, mask, types) = TinyBert.inputs()
        let out = encoder.call(
            .named(["input_word_ids": ids, "input_mask": mask, "input_type_ids": types]),
            inference)
        #expect(out.keys == ["sequence_output", "pooled_output", "encoder_outputs"])
        #expect(out["sequence_output"].shape == [2, 5, 6])
        #expect(out["pooled_output"].shape == [2, 6])
        let layers = out[list: "encoder_outputs"]
        #expect(layers.map(\.shape) == [[2, 5, 6], [2, 5, 6]])
        #expect(layers[0].floats != layers[1].floats)
        #expect(layers[1].floats == out["sequence_output"].floats)
        let s = encoder.signature
        #expect(s.inputs.keys == ["input_word_ids", "input_mask", "input_type_ids"])
        #expect(s.inputs.leaves.allSatisfy { $0.dtype == .int32 && $0.shape == Shape([-1, -1]) })
        #expect(s.outputs.keys == ["sequence_output", "pooled_output", "encoder_outputs"])
        #expect(
            s.outputs.entry("encoder_outputs")?.leaves.map(\.name) == [
                "encoder_outputs_0", "encoder_outputs_1",
            ])
        // TensorFlow's order: dict keys sorted, the list's elements in order at its key.
        #expect(
            s.outputs.flattened.map(\.name) == [
                "encoder_outputs_0", "encoder_outputs_1", "pooled_output", "sequence_output",
            ])
        #expect(s.problem == nil)
    }

    @Test func tokensUnderAZeroMaskDoNotChangeThePooledOutput() {
        let encoder = BertEncoder(TinyBert.config(layers: 2), initializer: initializer)
        let (ids, mask, types) = TinyBert.inputs()
        var other = ids.int32s
        other[8] = 5
        other[9] = 6
        let a = encoder.encode(wordIds: ids, mask: mask, typeIds: types, inference)
        let b = encoder.encode(
            wordIds: Tensor(int32: other, shape: ids.shape), mask: mask, typeIds: types, inference)
        #expect(a.pooledOutput.floats == b.pooledOutput.floats)
        #expect(a.sequenceOutput.floats[0..<(8 * 6)] == b.sequenceOutput.floats[0..<(8 * 6)])
    }

    @Test func sequenceLengthIsDynamicUpToTheMaximum() {
        let encoder = BertEncoder(TinyBert.config(), initializer: initializer)
        for seq in [1, 3, 9] {
            let ids = Tensor(int32: [Int32](repeating: 2, count: 2 * seq), shape: [2, seq])
            let ones = Tensor(int32: [Int32](repeating: 1, count: 2 * seq), shape: [2, seq])
            let out = encoder.encode(wordIds: ids, mask: ones, typeIds: ones, inference)
            #expect(out.sequenceOutput.shape == [2, seq, 6])
        }
    }

    @Test func tracedEncoderKeepsBatchAndSequenceUnknownAndUsesOnlyTFOps() {
        let encoder = BertEncoder(
            TinyBert.config(layers: 2, dropout: 0.1), initializer: initializer)
        for training in [false, true] {
            let f = Tracer.trace(encoder.signature) { x in
                encoder.call(x, ForwardContext(training: training))
            }
            #expect(
                f.outputs.map(\.shape) == [
                    Shape([-1, -1, 6]), Shape([-1, 6]), Shape([-1, -1, 6]), Shape([-1, -1, 6]),
                ])
            #expect(f.captures.count == encoder.parameters.count)
            let allowed: Set<String> = [
                "ReadVariableOp", "Const", "Identity", "GatherV2", "Shape", "StridedSlice", "Range",
                "AddV2", "Sub", "Mul", "Mean", "Rsqrt", "Cast", "ExpandDims", "BatchMatMulV2",
                "Reshape", "ConcatV2", "Transpose", "Softmax", "Erf", "MatMul", "Tanh",
                "RandomUniform", "GreaterEqual", "SelectV2",
            ]
            let ops = Set(f.nodes.map(\.op))
            #expect(
                ops.isSubset(of: allowed), "unexpected ops \(ops.subtracting(allowed).sorted())")
            #expect(ops.contains("RandomUniform") == training)
        }
    }

    @Test func pretrainerOutputsMaskedLMAndNextSentenceLogits() {
        let p = BertPretrainer(TinyBert.config(), initializer: initializer)
        #expect(
            p.call(leaves: TinyBert.pretrainerInputs(), inference).leaves.map(\.shape) == [
                [2, 3, 11], [2, 2],
            ])
    }

    @Test func tiedEmbeddingGetsTheSumOfLookupAndOutputGradients() {
        let p = BertPretrainer(TinyBert.config(), initializer: initializer)
        let table = p.encoder.wordEmbeddings.embeddings
        let (_, tied) = Tape.valueWithGradients {
            TinyBert.objective(p, head: p.maskedLM, inference)
        }
        // The same loss with the head reading an untied copy of the table.
        let copy = Parameter(table.value, path: "copy")
        let head = MaskedLM(embeddings: copy, initializerRange: 0.5)
        for (a, b) in zip(head.namedParameters(), p.maskedLM.namedParameters()) {
            a.parameter.value = b.parameter.value
        }
        let (_, untied) = Tape.valueWithGradients {
            TinyBert.objective(p, head: head, inference)
        }
        let g = tied.first { $0.0 === table }?.1.floats ?? []
        let lookup = untied.first { $0.0 === table }?.1.floats ?? []
        let output = untied.first { $0.0 === copy }?.1.floats ?? []
        #expect(g.count == 66 && lookup.count == 66 && output.count == 66)
        #expect(lookup.contains { $0 != 0 } && output.contains { $0 != 0 })
        for i in 0..<min(g.count, lookup.count, output.count) {
            #expect(Swift.abs(g[i] - (lookup[i] + output[i])) < 1e-5)
        }
    }

    /// The pretrainer's loss reaches the tied table through both the lookup and the masked-LM
    /// output, so the gradient check covers the sum of the two.
    @Test func pretrainerContract() {
        let p = BertPretrainer(TinyBert.config(), initializer: initializer)
        checkModel(
            p, inputs: TinyBert.pretrainerInputs(), outputShapes: [[2, 3, 11], [2, 2]],
            parameterPaths: [
                "encoder/word_embeddings/embeddings", "encoder/position_embedding/embeddings",
                "encoder/type_embeddings/embeddings", "encoder/embeddings/layer_norm/gamma",
                "encoder/embeddings/layer_norm/beta",
            ] + Self.blockNames.map { "encoder/transformer/layer_0/" + $0 } + [
                "encoder/pooler_transform/kernel", "encoder/pooler_transform/bias",
                "masked_lm/transform/kernel", "masked_lm/transform/bias",
                "masked_lm/layer_norm/gamma", "masked_lm/layer_norm/beta",
                "masked_lm/output_bias/bias", "next_sentence/kernel", "next_sentence/bias",
            ]
        ) { TinyBert.objective(p, $0) }
    }
}
