import Dispatch
import Foundation

/// Where a run's time went on the training thread: the steps themselves, gathering their
/// batches, evaluating, handing checkpoints to the writer, and the rest of the loop (running
/// means, handing news to the observers), then waiting at the end for the queued writes.
///
/// Measured inside the one process, so it answers "do logging, evaluation and checkpointing
/// dominate?" without comparing two processes on a host whose speed drifts. What the writer's
/// thread takes from the steps' own threads shows in `steps`, not apart. Three clock reads a
/// step (31 ns each here: 0.1 % of the 0.08 ms mlp step).
public struct TrainTimings: Equatable, Sendable {
    /// Steps trained by this run (a resumed run counts only its own).
    public var steps = 0
    public var stepSeconds = 0.0
    public var batchSeconds = 0.0
    public var evaluationSeconds = 0.0
    /// Snapshotting each checkpoint and queueing its write (the write is on the writer's
    /// thread; a queue over its budget is waited for here).
    public var checkpointSeconds = 0.0
    /// The whole loop, from the first batch to the last step's checkpoint.
    public var loopSeconds = 0.0
    /// Waiting for the queued checkpoint writes after the loop.
    public var finishSeconds = 0.0

    public init() {}

    /// The loop's time besides steps, batches, evaluations and checkpoints.
    public var otherSeconds: Double {
        max(loopSeconds - stepSeconds - batchSeconds - evaluationSeconds - checkpointSeconds, 0)
    }

    /// One line for the end of `garden train`, e.g. `time 0.505 s for 6000 steps: steps
    /// 0.478 s (0.080 ms each), batches 0.010 s, evaluation 0.006 s, checkpoints 0.003 s, the
    /// rest 0.008 s; writes finished 0.005 s later`.
    public var summaryLine: String {
        func s(_ seconds: Double) -> String { String(format: "%.3f s", seconds) }
        let perStep = steps > 0 ? stepSeconds / Double(steps) * 1000 : 0
        return "time \(s(loopSeconds)) for \(steps) steps: steps \(s(stepSeconds)) "
            + String(format: "(%.3f ms each)", perStep) + ", batches \(s(batchSeconds)), "
            + "evaluation \(s(evaluationSeconds)), checkpoints \(s(checkpointSeconds)), "
            + "the rest \(s(otherSeconds)); writes finished \(s(finishSeconds)) later"
    }

    /// Seconds on the monotonic clock, for differences only.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
}
