import Foundation
import GardenModels
import GardenNN
import GardenTensor

/// The training loop: value and gradient, clipping, optimizer update, bookkeeping (progress
/// line, metrics.jsonl, TensorBoard events), evaluation on a held-out split, checkpoints with
/// retention, and resuming from the latest checkpoint in the model directory.
///
/// Everything a step computes is a function of (recipe, seed, step) and the state in the
/// checkpoint, so a run killed at any point and resumed ends with the same bytes.
public final class Trainer {
    public let model: Model
    public let optimizer: Optimizer
    public let data: InMemoryDataset
    /// The held-out split evaluated every `options.evalEvery` steps, if any.
    public let evalData: InMemoryDataset?
    public let options: TrainerOptions
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    private var best: BestEvaluation?

    public init(
        model: Model, optimizer: Optimizer, data: InMemoryDataset,
        evalData: InMemoryDataset? = nil, options: TrainerOptions
    ) {
        self.model = model; self.optimizer = optimizer; self.data = data
        self.evalData = evalData; self.options = options
    }

    var checkpointDir: URL { options.modelDir.appendingPathComponent("checkpoints") }

    /// Restores the latest checkpoint of the model dir, if any; returns its step (0 if none).
    func resume() throws -> Int {
        guard let url = try Checkpoint.latest(in: checkpointDir) else { return 0 }
        let ckpt = try Checkpoint.read(from: url)
        try ckpt.resume(model, optimizer, file: url)
        best = ckpt.best
        log("resumed from \(url.path) at step \(ckpt.step)")
        return ckpt.step
    }

    func saveCheckpoint(step: Int) throws -> URL {
        for (path, p) in model.parameters where !p.value.floats.allSatisfy(\.isFinite) {
            throw NonFiniteLossError(
                step: step, value: .nan, quantity: "parameter \(path)",
                lastGood: try Checkpoint.latest(in: checkpointDir))
        }
        try FileManager.default.createDirectory(
            at: checkpointDir, withIntermediateDirectories: true)
        let url = checkpointDir.appendingPathComponent(Checkpoint.fileName(step: step))
        let ckpt = Checkpoint(
            step: step, seed: options.seed, recipe: options.recipeYAML,
            variables: model.parameters.map { ($0.path, $0.parameter.value) },
            optimizerSlots: optimizer.slots(), best: best)
        try ckpt.write(to: url)
        try CheckpointRetention.prune(
            checkpointDir, keepLast: options.keepCheckpoints, bestStep: best?.step)
        return url
    }

    /// Trains from the latest checkpoint (or from scratch) up to `options.steps`.
    public func run() throws -> TrainSummary {
        let start = try resume()
        var summary = TrainSummary(startStep: start, endStep: start, lastMetrics: [:])
        summary.best = best
        if start >= options.steps {
            log("already at step \(start) of \(options.steps): nothing to train")
            summary.lastCheckpoint = try Checkpoint.latest(in: checkpointDir)
            return summary
        }
        let metricsLog = MetricsLog(url: options.modelDir.appendingPathComponent("metrics.jsonl"))
        try metricsLog.truncate(after: start)
        if start == 0 { try metricsLog.writeHeader(BLASKernel.current) }
        let events = options.modelDir.appendingPathComponent("events")
        let trainEvents =
            options.writeEvents
            ? try SummaryWriter(directory: events.appendingPathComponent("train"), startStep: start)
            : nil
        let evalEvents =
            options.writeEvents && evalData != nil
            ? try SummaryWriter(directory: events.appendingPathComponent("eval"), startStep: start)
            : nil
        let progress = ProgressLine(total: options.steps, start: start)
        var window: (loss: Double, count: Int, metrics: [String: Double]) = (0, 0, [:])
        var windowStart = (step: start, time: Date())
        for step in (start + 1)...options.steps {
            let ctx = ForwardContext(training: true, seed: UInt64(options.seed), step: UInt64(step))
            let batch = data.batch(at: step - 1)
            var metrics: [String: Tensor] = [:]
            let (loss, grads) = Tape.valueWithGradients { () -> Tensor in
                let out = model.loss(batch, ctx)
                metrics = out.metrics
                return out.loss
            }
            let value = loss.scalar
            let norm = GradientClipping.globalNorm(grads)
            guard value.isFinite, norm.isFinite else {
                progress.finish(log: log)
                throw NonFiniteLossError(
                    step: step, value: value.isFinite ? Float(norm) : value,
                    quantity: value.isFinite ? "gradient norm" : "loss",
                    lastGood: try Checkpoint.latest(in: checkpointDir))
            }
            let lr = options.learningRate(step)
            optimizer.apply(
                GradientClipping.clip(grads, clipNorm: options.gradientClipNorm, norm: norm),
                learningRate: lr, step: step)
            window.loss += Double(value); window.count += 1
            for (k, v) in metrics.sorted(by: { $0.key < $1.key }) {
                window.metrics[k, default: 0] += Double(v.detached.scalar)
            }
            if summary.firstLoss == nil { summary.firstLoss = value }
            if step % options.logEvery == 0 || step == options.steps {
                let mean = Float(window.loss / Double(window.count))
                let means = window.metrics.mapValues { Float($0 / Double(window.count)) }
                summary.lastLoss = mean; summary.lastMetrics = means
                let seconds = Date().timeIntervalSince(windowStart.time)
                let rate = Float(Double(step - windowStart.step) / max(seconds, 1e-9))
                progress.update(step: step, loss: mean, lr: lr, metrics: means, log: log)
                var fields = means
                fields["loss"] = mean; fields["learning_rate"] = lr
                metricsLog.append(step: step, fields)
                fields["steps_per_sec"] = rate
                trainEvents?.write(scalars: fields, step: step)
                window = (0, 0, [:]); windowStart = (step, Date())
            }
            var checkpointNow = step % max(options.checkpointEvery, 1) == 0 || step == options.steps
            if let evalData,
                step == options.steps || (options.evalEvery > 0 && step % options.evalEvery == 0)
            {
                let result = Evaluator.evaluate(model, on: evalData, seed: options.seed, step: step)
                summary.lastEval = result
                evalEvents?.write(scalars: result, step: step)
                metricsLog.append(
                    step: step,
                    Dictionary(uniqueKeysWithValues: result.map { ("eval/" + $0.key, $0.value) }))
                progress.interrupt(log: log)
                log(
                    "eval at step \(step): "
                        + result.sorted { $0.key < $1.key }
                        .map { String(format: "%@ %.4f", $0.key, $0.value) }.joined(separator: "  ")
                )
                if let v = result[options.bestMetric], v.isFinite,
                    best.map({ $0.isImproved(by: v) }) ?? true
                {
                    best = BestEvaluation(metric: options.bestMetric, step: step, value: v)
                    checkpointNow = true  // the best checkpoint must exist to be kept
                }
                summary.best = best
            }
            if checkpointNow {
                summary.lastCheckpoint = try saveCheckpoint(step: step)
                // A logged mean never spans a checkpoint: a run resumed from this checkpoint
                // starts with an empty window, so the uninterrupted run must too, or the two
                // metrics.jsonl files would differ.
                window = (0, 0, [:])
            }
            summary.endStep = step
        }
        progress.finish(log: log)
        return summary
    }
}
