extension Tracer {
    /// Traces `body` on symbolic inputs shaped by `signature.inputs`: one argument per input
    /// leaf, in declaration order, and one output per output leaf, named after the signature's
    /// leaf (so a list's elements keep their own names, `encoder_outputs_0`, ...).
    ///
    /// - Precondition: `body` returns a structure with as many leaves as `signature.outputs`.
    public static func trace(
        _ signature: Signature, _ body: (Nested<Tensor>) throws -> Nested<Tensor>
    ) rethrows -> GraphFunction {
        try trace(arguments: signature.inputs.leaves) { xs in
            let outputs = try body(signature.inputs.replacingLeaves(with: xs)).leaves
            let names = signature.outputs.leaves.map(\.name)
            precondition(
                outputs.count == names.count,
                "Tracer: the body returned \(outputs.count) tensors for outputs \(names)")
            return Array(zip(names, outputs))
        }
    }
}

extension GraphOutput {
    /// The output's name, dtype and static shape.
    public var spec: TensorSpec { TensorSpec(name, dtype, shape) }
}
