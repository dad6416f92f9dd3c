import Foundation
import GardenTensor
import TFProto

/// Turns a ``SavedModelSpec`` into a ``SavedModelAssembly``: FunctionDefs, the object graph
/// (§4.2), concrete-function signatures (§5.6–§5.8), the variables bundle with its checkpoint
/// graph (§7) and, optionally, the TF1 serving graph (§13).
///
/// Function names derive from their role (`__inference___call___train`), never from counters,
/// so the same spec always gives the same bytes.
public enum SavedModelAssembler {
    /// `GraphDef.versions` as TF 2.21 writes them.
    public static let producer: Int32 = 2474
    public static let minConsumer: Int32 = 12

    /// `meta_info_def.tensorflow_version`: the TensorFlow release whose SavedModel format, op set
    /// and GraphDef producer (2474) the writer targets and the conformance suite loads with. It
    /// must parse as a version: TF1 loaders compare it with "1.9".
    public static let tensorflowVersion = "2.21.0"
    /// `meta_info_def.tensorflow_git_version`: says that no TensorFlow build wrote the file.
    public static let tensorflowGitVersion =
        "swiftgarden (no TensorFlow; SavedModel format of v2.21.0)"

    /// FunctionDef name stems by role. A FunctionDef is named `<stem>_<n>`, `n` its index in the
    /// library: TF's names end in a number too (`__inference___call___437`), and its fingerprint
    /// hashes functions by that number, failing on names without one.
    public enum FunctionName {
        public static let callTraining = "__inference___call___train"
        public static let callInference = "__inference___call___infer"
        public static func regularizationLoss(_ i: Int) -> String {
            "__inference_regularization_loss_\(i)"
        }
        public static func signatureWrapper(_ key: String) -> String {
            "__inference_signature_wrapper_\(key)"
        }
        public static func childCall(_ child: String) -> String { "__inference_\(child)___call__" }
        public static let tableCreator = "__inference__creator"
        public static let tableInitializer = "__inference__initializer"
        public static let tableDestroyer = "__inference__destroyer"
    }

    /// Assembles the export of `spec`.
    ///
    /// - Throws: ``ExportError`` for an inconsistent spec.
    public static func assemble(_ spec: SavedModelSpec) throws -> SavedModelAssembly {
        try validate(spec)
        var state = State(spec: spec)
        try state.addTables()
        try state.addVariables()
        try state.addChildren()
        try state.addRootFunctions()
        return try state.finish()
    }

    /// The mutable work of one assembly.
    struct State {
        let spec: SavedModelSpec
        var graph = ObjectGraphBuilder()
        var library: [Tensorflow_FunctionDef] = []
        var variableIDs: [ObjectIdentifier: Int32] = [:]
        var variableNodes: [Int32] = []
        /// Nodes of `spec.constants`, in order.
        var constantNodes: [Int32] = []
        /// Child-held variables (`ChildObject.ownVariables`) and their nodes.
        var childVariables: [(variable: ExportedVariable, node: Int32)] = []
        var servingSignature: ServingGraph.Signature?
        /// Signatures beyond the serving one (`spec.extraSignatures`), for the outer graph.
        var extraServingSignatures: [ServingGraph.Signature] = []
        /// Nodes of captured tables and assets (``GraphResource``), by identity.
        var resourceIDs: [ObjectIdentifier: Int32] = [:]
        /// Asset nodes created early because a table reads them, by asset name.
        var assetNodes: [String: Int32] = [:]
        /// Each table's node and initializer function, in `spec.tables` order.
        var tableNodes: [(node: Int32, initializer: String, assetIndex: Int)] = []

        init(spec: SavedModelSpec) { self.spec = spec }

        /// The library name of the next FunctionDef with this stem (``FunctionName``).
        func nextFunctionName(_ stem: String) -> String { "\(stem)_\(library.count)" }

