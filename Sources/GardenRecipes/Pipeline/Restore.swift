import Foundation
import GardenModels
import GardenTrain

/// Loads a checkpoint into a freshly built model or part, failing on any mismatch.
public enum Restore {
    /// - Returns: the checkpoint file used and the restore report.
    @discardableResult
    public static func into(_ model: Model, from path: URL, allowPartial: Bool = false) throws -> (
        URL, RestoreReport
    ) {
        try into(ExportPart(model: model), from: path, allowPartial: allowPartial)
    }

    /// Restores `part.model` from the variables under `part.checkpointPrefix`; variables under
    /// `part.skippedCheckpointPrefixes` are expected and ignored.
    @discardableResult
    public static func into(_ part: ExportPart, from path: URL, allowPartial: Bool = false) throws
        -> (URL, RestoreReport)
    {
        let url = try Checkpoint.resolve(path)
        var ckpt = try Checkpoint.read(from: url)
        ckpt.variables.removeAll { v in
            part.skippedCheckpointPrefixes.contains { v.path.hasPrefix($0) }
        }
        let report =
            part.restoredParameters.map { ckpt.restore(into: $0) }
            ?? ckpt.restore(into: part.model.parameters, checkpointPrefix: part.checkpointPrefix)
        if !report.isComplete && !allowPartial {
            throw CheckpointError.incompatible(
                file: url.path,
                report: report.description.replacingOccurrences(of: "\n", with: "; ")
                    + " (pass --allow-partial to export anyway)")
        }
        return (url, report)
    }
}
