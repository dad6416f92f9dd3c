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

    /// Creates a signature, sorting dict entries by key.
    ///
    /// - Throws: ``ExportError/invalidSpec(_:)`` when a single structure does not hold exactly
    ///   one tensor or keys repeat.
    public init(inputKind: StructureKind, inputs: [ExportTensorSpec],
                outputKind: StructureKind, outputs: [ExportTensorSpec]) throws {
        self.inputKind = inputKind
        self.inputs = try Self.flatten(inputs, kind: inputKind, side: "inputs")
        self.outputKind = outputKind
        self.outputs = try Self.flatten(outputs, kind: outputKind, side: "outputs")
        if outputs.isEmpty {
            throw ExportError.invalidSpec("a function must have at least one output")
        }
    }

    /// The signature of a traced function: its arguments are the inputs (argument names are
    /// the dict keys), its named outputs the outputs.
    public init(function: GraphFunction, inputs: StructureKind, outputs: StructureKind) throws {
        try self.init(
            inputKind: inputs,
            inputs: function.arguments.map { ExportTensorSpec(name: $0.name, dtype: $0.dtype, shape: $0.shape) },
            outputKind: outputs,
            outputs: function.outputs.map { ExportTensorSpec(name: $0.name, dtype: $0.dtype, shape: $0.shape) })
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
        lines += zip(servingOutputKeys, outputs).map { key, spec in "  \(key) \(spec.dtype) \(spec.shape)" }
        return lines.joined(separator: "\n")
    }

    private static func flatten(_ specs: [ExportTensorSpec], kind: StructureKind,
                                side: String) throws -> [ExportTensorSpec] {
        switch kind {
        case .single:
            guard specs.count == 1 else {
                throw ExportError.invalidSpec(
                    "\(side) declared as a single tensor but the function has \(specs.count): "
                        + "\(specs.map(\.name)); declare them as a dict")
            }
            return specs
        case .dict:
            let sorted = specs.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.name == b.name {
                throw ExportError.invalidSpec("\(side) key '\(a.name)' appears twice")
            }
            return sorted
        }
    }
}
