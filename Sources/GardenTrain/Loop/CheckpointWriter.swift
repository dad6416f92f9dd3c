import Dispatch
import Synchronization

/// Writes checkpoints on a thread of its own, in the order they were submitted, so that
/// training goes on while a file is encoded, written, fsynced and renamed: about 9 ms for the
/// 784-256-10 MLP's 2.4 MB, eight of its steps, of which the fsync is most and needs no core.
///
/// Writes queue up while the snapshots they hold stay within `budget` bytes, so a checkpoint
/// does not wait for the write before it: the writer runs at background priority (below), and
/// when each checkpoint waited for the last write, it waited 0.3-0.5 ms for that starved writer
/// (docs/performance.md, fourth pass). A snapshot that would exceed the budget (a large model)
/// waits until every write before it has finished, so memory holds at most one large snapshot
/// besides the live values. A failed write is thrown by the first `submit` or `finish` after
/// it failed.
final class CheckpointWriter: @unchecked Sendable {
    /// The writer's thread; the trainer's own observers are told on it too, in order with the
    /// writes (`BackgroundObservers`). At background priority: woken at the default one, it
    /// took the training thread's core at checkpoints (the mlp's 60 checkpoints of a 6000-step
    /// run held the training thread 3.6-24.6 ms in all, 2.3-3.8 ms at background priority).
    let queue = DispatchQueue(label: "swiftgarden.checkpoint-writer", qos: .background)
    /// Bytes the queued snapshots may hold together.
    let budget: Int
    private let inFlight = DispatchGroup()
    /// Bytes of the snapshots submitted and not yet written, and the first failure not yet
    /// thrown.
    private let state = Mutex<(bytes: Int, failure: Error?)>((0, nil))

    init(budget: Int = 64 << 20) { self.budget = budget }

    /// Queues `write`, whose snapshot holds `bytes`, behind the writes before it; first waits
    /// for those when the snapshots together would exceed the budget.
    /// - Throws: An earlier write's error, if one failed; `write` is then not queued.
    func submit(bytes: Int, _ write: @escaping () throws -> Void) throws {
        if state.withLock({ $0.bytes > 0 && $0.bytes + bytes > budget }) {
            inFlight.wait()
        }
        try throwFailure()
        state.withLock { $0.bytes += bytes }
        queue.async(group: inFlight) {
            var failure: Error?
            do { try write() } catch { failure = error }
            self.state.withLock {
                $0.bytes -= bytes
                if $0.failure == nil { $0.failure = failure }
            }
        }
    }

    /// Waits for every queued write.
    /// - Throws: The first error of a failed write (once).
    func finish() throws {
        inFlight.wait()
        try throwFailure()
    }

    private func throwFailure() throws {
        if let failure = state.withLock({ $0.failure.take() }) { throw failure }
    }
}
