import Foundation
import GardenTensor
import GardenTestSupport
import Testing

@Suite("GELU, layer norm, weighted cross-entropy")
struct NNCompositeTests {
    @Test func geluIsExactErfForm() {
        let x = TestInputs.uniform([4, 5], in: -3...3, stream: 250)
        let expected = x.floats.map { v -> Double in
            let d = Double(v)
            return 0.5 * d * (1 + Foundation.erf(d / 2.0.squareRoot()))
        }
        expectClose(x.gelu(), expected, shape: [4, 5])
    }

    @Test func layerNormNormalizesEachRow() {
        let x = TestInputs.uniform([2, 3, 5], in: -2...2, stream: 251)
        let gamma = TestInputs.uniform([5], stream: 252),
            beta = TestInputs.uniform([5], stream: 253)
        var expected: [Double] = []
        for r in 0..<6 {
            let row = (0..<5).map { Double(x.floats[r * 5 + $0]) }
            let mean = row.reduce(0, +) / 5
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5
            expected += (0..<5).map {
                (row[$0] - mean) / (variance + 1e-12).squareRoot() * Double(gamma.floats[$0])
                    + Double(beta.floats[$0])
            }
        }
        expectClose(
            x.layerNorm(gamma: gamma, beta: beta, epsilon: 1e-12), expected,
            shape: [2, 3, 5], absolute: 1e-5, relative: 1e-4)
    }

    @Test func weightedCrossEntropyIgnoresZeroWeights() {
        let logits = TestInputs.uniform([2, 3, 7], in: -2...2, stream: 254)
        let labels = Tensor(int32: [1, 6, 0, 3, 3, 2], shape: [2, 3])
        let weights = Tensor([1, 1, 0, 1, 0, 1], shape: [2, 3])
        var num = 0.0
        for i in 0..<6 where weights.floats[i] > 0 {
            let row = (0..<7).map { Double(logits.floats[i * 7 + $0]) }
            let lse = Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +))
            num += lse - row[Int(labels.int32s[i])]
        }
        let loss = logits.softmaxCrossEntropy(labels: labels, weights: weights)
        expectClose(loss, [num / (4 + 1e-5)], shape: [])
    }

    @Test func gradientsMatchFiniteDifferences() {
        checkGradients(
            of: { $0[0].gelu() }, at: [TestInputs.uniform([3, 5], in: -3...3, stream: 255)])
        checkGradients(
            of: { $0[0].layerNorm(gamma: $0[1], beta: $0[2], epsilon: 1e-12) },
            at: [
                TestInputs.uniform([2, 3, 5], in: -2...2, stream: 256),
                TestInputs.uniform([5], stream: 257), TestInputs.uniform([5], stream: 258),
            ])
        checkGradients(
            of: { $0[0].softmaxCrossEntropy(labels: $0[1], weights: $0[2]) },
            at: [
                TestInputs.uniform([2, 3, 7], in: -2...2, stream: 259),
                Tensor(int32: [1, 6, 0, 3, 3, 2], shape: [2, 3]),
                Tensor([1, 0.5, 0, 1, 0, 1], shape: [2, 3]),
            ])
    }

    @Test func geluLowersToErfWithoutAGeluOp() {
        let f = Tracer.trace(arguments: [
            TensorSpec(name: "x", dtype: .float32, shape: Shape([-1, -1, 4]))
        ]) { x in [("y", x[0].gelu())] }
        let ops = f.nodes.map(\.op)
        #expect(ops.contains("Erf"))
        #expect(!ops.contains("Gelu"))
        #expect(f.outputs[0].shape == Shape([-1, -1, 4]))
    }
}
