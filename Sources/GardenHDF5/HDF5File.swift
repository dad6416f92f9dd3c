import CHDF5
import Foundation

/// An open HDF5 file: datasets of `HDF5DType` values and string/number attributes, addressed by
/// slash-separated paths such as `encoder/layer_0/kernel`.
///
/// Every call goes through one process-wide lock, because the serial libhdf5 is not thread-safe.
/// Files are written reproducibly: no object timestamps, little-endian types, so the same content
/// written the same way gives the same bytes.
///
/// ```swift
/// let file = try HDF5File.create(at: URL(fileURLWithPath: "/tmp/example.h5"))
/// try file.write([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3], at: "encoder/layer_0/kernel")
/// let (shape, values) = try file.readFloat("encoder/layer_0/kernel")
/// ```
public final class HDF5File: @unchecked Sendable {
    // @unchecked: the mutable state (`fileID`, `knownObjects`, `untimedCreationLists`) is read
    // and written under `HDF5Library`'s lock.

    /// How an existing file is opened.
    public enum Mode: Sendable {
        /// Reads only; every write throws `HDF5Error.readOnly`.
        case readOnly
        /// Reads and writes in place.
        case readWrite
    }

    /// The path named in error messages: the destination path, even while an atomic write is
    /// still going to its temporary file.
    public let path: String

    /// Whether writes are allowed.
    public let isWritable: Bool

    /// The libhdf5 file handle, or -1 once closed.
    private var fileID: hid_t

    /// The groups and datasets this handle made, or found on the way to a dataset it wrote,
    /// by normalized path, so `write` looks each up once (a checkpoint's 18 tensors looked
    /// their 13 groups up 42 times). Only `write` makes or removes links, and keeps this current.
    var knownObjects: [String: ObjectKind] = [:]

    /// Whether `knownObjects` holds every object of the file: true for a file this handle
    /// created, where nothing else can exist, so no lookup needs libhdf5.
    let knowsEveryObject: Bool

    /// Creation property lists without timestamps, made once per handle (`untimedCreation`).
    var untimedCreationLists: [CreationKind: hid_t] = [:]

    private init(fileID: hid_t, path: String, isWritable: Bool, knowsEveryObject: Bool = false) {
        self.fileID = fileID
        self.path = path
        self.isWritable = isWritable
        self.knowsEveryObject = knowsEveryObject
    }

    deinit {
        HDF5Library.withLock {
            closeCreationLists()
            if fileID >= 0 { _ = H5Fclose(fileID) }
        }
    }

    /// Creates a new file at `url`, replacing any file already there.
    ///
    /// Prefer `atomicallyWrite(to:_:)` for outputs, so that a crash never leaves half a file.
    /// - Parameter url: Where to create the file.
    /// - Returns: The open, writable file.
    /// - Throws: `HDF5Error.cannotOpen` when the file cannot be created.
    public static func create(at url: URL) throws -> HDF5File {
        try create(diskPath: url.path, displayPath: url.path)
    }

