import Foundation

/// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov), as Keras' `SGD`.
public struct SGDConfig: RecipeSection {
    /// The learning rate and its schedule.
    public var learningRate: LearningRateConfig
    /// The momentum factor (0 disables it).
    public var momentum: Float
    /// Whether momentum is Nesterov's.
    public var nesterov: Bool

    /// Creates an SGD config.
    /// - Parameters:
    ///   - learningRate: The learning rate and its schedule.
    ///   - momentum: The momentum factor.
    ///   - nesterov: Whether momentum is Nesterov's.
    public init(learningRate: LearningRateConfig, momentum: Float, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    /// The `train.optimizer.type: sgd` keys.
    public static let variant = ConfigOneOfSchema.Variant(
        "sgd", "Stochastic gradient descent, with optional (Nesterov) momentum",
        [
            .mapping(
                "learning_rate", LearningRateConfig.schema(initial: 0.1),
                "Learning rate and its schedule."),
            .float("momentum", 0.0, "Momentum factor; 0 disables momentum."),
            .bool("nesterov", false, "Use Nesterov momentum."),
        ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        learningRate = try LearningRateConfig(config: config.child("learning_rate"))
        momentum = try config.float("momentum")
        nesterov = try config.bool("nesterov")
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "type": .string(Self.variant.name),
            "learning_rate": learningRate.configNode,
            "momentum": .float(momentum),
            "nesterov": .bool(nesterov),
        ])
    }
}

/// Adam (Kingma & Ba, 2015) with Keras' names and defaults for the moment decays; with
/// `weight_decay`, AdamW (Loshchilov & Hutter, 2019: decoupled weight decay).
public struct AdamConfig: RecipeSection {
    /// The learning rate and its schedule.
    public var learningRate: LearningRateConfig
    /// The decay of the first-moment estimate.
    public var beta1: Float
    /// The decay of the second-moment estimate.
    public var beta2: Float
    /// Added to the denominator for numerical stability.
    public var epsilon: Float
    /// Decoupled weight decay (AdamW only; 0 for Adam).
    public var weightDecay: Float

    /// Creates an Adam or AdamW config.
    /// - Parameters:
    ///   - learningRate: The learning rate and its schedule.
    ///   - beta1: The decay of the first-moment estimate.
    ///   - beta2: The decay of the second-moment estimate.
    ///   - epsilon: Added to the denominator for numerical stability.
    ///   - weightDecay: Decoupled weight decay (used by AdamW only).
    ///   - decoupled: Whether this is AdamW.
    public init(
        learningRate: LearningRateConfig, beta1: Float, beta2: Float, epsilon: Float,
        weightDecay: Float = 0, decoupled: Bool = false
    ) {
        self.isDecoupled = decoupled
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    static let sharedFields: [ConfigField] = [
        .mapping(
            "learning_rate", LearningRateConfig.schema(initial: 0.01),
            "Learning rate and its schedule."),
        .float("beta_1", 0.9, "Decay of the first-moment estimate."),
        .float("beta_2", 0.999, "Decay of the second-moment estimate."),
        .float("epsilon", 1e-7, "Added to the denominator for numerical stability."),
    ]

    /// The `train.optimizer.type: adam` keys.
    public static let variant = ConfigOneOfSchema.Variant(
        "adam", "Adam (Kingma & Ba, 2015)", sharedFields)

    /// The `train.optimizer.type: adamw` keys.
    public static let decoupledVariant = ConfigOneOfSchema.Variant(
        "adamw", "AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)",
        sharedFields + [
            .float(
                "weight_decay", 0.004,
                "Decoupled weight decay: w -= lr * weight_decay * w each step. Not exportable.")
        ])

    /// Whether this is AdamW (the `adamw` variant).
    public var isDecoupled = false

    /// Reads the section from a resolved tree (`adam` or `adamw`).
    public init(config: ConfigView) throws {
        learningRate = try LearningRateConfig(config: config.child("learning_rate"))
        beta1 = try config.float("beta_1")
        beta2 = try config.float("beta_2")
        epsilon = try config.float("epsilon")
        isDecoupled =
            try config.string(ConfigOneOfSchema.discriminator) == Self.decoupledVariant.name
        weightDecay = isDecoupled ? try config.float("weight_decay") : 0
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        guard isDecoupled else {
            return .mapping([
                "type": .string(Self.variant.name),
                "learning_rate": learningRate.configNode,
                "beta_1": .float(beta1),
                "beta_2": .float(beta2),
                "epsilon": .float(epsilon),
            ])
        }
        return .mapping([
            "type": .string(Self.decoupledVariant.name),
            "learning_rate": learningRate.configNode,
            "beta_1": .float(beta1),
            "beta_2": .float(beta2),
            "epsilon": .float(epsilon),
            "weight_decay": .float(weightDecay),
        ])
    }
}

/// The optimizer, chosen by `train.optimizer.type`.
public enum OptimizerConfig: RecipeSection {
    /// `type: sgd`.
    case sgd(SGDConfig)
    /// `type: adam`.
    case adam(AdamConfig)
    /// `type: adamw`.
    case adamw(AdamConfig)

    /// The variants of `train.optimizer:`. Add an optimizer here (and a case above).
    public static let schema = ConfigOneOfSchema(
        default: AdamConfig.variant.name,
        [
            SGDConfig.variant,
            AdamConfig.variant,
            AdamConfig.decoupledVariant,
        ])

    /// The `type:` value of this optimizer.
    public var typeName: String {
        switch self {
        case .sgd: return SGDConfig.variant.name
        case .adam: return AdamConfig.variant.name
        case .adamw: return AdamConfig.decoupledVariant.name
        }
    }

    /// The learning rate and its schedule, whichever optimizer this is.
    public var learningRate: LearningRateConfig {
        switch self {
        case let .sgd(config): return config.learningRate
        case let .adam(config), let .adamw(config): return config.learningRate
        }
    }

    /// Regularization that lives in the optimizer and so cannot be exported as a
    /// `regularization_losses` function: the decoupled weight decay of AdamW (0 otherwise).
    public var decoupledWeightDecay: Float {
        if case let .adamw(config) = self { return config.weightDecay }
        return 0
    }

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        switch try config.string(ConfigOneOfSchema.discriminator) {
        case SGDConfig.variant.name: self = .sgd(try SGDConfig(config: config))
        case AdamConfig.variant.name: self = .adam(try AdamConfig(config: config))
        case AdamConfig.decoupledVariant.name: self = .adamw(try AdamConfig(config: config))
        default:
            throw RecipeError.schemaMismatch(
                path: "train.optimizer.type",
                expected: "an optimizer type")
        }
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        switch self {
        case let .sgd(config): return config.configNode
        case let .adam(config), let .adamw(config): return config.configNode
        }
    }
}
