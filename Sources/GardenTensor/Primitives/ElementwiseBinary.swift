/// What the four broadcasting arithmetic primitives share: the shape rule (NumPy broadcasting),
/// and a lowering to one TensorFlow op with attr `T`.
protocol ElementwiseBinary: Primitive {
    /// TensorFlow op name (`AddV2`, `Sub`, `Mul`, `RealDiv`).
    var tfOp: String { get }
    /// The element function on float32 and on int32 operands. Static functions of the primitive's
    /// type, not closures: `broadcastBinary` specializes on the type, so its loops call them
    /// inline and vectorize. A closure captured by a `ParallelFor` part was called per element
    /// (a third of the 784-256-10 MLP's step went to the calls, docs/performance.md).
    static func float(_ a: Float, _ b: Float) -> Float
    static func int32(_ a: Int32, _ b: Int32) -> Int32
}

/// A primitive's float32 element function as `broadcastBinary`'s type parameter.
enum FloatElements<Op: ElementwiseBinary>: BinaryElementFunction {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { Op.float(a, b) }
}

/// A primitive's int32 element function as `broadcastBinary`'s type parameter.
enum Int32Elements<Op: ElementwiseBinary>: BinaryElementFunction {
    @inline(__always) static func apply(_ a: Int32, _ b: Int32) -> Int32 { Op.int32(a, b) }
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

    func forward(_ x: [Tensor]) -> Tensor {
        let out = outputShape(x)
        switch (x[0].storage, x[1].storage) {
        case (.float(let a), .float(let b)):
            return Tensor(
                broadcastBinary(
                    a, x[0].shape, b, x[1].shape, outShape: out, FloatElements<Self>.self),
                shape: out)
        case (.int(let a), .int(let b)):
            return Tensor(
                int32: broadcastBinary(
                    a, x[0].shape, b, x[1].shape, outShape: out, Int32Elements<Self>.self),
                shape: out)
        default:
            preconditionFailure("\(name): unsupported operands \(x[0].dtype), \(x[1].dtype)")
        }
    }
}
