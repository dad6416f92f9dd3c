import TFProto

extension Tensorflow_DataType {
    /// Bytes per element in a bundle payload, or nil for types without a fixed size
    /// (DT_STRING is length-prefixed; DT_RESOURCE/DT_VARIANT are never stored).
    public var bundleElementSize: Int? {
        switch self {
        case .dtBool, .dtInt8, .dtUint8, .dtQint8, .dtQuint8: return 1
        case .dtInt16, .dtUint16, .dtHalf, .dtBfloat16, .dtQint16, .dtQuint16: return 2
        case .dtFloat, .dtInt32, .dtUint32, .dtQint32: return 4
        case .dtDouble, .dtInt64, .dtUint64, .dtComplex64: return 8
        case .dtComplex128: return 16
        default: return nil
        }
    }
}
