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
public struct LearningRateConfig: ConfigSection {
    /// The rate after the warm-up (the peak); each optimizer sets its own default.
    public var initialLearningRate: Float = 0.01
    /// Steps of linear warm-up from 0.
    public var warmupSteps = 0
    /// The decay after the warm-up.
    public var decay = LearningRateSchedule.Decay.constant
    /// Steps the decay takes; 0 means until the last training step.
    public var decaySteps = 0
    /// The rate at the end of the decay.
    public var endLearningRate: Float = 0
    /// The polynomial decay's power.
    public var power: Float = 1

    /// The defaults (an optimizer's `init()` sets its peak rate).
    public init() {}

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

    /// The keys of `learning_rate:`; the optimizer's `init()` gives the peak rate's default.
    public static let keys: [ConfigKey<LearningRateConfig>] = [
        .float(
            "initial_learning_rate", \.initialLearningRate,
            "Peak learning rate, reached at the end of the warm-up."),
        .int(
            "warmup_steps", \.warmupSteps, "Steps of linear warm-up from 0; 0 starts at the peak."),
        .choice(
            "decay", \.decay,
            "After the warm-up: constant, polynomial or cosine decay to end_learning_rate."),
        .int(
            "decay_steps", \.decaySteps,
            "Steps the decay takes after the warm-up; 0 means until train.steps."),
        .float("end_learning_rate", \.endLearningRate, "Learning rate at the end of the decay."),
        .float("power", \.power, "Power of the polynomial decay (1 is linear)."),
    ]

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
