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
    ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        steps = try config.int("steps")
        logEvery = try config.int("log_every")
        checkpointEvery = try config.int("checkpoint_every")
        threads = try config.int("threads")
        optimizer = try OptimizerConfig(config: config.child("optimizer"))
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "steps": .int(steps),
            "log_every": .int(logEvery),
            "checkpoint_every": .int(checkpointEvery),
            "threads": .int(threads),
            "optimizer": optimizer.configNode,
        ])
    }
}
