import Foundation

/// Checks on a path a command is about to write, made before any work so that a refused
/// command writes nothing: it must not be one of the command's inputs (compared by device and
/// inode, so `./x.h5`, a hard link or a symlink to the same file count as the same), a device
/// or other non-regular file, or inside a trainer's checkpoints directory.
public enum OutputTarget {
    /// A file's identity on disk: (device, inode) after following symlinks; nil if missing.
    static func identity(_ url: URL) -> (UInt64, UInt64)? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Refuses `output` when it exists and is an input, not a regular file, or (without
    /// `overwrite`) any existing file.
    /// - Parameters:
    ///   - output: the file the command is about to write.
    ///   - overwrite: whether an existing regular file that is no input may be replaced.
    ///   - inputs: what the command reads, with the role named in the error.
    /// - Throws: `OutputError.isInput`, `.notARegularFile` or `.exists`.
    public static func checkFile(_ output: URL, overwrite: Bool, inputs: [(role: String, url: URL)])
        throws
    {
        var info = stat()
        guard stat(output.path, &info) == 0 else { return }
        if let id = identity(output),
            let same = inputs.first(where: { identity($0.url).map { $0 == id } ?? false })
        {
            throw OutputError.isInput(output: output.path, role: same.role, input: same.url.path)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw OutputError.notARegularFile(output: output.path)
        }
        guard overwrite else { throw OutputError.exists(output: output.path) }
    }

    /// The canonical path of `url` (symlinks resolved), also when its last components do not
    /// exist yet: the nearest existing ancestor is resolved and the rest appended.
    static func canonical(_ url: URL) -> String {
        var existing = url.standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing = existing.deletingLastPathComponent()
        }
        let base = existing.resolvingSymlinksInPath().path
        return rest.reduce(base) { ($0 as NSString).appendingPathComponent($1) }
    }

    /// Whether `path` is `directory` or inside it (both canonical).
    static func isInside(_ path: String, _ directory: String) -> Bool {
        path == directory || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
    }

    /// The trainer's checkpoints directory a `--checkpoint` argument points into: the directory
    /// itself, or the directory of a `ckpt-NNNNNN.h5` file in a directory named `checkpoints`.
    static func checkpointsDirectory(of checkpoint: URL) -> URL? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: checkpoint.path, isDirectory: &isDirectory)
        else { return nil }
        if isDirectory.boolValue { return checkpoint }
        let parent = checkpoint.standardizedFileURL.deletingLastPathComponent()
        return parent.lastPathComponent == "checkpoints" ? parent : nil
    }

    /// Refuses an output `out` inside the checkpoints directory of `checkpoint` (the trainer
    /// would later take `checkpoints/ckpt-000999.h5` for a checkpoint), or one that holds the
    /// checkpoint (replacing it would delete what it is made from).
    public static func checkOutsideCheckpoints(_ out: URL, checkpoint: URL) throws {
        let target = canonical(out)
        let source = canonical(checkpoint)
        if isInside(source, target) {
            throw OutputError.holdsCheckpoint(output: out.path, checkpoint: checkpoint.path)
        }
        if let dir = checkpointsDirectory(of: checkpoint), isInside(target, canonical(dir)) {
            throw OutputError.insideCheckpoints(output: out.path, directory: dir.path)
        }
    }
}

/// Why a command refused its output path. One line, naming the path.
public enum OutputError: Error, LocalizedError, Equatable {
    case exists(output: String)
    case isInput(output: String, role: String, input: String)
    case notARegularFile(output: String)
    case insideCheckpoints(output: String, directory: String)
    case holdsCheckpoint(output: String, checkpoint: String)

    public var errorDescription: String? {
        switch self {
        case .exists(let o): return "\(o): output file exists; pass --overwrite to replace it"
        case .isInput(let o, let role, let i):
            return "\(o): the output is the \(role) \(i); a command never writes over its inputs"
        case .notARegularFile(let o):
            return
                "\(o): the output exists and is not a regular file (a directory, device or pipe); choose a file path"
        case .insideCheckpoints(let o, let d):
            return
                "\(o): the output would be inside the checkpoints directory \(d), where it could be taken for a checkpoint; write it elsewhere"
        case .holdsCheckpoint(let o, let c):
            return
                "\(o): the output directory holds the checkpoint \(c) it is made from; write it elsewhere"
        }
    }
}
