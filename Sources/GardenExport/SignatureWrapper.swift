import TFProto

/// The keyword-only signature function (`signatures['serving_default']`): a FunctionDef with
/// the callee's arguments that forwards them to the callee through one
/// `StatefulPartitionedCall`, as TF's own signature wrappers do (§5.5), so the body exists once.
enum SignatureWrapper {
    /// A wrapper named `name` around `callee` (already lowered; outputs in flattened order).
    /// `outputOrder[j]` is the callee output returned as the wrapper's output `j` (TF pairs a
    /// signature's outputs with its dict keys in sorted order); nil keeps the callee's order.
    static func functionDef(name: String, callee: Tensorflow_FunctionDef,
                            outputOrder: [Int]? = nil) -> Tensorflow_FunctionDef {
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
        return def
    }

    static func typeList(_ types: [Tensorflow_DataType]) -> Tensorflow_AttrValue {
        var list = Tensorflow_AttrValue.ListValue()
        list.type = types
        var value = Tensorflow_AttrValue()
        value.list = list
        return value
    }
}
