/// Matrix product of two rank-2 Float32 tensors.
///
/// Shapes: `a [m, k]` (or `[k, m]` with `transposeA`), `b [k, n]` (or `[n, k]`) → `[m, n]`.
/// Kernel: `cblas_sgemm`. TF: `MatMul` with `transpose_a`/`transpose_b`.
struct MatMul: Primitive {
    var transposeA = false
    var transposeB = false
    var name: String { "matmul" }

    func outputType(_ t: [TensorType]) -> TensorType {
        guard let a = t[0].shape.dims, let b = t[1].shape.dims, a.count == 2, b.count == 2 else {
            preconditionFailure(
                "matmul: operands must be rank 2, got \(t[0].shape) and \(t[1].shape)")
        }
        let (m, ka) = transposeA ? (a[1], a[0]) : (a[0], a[1])
        let (kb, n) = transposeB ? (b[1], b[0]) : (b[0], b[1])
        precondition(
            ka == kb || ka < 0 || kb < 0,
            "matmul: inner dimensions differ: \(t[0].shape) x \(t[1].shape)")
        return TensorType(.float32, Shape([m, n]))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let out = outputType(x.map { TensorType($0.dtype, $0.symbolicShape) }).shape.dims ?? []
        let k = transposeA ? x[0].shape[0] : x[0].shape[1]
        let (m, n) = (out[0], out[1])
        var c = BLAS.outputBuffer(count: m * n, zeroed: k == 0)
        let a = x[0].floats, b = x[1].floats
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let pa = pa.baseAddress, let pb = pb.baseAddress,
                        let pc = pc.baseAddress
                    else { return }
                    if k == 0 { return }
                    BLAS.sgemm(
                        transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                        a: pa, b: pb, c: pc)
                }
            }
        }
        return Tensor(c, shape: [m, n])
    }

    // Each operand's gradient reads the other operand; the product is never read.
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { needed[1 - index] }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        vjp(x, y, g, needed: [true, true])
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, needed: [Bool]) -> [Tensor?] {
        let (a, b) = (x[0], x[1])
        // d/dA of A·B is G·Bᵀ; transposed operands swap roles.
        let da: Tensor? =
            !needed[0]
            ? nil
            : transposeA
                ? b.matmul(g, transposeA: transposeB, transposeB: true)
                : g.matmul(b, transposeA: false, transposeB: !transposeB)
        let db: Tensor? =
            !needed[1]
            ? nil
            : transposeB
                ? g.matmul(a, transposeA: true, transposeB: transposeA)
                : a.matmul(g, transposeA: !transposeA, transposeB: false)
        return [da, db]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        var attrs: [String: GraphAttr] = ["T": .type(.float32)]
        if transposeA { attrs["transpose_a"] = .bool(true) }
        if transposeB { attrs["transpose_b"] = .bool(true) }
        let id = tr.addNode("MatMul", inputs: x, attrs: attrs)
        return .output(node: id, outputArg: "product", index: 0)
    }
}

extension Tensor {
    /// Matrix product `self · other` of rank-2 tensors (OpenBLAS sgemm).
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false)
        -> Tensor
    {
        apply(MatMul(transposeA: transposeA, transposeB: transposeB), [self, other])
    }
}
