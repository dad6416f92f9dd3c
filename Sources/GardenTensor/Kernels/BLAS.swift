import COpenBLAS

/// The OpenBLAS entry points the kernels use.
public enum BLAS {
    /// Fixes OpenBLAS's thread count, and `ParallelFor`'s (the element-wise kernels'), to the
    /// same `n`. OpenBLAS's sgemm is bitwise repeatable at a fixed thread count, so a recipe's
    /// `train.threads` is part of what makes a run reproducible (`ParallelFor`'s kernels give the
    /// same bits at every count).
    ///
    /// It also makes freed memory stay in the process: every op returns a fresh array, and
    /// glibc's default (mmap above an adaptive threshold, the heap's top trimmed once 128 KiB is
    /// free) handed a training step's tensors back to the kernel and faulted them in again, zeroed,
    /// on the next step: 7.5-29 K page faults per bert_tiny step, 10-25 % of its time. With the
    /// threshold at glibc's maximum (32 MiB) and no trimming, a steady-state step reuses the
    /// memory of the one before. Peak RSS is unchanged (it is the step's live tensors).
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
        ParallelFor.setThreads(n)
        #if os(Linux)
            _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        #endif
    }
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Opt-in GEMM FLOP counter for `garden-bench`: while non-nil, every `sgemm` adds
    /// `2·m·n·k` to it. Nil (off) by default; it only counts, so it never changes a result.
    /// Not synchronized: the kernels call `sgemm` from one thread (OpenBLAS threads inside).
    nonisolated(unsafe) public static var flopCount: Int?

    /// An output array for products with `beta = 0`, which write every element (OpenBLAS zeroes
    /// C itself for beta 0), so it is left unfilled: zero-filling it first cost 5-10 % of BERT's
    /// dense products (docs/performance.md). `zeroed` when no `sgemm` will write it (an empty
    /// inner dimension).
    public static func outputBuffer(count: Int, zeroed: Bool) -> [Float] {
        if zeroed { return [Float](repeating: 0, count: count) }
        return [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// C[m,n] = alpha * op(A) * op(B) + beta * C, row-major, contiguous.
    @inlinable
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float = 0,
        c: UnsafeMutablePointer<Float>
    ) {
        if m == 0 || n == 0 { return }
        if let count = flopCount { flopCount = count &+ 2 * m * n * k }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(transA ? m : k),
            b, Int32(transB ? k : n), beta, c, Int32(n))
    }
}
