/// Adds slices of `updates` into rows of a zero tensor: the transpose of `Gather`.
///
/// Shapes: `updates I + [d1, ...]` (float32), `indices I` (int32) → `[rowCount, d1, ...]`, with
/// `out[indices[i]] += updates[i]`. Kernel: accumulates in index order, so repeated rows sum in
/// a fixed order (bitwise repeatable). vjp: `Gather` of the gradient. TF:
/// `UnsortedSegmentSum(updates, indices, Const(rowCount))` (output `output`).
struct ScatterAddRows: Primitive {
    var rowCount: Int
    var name: String { "scatter_add_rows" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t[0].dtype == .float32 && t[1].dtype == .int32,
            "scatter_add_rows: expects float32 updates and int32 indices, got \(t[0].dtype), \(t[1].dtype)"
        )
        guard let u = t[0].shape.dims, let i = t[1].shape.dims else {
            return TensorType(.float32, .unknownRank)
        }
        precondition(
            u.count >= i.count,
            "scatter_add_rows: updates \(t[0].shape) shorter than indices \(t[1].shape)")
        return TensorType(.float32, Shape([rowCount] + u.dropFirst(i.count)))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let indices = x[1].int32s
        let trailing = Array(x[0].shape.dropFirst(x[1].rank))
        let width = trailing.reduce(1, *)
        var out = [Float](repeating: 0, count: rowCount * width)
        let updates = x[0].floats
        updates.withUnsafeBufferPointer { u in
            out.withUnsafeMutableBufferPointer { o in
                for (i, index) in indices.enumerated() {
                    let r = Int(index)
                    precondition(
                        r >= 0 && r < rowCount,
                        "scatter_add_rows: index \(r) out of range [0, \(rowCount))")
                    for j in 0..<width { o[r * width + j] += u[i * width + j] }
                }
            }
        }
        return Tensor(out, shape: [rowCount] + trailing)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g.gather(x[1]), nil] }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(
            "UnsortedSegmentSum", inputs: [x[0], x[1], tr.intConstant([rowCount], scalar: true)],
            attrs: ["T": .type(.float32), "Tindices": .type(.int32), "Tnumsegments": .type(.int32)])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// Zeros of shape `[rowCount] + shape[indices.rank...]` with each slice of this tensor added
    /// at row `indices[i]` (the gradient of `gather`).
    public func scatterAddRows(indices: Tensor, rowCount: Int) -> Tensor {
        apply(ScatterAddRows(rowCount: rowCount), [self, indices])
    }
}
