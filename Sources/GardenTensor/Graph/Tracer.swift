/// Records primitive ops as graph nodes instead of computing them.
///
/// While a tracer is active (`Tracer.trace`), tensors built from its arguments are symbolic: each
/// primitive appends the TensorFlow ops of its lowering here, and each parameter read becomes a
/// `ReadVariableOp` of a captured resource argument, so gradients reach the exported variables
/// when TensorFlow fine-tunes.
public final class Tracer {
    /// The tracer of the innermost `trace` call on this thread, if any.
    static var current: Tracer? {
        get { ExecutionContext.current.tracer }
        set { ExecutionContext.current.tracer = newValue }
    }

    private(set) var arguments: [TensorSpec] = []
    private(set) var captures: [Parameter] = []
    private(set) var captureArgumentNames: [String] = []
    private var captureIndex: [ObjectIdentifier: Int] = [:]
    private var reads: [ObjectIdentifier: Tensor] = [:]
    private(set) var nodes: [GraphNode] = []
    private var nameCounts: [String: Int] = [:]
    private var usedArgumentNames: Set<String> = []
    private(set) var controlOutputs: [String] = []
    private(set) var resources: [GraphResource] = []
    private(set) var resourceArgumentNames: [String] = []
    /// Each constant value's one `Const` node, named where it was first needed: BERT-base's
    /// inference function had 858 `Const` nodes of 20 values (a node for every shape, axis and
    /// scalar an op read), which TensorFlow's loader instantiates and Grappler walks before it
    /// folds them into one per value.
    private var constants: [ConstantKey: GraphRef] = [:]
    /// The node of each computation of `sharedOps` traced so far.
    private var sharedNodes: [SharedNodeKey: String] = [:]
    /// Scope prefix for node names (`dense_0/MatMul`), for readable graphs.
    var scope: [String] = []

    init() {}

    /// Traces `body` with symbolic arguments of the given specs and returns the function.
    ///
    /// - Parameters:
    ///   - arguments: user inputs (name, dtype, shape with -1 for unknown dims); the body gets one
    ///     symbolic tensor per argument, in this order.
    ///   - body: the forward code; returns the named outputs.
    /// - Returns: the traced function: its nodes, captured variables and named outputs.
    public static func trace(
        arguments: [TensorSpec],
        _ body: ([Tensor]) throws -> [(name: String, tensor: Tensor)]
    ) rethrows -> GraphFunction {
        let tracer = Tracer()
        let saved = ExecutionContext.current
        ExecutionContext.current = ExecutionContext(tape: nil, tracer: tracer)
        defer { ExecutionContext.current = saved }
        let inputs = arguments.map { tracer.addArgument($0) }
        let results = try body(inputs)
        var outputs: [GraphOutput] = []
        for (name, t) in results {
            // Every output goes through an Identity so an output can also be an argument or be
            // returned twice, and so control outputs can be attached to it.
            let ref = tracer.symbolicRef(t)
            let id = tracer.addNode(
                "Identity", inputs: [ref], attrs: ["T": .type(t.dtype)],
                controlInputs: tracer.controlOutputs)
            outputs.append(
                GraphOutput(
                    name: name, ref: .output(node: id, outputArg: "output", index: 0),
                    dtype: t.dtype, shape: t.symbolicShape))
        }
        return GraphFunction(
            arguments: tracer.arguments, captures: tracer.captures,
            captureArgumentNames: tracer.captureArgumentNames, nodes: tracer.nodes,
            outputs: outputs, controlOutputs: tracer.controlOutputs,
            resources: tracer.resources, resourceArgumentNames: tracer.resourceArgumentNames)
    }

    private func uniqueArgumentName(_ base: String) -> String {
        var name = sanitize(base)
        var i = 1
        while usedArgumentNames.contains(name) { name = sanitize(base) + "_\(i)"; i += 1 }
        usedArgumentNames.insert(name)
        return name
    }

    private func sanitize(_ s: String) -> String {
        let mapped = s.lowercased().map { c -> Character in
            (c.isLetter && c.isASCII) || (c.isNumber && c.isASCII) || c == "_" ? c : "_"
        }
        var out = String(mapped)
        if let first = out.first, first.isNumber { out = "_" + out }
        return out.isEmpty ? "arg" : out
    }

