/// `relu(a + b)` for two float32 tensors of one shape: a residual connection's sum and its
/// activation in one pass each way instead of two (a ResNet block's output; at batch 64 the
/// first stage's is 4 MB, a pass over which took about 1 ms, docs/performance.md).
///
/// Kernel and vjp do the two primitives' Float operations in their order, so values and
/// gradients equal `(a + b).relu()`'s bit for bit (`FusedPrimitiveTests`). vjp: ReLU's
/// `g · sign(y)` once, the gradient of both inputs (the sum passes its output's gradient to
/// each).
/// TF: `AddV2` then `Relu`, the ops of the two it fuses, so a trace is the same graph.
struct AddRelu: Primitive {
    var name: String { "add_relu" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t[0].dtype == .float32 && t[1].dtype == .float32,
            "add_relu: expects float32, got \(t[0].dtype) and \(t[1].dtype)")
        // A trace lowers to TF's broadcasting ops; the kernel below takes one shape only.
        return Add().outputType(t)
    }

    func forward(_ x: [Tensor]) -> Tensor { x[0].mapElements(with: x[1], Forward.self) }

    /// `Relu.f(Add.float(a, b))`.
    enum Forward: BinaryElementFunction {
        static func apply(_ a: Float, _ b: Float) -> Float { Relu.f(Add.float(a, b)) }
        @inline(__always)
        static func applyLanes(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
            Relu.lanes(a + b)
        }
    }

    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        vjp(x, y, g, needed: [true, true])
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, needed: [Bool]) -> [Tensor?] {
        guard needed.contains(true) else { return [nil, nil] }
        let sum = y.mapElements(with: g, Relu.Backward.self)
        return needed.map { $0 ? sum : nil }
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        Relu().lower(tr, [Add().lower(tr, x, t)], [outputType(t)])
    }
}

extension Tensor {
    /// `(a + b).relu()`: for float32 tensors of one shape (a residual connection's sum) in one
    /// pass each way, the same values and gradients; otherwise the two ops.
    public static func reluOfSum(_ a: Tensor, _ b: Tensor) -> Tensor {
        let fuses =
            a.dtype == .float32 && b.dtype == .float32 && a.symbolicShape == b.symbolicShape
        return fuses ? apply(AddRelu(), [a, b]) : (a + b).relu()
    }
}
