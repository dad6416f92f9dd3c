import Foundation

/// Plain stochastic gradient descent, with optional (heavy-ball) momentum as in Keras' `SGD`.
public struct SGDConfig: RecipeSection {
    /// The step size.
    public var learningRate: Float
    /// The momentum factor (0 disables it).
    public var momentum: Float

    /// Creates an SGD config.
    /// - Parameters:
    ///   - learningRate: The step size.
    ///   - momentum: The momentum factor.
    public init(learningRate: Float, momentum: Float) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    /// The `train.optimizer.type: sgd` keys.
    public static let variant = ConfigOneOfSchema.Variant(
        "sgd", "Stochastic gradient descent",
        [
            .float("learning_rate", 0.1, "Step size."),
            .float("momentum", 0.0, "Momentum factor; 0 disables momentum."),
        ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        learningRate = try config.float("learning_rate")
        momentum = try config.float("momentum")
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "type": .string(Self.variant.name),
            "learning_rate": .float(learningRate),
            "momentum": .float(momentum),
        ])
    }
}

/// Adam (Kingma & Ba, 2015) with Keras' names and defaults for the moment decays.
public struct AdamConfig: RecipeSection {
    /// The step size.
    public var learningRate: Float
    /// The decay of the first-moment estimate.
    public var beta1: Float
    /// The decay of the second-moment estimate.
    public var beta2: Float
    /// Added to the denominator for numerical stability.
    public var epsilon: Float

    /// Creates an Adam config.
    /// - Parameters:
    ///   - learningRate: The step size.
    ///   - beta1: The decay of the first-moment estimate.
    ///   - beta2: The decay of the second-moment estimate.
    ///   - epsilon: Added to the denominator for numerical stability.
    public init(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// The `train.optimizer.type: adam` keys.
    public static let variant = ConfigOneOfSchema.Variant(
        "adam", "Adam (Kingma & Ba, 2015)",
        [
            .float("learning_rate", 0.01, "Step size."),
            .float("beta_1", 0.9, "Decay of the first-moment estimate."),
            .float("beta_2", 0.999, "Decay of the second-moment estimate."),
            .float("epsilon", 1e-7, "Added to the denominator for numerical stability."),
        ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        learningRate = try config.float("learning_rate")
        beta1 = try config.float("beta_1")
        beta2 = try config.float("beta_2")
        epsilon = try config.float("epsilon")
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "type": .string(Self.variant.name),
            "learning_rate": .float(learningRate),
            "beta_1": .float(beta1),
            "beta_2": .float(beta2),
            "epsilon": .float(epsilon),
        ])
    }
}

/// The optimizer, chosen by `train.optimizer.type`.
public enum OptimizerConfig: RecipeSection {
    /// `type: sgd`.
    case sgd(SGDConfig)
    /// `type: adam`.
    case adam(AdamConfig)

    /// The variants of `train.optimizer:`. Add an optimizer here (and a case above).
    public static let schema = ConfigOneOfSchema(
        default: AdamConfig.variant.name,
        [
            SGDConfig.variant,
            AdamConfig.variant,
        ])

    /// The `type:` value of this optimizer.
    public var typeName: String {
        switch self {
        case .sgd: return SGDConfig.variant.name
        case .adam: return AdamConfig.variant.name
        }
    }

    /// The step size of whichever optimizer this is.
    public var learningRate: Float {
        switch self {
        case let .sgd(config): return config.learningRate
        case let .adam(config): return config.learningRate
        }
    }

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        switch try config.string(ConfigOneOfSchema.discriminator) {
        case SGDConfig.variant.name: self = .sgd(try SGDConfig(config: config))
        case AdamConfig.variant.name: self = .adam(try AdamConfig(config: config))
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
        case let .adam(config): return config.configNode
        }
    }
}
