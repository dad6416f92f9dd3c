import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

@Suite struct MLPModelTests {
    // Parameter names are API: checkpoint keys, HDF5 paths and SavedModel variable names.
    @Test func mlpContract() {
        let mlp = MLP(
            .init(
                inputSize: 3, hiddenSizes: [4, 2], numClasses: 3, dropoutRate: 0,
                kernelRegularizer: .l2(0.01)), initializer: Initializer(seed: 2))
        let x = TestInputs.uniform([5, 3], stream: 11)
        let y = TestInputs.labels(count: 5, classes: 3, stream: 12)
        // Biases start at 0, so an example whose hidden units are all off reaches the next ReLU
        // at exactly 0, its kink: the check runs at biases away from 0 instead. Other hidden
        // pre-activations cannot be kept from the kink, hence `.throughReLU`.
        for (path, p) in mlp.parameters where path.hasSuffix("bias") {
            p.value = TestInputs.awayFromZero(p.value.shape, stream: 13 + UInt64(p.value.count))
        }
        // Cross-entropy plus the kernels' L2, as classification trains it.
        checkModel(
            mlp, inputs: [x], outputShapes: [[5, 3]],
            parameterPaths: [
                "dense_0/kernel", "dense_0/bias", "dense_1/kernel", "dense_1/bias",
                "logits/kernel", "logits/bias",
            ],
            gradient: .throughReLU
        ) {
            mlp.call(leaves: [x], $0).single.softmaxCrossEntropy(labels: y).mean()
                + mlp.root.regularizationLoss()
        }
    }

    @Test func mlpShapesAndRegularizers() {
        let mlp = MLP(
            .init(
                inputSize: 5, hiddenSizes: [7, 3], numClasses: 2, dropoutRate: 0.1,
                kernelRegularizer: .l2(1e-4)), initializer: Initializer(seed: 1))
        #expect(
            mlp.parameters.map { $0.parameter.value.shape } == [
                [5, 7], [7], [7, 3], [3], [3, 2], [2],
            ])
        #expect(
            mlp.root.allRegularizers().map(\.parameter.path) == [
                "dense_0/kernel", "dense_1/kernel", "logits/kernel",
            ])
    }
}

@Suite struct MulModelTests {
    @Test func mulContract() {
        let m = MulModel(.init(initialValue: 1.5, regularization: 0.001))
        let x = TestInputs.uniform([6], stream: 13)
        // Squared error plus `0.001 * v²`, as the mul task trains it.
        checkModel(m, inputs: [x], outputShapes: [[6]], parameterPaths: ["v"]) {
            let d = m.call(leaves: [x], $0).single - x * 3
            return (d * d).mean() + m.root.regularizationLoss()
        }
    }

    @Test func mulMultipliesByVAndRegularizesIt() {
        let m = MulModel(.init(initialValue: 2, regularization: 0.001))
        #expect(
            m.call(.leaf(Tensor([10, 20], shape: [2])), ForwardContext(training: false)).single
                .floats == [
                    20, 40,
                ])
        #expect(Swift.abs(m.root.regularizationLoss().scalar - 0.004) < 1e-7)
    }
}
