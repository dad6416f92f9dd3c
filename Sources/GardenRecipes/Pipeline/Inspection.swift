import Foundation
import GardenExport
import GardenTrain

/// `garden inspect`: a readable summary of a SavedModel directory or a checkpoint file.
public enum Inspection {
    public static func describe(_ url: URL) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw CheckpointError.notFound(path: url.path)
        }
        if isDir.boolValue {
            if FileManager.default.fileExists(
                atPath: url.appendingPathComponent("saved_model.pb").path)
            {
                return try SavedModelInspector.describe(url)
            }
            return try describeCheckpoint(Checkpoint.resolve(url))
        }
        return try describeCheckpoint(url)
    }

    static func describeCheckpoint(_ url: URL) throws -> String {
        let c = try Checkpoint.read(from: url)
        var out = "checkpoint: \(url.path)\n"
        out += "format_version: \(c.fileFormatVersion)\nstep: \(c.step)\nseed: \(c.seed)\n"
        out += "recipe_sha256: \(c.recipeSHA256)\n"
        if let b = c.best { out += "best: \(b.metric) \(b.value) at step \(b.step)\n" }
        if let k = c.blas { out += "blas: \(k.core) (\(k.config))\n" }
        if let s = c.initSource { out += "init_checkpoint: \(s.path) (sha256 \(s.sha256))\n" }
        out += "variables (\(c.variables.count)):\n"
        for (p, t) in c.variables { out += "  \(p)  \(t.dtype)  \(t.shape)\n" }
        out += "optimizer slots (\(c.optimizerSlots.count)):\n"
        for (p, t) in c.optimizerSlots { out += "  optimizer/\(p)  \(t.dtype)  \(t.shape)\n" }
        out +=
            "recipe:\n"
            + c.recipe.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  " + $0 }.joined(separator: "\n") + "\n"
        return out
    }
}
