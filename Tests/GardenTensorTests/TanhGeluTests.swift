import Foundation
import GardenTensor
import GardenTestSupport
import Testing

/// GELU's tanh approximation (Model Garden's `gelu`): values against TensorFlow's, the vjp
/// against finite differences, and the lowering against the ops TF traces.
@Suite("GELU, tanh approximation")
struct TanhGeluTests {
    static let grid: [Float] = [
        -6.0, -5.75, -5.5, -5.25, -5.0, -4.75, -4.5, -4.25, -4.0, -3.75, -3.5, -3.25, -3.0, -2.75,
        -2.5, -2.25, -2.0, -1.75, -1.5, -1.25, -1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0,
        1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 3.25, 3.5, 3.75, 4.0, 4.25, 4.5, 4.75, 5.0,
        5.25, 5.5, 5.75, 6.0, -10.0, -7.5, -0.001, 0.001, 0.1, 7.5, 10.0,
    ]
    /// `tf_keras.activations.gelu(grid, approximate=True)` in TensorFlow 2.21 (CPU, float32),
    /// printed with NumPy's shortest round-trip repr. TF's tanh saturates to ±1 a little
    /// earlier than libm's, hence its exact zeros below -5.
    static let tensorFlow: [Float] = [
        -0.0, -0.0, -0.0, -0.0, -0.0, -9.909272e-07, -4.9620867e-06, -2.026558e-05, -7.021427e-05,
        -0.00021927059, -0.0006162524, -0.0015687048, -0.003637433, -0.00772316, -0.015084222,
        -0.027201287, -0.04540223, -0.07020469, -0.10042843, -0.13228577, -0.158808, -0.17003945,
        -0.154286, -0.100324646, 0.0, 0.14967535, 0.345714, 0.5799606, 0.841192, 1.1177142,
        1.3995715, 1.6797953, 1.9545977, 2.2227986, 2.4849157, 2.7422767, 2.9963627, 3.2484312,
        3.4993837, 3.7497807, 3.99993, 4.24998, 4.499995, 4.749999, 5.0, 5.25, 5.5, 5.75, 6.0,
        -0.0, -0.0, -0.00049960107, 0.000500399, 0.053982753, 7.5, 10.0,
    ]

    @Test func valuesEqualTensorFlowsOnAGrid() {
        let y = Tensor(Self.grid, shape: [Self.grid.count]).tanhGelu()
        for (i, (ours, theirs)) in zip(y.floats, Self.tensorFlow).enumerated() {
            #expect(
                Swift.abs(ours - theirs) <= 1e-6 + 1e-6 * Swift.abs(theirs),
                "x = \(Self.grid[i]): \(ours) vs TensorFlow's \(theirs)")
        }
    }

    @Test func valuesEqualTheFormulaInDouble() {
        let x = TestInputs.uniform([4, 7], in: -5...5, stream: 700)
        let expected = x.floats.map { v -> Double in
            let d = Double(v)
            return 0.5 * d
                * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d)))
        }
        expectClose(x.tanhGelu(), expected, shape: [4, 7])
    }

    @Test func differsFromTheExactFormByTheApproximationError() {
        // The two are different functions: at x = -1.5 they differ by about 1.6e-4.
        let x = Tensor([-1.5], shape: [1])
        #expect(Swift.abs(x.tanhGelu().floats[0] - x.gelu().floats[0]) > 1e-4)
    }

    @Test func gradientsMatchFiniteDifferences() {
        checkGradients(
            of: { $0[0].tanhGelu() }, at: [TestInputs.uniform([3, 5], in: -4...4, stream: 701)])
        checkGradients(
            of: { $0[0].tanhGelu() }, at: [TestInputs.uniform([2, 9], in: -2...2, stream: 702)],
            options: GradientCheckOptions(step: 1e-2, absolute: 1e-3, relative: 1e-3))
    }

    @Test func lowersToTheOpsTensorFlowTraces() {
        let f = Tracer.trace(arguments: [
            TensorSpec(name: "x", dtype: .float32, shape: Shape([-1, -1, 4]))
        ]) { x in [("y", x[0].tanhGelu())] }
        // `tf.nn.gelu(x, approximate=True)` traced by TF 2.21, in its node order.
        #expect(
            f.nodes.map(\.op) == [
                "Const", "Mul", "Const", "Pow", "Const", "Mul", "AddV2", "Const", "Mul", "Tanh",
                "Const", "AddV2", "Mul", "Identity",
            ])
        #expect(f.nodes.dropLast().allSatisfy { $0.name.hasPrefix("Gelu/") })
        #expect(f.outputs[0].shape == Shape([-1, -1, 4]))
    }
}
