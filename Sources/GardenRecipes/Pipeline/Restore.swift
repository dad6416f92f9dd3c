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
        var part = ExportPart(model: model)
        let (url, report, _) = try into(&part, from: path, allowPartial: allowPartial)
        return (url, report)
    }

    /// Restores `part.model` from the variables under `part.checkpointPrefix`; variables under
    /// `part.skippedCheckpointPrefixes` are expected and ignored. A Model Garden checkpoint
    /// without one of `part.optionalChildren`'s variables (a bare encoder has no masked-LM
    /// head) drops that child from `part` rather than export it with initial values.
    /// - Returns: the checkpoint file used, the restore report and the checkpoint as read (the
    ///   model card's facts), so nothing reads the file twice.
    @discardableResult
    public static func into(
        _ part: inout ExportPart, from path: URL, allowPartial: Bool = false,
        log: (String) -> Void = { _ in }
    ) throws -> (URL, RestoreReport, Checkpoint) {
        let (url, checkpoint, note) = try read(path)
        var ckpt = checkpoint
        var notes = note.map { [$0] } ?? []
        for optional in part.optionalChildren
        where note != nil && !ckpt.variables.contains(where: { $0.path.hasPrefix(optional.prefix) })
        {
            part.restoredParameters?.removeAll { $0.path.hasPrefix(optional.prefix) }
            let (children, name) = (part.children, optional.child)
            part.children = { children().filter { $0.name != name } }
            notes.append(
                "the checkpoint has no \(optional.prefix) variables, so the export has no `\(name)` child"
            )
        }
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
        // After the check: a refused restore prints its one error line and nothing else.
        notes.forEach(log)
        return (url, report, checkpoint)
    }

    /// Reads `path`: one of our checkpoints (a file, or a directory meaning its latest), or a
    /// TensorFlow 2 checkpoint prefix written by Model Garden (`ModelGardenCheckpoint`), which
    /// comes with a line saying what was read.
    public static func read(_ path: URL) throws -> (URL, Checkpoint, String?) {
        if ModelGardenCheckpoint.isTensorFlowCheckpoint(path) {
            let (checkpoint, note) = try ModelGardenCheckpoint.read(prefix: path)
            return (path, checkpoint, note)
        }
        let url = try Checkpoint.resolve(path)
        return (url, try Checkpoint.read(from: url), nil)
    }
}
