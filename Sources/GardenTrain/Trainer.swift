import Foundation
import GardenModels
import GardenNN
import GardenTensor

/// How a training run is driven.
public struct TrainerOptions {
    public var steps: Int
    public var logEvery: Int
    public var checkpointEvery: Int
    public var seed: Int
    /// The learning rate at a 1-based step.
    public var learningRate: (Int) -> Float
    /// `<model-dir>/checkpoints` is where checkpoints go and where a run resumes from.
    public var modelDir: URL
    /// The resolved recipe, stored in every checkpoint.
    public var recipeYAML: String

    public init(steps: Int, logEvery: Int, checkpointEvery: Int, seed: Int,
                learningRate: @escaping (Int) -> Float, modelDir: URL, recipeYAML: String) {
        self.steps = steps; self.logEvery = max(logEvery, 1); self.checkpointEvery = checkpointEvery
        self.seed = seed; self.learningRate = learningRate; self.modelDir = modelDir
        self.recipeYAML = recipeYAML
    }
}

/// What a run did: where it started, the loss at the first and last logged steps.
public struct TrainSummary {
    public var startStep: Int
    public var endStep: Int
    public var firstLoss: Float?
    public var lastLoss: Float?
    public var lastMetrics: [String: Float]
    public var lastCheckpoint: URL?
}

/// Training stopped because the loss is not a finite number.
public struct NonFiniteLossError: Error, LocalizedError {
    public var step: Int
    public var value: Float
    public var errorDescription: String? {
        "loss is \(value) at step \(step): training stopped; the latest checkpoint is the last good one"
    }
}

/// The training loop: value and gradient, optimizer update, bookkeeping (logs, metrics.jsonl,
/// checkpoints), resuming from the latest checkpoint in the model directory.
public final class Trainer {
    public let model: Model
    public let optimizer: Optimizer
    public let data: InMemoryDataset
    public let options: TrainerOptions
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    public init(model: Model, optimizer: Optimizer, data: InMemoryDataset, options: TrainerOptions) {
        self.model = model; self.optimizer = optimizer; self.data = data; self.options = options
    }

    var checkpointDir: URL { options.modelDir.appendingPathComponent("checkpoints") }

    /// Restores the latest checkpoint of the model dir, if any; returns its step (0 if none).
    func resume() throws -> Int {
        guard let url = try Checkpoint.latest(in: checkpointDir) else { return 0 }
        let ckpt = try Checkpoint.read(from: url)
        let params = model.parameters
        let report = ckpt.restore(into: params)
        guard report.isComplete else {
            throw CheckpointError.incompatible(file: url.path, report: report.description.replacingOccurrences(of: "\n", with: ";"))
        }
        var byPath: [String: Parameter] = [:]
        for (p, param) in params { byPath[p] = param }
        var slots: [String: Tensor] = [:]
        for (n, t) in ckpt.optimizerSlots { slots[n] = t }
        do {
            try optimizer.restore(slots: slots, parameters: byPath)
        } catch {
            throw CheckpointError.badDataset(file: url.path, path: "optimizer", reason: "\(error)")
        }
        log("resumed from \(url.path) at step \(ckpt.step)")
        return ckpt.step
    }

    func saveCheckpoint(step: Int) throws -> URL {
        try FileManager.default.createDirectory(at: checkpointDir, withIntermediateDirectories: true)
        let url = checkpointDir.appendingPathComponent(Checkpoint.fileName(step: step))
        let ckpt = Checkpoint(
            step: step, seed: options.seed, recipe: options.recipeYAML,
            variables: model.parameters.map { ($0.path, $0.parameter.value) },
            optimizerSlots: optimizer.slots())
        try ckpt.write(to: url)
        return url
    }

    /// Trains from the latest checkpoint (or from scratch) up to `options.steps`.
    public func run() throws -> TrainSummary {
        let start = try resume()
        var summary = TrainSummary(startStep: start, endStep: start, lastMetrics: [:])
        if start >= options.steps {
            log("already at step \(start) of \(options.steps): nothing to train")
            summary.lastCheckpoint = try Checkpoint.latest(in: checkpointDir)
            return summary
        }
        let progress = ProgressLine(total: options.steps, start: start)
        let metricsURL = options.modelDir.appendingPathComponent("metrics.jsonl")
        var window: (loss: Double, count: Int, metrics: [String: Double]) = (0, 0, [:])
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
            guard value.isFinite else { throw NonFiniteLossError(step: step, value: value) }
            let lr = options.learningRate(step)
            optimizer.apply(grads, learningRate: lr, step: step)
            window.loss += Double(value); window.count += 1
            for (k, v) in metrics { window.metrics[k, default: 0] += Double(v.detached.scalar) }
            if summary.firstLoss == nil { summary.firstLoss = value }
            if step % options.logEvery == 0 || step == options.steps {
                let mean = Float(window.loss / Double(window.count))
                let means = window.metrics.mapValues { Float($0 / Double(window.count)) }
                summary.lastLoss = mean; summary.lastMetrics = means
                progress.update(step: step, loss: mean, lr: lr, metrics: means, log: log)
                appendMetrics(metricsURL, step: step, loss: mean, lr: lr, metrics: means)
                window = (0, 0, [:])
            }
            if step % max(options.checkpointEvery, 1) == 0 || step == options.steps {
                summary.lastCheckpoint = try saveCheckpoint(step: step)
            }
            summary.endStep = step
        }
        progress.finish(log: log)
        return summary
    }

    private func appendMetrics(_ url: URL, step: Int, loss: Float, lr: Float, metrics: [String: Float]) {
        var fields = ["\"step\": \(step)", "\"loss\": \(loss)", "\"learning_rate\": \(lr)"]
        fields += metrics.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
        let line = "{" + fields.joined(separator: ", ") + "}\n"
        if let h = try? FileHandle(forWritingTo: url) {
            h.seekToEndOfFile(); h.write(Data(line.utf8)); try? h.close()
        } else {
            try? Data(line.utf8).write(to: url)
        }
    }
}
