import Foundation
import GardenTensor
import GardenTestSupport
import Testing

@Suite("SparseSoftmaxCrossEntropy kernel")
struct SoftmaxCrossEntropyKernelTests {
    /// loss_i = logsumexp(z_i) - z_i[y_i], with the max-shifted log-sum-exp in Double.
    func referenceLoss(_ logits: Tensor, _ labels: Tensor) -> [Double] {
        let (b, c) = (logits.shape[0], logits.shape[1])
        let z = logits.floats.map(Double.init)
        return (0..<b).map { i in
            let row = z[(i * c)..<(i * c + c)]
            let m = row.max() ?? 0
            let lse = m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
            return lse - z[i * c + Int(labels.int32s[i])]
        }
    }

    @Test func lossMatchesDoubleLogSumExp() {
        let logits = TestInputs.uniform([4, 7], in: -3...3, stream: 30)
        let labels = TestInputs.labels(count: 4, classes: 7, stream: 31)
        expectClose(
            logits.softmaxCrossEntropy(labels: labels), referenceLoss(logits, labels),
            shape: [4], absolute: 1e-5, relative: 1e-5)
    }

    @Test func largeLogitsDoNotOverflow() {
        // exp(90) overflows Float32; the max shift must keep every exponent <= 0.
        let base = TestInputs.uniform([3, 5], in: -3...3, stream: 32).floats
        let shifted = base.enumerated().map { $0.offset < 5 ? $0.element + 90 : $0.element - 90 }
        let logits = Tensor(shifted, shape: [3, 5])
        let labels = Tensor(int32: [4, 0, 2], shape: [3])
        let loss = logits.softmaxCrossEntropy(labels: labels)
        #expect(loss.floats.allSatisfy { $0.isFinite })
        expectClose(loss, referenceLoss(logits, labels), shape: [3], absolute: 1e-4, relative: 1e-5)
    }

    @Test func uniformLogitsGiveLogOfClassCount() {
        let loss = Tensor.zeros([2, 5]).softmaxCrossEntropy(
            labels: Tensor(int32: [1, 3], shape: [2]))
        expectClose(loss, [Foundation.log(5), Foundation.log(5)], shape: [2])
    }
}
