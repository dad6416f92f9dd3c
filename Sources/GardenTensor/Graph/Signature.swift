/// What a function takes and returns: nested structures of `TensorSpec`s, as TensorFlow's
/// `input_signature` and `structured_outputs` (a tensor, a dict of named structures, a list).
///
/// Models declare one (`Model.signature`), tracing follows it (`Tracer.trace(_:_:)`), and the
/// exporter writes it into the SavedModel. Leaves are listed in two orders: `leaves` in
/// declaration order (the order `call` builds its outputs and a trace emits them) and
/// `flattened` in TensorFlow's order (dict keys sorted bytewise), the order of a FunctionDef's
/// arguments and outputs.
public struct Signature: Equatable, Sendable, CustomStringConvertible {
    public var inputs: Nested<TensorSpec>
    public var outputs: Nested<TensorSpec>

    public init(inputs: Nested<TensorSpec>, outputs: Nested<TensorSpec>) {
        self.inputs = inputs; self.outputs = outputs
    }

    /// What is wrong with this signature for a function, or nil: at least one output; dict keys
    /// unique and equal to the names of the tensors they hold; leaf names unique on each side.
    public var problem: String? {
        if outputs.leaves.isEmpty { return "a function must have at least one output" }
        for (side, s) in [("inputs", inputs), ("outputs", outputs)] {
            if let p = s.problem(side) { return p }
        }
        return nil
    }

    /// The output keys of the keyword-only serving signature: the leaf names, or `output_0`
    /// for a single tensor (TensorFlow's name for an unnamed signature output).
    public var servingOutputKeys: [String] {
        if case .leaf = outputs { return ["output_0"] }
        return outputs.flattened.map(\.name)
    }

    /// One line per tensor, in flattened order; stable text for snapshots.
    public var description: String {
        var lines = ["inputs: \(inputs.kind)"]
        lines += inputs.flattened.map { "  \($0.name) \($0.dtype) \($0.shape)" }
        lines.append("outputs: \(outputs.kind)")
        lines += zip(servingOutputKeys, outputs.flattened).map { key, spec in
            "  \(key) \(spec.dtype) \(spec.shape)"
        }
        return lines.joined(separator: "\n")
    }
}

extension Nested: Equatable where Leaf: Equatable {
    public static func == (a: Nested, b: Nested) -> Bool {
        switch (a, b) {
        case (.leaf(let x), .leaf(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.dict(let x), .dict(let y)):
            return x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
        default: return false
        }
    }
}

extension Nested where Leaf == TensorSpec {
    /// The first problem of this side (see `Signature.problem`), or nil.
    func problem(_ side: String) -> String? {
        var seen = Set<String>()
        for spec in leaves where !seen.insert(spec.name).inserted {
            return "\(side) name '\(spec.name)' appears twice"
        }
        return keyProblem(side)
    }

    private func keyProblem(_ side: String) -> String? {
        switch self {
        case .leaf: return nil
        case .list(let items): return items.lazy.compactMap { $0.keyProblem(side) }.first
        case .dict(let entries):
            var keys = Set<String>()
            for (key, value) in entries {
                if !keys.insert(key).inserted { return "\(side) key '\(key)' appears twice" }
                if case .leaf(let spec) = value, spec.name != key {
                    return "\(side) key '\(key)' holds a tensor named '\(spec.name)'"
                }
                if let p = value.keyProblem(side) { return p }
            }
            return nil
        }
    }
}
