/// The value of a scalar attribute: the kinds GardenHDF5 writes and reads.
public enum HDF5AttributeValue: Equatable, Sendable {
    /// A UTF-8 string (stored variable-length, which h5py reads as `str`).
    case string(String)
    /// Any integer attribute, read as `Int64`.
    case int64(Int64)
    /// Any float attribute, read as `Double`.
    case double(Double)

    /// The kind's name in error messages.
    var kindName: String {
        switch self {
        case .string: return "string"
        case .int64: return "int64"
        case .double: return "float64"
        }
    }
}
