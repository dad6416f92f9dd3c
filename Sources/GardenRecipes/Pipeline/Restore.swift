import Foundation
import GardenModels
import GardenTrain

/// Loads a checkpoint into a freshly built model, failing on any mismatch.
public enum Restore {
    /// - Returns: the checkpoint file used and the restore report.
    @discardableResult
    public static func into(_ model: Model, from path: URL, allowPartial: Bool = false) throws -> (URL, RestoreReport) {
        let url = try Checkpoint.resolve(path)
        let ckpt = try Checkpoint.read(from: url)
        let report = ckpt.restore(into: model.parameters)
        if !report.isComplete && !allowPartial {
            throw CheckpointError.incompatible(
                file: url.path, report: report.description.replacingOccurrences(of: "\n", with: ";"))
        }
        return (url, report)
    }
}
