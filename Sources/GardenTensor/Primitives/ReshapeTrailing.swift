/// Reshapes the trailing axes and keeps the leading ones as they are, even when they are only
/// known at run time: split heads `[B, S, N·D]` → `[B, S, N, D]` and merge them back. With a
/// second input, the leading axes are that tensor's instead (its values are never read): a
/// dense layer's `[B·S, units]` product back to its input's `[B, S]`.
///
/// A plain `Reshape` with a constant shape allows one `-1`; BERT's batch and sequence are both
/// dynamic, so the leading dims are read at run time.
///
/// Shapes: `[l0, ..., l(keep-1), t...]` → `[l0, ..., l(keep-1)] + trailing`, where the element
/// counts of `t...` and `trailing` agree; with a second input `[l0, ..., l(keep-1), ...]`, any
/// first input of as many elements. vjp: a reshape back (none for the second input). TF:
/// `Reshape` with a constant shape when the leading dims are known, else with
/// `ConcatV2(StridedSlice(Shape(leading), [0], [keep], [1]), Const(trailing), 0)`.
struct ReshapeTrailing: Primitive {
    var keep: Int
    var trailing: [Int]
    var name: String { "reshape_trailing" }

    func outputType(_ t: [TensorType]) -> TensorType {
        let source = t[t.count - 1].shape
        guard let dims = source.dims, dims.count >= keep else {
            preconditionFailure("reshape_trailing: cannot keep \(keep) axes of \(source)")
        }
        let leading = Array(dims[..<keep])
        if t.count == 1 {
            let rest = dims[keep...]
            precondition(
                rest.contains(-1) || rest.reduce(1, *) == trailing.reduce(1, *),
                "reshape_trailing: cannot reshape \(t[0].shape) to \(keep) leading axes + \(trailing)"
            )
        } else if let n = t[0].shape.elementCount, !leading.contains(-1) {
            precondition(
                n == (leading + trailing).reduce(1, *),
                "reshape_trailing: cannot reshape \(t[0].shape) to \(leading) + \(trailing)")
        }
        return TensorType(t[0].dtype, Shape(leading + trailing))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let out = outputType(x.map { TensorType($0.dtype, Shape($0.shape)) }).shape.dims ?? []
        switch x[0].storage {
        case .float(let f): return Tensor(f, shape: out)
        case .int(let i): return Tensor(int32: i, shape: out)
        case .symbolic, .released: preconditionFailure("reshape_trailing: \(x[0]) in forward")
        }
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        // None for a tensor that only lends its leading axes.
        [g.reshaped(x[0].shape)] + [Tensor?](repeating: nil, count: x.count - 1)
    }
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let source = x.count - 1
        let leading = Array((t[source].shape.dims ?? [])[..<keep])
        let shape: GraphRef
        if !leading.contains(-1) {
            shape = tr.intConstant(leading + trailing)
        } else {
            let full = tr.addNode(
                "Shape", inputs: [x[source]],
                attrs: ["T": .type(t[source].dtype), "out_type": .type(.int32)])
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

    /// These values as `leading`'s first `keep` axes (possibly unknown in a trace) followed by
    /// `trailing`: a `[B·S, 8]` product with `keep: 2, trailing: [8]` and a `[B, S, 4]` input
    /// gives `[B, S, 8]`. No gradient flows to `leading`.
    public func reshapingTrailing(keep: Int, to trailing: [Int], leadingOf leading: Tensor)
        -> Tensor
    {
        apply(ReshapeTrailing(keep: keep, trailing: trailing), [self, leading.detached])
    }
}
