import Foundation

/// A fully resolved recipe: every key present, types checked. Build one with `RecipeLoader`.
///
/// The factories that turn it into models, datasets and optimizers live beside it in
/// GardenRecipes; this type only holds values.
public struct Recipe: RecipeSection {
    /// The run's name: `runs/<name>/`. Defaults to the recipe file's base name.
    public var name: String
    /// The one seed for initialization, data order, masking and dropout.
    public var seed: Int
    /// The model.
    public var model: ModelConfig
    /// The training data.
    public var data: DataConfig
    /// The training loop and optimizer.
    public var train: TrainConfig
    /// The SavedModel export.
    public var export: ExportConfig
    /// Where the keys were written (set by `RecipeLoader`; not part of the value).
    public var origin = RecipeOrigin()

    /// Creates a recipe from its parts.
    /// - Parameters:
    ///   - name: The run's name.
    ///   - seed: The one seed.
    ///   - model: The model.
    ///   - data: The training data.
    ///   - train: The training loop and optimizer.
    ///   - export: The SavedModel export.
    public init(
        name: String, seed: Int, model: ModelConfig, data: DataConfig, train: TrainConfig,
        export: ExportConfig
    ) {
        self.name = name
        self.seed = seed
        self.model = model
        self.data = data
        self.train = train
        self.export = export
    }

    /// Every key a recipe may have, in the order `resolvedYAML()` and docs/recipes.md list them.
    /// This table (and the ones it names) is the only place defaults live.
    public static let schema = ConfigMappingSchema([
        ConfigField(
            "name", .string, default: .derived("the recipe file's base name"),
            "Run name; outputs go to `runs/<name>/`."),
        .int("seed", 42, "Seed for initialization, data order and dropout."),
        .oneOf("model", ModelConfig.schema, "The model, chosen by `type`."),
        .mapping("data", DataConfig.schema, "Training data."),
        .mapping("train", TrainConfig.schema, "Training loop."),
        ConfigField(
            "export", .oneOf(ExportConfig.schema), default: .derived("`type:` the model.type"),
            "SavedModel export; `type` is the model's, and decides which keys are valid."),
    ])

    /// Reads a recipe from a tree resolved by `Recipe.schema`.
    public init(config: ConfigView) throws {
        name = try config.string("name")
        seed = try config.int("seed")
        model = try ModelConfig(config: config.child("model"))
        data = try DataConfig(config: config.child("data"))
        train = try TrainConfig(config: config.child("train"))
        export = try ExportConfig(config: config.child("export"))
    }

    /// The recipe as a tree, keys in schema order.
    public var configNode: ConfigNode {
        .mapping([
            "name": .string(name),
            "seed": .int(seed),
            "model": model.configNode,
            "data": data.configNode,
            "train": train.configNode,
            "export": export.configNode,
        ])
    }

    /// The recipe with every default, named `name` (what an empty recipe file gives).
    /// - Parameter name: The run's name.
    /// - Returns: The recipe.
    /// - Throws: ``RecipeError`` only if the built-in defaults were inconsistent.
    public static func defaults(name: String) throws -> Recipe {
        try RecipeLoader.load(yaml: "", sourceName: name)
    }

    /// The fully resolved recipe as YAML, every key in schema order, which loads back to an
    /// equal `Recipe`. This is what `runs/<name>/recipe.yaml` and checkpoints store.
    public func resolvedYAML() -> String {
        ConfigEmitter.emit(configNode)
    }
}
