import GardenNN
import GardenTensor

/// Evaluation on a held-out split: the task's own loss and metrics, so every task gets
/// evaluation without code of its own, averaged over every example with each batch weighted
/// by its rows; metrics that are no mean (per-class F1) come from counts summed over every
/// batch (`TaskLoss.counts`, `TrainingTask.metrics(fromCounts:)`).
public enum Evaluator {
    /// `loss` and each metric of `task` for `model` over `data`, in inference mode.
    /// - Parameters:
    ///   - task: What the model is trained for (its loss and metrics).
    ///   - model: The model, as trained so far.
    ///   - data: The held-out examples.
    ///   - seed: The recipe seed (for any randomness a loss uses in inference mode).
    ///   - step: The training step being evaluated.
    /// - Returns: The row-weighted mean of the loss (under `loss`) and of each metric, and the
    ///   task's metrics from counts, by name.
    public static func evaluate<Task: TrainingTask>(
        _ task: Task, _ model: Task.Model, on data: InMemoryDataset<Task.Batch>, seed: Int,
        step: Int
    ) -> [String: Float] {
        evaluate(task, model, on: data.sequentialBatches(), seed: seed, step: step)
    }

    /// The same over `batches`, every example of the held-out split once (a caller that
    /// evaluates again and again gathers them once: `PeriodicEvaluation`).
    public static func evaluate<Task: TrainingTask>(
        _ task: Task, _ model: Task.Model, on batches: [Task.Batch], seed: Int, step: Int
    ) -> [String: Float] {
        var sums: [String: Double] = [:]
        var rows = 0
        var counts: [String: Double] = [:]
        for batch in batches {
            let n = batch.rows
            let ctx = ForwardContext(
                training: false, seed: UInt64(truncatingIfNeeded: seed),
                step: UInt64(step))
            let out = task.loss(model, on: batch, ctx)
            sums["loss", default: 0] += Double(out.loss.detached.scalar) * Double(n)
            // Sorted: the order of a Swift dictionary varies between processes, a sum must not.
            for (name, value) in out.metrics.sorted(by: { $0.key < $1.key }) {
                sums[name, default: 0] += Double(value.detached.scalar) * Double(n)
            }
            for (name, value) in out.counts.sorted(by: { $0.key < $1.key }) {
                counts[name, default: 0] += value
            }
            rows += n
        }
        return sums.mapValues { Float($0 / Double(max(rows, 1))) }
            .merging(task.metrics(fromCounts: counts)) { mean, _ in mean }
    }
}
