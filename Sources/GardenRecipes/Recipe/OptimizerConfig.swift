import Foundation

/// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov), as Keras' `SGD`.
public struct SGDConfig: ConfigVariant {
    /// The learning rate and its schedule.
    public var learningRate: LearningRateConfig = 0.1
    /// The momentum factor (0 disables it).
    public var momentum: Float = 0
    /// Whether momentum is Nesterov's.
    public var nesterov = false

    /// The defaults.
    public init() {}

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

    public static let typeName = "sgd"
    public static let summary = "Stochastic gradient descent, with optional (Nesterov) momentum"
    /// The `train.optimizer.type: sgd` keys.
    public static let keys: [ConfigKey<SGDConfig>] = [
        .section("learning_rate", \.learningRate, "Learning rate and its schedule."),
        .float("momentum", \.momentum, "Momentum factor; 0 disables momentum."),
        .bool("nesterov", \.nesterov, "Use Nesterov momentum."),
    ]
}

/// Adam (Kingma & Ba, 2015) with Keras' names and defaults for the moment decays; with
/// `weight_decay`, AdamW (Loshchilov & Hutter, 2019: decoupled weight decay).
public struct AdamConfig: ConfigSection {
    /// The learning rate and its schedule.
    public var learningRate: LearningRateConfig = 0.01
    /// The decay of the first-moment estimate.
    public var beta1: Float = 0.9
    /// The decay of the second-moment estimate.
    public var beta2: Float = 0.999
    /// Added to the denominator for numerical stability.
    public var epsilon: Float = 1e-7
    /// Decoupled weight decay (AdamW only; 0 for Adam).
    public var weightDecay: Float = 0
    /// Whether this is AdamW (the `adamw` variant).
    public var isDecoupled = false

    /// Adam's defaults.
    public init() {}

    /// AdamW's defaults: Adam's, with decoupled weight decay 0.004.
    public static let decoupledDefaults = AdamConfig(
        learningRate: AdamConfig().learningRate, beta1: AdamConfig().beta1,
        beta2: AdamConfig().beta2, epsilon: AdamConfig().epsilon, weightDecay: 0.004,
        decoupled: true)

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

    /// The keys of both variants.
    public static let keys: [ConfigKey<AdamConfig>] = [
        .section("learning_rate", \.learningRate, "Learning rate and its schedule."),
        .float("beta_1", \.beta1, "Decay of the first-moment estimate."),
        .float("beta_2", \.beta2, "Decay of the second-moment estimate."),
        .float("epsilon", \.epsilon, "Added to the denominator for numerical stability."),
    ]

    /// AdamW's extra key.
    static let decoupledKeys: [ConfigKey<AdamConfig>] = [
        .float(
            "weight_decay", \.weightDecay,
            "Decoupled weight decay: w -= lr * weight_decay * w each step. Not exportable.")
    ]

    /// The `train.optimizer.type: adam` keys.
    public static let variant = ConfigOneOfSchema.Variant(
        "adam", "Adam (Kingma & Ba, 2015)", keys.map(\.field))

    /// The `train.optimizer.type: adamw` keys, with AdamW's defaults.
    public static let decoupledVariant = ConfigOneOfSchema.Variant(
        "adamw", "AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)",
        (keys + decoupledKeys).map { $0.field(defaults: decoupledDefaults) })

    /// The keys of this config's variant.
    var variantKeys: [ConfigKey<AdamConfig>] {
        isDecoupled ? Self.keys + Self.decoupledKeys : Self.keys
    }

    /// Reads the section from a resolved tree (`adam` or `adamw`).
    public init(config: ConfigView) throws {
        let decoupled =
            try config.string(ConfigOneOfSchema.discriminator) == Self.decoupledVariant.name
        self = decoupled ? Self.decoupledDefaults : AdamConfig()
        try read(config, keys: variantKeys)
    }

    /// The section as a tree: `type:` and the variant's keys.
    public var configNode: ConfigNode {
        let name = isDecoupled ? Self.decoupledVariant.name : Self.variant.name
        return configNode(type: name, keys: variantKeys)
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
