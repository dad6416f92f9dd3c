import Foundation
import GardenHDF5
import GardenTensor

/// A training checkpoint: an HDF5 file with one float32 dataset per parameter under its path,
/// optimizer slots under `optimizer/`, each with its CRC-32C, and root attributes
/// `format_version`, `step`, `seed`, `recipe` (the resolved YAML), `recipe_sha256`, the best
/// evaluation so far and the BLAS kernel that computed it. See docs/checkpoint-format.md.
public struct Checkpoint {
    /// Version 3 added a `crc32c` attribute on every dataset (verified on read) and the
    /// `blas_core`/`blas_config` attributes; version 2 added `recipe_sha256` and the `best_*`
    /// attributes. Versions 1 and 2 still read (without checksums; version 1 without a best
    /// evaluation, its hash computed from `recipe`).
    public static let formatVersion: Int64 = 3
    /// Every version this reader accepts (`Tests/GardenTrainTests/Fixtures` has one file each).
    public static let readableVersions: ClosedRange<Int64> = 1...3
    public static let optimizerGroup = "optimizer/"
    /// The per-dataset attribute holding the CRC-32C of the dataset's little-endian bytes.
    public static let checksumAttribute = "crc32c"

    public var step: Int
    public var seed: Int
    public var recipe: String
    public var variables: [(path: String, value: Tensor)]
    public var optimizerSlots: [(name: String, value: Tensor)]
    /// The best evaluation up to `step`, kept so a resumed run judges later evaluations
    /// against the same record an uninterrupted run has.
    public var best: BestEvaluation?
    /// The OpenBLAS kernel and build of the process that wrote the file (nil before version 3).
    public var blas: BLASKernel? = BLASKernel.current
    /// The checkpoint the run was initialised from (`train.init_checkpoint`), kept in every
    /// checkpoint of the run as the `init_checkpoint` and `init_checkpoint_sha256` attributes.
    public var initSource: CheckpointSource?
    /// The format version the file was written with (`formatVersion` for new checkpoints).
    public var fileFormatVersion: Int64 = Checkpoint.formatVersion

    /// The SHA-256 of the UTF-8 recipe text, as hex.
    public var recipeSHA256: String { SHA256.hex(recipe) }

    public init(
        step: Int, seed: Int, recipe: String, variables: [(path: String, value: Tensor)],
        optimizerSlots: [(name: String, value: Tensor)], best: BestEvaluation? = nil
    ) {
        self.step = step; self.seed = seed; self.recipe = recipe
        self.variables = variables; self.optimizerSlots = optimizerSlots; self.best = best
    }

    /// The file name of the checkpoint at `step`: `ckpt-000300.h5`.
    public static func fileName(step: Int) -> String {
        // Padded by hand: `String(format:)` goes through NSString, a tenth of a checkpoint's
        // time on the training thread.
        let digits = String(step)
        return "ckpt-" + String(repeating: "0", count: max(6 - digits.count, 0)) + digits + ".h5"
    }

    /// Writes the checkpoint atomically: readers see the old file or the whole new one.
    /// - Parameters:
    ///   - url: The file to write; its directory must exist.
    ///   - template: Kept from one checkpoint of a run to the next, it builds the file's bytes
    ///     without libhdf5 once it knows the layout (the same bytes; `HDF5ImageTemplate`).
    /// - Throws: `HDF5Error` naming `url`; the file is then unchanged.
    public func write(to url: URL, reusing template: HDF5ImageTemplate? = nil) throws {
        try HDF5File.atomicallyWrite(content, to: url, reusing: template)
    }

    /// The file's attributes and datasets, in the order they are written.
    var content: HDF5FileContent {
        var attributes: [(name: String, value: HDF5AttributeValue)] = [
            ("format_version", .int64(Self.formatVersion)), ("step", .int64(Int64(step))),
            ("seed", .int64(Int64(seed))), ("recipe", .string(recipe)),
            ("recipe_sha256", .string(recipeSHA256)),
        ]
        if let best {
            attributes += [
                ("best_metric", .string(best.metric)), ("best_step", .int64(Int64(best.step))),
                ("best_value", .double(Double(best.value))),
            ]
        }
        if let initSource {
            attributes += [
                ("init_checkpoint", .string(initSource.path)),
                ("init_checkpoint_sha256", .string(initSource.sha256)),
            ]
        }
        if let blas {
            attributes += [
                ("blas_core", .string(blas.core)), ("blas_config", .string(blas.config)),
            ]
        }
        let tensors =
            variables.map { ($0.path, $0.value) }
            + optimizerSlots.map { (Self.optimizerGroup + $0.name, $0.value) }
        return HDF5FileContent(
            attributes: attributes,
            datasets: tensors.map { path, t in
                HDF5FileContent.Dataset(
                    path: path,
                    values: t.dtype == .int32
                        ? .int32(shape: t.shape, values: t.int32s)
                        : .float32(shape: t.shape, values: t.floats),
                    attributes: [(Self.checksumAttribute, .int64(Int64(Self.checksum(t))))])
            })
    }

