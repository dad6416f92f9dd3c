import COpenBLAS
import GardenTensor

/// One GEMM shape of a recipe, run two ways: through the tensor layer (`layer`: an eager
/// `Tensor` op, with its output allocation, dispatch and, for convolutions, im2col) and as a
/// direct `cblas_sgemm` of the same GEMM shape into preallocated buffers (`direct`).
struct GemmCase {
    /// Where the shape comes from, e.g. `mlp dense_0 forward`.
    var name: String
    /// `matmul`, `batch_matmul`, `conv2d`, `conv2d_backprop_input`, `conv2d_backprop_filter`.
    var op: String
    /// The GEMM shapes of the direct reference: `(count, m, n, k)`, `count` calls of m·n·k.
    var gemm: (count: Int, m: Int, n: Int, k: Int)
    var layer: () -> Void
    var direct: () -> Void
    /// For convolutions: the same step done the textbook way, im2col (or col2im) of the whole
    /// batch plus one `cblas_sgemm` (`Im2colReference`), which the layer should beat.
    var im2colSgemm: (() -> Void)? = nil

    var flops: Int { 2 * gemm.count * gemm.m * gemm.n * gemm.k }

    /// A case whose direct reference is `count` products `op(A)[m,k]·op(B)[k,n]`, on buffers
    /// sized for exactly those operands (`shareB`: one B for every product).
    init(
        name: String, op: String, count: Int = 1, m: Int, n: Int, k: Int,
        transA: Bool = false, transB: Bool = false, shareB: Bool = false,
        im2colSgemm: (() -> Void)? = nil, layer: @escaping () -> Void
    ) {
        self.name = name; self.op = op; self.gemm = (count, m, n, k); self.layer = layer
        self.im2colSgemm = im2colSgemm
        let buffers = GemmBuffers(
            a: count * m * k, b: (shareB ? 1 : count) * k * n, c: count * m * n)
        direct = {
            buffers.sgemm(
                count: count, transA: transA, transB: transB, m: m, n: n, k: k, shareB: shareB)
        }
    }
}

/// Float buffers that live as long as the benchmark, for the direct `cblas_sgemm` calls.
final class GemmBuffers {
    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    let c: UnsafeMutablePointer<Float>

    init(a: Int, b: Int, c: Int) {
        self.a = Self.filled(a)
        self.b = Self.filled(b)
        self.c = Self.filled(c)
    }

    deinit {
        a.deallocate()
        b.deallocate()
        c.deallocate()
    }

    private static func filled(_ n: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
        for i in 0..<max(n, 1) { p[i] = Float(i % 7) * 0.125 - 0.375 }
        return p
    }

    /// `count` row-major products C[m,n] = op(A)·op(B), one `cblas_sgemm` each, with the
    /// operands advancing by one matrix per call (a batched product); `shareB` keeps one B.
    func sgemm(count: Int, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, shareB: Bool = false)
    {
        for i in 0..<count {
            cblas_sgemm(
                CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), 1, a + i * m * k, Int32(transA ? m : k),
                b + (shareB ? 0 : i * k * n), Int32(transB ? k : n), 0, c + i * m * n, Int32(n))
        }
    }
}

/// A tensor of `shape` with small deterministic values (the values do not matter for speed).
func benchTensor(_ shape: [Int]) -> Tensor {
    let n = shape.reduce(1, *)
    return Tensor((0..<n).map { Float($0 % 11) * 0.05 - 0.25 }, shape: shape)
}
