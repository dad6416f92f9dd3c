import Foundation

/// The TensorBoard event files of a run: `events/train` (the logged means, the learning rate
/// and the speed) and, when the run evaluates, `events/eval`.
final class TensorBoardEvents: TrainingObserver {
    let train: SummaryWriter
    let eval: SummaryWriter?

    /// Opens new event files under `directory`, continuing at `startStep`.
    init(directory: URL, evaluates: Bool, startStep: Int) throws {
        train = try SummaryWriter(
            directory: directory.appendingPathComponent("train"), startStep: startStep)
        eval =
            evaluates
            ? try SummaryWriter(
                directory: directory.appendingPathComponent("eval"), startStep: startStep)
            : nil
    }

    func logged(_ means: LoggedMeans) {
        var fields = means.metrics
        fields["loss"] = means.loss; fields["learning_rate"] = means.learningRate
        fields["steps_per_sec"] = means.stepsPerSecond
        train.write(scalars: fields, step: means.step)
    }

    func evaluated(_ evaluation: EvaluationResult) {
        eval?.write(scalars: evaluation.values, step: evaluation.step)
    }

    func checkpointed(step: Int, at url: URL) { flush() }

    func finished() { flush() }

    private func flush() {
        train.flush()
        eval?.flush()
    }
}
