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
    /// Whether a later vjp that reads this primitive's output gets it computed again by
    /// `recompute` in the backward pass instead of keeping it from the forward (default false).
    /// GELU, dropout, batched products and sums say so; `apply` takes it up only for large
    /// outputs whose every input stays alive anyway or is recomputed itself, so memory never
    /// grows (`recomputation(of:_:needed:tape:)`).
    var recomputesOutput: Bool { get }
    /// The forward's output again, bit for bit, from the same inputs (default: `forward`).
    func recompute(_ inputs: [Tensor]) -> Tensor
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
    public var recomputesOutput: Bool { false }
    public func recompute(_ inputs: [Tensor]) -> Tensor { forward(inputs) }
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
    // Only what the vjp reads stays alive with the tape entry; an input whose producer
    // recomputes it is not kept at all, but computed again when the vjp runs.
    var kept = inputs.indices.map { i in
        primitive.vjpReadsInput(i, needed: needed) ? inputs[i].detached : inputs[i].shapeOnly
    }
    var recomputed: [(input: Int, source: Recomputation)] = []
    if tape.recomputes {
        for (i, j) in tapeInputs.enumerated() {
            guard let j, let source = tape.recomputation(of: j),
                primitive.vjpReadsInput(i, needed: needed)
            else { continue }
            kept[i] = inputs[i].shapeOnly
            source.addReader()
            recomputed.append((i, source))
        }
    }
    let keptOutput = primitive.vjpReadsOutput ? output : output.shapeOnly
    let recompute =
        primitive.recomputesOutput && output.count >= recomputedElements
        ? recomputation(of: primitive, inputs, needed: needed, tape: tape) : nil
    // Two closures so that the common one (nothing recomputed) captures no more than it uses.
    let backward: (Tensor) -> [Tensor?] =
        recomputed.isEmpty
        ? { [kept] grad in
            vjp(primitive, kept, keptOutput, grad, needed: everyInput ? nil : needed)
        }
        : { [kept] grad in
            var inputs = kept
            for (i, source) in recomputed { inputs[i] = source.read() }
            return vjp(primitive, inputs, keptOutput, grad, needed: everyInput ? nil : needed)
        }
    let index = tape.record(
        inputs: tapeInputs, shape: output.shape, keepsOutput: primitive.vjpReadsOutput,
        recompute: recompute, backward: backward)
    return output.onTape(index)
}

/// `primitive`'s vjp, of every input (`needed` nil) or of those `needed` marks.
@inline(__always)
private func vjp(
    _ primitive: Primitive, _ inputs: [Tensor], _ output: Tensor, _ grad: Tensor, needed: [Bool]?
) -> [Tensor?] {
    guard let needed else { return primitive.vjp(inputs, output, grad) }
    return primitive.vjp(inputs, output, grad, needed: needed)
}

/// How a later vjp gets the output of `primitive` (which `recomputesOutput`) again instead of
/// keeping it, or nil to keep it.
///
/// `apply` asks only for outputs of at least `recomputedElements` elements: recomputing trades
/// time for memory (GELU's erf is not free), which pays where activations are large (a BERT
/// layer at 4× intermediate size and sequence 128) and not in small models. And only when that
/// keeps nothing alive that would otherwise be freed: each input is recomputed by its own
/// producer, read by the primitive's own vjp, kept by its producer's vjp, or a scalar (dropout's
/// rate). `needed` marks the inputs on the tape, as `apply` hands them to the vjp.
func recomputation(
    of primitive: Primitive, _ inputs: [Tensor], needed: [Bool], tape: Tape
) -> Recomputation? {
    var sources: [Recomputation.Input] = []
    for (i, input) in inputs.enumerated() {
        if let j = input.tapeIndex, let source = tape.recomputation(of: j) {
            sources.append(.recomputed(source))
            continue
        }
        let alive =
            primitive.vjpReadsInput(i, needed: needed) || input.count == 1
            || input.tapeIndex.map { tape.keepsOutput(of: $0) } ?? false
        guard alive else { return nil }
        sources.append(.value(input.detached))
    }
    return Recomputation(inputs: sources) { primitive.recompute($0) }
}

/// 8 MiB of Float32 (2^21 elements): a BERT-base-sized layer's attention probabilities and
/// intermediate activations are above, the bench's bert_tiny and MLPs below.
/// (A computed constant: a global `let` is initialized lazily, checked at every read.)
var recomputedElements: Int { 1 << 21 }
