import Foundation

/// How the trained model is saved as a SavedModel.
public struct ExportConfig: RecipeSection {
    /// The dropout rate baked into the export's `training=True` function; `nil` keeps the
    /// model's training rate (TF Hub advises exporting the rate fine-tuners should use).
    public var dropoutRate: Float?
    /// Whether a non-empty output folder may be replaced.
    public var overwrite: Bool
    /// BERT family: the attention dropout rate of the export's `training=True` function; nil
    /// keeps the model's.
    public var attentionDropoutRate: Float?
    /// The checkpoint item to export (BERT: `encoder`); nil for the family's default.
    /// `--part` overrides it.
    public var part: String?
    /// The named layer a `resnet` export extracts up to (its output is the exported feature
    /// vector); `--extract-to` overrides it. Models without named layers ignore it.
    public var extractTo: String = "reduce_mean"

    /// Creates an export config.
    /// - Parameters:
    ///   - dropoutRate: The exported dropout rate, or `nil` for the model's own.
    ///   - overwrite: Whether a non-empty output folder may be replaced.
    public init(dropoutRate: Float?, overwrite: Bool) {
        self.dropoutRate = dropoutRate
        self.overwrite = overwrite
    }

    /// The keys of `export:`.
    public static let schema = ConfigMappingSchema([
        .optional(
            "dropout_rate", .float,
            "Dropout rate of the export under training=True; null keeps the model's."
        ),
        .bool("overwrite", false, "Replace a non-empty export folder instead of failing."),
        .optional(
            "attention_dropout_rate", .float,
            "BERT: attention dropout of the export under training=True; null keeps the model's."),
        .optional(
            "part", .string,
            "The checkpoint item to export (BERT: encoder); null for the model's default."),
        .string(
            "extract_to", "reduce_mean",
            "resnet: the named layer whose output the export returns (the feature vector)."),
    ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        dropoutRate = try config.optionalFloat("dropout_rate")
        overwrite = try config.bool("overwrite")
        attentionDropoutRate = try config.optionalFloat("attention_dropout_rate")
        part = try config.optionalString("part")
        extractTo = try config.string("extract_to")
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "dropout_rate": .optionalFloat(dropoutRate), "overwrite": .bool(overwrite),
            "attention_dropout_rate": .optionalFloat(attentionDropoutRate),
            "part": .optionalString(part),
            "extract_to": .string(extractTo),
        ])
    }
}
