import Foundation
import GardenNN
import GardenTensor

/// The training loop: a `TrainStep` per batch, the running means its observers report (the
/// progress line, metrics.jsonl, TensorBoard events), a `PeriodicEvaluation` on the held-out
/// split, and checkpoints (`CheckpointKeeper`) resumed from, written and pruned.
///
/// Everything a step computes is a function of (recipe, seed, step) and the state in the
/// checkpoint, so a run killed at any point and resumed ends with the same bytes.
public final class Trainer<Task: TrainingTask> {
    public let task: Task
    public let model: Task.Model
    public let optimizer: Optimizer
    public let data: InMemoryDataset<Task.Batch>
    /// The held-out split evaluated every `options.evalEvery` steps, if any.
    public let evalData: InMemoryDataset<Task.Batch>?
    public let options: TrainerOptions
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Observers told on the training thread, after the trainer's own (progress line,
    /// metrics.jsonl, events) were told the same news, which reaches them on their thread
    /// (`BackgroundObservers`).
    public var observers: [TrainingObserver] = []

    public init(
        task: Task, model: Task.Model, optimizer: Optimizer, data: InMemoryDataset<Task.Batch>,
        evalData: InMemoryDataset<Task.Batch>? = nil, options: TrainerOptions
    ) {
        self.task = task; self.model = model; self.optimizer = optimizer; self.data = data
        self.evalData = evalData; self.options = options
    }

    var checkpoints: CheckpointKeeper {
        CheckpointKeeper(
            directory: options.modelDir.appendingPathComponent("checkpoints"),
            parameters: task.parameters(of: model), optimizer: optimizer, seed: options.seed,
            recipeYAML: options.recipeYAML, keepLast: options.keepCheckpoints,
            initSource: options.initSource)
    }

    /// Trains from the latest checkpoint (or from scratch) up to `options.steps`.
    public func run() throws -> TrainSummary {
        let checkpoints = self.checkpoints
        let resumed = try checkpoints.resume()
        if let (checkpoint, file) = resumed {
            log("resumed from \(file.path) at step \(checkpoint.step)")
        }
        let start = resumed?.checkpoint.step ?? 0
        var best = resumed?.checkpoint.best
        var summary = TrainSummary(startStep: start, endStep: start, lastMetrics: [:])
        summary.best = best
        if start >= options.steps {
            log("already at step \(start) of \(options.steps): nothing to train")
            summary.lastCheckpoint = try checkpoints.latest()
            return summary
        }
        let background = try ownObservers(start: start, on: checkpoints.writer.queue)
        let observers = [background] + self.observers
        // Told on every way out, errors too, so that what they buffered reaches their files.
        defer { observers.forEach { $0.finished() } }
        let trainStep = TrainStep(
            task: task, model: model, optimizer: optimizer, learningRate: options.learningRate,
            clipNorm: options.gradientClipNorm, seed: options.seed)
        let evaluation = evalData.map {
            PeriodicEvaluation(
                task: task, model: model, data: $0, every: options.evalEvery,
                lastStep: options.steps, metric: options.bestMetric, seed: options.seed)
        }
        var means = RunningMeans(start: start)
        // A run that throws still leaves its last submitted checkpoint whole on disk.
        defer { try? checkpoints.finish() }
        var timings = TrainTimings()
        let loopStart = TrainTimings.now()
        for step in (start + 1)...options.steps {
            let record: StepRecord
            let batchStart = TrainTimings.now()
            let batch = data.batch(at: step - 1)
            let stepStart = TrainTimings.now()
            do {
                record = try trainStep(step, batch)
            } catch var error as NonFiniteLossError {
                error.lastGood = try checkpoints.latest()
                throw error
            }
            let stepEnd = TrainTimings.now()
            timings.batchSeconds += stepStart - batchStart
            timings.stepSeconds += stepEnd - stepStart
            if summary.firstLoss == nil { summary.firstLoss = record.loss }
            means.add(record)
            if step % options.logEvery == 0 || step == options.steps {
                let logged = means.take(at: record)
                summary.lastLoss = logged.loss; summary.lastMetrics = logged.metrics
                for observer in observers { try observer.logged(logged) }
            }
            var checkpointNow = step % max(options.checkpointEvery, 1) == 0 || step == options.steps
            if let evaluation, evaluation.isDue(step) {
                let evaluationStart = TrainTimings.now()
                let result = evaluation.evaluate(at: step, best: best)
                timings.evaluationSeconds += TrainTimings.now() - evaluationStart
                summary.lastEval = result.values
                best = result.best; summary.best = best
                for observer in observers { try observer.evaluated(result) }
                // The best checkpoint must exist to be kept.
                checkpointNow = checkpointNow || result.isNewBest
            }
            if checkpointNow {
                let checkpointStart = TrainTimings.now()
                // The lines up to this step reach metrics.jsonl before the checkpoint's file.
                background.handOver()
                let url = try checkpoints.save(step: step, best: best)
                timings.checkpointSeconds += TrainTimings.now() - checkpointStart
                summary.lastCheckpoint = url
                // A logged mean never spans a checkpoint: a run resumed from this checkpoint
                // starts with an empty window, so the uninterrupted run must too, or the two
                // metrics.jsonl files would differ.
                means.reset()
                for observer in observers { try observer.checkpointed(step: step, at: url) }
            }
            summary.endStep = step
        }
        let finishStart = TrainTimings.now()
        timings.loopSeconds = finishStart - loopStart
        try checkpoints.finish()
        timings.finishSeconds = TrainTimings.now() - finishStart
        timings.steps = options.steps - start
        summary.timings = timings
        return summary
    }

    /// The progress line, metrics.jsonl (cut back to `start`) and the event files, in the order
    /// they are told, on `queue` (the checkpoint writer's thread: `BackgroundObservers`).
    func ownObservers(start: Int, on queue: DispatchQueue) throws -> BackgroundObservers {
        let metrics = MetricsLog(url: options.modelDir.appendingPathComponent("metrics.jsonl"))
        try metrics.truncate(after: start)
        if start == 0 { try metrics.writeHeader(BLASKernel.current) }
        var observers: [TrainingObserver] = [
            ProgressLine(total: options.steps, start: start, log: log), metrics,
        ]
        if options.writeEvents {
            observers.append(
                try TensorBoardEvents(
                    directory: options.modelDir.appendingPathComponent("events"),
                    evaluates: evalData != nil, startStep: start))
        }
        return BackgroundObservers(observers, on: queue)
    }
}
