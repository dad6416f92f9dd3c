import GardenTestSupport
import Testing

@testable import GardenTensor

@Suite("Tape")
struct TapeTests {
    @Test func parameterReadTwiceGetsTheSumOfBothPaths() {
        let w = Parameter(TestInputs.uniform([3, 5], stream: 60), path: "w")
        // d/dw sum(w * 2 + w * 3) = 5 everywhere, only if both reads reach the same gradient.
        let (_, grads) = Tape.valueWithGradients { (w.read() * 2 + w.read() * 3).sum() }
        #expect(grads.count == 1)
        #expect(grads.first?.0 === w)
        expectClose(grads[0].1, [Double](repeating: 5, count: 15), shape: [3, 5])
    }

    @Test func gradientsListParametersInFirstReadOrder() {
        let a = Parameter(Tensor(2), path: "a")
        let b = Parameter(Tensor(3), path: "b")
        let (value, grads) = Tape.valueWithGradients { b.read() * a.read() + b.read() }
        #expect(value.scalar == 9)
        #expect(grads.map(\.0.path) == ["b", "a"])
        #expect(grads.map(\.1.scalar) == [3, 3])
    }

    @Test func unreadAndFrozenParametersGetNoGradient() {
        let used = Parameter(Tensor(2), path: "used")
        let unused = Parameter(Tensor(1), path: "unused")
        let frozen = Parameter(Tensor(4), path: "frozen", trainable: false)
        let (_, grads) = Tape.valueWithGradients { used.read() * frozen.read() }
        _ = unused
        #expect(grads.map(\.0.path) == ["used"])
        #expect(grads[0].1.scalar == 4)
    }

    @Test func detachedValuesStopGradients() {
        let w = Parameter(Tensor(3), path: "w")
        let (value, grads) = Tape.valueWithGradients { w.read() * w.read().detached }
        #expect(value.scalar == 9)
        #expect(grads[0].1.scalar == 3)
    }

    @Test func modeIsRestoredAfterTheBody() {
        let w = Parameter(Tensor(3), path: "w")
        _ = Tape.valueWithGradients { w.read() * 2 }
        // Outside the tape a read is the plain value again, and ops record nothing.
        let (_, grads) = Tape.valueWithGradients { Tensor(1) + w.value }
        #expect(grads.isEmpty)
    }

    /// The tape asks a vjp only for the gradients of inputs on it: a product or convolution of a
    /// constant (the data) and a parameter computes the parameter's gradient alone, with the
    /// same bits as when both inputs are taped.
    /// The vjps of sums and differences compute only the gradients the tape needs.
    @Test func sumsAndDifferencesSkipTheGradientOfAConstantTerm() {
        let a = TestInputs.uniform([3, 4, 5], stream: 73)
        let b = TestInputs.uniform([1, 1, 5], stream: 74)
        let g = TestInputs.uniform([3, 4, 5], stream: 75)
        for primitive in [Add() as Primitive, Sub()] {
            let y = primitive.forward([a, b])
            let first = primitive.vjp([a, b], y, g, needed: [true, false])
            #expect(first[1] == nil && first[0]?.floats == g.floats, "\(primitive.name)")
            let second = primitive.vjp([a, b], y, g, needed: [false, true])
            #expect(second[0] == nil && second[1]?.shape == [1, 1, 5], "\(primitive.name)")
        }
    }

    @Test func constantInputsOfProductsConvolutionsSumsAndDifferencesAreNotDifferentiated() {
        let probe = NeededProbe()
        let w = Parameter(TestInputs.uniform([4], stream: 61), path: "w")
        let c = TestInputs.uniform([4], stream: 62)
        _ = Tape.valueWithGradients { apply(probe, [c, w.read()]).sum() }
        _ = Tape.valueWithGradients { apply(probe, [w.read(), w.read()]).sum() }
        #expect(probe.calls.values == [[false, true], [true, true]])

        let x = TestInputs.uniform([6, 9, 9, 3], stream: 63)
        let filter = TestInputs.uniform([3, 3, 3, 8], stream: 64)
        let cases: [(Tensor, Tensor, (Tensor, Tensor) -> Tensor)] = [
            (x, filter, { $0.conv2d($1, stride: 2) }),
            (x, filter, { $0.conv2d($1, stride: 1) }),
            (
                TestInputs.uniform([6, 11], stream: 65), TestInputs.uniform([11, 5], stream: 66),
                { $0.matmul($1) }
            ),
            // Sums and differences with a broadcast constant (attention's mask bias).
            (
                TestInputs.uniform([3, 1, 5], stream: 67),
                TestInputs.uniform([3, 4, 5], stream: 68), { $0 + $1 }
            ),
            (
                TestInputs.uniform([3, 4, 5], stream: 69), TestInputs.uniform([5], stream: 70),
                { $1 - $0 }
            ),
            (
                TestInputs.uniform([1, 5], stream: 71), TestInputs.uniform([3, 4, 5], stream: 72),
                { $1 - $0 }
            ),
        ]
        for (input, parameter, f) in cases {
            let p = Parameter(parameter, path: "p")
            let both = Parameter(input, path: "input")
            let (_, alone) = Tape.valueWithGradients { (f(input, p.read()) * 0.5).sum() }
            let (_, taped) = Tape.valueWithGradients { (f(both.read(), p.read()) * 0.5).sum() }
            #expect(alone.map(\.0.path) == ["p"])
            #expect(alone[0].1.floats == taped.first { $0.0 === p }?.1.floats)
        }
    }
}

