import Foundation
import GardenTrain

/// `train.optimizer.learning_rate`: the peak rate, an optional linear warm-up and a decay
/// (Model Garden's `warmup: linear` + `learning_rate: polynomial | cosine | constant`).
///
/// ```yaml
/// learning_rate:
///   initial_learning_rate: 0.001
///   warmup_steps: 50
///   decay: cosine          # constant, polynomial or cosine
///   decay_steps: 0         # 0: until train.steps
///   end_learning_rate: 0.0
/// ```
public struct LearningRateConfig: RecipeSection {
    /// The rate after the warm-up (the peak).
    public var initialLearningRate: Float
    /// Steps of linear warm-up from 0.
    public var warmupSteps: Int
    /// The decay after the warm-up.
    public var decay: LearningRateSchedule.Decay
    /// Steps the decay takes; 0 means until the last training step.
    public var decaySteps: Int
    /// The rate at the end of the decay.
    public var endLearningRate: Float
    /// The polynomial decay's power.
    public var power: Float

    /// Creates a learning-rate config.
    /// - Parameters:
    ///   - initialLearningRate: The peak rate.
    ///   - warmupSteps: Steps of linear warm-up.
    ///   - decay: The decay after the warm-up.
    ///   - decaySteps: Steps the decay takes (0: until the last step).
    ///   - endLearningRate: The rate at the end of the decay.
    ///   - power: The polynomial decay's power.
    public init(
        initialLearningRate: Float, warmupSteps: Int = 0,
        decay: LearningRateSchedule.Decay = .constant,
        decaySteps: Int = 0, endLearningRate: Float = 0, power: Float = 1
    ) {
        self.initialLearningRate = initialLearningRate; self.warmupSteps = warmupSteps
        self.decay = decay; self.decaySteps = decaySteps
        self.endLearningRate = endLearningRate; self.power = power
    }

    /// The keys of `learning_rate:`, with `initial` as the optimizer's default peak rate.
    public static func schema(initial: Double) -> ConfigMappingSchema {
        ConfigMappingSchema([
            .float(
                "initial_learning_rate", initial,
                "Peak learning rate, reached at the end of the warm-up."),
            .int("warmup_steps", 0, "Steps of linear warm-up from 0; 0 starts at the peak."),
            .choice(
                "decay", LearningRateSchedule.Decay.allCases.map(\.rawValue), "constant",
                "After the warm-up: constant, polynomial or cosine decay to end_learning_rate."),
            .int(
                "decay_steps", 0,
                "Steps the decay takes after the warm-up; 0 means until train.steps."),
            .float("end_learning_rate", 0.0, "Learning rate at the end of the decay."),
            .float("power", 1.0, "Power of the polynomial decay (1 is linear)."),
        ])
    }

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        initialLearningRate = try config.float("initial_learning_rate")
        warmupSteps = try config.int("warmup_steps")
        decay = try config.choice("decay")
        decaySteps = try config.int("decay_steps")
        endLearningRate = try config.float("end_learning_rate")
        power = try config.float("power")
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "initial_learning_rate": .float(initialLearningRate),
            "warmup_steps": .int(warmupSteps),
            "decay": .string(decay.rawValue),
            "decay_steps": .int(decaySteps),
            "end_learning_rate": .float(endLearningRate),
            "power": .float(power),
        ])
    }

    /// The schedule for a run of `totalSteps` steps.
    public func schedule(totalSteps: Int) -> LearningRateSchedule {
        LearningRateSchedule(
            initial: Double(initialLearningRate), warmupSteps: warmupSteps, decay: decay,
            decaySteps: decaySteps > 0 ? decaySteps : max(totalSteps - warmupSteps, 1),
            end: Double(endLearningRate), power: Double(power))
    }
}

extension LearningRateConfig: ExpressibleByFloatLiteral {
    /// A constant rate: `SGDConfig(learningRate: 0.1, momentum: 0)`.
    public init(floatLiteral value: Float) { self.init(initialLearningRate: value) }
}
