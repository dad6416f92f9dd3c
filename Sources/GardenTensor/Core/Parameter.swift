/// A named, trainable (or not) variable of a model.
///
/// A class, because identity matters: tied weights are one `Parameter` used in two places, and
/// optimizer slots and exported variables are keyed by it. `path` is the full name in the model's
/// parameter tree (`dense_0/kernel`): the checkpoint key, the HDF5 dataset path and the
/// SavedModel variable name.
public final class Parameter: @unchecked Sendable {
    public var path: String
    public var value: Tensor
    /// Whether the tape records gradients for it. A `var` so a model can freeze a layer after
    /// building it (`Module.freeze`, Keras' `layer.trainable = False`).
    public var trainable: Bool

    public init(_ value: Tensor, path: String = "", trainable: Bool = true) {
        self.value = value.detached
        self.path = path
        self.trainable = trainable
    }

    /// The value as the current mode sees it: a symbolic `ReadVariableOp` when tracing, a taped
    /// leaf when recording gradients, else the plain value.
    public func read() -> Tensor {
        let ctx = ExecutionContext.current
        if let tracer = ctx.tracer { return tracer.read(self) }
        if let tape = ctx.tape, trainable { return tape.leaf(for: self) }
        return value
    }
}
