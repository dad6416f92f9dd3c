import Foundation

/// What went wrong in a GardenHDF5 call.
///
/// Every message starts with the file path, names the dataset, group or attribute, and says what
/// was expected and what was found, e.g.
/// `x.h5: dataset 'inputs' has dtype int32, expected float32`.
public enum HDF5Error: Error, Equatable, LocalizedError {
    /// No file exists at `file`.
    case fileNotFound(file: String)
    /// `file` exists but is not a complete HDF5 file (text, empty, or cut short).
    case notHDF5File(file: String)
    /// `file` could not be opened or created, for the given reason.
    case cannotOpen(file: String, reason: String)
    /// The file was used after `close()`.
    case closed(file: String)
    /// A write was attempted on a file opened read-only.
    case readOnly(file: String, path: String)
    /// `path` is not a usable object path.
    case invalidPath(file: String, path: String, reason: String)
    /// No dataset at `path`; `available` lists every dataset in the file.
    case datasetNotFound(file: String, path: String, available: [String])
    /// No group or dataset at `path`.
    case objectNotFound(file: String, path: String)
    /// `path` names a group where a dataset was expected.
    case notADataset(file: String, path: String)
    /// `path` names a dataset where a group was expected (e.g. as a parent of a new dataset).
    case notAGroup(file: String, path: String)
    /// The dataset at `path` holds `found`, but the caller asked for `expected`.
    case dtypeMismatch(file: String, path: String, expected: HDF5DType, found: HDF5DType)
    /// The dataset at `path` holds a type GardenHDF5 does not read (`found` describes it).
    case unsupportedDtype(file: String, path: String, found: String)
    /// `shape` is negative somewhere or does not multiply out to `valueCount`.
    case invalidShape(file: String, path: String, shape: [Int], valueCount: Int)
    /// No attribute `name` on the object at `object`. The names that are there are not listed:
    /// listing makes libhdf5 1.10 crash on a damaged file (see `HDF5File.hasAttribute`).
    case attributeNotFound(file: String, object: String, name: String)
    /// The attribute holds `found`, but the caller asked for `expected`.
    case attributeTypeMismatch(
        file: String, object: String, name: String, expected: String, found: String)
    /// The dataset's declared `shape` needs `bytes` (nil: more than Int.max) and more than
    /// `limit` allows, so it is not read.
    case tooLarge(file: String, path: String, shape: [Int], bytes: Int?, limit: String)
    /// The dataset's values are not in the file (external files, a virtual dataset) or in a
    /// layout GardenHDF5 does not read; `found` says which.
    case unsupportedStorage(file: String, path: String, found: String)
    /// The process that reads the file's metadata before libhdf5 may open it here
    /// (`HDF5Verifier`) crashed, failed or ran out of time; `reason` says which.
    case unreadable(file: String, reason: String)
    /// libhdf5 refused an operation that our own checks expected to succeed.
    case library(file: String, action: String)
    /// A file-system call failed (fsync, rename) while writing `file`.
    case io(file: String, action: String, reason: String)

    /// A one-line message naming the file, the object, what was expected and what was found.
    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let file):
            return "\(file): file not found"
        case .notHDF5File(let file):
            return "\(file): not an HDF5 file (or truncated)"
        case .cannotOpen(let file, let reason):
            return "\(file): cannot open: \(reason)"
        case .closed(let file):
            return "\(file): the file is already closed"
        case .readOnly(let file, let path):
            return
                "\(file): opened read-only, cannot write '\(path)' (open it with mode .readWrite)"
        case .invalidPath(let file, let path, let reason):
            return "\(file): invalid path '\(path)': \(reason)"
        case .datasetNotFound(let file, let path, let available):
            let listing =
                available.isEmpty
                ? "the file has no datasets"
                : "datasets in file: " + available.joined(separator: ", ")
            return "\(file): dataset '\(path)' not found (\(listing))"
        case .objectNotFound(let file, let path):
            return "\(file): no group or dataset '\(path)'"
        case .notADataset(let file, let path):
            return "\(file): '\(path)' is a group, expected a dataset"
        case .notAGroup(let file, let path):
            return "\(file): '\(path)' is a dataset, expected a group"
        case .dtypeMismatch(let file, let path, let expected, let found):
            return "\(file): dataset '\(path)' has dtype \(found), expected \(expected)"
        case .unsupportedDtype(let file, let path, let found):
            let supported = HDF5DType.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(file): dataset '\(path)' has unsupported dtype \(found)"
                + " (supported: \(supported))"
        case .invalidShape(let file, let path, let shape, let valueCount):
            if let negative = shape.first(where: { $0 < 0 }) {
                return "\(file): cannot write dataset '\(path)' with shape \(shape):"
                    + " dimension \(negative) is negative"
            }
            let needed = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            return "\(file): cannot write dataset '\(path)' with shape \(shape)"
                + " (\(needed) values) from \(valueCount) values"
        case .attributeNotFound(let file, let object, let name):
            return "\(file): attribute '\(name)' not found on '\(object)'"
        case .attributeTypeMismatch(let file, let object, let name, let expected, let found):
            return "\(file): attribute '\(name)' on '\(object)' is \(found), expected \(expected)"
        case .tooLarge(let file, let path, let shape, let bytes, let limit):
            let size = bytes.map { "\($0) bytes" } ?? "more than \(Int.max) bytes"
            return
                "\(file): dataset '\(path)' declares shape \(shape) (\(size)), more than \(limit)"
        case .unsupportedStorage(let file, let path, let found):
            return "\(file): dataset '\(path)' \(found); only data stored in the file is read"
        case .unreadable(let file, let reason):
            return "\(file): not a readable HDF5 file: \(reason)"
        case .library(let file, let action):
            return "\(file): HDF5 failed to \(action)"
        case .io(let file, let action, let reason):
            return "\(file): could not \(action): \(reason)"
        }
    }
}
