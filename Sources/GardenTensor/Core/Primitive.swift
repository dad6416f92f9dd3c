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
    /// Whether the vjp reads the values of input `index` when `needed` marks the inputs whose
    /// gradients it computes; if not, the tape keeps only that input's shape and dtype. The
    /// default is true. What no vjp reads (a product's output, a bias sum's inputs, a reshape's)
    /// is freed as soon as the forward pass moves on instead of living until the backward pass.
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool
    /// Whether the vjp reads the forward's output (default true); see `vjpReadsInput`.
    var vjpReadsOutput: Bool { get }
    /// Appends the TensorFlow ops computing this primitive and returns the output reference.
    func lower(_ tracer: Tracer, _ inputs: [GraphRef], _ types: [TensorType]) -> GraphRef
}

extension Primitive {
    public func vjp(_ inputs: [Tensor], _ output: Tensor, _ grad: Tensor, needed: [Bool])
        -> [Tensor?]
    {
        vjp(inputs, output, grad)
    }

    public func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { true }
    public var vjpReadsOutput: Bool { true }
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
    let tapeInputs = inputs.map { $0.tapeIndex }
    let needed = tapeInputs.map { $0 != nil }
    let everyInput = !needed.contains(false)
    // Only what the vjp reads stays alive with the tape entry.
    let detachedInputs = inputs.indices.map { i in
        primitive.vjpReadsInput(i, needed: needed) ? inputs[i].detached : inputs[i].shapeOnly
    }
    let detachedOutput = primitive.vjpReadsOutput ? output : output.shapeOnly
    let index = tape.record(inputs: tapeInputs, shape: output.shape) { grad in
        everyInput
            ? primitive.vjp(detachedInputs, detachedOutput, grad)
            : primitive.vjp(
                detachedInputs, detachedOutput, grad, needed: needed)
    }
    return output.onTape(index)
}
