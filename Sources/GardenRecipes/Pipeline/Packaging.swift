import Foundation
import GardenArchive
import GardenExport

/// `garden package`: a SavedModel export as one deterministic `.tar.gz`, TF Hub's compressed
/// format (`hub.KerasLayer("https://.../model.tar.gz")` downloads and unpacks it).
///
/// The SavedModel is at the archive root (`saved_model.pb`, `variables/...`,
/// `assets.extra/README.md`), as `tensorflow_hub`'s resolver extracts members relative to the
/// module directory. The archive is written to a temporary file beside `--out` and renamed
/// into place, so `--out` is never half-written.
public enum Packaging {
    /// Packs `export` into `out`.
    /// - Throws: ``PackagingError`` for a missing or non-SavedModel export or an `out` inside it,
    ///   ``OutputError`` for another refused `out`;
    ///   ``ExportError/unreadable(path:message:)`` when `saved_model.pb` or the variables do not
    ///   read; ``ArchiveError`` for what an archive cannot hold.
    public static func run(export: URL, out: URL, overwrite: Bool) throws {
        try checkExport(export)
        try checkOut(out, export: export, overwrite: overwrite)
        _ = try SavedModelReader(directory: export)
        let fm = FileManager.default
        let target = out.standardizedFileURL
        let temp = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())")
        guard fm.createFile(atPath: temp.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: temp.path)
        else { throw PackagingError.cannotWrite(path: out.path, reason: reason(creating: temp)) }
        var moved = false
        defer {
            try? handle.close()
            if !moved { try? fm.removeItem(at: temp) }
        }
        try DirectoryArchive.write(export) { data in
            do {
                try handle.write(contentsOf: data)
            } catch {
                throw PackagingError.cannotWrite(
                    path: out.path, reason: "the write failed (disk full?)")
            }
        }
        try handle.synchronize()
        try handle.close()
        // rename(2) replaces an existing file in one step: readers never see a partial archive.
        guard rename(temp.path, target.path) == 0 else {
            throw PackagingError.cannotWrite(
                path: out.path, reason: String(cString: strerror(errno)))
        }
        moved = true
    }

    /// Refuses an export path that does not exist, is no directory or has no `saved_model.pb`.
    static func checkExport(_ export: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: export.path, isDirectory: &isDirectory) else {
            throw PackagingError.missingExport(path: export.path)
        }
        let pb = export.appendingPathComponent("saved_model.pb")
        guard isDirectory.boolValue, FileManager.default.fileExists(atPath: pb.path) else {
            throw PackagingError.notASavedModel(path: export.path)
        }
    }

    /// Refuses a path inside the export (the archive would contain itself), and what
    /// `OutputTarget.checkFile` refuses for any output: the export itself, a directory or other
    /// non-regular file, an existing file without `overwrite`.
    static func checkOut(_ out: URL, export: URL, overwrite: Bool) throws {
        if OutputTarget.isInside(OutputTarget.canonical(out), OutputTarget.canonical(export)) {
            throw PackagingError.outInsideExport(out: out.path, export: export.path)
        }
        try OutputTarget.checkFile(out, overwrite: overwrite, inputs: [("export", export)])
    }

    static func reason(creating url: URL) -> String {
        var isDirectory: ObjCBool = false
        let parent = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else { return "its directory \(parent.path) does not exist" }
        return "cannot create a file in \(parent.path)"
    }
}

/// Why `garden package` refused. One line naming the path and what was expected.
public enum PackagingError: Error, LocalizedError, Equatable {
    case missingExport(path: String)
    case notASavedModel(path: String)
    case outInsideExport(out: String, export: String)
    case cannotWrite(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .missingExport(let p): return "\(p): no such export; expected a SavedModel directory"
        case .notASavedModel(let p):
            return "\(p): not a SavedModel directory (expected a directory holding saved_model.pb)"
        case .outInsideExport(let o, let e):
            return "\(o): the archive would be inside the export \(e) it packs; write it elsewhere"
        case .cannotWrite(let p, let reason): return "\(p): cannot write the archive: \(reason)"
        }
    }
}
