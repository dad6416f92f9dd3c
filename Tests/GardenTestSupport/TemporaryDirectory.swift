import Foundation

/// A fresh directory under the system temp dir, removed when the value is deinitialized.
public final class TemporaryDirectory {
    public let url: URL

    /// Creates the directory; `prefix` says which tests made it.
    ///
    /// - Parameter prefix: the start of the directory's name.
    /// - Throws: the file system's error when the directory cannot be created.
    public init(prefix: String = "garden-tests") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
