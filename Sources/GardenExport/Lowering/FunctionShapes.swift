import Foundation
import GardenTensor
import TFProto

/// The static shapes TensorFlow's own writer records in a FunctionDef, so a loaded function's
/// inputs and variable reads have known ranks (batch and sequence dims stay `-1`):
///
/// - `attr["_input_shapes"]`: one shape per input arg (a scalar for each resource), which the
///   Python loader gives the argument placeholders; without it they have unknown rank and
///   converters such as tf2onnx treat them as scalars;
/// - `arg_attr[i]`: `_output_shapes` and `_user_specified_name` of each user argument (the `_Arg`
///   node's shape for the C++ runtime and Grappler);
/// - `handle_data` on each resource arg: the variable's dtype and shape, so `ReadVariableOp` and
///   `ResourceGather` get static shapes in C++ shape inference;
/// - `_output_shapes` on the nodes whose shape the exporter knows exactly (variable reads,
///   constants, the output `Identity`s), as TF writes on every node.
enum FunctionShapes {
    static let inputShapes = "_input_shapes"
    static let outputShapes = "_output_shapes"
    static let userSpecifiedName = "_user_specified_name"

    /// Annotates `def`, lowered from `function` with user arguments `arguments` (in input-arg
    /// order, before the resources).
    static func annotate(
        _ def: inout Tensorflow_FunctionDef, function: GraphFunction,
        arguments: [TensorSpec]
    ) {
        let resourceShapes = Dictionary(
            zip(function.captureArgumentNames, function.captures.map { Shape($0.value.shape) }),
            uniquingKeysWith: { first, _ in first })
        for (i, parameter) in function.captures.enumerated() {
            var handle = Tensorflow_ResourceHandleProto.DtypeAndShape()
            handle.dtype = parameter.value.dtype.tfDataType
            handle.shape = Shape(parameter.value.shape).tensorShapeProto
            def.signature.inputArg[arguments.count + i].handleData = [handle]
        }
        def.attr[inputShapes] = shapeList(
            arguments.map(\.shape) + function.captures.map { _ in Shape([]) }
                + function.resources.map { _ in Shape([]) })
        for (i, argument) in arguments.enumerated() {
            def.argAttr[UInt32(i)] = argumentAttrs(name: argument.name, shape: argument.shape)
        }

        var known: [String: Shape] = [:]
        for output in function.outputs {
            if case .output(let node, _, _) = output.ref { known[node] = output.shape }
        }
        // Edit the nodes as a local array: `def.nodeDef[i].attr[...] = ...` copied the whole
        // node array (retaining every NodeDef) on each write, quadratic in the function's size
        // (~14 % of BERT-base's export in a profile, docs/performance.md).
        var nodes = def.nodeDef
        def.nodeDef = []
        defer { def.nodeDef = nodes }
        for i in nodes.indices {
            let node = nodes[i]
            switch node.op {
            case "ReadVariableOp":
                if let resource = node.input.first, let shape = resourceShapes[resource] {
                    known[node.name] = shape
                }
            case "Const":
                known[node.name] = Shape(node.attr["value"]?.tensor.tensorShape ?? .init())
            default: break
            }
            if let shape = known[node.name] {
                nodes[i].attr[outputShapes] = shapeList([shape])
            }
        }
    }

    /// `arg_attr` of a user argument: its shape as the `_Arg` node's `_output_shapes`, and its name.
    static func argumentAttrs(name: String, shape: Shape) -> Tensorflow_FunctionDef.ArgAttrs {
        var attrs = Tensorflow_FunctionDef.ArgAttrs()
        attrs.attr[outputShapes] = shapeList([shape])
        attrs.attr[userSpecifiedName] = GraphAttr.string(name).attrValue
        return attrs
    }

    /// An `AttrValue` list of shapes (also when empty: the list must be present).
    static func shapeList(_ shapes: [Shape]) -> Tensorflow_AttrValue {
        var list = Tensorflow_AttrValue.ListValue()
        list.shape = shapes.map(\.tensorShapeProto)
        var value = Tensorflow_AttrValue()
        value.list = list
        return value
    }
}