        /// One SavedVariable node per variable, also placed under root containers following
        /// its path when that does not collide with a reserved name or another object.
        mutating func addVariables() throws {
            for variable in spec.variables {
                let id = graph.add(.variable(Self.savedVariable(variable)))
                variableIDs[ObjectIdentifier(variable.parameter)] = id
                variableNodes.append(id)
            }
            let reserved = SavedModelSpec.reservedRootNames.union(spec.assets.map(\.name))
            for (variable, id) in zip(spec.variables, variableNodes) {
                place(id, path: variable.parameter.path, reservedAtRoot: reserved)
            }
            for constant in spec.constants {
                var saved = Tensorflow_SavedVariable()
                saved.dtype = constant.dtype
                saved.shape = Shape(constant.shape).tensorShapeProto
                saved.trainable = false
                saved.name = constant.name
                let id = graph.add(.variable(saved))
                constantNodes.append(id)
                guard graph.child(ObjectGraphBuilder.root, constant.name) == nil,
                    !reserved.contains(constant.name)
                else {
                    throw ExportError.invalidSpec(
                        "constant '\(constant.name)' collides with another root attribute")
                }
                graph.addChild(ObjectGraphBuilder.root, constant.name, id)
            }
        }

        /// The SavedVariable of an exported parameter (its name is the parameter's path).
        static func savedVariable(_ variable: ExportedVariable) -> Tensorflow_SavedVariable {
            let p = variable.parameter
            var saved = Tensorflow_SavedVariable()
            saved.dtype = p.value.dtype.tfDataType
            saved.shape = Shape(p.value.shape).tensorShapeProto
            saved.trainable = variable.trainable
            saved.name = p.path
            return saved
        }

        /// A child's own variables: nodes placed at their paths (under the child's container).
        mutating func addChildVariables(_ child: ChildObject) throws {
            for variable in child.ownVariables {
                let p = variable.parameter
                guard p.path.hasPrefix(child.name + "/"), variableIDs[ObjectIdentifier(p)] == nil
                else {
                    throw ExportError.invalidSpec(
                        "variable '\(p.path)' of child '\(child.name)' must have a path under '\(child.name)/' and be exported once"
                    )
                }
                let id = graph.add(.variable(Self.savedVariable(variable)))
                variableIDs[ObjectIdentifier(p)] = id
                childVariables.append((variable, id))
                place(id, path: p.path, reservedAtRoot: SavedModelSpec.reservedRootNames)
                guard let container = graph.child(ObjectGraphBuilder.root, child.name),
                    isContainer(container)
                else {
                    throw ExportError.invalidSpec(
                        "child object '\(child.name)' collides with a variable of that path")
                }
            }
        }

        /// Puts variable `id` at `path` (`a/b/c` → root.a.b.c), creating containers. Skipped
        /// (the variable stays reachable through the lists) when a component is empty, is
        /// `__call__`, is reserved at the root, or is taken by a different object.
        mutating func place(_ id: Int32, path: String, reservedAtRoot: Set<String>) {
            let components = path.split(separator: "/", omittingEmptySubsequences: false).map(
                String.init)
            guard let first = components.first, let last = components.last,
                !components.contains(""), !components.contains("__call__"),
                !reservedAtRoot.contains(first)
            else { return }
            var parent = ObjectGraphBuilder.root
            for component in components.dropLast() {
                if let existing = graph.child(parent, component) {
                    guard isContainer(existing) else { return }
                    parent = existing
                } else {
                    let container = graph.addUserObject("_generic_user_object")
                    graph.addChild(parent, component, container)
                    parent = container
                }
            }
            if graph.child(parent, last) == nil { graph.addChild(parent, last, id) }
        }

        func isContainer(_ id: Int32) -> Bool {
            if case .userObject(let user) = graph.nodes[Int(id)].kind {
                return user.identifier == "_generic_user_object"
            }
            return false
        }

