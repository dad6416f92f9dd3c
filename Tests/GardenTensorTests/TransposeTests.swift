import GardenTensor
import GardenTestSupport
import Testing

@Suite("Transpose")
struct TransposeTests {
    static let perms: [[Int]] = [
        [1, 0], [0, 2, 1], [2, 0, 1], [0, 2, 1, 3], [3, 1, 0, 2], [0],
    ]

    func shape(rank: Int) -> [Int] { Array([2, 3, 4, 5].prefix(rank)) }

    @Test(arguments: perms)
    func outputElementIsInputAtPermutedIndex(_ perm: [Int]) {
        let inShape = shape(rank: perm.count)
        let x = TestInputs.uniform(inShape, stream: 220)
        let outShape = perm.map { inShape[$0] }
        let expected = (0..<x.count).map { i -> Double in
            let out = multiIndex(i, outShape)
            var source = [Int](repeating: 0, count: perm.count)
            for (d, p) in perm.enumerated() { source[p] = out[d] }
            let offset = source.enumerated().reduce(0) { $0 * inShape[$1.offset] + $1.element }
            return Double(x.floats[offset])
        }
        expectClose(x.transposed(perm), expected, shape: outShape, absolute: 0, relative: 0)
    }

    /// Tensors big enough that the runs split over two and three threads, with the innermost
    /// axis kept (one copy per run) and moved (a strided run): the reference's values at every
    /// thread count.
    @Test(arguments: [[0, 2, 1, 3], [0, 1, 3, 2], [2, 1, 0, 3]])
    func largeTransposesMatchTheReferenceAtEveryThreadCount(_ perm: [Int]) {
        let inShape = [8, 40, 3, 64]
        let x = TestInputs.uniform(inShape, stream: 221)
        let outShape = perm.map { inShape[$0] }
        let inStrides = [
            inShape[1] * inShape[2] * inShape[3], inShape[2] * inShape[3], inShape[3], 1,
        ]
        let expected = (0..<x.count).map { i -> Double in
            let out = multiIndex(i, outShape)
            let offset = perm.enumerated().reduce(0) { $0 + out[$1.offset] * inStrides[$1.element] }
            return Double(x.floats[offset])
        }
        for t in ParallelForTests.atThreadCounts({ x.transposed(perm) }) {
            expectClose(t, expected, shape: outShape, absolute: 0, relative: 0)
        }
    }

    @Test(arguments: perms)
    func vjpMatchesFiniteDifferences(_ perm: [Int]) {
        checkGradients(
            of: { $0[0].transposed(perm) },
            at: [TestInputs.uniform(shape(rank: perm.count), stream: 221)])
    }

    @Test func lowersToTransposeWithAnInt32PermConstant() {
        let f = Tracer.trace(arguments: [
            TensorSpec(name: "x", dtype: .float32, shape: Shape([-1, -1, 2, 3]))
        ]) { x in [("y", x[0].transposed([0, 2, 1, 3]))] }
        let node = f.nodes.first { $0.op == "Transpose" }
        #expect(node?.attrs == ["T": .type(.float32), "Tperm": .type(.int32)])
        #expect(
            node.flatMap { producingNode($0.inputs[1], in: f) }?.attrs["value"]
                == .tensor(GraphConstant(ints: [0, 2, 1, 3], shape: [4])))
        #expect(f.outputs[0].shape == Shape([-1, 2, -1, 3]))
    }
}