    func addArgument(_ spec: TensorSpec) -> Tensor {
        var spec = spec
        spec.name = uniqueArgumentName(spec.name)
        arguments.append(spec)
        return Tensor(
            symbolic: SymbolicValue(tracer: self, ref: .argument(spec.name)),
            dtype: spec.dtype, shape: spec.shape)
    }

    /// The symbolic reference of `t`; a concrete tensor becomes a `Const` node.
    func symbolicRef(_ t: Tensor) -> GraphRef {
        if case .symbolic(let s) = t.storage {
            precondition(s.tracer === self, "tensor from another trace used in this one")
            return s.ref
        }
        return constant(t)
    }

    /// The `Const` node holding a concrete tensor's value.
    func constant(_ t: Tensor) -> GraphRef {
        let value: GraphConstant
        switch t.storage {
        case .float(let f): value = GraphConstant(floats: f, shape: t.shape)
        case .int(let i): value = GraphConstant(ints: i, shape: t.shape)
        case .symbolic, .released: preconditionFailure("constant() of a \(t) tensor")
        }
        return constant(value)
    }

    /// An int32 vector constant (shapes, axes, permutations).
    public func intConstant(_ values: [Int], scalar: Bool = false) -> GraphRef {
        constant(Tensor(int32: values.map { Int32($0) }, shape: scalar ? [] : [values.count]))
    }

    /// A float32 constant of the given shape.
    public func floatConstant(_ values: [Float], shape: [Int] = []) -> GraphRef {
        constant(Tensor(values, shape: shape))
    }

    /// Appends a node and returns its unique name. Names follow TensorFlow's habit: the op name,
    /// then `_1`, `_2`, ... for repeats, under the current scope.
    ///
    /// A node of one of `sharedOps` that repeats one already traced (the same op, inputs and
    /// attributes, no control inputs) is not appended: its name is that node's.
    @discardableResult
    public func addNode(
        _ op: String, inputs: [GraphRef], attrs: [String: GraphAttr],
        controlInputs: [String] = [], name: String? = nil
    ) -> String {
        let shared =
            controlInputs.isEmpty && Tracer.sharedOps.contains(op)
            ? SharedNodeKey(op: op, inputs: inputs, attrs: attrs) : nil
        if let shared, let existing = sharedNodes[shared] { return existing }
        let base = (scope + [name ?? op]).joined(separator: "/")
        let count = nameCounts[base, default: 0]
        nameCounts[base] = count + 1
        let unique = count == 0 ? base : "\(base)_\(count)"
        nodes.append(
            GraphNode(
                name: unique, op: op, inputs: inputs,
                controlInputs: controlInputs, attrs: attrs))
        if let shared { sharedNodes[shared] = unique }
        return unique
    }

    /// Ops whose output is a function of their inputs and attributes alone, and which lowerings
    /// repeat on the same inputs: the dense layers of one input (an attention's query, key and
    /// value) each reshaped it and read its shape (`Reshape`, `Shape`, `StridedSlice`,
    /// `ConcatV2`: 96 of BERT-base's 1363 inference nodes), every dropout of one rate computed
    /// `1 - rate` and its inverse (`Sub`, `RealDiv`: 70 of 1625 training nodes).
    static let sharedOps: Set<String> = [
        "Shape", "StridedSlice", "ConcatV2", "Reshape", "Sub", "RealDiv",
    ]

    /// Marks a node with side effects (a variable update) as one that must run.
    public func addControlOutput(_ node: String) { controlOutputs.append(node) }

    /// The resource argument for `parameter`, captured on first use.
    public func resourceArgument(for parameter: Parameter) -> GraphRef {
        let key = ObjectIdentifier(parameter)
        if let i = captureIndex[key] { return .argument(captureArgumentNames[i]) }
        let name = uniqueArgumentName(parameter.path + "_resource")
        captureIndex[key] = captures.count
        captures.append(parameter)
        captureArgumentNames.append(name)
        return .argument(name)
    }

    /// The argument for a captured table or asset, added on first use.
    public func resourceArgument(for resource: GraphResource) -> GraphRef {
        if let i = resources.firstIndex(where: { $0 === resource }) {
            return .argument(resourceArgumentNames[i])
        }
        let name = uniqueArgumentName(resource.name + "_resource")
        resources.append(resource)
        resourceArgumentNames.append(name)
        return .argument(name)
    }

