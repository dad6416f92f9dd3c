import Foundation
import GardenNN
import GardenTensor

extension Checkpoint {
    /// Restores the whole state of a run from this checkpoint (read from `file`): every
    /// parameter of the tree `parameters`, and every optimizer slot the optimizer keeps for a trainable parameter.
    ///
    /// A run resumed without its slots (Adam's moments, SGD's velocity) would continue from
    /// zeroed state and silently diverge from the uninterrupted run, so a missing slot is an
    /// error naming it, not a fresh start.
    public func resume(_ parameters: Module, _ optimizer: Optimizer, file: URL) throws {
        let params = parameters.namedParameters()
        let report = restore(into: params)
        guard report.isComplete else {
            throw CheckpointError.incompatible(
                file: file.path,
                report: report.description.replacingOccurrences(of: "\n", with: ";"))
        }
        let saved = Dictionary(
            optimizerSlots.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let missing = params.filter(\.parameter.trainable).flatMap { p in
            optimizer.slotNames.map { "\(p.path)/\($0)" }
        }.filter { saved[$0] == nil }
        guard missing.isEmpty else {
            throw CheckpointError.missingOptimizerSlots(
                file: file.path, missing: missing.map { Self.optimizerGroup + $0 })
        }
        var byPath: [String: Parameter] = [:]
        for (p, param) in params { byPath[p] = param }
        do {
            try optimizer.restore(slots: saved, parameters: byPath)
        } catch {
            throw CheckpointError.badDataset(file: file.path, path: "optimizer", reason: "\(error)")
        }
    }
}
