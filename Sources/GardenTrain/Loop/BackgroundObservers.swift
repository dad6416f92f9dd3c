import Dispatch
import Foundation
import Synchronization

/// Tells observers on another thread, in the order the trainer told this one: the progress
/// line, metrics.jsonl and the event files format numbers, encode protocol buffers and write,
/// about 45 µs a log line, which was 5 % of the 4-32-32-3 mlp's 0.08 ms step at one line every
/// 10 steps. The training thread now only hands the news over and never waits for it, except
/// at the end of the run, so that the run's last line is printed before `run` returns.
///
/// The trainer uses the checkpoint writer's thread (`CheckpointWriter.queue`): a checkpoint's
/// write then starts only after every notice before it was handled, so metrics.jsonl, which
/// writes each line as it hears it, holds every line up to the checkpoint's step before the
/// checkpoint's file is whole on disk (a resumed run keeps exactly those lines).
/// An error an observer throws there is thrown by the next notice the trainer sends (the
/// trainer's own observers throw none).
///
/// Notices are handed over together, at most once per `interval`: a hand-over per log line
/// (which wakes the thread) cost the training thread 3.4 ms of a 6000-step mlp run's 520 ms
/// at a line every 10 steps, 0.9 ms held for the interval (timed inside the run). The
/// trainer hands over what is pending (`handOver()`) before it queues a checkpoint's write,
/// and `finished()` does at the end, so the order above still holds.
final class BackgroundObservers: TrainingObserver, @unchecked Sendable {
    private let observers: [TrainingObserver]
    private let queue: DispatchQueue
    /// The first error an observer threw on `queue`, not yet thrown to the trainer.
    private let failure = Mutex<Error?>(nil)
    /// Notices told since the last hand-over (the trainer's thread only).
    private var pending: [(TrainingObserver) throws -> Void] = []
    /// Uptime nanoseconds of the last hand-over (nil before the first, so the first notice
    /// goes at once even on a machine up for less than `interval`), and the longest a notice
    /// waits for the next.
    private var lastHandOver: UInt64?
    private let interval: UInt64

    /// - Parameters:
    ///   - observers: Used only on `queue` from now on.
    ///   - queue: A serial queue.
    ///   - interval: The least time between two hand-overs that `handOver()` does not force:
    ///     what the progress line can lag behind the run.
    init(
        _ observers: [TrainingObserver], on queue: DispatchQueue,
        interval: Duration = .milliseconds(100)
    ) {
        self.observers = observers; self.queue = queue
        let (seconds, attoseconds) = interval.components
        self.interval = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }

    func logged(_ means: LoggedMeans) throws {
        try tell { try $0.logged(means) }
    }

    func evaluated(_ evaluation: EvaluationResult) throws {
        try tell { try $0.evaluated(evaluation) }
    }

    func checkpointed(step: Int, at url: URL) throws {
        try tell { try $0.checkpointed(step: step, at: url) }
    }

    func finished() {
        handOver()
        queue.sync { for observer in observers { observer.finished() } }
    }

    /// Queues every pending notice for the observers, in the order they were told.
    func handOver() {
        lastHandOver = DispatchTime.now().uptimeNanoseconds
        guard !pending.isEmpty else { return }
        let notices = pending
        pending.removeAll(keepingCapacity: true)
        queue.async {
            for notice in notices {
                for observer in self.observers {
                    do { try notice(observer) } catch {
                        self.failure.withLock { if $0 == nil { $0 = error } }
                    }
                }
            }
        }
    }

    /// Keeps `event` for every observer, handed over now if `interval` has passed since the
    /// last hand-over.
    /// - Throws: The first error an earlier event threw on the queue (once).
    private func tell(_ event: @escaping (TrainingObserver) throws -> Void) throws {
        if let error = failure.withLock({ $0.take() }) { throw error }
        pending.append(event)
        if let last = lastHandOver, DispatchTime.now().uptimeNanoseconds &- last < interval {
            return
        }
        handOver()
    }
}
