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
    public var inputKind: StructureKind
    public var outputKind: StructureKind
    /// List-valued entries of a dict output (e.g. `encoder_outputs`).
    public var outputLists: [ExportOutputList]

    /// Creates the call function from its two traces.
    public init(
        training: GraphFunction, inference: GraphFunction,
        inputs: StructureKind = .single, outputs: StructureKind = .single,
        outputLists: [ExportOutputList] = []
    ) {
        self.training = training; self.inference = inference
        inputKind = inputs; outputKind = outputs; self.outputLists = outputLists
    }

    /// The signature shared by both traces.
    ///
    /// - Throws: ``ExportError/invalidSpec(_:)`` when the traces disagree.
    public func signature() throws -> ExportSignature {
        let infer = try ExportSignature(
            function: inference, inputs: inputKind, outputs: outputKind,
            outputLists: outputLists)
        let train = try ExportSignature(
            function: training, inputs: inputKind, outputs: outputKind,
            outputLists: outputLists)
        guard infer.inputs == train.inputs,
            infer.outputs.map(\.name) == train.outputs.map(\.name),
            infer.outputs.map(\.dtype) == train.outputs.map(\.dtype)
        else {
            throw ExportError.invalidSpec(
                "__call__ traces differ: training=true has\n\(train)\nbut training=false has\n\(infer)"
            )
        }
        return infer
    }
}
