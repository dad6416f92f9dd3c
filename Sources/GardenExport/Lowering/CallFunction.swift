import GardenTensor

/// The exported `__call__(inputs, training=False)`: the same forward code traced with
/// `training: true` and `training: false`.
///
/// Both traces must have the same arguments (names are the dict keys, or the single input's
/// name, usually `inputs`) and the same outputs. TensorFlow dispatches on the Python bool
/// `training` between the two concrete functions.
public struct CallFunction {
    public var training: GraphFunction
    public var inference: GraphFunction
    /// The structure of inputs and outputs (the model's `signature`); its leaves are matched to
    /// the traces' arguments and outputs in declaration order. nil: one tensor in, one out.
    public var declared: Signature?

    /// Creates the call function from its two traces.
    public init(training: GraphFunction, inference: GraphFunction, signature: Signature? = nil) {
        self.training = training; self.inference = inference; declared = signature
    }

    /// The signature shared by both traces: the declared structure with the traces' argument
    /// names and output shapes.
    ///
    /// - Throws: ``ExportError/invalidSpec(_:)`` when a trace does not fit the structure, the
    ///   structure is invalid, or the traces disagree.
    public func signature() throws -> Signature {
        let infer = try traced(inference)
        let train = try traced(training)
        let (a, b) = (infer.outputs.flattened, train.outputs.flattened)
        guard infer.inputs == train.inputs, a.map(\.name) == b.map(\.name),
            a.map(\.dtype) == b.map(\.dtype)
        else {
            throw ExportError.invalidSpec(
                "__call__ traces differ: training=true has\n\(train)\nbut training=false has\n\(infer)"
            )
        }
        return infer
    }

    private func traced(_ function: GraphFunction) throws -> Signature {
        let signature = Signature(
            inputs: try .traced(declared?.inputs, function.arguments, side: "inputs"),
            outputs: try .traced(
                declared?.outputs, function.outputs.map(\.spec), side: "outputs"))
        if let problem = signature.problem { throw ExportError.invalidSpec(problem) }
        return signature
    }
}

extension Nested where Leaf == TensorSpec {
    /// `declared` with the leaves of a trace (`specs`, in declaration order); a nil declaration
    /// means one tensor.
    ///
    /// - Throws: ``ExportError/invalidSpec(_:)`` when the counts differ.
    static func traced(_ declared: Nested?, _ specs: [TensorSpec], side: String) throws -> Nested {
        let structure = declared ?? specs.first.map(Nested.leaf)
        guard let structure, structure.leaves.count == specs.count else {
            let kind =
                declared.map { "as a \($0.kind) of \($0.leaves.count)" } ?? "as a single tensor"
            throw ExportError.invalidSpec(
                "\(side) declared \(kind) but the function has \(specs.count): "
                    + "\(specs.map(\.name)); declare them as a dict")
        }
        return structure.replacingLeaves(with: specs)
    }
}
