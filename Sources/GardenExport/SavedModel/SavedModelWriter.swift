import Foundation

/// Writes a SavedModel directory: `saved_model.pb`, `variables/`, `fingerprint.pb`, `assets/`,
/// `assets.extra/`.
///
/// The export is built completely in a sibling temporary directory (`.<name>.tmp-<pid>`) and
/// then renamed into place, so a failure never leaves a half-written export at `dir`.
/// `fingerprint.pb` holds TF's hashes of the files (``SavedModelFingerprint``). No
/// `tfhub_module.pb` (it would make hub treat the directory as the TF1 Hub format).
public enum SavedModelWriter {
    /// Exports `spec` to `dir`.
    ///
    /// - Parameters:
    ///   - spec: what to export.
    ///   - dir: the export directory; it may exist only if empty, unless `overwrite`.
    ///   - overwrite: replace an existing non-empty `dir` (the old one is removed only after the
    ///     new one is in place).
    /// - Throws: ``ExportError/directoryNotEmpty(path:)`` without `overwrite`, and any
    ///   ``ExportError`` from assembling the spec or writing files.
    public static func write(_ spec: SavedModelSpec, to dir: URL, overwrite: Bool) throws {
        try checkTarget(dir, overwrite: overwrite)
        let assembly = try SavedModelAssembler.assemble(spec)
        try write(assembly, to: dir, overwrite: overwrite)
    }

    /// Writes an already assembled export to `dir` (same rules as ``write(_:to:overwrite:)``).
    public static func write(_ assembly: SavedModelAssembly, to dir: URL, overwrite: Bool) throws {
        try checkTarget(dir, overwrite: overwrite)
        let fm = FileManager.default
        let dir = dir.standardizedFileURL
        let parent = dir.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let temp = parent.appendingPathComponent(".\(dir.lastPathComponent).tmp-\(pid)")
        try io(parent.path) {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        }
        ExportDirectoryReplacement.removeStale(beside: dir)
        if fm.fileExists(atPath: temp.path) { try io(temp.path) { try fm.removeItem(at: temp) } }
        // Whatever happens below, the temporary directory does not outlive this call.
        defer { try? fm.removeItem(at: temp) }

        try io(temp.path) { try fm.createDirectory(at: temp, withIntermediateDirectories: false) }
        let modelFile = temp.appendingPathComponent("saved_model.pb")
        let bytes = try SavedModelSerialization.bytes(assembly.savedModel)
        try io(modelFile.path) { try bytes.write(to: modelFile) }

        let variables = temp.appendingPathComponent("variables")
        try io(variables.path) {
            try fm.createDirectory(at: variables, withIntermediateDirectories: false)
        }
        let prefix = variables.appendingPathComponent("variables")
        try io(prefix.path) { try assembly.bundle.write(prefix: prefix) }

        let index = variables.appendingPathComponent("variables.index")
        let fingerprintFile = temp.appendingPathComponent("fingerprint.pb")
        try io(fingerprintFile.path) {
            let fingerprint = try SavedModelFingerprint.fingerprint(
                savedModel: assembly.savedModel, savedModelBytes: bytes,
                checkpointIndex: Data(contentsOf: index))
            try SavedModelSerialization.bytes(fingerprint).write(to: fingerprintFile)
        }

        try writeFiles(assembly.assets, into: temp.appendingPathComponent("assets"))
        try writeFiles(assembly.extraFiles, into: temp.appendingPathComponent("assets.extra"))
        try moveIntoPlace(temp, dir, pid: pid)
    }

    /// Creates `folder` and writes `files` into it; nothing (not even the folder) when empty.
    static func writeFiles(_ files: [ExportedAsset], into folder: URL) throws {
        guard !files.isEmpty else { return }
        try io(folder.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        }
        for file in files {
            let url = folder.appendingPathComponent(file.filename)
            try io(url.path) { try file.contents.write(to: url) }
        }
    }

    /// Refuses a non-empty existing `dir` (unless `overwrite`) and a non-directory, before any
    /// work is done.
    public static func checkTarget(_ dir: URL, overwrite: Bool) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: dir.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw ExportError.notADirectory(path: dir.path) }
        let contents = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
        if !contents.isEmpty && !overwrite { throw ExportError.directoryNotEmpty(path: dir.path) }
    }

    /// Puts `temp` at `dir` so that `dir` always holds a whole export, old or new
    /// (``ExportDirectoryReplacement``).
    static func moveIntoPlace(_ temp: URL, _ dir: URL, pid: Int32) throws {
        try ExportDirectoryReplacement.replace(dir, with: temp, pid: pid)
    }

    /// Runs a file operation, turning its error into ``ExportError/io(path:message:)``.
    static func io(_ path: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExportError {
            throw error
        } catch {
            throw ExportError.io(path: path, message: error.localizedDescription)
        }
    }
}
