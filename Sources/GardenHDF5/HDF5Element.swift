/// A Swift scalar type that can be stored as an HDF5 dataset element.
///
/// `Float`, `Double`, `Int32`, `Int64` and `UInt8` conform; the set is closed because each one
/// needs a matching `HDF5DType`.
public protocol HDF5Element: Sendable {
    /// The dtype this Swift type is stored as.
    static var hdf5DType: HDF5DType { get }
}

extension Float: HDF5Element {
    /// Stored as `float32`.
    public static var hdf5DType: HDF5DType { .float32 }
}

extension Double: HDF5Element {
    /// Stored as `float64`.
    public static var hdf5DType: HDF5DType { .float64 }
}

extension Int32: HDF5Element {
    /// Stored as `int32`.
    public static var hdf5DType: HDF5DType { .int32 }
}

extension Int64: HDF5Element {
    /// Stored as `int64`.
    public static var hdf5DType: HDF5DType { .int64 }
}

extension UInt8: HDF5Element {
    /// Stored as `uint8` (image pixels).
    public static var hdf5DType: HDF5DType { .uint8 }
}
