/// Reshapes the trailing axes and keeps the leading ones as they are, even when they are only
/// known at run time: split heads `[B, S, N·D]` → `[B, S, N, D]` and merge them back.
///
/// A plain `Reshape` with a constant shape allows one `-1`; BERT's batch and sequence are both
/// dynamic, so the leading dims are read from the input at run time.
///
/// Shapes: `[l0, ..., l(keep-1), t...]` → `[l0, ..., l(keep-1)] + trailing`, where the element
/// counts of `t...` and `trailing` agree. vjp: a reshape back. TF: `Reshape` with a constant
/// shape when the leading dims are known, else with
/// `ConcatV2(StridedSlice(Shape(x), [0], [keep], [1]), Const(trailing), 0)`.
struct ReshapeTrailing: Primitive {
    var keep: Int
    var trailing: [Int]
    var name: String { "reshape_trailing" }

    func outputType(_ t: [TensorType]) -> TensorType {
        guard let dims = t[0].shape.dims, dims.count >= keep else {
            preconditionFailure("reshape_trailing: cannot keep \(keep) axes of \(t[0].shape)")
        }
        let rest = dims[keep...]
        precondition(
            rest.contains(-1) || rest.reduce(1, *) == trailing.reduce(1, *),
            "reshape_trailing: cannot reshape \(t[0].shape) to \(keep) leading axes + \(trailing)")
        return TensorType(t[0].dtype, Shape(Array(dims[..<keep]) + trailing))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let out = outputType([TensorType(x[0].dtype, Shape(x[0].shape))]).shape.dims ?? []
        switch x[0].storage {
        case .float(let f): return Tensor(f, shape: out)
        case .int(let i): return Tensor(int32: i, shape: out)
        case .symbolic, .released: preconditionFailure("reshape_trailing: \(x[0]) in forward")
        }
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g.reshaped(x[0].shape)] }
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let leading = Array((t[0].shape.dims ?? [])[..<keep])
        let shape: GraphRef
        if !leading.contains(-1) {
            shape = tr.intConstant(leading + trailing)
        } else {
            let full = tr.addNode(
                "Shape", inputs: [x[0]],
                attrs: ["T": .type(t[0].dtype), "out_type": .type(.int32)])
            let head = tr.addNode(
                "StridedSlice",
                inputs: [
                    .output(node: full, outputArg: "output", index: 0), tr.intConstant([0]),
                    tr.intConstant([keep]), tr.intConstant([1]),
                ],
                attrs: ["T": .type(.int32), "Index": .type(.int32)])
            let concat = tr.addNode(
                "ConcatV2",
                inputs: [
                    .output(node: head, outputArg: "output", index: 0),
                    tr.intConstant(trailing), tr.intConstant([0], scalar: true),
                ],
                attrs: ["N": .int(2), "T": .type(.int32), "Tidx": .type(.int32)])
            shape = .output(node: concat, outputArg: "output", index: 0)
        }
        let id = tr.addNode(
            "Reshape", inputs: [x[0], shape],
            attrs: ["T": .type(t[0].dtype), "Tshape": .type(.int32)])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// Keeps the first `keep` axes (possibly unknown in a trace) and reshapes the rest to
    /// `trailing`: `[B, S, 12]` with `keep: 2, trailing: [3, 4]` gives `[B, S, 3, 4]`.
    public func reshapingTrailing(keep: Int, to trailing: [Int]) -> Tensor {
        apply(ReshapeTrailing(keep: keep, trailing: trailing), [self])
    }
}