    /// The tracer of the innermost active `trace` call, for graph-only builders (the tokenizer's
    /// string ops) that append nodes no primitive lowers to.
    public static var active: Tracer? { current }

    /// A symbolic tensor for output `ref` of this trace (any dtype, also the graph-only ones).
    public func tensor(_ ref: GraphRef, _ dtype: DType, _ shape: Shape) -> Tensor {
        Tensor(symbolic: SymbolicValue(tracer: self, ref: ref), dtype: dtype, shape: shape)
    }

    /// The reference of a tensor of this trace (a concrete one becomes a `Const`).
    public func ref(_ t: Tensor) -> GraphRef { symbolicRef(t) }

    /// The `Const` node of any constant (strings and int64 included): appended the first time
    /// this value is asked for under this name, the same node after.
    public func constant(_ value: GraphConstant, name: String = "Const") -> GraphRef {
        let key = ConstantKey(value, name: name)
        if let ref = constants[key] { return ref }
        let id = addNode(
            "Const", inputs: [], attrs: ["dtype": .type(value.dtype), "value": .tensor(value)],
            name: name)
        let ref = GraphRef.output(node: id, outputArg: "output", index: 0)
        constants[key] = ref
        return ref
    }

    /// A parameter read: `ReadVariableOp` of the captured resource (one read per trace, shared).
    func read(_ parameter: Parameter) -> Tensor {
        let key = ObjectIdentifier(parameter)
        if let t = reads[key] { return t }
        let resource = resourceArgument(for: parameter)
        let id = addNode(
            "ReadVariableOp", inputs: [resource],
            attrs: ["dtype": .type(parameter.value.dtype)],
            name: parameter.path.isEmpty ? "ReadVariableOp" : parameter.path + "/ReadVariableOp")
        let t = Tensor(
            symbolic: SymbolicValue(
                tracer: self, ref: .output(node: id, outputArg: "value", index: 0)),
            dtype: parameter.value.dtype, shape: Shape(parameter.value.shape))
        reads[key] = t
        return t
    }

    /// Runs `body` with node names prefixed by `name/`.
    public func withScope<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        scope.append(name)
        defer { scope.removeLast() }
        return try body()
    }
}

/// A constant's identity for sharing its node: the value bit for bit (`GraphConstant`'s own
/// equality holds `0.0 == -0.0`, two constants an op tells apart) and the node's name.
private struct ConstantKey: Hashable {
    let name: String
    let dtype: DType
    let shape: [Int]
    let floatBits: [UInt32]
    let ints: [Int32]
    let bools: [Bool]
    let strings: [String]
    let int64s: [Int64]

    init(_ value: GraphConstant, name: String) {
        self.name = name
        dtype = value.dtype; shape = value.shape
        floatBits = value.floats.map(\.bitPattern)
        ints = value.ints; bools = value.bools; strings = value.strings; int64s = value.int64s
    }
}

/// A node of `Tracer.sharedOps` as a computation: its op, inputs and attributes (none of those
/// ops has a tensor attribute, whose floats `==` would not tell `0.0` from `-0.0`).
private struct SharedNodeKey: Hashable {
    let op: String
    let inputs: [GraphRef]
    let attrs: [String: GraphAttr]
}

/// A tensor that exists only as a node output inside a trace.
struct SymbolicValue {
    unowned let tracer: Tracer
    let ref: GraphRef
}

extension Tracer {
    /// Lowers a fused primitive as the composite it stands for: `composite` runs on symbolic
    /// tensors for `inputs`, so the traced graph has exactly the ops (and constants) the composite
    /// alone would have appended, and exports do not change when a composite gets a fused kernel.
    func lowerAsComposite(
        _ inputs: [GraphRef], _ types: [TensorType], _ composite: ([Tensor]) -> Tensor
    ) -> GraphRef {
        let xs = zip(inputs, types).map {
            Tensor(symbolic: SymbolicValue(tracer: self, ref: $0), dtype: $1.dtype, shape: $1.shape)
        }
        return symbolicRef(composite(xs))
    }
}
