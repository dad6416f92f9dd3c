/// A reference to a tensor inside a traced function body.
public enum GraphRef: Hashable, Sendable {
    /// A function argument, by name.
    case argument(String)
    /// Output `index` of the output arg `outputArg` of node `node` (TensorFlow's
    /// `node:output_arg:index` syntax in FunctionDefs).
    case output(node: String, outputArg: String, index: Int)

    /// The reference as TensorFlow writes it inside a FunctionDef body.
    public var functionBodyName: String {
        switch self {
        case .argument(let name): return name
        case .output(let node, let arg, let index): return "\(node):\(arg):\(index)"
        }
    }
}

/// One operation of a traced function: a TensorFlow op with its inputs and attributes.
public struct GraphNode: Hashable, Sendable {
    public var name: String
    public var op: String
    public var inputs: [GraphRef]
    /// Names of nodes that must run before this one (`^name`).
    public var controlInputs: [String]
    /// Attributes sorted by key, so serialization is deterministic.
    public var attrs: [String: GraphAttr]

    public init(
        name: String, op: String, inputs: [GraphRef], controlInputs: [String] = [],
        attrs: [String: GraphAttr]
    ) {
        self.name = name; self.op = op; self.inputs = inputs
        self.controlInputs = controlInputs; self.attrs = attrs
    }
}

/// A named output of a traced function.
public struct GraphOutput: Hashable, Sendable {
    public var name: String
    public var ref: GraphRef
    public var dtype: DType
    public var shape: Shape

    public init(name: String, ref: GraphRef, dtype: DType, shape: Shape) {
        self.name = name; self.ref = ref; self.dtype = dtype; self.shape = shape
    }
}

/// A function traced from the Swift forward code: arguments, the variables it reads (each one a
/// trailing `DT_RESOURCE` argument, in first-read order), the body, and the outputs.
///
/// This is what the exporter lowers to a TensorFlow `FunctionDef`.
public struct GraphFunction: Sendable {
    public var arguments: [TensorSpec]
    /// Variables read by the body, in the order of their resource arguments.
    public var captures: [Parameter]
    /// The resource argument name of each capture (same order as `captures`).
    public var captureArgumentNames: [String]
    public var nodes: [GraphNode]
    public var outputs: [GraphOutput]
    /// Nodes with side effects and no outputs (variable assignments) that must run.
    public var controlOutputs: [String]
    /// Captured tables and assets, in the order of their arguments (after the variables').
    public var resources: [GraphResource]
    /// The argument name of each resource (same order as `resources`).
    public var resourceArgumentNames: [String]

    public init(
        arguments: [TensorSpec], captures: [Parameter], captureArgumentNames: [String],
        nodes: [GraphNode], outputs: [GraphOutput], controlOutputs: [String],
        resources: [GraphResource] = [], resourceArgumentNames: [String] = []
    ) {
        self.arguments = arguments; self.captures = captures
        self.captureArgumentNames = captureArgumentNames; self.nodes = nodes
        self.outputs = outputs; self.controlOutputs = controlOutputs
        self.resources = resources; self.resourceArgumentNames = resourceArgumentNames
    }
}
