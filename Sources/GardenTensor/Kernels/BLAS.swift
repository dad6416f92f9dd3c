import COpenBLAS
import Synchronization

/// The OpenBLAS entry points the kernels use.
public enum BLAS {
    /// Sets the threads of every kernel to `n`: `ParallelFor`'s pool, which also runs the large
    /// products (`sgemm` cuts them into row or column blocks, one OpenBLAS call each), while
    /// OpenBLAS itself runs single-threaded on whichever thread calls it. One pool instead of two:
    /// with OpenBLAS's own threads, its idle worker spun in `sched_yield` beside ours through
    /// every element-wise kernel (a fifth of resnet_tiny's samples) and the 784-256-10 MLP's
    /// step got slower with our pool than without it (docs/performance.md).
    ///
    /// It also makes freed memory stay in the process: every op returns a fresh array, and
    /// glibc's default (mmap above an adaptive threshold, the heap's top trimmed once 128 KiB is
    /// free) handed a training step's tensors back to the kernel and faulted them in again, zeroed,
    /// on the next step: 7.5-29 K page faults per bert_tiny step, 10-25 % of its time. With the
    /// threshold at glibc's maximum (32 MiB) and no trimming, a steady-state step reuses the
    /// memory of the one before. Peak RSS is unchanged (it is the step's live tensors).
    ///
    /// And the calling thread flushes subnormals to zero from now on, as the pool's workers do
    /// (`FloatingPoint.flushSubnormals`).
    public static func setThreads(_ n: Int) {
        FloatingPoint.flushSubnormals()
        openblas_set_num_threads(1)
        ParallelFor.setThreads(n)
        #if os(Linux)
            _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        #endif
    }
    public static var threads: Int { ParallelFor.threads }

    /// Opt-in GEMM FLOP counter for `garden-bench`: while non-nil, every `sgemm` adds
    /// `2·m·n·k` to it, and every direct convolution that of the GEMM it stands in for. Nil (off)
    /// by default; it only counts, so it never changes a result.
    /// Atomic: convolution blocks call `sgemm` from the pool's threads.
    public static var flopCount: Int? {
        get { counting.load(ordering: .acquiring) ? flops.load(ordering: .acquiring) : nil }
        set {
            flops.store(newValue ?? 0, ordering: .releasing)
            counting.store(newValue != nil, ordering: .releasing)
        }
    }
    private static let counting = Atomic<Bool>(false)
    private static let flops = Atomic<Int>(0)

    /// Adds `2·m·n·k·count` to `flopCount` when it counts.
    @inline(__always)
    static func count(m: Int, n: Int, k: Int, times count: Int = 1) {
        if counting.load(ordering: .relaxed) {
            flops.add(2 * m * n * k * count, ordering: .relaxed)
        }
    }

