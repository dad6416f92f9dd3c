import Foundation
import GardenModels

/// The model a recipe trains, chosen by `model.type`. Each case holds the model's own
/// `Config`, which declares its keys (see `ConfigSection`).
public enum ModelConfig: RecipeSection {
    /// `type: mul`, the TF Hub guide's one-variable model.
    case mul(MulModel.Config)
    /// `type: mlp`, a dense classifier.
    case mlp(MLP.Config)
    /// `type: resnet`, an image classifier with named layers (post-hoc extraction).
    case resnet(ResNetClassifier.Config)
    /// `type: bert_pretrainer`, BERT pre-training; exports the encoder.
    case bertPretrainer(BertPretrainer.Config)
    /// `type: image_classifier`, a ResNet backbone cut at a named layer plus a new head.
    case imageClassifier(ImageClassifier.Config)
    /// `type: bert_classifier`, BERT sentence classification; exports the classifier.
    case bertClassifier(BertClassifier.Config)

    /// The variants of `model:`. Add a model type here (and a case above).
    public static let schema = ConfigOneOfSchema(
        default: MLP.Config.typeName,
        [
            MulModel.Config.variant,
            MLP.Config.variant,
            ResNetClassifier.Config.variant,
            BertPretrainer.Config.variant,
            ImageClassifier.Config.variant,
            BertClassifier.Config.variant,
        ])

    /// The `type:` value of this model.
    public var typeName: String {
        switch self {
        case .mul: return MulModel.Config.typeName
        case .mlp: return MLP.Config.typeName
        case .resnet: return ResNetClassifier.Config.typeName
        case .bertPretrainer: return BertPretrainer.Config.typeName
        case .imageClassifier: return ImageClassifier.Config.typeName
        case .bertClassifier: return BertClassifier.Config.typeName
        }
    }

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        switch try config.string(ConfigOneOfSchema.discriminator) {
        case MulModel.Config.typeName: self = .mul(try MulModel.Config(config: config))
        case MLP.Config.typeName: self = .mlp(try MLP.Config(config: config))
        case ResNetClassifier.Config.typeName:
            self = .resnet(try ResNetClassifier.Config(config: config))
        case BertPretrainer.Config.typeName:
            self = .bertPretrainer(try BertPretrainer.Config(config: config))
        case ImageClassifier.Config.typeName:
            self = .imageClassifier(try ImageClassifier.Config(config: config))
        case BertClassifier.Config.typeName:
            self = .bertClassifier(try BertClassifier.Config(config: config))
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
        case let .imageClassifier(config): return config.configNode
        case let .bertClassifier(config): return config.configNode
        }
    }
}
