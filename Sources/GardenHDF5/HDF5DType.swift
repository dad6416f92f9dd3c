import CHDF5

/// The element types GardenHDF5 reads and writes.
///
/// Files are written little-endian whatever the machine; reading converts any byte order.
public enum HDF5DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32
    case float64
    case int32
    case int64
    case uint8

    /// The name used in error messages and listings, as NumPy spells it.
    public var description: String { rawValue }

    /// The in-memory type that matches the Swift element type.
    var memoryType: hid_t {
        switch self {
        case .float32: return garden_h5t_native_float()
        case .float64: return garden_h5t_native_double()
        case .int32: return garden_h5t_native_int32()
        case .int64: return garden_h5t_native_int64()
        case .uint8: return garden_h5t_native_uint8()
        }
    }

    /// The on-disk type: fixed little-endian so that files do not depend on the writer's machine.
    var fileType: hid_t {
        switch self {
        case .float32: return garden_h5t_ieee_f32le()
        case .float64: return garden_h5t_ieee_f64le()
        case .int32: return garden_h5t_std_i32le()
        case .int64: return garden_h5t_std_i64le()
        case .uint8: return garden_h5t_std_u8le()
        }
    }

    /// Classifies an HDF5 datatype, or returns `nil` when it is not one we support.
    init?(hdf5Type type: hid_t) {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_FLOAT:
            switch size {
            case 4: self = .float32
            case 8: self = .float64
            default: return nil
            }
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            switch (size, signed) {
            case (4, true): self = .int32
            case (8, true): self = .int64
            case (1, false): self = .uint8
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Describes any HDF5 datatype for an error message, e.g. `integer (2 bytes, signed)`.
    static func describe(hdf5Type type: hid_t) -> String {
        if let known = HDF5DType(hdf5Type: type) { return known.rawValue }
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_INTEGER:
            let sign = H5Tget_sign(type) == H5T_SGN_2 ? "signed" : "unsigned"
            return "integer (\(size) bytes, \(sign))"
        case H5T_FLOAT: return "float (\(size) bytes)"
        case H5T_STRING: return "string"
        case H5T_COMPOUND: return "compound"
        case H5T_ENUM: return "enum"
        case H5T_ARRAY: return "array"
        case H5T_VLEN: return "variable-length sequence"
        case H5T_OPAQUE: return "opaque"
        case H5T_BITFIELD: return "bitfield"
        case H5T_REFERENCE: return "reference"
        case H5T_TIME: return "time"
        default: return "unknown type"
        }
    }
}
