import Foundation

/// Why a checkpoint could not be used. Messages are one line and name the file.
public enum CheckpointError: Error, LocalizedError, Equatable {
    case notFound(path: String)
    case emptyDirectory(path: String)
    case foreign(file: String)
    case unsupportedVersion(file: String, found: Int64)
    case badDataset(file: String, path: String, reason: String)
    case incompatible(file: String, report: String)

    public var errorDescription: String? {
        switch self {
        case .notFound(let p): return "\(p): no such checkpoint file or directory"
        case .emptyDirectory(let p): return "\(p): no checkpoint (ckpt-NNNNNN.h5) in this directory"
        case .foreign(let f):
            return "\(f): not a SwiftGarden checkpoint (HDF5 file without the 'format_version' attribute)"
        case .unsupportedVersion(let f, let v):
            return "\(f): checkpoint format version \(v) is not supported (expected \(Checkpoint.formatVersion))"
        case .badDataset(let f, let p, let r): return "\(f): dataset '\(p)': \(r)"
        case .incompatible(let f, let r): return "\(f): checkpoint does not match the model: \(r)"
        }
    }
}