        func boundInputs(_ function: GraphFunction, name: String) throws -> [Int32] {
            let variables = try function.captures.map { parameter in
                guard let id = variableIDs[ObjectIdentifier(parameter)] else {
                    throw ExportError.unknownVariable(function: name, path: parameter.path)
                }
                return id
            }
            return try variables
                + function.resources.map { resource in
                    guard let id = resourceIDs[ObjectIdentifier(resource)] else {
                        throw ExportError.invalidSpec(
                            "function \(name) captures '\(resource.name)', which is not a table or asset of the export"
                        )
                    }
                    return id
                }
        }

        /// Adds the FunctionDef and its SavedConcreteFunction entry.
        mutating func addConcrete(
            _ def: Tensorflow_FunctionDef, function: GraphFunction,
            positional: [Tensorflow_StructuredValue],
            keywords: [String: Tensorflow_StructuredValue],
            output: Tensorflow_StructuredValue
        ) throws {
            var concrete = Tensorflow_SavedConcreteFunction()
            concrete.boundInputs = try boundInputs(function, name: def.signature.name)
            concrete.canonicalizedInputSignature = StructuredValues.tuple(
                [StructuredValues.tuple(positional), StructuredValues.dict(keywords)])
            concrete.outputSignature = output
            graph.concreteFunctions[def.signature.name] = concrete
            library.append(def)
        }

        /// Child objects: containers (merged with a path container of the same name) holding
        /// an optional fixed-signature `__call__` and named references to variables.
        mutating func addChildren() throws {
            for child in spec.children {
                try addChildVariables(child)
                let node: Int32
                if let existing = graph.child(ObjectGraphBuilder.root, child.name) {
                    guard isContainer(existing) else {
                        throw ExportError.invalidSpec(
                            "child object '\(child.name)' collides with the variable of that path")
                    }
                    node = existing
                } else {
                    node = graph.addUserObject("_generic_user_object")
                    graph.addChild(ObjectGraphBuilder.root, child.name, node)
                }
                if let call = child.call {
                    let id = try addFixedSignatureFunction(
                        call, name: nextFunctionName(FunctionName.childCall(child.name)),
                        outputs: child.outputs)
                    graph.addChild(node, "__call__", id)
                }
                for name in child.variables.keys.sorted() {
                    guard let parameter = child.variables[name] else { continue }
                    guard let id = variableIDs[ObjectIdentifier(parameter)] else {
                        throw ExportError.unknownVariable(
                            function: child.name, path: parameter.path)
                    }
                    if let existing = graph.child(node, name) {
                        guard existing == id else {
                            throw ExportError.invalidSpec(
                                "child '\(child.name)' already has an attribute '\(name)'")
                        }
                    } else {
                        graph.addChild(node, name, id)
                    }
                }
            }
        }

        /// A `tf.function` with a fixed `input_signature` of positional tensors.
        mutating func addFixedSignatureFunction(
            _ function: GraphFunction, name: String,
            outputs declared: Nested<TensorSpec>?
        ) throws -> Int32 {
            let inputs = function.arguments
            let outputs = try Nested.traced(
                declared, function.outputs.map(\.spec), side: "outputs")
            let signature = Signature(inputs: .list(inputs.map(Nested.leaf)), outputs: outputs)
            if let problem = signature.problem { throw ExportError.invalidSpec(problem) }
            let def = try FunctionDefLowering.lower(
                function, name: name, inputOrder: inputs.map(\.name),
                outputOrder: outputs.flattened.map(\.name))
            let specs = inputs.map { StructuredValues.tensorSpec($0) }
            try addConcrete(
                def, function: function, positional: specs, keywords: [:],
                output: StructuredValues.structure(outputs, singleName: "unknown"))
            var saved = Tensorflow_SavedFunction()
            saved.concreteFunctions = [name]
            saved.functionSpec = StructuredValues.functionSpec(
                fullArgSpec: StructuredValues.fullArgSpec(args: inputs.map(\.name), defaults: nil),
                inputSignature: StructuredValues.tuple(specs))
            return graph.add(.function(saved))
        }
    }
}
