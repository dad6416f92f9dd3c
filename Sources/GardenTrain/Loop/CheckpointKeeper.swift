import Foundation
import GardenNN

/// The checkpoints of a run in `<model-dir>/checkpoints`: resuming from the latest, writing
/// one (refusing non-finite parameters) and pruning to the latest `keepLast` plus the best.
struct CheckpointKeeper {
    let directory: URL
    let parameters: Module
    let optimizer: Optimizer
    let seed: Int
    /// The resolved recipe, stored in every checkpoint.
    let recipeYAML: String
    /// How many of the latest checkpoints to keep besides the best one (0: keep all).
    let keepLast: Int
    /// The checkpoint the run was initialised from, if any.
    var initSource: CheckpointSource? = nil

    func latest() throws -> URL? { try Checkpoint.latest(in: directory) }

    /// Restores the parameters and optimizer slots from the latest checkpoint, if any.
    /// - Returns: the checkpoint and its file, nil when the directory has none.
    func resume() throws -> (checkpoint: Checkpoint, file: URL)? {
        guard let url = try latest() else { return nil }
        let checkpoint = try Checkpoint.read(from: url)
        try checkpoint.resume(parameters, optimizer, file: url)
        return (checkpoint, url)
    }

    /// Writes the checkpoint of `step` (with the best evaluation so far) and prunes old ones.
    func save(step: Int, best: BestEvaluation?) throws -> URL {
        let named = parameters.namedParameters()
        for (path, p) in named where !p.value.isAllFinite {
            throw NonFiniteLossError(
                step: step, value: .nan, quantity: "parameter \(path)", lastGood: try latest())
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(Checkpoint.fileName(step: step))
        var checkpoint = Checkpoint(
            step: step, seed: seed, recipe: recipeYAML,
            variables: named.map { ($0.path, $0.parameter.value) },
            optimizerSlots: optimizer.slots(), best: best)
        checkpoint.initSource = initSource
        try checkpoint.write(to: url)
        try CheckpointRetention.prune(directory, keepLast: keepLast, bestStep: best?.step)
        return url
    }
}
