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
        let target = try AtomicTarget(url)
        let (result, image) = try buildInMemory(target, body)
        try target.replace(with: image)
        return result
    }

    /// Writes `content` to `url` as `atomicallyWrite(to:_:)` does. With a `template` that has
    /// seen this layout before, the bytes come from the template (the same bytes libhdf5
    /// builds, for a fraction of the CPU: `HDF5ImageTemplate`); otherwise libhdf5 builds them,
    /// and the template learns the layout.
    /// - Throws: As `atomicallyWrite(to:_:)`; the destination is then unchanged.
    public static func atomicallyWrite(
        _ content: HDF5FileContent, to url: URL, reusing template: HDF5ImageTemplate? = nil
    ) throws {
        let target = try AtomicTarget(url)
        func build(_ content: HDF5FileContent) throws -> [UInt8] {
            try buildInMemory(target) { try $0.write(content) }.1
        }
        let image =
            try template?.image(of: content, build: build) { try inMemoryImage(of: $0, target) }
            ?? build(content)
        try target.replace(with: image)
    }

    /// The bytes libhdf5 builds for `content`, and the file offset of each dataset's values
    /// (nil for an empty dataset, which has none), which a template learns from.
    static func inMemoryImage(of content: HDF5FileContent, _ target: AtomicTarget) throws -> (
        image: [UInt8], dataOffsets: [Int?]
    ) {
        let (dataOffsets, image) = try buildInMemory(target) { file in
            try file.write(content)
            return try content.datasets.map { try file.dataOffset(of: $0.path) }
        }
        return (image, dataOffsets)
    }

    /// Runs `body` on a file libhdf5 builds in memory, and returns the file's bytes.
    private static func buildInMemory<Result>(
        _ target: AtomicTarget, _ body: (HDF5File) throws -> Result
    ) throws -> (Result, [UInt8]) {
        let file = try create(
            diskPath: target.temporary, displayPath: target.destination, inMemory: true)
        do {
            let result = try body(file)
            let image = try file.fileImage()
            try file.close()
            return (result, image)
        } catch {
            try? file.close()
            throw error
        }
    }

    /// Where an atomic write goes: the destination, and the temporary file beside it.
    struct AtomicTarget {
        let destination: String
        let directory: String
        let temporary: String

        /// - Throws: `HDF5Error.cannotOpen` when the directory does not exist.
        init(_ url: URL) throws {
            destination = url.path
            directory = url.deletingLastPathComponent().path
            // Same directory as the destination, so rename(2) stays on one file system and is
            // atomic; the pid keeps concurrent processes from sharing a temporary file.
            temporary = (directory as NSString).appendingPathComponent(
                ".\(url.lastPathComponent).tmp-\(getpid())")
            guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory)
            else {
                throw HDF5Error.cannotOpen(
                    file: destination, reason: "directory '\(directory)' does not exist")
            }
        }

        /// Writes `image` to the temporary file, fsyncs it and renames it over the destination;
        /// on failure the temporary file is removed and the destination left as it was.
        func replace(with image: [UInt8]) throws {
            do {
                try HDF5File.writeToDisk(image, at: temporary, reportingAs: destination)
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
            _ = try? HDF5File.syncToDisk(directory, reportingAs: destination)
        }
    }

    /// Writes `bytes` to a new file at `diskPath` and fsyncs it; every failure (ENOSPC, EFBIG,
    /// EROFS, EIO) is an `HDF5Error.io` naming `displayPath`.
    fileprivate static func writeToDisk(
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
    fileprivate static func syncToDisk(_ diskPath: String, reportingAs displayPath: String) throws {
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
