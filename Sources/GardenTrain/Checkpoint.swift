import Foundation
import GardenHDF5
import GardenTensor

/// A training checkpoint: an HDF5 file with one float32 dataset per parameter under its path,
/// optimizer slots under `optimizer/`, and root attributes `format_version`, `step`, `seed`,
/// `recipe` (the resolved YAML), `recipe_sha256` and the best evaluation so far.
/// See docs/checkpoint-format.md.
public struct Checkpoint {
    /// Version 2 added `recipe_sha256` and the `best_*` attributes; version 1 files still read
    /// (their hash is computed from `recipe`, and they have no best evaluation).
    public static let formatVersion: Int64 = 2
    public static let optimizerGroup = "optimizer/"

    public var step: Int
    public var seed: Int
    public var recipe: String
    public var variables: [(path: String, value: Tensor)]
    public var optimizerSlots: [(name: String, value: Tensor)]
    /// The best evaluation up to `step`, kept so a resumed run judges later evaluations
    /// against the same record an uninterrupted run has.
    public var best: BestEvaluation?
    /// The format version the file was written with (`formatVersion` for new checkpoints).
    public var fileFormatVersion: Int64 = Checkpoint.formatVersion

    /// The SHA-256 of the UTF-8 recipe text, as hex.
    public var recipeSHA256: String { SHA256.hex(recipe) }

    public init(step: Int, seed: Int, recipe: String, variables: [(path: String, value: Tensor)],
                optimizerSlots: [(name: String, value: Tensor)], best: BestEvaluation? = nil) {
        self.step = step; self.seed = seed; self.recipe = recipe
        self.variables = variables; self.optimizerSlots = optimizerSlots; self.best = best
    }

    /// The file name of the checkpoint at `step`: `ckpt-000300.h5`.
    public static func fileName(step: Int) -> String { String(format: "ckpt-%06d.h5", step) }

    /// Writes the checkpoint atomically: readers see the old file or the whole new one.
    public func write(to url: URL) throws {
        try HDF5File.atomicallyWrite(to: url) { f in
            try f.writeAttribute("format_version", Self.formatVersion)
            try f.writeAttribute("step", Int64(step))
            try f.writeAttribute("seed", Int64(seed))
            try f.writeAttribute("recipe", recipe)
            try f.writeAttribute("recipe_sha256", recipeSHA256)
            if let best {
                try f.writeAttribute("best_metric", best.metric)
                try f.writeAttribute("best_step", Int64(best.step))
                try f.writeAttribute("best_value", Double(best.value))
            }
            for (path, t) in variables { try Self.writeTensor(t, path, f) }
            for (name, t) in optimizerSlots { try Self.writeTensor(t, Self.optimizerGroup + name, f) }
        }
    }

    static func writeTensor(_ t: Tensor, _ path: String, _ f: HDF5File) throws {
        switch t.dtype {
        case .int32: try f.write(t.int32s, shape: t.shape, at: path)
        default: try f.write(t.floats, shape: t.shape, at: path)
        }
    }

    /// Reads a checkpoint, checking it is one of ours.
    public static func read(from url: URL) throws -> Checkpoint {
        let f = try HDF5File.open(at: url)
        defer { try? f.close() }
        let attrs = try f.attributeNames()
        guard attrs.contains("format_version") else {
            throw CheckpointError.foreign(file: url.path)
        }
        let version = try f.readInt64Attribute("format_version")
        guard version == 1 || version == formatVersion else {
            throw CheckpointError.unsupportedVersion(file: url.path, found: version)
        }
        var variables: [(String, Tensor)] = []
        var slots: [(String, Tensor)] = []
        for path in try f.listDatasets() {
            let t: Tensor
            switch try f.read(path) {
            case .float32(let shape, let values): t = Tensor(values, shape: shape)
            case .int32(let shape, let values): t = Tensor(int32: values, shape: shape)
            case let other:
                throw CheckpointError.badDataset(file: url.path, path: path,
                                                 reason: "dtype \(other.dtype), expected float32 or int32")
            }
            if path.hasPrefix(optimizerGroup) {
                slots.append((String(path.dropFirst(optimizerGroup.count)), t))
            } else {
                variables.append((path, t))
            }
        }
        var best: BestEvaluation?
        if attrs.contains("best_step") {
            best = BestEvaluation(metric: try f.readStringAttribute("best_metric"),
                                  step: Int(try f.readInt64Attribute("best_step")),
                                  value: Float(try f.readDoubleAttribute("best_value")))
        }
        var ckpt = Checkpoint(
            step: Int(try f.readInt64Attribute("step")), seed: Int(try f.readInt64Attribute("seed")),
            recipe: try f.readStringAttribute("recipe"), variables: variables, optimizerSlots: slots,
            best: best)
        ckpt.fileFormatVersion = version
        if attrs.contains("recipe_sha256") {
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
        guard let latest = try latest(in: url) else { throw CheckpointError.emptyDirectory(path: url.path) }
        return latest
    }

    /// The checkpoint with the highest step in `dir`, or nil if there is none.
    public static func latest(in dir: URL) throws -> URL? {
        guard FileManager.default.fileExists(atPath: dir.path) else { return nil }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        let steps: [(Int, String)] = names.compactMap { name in
            guard name.hasPrefix("ckpt-"), name.hasSuffix(".h5") else { return nil }
            return Int(name.dropFirst(5).dropLast(3)).map { ($0, name) }
        }
        return steps.max { $0.0 < $1.0 }.map { dir.appendingPathComponent($0.1) }
    }
}

/// What restoring a checkpoint into a model matched, and what it did not.
public struct RestoreReport: CustomStringConvertible {
    public var matched: [String] = []
    public var missing: [String] = []
    public var unexpected: [String] = []
    public var shapeMismatched: [(path: String, checkpoint: [Int], model: [Int])] = []

    public var isComplete: Bool { missing.isEmpty && unexpected.isEmpty && shapeMismatched.isEmpty }

    public var description: String {
        var lines = ["restore: \(matched.count) matched, \(missing.count) missing, \(unexpected.count) unexpected, \(shapeMismatched.count) shape-mismatched"]
        lines += missing.map { "  missing (in model, not in checkpoint): \($0)" }
        lines += unexpected.map { "  unexpected (in checkpoint, not in model): \($0)" }
        lines += shapeMismatched.map { "  shape mismatch: \($0.path): checkpoint \($0.checkpoint), model \($0.model)" }
        return lines.joined(separator: "\n")
    }
}

extension Checkpoint {
    /// Copies matching variables into `parameters` (path → parameter). Variables under
    /// `ignoringPrefixes` (e.g. the heads of a pretrainer when exporting its encoder) are neither
    /// restored nor reported as unexpected.
    public func restore(into parameters: [(path: String, parameter: Parameter)],
                        checkpointPrefix: String = "") -> RestoreReport {
        var report = RestoreReport()
        var saved: [String: Tensor] = [:]
        for (p, t) in variables where p.hasPrefix(checkpointPrefix) {
            saved[String(p.dropFirst(checkpointPrefix.count))] = t
        }
        var used = Set<String>()
        for (path, param) in parameters {
            guard let t = saved[path] else { report.missing.append(path); continue }
            used.insert(path)
            guard t.shape == param.value.shape, t.dtype == param.value.dtype else {
                report.shapeMismatched.append((path, t.shape, param.value.shape))
                continue
            }
            param.value = t
            report.matched.append(path)
        }
        report.unexpected = saved.keys.filter { !used.contains($0) }.sorted()
        return report
    }
}
