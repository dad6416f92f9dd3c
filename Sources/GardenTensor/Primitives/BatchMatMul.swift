/// Batched matrix product over the leading (batch) axes; one operand may be a plain matrix,
/// which is then shared by every batch item (Dense on `[B, S, H]`).
///
/// Shapes: `x [..., m, k]` (or `[..., k, m]` with `adjX`), `y [..., k, n]` (or `[..., n, k]` with
/// `adjY`) → `[..., m, n]`. Operands of rank >= 3 must have the same batch dims; a rank-2
/// operand broadcasts. Kernel: one `sgemm` per batch matrix (`BLAS.sgemmBatch`, the matrices over the threads), or a single `sgemm` over all rows
/// when `y` is shared and `x` is not transposed. TF: `BatchMatMulV2` with `adj_x`/`adj_y`
/// (output `output`), which supports the same rank-3 × rank-2 broadcast.
struct BatchMatMul: Primitive {
    var adjX = false
    var adjY = false
    var name: String { "batch_matmul" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t[0].dtype == .float32 && t[1].dtype == .float32,
            "batch_matmul: expects float32, got \(t[0].dtype), \(t[1].dtype)")
        guard let a = t[0].shape.dims, let b = t[1].shape.dims, a.count >= 2, b.count >= 2 else {
            preconditionFailure(
                "batch_matmul: operands must have rank >= 2, got \(t[0].shape) and \(t[1].shape)")
        }
        let batchA = Array(a.dropLast(2)), batchB = Array(b.dropLast(2))
        var batch = batchA.isEmpty ? batchB : batchA
        if !batchA.isEmpty && !batchB.isEmpty {
            precondition(
                batchA.count == batchB.count
                    && zip(batchA, batchB).allSatisfy { $0 == $1 || $0 < 0 || $1 < 0 },
                "batch_matmul: batch dims differ: \(t[0].shape) x \(t[1].shape)")
            batch = zip(batchA, batchB).map { max($0, $1) }
        }
        let (m, ka) = adjX ? (a[a.count - 1], a[a.count - 2]) : (a[a.count - 2], a[a.count - 1])
        let (kb, n) = adjY ? (b[b.count - 1], b[b.count - 2]) : (b[b.count - 2], b[b.count - 1])
        precondition(
            ka == kb || ka < 0 || kb < 0,
            "batch_matmul: inner dimensions differ: \(t[0].shape) x \(t[1].shape)")
        return TensorType(.float32, Shape(batch + [m, n]))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let out = outputType(x.map { TensorType($0.dtype, Shape($0.shape)) }).shape.dims ?? []
        let (m, n) = (out[out.count - 2], out[out.count - 1])
        let k = adjX ? x[0].shape[x[0].rank - 2] : x[0].shape[x[0].rank - 1]
        let batch = out.dropLast(2).reduce(1, *)
        let strideA = x[0].rank > 2 ? m * k : 0, strideB = x[1].rank > 2 ? k * n : 0
        var c = BLAS.outputBuffer(count: batch * m * n, zeroed: k == 0)
        if k == 0 || c.isEmpty { return Tensor(c, shape: out) }
        let a = x[0].floats, b = x[1].floats
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let pa = pa.baseAddress, let pb = pb.baseAddress,
                        let pc = pc.baseAddress
                    else { return }
                    if strideB == 0 && strideA != 0 && !adjX {
                        // All batch rows of x against one matrix: a single tall product.
                        BLAS.sgemm(
                            transA: false, transB: adjY, m: batch * m, n: n, k: k,
                            a: pa, b: pb, c: pc)
                        return
                    }
                    BLAS.sgemmBatch(
                        transA: adjX, transB: adjY, m: m, n: n, k: k, count: batch,
                        a: pa, strideA: strideA, b: pb, strideB: strideB, c: pc)
                }
            }
        }
        return Tensor(c, shape: out)
    }

    var vjpReadsOutput: Bool { false }
    // A product again costs a GEMM, but the tape asks only for large outputs that a later vjp
    // reads through element-wise steps (BERT's intermediate dense → bias → GELU, whose input
    // is a quarter of a layer's activations at 4× intermediate size): one product per layer
    // instead of keeping 16 MiB of it at sequence 128.
    var recomputesOutput: Bool { true }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let (a, b) = (x[0], x[1])
        let batchAxes = Array(0..<(g.rank - 2))
        // d/dX of op(X)·op(Y) is G·op(Y)ᵀ; a transposed operand gets the transposed product.
        var da =
            adjX
            ? b.batchMatmul(g, adjX: adjY, adjY: true)
            : g.batchMatmul(b, adjX: false, adjY: !adjY)
        var db: Tensor
        if b.rank == 2 && a.rank > 2 && !adjX {
            // A shared matrix sums over the batch: one product of the stacked rows.
            let (k, n) = (a.shape[a.rank - 1], g.shape[g.rank - 1])
            let a2 = a.reshaped([-1, k]), g2 = g.reshaped([-1, n])
            db = adjY ? g2.matmul(a2, transposeA: true) : a2.matmul(g2, transposeA: true)
        } else {
            db =
                adjY
                ? g.batchMatmul(a, adjX: true, adjY: adjX)
                : a.batchMatmul(g, adjX: !adjX, adjY: false)
            if b.rank == 2 && !batchAxes.isEmpty { db = db.sum(axes: batchAxes) }
        }
        if a.rank == 2 && !batchAxes.isEmpty { da = da.sum(axes: batchAxes) }
        return [da, db]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        var attrs: [String: GraphAttr] = ["T": .type(.float32)]
        if adjX { attrs["adj_x"] = .bool(true) }
        if adjY { attrs["adj_y"] = .bool(true) }
        let id = tr.addNode("BatchMatMulV2", inputs: x, attrs: attrs)
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// Batched matrix product `op(self) · op(other)` over the leading axes (a rank-2 operand is
    /// shared by every batch item); `adjX`/`adjY` transpose the last two axes of an operand.
    public func batchMatmul(_ other: Tensor, adjX: Bool = false, adjY: Bool = false) -> Tensor {
        apply(BatchMatMul(adjX: adjX, adjY: adjY), [self, other])
    }
}
