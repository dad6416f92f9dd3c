import GardenTensor
import GardenTestSupport
import Testing

/// Which operands of a matmul are stored transposed.
struct TransposeCase: Sendable, CustomTestStringConvertible {
    var a: Bool
    var b: Bool
    var testDescription: String { "transposeA \(a), transposeB \(b)" }
    static let all = [false, true].flatMap { a in [false, true].map { TransposeCase(a: a, b: $0) } }
}

@Suite("MatMul kernel")
struct MatMulKernelTests {
    /// The product by the definition, in Double: out[i][j] = Σ_p op(A)[i][p] · op(B)[p][j].
    func naiveProduct(_ a: Tensor, _ b: Tensor, _ t: TransposeCase) -> [Double] {
        let (m, k) = t.a ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let n = t.b ? b.shape[0] : b.shape[1]
        let x = a.floats
        let y = b.floats
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let aip = t.a ? x[p * m + i] : x[i * k + p]
                    let bpj = t.b ? y[j * k + p] : y[p * n + j]
                    s += Double(aip) * Double(bpj)
                }
                out[i * n + j] = s
            }
        }
        return out
    }

    @Test(arguments: TransposeCase.all)
    func productMatchesTripleLoop(_ t: TransposeCase) {
        // m, k, n are distinct odd sizes so that any swapped axis changes the shape or values.
        let (m, k, n) = (3, 5, 7)
        let a = TestInputs.uniform(t.a ? [k, m] : [m, k], stream: 10)
        let b = TestInputs.uniform(t.b ? [n, k] : [k, n], stream: 11)
        let c = a.matmul(b, transposeA: t.a, transposeB: t.b)
        expectClose(c, naiveProduct(a, b, t), shape: [m, n], absolute: 1e-5, relative: 1e-5)
    }

    @Test func emptyInnerDimensionGivesZeros() {
        let c = Tensor.zeros([3, 0]).matmul(Tensor.zeros([0, 4]))
        #expect(c.shape == [3, 4])
        #expect(c.floats == [Float](repeating: 0, count: 12))
    }
}
