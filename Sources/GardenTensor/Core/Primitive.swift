/// The dtype and static shape of a tensor, as a shape rule sees it.
public struct TensorType: Hashable, Sendable {
    public var dtype: DType
    public var shape: Shape
    public init(_ dtype: DType, _ shape: Shape) { self.dtype = dtype; self.shape = shape }
}

/// One primitive operation: everything about it in one place.
///
/// - `outputType`: the shape and dtype rule (works on static shapes with unknown dims);
/// - `forward`: the CPU kernel on concrete inputs;
/// - `vjp`: the vector-Jacobian product, written with other primitives (or, for a fused
///   primitive, a kernel: backward runs eagerly, never taped or traced);
/// - `lower`: the TensorFlow ops it becomes in a traced graph.
///
/// Layers never call these directly: they call the `Tensor` methods, which go through `apply`.
public protocol Primitive {
    /// A short name for error messages.
    var name: String { get }
    func outputType(_ inputs: [TensorType]) -> TensorType
    func forward(_ inputs: [Tensor]) -> Tensor
    /// Gradients of the inputs given the output's gradient `grad` (nil where an input has none,
    /// e.g. integer labels).
    func vjp(_ inputs: [Tensor], _ output: Tensor, _ grad: Tensor) -> [Tensor?]
    /// The gradients of the inputs `needed` marks (those on the tape), nil for the others. The
    /// default computes every one; products and convolutions skip the rest (the first layer's
    /// data input needs none: a third of an MLP's GEMM work, the ResNet stem's costly col2im).
    func vjp(_ inputs: [Tensor], _ output: Tensor, _ grad: Tensor, needed: [Bool]) -> [Tensor?]
    /// Appends the TensorFlow ops computing this primitive and returns the output reference.
    func lower(_ tracer: Tracer, _ inputs: [GraphRef], _ types: [TensorType]) -> GraphRef
}

extension Primitive {
    public func vjp(_ inputs: [Tensor], _ output: Tensor, _ grad: Tensor, needed: [Bool])
        -> [Tensor?]
    {
        vjp(inputs, output, grad)
    }
}

/// Runs `primitive` in the current mode: traced inputs lower to graph nodes; otherwise the kernel
/// runs and, if a tape is active and any input is on it, the vjp is recorded.
public func apply(_ primitive: Primitive, _ inputs: [Tensor]) -> Tensor {
    let ctx = ExecutionContext.current
    if let tracer = ctx.tracer {
        let types = inputs.map { TensorType($0.dtype, $0.symbolicShape) }
        let out = primitive.outputType(types)
        let refs = inputs.map { tracer.symbolicRef($0) }
        let ref = primitive.lower(tracer, refs, types)
        return Tensor(
            symbolic: SymbolicValue(tracer: tracer, ref: ref),
            dtype: out.dtype, shape: out.shape)
    }
    for t in inputs where t.isSymbolic {
        preconditionFailure("\(primitive.name): symbolic input outside of its trace")
    }
    let output = primitive.forward(inputs)
    guard let tape = ctx.tape, inputs.contains(where: { $0.tapeIndex != nil }) else {
        return output
    }
    let detachedInputs = inputs.map { $0.detached }
    let detachedOutput = output
    let tapeInputs = inputs.map { $0.tapeIndex }
    let everyInput = !tapeInputs.contains(nil)
    let index = tape.record(inputs: tapeInputs, shape: output.shape) { grad in
        everyInput
            ? primitive.vjp(detachedInputs, detachedOutput, grad)
            : primitive.vjp(
                detachedInputs, detachedOutput, grad, needed: tapeInputs.map { $0 != nil })
    }
    return output.onTape(index)
}
