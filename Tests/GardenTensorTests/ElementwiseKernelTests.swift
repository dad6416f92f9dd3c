import Foundation
import GardenTensor
import GardenTestSupport
import Testing

/// A unary primitive and the Double function it approximates.
struct UnaryKernelCase: Sendable, CustomTestStringConvertible {
    var name: String
    var op: @Sendable (Tensor) -> Tensor
    var reference: @Sendable (Double) -> Double
    /// Log needs positive inputs; the rest take both signs (including exact zeros, see below).
    var positiveOnly = false
    var testDescription: String { name }
}

/// A broadcasting binary primitive and its Double counterpart.
struct BinaryKernelCase: Sendable, CustomTestStringConvertible {
    var name: String
    var op: @Sendable (Tensor, Tensor) -> Tensor
    var reference: @Sendable (Double, Double) -> Double
    var testDescription: String { name }
}

/// A pair of operand shapes that broadcast together.
struct ShapePair: Sendable, CustomTestStringConvertible {
    var a: [Int]
    var b: [Int]
    var testDescription: String { "\(a) with \(b)" }
}

@Suite("Elementwise kernels against naive references")
struct ElementwiseKernelTests {
    static let unary: [UnaryKernelCase] = [
        UnaryKernelCase(name: "neg", op: { -$0 }, reference: { -$0 }),
        UnaryKernelCase(name: "relu", op: { $0.relu() }, reference: { max($0, 0) }),
        UnaryKernelCase(
            name: "sign", op: { $0.sign() },
            reference: { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
        UnaryKernelCase(name: "abs", op: { $0.abs() }, reference: { Swift.abs($0) }),
        UnaryKernelCase(name: "exp", op: { $0.exp() }, reference: { Foundation.exp($0) }),
        UnaryKernelCase(
            name: "log", op: { $0.log() }, reference: { Foundation.log($0) },
            positiveOnly: true),
        UnaryKernelCase(name: "tanh", op: { $0.tanh() }, reference: { Foundation.tanh($0) }),
    ]

    @Test(arguments: unary)
    func unaryKernelMatchesReference(_ c: UnaryKernelCase) {
        var x = TestInputs.uniform(
            [3, 5], in: c.positiveOnly ? 0.1...3 : -3...3,
            stream: stableHash(c.name)
        ).floats
        // Exact zeros pin the conventions at the kink: relu(0) = 0, sign(0) = 0, abs(0) = 0.
        if !c.positiveOnly {
            x[0] = 0
            x[7] = -0.0
        }
        let y = c.op(Tensor(x, shape: [3, 5]))
        expectClose(
            y, x.map { c.reference(Double($0)) }, shape: [3, 5],
            absolute: 1e-6, relative: 1e-6)
    }

    static let binary: [BinaryKernelCase] = [
        BinaryKernelCase(name: "add", op: { $0 + $1 }, reference: { $0 + $1 }),
        BinaryKernelCase(name: "sub", op: { $0 - $1 }, reference: { $0 - $1 }),
        BinaryKernelCase(name: "mul", op: { $0 * $1 }, reference: { $0 * $1 }),
        BinaryKernelCase(name: "div", op: { $0 / $1 }, reference: { $0 / $1 }),
    ]

    /// Every kernel path: equal shapes, a scalar on either side, a trailing bias vector, an outer
    /// product, and the general strided walk with leading axes missing on either side.
    static let shapes: [ShapePair] = [
        ShapePair(a: [3, 5], b: [3, 5]),
        ShapePair(a: [3, 5], b: [5]),
        ShapePair(a: [5], b: [3, 5]),
        ShapePair(a: [3, 1], b: [1, 5]),
        ShapePair(a: [3, 5], b: []),
        ShapePair(a: [], b: [3, 5]),
        ShapePair(a: [1, 1], b: [5]),
        ShapePair(a: [2, 3, 4], b: [3, 1]),
        ShapePair(a: [3, 1], b: [2, 3, 4]),
        ShapePair(a: [2, 1, 4], b: [3, 1]),
        ShapePair(a: [1, 3, 5], b: [5]),
    ]

    @Test(arguments: binary, shapes)
    func binaryKernelBroadcastsLikeNumPy(_ c: BinaryKernelCase, _ s: ShapePair) {
        let a = TestInputs.uniform(s.a, in: -2...2, stream: 1)
        // Denominators away from zero keep the division reference well conditioned.
        let b = TestInputs.awayFromZero(s.b, magnitude: 0.5...2, stream: 2)
        let expected = NaiveReference.broadcast(a.floats, s.a, b.floats, s.b, c.reference)
        expectClose(
            c.op(a, b), expected.values, shape: expected.shape,
            absolute: 1e-6, relative: 1e-6)
    }

    @Test(arguments: shapes)
    func int32AdditionBroadcastsExactly(_ s: ShapePair) {
        let a = Tensor(int32: (0..<s.a.reduce(1, *)).map { Int32($0) }, shape: s.a)
        let b = Tensor(int32: (0..<s.b.reduce(1, *)).map { Int32(100 * $0) }, shape: s.b)
        let expected = NaiveReference.broadcast(
            a.int32s.map(Float.init), s.a, b.int32s.map(Float.init), s.b, +)
        let sum = a + b
        #expect(sum.dtype == .int32)
        #expect(sum.shape == expected.shape)
        #expect(sum.int32s == expected.values.map { Int32($0) })
    }
}
