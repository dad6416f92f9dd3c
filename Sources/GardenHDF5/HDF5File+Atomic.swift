import Foundation

/// Writing a whole file so that readers see either the old file or the complete new one.
extension HDF5File {
    /// Writes a new file at `url` through a temporary file, so that a crash or an error never
    /// leaves a torn file at the destination.
    ///
    /// `body` fills a file that libhdf5 builds in memory; its bytes are then written to
    /// `<dir>/.<name>.tmp-<pid>` with plain `write(2)`, fsynced and renamed over `url`. Only
    /// our own code touches the disk, so a full disk, a file-size limit or a read-only file
    /// system is an error naming `url` and the reason: libhdf5 never sees a failed write (a
    /// failed close inside libhdf5 left it unable to shut down, and the process crashed at exit).
    /// If `body` or any step throws, the temporary file is removed, the destination keeps its
    /// old content, and the error is rethrown. Errors name `url`, never the temporary file.
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
        guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory) else {
            throw HDF5Error.cannotOpen(
                file: destination, reason: "directory '\(directory)' does not exist")
        }
        let file = try create(diskPath: temporary, displayPath: destination, inMemory: true)
        let result: Result
        let image: [UInt8]
        do {
            result = try body(file)
            image = try file.fileImage()
            try file.close()
        } catch {
            try? file.close()
            throw error
        }
        do {
            try writeToDisk(image, at: temporary, reportingAs: destination)
            guard rename(temporary, destination) == 0 else {
                throw HDF5Error.io(
                    file: destination, action: "move the new file into place",
                    reason: String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary)
            throw error
        }
        // Makes the rename itself durable. Best effort: the destination is already whole.
        _ = try? syncToDisk(directory, reportingAs: destination)
        return result
    }

    /// Writes `bytes` to a new file at `diskPath` and fsyncs it; every failure (ENOSPC, EFBIG,
    /// EROFS, EIO) is an `HDF5Error.io` naming `displayPath`.
    private static func writeToDisk(
        _ bytes: [UInt8], at diskPath: String, reportingAs displayPath: String
    ) throws {
        func failure(_ action: String) -> HDF5Error {
            HDF5Error.io(
                file: displayPath, action: action, reason: String(cString: strerror(errno)))
        }
        let descriptor = Foundation.open(diskPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("create the file") }
        var closed = false
        defer { if !closed { Foundation.close(descriptor) } }
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    if written == 0 { errno = ENOSPC }
                    throw failure("write the file")
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw failure("sync the new file to disk") }
        closed = true
        guard Foundation.close(descriptor) == 0 else { throw failure("close the file") }
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
