import GardenModels
import GardenNN

/// Builds the model a recipe describes.
public enum ModelFactory {
    /// - Parameters:
    ///   - recipe: The resolved recipe; its `seed` seeds the initial values.
    ///   - dropoutRate: replaces the recipe's dropout rate (the export's
    ///     `export.dropout_rate`); nil keeps the training value.
    /// - Returns: The model, with fresh initial values.
    public static func make(_ recipe: Recipe, dropoutRate: Float? = nil) -> Model {
        let initializer = Initializer(seed: UInt64(truncatingIfNeeded: recipe.seed))
        switch recipe.model {
        case .mul(let c):
            return MulModel(c)
        case .mlp(var c):
            if let dropoutRate { c.dropoutRate = dropoutRate }
            return MLP(c, initializer: initializer)
        case .resnet(let c):
            return ResNetClassifier(c, initializer: initializer)
        case .bertPretrainer(let c):
            return BertFamily.pretrainer(recipe, c.encoder, initializer: initializer)
        case .imageClassifier(var c):
            if let dropoutRate { c.dropoutRate = dropoutRate }
            return ImageClassifier(c, initializer: initializer)
        case .bertClassifier(let c):
            return BertFamily.classifier(recipe, c, dropoutRate: dropoutRate)
        }
    }

    /// The part of the recipe's model to export or predict with (see `ExportPart`), built with
    /// the export's dropout rate.
    /// - Throws: `PartError` naming the `--part` or `--extract-to` argument it refuses.
    public static func part(_ recipe: Recipe, _ selection: PartSelection = PartSelection()) throws
        -> ExportPart
    {
        do {
            return try familyPart(recipe, selection)
        } catch let error as PartError {
            throw PartError(argument(selection) + error.message)
        } catch let error as LayerGraphError {
            throw PartError(argument(selection) + (error.errorDescription ?? "\(error)"))
        }
    }

    /// The command-line argument a part error is about: each family checks `--part` first.
    /// (The recipe's own `export.part` and `export.extract_to` are checked by `validate()`.)
    private static func argument(_ selection: PartSelection) -> String {
        if let part = selection.part { return "--part \(part): " }
        if let layer = selection.extractTo { return "--extract-to \(layer): " }
        return ""
    }

    private static func familyPart(_ recipe: Recipe, _ selection: PartSelection) throws
        -> ExportPart
    {
        let dropout = recipe.export.dropoutRate
        switch recipe.model {
        case .mul, .mlp:
            if let p = selection.part {
                throw PartError(
                    "model.type \(recipe.model.typeName) has no part '\(p)' (it exports as a whole; omit --part)"
                )
            }
            if let l = selection.extractTo {
                throw PartError(
                    "model.type \(recipe.model.typeName) has no named layer '\(l)' to extract to (omit --extract-to)"
                )
            }
            return ExportPart(model: make(recipe, dropoutRate: dropout))
        case .resnet(let c):
            return try ResNetFamily.part(recipe, c, selection)
        case .bertPretrainer(let c):
            return try BertFamily.part(recipe, c.encoder, selection)
        case .imageClassifier(let c):
            return try ResNetFamily.part(recipe, c, selection)
        case .bertClassifier(let c):
            return try BertFamily.classifierPart(recipe, c, selection)
        }
    }
}
