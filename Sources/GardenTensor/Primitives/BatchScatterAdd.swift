/// The transpose of `BatchGather`: adds `updates[b, p]` into row `positions[b, p]` of a zero
/// `[B, length, d...]` tensor.
///
/// Shapes: `updates [B, P, d...]` (float32), `positions [B, P]` (int32) → `[B, length, d...]`.
/// Kernel: accumulates in position order (bitwise repeatable). vjp: `BatchGather`. TF (rank-3
/// updates): `BatchMatMulV2(OneHot(positions, length), updates, adj_x: true)`, which sums the
/// updates that hit one row exactly as the kernel does.
struct BatchScatterAdd: Primitive {
    var length: Int
    var name: String { "batch_scatter_add" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t[0].dtype == .float32 && t[1].dtype == .int32,
            "batch_scatter_add: expects float32 updates and int32 positions, got \(t[0].dtype), \(t[1].dtype)"
        )
        guard let u = t[0].shape.dims, let p = t[1].shape.dims, u.count >= 2, p.count == 2 else {
            preconditionFailure(
                "batch_scatter_add: needs updates [B, P, ...] and positions [B, P], got \(t[0].shape), \(t[1].shape)"
            )
        }
        return TensorType(.float32, Shape([u[0], length] + u.dropFirst(2)))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let (b, p) = (x[1].shape[0], x[1].shape[1])
        let width = x[0].shape.dropFirst(2).reduce(1, *)
        var out = [Float](repeating: 0, count: b * length * width)
        let updates = x[0].floats, positions = x[1].int32s
        updates.withUnsafeBufferPointer { u in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<(b * p) {
                    let row = Int(positions[i])
                    precondition(
                        row >= 0 && row < length,
                        "batch_scatter_add: position \(row) out of range [0, \(length))")
                    let dst = ((i / p) * length + row) * width
                    for j in 0..<width { o[dst + j] += u[i * width + j] }
                }
            }
        }
        return Tensor(out, shape: [b, length] + x[0].shape.dropFirst(2))
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g.batchGather(x[1]), nil] }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        precondition(
            t[0].shape.rank == 3,
            "batch_scatter_add: lowering needs rank-3 updates, got \(t[0].shape)")
        let oneHot = tr.addNode(
            "OneHot",
            inputs: [
                x[1], tr.intConstant([length], scalar: true), tr.floatConstant([1]),
                tr.floatConstant([0]),
            ],
            attrs: ["T": .type(.float32), "TI": .type(.int32), "axis": .int(-1)])
        let id = tr.addNode(
            "BatchMatMulV2", inputs: [.output(node: oneHot, outputArg: "output", index: 0), x[0]],
            attrs: ["T": .type(.float32), "adj_x": .bool(true)])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// Zeros `[B, length, d...]` with `self[b, p]` (`[B, P, d...]`) added at row
    /// `positions[b, p]`: the gradient of `batchGather`.
    public func batchScatterAdd(positions: Tensor, length: Int) -> Tensor {
        apply(BatchScatterAdd(length: length), [self, positions])
    }
}
