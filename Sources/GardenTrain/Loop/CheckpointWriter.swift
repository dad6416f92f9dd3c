import Dispatch

/// Writes checkpoints on a thread of its own, one at a time, so that training goes on while a
/// file is encoded, written, fsynced and renamed: about 9 ms for the 784-256-10 MLP's 2.4 MB,
/// eight of its steps, of which the fsync is most and needs no core.
///
/// At most one write is in flight: `submit` first waits for the previous one, so memory holds
/// at most one snapshot besides the live values and files appear in step order. A failed
/// write is thrown by the next `submit` or `finish`.
final class CheckpointWriter: @unchecked Sendable {
    /// The writer's thread; the trainer's own observers are told on it too, in order with the
    /// writes (`BackgroundObservers`).
    let queue = DispatchQueue(label: "swiftgarden.checkpoint-writer")
    private let inFlight = DispatchGroup()
    /// Set by the writing thread, read after `inFlight.wait()` (which orders the two).
    private var failure: Error?

    /// Runs `write` on the writer's thread once the previous write has finished.
    /// - Throws: The previous write's error, if it failed; `write` is then not started.
    func submit(_ write: @escaping () throws -> Void) throws {
        try finish()
        queue.async(group: inFlight) {
            do { try write() } catch { self.failure = error }
        }
    }

    /// Waits for the write in flight, if any.
    /// - Throws: Its error, if it failed (once).
    func finish() throws {
        inFlight.wait()
        if let failure {
            self.failure = nil
            throw failure
        }
    }
}
