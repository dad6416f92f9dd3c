import Foundation

/// Why a directory could not be packaged. One line, naming the path.
public enum ArchiveError: Error, LocalizedError, Equatable {
    case unsupportedEntry(path: String, kind: String)
    case nameTooLong(path: String)
    case fileTooLarge(path: String, size: UInt64)
    case changedWhileReading(path: String)
    case compression(status: Int32)
    case io(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .unsupportedEntry(let p, let kind):
            return "\(p): is a \(kind); an archive holds only regular files and directories"
        case .nameTooLong(let p):
            return
                "\(p): the path is too long for a ustar header (at most 155 + 100 bytes, split at a '/')"
        case .fileTooLarge(let p, let size):
            return "\(p): \(size) bytes is more than a ustar header can record (8 GiB - 1)"
        case .changedWhileReading(let p):
            return "\(p): the file changed size while it was being packaged"
        case .compression(let status): return "zlib deflate failed with status \(status)"
        case .io(let p, let reason): return "\(p): \(reason)"
        }
    }
}