    /// Reads a checkpoint, checking it is one of ours and whole: known version, sane
    /// attributes, every dataset's checksum (version 3) and finite values.
    public static func read(from url: URL) throws -> Checkpoint {
        let f = try HDF5File.open(at: url)
        defer { try? f.close() }
        guard try f.hasAttribute("format_version") else {
            throw CheckpointError.foreign(file: url.path)
        }
        let version = try f.readInt64Attribute("format_version")
        guard readableVersions.contains(version) else {
            throw CheckpointError.unsupportedVersion(file: url.path, found: version)
        }
        var variables: [(String, Tensor)] = []
        var slots: [(String, Tensor)] = []
        for path in try f.listDatasets() {
            let t = try readTensor(path, from: f, version: version, file: url.path)
            if path.hasPrefix(optimizerGroup) {
                slots.append((String(path.dropFirst(optimizerGroup.count)), t))
            } else {
                variables.append((path, t))
            }
        }
        let step = try readCount("step", from: f, file: url.path, atMost: nil)
        var best: BestEvaluation?
        if try f.hasAttribute("best_step") {
            best = BestEvaluation(
                metric: try f.readStringAttribute("best_metric"),
                step: try readCount("best_step", from: f, file: url.path, atMost: step),
                value: Float(try f.readDoubleAttribute("best_value")))
        }
        var ckpt = Checkpoint(
            step: step, seed: Int(try f.readInt64Attribute("seed")),
            recipe: try f.readStringAttribute("recipe"), variables: variables,
            optimizerSlots: slots,
            best: best)
        ckpt.fileFormatVersion = version
        ckpt.blas =
            try f.hasAttribute("blas_core")
            ? BLASKernel(
                core: try f.readStringAttribute("blas_core"),
                config: try f.readStringAttribute("blas_config")) : nil
        if try f.hasAttribute("init_checkpoint") {
            ckpt.initSource = CheckpointSource(
                path: try f.readStringAttribute("init_checkpoint"),
                sha256: try f.readStringAttribute("init_checkpoint_sha256"))
        }
        if try f.hasAttribute("recipe_sha256") {
            let stored = try f.readStringAttribute("recipe_sha256")
            guard stored == ckpt.recipeSHA256 else {
                throw CheckpointError.badDataset(
                    file: url.path, path: "recipe_sha256",
                    reason: "is \(stored) but the stored recipe hashes to \(ckpt.recipeSHA256)")
            }
        }
        return ckpt
    }

    /// The checkpoint a path names: the file itself, or the latest `ckpt-NNNNNN.h5` in a directory.
    public static func resolve(_ url: URL) throws -> URL {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw CheckpointError.notFound(path: url.path)
        }
        guard isDir.boolValue else { return url }
        guard let latest = try latest(in: url) else {
            throw CheckpointError.emptyDirectory(path: url.path)
        }
        return latest
    }

    /// The checkpoint with the highest step in `dir`, or nil if there is none. Only regular
    /// files count: a directory named like a checkpoint is not one.
    public static func latest(in dir: URL) throws -> URL? {
        let fm = FileManager.default
        guard fm.fileExists(atPath: dir.path) else { return nil }
        let names = try fm.contentsOfDirectory(atPath: dir.path)
        let steps: [(Int, String)] = names.compactMap { name in
            var isDirectory: ObjCBool = false
            guard name.hasPrefix("ckpt-"), name.hasSuffix(".h5"),
                fm.fileExists(
                    atPath: dir.appendingPathComponent(name).path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            else { return nil }
            return Int(name.dropFirst(5).dropLast(3)).map { ($0, name) }
        }
        return steps.max { $0.0 < $1.0 }.map { dir.appendingPathComponent($0.1) }
    }
}

/// A checkpoint a run was initialised from: its path and the SHA-256 of its bytes.
public struct CheckpointSource: Equatable, Sendable {
    public var path: String
    public var sha256: String

    public init(path: String, sha256: String) { self.path = path; self.sha256 = sha256 }
}
