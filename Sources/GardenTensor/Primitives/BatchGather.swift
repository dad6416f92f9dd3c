/// Per-example gather along axis 1: for each batch row `b`, the items of `x[b]` at
/// `positions[b]` (BERT's `masked_lm_positions`).
///
/// Shapes: `x [B, S, d...]` (float32), `positions [B, P]` (int32) → `[B, P, d...]`. Kernel: one
/// contiguous copy per position. vjp: `BatchScatterAdd`. TF: `GatherV2(x, positions, Const(1))`
/// with `batch_dims: 1` (output `output`).
struct BatchGather: Primitive {
    var name: String { "batch_gather" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t[0].dtype == .float32 && t[1].dtype == .int32,
            "batch_gather: expects float32 x and int32 positions, got \(t[0].dtype), \(t[1].dtype)")
        guard let x = t[0].shape.dims, let p = t[1].shape.dims, x.count >= 2, p.count == 2 else {
            preconditionFailure(
                "batch_gather: needs x [B, S, ...] and positions [B, P], got \(t[0].shape), \(t[1].shape)"
            )
        }
        precondition(
            x[0] == p[0] || x[0] < 0 || p[0] < 0,
            "batch_gather: batch sizes differ: \(t[0].shape) and \(t[1].shape)")
        return TensorType(.float32, Shape([max(x[0], p[0]), p[1]] + x.dropFirst(2)))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let (b, s, p) = (x[0].shape[0], x[0].shape[1], x[1].shape[1])
        let width = x[0].shape.dropFirst(2).reduce(1, *)
        let values = x[0].floats, positions = x[1].int32s
        let out = [Float](unsafeUninitializedCapacity: b * p * width) { buf, count in
            values.withUnsafeBufferPointer { v in
                for i in 0..<(b * p) {
                    let row = Int(positions[i])
                    precondition(
                        row >= 0 && row < s,
                        "batch_gather: position \(row) out of range [0, \(s)) for x \(x[0].shape)")
                    let src = ((i / p) * s + row) * width
                    for j in 0..<width { buf[i * width + j] = v[src + j] }
                }
            }
            count = b * p * width
        }
        return Tensor(out, shape: [b, p] + x[0].shape.dropFirst(2))
    }

    // The positions; of the sequence only its shape.
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { index == 1 }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [g.batchScatterAdd(positions: x[1], length: x[0].shape[1]), nil]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(
            "GatherV2", inputs: [x[0], x[1], tr.intConstant([1], scalar: true)],
            attrs: [
                "Tparams": .type(.float32), "Tindices": .type(.int32), "Taxis": .type(.int32),
                "batch_dims": .int(1),
            ])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// For each batch row `b`, the items `self[b, positions[b, p]]`: `[B, S, d...]` with
    /// `positions [B, P]` gives `[B, P, d...]`.
    public func batchGather(_ positions: Tensor) -> Tensor {
        apply(BatchGather(), [self, positions])
    }
}
