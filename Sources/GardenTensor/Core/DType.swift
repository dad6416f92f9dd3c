/// The element types a `Tensor` can hold.
///
/// Only the types the model families need: Float32 activations and weights, Int32 ids and labels,
/// and Bool for masks that exist only inside traced graphs (`GreaterEqual` results).
/// `string` and `int64` are graph-only too: the tokenizer's TensorFlow ops
/// (`BertPreprocessing`) take and give strings and int64 ids; no kernel or `Tensor` value
/// holds them (the Swift twin of that graph is GardenTrain's tokenizer).
public enum DType: String, Sendable, Hashable, CustomStringConvertible {
    case float32
    case int32
    case bool
    case string
    case int64

    /// Bytes of one element in a contiguous buffer (and in TensorFlow's tensor bundle).
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .bool: return 1
        case .int64: return 8
        // Variable-length; no buffer of this type is ever allocated.
        case .string: return 0
        }
    }

    public var description: String { rawValue }
}