/// Doubles its input; recomputes its output for a later vjp, counting the recomputations.
private struct RecomputedDoubling: Primitive {
    final class Count { var recomputations = 0 }
    let count: Count
    /// Whether its own vjp keeps the input (as GELU's does; dropout's does not).
    let readsInput: Bool
    var recomputes = true
    var name: String { "recomputed_doubling" }
    func outputType(_ t: [TensorType]) -> TensorType { t[0] }
    func forward(_ x: [Tensor]) -> Tensor { Tensor(x[0].floats.map { $0 * 2 }, shape: x[0].shape) }
    var recomputesOutput: Bool { recomputes }
    func recompute(_ x: [Tensor]) -> Tensor {
        count.recomputations += 1
        return forward(x)
    }
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { readsInput }
    var vjpReadsOutput: Bool { false }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g * 2] }
    func lower(_ tracer: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        preconditionFailure("not traced")
    }
}

@Suite("Tape recomputation")
struct TapeRecomputationTests {
    /// `input → doubling → matmul(w)`: w's gradient reads the doubled values, and the count of
    /// recomputations they took.
    func weightGradient(
        _ input: (Parameter) -> Tensor, rows: Int, readsInput: Bool, recomputes: Bool = true
    ) -> (gradient: [Float], recomputations: Int) {
        let x = Parameter(TestInputs.uniform([rows, 1024], stream: 71), path: "x")
        let w = Parameter(TestInputs.uniform([1024, 1], stream: 72), path: "w")
        let doubling = RecomputedDoubling(
            count: .init(), readsInput: readsInput, recomputes: recomputes)
        let (_, gradients) = Tape.valueWithGradients {
            apply(doubling, [input(x)]).matmul(w.read()).sum()
        }
        let gradient = gradients.first { $0.0 === w }?.1.floats ?? []
        return (gradient, doubling.count.recomputations)
    }

    @Test func largeOutputsAreRecomputedForTheVJPThatReadsThemWithTheSameValues() {
        // 2048 × 1024 elements: 8 MiB, at the size where recomputing starts.
        let read: (Parameter) -> Tensor = { $0.read() }
        let kept = weightGradient(read, rows: 2048, readsInput: true, recomputes: false)
        let recomputed = weightGradient(read, rows: 2048, readsInput: true)
        #expect(kept.recomputations == 0 && recomputed.recomputations == 1)
        #expect(recomputed.gradient == kept.gradient)
        // A parameter's value is alive anyway: recomputing from it keeps nothing more.
        #expect(weightGradient(read, rows: 2048, readsInput: false).recomputations == 1)
    }

    @Test func aRecomputedInputIsRecomputedForTheRecomputationToo() {
        // doubling(doubling(x)), neither vjp reading its input: the outer output is recomputed
        // from the inner one recomputed from x (a parameter), nothing kept in between.
        func twice(_ recomputes: Bool) -> ([Float], Int) {
            let inner = RecomputedDoubling(count: .init(), readsInput: false)
            let (gradient, outer) = weightGradient(
                { apply(inner, [$0.read()]) }, rows: 2048, readsInput: false,
                recomputes: recomputes)
            return (gradient, outer + inner.count.recomputations)
        }
        let (kept, none) = twice(false), (recomputed, both) = twice(true)
        #expect(none == 0 && both == 2)
        #expect(recomputed == kept)
    }

    @Test func anOutputTwoVJPsReadIsRecomputedOnce() {
        let x = Parameter(TestInputs.uniform([2048, 1024], stream: 73), path: "x")
        let w = Parameter(TestInputs.uniform([1024, 1], stream: 74), path: "w")
        let v = Parameter(TestInputs.uniform([1024, 1], stream: 75), path: "v")
        let doubling = RecomputedDoubling(count: .init(), readsInput: false)
        let (_, gradients) = Tape.valueWithGradients {
            let y = apply(doubling, [x.read()])
            return (y.matmul(w.read()) + y.matmul(v.read())).sum()
        }
        #expect(doubling.count.recomputations == 1)
        // Both products got the doubled values: each weight's gradient is 2·x summed over rows.
        let columnSums = (0..<1024).map { c in
            (0..<2048).reduce(Float(0)) { $0 + 2 * x.value.floats[$1 * 1024 + c] }
        }
        for p in [w, v] {
            let g = gradients.first { $0.0 === p }?.1.floats ?? []
            #expect(g.count == 1024)
            #expect(zip(g, columnSums).allSatisfy { abs($0 - $1) <= 1e-3 * max(1, abs($1)) })
        }
    }

