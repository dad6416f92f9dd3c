/// What the four broadcasting arithmetic primitives share: the shape rule (NumPy broadcasting),
/// and a lowering to one TensorFlow op with attr `T`.
protocol ElementwiseBinary: Primitive {
    /// TensorFlow op name (`AddV2`, `Sub`, `Mul`, `RealDiv`).
    var tfOp: String { get }
}

extension ElementwiseBinary {
    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t[0].dtype == t[1].dtype,
            "\(name): dtypes differ: \(t[0].dtype) and \(t[1].dtype)")
        guard let s = Shape.broadcast(t[0].shape, t[1].shape) else {
            preconditionFailure("\(name): shapes \(t[0].shape) and \(t[1].shape) do not broadcast")
        }
        return TensorType(t[0].dtype, s)
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(tfOp, inputs: x, attrs: ["T": .type(t[0].dtype)])
        return .output(node: id, outputArg: "z", index: 0)
    }

    func outputShape(_ x: [Tensor]) -> [Int] {
        outputType(x.map { TensorType($0.dtype, $0.symbolicShape) }).shape.dims ?? []
    }

    // Inlined into each primitive's forward so `ff` is a known function there: the loops in
    // broadcastBinary then compile to straight (vectorized) code instead of a call per element.
    @inline(__always)
    func combine(_ x: [Tensor], _ ff: (Float, Float) -> Float, _ fi: (Int32, Int32) -> Int32)
        -> Tensor
    {
        let out = outputShape(x)
        switch (x[0].storage, x[1].storage) {
        case (.float(let a), .float(let b)):
            return Tensor(
                broadcastBinary(a, x[0].shape, b, x[1].shape, outShape: out, ff), shape: out)
        case (.int(let a), .int(let b)):
            return Tensor(
                int32: broadcastBinary(a, x[0].shape, b, x[1].shape, outShape: out, fi),
                shape: out)
        default:
            preconditionFailure("\(name): unsupported operands \(x[0].dtype), \(x[1].dtype)")
        }
    }
}
