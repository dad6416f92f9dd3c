import Foundation

/// How long and how to train.
public struct TrainConfig: RecipeSection {
    /// The number of optimizer steps.
    public var steps: Int
    /// Steps between progress lines and logged scalars.
    public var logEvery: Int
    /// Steps between checkpoints (the last step is always saved).
    public var checkpointEvery: Int
    /// OpenBLAS and kernel threads; results are bit-identical only at a fixed count.
    public var threads: Int
    /// The optimizer.
    public var optimizer: OptimizerConfig
    /// The global norm gradients are clipped to; 0 disables clipping.
    public var gradientClipNorm: Float = 0
    /// Steps between evaluations on the held-out split (the last step is always evaluated).
    public var evalEvery: Int = 100
    /// How many of the latest checkpoints to keep besides the best one; 0 keeps all.
    public var keepCheckpoints: Int = 3
    /// The evaluation metric that picks the best checkpoint.
    public var bestMetric: String = "loss"

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

    /// The keys of `train:`.
    public static let schema = ConfigMappingSchema([
        .int("steps", 200, "Number of optimizer steps."),
        .int("log_every", 10, "Steps between progress lines and logged scalars."),
        .int("checkpoint_every", 100, "Steps between checkpoints; the last step is always saved."),
        .int("threads", 2, "Compute threads; runs are bit-identical only at a fixed count."),
        .oneOf("optimizer", OptimizerConfig.schema, "The optimizer, chosen by `type`."),
        .float(
            "gradient_clip_norm", 0.0, "Clip gradients to this global L2 norm; 0 disables clipping."
        ),
        .int(
            "eval_every", 100,
            "Steps between evaluations on the held-out split; the last step is always evaluated."),
        .int("keep_checkpoints", 3, "Latest checkpoints kept besides the best one; 0 keeps all."),
        .string(
            "best_metric", "loss",
            "Eval metric that picks the best checkpoint (lower is better for names with 'loss' or 'error')."
        ),
    ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        steps = try config.int("steps")
        logEvery = try config.int("log_every")
        checkpointEvery = try config.int("checkpoint_every")
        threads = try config.int("threads")
        optimizer = try OptimizerConfig(config: config.child("optimizer"))
        gradientClipNorm = try config.float("gradient_clip_norm")
        evalEvery = try config.int("eval_every")
        keepCheckpoints = try config.int("keep_checkpoints")
        bestMetric = try config.string("best_metric")
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "steps": .int(steps),
            "log_every": .int(logEvery),
            "checkpoint_every": .int(checkpointEvery),
            "threads": .int(threads),
            "optimizer": optimizer.configNode,
            "gradient_clip_norm": .float(gradientClipNorm),
            "eval_every": .int(evalEvery),
            "keep_checkpoints": .int(keepCheckpoints),
            "best_metric": .string(bestMetric),
        ])
    }
}