    /// Creates (truncates) `diskPath`, naming `displayPath` in errors. `inMemory` builds the
    /// file in memory instead (libhdf5's core driver without a backing store): nothing reaches
    /// `diskPath`, and `fileImage()` returns the bytes.
    static func create(diskPath: String, displayPath: String, inMemory: Bool = false) throws
        -> HDF5File
    {
        try HDF5Library.withLock {
            let fcpl = try makePropertyList(garden_h5p_file_create(), file: displayPath)
            defer { H5Pclose(fcpl) }
            // The file creation list also configures the root group, whose header would
            // otherwise carry the creation time and make every file unique.
            guard H5Pset_obj_track_times(fcpl, false) >= 0 else {
                throw HDF5Error.library(file: displayPath, action: "disable timestamps")
            }
            let fapl = try makeFileAccessList(file: displayPath)
            defer { H5Pclose(fapl) }
            // Backing store off, so libhdf5 never writes the disk. The buffer grows to the next
            // multiple of the step past each write (one `realloc` however large the write),
            // and libhdf5 zeroes what it adds: 1 MiB steps zeroed 1 MiB for every 40 KB
            // checkpoint of the mlp, 5 % of the checkpoint writer's time.
            if inMemory, H5Pset_fapl_core(fapl, 64 << 10, false) < 0 {
                throw HDF5Error.library(file: displayPath, action: "build the file in memory")
            }
            let id = H5Fcreate(diskPath, garden_h5f_acc_trunc(), fcpl, fapl)
            guard id >= 0 else {
                let directory = (displayPath as NSString).deletingLastPathComponent
                let reason =
                    FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory)
                    ? "could not create the file" : "directory '\(directory)' does not exist"
                throw HDF5Error.cannotOpen(file: displayPath, reason: reason)
            }
            return HDF5File(
                fileID: id, path: displayPath, isWritable: true, knowsEveryObject: true)
        }
    }

    /// Opens an existing HDF5 file.
    ///
    /// Throws `HDF5Error.fileNotFound` for a missing file and `HDF5Error.notHDF5File` for an
    /// empty, truncated or non-HDF5 one; it never crashes on a bad file: a child process reads
    /// everything libhdf5 would decode first (`HDF5Verifier`), and a file that crashes it is
    /// `HDF5Error.unreadable`.
    /// - Parameters:
    ///   - url: The file to open.
    ///   - mode: `.readOnly` (default) or `.readWrite`.
    /// - Returns: The open file.
    /// - Throws: `HDF5Error.fileNotFound`, `.notHDF5File` (empty, truncated, not HDF5),
    ///   `.unreadable` (libhdf5 crashed or hung on it in the child) or `.cannotOpen`.
    public static func open(at url: URL, mode: Mode = .readOnly) throws -> HDF5File {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HDF5Error.fileNotFound(file: path)
        }
        guard !isDirectory.boolValue else {
            throw HDF5Error.cannotOpen(file: path, reason: "it is a directory")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw HDF5Error.cannotOpen(file: path, reason: "permission denied")
        }
        if mode == .readWrite, !FileManager.default.isWritableFile(atPath: path) {
            throw HDF5Error.cannotOpen(file: path, reason: "not writable")
        }
        // libhdf5 crashes on some hostile metadata; a child process reads it first.
        try HDF5Verifier.verify(path)
        return try HDF5Library.withLock {
            // H5Fis_hdf5 only looks for the signature, so it rejects text and empty files;
            // a file cut short after the signature is caught by H5Fopen's end-of-file check.
            guard H5Fis_hdf5(path) > 0 else { throw HDF5Error.notHDF5File(file: path) }
            let fapl = try makeFileAccessList(file: path)
            defer { H5Pclose(fapl) }
            let flags = mode == .readOnly ? garden_h5f_acc_rdonly() : garden_h5f_acc_rdwr()
            let id = H5Fopen(path, flags, fapl)
            guard id >= 0 else { throw HDF5Error.notHDF5File(file: path) }
            return HDF5File(fileID: id, path: path, isWritable: mode == .readWrite)
        }
    }

    /// Writes buffered data to disk without closing the file.
    public func flush() throws {
        try HDF5Library.withLock {
            guard H5Fflush(try openID(), H5F_SCOPE_GLOBAL) >= 0 else {
                throw HDF5Error.library(file: path, action: "flush the file")
            }
        }
    }

    /// The bytes of the whole file as it stands (used for files built in memory).
    func fileImage() throws -> [UInt8] {
        try HDF5Library.withLock {
            let id = try openID()
            guard H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0 else {
                throw HDF5Error.library(file: path, action: "flush the file")
            }
            let size = H5Fget_file_image(id, nil, 0)
            guard size > 0 else {
                throw HDF5Error.library(file: path, action: "read the file image")
            }
            // Not zeroed first: libhdf5 writes every byte, and zeroing a checkpoint's 2.4 MB
            // was 3.7 % of the checkpoint writer's thread (784-256-10 MLP, perf record).
            var copied = 0
            let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                copied = H5Fget_file_image(id, buffer.baseAddress, size)
                count = copied == size ? size : 0
            }
            guard copied == size else {
                throw HDF5Error.library(file: path, action: "read the file image")
            }
            return bytes
        }
    }

    /// Flushes and closes the file. Later calls on this object throw `HDF5Error.closed`;
    /// closing twice is allowed. `deinit` closes a file that was not closed explicitly.
    public func close() throws {
        try HDF5Library.withLock {
            guard fileID >= 0 else { return }
            closeCreationLists()
            let id = fileID
            fileID = -1
            guard H5Fclose(id) >= 0 else {
                throw HDF5Error.library(file: path, action: "close the file")
            }
        }
    }

    // MARK: - Internal helpers (callers hold the lock)

    /// The open file handle; throws once the file is closed.
    func openID() throws -> hid_t {
        guard fileID >= 0 else { throw HDF5Error.closed(file: path) }
        return fileID
    }

    /// Throws `readOnly` unless the file accepts writes to `objectPath`.
    func requireWritable(_ objectPath: String) throws {
        guard isWritable else { throw HDF5Error.readOnly(file: path, path: objectPath) }
    }

    static func makePropertyList(_ propertyClass: hid_t, file: String) throws -> hid_t {
        let list = H5Pcreate(propertyClass)
        guard list >= 0 else {
            throw HDF5Error.library(file: file, action: "create a property list")
        }
        return list
    }

    /// Access properties shared by create and open.
    private static func makeFileAccessList(file: String) throws -> hid_t {
        let fapl = try makePropertyList(garden_h5p_file_access(), file: file)
        // STRONG: H5Fclose also closes any object handle still open, so a close really reaches
        // the disk before `atomicallyWrite` fsyncs and renames.
        guard H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0 else {
            H5Pclose(fapl)
            throw HDF5Error.library(file: file, action: "set the file close degree")
        }
        // The library-version bounds stay at libhdf5's default (the oldest object formats):
        // those files open in every HDF5 reader from 1.8 on, and they are already
        // reproducible once timestamps are off (DeterminismTests).
        return fapl
    }
}
