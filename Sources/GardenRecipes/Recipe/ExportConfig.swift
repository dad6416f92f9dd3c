import Foundation
import GardenModels

/// How the trained model is saved as a SavedModel. `export.type` is the model's family
/// (`model.type`, filled in when omitted), and it decides which keys are valid: a key that
/// means nothing for the family (`dropout_rate` on resnet) is an unknown key.
public struct ExportConfig: ConfigSection {
    /// The family whose keys the section takes: always `model.type`.
    public var type: String
    /// The dropout rate baked into the export's `training=True` function; `nil` keeps the
    /// model's training rate (TF Hub advises exporting the rate fine-tuners should use).
    public var dropoutRate: Float?
    /// Whether a non-empty output folder may be replaced.
    public var overwrite = false
    /// BERT family: the attention dropout rate of the export's `training=True` function; nil
    /// keeps the model's.
    public var attentionDropoutRate: Float?
    /// BERT family: the checkpoint item to export; nil for `encoder`. `--part` overrides it.
    public var part: String?
    /// ResNet family: the named layer the export extracts up to (its output is the exported
    /// feature vector); `--extract-to` overrides it.
    public var extractTo = "reduce_mean"
    /// BERT family: `serving_default` takes strings (the tokenizer in the graph,
    /// `BertTextInput`); `__call__` keeps taking ids.
    public var textInput = false

    /// Creates an export config.
    /// - Parameters:
    ///   - type: The model's family (`model.type`).
    ///   - dropoutRate: The exported dropout rate, or `nil` for the model's own.
    ///   - overwrite: Whether a non-empty output folder may be replaced.
    public init(type: String, dropoutRate: Float? = nil, overwrite: Bool = false) {
        self.type = type
        self.dropoutRate = dropoutRate
        self.overwrite = overwrite
    }

    /// The defaults of an `mlp` export (the default model type).
    public init() { self.init(type: MLP.Config.typeName) }

    /// Every export key, in the order the resolved YAML and the key reference list them.
    public static let keys: [ConfigKey<ExportConfig>] = [
        .optionalFloat(
            "dropout_rate", \.dropoutRate,
            "Dropout rate of the export under training=True; null keeps the model's."),
        .bool("overwrite", \.overwrite, "Replace a non-empty export folder instead of failing."),
        .optionalFloat(
            "attention_dropout_rate", \.attentionDropoutRate,
            "Attention dropout of the export under training=True; null keeps the model's."),
        .optionalString(
            "part", \.part,
            "The checkpoint item to export; null for the encoder (bert_pretrainer) or the whole classifier (bert_classifier)."
        ),
        .string(
            "extract_to", \.extractTo,
            "The named layer whose output the export returns (the feature vector)."),
        .bool(
            "text_input", \.textInput,
            "serving_default takes strings (text, and text_b in the text_pair signature) through the tokenizer as TensorFlow ops; __call__ keeps taking ids."
        ),
    ]

    /// The keys each family's export takes.
    static let families: [(type: String, summary: String, keys: [String])] = [
        (MulModel.Config.typeName, "Export of a `mul` model", ["overwrite"]),
        (MLP.Config.typeName, "Export of an `mlp` classifier", ["dropout_rate", "overwrite"]),
        (
            ResNetClassifier.Config.typeName,
            "Export of a `resnet` classifier's feature vector", ["overwrite", "extract_to"]
        ),
        (
            BertPretrainer.Config.typeName, "Export of a BERT pre-trainer's encoder",
            ["dropout_rate", "overwrite", "attention_dropout_rate", "part", "text_input"]
        ),
        (
            ImageClassifier.Config.typeName, "Export of an `image_classifier` (its logits)",
            ["dropout_rate", "overwrite"]
        ),
        (
            BertClassifier.Config.typeName,
            "Export of a BERT classifier (logits), or with `part: encoder` its encoder",
            ["dropout_rate", "overwrite", "attention_dropout_rate", "part", "text_input"]
        ),
    ]

    /// The variants of `export:`, one per model family. There is no fixed default: the loader
    /// fills in `model.type` (`withExportType`).
    public static let schema = ConfigOneOfSchema(
        default: nil,
        families.map { family in
            .init(family.type, family.summary, keys(of: family.type).map(\.field))
        })

    /// The keys of family `type`, in schema order.
    static func keys(of type: String) -> [ConfigKey<ExportConfig>] {
        let names = families.first { $0.type == type }?.keys ?? []
        return keys.filter { names.contains($0.field.name) }
    }

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        self.init(type: try config.string(ConfigOneOfSchema.discriminator))
        try read(config, keys: Self.keys(of: type))
    }

    /// The section as a tree: `type:` and the family's keys.
    public var configNode: ConfigNode { configNode(type: type, keys: Self.keys(of: type)) }
}

extension ConfigNode {
    /// The recipe layer with `export.type` set to `model.type` (or the default model type)
    /// when it is not written, so the export's keys are checked against the model's family and
    /// a later layer that changes `model.type` replaces the earlier export section whole (the
    /// one-of merge rule). A non-mapping `export:` is left for the schema to refuse.
    /// - Parameter onlyWithModelType: Leave a layer that does not set `model.type` alone (a
    ///   `--set` of another key).
    /// - Returns: The layer with `export.type`.
    func withExportType(onlyWithModelType: Bool = false) -> ConfigNode {
        guard case var .mapping(entries) = content else { return self }
        let key = ConfigOneOfSchema.discriminator
        let modelType: String
        if case let .string(name)? = self["model"]?[key]?.scalar?.value {
            modelType = name
        } else if onlyWithModelType {
            return self
        } else {
            modelType = ModelConfig.schema.defaultVariant ?? MLP.Config.typeName
        }
        let typeEntry = ConfigEntry(key: key, keyLocation: .defaults, value: .string(modelType))
        guard let index = entries.firstIndex(where: { $0.key == "export" }) else {
            entries.append(
                ConfigEntry(
                    key: "export", keyLocation: .defaults,
                    value: ConfigNode(.mapping([typeEntry]), at: .defaults)))
            return ConfigNode(.mapping(entries), at: location)
        }
        let export = entries[index].value
        if export.isNull {
            entries[index].value = ConfigNode(.mapping([typeEntry]), at: export.location)
        } else if case let .mapping(exportEntries) = export.content,
            !exportEntries.contains(where: { $0.key == key })
        {
            entries[index].value = ConfigNode(
                .mapping([typeEntry] + exportEntries), at: export.location)
        }
        return ConfigNode(.mapping(entries), at: location)
    }
}
