import Foundation

/// Which checkpoints of a directory to keep: the `keepLast` with the highest steps, plus the
/// one holding the best evaluation. Deleting happens only after a new checkpoint is complete,
/// so a crash at any point leaves at least the latest good checkpoint.
public enum CheckpointRetention {
    /// Deletes every `ckpt-NNNNNN.h5` in `dir` that is neither among the last `keepLast` nor at
    /// `bestStep`, and stale temporary files (`.ckpt-*.tmp-*`) of crashed writes.
    /// `keepLast` 0 keeps every checkpoint.
    /// - Returns: The steps deleted, in order.
    @discardableResult
    public static func prune(_ dir: URL, keepLast: Int, bestStep: Int?) throws -> [Int] {
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: dir.path)
        for name in names where name.hasPrefix(".ckpt-") && name.contains(".tmp-") {
            try? fm.removeItem(at: dir.appendingPathComponent(name))
        }
        guard keepLast > 0 else { return [] }
        let steps = names.compactMap { name -> Int? in
            guard name.hasPrefix("ckpt-"), name.hasSuffix(".h5") else { return nil }
            return Int(name.dropFirst(5).dropLast(3))
        }.sorted()
        let keep = Set(steps.suffix(keepLast)).union(bestStep.map { [$0] } ?? [])
        let doomed = steps.filter { !keep.contains($0) }
        for step in doomed {
            try fm.removeItem(at: dir.appendingPathComponent(Checkpoint.fileName(step: step)))
        }
        return doomed
    }
}
