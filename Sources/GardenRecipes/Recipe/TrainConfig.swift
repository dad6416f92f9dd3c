import Foundation

/// How long and how to train.
public struct TrainConfig: ConfigSection {
    /// The number of optimizer steps.
    public var steps = 200
    /// Steps between progress lines and logged scalars.
    public var logEvery = 10
    /// Steps between checkpoints (the last step is always saved).
    public var checkpointEvery = 100
    /// The kernels' threads (`ParallelFor`'s pool, which also runs the products); results are
    /// the same bits at every count.
    public var threads = 2
    /// The optimizer (`OptimizerConfig.schema`'s default variant, Adam).
    public var optimizer = OptimizerConfig.adam(AdamConfig())
    /// The global norm gradients are clipped to; 0 disables clipping.
    public var gradientClipNorm: Float = 0
    /// Steps between evaluations on the held-out split (the last step is always evaluated).
    public var evalEvery: Int = 100
    /// How many of the latest checkpoints to keep besides the best one; 0 keeps all.
    public var keepCheckpoints: Int = 3
    /// The evaluation metric that picks the best checkpoint.
    public var bestMetric: String = "loss"
    /// A checkpoint whose matching variables initialise a run that has none of its own
    /// (`InitCheckpoint`).
    public var initCheckpoint: String?

    /// Creates a training config.
    /// - Parameters:
    ///   - steps: The number of optimizer steps.
    ///   - logEvery: Steps between progress lines.
    ///   - checkpointEvery: Steps between checkpoints.
    ///   - threads: Compute threads.
    ///   - optimizer: The optimizer.
    public init(
        steps: Int, logEvery: Int, checkpointEvery: Int, threads: Int,
        optimizer: OptimizerConfig
    ) {
        self.steps = steps
        self.logEvery = logEvery
        self.checkpointEvery = checkpointEvery
        self.threads = threads
        self.optimizer = optimizer
    }

    /// The defaults.
    public init() {}

    /// The keys of `train:`.
    public static let keys: [ConfigKey<TrainConfig>] = [
        .int("steps", \.steps, "Number of optimizer steps."),
        .int("log_every", \.logEvery, "Steps between progress lines and logged scalars."),
        .int(
            "checkpoint_every", \.checkpointEvery,
            "Steps between checkpoints; the last step is always saved."),
        .int(
            "threads", \.threads, "Compute threads (results are the same bits at every count)."),
        .oneOf(
            "optimizer", \.optimizer, OptimizerConfig.schema, "The optimizer, chosen by `type`."),
        .float(
            "gradient_clip_norm", \.gradientClipNorm,
            "Clip gradients to this global L2 norm; 0 disables clipping."),
        .int(
            "eval_every", \.evalEvery,
            "Steps between evaluations on the held-out split; the last step is always evaluated."),
        .int(
            "keep_checkpoints", \.keepCheckpoints,
            "Latest checkpoints kept besides the best one; 0 keeps all."),
        .string(
            "best_metric", \.bestMetric,
            "Eval metric that picks the best checkpoint (lower is better for names with 'loss' or 'error')."
        ),
        .optionalString(
            "init_checkpoint", \.initCheckpoint,
            "Checkpoint file, run directory or Model Garden TF2 checkpoint prefix whose matching variables initialise a run without checkpoints of its own."
        ),
    ]
}
