import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

@Suite struct ModelNameTests {
    // Parameter names are API: checkpoint keys, HDF5 paths and SavedModel variable names.
    @Test func mlpParameterPathsAreStable() {
        let mlp = MLP(
            .init(
                inputSize: 5, hiddenSizes: [7, 3], numClasses: 2, dropoutRate: 0.1,
                kernelRegularizer: .l2(1e-4)), initializer: Initializer(seed: 1))
        #expect(
            mlp.parameters.map(\.path) == [
                "dense_0/kernel", "dense_0/bias", "dense_1/kernel", "dense_1/bias",
                "logits/kernel", "logits/bias",
            ])
        #expect(
            mlp.parameters.map { $0.parameter.value.shape } == [
                [5, 7], [7], [7, 3], [3], [3, 2], [2],
            ])
        #expect(
            mlp.root.allRegularizers().map(\.parameter.path) == [
                "dense_0/kernel", "dense_1/kernel", "logits/kernel",
            ])
    }

    @Test func mulHasOneVariableNamedV() {
        let m = MulModel(.init(initialValue: 2, regularization: 0.001))
        #expect(m.parameters.map(\.path) == ["v"])
        #expect(
            m.call(.leaf(Tensor([10, 20], shape: [2])), ForwardContext(training: false)).single
                .floats == [
                    20, 40,
                ])
        #expect(Swift.abs(m.root.regularizationLoss().scalar - 0.004) < 1e-7)
    }
}

@Suite struct ModelGradientTests {
    /// Tape gradients of a model's loss against central differences of the same loss, perturbing
    /// each parameter element in place.
    func expectLossGradientsMatch(_ model: Model, _ batch: Batch, step: Float = 1e-3) {
        let ctx = { ForwardContext(training: false) }
        let (_, grads) = Tape.valueWithGradients { model.loss(batch, ctx()).loss }
        #expect(grads.count == model.parameters.count)
        for (p, g) in grads {
            let base = p.value
            var worst = 0.0
            for i in 0..<base.count {
                var v = base.floats
                v[i] += step
                p.value = Tensor(v, shape: base.shape)
                let plus = Double(model.loss(batch, ctx()).loss.scalar)
                v[i] -= 2 * step
                p.value = Tensor(v, shape: base.shape)
                let minus = Double(model.loss(batch, ctx()).loss.scalar)
                p.value = base
                let numeric = (plus - minus) / (2 * Double(step))
                let analytic = Double(g.floats[i])
                worst = max(worst, Swift.abs(numeric - analytic) / max(1, Swift.abs(numeric)))
            }
            #expect(worst < 2e-2, "\(p.path): worst relative gradient error \(worst)")
        }
    }

    @Test func mlpLossGradientMatchesFiniteDifferences() {
        let mlp = MLP(
            .init(
                inputSize: 3, hiddenSizes: [4], numClasses: 3, dropoutRate: 0,
                kernelRegularizer: .l2(0.01)), initializer: Initializer(seed: 2))
        let x = TestInputs.uniform([5, 3], stream: 11)
        let y = TestInputs.labels(count: 5, classes: 3, stream: 12)
        expectLossGradientsMatch(mlp, Batch(inputs: [x], targets: y))
    }

    @Test func mulLossGradientMatchesFiniteDifferences() {
        let m = MulModel(.init(initialValue: 1.5, regularization: 0.001))
        let x = TestInputs.uniform([6], stream: 13)
        expectLossGradientsMatch(m, Batch(inputs: [x], targets: x * 3))
    }
}
