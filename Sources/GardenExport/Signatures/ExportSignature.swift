import GardenTensor

/// The contract of an exported function: input and output keys, dtypes and shapes (`-1` for
/// dynamic dimensions), and whether each side is a single tensor or a dict.
///
/// Tensors are listed in TensorFlow's flattened order, which is also the order of the
/// FunctionDef's input and output args: a dict flattens in sorted-key order (bytewise, as
/// `tf.nest` sorts), a single tensor is itself. A snapshot test pins `description`.
public struct ExportSignature: Hashable, Sendable, CustomStringConvertible {
    public var inputKind: StructureKind
    /// Inputs in flattened order.
    public var inputs: [ExportTensorSpec]
    public var outputKind: StructureKind
    /// Outputs in flattened order.
    public var outputs: [ExportTensorSpec]
    /// List-valued entries of a dict output; their elements are ordinary `outputs`.
    public var outputLists: [ExportOutputList] = []

    /// Creates a signature, sorting dict entries by key.
    ///
    /// - Throws: ``ExportError/invalidSpec(_:)`` when a single structure does not hold exactly
    ///   one tensor or keys repeat.
    public init(
        inputKind: StructureKind, inputs: [ExportTensorSpec],
        outputKind: StructureKind, outputs: [ExportTensorSpec]
    ) throws {
        self.inputKind = inputKind
        self.inputs = try Self.flatten(inputs, kind: inputKind, side: "inputs")
        self.outputKind = outputKind
        self.outputs = try Self.flatten(outputs, kind: outputKind, side: "outputs")
        if outputs.isEmpty {
            throw ExportError.invalidSpec("a function must have at least one output")
        }
    }

    /// Creates a dict-output signature in which `lists` group some outputs into lists: the
    /// flattened order sorts by dict key, a list's elements taking its key, in list order.
    ///
    /// - Throws: ``ExportError/invalidSpec(_:)`` when a list names an unknown output or an
    ///   element twice, or its key is also an output's name.
    public init(
        inputKind: StructureKind, inputs: [ExportTensorSpec], outputs: [ExportTensorSpec],
        outputLists lists: [ExportOutputList]
    ) throws {
        try self.init(inputKind: inputKind, inputs: inputs, outputKind: .dict, outputs: outputs)
        guard !lists.isEmpty else { return }
        var place: [String: (key: String, index: Int)] = [:]
        for list in lists {
            if outputs.contains(where: { $0.name == list.name }) {
                throw ExportError.invalidSpec(
                    "output list '\(list.name)' has the name of an output")
            }
            for (i, e) in list.elements.enumerated() {
                guard outputs.contains(where: { $0.name == e }), place[e] == nil else {
                    throw ExportError.invalidSpec(
                        "output list '\(list.name)' names '\(e)', which is not an output or is listed twice"
                    )
                }
                place[e] = (list.name, i)
            }
        }
        func key(_ s: ExportTensorSpec) -> ([UInt8], Int) {
            let p = place[s.name]
            return (Array((p?.key ?? s.name).utf8), p?.index ?? 0)
        }
        self.outputs = self.outputs.sorted { a, b in
            let (ka, kb) = (key(a), key(b))
            return ka.0 == kb.0 ? ka.1 < kb.1 : ka.0.lexicographicallyPrecedes(kb.0)
        }
        outputLists = lists
    }

    /// The signature of a traced function: its arguments are the inputs (argument names are
    /// the dict keys), its named outputs the outputs.
    public init(
        function: GraphFunction, inputs: StructureKind, outputs: StructureKind,
        outputLists: [ExportOutputList] = []
    ) throws {
        let inputSpecs = function.arguments.map {
            ExportTensorSpec(name: $0.name, dtype: $0.dtype, shape: $0.shape)
        }
        let outputSpecs = function.outputs.map {
            ExportTensorSpec(name: $0.name, dtype: $0.dtype, shape: $0.shape)
        }
        if outputLists.isEmpty {
            try self.init(
                inputKind: inputs, inputs: inputSpecs, outputKind: outputs, outputs: outputSpecs)
        } else {
            guard outputs == .dict else {
                throw ExportError.invalidSpec("output lists need dict outputs")
            }
            try self.init(
                inputKind: inputs, inputs: inputSpecs, outputs: outputSpecs,
                outputLists: outputLists)
        }
    }

    /// The output keys of the keyword-only serving signature: the dict keys, or `output_0` for
    /// a single output (TensorFlow's name for an unnamed signature output).
    public var servingOutputKeys: [String] {
        outputKind == .single ? ["output_0"] : outputs.map(\.name)
    }

    /// One line per tensor, e.g. `input  inputs float32 [?, 4]`; stable text for snapshots.
    public var description: String {
        var lines = ["inputs: \(inputKind.rawValue)"]
        lines += inputs.map { "  \($0.name) \($0.dtype) \($0.shape)" }
        lines.append("outputs: \(outputKind.rawValue)")
        lines += zip(servingOutputKeys, outputs).map { key, spec in
            "  \(key) \(spec.dtype) \(spec.shape)"
        }
        return lines.joined(separator: "\n")
    }

    private static func flatten(
        _ specs: [ExportTensorSpec], kind: StructureKind,
        side: String
    ) throws -> [ExportTensorSpec] {
        switch kind {
        case .single:
            guard specs.count == 1 else {
                throw ExportError.invalidSpec(
                    "\(side) declared as a single tensor but the function has \(specs.count): "
                        + "\(specs.map(\.name)); declare them as a dict")
            }
            return specs
        case .dict:
            let sorted = specs.sorted {
                Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8))
            }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.name == b.name {
                throw ExportError.invalidSpec("\(side) key '\(a.name)' appears twice")
            }
            return sorted
        }
    }
}
