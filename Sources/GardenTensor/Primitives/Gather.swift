/// Rows of `params` picked by integer indices (a gather along axis 0): embedding lookups.
///
/// Shapes: `params [n, d1, ...]` (float32), `indices` int32 of any shape `I` → `I + [d1, ...]`.
/// Kernel: one contiguous row copy per index. vjp: `ScatterAddRows` of the gradient into
/// zeros of `params`' shape (a row picked twice gets both gradients). TF:
/// `GatherV2(params, indices, Const(0))` with `Tparams`, `Tindices`, `Taxis` (output `output`).
struct Gather: Primitive {
    var name: String { "gather" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t[0].dtype == .float32 && t[1].dtype == .int32,
            "gather: expects float32 params and int32 indices, got \(t[0].dtype), \(t[1].dtype)")
        guard let p = t[0].shape.dims, !p.isEmpty else {
            preconditionFailure("gather: params must have rank >= 1, got \(t[0].shape)")
        }
        guard let i = t[1].shape.dims else { return TensorType(.float32, .unknownRank) }
        return TensorType(.float32, Shape(i + p.dropFirst()))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let rows = x[0].shape[0]
        let width = x[0].shape.dropFirst().reduce(1, *)
        let params = x[0].floats, indices = x[1].int32s
        let out = [Float](unsafeUninitializedCapacity: indices.count * width) { buf, count in
            params.withUnsafeBufferPointer { p in
                for (i, index) in indices.enumerated() {
                    let r = Int(index)
                    precondition(
                        r >= 0 && r < rows,
                        "gather: index \(r) out of range [0, \(rows)) for params \(x[0].shape)")
                    for j in 0..<width { buf[i * width + j] = p[r * width + j] }
                }
            }
            count = indices.count * width
        }
        return Tensor(out, shape: x[1].shape + x[0].shape.dropFirst())
    }

    // The indices; of the table only its shape.
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { index == 1 }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [g.scatterAddRows(indices: x[1], rowCount: x[0].shape[0]), nil]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(
            "GatherV2", inputs: [x[0], x[1], tr.intConstant([0], scalar: true)],
            attrs: ["Tparams": .type(.float32), "Tindices": .type(.int32), "Taxis": .type(.int32)])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// The rows of this tensor (`[n, d...]`) at int32 `indices` of any shape: `indices.shape + [d...]`.
    public func gather(_ indices: Tensor) -> Tensor { apply(Gather(), [self, indices]) }
}
