import GardenTensor
import GardenTestSupport
import Testing

@Suite("Batch norm kernels against naive references")
struct BatchNormKernelTests {
    let x = TestInputs.uniform([2, 7, 5, 3], in: -2...3, stream: 30)
    let scale = TestInputs.uniform([3], in: 0.5...2, stream: 31)
    let offset = TestInputs.uniform([3], stream: 32)
    let mean = TestInputs.uniform([3], stream: 33)
    let variance = TestInputs.uniform([3], in: 0.5...2, stream: 34)

    @Test func inferenceUsesTheGivenStatistics() {
        let y = x.batchNorm(
            scale: scale, offset: offset, mean: mean, variance: variance, epsilon: 1e-3)
        let ref = SpatialReference.normalize(
            x, mean: mean.floats.map(Double.init), variance: variance.floats.map(Double.init),
            scale: scale.floats, offset: offset.floats, epsilon: 1e-3)
        expectClose(y, ref, shape: x.shape)
    }

    /// Training normalizes with the biased batch variance but reports the unbiased one (what
    /// `FusedBatchNormV3` returns as `batch_variance` and TensorFlow averages).
    @Test func trainingUsesBatchStatisticsAndReportsUnbiasedVariance() {
        let r = x.batchNormTraining(
            scale: scale, offset: offset, mean: mean, variance: variance,
            epsilon: 1e-3)
        let (m, v) = SpatialReference.moments(x)
        let ref = SpatialReference.normalize(
            x, mean: m, variance: v, scale: scale.floats,
            offset: offset.floats, epsilon: 1e-3)
        expectClose(r.output, ref, shape: x.shape)
        expectClose(r.batchMean, m, shape: [3])
        let count = Double(2 * 7 * 5)
        expectClose(r.batchVariance, v.map { $0 * count / (count - 1) }, shape: [3])
    }

    @Test func movingAverageMovesByOneMinusMomentum() {
        let p = Parameter(Tensor([1, 2, 3], shape: [3]), path: "moving_mean", trainable: false)
        p.assignMovingAverage(Tensor([3, 2, -1], shape: [3]), momentum: 0.9)
        // m - (m - b) * 0.1
        expectClose(p.value, [1.2, 2, 2.6], shape: [3])
    }

    @Test func movingAverageIgnoresTheTape() {
        let p = Parameter(Tensor([0, 0], shape: [2]), path: "m", trainable: false)
        let w = Parameter(Tensor([1, 2], shape: [2]), path: "w")
        let (_, grads) = Tape.valueWithGradients {
            let t = w.read() * 2
            p.assignMovingAverage(t, momentum: 0.5)
            return t.sum()
        }
        expectClose(p.value, [1, 2], shape: [2])
        #expect(grads.map(\.0.path) == ["w"])
    }
}
