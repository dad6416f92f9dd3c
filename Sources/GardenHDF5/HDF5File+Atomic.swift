import Foundation

/// Writing a whole file so that readers see either the old file or the complete new one.
extension HDF5File {
    /// Writes a new file at `url` through a temporary file, so that a crash or an error never
    /// leaves a torn file at the destination.
    ///
    /// `body` fills `<dir>/.<name>.tmp-<pid>`; the file is then closed, fsynced and renamed over
    /// `url`. If `body` or any step throws, the temporary file is removed, the destination keeps
    /// its old content, and the error is rethrown. Errors name `url`, never the temporary file.
    /// Do not keep the `HDF5File` after `body` returns: it is closed.
    /// - Parameters:
    ///   - url: The destination; its directory must exist.
    ///   - body: Writes the content.
    /// - Returns: What `body` returns.
    /// - Throws: `HDF5Error` naming `url` when a step fails, or whatever `body` throws; the
    ///   destination is then unchanged.
    @discardableResult
    public static func atomicallyWrite<Result>(
        to url: URL, _ body: (HDF5File) throws -> Result
    ) throws -> Result {
        let destination = url.path
        let directory = url.deletingLastPathComponent().path
        // Same directory as the destination, so rename(2) stays on one file system and is
        // atomic; the pid keeps concurrent processes from sharing a temporary file.
        let temporary = (directory as NSString).appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())")
        let file = try create(diskPath: temporary, displayPath: destination)
        do {
            let result = try body(file)
            try file.close()
            try syncToDisk(temporary, reportingAs: destination)
            guard rename(temporary, destination) == 0 else {
                throw HDF5Error.io(
                    file: destination, action: "move the new file into place",
                    reason: String(cString: strerror(errno)))
            }
            // Makes the rename itself durable. Best effort: the destination is already whole.
            _ = try? syncToDisk(directory, reportingAs: destination)
            return result
        } catch {
            try? file.close()
            unlink(temporary)
            throw error
        }
    }

    /// fsyncs a file or directory so that its content survives a power cut.
    private static func syncToDisk(_ diskPath: String, reportingAs displayPath: String) throws {
        let descriptor = Foundation.open(diskPath, O_RDONLY)
        guard descriptor >= 0 else {
            throw HDF5Error.io(
                file: displayPath, action: "open the new file to sync it",
                reason: String(cString: strerror(errno)))
        }
        defer { Foundation.close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw HDF5Error.io(
                file: displayPath, action: "sync the new file to disk",
                reason: String(cString: strerror(errno)))
        }
    }
}
