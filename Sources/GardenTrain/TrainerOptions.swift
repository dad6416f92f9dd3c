import Foundation

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
    /// Steps between evaluations on the held-out split (0: never; the last step always is
    /// evaluated when there is a split).
    public var evalEvery: Int = 0
    /// How many of the latest checkpoints to keep besides the best one (0: keep all).
    public var keepCheckpoints: Int = 0
    /// The evaluation metric that picks the best checkpoint (`loss`, `accuracy`, ...).
    public var bestMetric: String = "loss"
    /// The global norm gradients are clipped to (0: no clipping).
    public var gradientClipNorm: Double = 0
    /// The checkpoint the run was initialised from, recorded in every checkpoint it writes.
    public var initSource: CheckpointSource?
    /// Whether to write TensorBoard event files under `<model-dir>/events/`.
    public var writeEvents: Bool = true

    public init(
        steps: Int, logEvery: Int, checkpointEvery: Int, seed: Int,
        learningRate: @escaping (Int) -> Float, modelDir: URL, recipeYAML: String
    ) {
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
    /// The last evaluation (`loss` and the model's metrics), if any.
    public var lastEval: [String: Float] = [:]
    /// The best evaluation so far, if any.
    public var best: BestEvaluation?
    /// Where this run's time went (nil when there was nothing to train).
    public var timings: TrainTimings?
}

/// Training stopped because the loss (or the gradient norm) is not a finite number.
public struct NonFiniteLossError: Error, LocalizedError {
    public var step: Int
    public var value: Float
    /// What was not finite: `loss` or `gradient norm`.
    public var quantity: String = "loss"
    /// The latest checkpoint on disk, the last good one (nil if none was written yet).
    public var lastGood: URL?

    public var errorDescription: String? {
        let kept =
            lastGood.map { "the latest checkpoint \($0.path) is the last good one" }
            ?? "no checkpoint was written before it"
        return "\(quantity) is \(value) at step \(step): training stopped; \(kept)"
    }
}
