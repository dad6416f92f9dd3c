import Foundation

/// Why reading or writing a TensorFlow tensor bundle (`variables.index` + data file) failed.
///
/// Messages name the file, the byte offset, and what was expected versus found, e.g.
/// `variables.index: byte 237: bad magic number 0x0000000000000000, expected 0xdb4775248b80fb57`.
public enum TensorBundleError: Error, LocalizedError, Equatable {
    /// A file could not be read, written or renamed.
    case io(file: String, message: String)
    /// A file's bytes break the format at `offset`.
    case corrupt(file: String, offset: Int, message: String)
    /// The file is valid TensorFlow output that this reader does not handle (compressed
    /// blocks, several shards, big-endian data, sliced variables).
    case unsupported(file: String, offset: Int, message: String)
    /// The caller passed something invalid (duplicate or reserved key, wrong byte count,
    /// unknown key).
    case invalidArgument(String)

    /// One line: where it failed, what was expected and what was found.
    public var errorDescription: String? {
        switch self {
        case let .io(file, message):
            return "\(file): \(message)"
        case let .corrupt(file, offset, message):
            return "\(file): byte \(offset): \(message)"
        case let .unsupported(file, offset, message):
            return "\(file): byte \(offset): unsupported: \(message)"
        case let .invalidArgument(message):
            return message
        }
    }
}
