/// Converts between dtypes (int32 masks to float32, float32 to int32 by truncation).
///
/// Shapes: unchanged. vjp: the gradient itself for float32 → float32, none otherwise (integers
/// are not differentiable). TF: `Cast` with `SrcT`, `DstT` (output `y`).
struct Cast: Primitive {
    var to: DType
    var name: String { "cast" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t[0].dtype != .bool && to != .bool,
            "cast: bool tensors exist only in traces, got \(t[0].dtype) to \(to)")
        return TensorType(to, t[0].shape)
    }

    func forward(_ x: [Tensor]) -> Tensor {
        switch (x[0].storage, to) {
        case (.int(let i), .float32): return Tensor(i.map { Float($0) }, shape: x[0].shape)
        case (.float(let f), .int32): return Tensor(int32: f.map { Int32($0) }, shape: x[0].shape)
        case (.int, .int32), (.float, .float32): return x[0].detached
        default: preconditionFailure("cast: unsupported \(x[0].dtype) to \(to)")
        }
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [x[0].dtype == .float32 && to == .float32 ? g : nil]
    }
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(
            "Cast", inputs: x, attrs: ["SrcT": .type(t[0].dtype), "DstT": .type(to)])
        return .output(node: id, outputArg: "y", index: 0)
    }
}

extension Tensor {
    /// The values converted to `dtype` (float32 → int32 truncates toward zero).
    public func cast(to dtype: DType) -> Tensor {
        dtype == self.dtype ? self : apply(Cast(to: dtype), [self])
    }
}
