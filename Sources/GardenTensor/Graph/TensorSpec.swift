/// One tensor of an interface: its name (argument name, dict key or output name), dtype and
/// static shape (`-1` for a dimension the caller chooses, or an unknown rank), as TensorFlow's
/// `tf.TensorSpec`. Tracing, models and export all describe tensors with it.
public struct TensorSpec: Hashable, Sendable {
    public var name: String
    public var dtype: DType
    public var shape: Shape

    public init(_ name: String, _ dtype: DType, _ shape: Shape) {
        self.name = name; self.dtype = dtype; self.shape = shape
    }

    public init(name: String, dtype: DType, shape: Shape) {
        self.init(name, dtype, shape)
    }
}
