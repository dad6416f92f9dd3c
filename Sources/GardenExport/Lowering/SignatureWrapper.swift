import GardenTensor
import TFProto

/// The keyword-only signature function (`signatures['serving_default']`): a FunctionDef with
/// the callee's arguments that forwards them to the callee through one
/// `StatefulPartitionedCall`, as TF's own signature wrappers do (§5.5), so the body exists once.
enum SignatureWrapper {
    /// A wrapper named `name` around `callee` (already lowered; outputs in flattened order).
    /// `outputOrder[j]` is the callee output returned as the wrapper's output `j` (TF pairs a
    /// signature's outputs with its dict keys in sorted order); nil keeps the callee's order.
    static func functionDef(
        name: String, callee: Tensorflow_FunctionDef,
        outputOrder: [Int]? = nil
    ) -> Tensorflow_FunctionDef {
        let inputs = callee.signature.inputArg
        let outputTypes = callee.signature.outputArg.map(\.type)
        let order = outputOrder ?? Array(outputTypes.indices)
        var call = Tensorflow_NodeDef()
        call.name = "StatefulPartitionedCall"
        call.op = "StatefulPartitionedCall"
        call.input = inputs.map(\.name)
        call.attr["Tin"] = typeList(inputs.map(\.type))
        call.attr["Tout"] = typeList(outputTypes)
        var f = Tensorflow_NameAttrList()
        f.name = callee.signature.name
        var fAttr = Tensorflow_AttrValue()
        fAttr.func = f
        call.attr["f"] = fAttr
        call.attr[FunctionShapes.outputShapes] = FunctionShapes.shapeList(outputShapes(of: callee))

        var signature = Tensorflow_OpDef()
        signature.name = name
        signature.inputArg = inputs
        var used = Set(inputs.map(\.name))
        var def = Tensorflow_FunctionDef()
        for i in order {
            let argName = FunctionDefLowering.uniqueName("identity", avoiding: &used)
            signature.outputArg.append(FunctionDefLowering.argDef(argName, outputTypes[i]))
            def.ret[argName] = "StatefulPartitionedCall:output:\(i)"
        }
        def.signature = signature
        def.nodeDef = [call]
        // The same static shapes as the callee: its arguments are the wrapper's.
        def.attr[FunctionShapes.inputShapes] = callee.attr[FunctionShapes.inputShapes]
        def.argAttr = callee.argAttr
        return def
    }

    /// The callee's output shapes, in output-arg order, from the `_output_shapes` of the nodes
    /// its `ret` names (unknown rank where a node has none).
    static func outputShapes(of callee: Tensorflow_FunctionDef) -> [Shape] {
        let nodes = Dictionary(
            callee.nodeDef.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return callee.signature.outputArg.map { arg in
            let node = callee.ret[arg.name].map { String($0.prefix { $0 != ":" }) }
            let shapes = node.flatMap { nodes[$0]?.attr[FunctionShapes.outputShapes]?.list.shape }
            return shapes?.first.map { Shape($0) } ?? .unknownRank
        }
    }

    static func typeList(_ types: [Tensorflow_DataType]) -> Tensorflow_AttrValue {
        var list = Tensorflow_AttrValue.ListValue()
        list.type = types
        var value = Tensorflow_AttrValue()
        value.list = list
        return value
    }
}