    @Test func smallOutputsAndInputsOnlyTheRecomputationWouldKeepAreNotRecomputed() {
        #expect(weightGradient({ $0.read() }, rows: 8, readsInput: true).recomputations == 0)
        // The product's output is kept by no vjp and not recomputed: holding it to recompute
        // from would keep it alive.
        let scaled: (Parameter) -> Tensor = { $0.read() * 3 }
        #expect(weightGradient(scaled, rows: 2048, readsInput: false).recomputations == 0)
        #expect(weightGradient(scaled, rows: 2048, readsInput: true).recomputations == 1)
    }
}

@Suite("Gradient check harness")
struct GradientCheckHarnessTests {
    /// x² with a vjp that forgets the factor 2, to prove the harness catches a wrong rule.
    struct SquareWithWrongVJP: Primitive {
        var name: String { "square_with_wrong_vjp" }
        func outputType(_ t: [TensorType]) -> TensorType { t[0] }
        func forward(_ x: [Tensor]) -> Tensor {
            Tensor(x[0].floats.map { $0 * $0 }, shape: x[0].shape)
        }
        func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g * x[0]] }
        func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef { x[0] }
    }

    @Test func reportsAWrongVJPElementByElement() {
        let x = TestInputs.awayFromZero([3, 5], stream: 70)
        let report = gradientCheck(of: { apply(SquareWithWrongVJP(), [$0[0]]) }, at: [x])
        #expect(!report.passed)
        #expect(report.mismatches.count == 15)
        #expect(report.mismatches.first?.index == [0, 0])
    }

    @Test func passesTheSameFunctionWithTheRightVJP() {
        let x = TestInputs.awayFromZero([3, 5], stream: 70)
        let report = gradientCheck(of: { $0[0] * $0[0] }, at: [x])
        #expect(report.passed, "\(report)")
        #expect(report.checkedElements == 15)
    }

    @Test func treatsAnInputTheFunctionIgnoresAsZeroGradient() {
        let report = gradientCheck(
            of: { $0[0].exp() },
            at: [
                TestInputs.uniform([3], stream: 71), TestInputs.uniform([2], stream: 72),
            ])
        #expect(report.passed, "\(report)")
        #expect(report.checkedElements == 5)
    }

    @Test func skipsInt32Inputs() {
        let report = gradientCheck(
            of: { $0[0].softmaxCrossEntropy(labels: $0[1]) },
            at: [
                TestInputs.uniform([2, 3], stream: 73), Tensor(int32: [2, 0], shape: [2]),
            ])
        #expect(report.passed, "\(report)")
        #expect(report.checkedElements == 6)
    }
}

/// A primitive that records which of its inputs the tape asked gradients for.
private final class NeededProbe: Primitive, @unchecked Sendable {
    var calls = Calls()
    struct Calls { var values: [[Bool]] = [] }
    var name: String { "needed_probe" }
    func outputType(_ t: [TensorType]) -> TensorType { t[0] }
    func forward(_ x: [Tensor]) -> Tensor { x[0] * x[1] }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        vjp(x, y, g, needed: [true, true])
    }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, needed: [Bool]) -> [Tensor?] {
        calls.values.append(needed)
        return [g * x[1], g * x[0]]
    }
    func lower(_ tracer: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        preconditionFailure("not traced")
    }

    /// A primitive that says its vjp reads input 0 but neither input 1 nor its output, and
    /// records what its vjp was given.
    struct ReadsFirstInputOnly: Primitive {
        final class Seen { var descriptions: [String] = [] }
        let seen: Seen
        var name: String { "reads_first_input_only" }
        func outputType(_ inputs: [TensorType]) -> TensorType { inputs[0] }
        func forward(_ x: [Tensor]) -> Tensor {
            Tensor(zip(x[0].floats, x[1].floats).map { $0 + $1 }, shape: x[0].shape)
        }
        func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { index == 0 }
        var vjpReadsOutput: Bool { false }
        func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
            seen.descriptions = (x + [y]).map(\.description)
            return [g, g]
        }
        func lower(_ tracer: Tracer, _ inputs: [GraphRef], _ types: [TensorType]) -> GraphRef {
            fatalError("not traced")
        }
    }

    @Test func theTapeKeepsOnlyWhatAVjpReads() {
        let seen = ReadsFirstInputOnly.Seen()
        let a = Parameter(Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]), path: "a")
        let b = Parameter(Tensor([6, 5, 4, 3, 2, 1], shape: [2, 3]), path: "b")
        let (value, grads) = Tape.valueWithGradients {
            apply(ReadsFirstInputOnly(seen: seen), [a.read(), b.read()]).sum()
        }
        #expect(value.scalar == 42)
        #expect(grads.map { $0.1.floats } == [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]])
        // The read input with its values; the others as their dtype and shape only.
        #expect(seen.descriptions[0] == a.value.description)
        #expect(seen.descriptions[1] == "Tensor(released float32, [2, 3])")
        #expect(seen.descriptions[2] == "Tensor(released float32, [2, 3])")
    }
}
