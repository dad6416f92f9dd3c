import GardenTensor
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

    static func tensorSpec(_ spec: TensorSpec, name: String? = nil)
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

    /// A nested structure of tensors, as `tf.nest` encodes it: a TensorSpec, a dict keyed by
    /// name, a list. `singleName` overrides the TensorSpec name of a bare tensor (TF writes
    /// `unknown` for an unnamed function output).
    static func structure(_ structure: Nested<TensorSpec>, singleName: String? = nil)
        -> Tensorflow_StructuredValue
    {
        switch structure {
        case .leaf(let spec): return tensorSpec(spec, name: singleName)
        case .dict(let entries):
            return dict(
                Dictionary(
                    entries.map { ($0.key, Self.structure($0.value)) },
                    uniquingKeysWith: { first, _ in first }))
        case .list(let items): return list(items.map { Self.structure($0) })
        }
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
