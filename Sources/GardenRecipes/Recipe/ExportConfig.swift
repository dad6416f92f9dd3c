import Foundation

/// How the trained model is saved as a SavedModel.
public struct ExportConfig: RecipeSection {
    /// The dropout rate baked into the export's `training=True` function; `nil` keeps the
    /// model's training rate (TF Hub advises exporting the rate fine-tuners should use).
    public var dropoutRate: Float?
    /// Whether a non-empty output folder may be replaced.
    public var overwrite: Bool

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
    ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        dropoutRate = try config.optionalFloat("dropout_rate")
        overwrite = try config.bool("overwrite")
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping(["dropout_rate": .optionalFloat(dropoutRate), "overwrite": .bool(overwrite)])
    }
}
