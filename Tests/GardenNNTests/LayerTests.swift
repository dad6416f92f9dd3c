import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

@Suite struct DenseTests {
    let initializer = Initializer(seed: 7)

    @Test func forwardIsMatmulPlusBiasThenActivation() {
        let dense = Dense(name: "d", inputSize: 3, units: 2, activation: .relu)
            .initializeParameters(initializer)
        dense.bias?.value = Tensor([0.5, -4], shape: [2])
        let x = TestInputs.uniform([5, 3], stream: 1)
        let y = dense(x).floats
        let w = dense.kernel.value.floats, xv = x.floats
        for i in 0..<5 {
            for j in 0..<2 {
                var s: Float = j == 0 ? 0.5 : -4
                for k in 0..<3 { s += xv[i * 3 + k] * w[k * 2 + j] }
                #expect(Swift.abs(y[i * 2 + j] - max(s, 0)) < 1e-5)
            }
        }
    }

    @Test(arguments: [Dense.Activation.linear, .tanh, .gelu, .geluExact])
    func layerContract(_ activation: Dense.Activation) {
        let dense = Dense(
            name: "d", inputSize: 3, units: 5, activation: activation
        ).initializeParameters(initializer)
        dense.bias?.value = TestInputs.uniform([5], stream: 4)
        checkLayer(
            dense, input: TestInputs.uniform([4, 3], stream: 2), outputShape: [4, 5],
            parameterPaths: ["kernel", "bias"]
        ) { dense($0) }
    }

    @Test func rank3InputsUseTheSameKernelForEveryPosition() {
        let dense = Dense(name: "d", inputSize: 3, units: 2).initializeParameters(initializer)
        checkLayer(
            dense, input: TestInputs.uniform([2, 4, 3], stream: 5), outputShape: [2, 4, 2],
            parameterPaths: ["kernel", "bias"]
        ) { dense($0) }
    }

    @Test func tracedOnRank3InputsItIsOneMatMulOfTheRows() {
        // TensorFlow runs `[B·S, H]·[H, N]` as one MatMul faster than a BatchMatMulV2 that
        // broadcasts the kernel; the leading axes come back from the input's run-time shape.
        let dense = Dense(name: "d", inputSize: 3, units: 2).initializeParameters(initializer)
        let f = Tracer.trace(arguments: [
            TensorSpec(name: "x", dtype: .float32, shape: Shape([-1, -1, 3]))
        ]) { x in [("y", dense(x[0]))] }
        let ops = f.nodes.map(\.op).filter { $0 != "Const" }
        #expect(
            ops == [
                "ReadVariableOp", "ReadVariableOp", "Reshape", "MatMul", "Shape", "StridedSlice",
                "ConcatV2", "Reshape", "AddV2", "Identity",
            ])
        #expect(f.outputs[0].shape == Shape([-1, -1, 2]))
    }

    @Test func glorotUniformStaysWithinItsLimitAndIsSeeded() {
        let t = initializer.glorotUniform([30, 20], stream: "a/kernel")
        let limit = (6.0 / 50.0).squareRoot()
        #expect(t.floats.allSatisfy { Swift.abs(Double($0)) <= limit })
        #expect(
            t.floats == Initializer(seed: 7).glorotUniform([30, 20], stream: "a/kernel").floats)
        #expect(
            t.floats != Initializer(seed: 8).glorotUniform([30, 20], stream: "a/kernel").floats)
        #expect(t.floats != initializer.glorotUniform([30, 20], stream: "b/kernel").floats)
    }
}

@Suite struct RegularizerTests {
    @Test func l1l2MatchesKerasFormula() {
        let w = Tensor([1, -2, 3], shape: [3])
        #expect(Regularizer.l2(0.1).loss(w).scalar == 0.1 * 14)
        #expect(Regularizer.l1(0.5).loss(w).scalar == 0.5 * 6)
        #expect(Regularizer(l1: 0.5, l2: 0.1).loss(w).scalar == 3 + 1.4)
    }

    @Test func regularizationGradientMatchesFiniteDifferences() {
        let w = TestInputs.awayFromZero([3, 4], stream: 9)
        checkGradients(of: { v in Regularizer(l1: 0.01, l2: 0.1).loss(v[0]) }, at: [w])
    }
}

@Suite struct DropoutLayerTests {
    @Test func inactiveAtInferenceAndActiveInTraining() {
        let drop = Dropout(rate: 0.5)
        let x = Tensor.ones([64])
        #expect(drop(x, ForwardContext(training: false)).floats == x.floats)
        let y = drop(x, ForwardContext(training: true, seed: 1, step: 1)).floats
        #expect(Set(y) == [0, 2])
    }

    @Test func masksDependOnlyOnSeedAndStep() {
        let drop = Dropout(rate: 0.3)
        let x = Tensor.ones([256])
        let a = drop(x, ForwardContext(training: true, seed: 3, step: 5)).floats
        let b = drop(x, ForwardContext(training: true, seed: 3, step: 5)).floats
        let c = drop(x, ForwardContext(training: true, seed: 3, step: 6)).floats
        #expect(a == b)
        #expect(a != c)
    }
}
