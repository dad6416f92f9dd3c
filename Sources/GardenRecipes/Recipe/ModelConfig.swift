import Foundation

/// The model a recipe trains, chosen by `model.type`.
public enum ModelConfig: RecipeSection {
    /// `type: mul`, the TF Hub guide's one-variable model.
    case mul(MulModelConfig)
    /// `type: mlp`, a dense classifier.
    case mlp(MLPModelConfig)
    /// `type: resnet`, an image classifier with named layers (post-hoc extraction).
    case resnet(ResNetModelConfig)
    /// `type: bert_pretrainer`, BERT pre-training; exports the encoder.
    case bertPretrainer(BertModelConfig)

    /// The variants of `model:`. Add a model type here (and a case above).
    public static let schema = ConfigOneOfSchema(
        default: MLPModelConfig.variant.name,
        [
            MulModelConfig.variant,
            MLPModelConfig.variant,
            ResNetModelConfig.variant,
            BertModelConfig.variant,
        ])

    /// The `type:` value of this model.
    public var typeName: String {
        switch self {
        case .mul: return MulModelConfig.variant.name
        case .mlp: return MLPModelConfig.variant.name
        case .resnet: return ResNetModelConfig.variant.name
        case .bertPretrainer: return BertModelConfig.variant.name
        }
    }

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        switch try config.string(ConfigOneOfSchema.discriminator) {
        case MulModelConfig.variant.name: self = .mul(try MulModelConfig(config: config))
        case MLPModelConfig.variant.name: self = .mlp(try MLPModelConfig(config: config))
        case ResNetModelConfig.variant.name: self = .resnet(try ResNetModelConfig(config: config))
        case BertModelConfig.variant.name:
            self = .bertPretrainer(try BertModelConfig(config: config))
        default: throw RecipeError.schemaMismatch(path: "model.type", expected: "a model type")
        }
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        switch self {
        case let .mul(config): return config.configNode
        case let .mlp(config): return config.configNode
        case let .resnet(config): return config.configNode
        case let .bertPretrainer(config): return config.configNode
        }
    }
}
