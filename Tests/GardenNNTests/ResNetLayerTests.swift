import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

@Suite("ResNet layers")
struct ResNetLayerTests {
    let initializer = Initializer(seed: 3)
    /// Tiny and odd: 7x5 images, 3 channels, batch 2.
    let x = TestInputs.uniform([2, 7, 5, 3], in: -1...1, stream: 70)

    @Test func conv2dContract() {
        let conv = Conv2D(
            name: "conv", inputChannels: 3, filters: 4, kernelSize: 3, stride: 2,
            kernelRegularizer: .l2(1e-4)
        ).initializeParameters(initializer)
        conv.bias?.value = TestInputs.uniform([4], stream: 71)
        #expect(conv.kernel.value.shape == [3, 3, 3, 4])
        #expect(conv.allRegularizers().count == 1)
        checkLayer(conv, input: x, outputShape: [2, 4, 3, 4], parameterPaths: ["kernel", "bias"]) {
            conv($0)
        }
    }

    @Test(arguments: [true, false])
    func batchNormContract(training: Bool) {
        let bn = BatchNorm(channels: 3)
        bn.gamma.value = TestInputs.uniform([3], in: 0.5...2, stream: 72)
        bn.beta.value = TestInputs.uniform([3], stream: 73)
        checkLayer(
            bn, input: x, outputShape: x.shape,
            parameterPaths: ["gamma", "beta", "moving_mean", "moving_variance"]
        ) { bn($0, ForwardContext(training: training)) }
    }

    /// One training pass moves the statistics by `(1 - momentum)` toward the batch mean and the
    /// UNBIASED batch variance (TensorFlow's `batch_variance`); inference uses and keeps them.
    @Test func batchNormTrainingUpdatesMovingStatisticsAndInferenceUsesThem() {
        let bn = BatchNorm(channels: 3, momentum: 0.9)
        #expect(
            bn.namedParameters().map(\.path) == ["gamma", "beta", "moving_mean", "moving_variance"])
        #expect(bn.namedParameters().map(\.parameter.trainable) == [true, true, false, false])
        let xs = x.floats.map(Double.init)
        let m = 2 * 7 * 5
        var mean = [Double](repeating: 0, count: 3), sq = mean
        for i in 0..<xs.count { mean[i % 3] += xs[i] / Double(m) }
        for i in 0..<xs.count { sq[i % 3] += (xs[i] - mean[i % 3]) * (xs[i] - mean[i % 3]) }
        let unbiased = sq.map { $0 / Double(m - 1) }

        _ = bn(x, ForwardContext(training: true))
        expectClose(bn.movingMean.value, mean.map { 0 - (0 - $0) * 0.1 }, shape: [3])
        expectClose(bn.movingVariance.value, unbiased.map { 1 - (1 - $0) * 0.1 }, shape: [3])

        let (mm, mv) = (bn.movingMean.value.floats, bn.movingVariance.value.floats)
        let y = bn(x, ForwardContext(training: false))
        #expect(bn.movingMean.value.floats == mm && bn.movingVariance.value.floats == mv)
        let expected = xs.enumerated().map { i, v in
            (v - Double(mm[i % 3])) / (Double(mv[i % 3]) + 1e-3).squareRoot()
        }
        expectClose(y, expected, shape: x.shape)
    }

    @Test func batchNormTracedForTrainingAssignsMovingStatistics() {
        let bn = BatchNorm(name: "bn", channels: 3)
        let root = Module(name: "m")
        root.addModule(bn)
        root.initializeParameters(initializer)
        let arg = TensorSpec(name: "inputs", dtype: .float32, shape: Shape([-1, -1, -1, 3]))
        let train = Tracer.trace(arguments: [arg]) {
            [("y", bn($0[0], ForwardContext(training: true)))]
        }
        let infer = Tracer.trace(arguments: [arg]) {
            [("y", bn($0[0], ForwardContext(training: false)))]
        }
        #expect(
            train.controlOutputs == [
                "bn/moving_mean/AssignSubVariableOp",
                "bn/moving_variance/AssignSubVariableOp",
            ])
        #expect(
            train.captures.map(\.path) == [
                "bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance",
            ])
        #expect(infer.controlOutputs.isEmpty)
        #expect(
            infer.nodes.filter { $0.op == "FusedBatchNormV3" }.map { $0.attrs["is_training"] }
                == [.bool(false)])
        // Tracing changes no value.
        #expect(bn.movingMean.value.floats == [0, 0, 0])
    }

    @Test func globalAveragePoolingMeansOverSpace() {
        let gap = GlobalAveragePooling(name: "reduce_mean")
        let ref = NaiveReference.mean(x.floats, shape: x.shape, axes: [1, 2], keepDims: false)
        expectClose(gap(x), ref.values, shape: [2, 3])
        checkLayer(gap, input: x, outputShape: [2, 3], parameterPaths: []) { gap($0) }
    }
}
