import GardenTensor
import GardenTestSupport
import Testing

/// One batched-product case: operand shapes as stored, and which are transposed.
struct BatchMatMulCase: Sendable, CustomTestStringConvertible {
    var x: [Int]
    var y: [Int]
    var adjX = false
    var adjY = false
    var testDescription: String { "\(x)\(adjX ? "ᵀ" : "") x \(y)\(adjY ? "ᵀ" : "")" }

    // m = 3, k = 5, n = 4 and batch sizes 2, 3 are all distinct, so a swapped axis shows.
    static let all = [
        BatchMatMulCase(x: [2, 3, 5], y: [2, 5, 4]),
        BatchMatMulCase(x: [2, 5, 3], y: [2, 5, 4], adjX: true),
        BatchMatMulCase(x: [2, 3, 5], y: [2, 4, 5], adjY: true),
        BatchMatMulCase(x: [2, 5, 3], y: [2, 4, 5], adjX: true, adjY: true),
        BatchMatMulCase(x: [2, 3, 3, 5], y: [2, 3, 5, 4]),
        BatchMatMulCase(x: [2, 3, 3, 5], y: [2, 3, 4, 5], adjY: true),
        // Dense on [B, S, H] and the tied output projection: a shared right matrix.
        BatchMatMulCase(x: [2, 3, 5], y: [5, 4]),
        BatchMatMulCase(x: [2, 3, 5], y: [4, 5], adjY: true),
        BatchMatMulCase(x: [2, 5, 3], y: [5, 4], adjX: true),
        // A shared left matrix (appears in the vjp of the cases above).
        BatchMatMulCase(x: [3, 5], y: [2, 5, 4]),
        BatchMatMulCase(x: [5, 3], y: [2, 4, 5], adjX: true, adjY: true),
    ]
}

@Suite("BatchMatMul")
struct BatchMatMulTests {
    /// out[b][i][j] = Σ_p op(X_b)[i][p] · op(Y_b)[p][j] in Double, a rank-2 operand shared.
    func naive(_ x: Tensor, _ y: Tensor, _ c: BatchMatMulCase) -> (values: [Double], shape: [Int]) {
        let (xr, yr) = (x.rank, y.rank)
        let m = c.adjX ? x.shape[xr - 1] : x.shape[xr - 2]
        let k = c.adjX ? x.shape[xr - 2] : x.shape[xr - 1]
        let n = c.adjY ? y.shape[yr - 2] : y.shape[yr - 1]
        let batchShape = xr > 2 ? Array(x.shape.dropLast(2)) : Array(y.shape.dropLast(2))
        let batch = batchShape.reduce(1, *)
        let (xv, yv) = (x.floats, y.floats)
        var out: [Double] = []
        for b in 0..<batch {
            let xb = xr > 2 ? b * m * k : 0, yb = yr > 2 ? b * k * n : 0
            for i in 0..<m {
                for j in 0..<n {
                    var s = 0.0
                    for p in 0..<k {
                        let a = c.adjX ? xv[xb + p * m + i] : xv[xb + i * k + p]
                        let d = c.adjY ? yv[yb + j * k + p] : yv[yb + p * n + j]
                        s += Double(a) * Double(d)
                    }
                    out.append(s)
                }
            }
        }
        return (out, batchShape + [m, n])
    }

    func inputs(_ c: BatchMatMulCase) -> [Tensor] {
        [
            TestInputs.uniform(c.x, stream: stableHash(c.testDescription)),
            TestInputs.uniform(c.y, stream: stableHash(c.testDescription) &+ 1),
        ]
    }

    @Test(arguments: BatchMatMulCase.all)
    func productMatchesNaiveLoops(_ c: BatchMatMulCase) {
        let x = inputs(c)
        let (expected, shape) = naive(x[0], x[1], c)
        expectClose(x[0].batchMatmul(x[1], adjX: c.adjX, adjY: c.adjY), expected, shape: shape)
    }

    @Test(arguments: BatchMatMulCase.all)
    func vjpMatchesFiniteDifferences(_ c: BatchMatMulCase) {
        checkGradients(of: { $0[0].batchMatmul($0[1], adjX: c.adjX, adjY: c.adjY) }, at: inputs(c))
    }

    @Test func emptyInnerDimensionGivesZeros() {
        let c = Tensor.zeros([2, 3, 0]).batchMatmul(Tensor.zeros([2, 0, 4]))
        #expect(c.shape == [2, 3, 4])
        #expect(c.floats.allSatisfy { $0 == 0 })
    }

    @Test func lowersToBatchMatMulV2KeepingUnknownBatchAndSequence() {
        let w = TestInputs.uniform([6, 4], stream: 210)
        let f = Tracer.trace(arguments: [
            TensorSpec(name: "x", dtype: .float32, shape: Shape([-1, -1, 6])),
            TensorSpec(name: "k", dtype: .float32, shape: Shape([-1, 2, -1, 6])),
        ]) { x in
            [
                ("dense", x[0].batchMatmul(w)),
                ("scores", x[1].batchMatmul(x[1], adjY: true)),
            ]
        }
        let nodes = f.nodes.filter { $0.op == "BatchMatMulV2" }
        #expect(nodes.count == 2)
        #expect(nodes[0].attrs == ["T": .type(.float32)])
        #expect(nodes[1].attrs == ["T": .type(.float32), "adj_y": .bool(true)])
        #expect(f.outputs.map(\.shape) == [Shape([-1, -1, 4]), Shape([-1, 2, -1, -1])])
    }
}
