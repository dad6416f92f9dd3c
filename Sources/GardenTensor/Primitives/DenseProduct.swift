/// A dense layer's `x · W + b`: the product of every row of `x` with one matrix, and the bias
/// (when there is one) added by each block of the product while the block is in cache
/// (`BLAS.sgemm`'s `rowBias`) instead of in a pass of its own over the output (BERT's bias
/// additions were 3 % of a bert_tiny step, docs/performance.md).
///
/// Shapes: `x [..., k]` (rank >= 2), `W [k, n]`, optionally `b [n]` → `[..., n]`, float32. The
/// product is the one `MatMul` (rank 2) and `BatchMatMul` (a shared matrix) compute, one `sgemm`
/// over all rows, and the bias one float addition per element, so values equal `product + b`'s
/// bit for bit; so do the gradients, which are those two primitives' and `Add`'s
/// (`FusedPrimitiveTests`).
/// TF: as `denseProductComposite`, at rank 2 `MatMul`, above the rows as one `MatMul` between
/// two `Reshape`s; then `AddV2`.
struct DenseProduct: Primitive {
    /// Whether a later vjp that reads the output gets it recomputed (see `Primitive`): as the
    /// sum it replaces, which could be recomputed only when the product could (`BatchMatMul`'s,
    /// rank > 2), not after a `MatMul`, whose output no vjp keeps.
    var recomputesOutput: Bool
    var name: String { "dense_product" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            (2...3).contains(t.count) && t.allSatisfy { $0.dtype == .float32 },
            "dense_product: expects two or three float32 inputs, got \(t.map(\.dtype))")
        // Only for the messages, which are built only when a check fails.
        func operands() -> String {
            "\(t[0].shape) x \(t[1].shape)" + (t.count > 2 ? " + \(t[2].shape)" : "")
        }
        guard let x = t[0].shape.dims, let w = t[1].shape.dims, x.count >= 2, w.count == 2,
            t.count == 2 || t[2].shape.rank == 1
        else {
            preconditionFailure(
                "dense_product: expects x of rank >= 2, a matrix (and a vector), got \(operands())")
        }
        let biasWidth = t.count > 2 ? t[2].shape.dims?[0] ?? -1 : w[1]
        precondition(
            (x[x.count - 1] == w[0] || x[x.count - 1] < 0 || w[0] < 0)
                && (w[1] == biasWidth || w[1] < 0 || biasWidth < 0),
            "dense_product: shapes differ: \(operands())")
        return TensorType(.float32, Shape(x.dropLast() + [w[1]]))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let (k, n) = (x[1].shape[0], x[1].shape[1])
        let out = x[0].shape.dropLast() + [n]
        let m = out.dropLast().reduce(1, *)
        // No product to write (`sgemm` refuses an empty inner dimension): the bias in each row.
        if k == 0 {
            let row = x.count > 2 ? x[2].floats : [Float](repeating: 0, count: n)
            return Tensor(Array(repeatElement(row, count: m).joined()), shape: Array(out))
        }
        var c = BLAS.outputBuffer(count: m * n, zeroed: false)
        let a = x[0].floats, w = x[1].floats
        func product(rowBias: UnsafePointer<Float>?) {
            a.withUnsafeBufferPointer { pa in
                w.withUnsafeBufferPointer { pw in
                    c.withUnsafeMutableBufferPointer { pc in
                        guard let pa = pa.baseAddress, let pw = pw.baseAddress,
                            let pc = pc.baseAddress
                        else { return }
                        BLAS.sgemm(
                            transA: false, transB: false, m: m, n: n, k: k, a: pa, b: pw, c: pc,
                            rowBias: rowBias)
                    }
                }
            }
        }
        if x.count > 2 {
            x[2].floats.withUnsafeBufferPointer { product(rowBias: $0.baseAddress) }
        } else {
            product(rowBias: nil)
        }
        return Tensor(c, shape: Array(out))
    }

    // x for W's gradient, W for x's; the bias's gradient reads only the output's gradient.
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool {
        index < 2 ? needed[1 - index] : false
    }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        vjp(x, y, g, needed: x.map { _ in true })
    }

    // The calls `BatchMatMul`'s vjp makes for a shared matrix (and `MatMul`'s at rank 2) on the
    // rows stacked, and `Add`'s for the bias.
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, needed: [Bool]) -> [Tensor?] {
        let (a, w) = (x[0], x[1])
        let (k, n) = (w.shape[0], w.shape[1])
        // Rows counted, not inferred: a `-1` cannot be when k or n is 0.
        let m = a.shape.dropLast().reduce(1, *)
        let rows = g.reshaped([m, n])
        let grads = [
            needed[0] ? rows.matmul(w, transposeB: true).reshaped(a.shape) : nil,
            needed[1] ? a.reshaped([m, k]).matmul(rows, transposeA: true) : nil,
        ]
        return x.count > 2 ? grads + [needed[2] ? g.unbroadcast(to: [n]) : nil] : grads
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        tr.lowerAsComposite(x, t) {
            $0[0].denseProductComposite($0[1], bias: $0.count > 2 ? $0[2] : nil)
        }
    }
}

extension Tensor {
    /// `x · kernel (+ bias)` for this `x [..., k]`, `kernel [k, n]` and `bias [n]`: a dense
    /// layer's product and bias in one pass over the output, the same values and gradients as
    /// `matmul` (rank 2) or `batchMatmul` (rank > 2), then `+ bias`.
    public func denseProduct(_ kernel: Tensor, bias: Tensor?) -> Tensor {
        apply(DenseProduct(recomputesOutput: rank > 2), [self, kernel] + (bias.map { [$0] } ?? []))
    }
}
