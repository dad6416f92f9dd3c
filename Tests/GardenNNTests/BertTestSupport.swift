import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

/// Tiny, odd-sized BERT settings shared by the BERT layer and model tests: hidden 6, 2 heads,
/// sequence 5, vocabulary 11, so a swapped axis changes a shape or a value.
enum TinyBert {
    static let batch = 2, seq = 5, hidden = 6, heads = 2, vocab = 11

    static func config(layers: Int = 1, dropout: Float = 0) -> BertEncoder.Config {
        BertEncoder.Config(
            vocabSize: vocab, hiddenSize: hidden, numLayers: layers, numAttentionHeads: heads,
            intermediateSize: 7, maxSequenceLength: 9, typeVocabSize: 2, dropoutRate: dropout,
            attentionDropoutRate: dropout, initializerRange: 0.5, kernelRegularizer: Regularizer(kind: .none))
    }

    /// Token ids, a mask with padding at the end of the second example, and segment ids.
    static func inputs() -> (ids: Tensor, mask: Tensor, types: Tensor) {
        (
            Tensor(int32: [1, 4, 7, 10, 2, 3, 3, 9, 0, 0], shape: [batch, seq]),
            Tensor(int32: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0], shape: [batch, seq]),
            Tensor(int32: [0, 0, 1, 1, 1, 0, 0, 1, 1, 1], shape: [batch, seq])
        )
    }

    static func pretrainingBatch() -> Batch {
        let (ids, mask, types) = inputs()
        return BertPretrainer.batch(
            inputWordIds: ids, inputMask: mask, inputTypeIds: types,
            maskedLMPositions: Tensor(int32: [1, 3, 0, 2, 0, 0], shape: [batch, 3]),
            maskedLMIds: Tensor(int32: [5, 8, 1, 6, 0, 0], shape: [batch, 3]),
            maskedLMWeights: Tensor([1, 1, 1, 1, 0, 0], shape: [batch, 3]),
            nextSentenceLabels: Tensor(int32: [1, 0], shape: [batch]))
    }
}

/// Tape gradients of `loss` with respect to every parameter of `module` against central
/// differences of the same loss, perturbing each element in place (Double accumulation).
func expectParameterGradientsMatch(
    _ module: Module, step: Float = 1e-2, tolerance: Double = 1e-2,
    sourceLocation: SourceLocation = #_sourceLocation, _ loss: () -> Tensor
) {
    let (_, grads) = Tape.valueWithGradients(loss)
    let byParameter = Dictionary(
        grads.map { (ObjectIdentifier($0.0), $0.1) }, uniquingKeysWith: { a, _ in a })
    for (path, p) in module.namedParameters() where p.trainable {
        let base = p.value
        let analytic =
            byParameter[ObjectIdentifier(p)]?.floats ?? [Float](repeating: 0, count: base.count)
        var worst = 0.0
        for i in 0..<base.count {
            var v = base.floats
            v[i] += step
            let plusStep = v[i]
            p.value = Tensor(v, shape: base.shape)
            let plus = Double(loss().scalar)
            v[i] = base.floats[i] - step
            let minusStep = v[i]
            p.value = Tensor(v, shape: base.shape)
            let minus = Double(loss().scalar)
            p.value = base
            let numeric = (plus - minus) / (Double(plusStep) - Double(minusStep))
            let error = Swift.abs(numeric - Double(analytic[i]))
            worst = max(worst, error / max(1, Swift.abs(numeric)))
        }
        #expect(
            worst < tolerance, "\(path): worst relative gradient error \(worst)",
            sourceLocation: sourceLocation)
    }
}

/// `sum(y · r)` for a fixed pseudo-random `r`: turns a layer output into a scalar loss that
/// weights every element differently.
func projected(_ y: Tensor, stream: UInt64 = 0x77) -> Tensor {
    (y * TestInputs.uniform(y.shape, stream: stream)).sum()
}
