import Foundation

/// Something that follows a run without changing it: the progress line, metrics.jsonl and the
/// TensorBoard event files. The trainer tells its observers, in list order, of every logged
/// window of running means, every evaluation and every checkpoint, and that the run ended.
public protocol TrainingObserver: AnyObject {
    /// The running means at a log step (every `logEvery` steps and the last step).
    func logged(_ means: LoggedMeans) throws
    /// An evaluation on the held-out split.
    func evaluated(_ evaluation: EvaluationResult) throws
    /// A checkpoint of `step` was taken. Its file at `url` is written in the background and is
    /// whole on disk before the run returns.
    func checkpointed(step: Int, at url: URL) throws
    /// The run ended: trained to the last step, or stopped by a non-finite loss.
    func finished()
}

extension TrainingObserver {
    public func logged(_ means: LoggedMeans) throws {}
    public func evaluated(_ evaluation: EvaluationResult) throws {}
    public func checkpointed(step: Int, at url: URL) throws {}
    public func finished() {}
}
