import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

/// Tape gradients of the scalar `loss` with respect to each trainable parameter in
/// `parameters`, against central differences that perturb each element in place (a layer reads
/// its own parameters, so they cannot be passed in as inputs).
func expectParameterGradientsMatch(
    _ parameters: [Parameter], step: Float = 1e-3, tolerance: Double = 2e-2,
    sourceLocation: SourceLocation = #_sourceLocation, loss: () -> Tensor
) {
    let (_, grads) = Tape.valueWithGradients(loss)
    for p in parameters where p.trainable {
        let g = grads.first { $0.0 === p }?.1 ?? Tensor.zeros(p.value.shape)
        let base = p.value
        var worst = 0.0
        for i in 0..<base.count {
            var v = base.floats
            v[i] += step
            p.value = Tensor(v, shape: base.shape)
            let plus = Double(loss().scalar)
            v[i] -= 2 * step
            p.value = Tensor(v, shape: base.shape)
            let minus = Double(loss().scalar)
            p.value = base
            let numeric = (plus - minus) / (2 * Double(step))
            let error = Swift.abs(numeric - Double(g.floats[i])) / max(1, Swift.abs(numeric))
            worst = max(worst, error)
        }
        #expect(
            worst < tolerance, "\(p.path): worst relative gradient error \(worst)",
            sourceLocation: sourceLocation)
    }
}

/// `expectParameterGradientsMatch` for `sum(f(x) * r)` with a fixed random `r`, over `x` and the
/// layer's `parameters`.
func expectLayerGradientsMatch(
    _ parameters: [Parameter], input: Tensor, tolerance: Double = 2e-2,
    sourceLocation: SourceLocation = #_sourceLocation, _ f: (Tensor) -> Tensor
) {
    let x = Parameter(input, path: "x")
    let outShape = f(input).shape
    let r = Philox(seed: TestInputs.seed, stream: 0x1A7E).normal(count: outShape.reduce(1, *))
    expectParameterGradientsMatch(
        [x] + parameters, tolerance: tolerance,
        sourceLocation: sourceLocation
    ) {
        (f(x.read()) * Tensor(r, shape: outShape)).sum()
    }
}

@Suite("ResNet layers")
struct ResNetLayerTests {
    let initializer = Initializer(seed: 3)
    /// Tiny and odd: 7x5 images, 3 channels, batch 2.
    let x = TestInputs.uniform([2, 7, 5, 3], in: -1...1, stream: 70)

    @Test func conv2dLayerShapesAndGradients() {
        let conv = Conv2D(
            name: "conv", inputChannels: 3, filters: 4, kernelSize: 3, stride: 2,
            kernelRegularizer: .l2(1e-4)
        ).initializeParameters(initializer)
        conv.bias?.value = TestInputs.uniform([4], stream: 71)
        #expect(conv.namedParameters().map(\.path) == ["kernel", "bias"])
        #expect(conv.kernel.value.shape == [3, 3, 3, 4])
        #expect(conv(x).shape == [2, 4, 3, 4])
        #expect(conv.allRegularizers().count == 1)
        expectLayerGradientsMatch(conv.namedParameters().map(\.parameter), input: x) { conv($0) }
    }

    @Test func convKernelsWithTheSameLocalNameDifferByTheirPlaceInTheTree() {
        let root = Module(name: "resnet")
        let a = root.addModule(ResidualBlock(name: "block", inputChannels: 3, filters: 3))
        let stage2 = root.addModule(Module(name: "stage2"))
        let b = stage2.addModule(ResidualBlock(name: "block", inputChannels: 3, filters: 3))
        root.initializeParameters(initializer)
        #expect(a.conv1.kernel.path == "block/conv1/kernel")
        #expect(b.conv1.kernel.path == "stage2/block/conv1/kernel")
        #expect(a.conv1.kernel.value.floats != b.conv1.kernel.value.floats)
    }

    @Test func batchNormTrainingGradientsFlowThroughBatchStatistics() {
        let bn = BatchNorm(channels: 3)
        bn.gamma.value = TestInputs.uniform([3], in: 0.5...2, stream: 72)
        bn.beta.value = TestInputs.uniform([3], stream: 73)
        expectLayerGradientsMatch(bn.namedParameters().map(\.parameter), input: x) {
            bn($0, ForwardContext(training: true))
        }
        expectLayerGradientsMatch(bn.namedParameters().map(\.parameter), input: x) {
            bn($0, ForwardContext(training: false))
        }
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

    @Test(arguments: [(1, 3), (2, 4), (1, 4)])
    func residualBlockShapesNamesAndGradients(stride: Int, filters: Int) {
        let block = ResidualBlock(
            inputChannels: 3, filters: filters, stride: stride, kernelRegularizer: .l2(1e-4))
        // Under `stage/`, so the kernels are the draws of `stage/block/...`, as before names
        // came from the tree (the Float32 gradient check is tuned to these values).
        let root = Module(name: "root")
        root.addModule(Module(name: "stage")).addModule(block)
        root.initializeParameters(initializer)
        let projects = stride != 1 || filters != 3
        let bnNames = ["gamma", "beta", "moving_mean", "moving_variance"]
        let expected =
            ["conv1/kernel"] + bnNames.map { "bn1/" + $0 } + ["conv2/kernel"]
            + bnNames.map { "bn2/" + $0 }
            + (projects ? ["shortcut_conv/kernel"] + bnNames.map { "shortcut_bn/" + $0 } : [])
        #expect(block.namedParameters().map(\.path) == expected)
        #expect(block.allRegularizers().count == (projects ? 3 : 2))
        let ctx = ForwardContext(training: true)
        #expect(block(x, ctx).shape == [2, stride == 1 ? 7 : 4, stride == 1 ? 5 : 3, filters])
        // The final ReLU sees ~70 pre-activations per channel near 0 (batch-normalized), so a
        // 1e-3 step can cross a kink for one of them: about 1/70 relative error, well below the
        // order-1 error of a wrong vjp.
        expectLayerGradientsMatch(
            block.namedParameters().map(\.parameter), input: x,
            tolerance: 5e-2
        ) { block($0, ctx) }
    }

    @Test func globalAveragePoolingMeansOverSpace() {
        let gap = GlobalAveragePooling(name: "reduce_mean")
        let ref = NaiveReference.mean(x.floats, shape: x.shape, axes: [1, 2], keepDims: false)
        expectClose(gap(x), ref.values, shape: [2, 3])
        expectLayerGradientsMatch([], input: x) { gap($0) }
    }
}
