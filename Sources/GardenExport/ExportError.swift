import Foundation

/// Why a SavedModel export (or reading one back) failed.
///
/// Every message says what failed, where, what was expected, what was found, and a hint.
public enum ExportError: Error, LocalizedError, Equatable {
    /// The target directory exists and is not empty, and overwriting was not asked for.
    case directoryNotEmpty(path: String)
    /// The target path exists but is not a directory.
    case notADirectory(path: String)
    /// The spec is inconsistent (duplicate names, mismatched traces, bad structures).
    case invalidSpec(String)
    /// A traced function reads a parameter that is not among the exported variables.
    case unknownVariable(function: String, path: String)
    /// A file operation failed.
    case io(path: String, message: String)
    /// A SavedModel being read back is malformed or not one this module understands.
    case unreadable(path: String, message: String)

    public var errorDescription: String? {
        switch self {
        case .directoryNotEmpty(let path):
            return "export directory \(path) exists and is not empty; "
                + "pass --overwrite to replace it, or choose another directory"
        case .notADirectory(let path):
            return
                "export path \(path) exists and is not a directory; remove it or choose another path"
        case .invalidSpec(let message):
            return "invalid SavedModel export: \(message)"
        case .unknownVariable(let function, let path):
            return "function \(function) reads variable '\(path)', which is not among the exported "
                + "variables; add its Parameter to SavedModelSpec.variables"
        case .io(let path, let message):
            return "cannot write \(path): \(message)"
        case .unreadable(let path, let message):
            return "cannot read SavedModel \(path): \(message)"
        }
    }
}
