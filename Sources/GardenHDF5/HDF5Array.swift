/// A dataset read without knowing its dtype in advance: its values, shape and dtype.
///
/// Values are in row-major (C) order; `shape == []` is a scalar holding one value.
public enum HDF5Array: Equatable, Sendable {
    case float32(shape: [Int], values: [Float])
    case float64(shape: [Int], values: [Double])
    case int32(shape: [Int], values: [Int32])
    case int64(shape: [Int], values: [Int64])
    case uint8(shape: [Int], values: [UInt8])

    /// The element type as stored in the file.
    public var dtype: HDF5DType {
        switch self {
        case .float32: return .float32
        case .float64: return .float64
        case .int32: return .int32
        case .int64: return .int64
        case .uint8: return .uint8
        }
    }

    /// The dimensions, outermost first.
    public var shape: [Int] {
        switch self {
        case .float32(let shape, _), .float64(let shape, _), .int32(let shape, _),
            .int64(let shape, _), .uint8(let shape, _):
            return shape
        }
    }

    /// The values as `Float`: float32 as stored, float64 rounded; `nil` for integer dtypes,
    /// because silently turning labels or token ids into floats hides a mistake.
    public var floatValues: [Float]? {
        switch self {
        case .float32(_, let values): return values
        case .float64(_, let values): return values.map { Float($0) }
        case .int32, .int64, .uint8: return nil
        }
    }

    /// The values as `Int32`: int32 as stored, uint8 widened, int64 when every value fits;
    /// `nil` for float dtypes or an int64 value outside the `Int32` range.
    public var int32Values: [Int32]? {
        switch self {
        case .int32(_, let values): return values
        case .uint8(_, let values): return values.map { Int32($0) }
        case .int64(_, let values):
            var narrowed: [Int32] = []
            narrowed.reserveCapacity(values.count)
            for value in values {
                guard let exact = Int32(exactly: value) else { return nil }
                narrowed.append(exact)
            }
            return narrowed
        case .float32, .float64: return nil
        }
    }
}
