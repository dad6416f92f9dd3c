import Foundation
import GardenHDF5
import GardenNN

/// The checkpoints of a run in `<model-dir>/checkpoints`: resuming from the latest, writing
/// one (refusing non-finite parameters) and pruning to the latest `keepLast` plus the best.
///
/// `save` takes a snapshot of the values (copy-on-write arrays: the optimizer's next in-place
/// update copies what the snapshot still holds) and queues its write (`CheckpointWriter`);
/// `finish` waits for the writes. Every file is written whole or not at all, as before.
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
    let writer = CheckpointWriter()
    /// The layout of the run's checkpoints, learnt from the first: the later ones' bytes are
    /// patched rather than built by libhdf5. Used on the writer's thread only.
    let template = HDF5ImageTemplate()

    /// The latest checkpoint on disk, once the write in flight has finished.
    func latest() throws -> URL? {
        try writer.finish()
        return try Checkpoint.latest(in: directory)
    }

    /// Waits for the checkpoint being written, if any.
    /// - Throws: Its write's error.
    func finish() throws { try writer.finish() }

    /// Restores the parameters and optimizer slots from the latest checkpoint, if any.
    /// - Returns: the checkpoint and its file, nil when the directory has none.
    func resume() throws -> (checkpoint: Checkpoint, file: URL)? {
        guard let url = try latest() else { return nil }
        let checkpoint = try Checkpoint.read(from: url)
        try checkpoint.resume(parameters, optimizer, file: url)
        return (checkpoint, url)
    }

    /// Queues the writing of the checkpoint of `step` (with the best evaluation so far), then
    /// the pruning of old ones, in the background.
    /// - Returns: The file being written; it is whole on disk once `finish` returns.
    /// - Throws: `NonFiniteLossError` for a non-finite parameter; an earlier write's error.
    func save(step: Int, best: BestEvaluation?) throws -> URL {
        let named = parameters.namedParameters()
        for (path, p) in named where !p.value.isAllFinite {
            throw NonFiniteLossError(
                step: step, value: .nan, quantity: "parameter \(path)", lastGood: try latest())
        }
        // Not a directory: without the hint, Foundation asks the file system (a `stat`).
        let url = directory.appendingPathComponent(
            Checkpoint.fileName(step: step), isDirectory: false)
        var checkpoint = Checkpoint(
            step: step, seed: seed, recipe: recipeYAML,
            variables: named.map { ($0.path, $0.parameter.value) },
            optimizerSlots: optimizer.slots(), best: best)
        checkpoint.initSource = initSource
        let (directory, keepLast, template) = (self.directory, self.keepLast, self.template)
        let tensors = checkpoint.variables.map(\.value) + checkpoint.optimizerSlots.map(\.value)
        let bytes = tensors.reduce(0) { $0 + 4 * $1.count }
        try writer.submit(bytes: bytes) {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true)
            try checkpoint.write(to: url, reusing: template)
            try CheckpointRetention.prune(directory, keepLast: keepLast, bestStep: best?.step)
        }
        return url
    }
}
