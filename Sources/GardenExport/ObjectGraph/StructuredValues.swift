import TFProto

/// Builders for the `StructuredValue` trees of the object graph (signatures, FullArgSpec),
/// exactly as TensorFlow writes them (savedmodel-format.md §5.6–§5.8).
enum StructuredValues {
    static func none() -> Tensorflow_StructuredValue {
        var v = Tensorflow_StructuredValue()
        v.noneValue = Tensorflow_NoneValue()
        return v
    }

    static func bool(_ b: Bool) -> Tensorflow_StructuredValue {
        var v = Tensorflow_StructuredValue()
        v.boolValue = b
        return v
    }

    static func string(_ s: String) -> Tensorflow_StructuredValue {
        var v = Tensorflow_StructuredValue()
        v.stringValue = s
        return v
    }

    static func tuple(_ values: [Tensorflow_StructuredValue]) -> Tensorflow_StructuredValue {
        var t = Tensorflow_TupleValue()
        t.values = values
        var v = Tensorflow_StructuredValue()
        v.tupleValue = t
        return v
    }

    static func list(_ values: [Tensorflow_StructuredValue]) -> Tensorflow_StructuredValue {
        var l = Tensorflow_ListValue()
        l.values = values
        var v = Tensorflow_StructuredValue()
        v.listValue = l
        return v
    }

    static func dict(_ fields: [String: Tensorflow_StructuredValue]) -> Tensorflow_StructuredValue {
        var d = Tensorflow_DictValue()
        d.fields = fields
        var v = Tensorflow_StructuredValue()
        v.dictValue = d
        return v
    }

    static func tensorSpec(_ spec: ExportTensorSpec, name: String? = nil)
        -> Tensorflow_StructuredValue
    {
        var ts = Tensorflow_TensorSpecProto()
        ts.name = name ?? spec.name
        ts.shape = spec.shape.tensorShapeProto
        ts.dtype = spec.dtype.tfDataType
        var v = Tensorflow_StructuredValue()
        v.tensorSpecValue = ts
        return v
    }

    /// A structure of tensors: the spec itself, or a dict keyed by spec name.
    /// `singleName` overrides the TensorSpec name of a single tensor (TF writes `unknown` for an
    /// unnamed function output).
    static func structure(
        _ kind: StructureKind, _ specs: [ExportTensorSpec],
        singleName: String? = nil
    ) -> Tensorflow_StructuredValue {
        switch kind {
        case .single: return tensorSpec(specs[0], name: singleName)
        case .dict:
            return dict(Dictionary(uniqueKeysWithValues: specs.map { ($0.name, tensorSpec($0)) }))
        }
    }

    /// The output structure of `signature`: as `structure`, with each output list nested as a
    /// `list_value` under its key.
    static func outputStructure(
        _ signature: ExportSignature,
        singleName: String? = nil
    ) -> Tensorflow_StructuredValue {
        guard signature.outputKind == .dict, !signature.outputLists.isEmpty else {
            return structure(signature.outputKind, signature.outputs, singleName: singleName)
        }
        let byName = Dictionary(uniqueKeysWithValues: signature.outputs.map { ($0.name, $0) })
        var fields: [String: Tensorflow_StructuredValue] = [:]
        let listed = Set(signature.outputLists.flatMap(\.elements))
        for spec in signature.outputs where !listed.contains(spec.name) {
            fields[spec.name] = tensorSpec(spec)
        }
        for l in signature.outputLists {
            fields[l.name] = list(l.elements.compactMap { byName[$0] }.map { tensorSpec($0) })
        }
        return dict(fields)
    }

    /// Python's `inspect.FullArgSpec` as TF stores it: all seven fields, in TF's order.
    static func fullArgSpec(
        args: [String], defaults: [Tensorflow_StructuredValue]?,
        kwonlyargs: [String] = []
    ) -> Tensorflow_StructuredValue {
        let pairs: [(String, Tensorflow_StructuredValue)] = [
            ("args", list(args.map(string))),
            ("varargs", none()),
            ("varkw", none()),
            ("defaults", defaults.map(tuple) ?? none()),
            ("kwonlyargs", list(kwonlyargs.map(string))),
            ("kwonlydefaults", none()),
            ("annotations", dict([:])),
        ]
        var named = Tensorflow_NamedTupleValue()
        named.name = "FullArgSpec"
        named.values = pairs.map { key, value in
            var pair = Tensorflow_PairValue()
            pair.key = key
            pair.value = value
            return pair
        }
        var v = Tensorflow_StructuredValue()
        v.namedTupleValue = named
        return v
    }

    /// A `FunctionSpec` (never a method; `input_signature` nil means polymorphic: `none_value`).
    static func functionSpec(
        fullArgSpec: Tensorflow_StructuredValue,
        inputSignature: Tensorflow_StructuredValue?
    ) -> Tensorflow_FunctionSpec {
        var spec = Tensorflow_FunctionSpec()
        spec.fullargspec = fullArgSpec
        spec.inputSignature = inputSignature ?? none()
        return spec
    }
}
