import Foundation

/// Why a checkpoint could not be used. Messages are one line and name the file.
public enum CheckpointError: Error, LocalizedError, Equatable {
    case notFound(path: String)
    case emptyDirectory(path: String)
    case foreign(file: String)
    case unsupportedVersion(file: String, found: Int64)
    case badDataset(file: String, path: String, reason: String)
    case badAttribute(file: String, name: String, reason: String)
    case incompatible(file: String, report: String)
    case missingOptimizerSlots(file: String, missing: [String])

    public var errorDescription: String? {
        switch self {
        case .notFound(let p): return "\(p): no such checkpoint file or directory"
        case .emptyDirectory(let p): return "\(p): no checkpoint (ckpt-NNNNNN.h5) in this directory"
        case .foreign(let f):
            return
                "\(f): not a SwiftGarden checkpoint (HDF5 file without the 'format_version' attribute)"
        case .unsupportedVersion(let f, let v):
            let r = Checkpoint.readableVersions
            return
                "\(f): checkpoint format version \(v) is not supported (expected \(r.lowerBound)...\(r.upperBound))"
        case .badDataset(let f, let p, let r): return "\(f): dataset '\(p)': \(r)"
        case .badAttribute(let f, let n, let r): return "\(f): attribute '\(n)' \(r)"
        case .incompatible(let f, let r): return "\(f): checkpoint does not match the model: \(r)"
        case .missingOptimizerSlots(let f, let missing):
            let more = missing.count > 1 ? " and \(missing.count - 1) more" : ""
            return
                "\(f): optimizer slot '\(missing[0])'\(more) missing; resuming without the optimizer's state would not continue the run (train into a new --model-dir to start over)"
        }
    }
}
