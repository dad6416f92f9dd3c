import Foundation
import GardenTensor
import GardenTestSupport
import Testing

@Suite("Softmax, Erf, Rsqrt")
struct SoftmaxTests {
    @Test func softmaxRowsAreExpOverSumAndSurviveLargeLogits() {
        // A +1000 shift overflows a naive exp in Float; the max-shifted kernel must not care.
        let x = TestInputs.uniform([2, 3, 5], in: -3...3, stream: 230) + 1000
        let v = x.floats
        var expected: [Double] = []
        for r in 0..<6 {
            let row = (0..<5).map { Double(v[r * 5 + $0]) - 1000 }
            let s = row.map { Foundation.exp($0) }.reduce(0, +)
            expected += row.map { Foundation.exp($0) / s }
        }
        expectClose(x.softmax(), expected, shape: [2, 3, 5], absolute: 1e-3, relative: 1e-3)
    }

    @Test func erfAndRsqrtMatchDoubleLibm() {
        let x = TestInputs.uniform([3, 5], in: -2...2, stream: 231)
        expectClose(x.erf(), x.floats.map { Foundation.erf(Double($0)) }, shape: [3, 5])
        let p = TestInputs.uniform([3, 5], in: 0.1...4, stream: 232)
        expectClose(p.rsqrt(), p.floats.map { 1 / Double($0).squareRoot() }, shape: [3, 5])
    }

    @Test func vjpsMatchFiniteDifferences() {
        checkGradients(
            of: { $0[0].softmax() }, at: [TestInputs.uniform([2, 3, 5], in: -2...2, stream: 233)])
        checkGradients(
            of: { $0[0].erf() }, at: [TestInputs.uniform([3, 5], in: -2...2, stream: 234)])
        checkGradients(
            of: { $0[0].rsqrt() }, at: [TestInputs.uniform([3, 5], in: 0.5...2, stream: 235)])
    }

    @Test func lowerToSoftmaxErfRsqrtWithTheirOutputNames() {
        let f = Tracer.trace(arguments: [
            TensorSpec(name: "x", dtype: .float32, shape: Shape([-1, -1, 4]))
        ]) { x in [("s", x[0].softmax()), ("e", x[0].erf()), ("r", x[0].rsqrt())] }
        let identities = f.nodes.filter { $0.op == "Identity" }.map(\.inputs[0])
        #expect(
            identities == [
                .output(node: "Softmax", outputArg: "softmax", index: 0),
                .output(node: "Erf", outputArg: "y", index: 0),
                .output(node: "Rsqrt", outputArg: "y", index: 0),
            ])
        #expect(f.outputs.allSatisfy { $0.shape == Shape([-1, -1, 4]) })
    }
}