    /// An output array for products with `beta = 0`, which write every element (OpenBLAS zeroes
    /// C itself for beta 0), so it is left unfilled: zero-filling it first cost 5-10 % of BERT's
    /// dense products (docs/performance.md). `zeroed` when no `sgemm` will write it (an empty
    /// inner dimension).
    public static func outputBuffer(count: Int, zeroed: Bool) -> [Float] {
        if zeroed { return [Float](repeating: 0, count: count) }
        return [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Multiply-adds (`m·n·k`) of the smallest block a product is split into: about 40 µs of one
    /// core's GEMM, many times what handing a part to a worker costs.
    public static let blockWork = 1 << 20
    /// At most this many blocks per product: work for 4 threads, and each thread of 2 packs the
    /// shared operand twice, not 4 times.
    public static let maxBlocks = 4

    /// C[m,n] = alpha * op(A) * op(B) + beta * C, row-major, contiguous.
    ///
    /// A product of at least two `blockWork`s is cut into blocks of C's rows (or of its columns,
    /// when C is wider than tall) in whole 16-row or 16-column units (OpenBLAS's register tiles),
    /// one single-threaded `cblas_sgemm` per block, the blocks run over `ParallelFor`. The cut
    /// depends only on the shapes, never on the thread count, so results are the same bits at
    /// every `train.threads` (OpenBLAS's own threads gave other bits at each count). No block
    /// splits the inner dimension; an element can still differ in its last bits from an uncut
    /// product's, as OpenBLAS's tiles then fall elsewhere.
    ///
    /// With `rowBias` (`n` values), each block then adds `rowBias[j]` to column `j` of its rows
    /// while they are in cache: one float addition per element, so the bits of adding the
    /// vector to the finished product in a pass of its own (a dense layer's bias, `DenseProduct`).
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, rowBias: UnsafePointer<Float>? = nil
    ) {
        if m == 0 || n == 0 { return }
        count(m: m, n: n, k: k)
        let (lda, ldb) = (transA ? m : k, transB ? k : n)
        let tile = 16
        let byRows = m >= n
        let extent = byRows ? m : n
        let units = (extent + tile - 1) / tile
        let blocks = min(units, maxBlocks, m * n * max(k, 1) / blockWork)
        guard blocks > 1 else {
            call(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, n)
            if let rowBias { addBias(rowBias, to: c, rows: m, columns: 0..<n, n) }
            return
        }
        ParallelFor.forEach(blocks, grain: 1) { part in
            for block in part {
                // Block `block` of `blocks` over the 16-row (or column) units.
                let blockUnits = ParallelFor.range(part: block, of: blocks, count: units)
                let first = blockUnits.lowerBound * tile
                let count = min(blockUnits.upperBound * tile, extent) - first
                if byRows {
                    // Rows of op(A): A [m, k] steps by rows, a transposed A [k, m] by columns.
                    let rowsA = transA ? a + first : a + first * lda
                    call(
                        transA, transB, count, n, k, alpha, rowsA, lda, b, ldb, beta,
                        c + first * n, n)
                    if let rowBias {
                        addBias(rowBias, to: c + first * n, rows: count, columns: 0..<n, n)
                    }
                } else {
                    // Columns of op(B): B [k, n] steps by columns, a transposed B [n, k] by rows.
                    let columnsB = transB ? b + first * ldb : b + first
                    call(
                        transA, transB, m, count, k, alpha, a, lda, columnsB, ldb, beta, c + first,
                        n)
                    if let rowBias {
                        addBias(rowBias, to: c, rows: m, columns: first..<(first + count), n)
                    }
                }
            }
        }
    }

    /// `c[i, j] += bias[j]` for `rows` rows of row stride `ldc` and the given columns.
    @inline(__always)
    private static func addBias(
        _ bias: UnsafePointer<Float>, to c: UnsafeMutablePointer<Float>, rows: Int,
        columns: Range<Int>, _ ldc: Int
    ) {
        for i in 0..<rows {
            let row = c + i * ldc
            for j in columns { row[j] = row[j] + bias[j] }
        }
    }

    /// `count` products of the same shapes, item `i` reading `a + i·strideA` and `b + i·strideB`
    /// and writing `c + i·m·n` (a stride of 0 shares the operand). The items go to `ParallelFor`'s
    /// threads whole, one `cblas_sgemm` each (attention's 64×64×64 products are too small to
    /// split, and too many to run one after another on one core).
    public static func sgemmBatch(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, count: Int,
        a: UnsafePointer<Float>, strideA: Int, b: UnsafePointer<Float>, strideB: Int,
        c: UnsafeMutablePointer<Float>
    ) {
        if m == 0 || n == 0 || count == 0 { return }
        if count == 1 {
            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, b: b, c: c)
            return
        }
        self.count(m: m, n: n, k: k, times: count)
        let (lda, ldb) = (transA ? m : k, transB ? k : n)
        let itemWork = max(m * n * max(k, 1), 1)
        ParallelFor.forEach(count, grain: max(1, blockWork / 4 / itemWork)) { items in
            for i in items {
                call(
                    transA, transB, m, n, k, 1, a + i * strideA, lda, b + i * strideB, ldb, 0,
                    c + i * m * n, n)
            }
        }
    }

    /// OpenBLAS's own threads are never used (see `setThreads`); set before the first product,
    /// whether or not `setThreads` was called (tests, tools).
    private static let openBLASOnOneThread: Void = openblas_set_num_threads(1)

    /// One single-threaded row-major `cblas_sgemm` with explicit leading dimensions.
    @inline(__always)
    private static func call(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        openBLASOnOneThread
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
