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
final class BackgroundObservers: TrainingObserver, @unchecked Sendable {
    private let observers: [TrainingObserver]
    private let queue: DispatchQueue
    /// The first error an observer threw on `queue`, not yet thrown to the trainer.
    private let failure = Mutex<Error?>(nil)

    /// - Parameters:
    ///   - observers: Used only on `queue` from now on.
    ///   - queue: A serial queue.
    init(_ observers: [TrainingObserver], on queue: DispatchQueue) {
        self.observers = observers; self.queue = queue
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
        queue.sync { for observer in observers { observer.finished() } }
    }

    /// Hands `event` over for every observer.
    /// - Throws: The first error an earlier event threw on the queue (once).
    private func tell(_ event: @escaping (TrainingObserver) throws -> Void) throws {
        if let error = failure.withLock({ $0.take() }) { throw error }
        queue.async {
            for observer in self.observers {
                do { try event(observer) } catch {
                    self.failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
    }
}
