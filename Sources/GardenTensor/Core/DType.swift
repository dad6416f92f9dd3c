/// The element types a `Tensor` can hold.
///
/// Only the types the model families need: Float32 activations and weights, Int32 ids and labels,
/// and Bool for masks that exist only inside traced graphs (`GreaterEqual` results).
public enum DType: String, Sendable, Hashable, CustomStringConvertible {
    case float32
    case int32
    case bool

    /// Bytes of one element in a contiguous buffer (and in TensorFlow's tensor bundle).
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .bool: return 1
        }
    }

    public var description: String { rawValue }
}
