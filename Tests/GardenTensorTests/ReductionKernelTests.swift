import GardenTensor
import GardenTestSupport
import Testing

/// Axes to reduce and whether to keep them as size 1.
struct ReductionCase: Sendable, CustomTestStringConvertible {
    var shape: [Int]
    var axes: [Int]
    var keepDims: Bool
    var testDescription: String { "\(shape) over \(axes)\(keepDims ? " keeping dims" : "")" }
}

@Suite("Sum and Mean kernels")
struct ReductionKernelTests {
    /// Leading, middle, trailing, non-adjacent, negative and all axes (the kernel has a fast path
    /// for trailing blocks and a strided one for the rest), each with and without keepDims.
    static let cases: [ReductionCase] = [
        ([3, 5], [0]), ([3, 5], [1]), ([3, 5], [0, 1]), ([3, 5], [-1]),
        ([2, 3, 4], [0]), ([2, 3, 4], [1]), ([2, 3, 4], [2]), ([2, 3, 4], [0, 2]),
        ([2, 3, 4], [1, 2]), ([2, 3, 4], [0, 1]), ([2, 3, 4], [-2]), ([2, 3, 4], [0, 1, 2]),
        ([2, 3, 4], []),
    ].flatMap { shape, axes in
        [false, true].map { ReductionCase(shape: shape, axes: axes, keepDims: $0) }
    }

    /// A reduction primitive and its naive reference.
    enum Reduction: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case sum, mean
        var testDescription: String { rawValue }

        func callAsFunction(_ x: Tensor, _ c: ReductionCase) -> Tensor {
            switch self {
            case .sum: return x.sum(axes: c.axes, keepDims: c.keepDims)
            case .mean: return x.mean(axes: c.axes, keepDims: c.keepDims)
            }
        }

        func reference(_ x: Tensor, _ c: ReductionCase) -> (values: [Double], shape: [Int]) {
            let f = self == .sum ? NaiveReference.sum : NaiveReference.mean
            return f(x.floats, c.shape, c.axes, c.keepDims)
        }
    }

    @Test(arguments: Reduction.allCases, cases)
    func kernelMatchesReference(_ reduction: Reduction, _ c: ReductionCase) {
        let x = TestInputs.uniform(c.shape, stream: 20)
        let expected = reduction.reference(x, c)
        expectClose(
            reduction(x, c), expected.values, shape: expected.shape,
            absolute: 1e-6, relative: 1e-6)
    }

    /// `isAllFinite` against `isFinite` element by element: finite extremes pass; one infinity
    /// or NaN anywhere (a first element, a vector lane, a second block, the tail) fails.
    @Test func allFiniteFindsAnInfinityOrNaNAnywhere() {
        let count = 2 * 16_384 + 13
        var values = (0..<count).map { Float($0 % 97) - 48 }
        values[1] = .greatestFiniteMagnitude; values[2] = -.greatestFiniteMagnitude
        values[3] = .leastNonzeroMagnitude; values[4] = -0.0
        #expect(Tensor(values, shape: [count]).isAllFinite)
        for position in [0, 7, 16_390, count - 1] {
            for bad in [Float.infinity, -.infinity, .nan, -.nan] {
                var v = values
                v[position] = bad
                #expect(!Tensor(v, shape: [count]).isAllFinite, "\(bad) at \(position)")
            }
        }
        #expect(Tensor.zeros([0]).isAllFinite)
    }

    @Test func reducingAllAxesByDefaultGivesAScalar() {
        let x = TestInputs.uniform([2, 3, 4], stream: 22)
        let expected = NaiveReference.sum(
            x.floats, shape: [2, 3, 4], axes: [0, 1, 2], keepDims: false)
        expectClose(x.sum(), expected.values, shape: [], absolute: 1e-6, relative: 1e-6)
        expectClose(
            x.mean(), expected.values.map { $0 / 24 }, shape: [],
            absolute: 1e-6, relative: 1e-6)
    }

    @Test func sumAccumulatesInDoubleSoSmallTermsAreNotLost() {
        // In Float32, 2^24 + 1 + 1 + ... stays 2^24; a Double accumulator keeps every 1.
        let x = Tensor([16_777_216] + [Float](repeating: 1, count: 8), shape: [9])
        #expect(x.sum().scalar == 16_777_224)
    }
}

@Suite("Reshape")
struct ReshapeTests {
    @Test func keepsRowMajorOrderAndInfersMinusOne() {
        let x = TestInputs.uniform([2, 3, 4], stream: 23)
        let y = x.reshaped([-1, 4])
        #expect(y.shape == [6, 4])
        #expect(y.floats == x.floats)
        #expect(x.reshaped([4, -1]).shape == [4, 6])
        #expect(x.reshaped([24]).floats == x.floats)
    }

    @Test func reshapesInt32Tensors() {
        let ids = Tensor(int32: [1, 2, 3, 4, 5, 6], shape: [2, 3])
        let y = ids.reshaped([3, 2])
        #expect(y.dtype == .int32)
        #expect(y.int32s == [1, 2, 3, 4, 5, 6])
    }

    @Test func unbroadcastSumsLeadingAndSizeOneAxes() {
        let g = TestInputs.uniform([2, 3, 4], stream: 24)
        for target in [[3, 4], [4], [1, 4], [3, 1], [2, 1, 4], []] as [[Int]] {
            let lead = 3 - target.count
            let axes = Array(0..<lead) + target.indices.filter { target[$0] == 1 }.map { $0 + lead }
            let expected = NaiveReference.sum(
                g.floats, shape: [2, 3, 4], axes: axes, keepDims: true)
            expectClose(
                g.unbroadcast(to: target), expected.values, shape: target,
                absolute: 1e-6, relative: 1e-6)
        }
    }
}
