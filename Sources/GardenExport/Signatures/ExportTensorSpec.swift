import GardenTensor

/// One tensor of a function's input or output structure: its key, dtype and static shape
/// (`-1` for a dynamic dimension, or an unknown rank), as TensorFlow's `tf.TensorSpec` sees it.
public struct ExportTensorSpec: Hashable, Sendable {
    /// The argument name or dict key (TensorFlow's `TensorSpec.name`).
    public var name: String
    public var dtype: DType
    public var shape: Shape

    /// Creates a spec.
    public init(name: String, dtype: DType, shape: Shape) {
        self.name = name; self.dtype = dtype; self.shape = shape
    }
}

/// Whether a structure of tensors is one bare tensor or a dict keyed by name.
public enum StructureKind: String, Hashable, Sendable {
    /// One tensor: `f(x)` / `f(x) -> y`.
    case single
    /// A dict of named tensors, flattened in sorted-key order (as `tf.nest` does).
    case dict
}
