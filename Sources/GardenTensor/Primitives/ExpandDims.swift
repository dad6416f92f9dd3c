/// Inserts an axis of size 1 (the attention mask `[B, S]` → `[B, 1, S]`).
///
/// Shapes: `[d0, ..., dn]` → the same with a 1 at `axis` (`0...rank`). Works with unknown dims,
/// unlike a `Reshape` with a constant shape. vjp: a reshape back. TF: `ExpandDims` with an
/// int32 scalar `dim` (output `output`).
struct ExpandDims: Primitive {
    var axis: Int
    var name: String { "expand_dims" }

    func outputType(_ t: [TensorType]) -> TensorType {
        guard var dims = t[0].shape.dims else { return TensorType(t[0].dtype, .unknownRank) }
        precondition(
            axis >= 0 && axis <= dims.count,
            "expand_dims: axis \(axis) out of range for \(t[0].shape)")
        dims.insert(1, at: axis)
        return TensorType(t[0].dtype, Shape(dims))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        var dims = x[0].shape
        dims.insert(1, at: axis)
        switch x[0].storage {
        case .float(let f): return Tensor(f, shape: dims)
        case .int(let i): return Tensor(int32: i, shape: dims)
        case .symbolic, .released: preconditionFailure("expand_dims: \(x[0]) in forward")
        }
    }

    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [x[0].dtype == .float32 ? g.reshaped(x[0].shape) : nil]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(
            "ExpandDims", inputs: [x[0], tr.intConstant([axis], scalar: true)],
            attrs: ["T": .type(t[0].dtype), "Tdim": .type(.int32)])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// This tensor with a new axis of size 1 at `axis`.
    public func expandingDims(at axis: Int) -> Tensor { apply(ExpandDims(axis: axis), [self]) }
}
