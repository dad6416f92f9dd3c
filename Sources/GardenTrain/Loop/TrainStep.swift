import GardenNN
import GardenTensor

/// One optimization step: the task's loss and its gradients on the tape, the global gradient
/// norm (which must be finite), clipping to `clipNorm`, and the optimizer update.
public struct TrainStep<Task: TrainingTask> {
    public let task: Task
    public let model: Task.Model
    public let optimizer: Optimizer
    /// The learning rate at a 1-based step.
    public let learningRate: (Int) -> Float
    /// The global norm gradients are clipped to (0: no clipping).
    public let clipNorm: Double
    /// The recipe seed: with the step, it keys every random draw of the forward pass (dropout).
    public let seed: Int

    public init(
        task: Task, model: Task.Model, optimizer: Optimizer,
        learningRate: @escaping (Int) -> Float, clipNorm: Double, seed: Int
    ) {
        self.task = task; self.model = model; self.optimizer = optimizer
        self.learningRate = learningRate; self.clipNorm = clipNorm; self.seed = seed
    }

    /// Trains on `batch` as 1-based step `step`.
    /// - Throws: `NonFiniteLossError` (without `lastGood`) when the loss or the gradient norm
    ///   is not finite; the parameters are then unchanged.
    public func callAsFunction(_ step: Int, _ batch: Task.Batch) throws -> StepRecord {
        let ctx = ForwardContext(training: true, seed: UInt64(seed), step: UInt64(step))
        var metrics: [String: Tensor] = [:]
        let (loss, grads) = Tape.valueWithGradients { () -> Tensor in
            let out = task.loss(model, on: batch, ctx)
            metrics = out.metrics
            return out.loss
        }
        let value = loss.scalar
        // The global norm only when clipping uses it; otherwise a finiteness check of every
        // element says the same in a fraction of the time (float squares summed in Double
        // cannot overflow, so the norm is finite exactly when every element is), and the norm
        // is computed for the error only.
        let norm = clipNorm > 0 ? GradientClipping.globalNorm(grads) : nil
        let finite = norm.map { $0.isFinite } ?? grads.allSatisfy { $0.1.isAllFinite }
        guard value.isFinite, finite else {
            throw NonFiniteLossError(
                step: step,
                value: value.isFinite ? Float(norm ?? GradientClipping.globalNorm(grads)) : value,
                quantity: value.isFinite ? "gradient norm" : "loss")
        }
        let lr = learningRate(step)
        optimizer.apply(
            norm.map { GradientClipping.clip(grads, clipNorm: clipNorm, norm: $0) } ?? grads,
            learningRate: lr, step: step)
        return StepRecord(
            step: step, loss: value, metrics: metrics.mapValues { $0.detached.scalar },
            learningRate: lr)
    }
}

/// What a step reports: its loss and metrics (before the update) and the learning rate used.
public struct StepRecord: Equatable, Sendable {
    public var step: Int
    public var loss: Float
    public var metrics: [String: Float]
    public var learningRate: Float
}
