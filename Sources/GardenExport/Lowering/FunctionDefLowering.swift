import GardenTensor
import TFProto

/// Lowers a traced `GraphFunction` to TensorFlow's `FunctionDef`.
///
/// Input args are the user arguments in flattened order, then one `DT_RESOURCE` arg per
/// captured variable (the order of `captures`, which is the order of the SavedConcreteFunction's
/// `bound_inputs`), then one per captured table (`DT_RESOURCE`) or asset (`DT_STRING`, its
/// path). Output args follow the flattened output order and are named as TF names
/// them (`identity`, `identity_1`, ...); `ret` maps them to body tensors. Side-effect nodes
/// (`controlOutputs`) become `control_output` + `control_ret` so TF runs them (§5.4). Static
/// shapes are recorded as TF records them (``FunctionShapes``).
public enum FunctionDefLowering {
    /// Lowers `function` under the library name `name`.
    ///
    /// - Parameters:
    ///   - function: the traced function.
    ///   - name: its name in the graph's function library.
    ///   - inputOrder: argument names in flattened order (a dict's sorted keys); nil keeps the
    ///     trace's order.
    ///   - outputOrder: output names in flattened order; nil keeps the trace's order.
    /// - Returns: the `FunctionDef`.
    /// - Throws: ``ExportError/invalidSpec(_:)`` when an order names an unknown argument or
    ///   output, or misses one.
    public static func lower(
        _ function: GraphFunction, name: String, inputOrder: [String]? = nil,
        outputOrder: [String]? = nil
    ) throws -> Tensorflow_FunctionDef {
        let arguments = try reorder(
            function.arguments, by: inputOrder, key: \.name,
            what: "argument", function: name)
        let outputs = try reorder(
            function.outputs, by: outputOrder, key: \.name,
            what: "output", function: name)
        var signature = Tensorflow_OpDef()
        signature.name = name
        signature.inputArg =
            arguments.map { argDef($0.name, $0.dtype.tfDataType) }
            + function.captureArgumentNames.map { argDef($0, .dtResource) }
            + zip(function.resourceArgumentNames, function.resources).map {
                argDef($0, $1.argumentType.tfDataType)
            }

        var used = Set(signature.inputArg.map(\.name))
        var ret: [String: String] = [:]
        for output in outputs {
            let argName = uniqueName("identity", avoiding: &used)
            signature.outputArg.append(argDef(argName, output.dtype.tfDataType))
            ret[argName] = output.ref.functionBodyName
        }

        var def = Tensorflow_FunctionDef()
        def.nodeDef = function.nodes.map(nodeDef)
        def.ret = ret
        if !function.controlOutputs.isEmpty {
            signature.controlOutput = function.controlOutputs
            def.controlRet = Dictionary(
                function.controlOutputs.map { ($0, $0) }, uniquingKeysWith: { first, _ in first })
        }
        def.signature = signature
        FunctionShapes.annotate(&def, function: function, arguments: arguments)
        return def
    }

    /// A `NodeDef` for a body node: data inputs in `node:arg:index` syntax, then `^control`
    /// inputs; attrs converted key by key in sorted order.
    public static func nodeDef(_ node: GraphNode) -> Tensorflow_NodeDef {
        var def = Tensorflow_NodeDef()
        def.name = node.name
        def.op = node.op
        def.input = node.inputs.map(\.functionBodyName) + node.controlInputs.map { "^" + $0 }
        for key in node.attrs.keys.sorted() {
            if let attr = node.attrs[key] { def.attr[key] = attr.attrValue }
        }
        return def
    }

    static func argDef(_ name: String, _ type: Tensorflow_DataType) -> Tensorflow_OpDef.ArgDef {
        var arg = Tensorflow_OpDef.ArgDef()
        arg.name = name
        arg.type = type
        return arg
    }

    /// `base`, else `base_1`, `base_2`, ...: the first one not yet used (TF's naming habit).
    static func uniqueName(_ base: String, avoiding used: inout Set<String>) -> String {
        var candidate = base
        var i = 1
        while used.contains(candidate) { candidate = "\(base)_\(i)"; i += 1 }
        used.insert(candidate)
        return candidate
    }

    private static func reorder<T>(
        _ items: [T], by order: [String]?, key: KeyPath<T, String>,
        what: String, function: String
    ) throws -> [T] {
        guard let order else { return items }
        let byName = Dictionary(
            items.map { ($0[keyPath: key], $0) }, uniquingKeysWith: { a, _ in a })
        guard order.count == items.count, Set(order).count == order.count else {
            throw ExportError.invalidSpec(
                "function \(function): \(what) order \(order) does not list each of "
                    + "\(items.map { $0[keyPath: key] }) exactly once")
        }
        return try order.map { name in
            guard let item = byName[name] else {
                throw ExportError.invalidSpec(
                    "function \(function) has no \(what) '\(name)'; it has "
                        + "\(items.map { $0[keyPath: key] })")
            }
            return item
        }
    }
}
