/// Same values, new shape. One dimension may be `-1` (inferred). TF: `Reshape` with an int32
/// shape constant (a `-1` there is resolved by TF at run time, so unknown batch sizes work).
struct Reshape: Primitive {
    var newShape: [Int]
    var name: String { "reshape" }

    func outputType(_ t: [TensorType]) -> TensorType {
        guard newShape.contains(-1), let n = t[0].shape.elementCount else {
            return TensorType(t[0].dtype, Shape(newShape))
        }
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        return TensorType(t[0].dtype, Shape(newShape.map { $0 == -1 ? n / max(known, 1) : $0 }))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let out = outputType([TensorType(x[0].dtype, Shape(x[0].shape))]).shape.dims ?? []
        precondition(
            out.reduce(1, *) == x[0].count,
            "reshape: cannot reshape \(x[0].shape) to \(newShape)")
        switch x[0].storage {
        case .float(let f): return Tensor(f, shape: out)
        case .int(let i): return Tensor(int32: i, shape: out)
        case .symbolic, .released: preconditionFailure("reshape: \(x[0]) in forward")
        }
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g.reshaped(x[0].shape)] }
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(
            "Reshape", inputs: [x[0], tr.intConstant(newShape)],
            attrs: ["T": .type(t[0].dtype)])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// The same values with a new shape; one dimension may be -1.
    public func reshaped(_ shape: [Int]) -> Tensor {
        if !isSymbolic && shape == self.shape { return self }
        return apply(Reshape(newShape: shape), [self])
    }
}
