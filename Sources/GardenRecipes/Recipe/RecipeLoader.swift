import Foundation

/// Loads a recipe: schema defaults, then the recipe's includes in order, then the recipe,
/// then each `--set` in order; then strict key and type checks, then `Recipe.validate()`.
/// Anchor: Model Garden's `train_utils.parse_configuration`.
public enum RecipeLoader {
    /// Loads and validates the recipe file at `path`.
    /// - Parameters:
    ///   - path: The recipe file, as the user named it (messages show it as given).
    ///   - overrides: `--set` arguments without the `--set ` prefix, e.g. `train.steps=300`.
    ///   - workingDirectory: What a relative `path` starts from and what messages show paths
    ///     relative to; the current directory by default.
    ///   - memoryLimit: The bytes training may need (`MemoryEstimate`); the machine's memory
    ///     by default.
    /// - Returns: The resolved, validated recipe.
    /// - Throws: `RecipeError`.
    public static func load(
        path: String, overrides: [String] = [],
        workingDirectory: URL? = nil, memoryLimit: Int = MemoryEstimate.physicalMemory
    ) throws -> Recipe {
        let tree = try loader(workingDirectory).load(path: path)
        return try finish(tree, sourceName: path, overrides: overrides, memoryLimit: memoryLimit)
    }

    /// Loads and validates recipe text that is not in a file (tests, stored recipes).
    /// - Parameters:
    ///   - yaml: The recipe text.
    ///   - sourceName: How messages name the text; its base name is the default `name`.
    ///   - overrides: `--set` arguments without the `--set ` prefix.
    ///   - workingDirectory: Where includes are looked up from, as if the text were a file
    ///     there; the current directory by default.
    ///   - memoryLimit: The bytes training may need; the machine's memory by default.
    /// - Returns: The resolved, validated recipe.
    /// - Throws: `RecipeError`.
    public static func load(
        yaml: String, sourceName: String, overrides: [String] = [],
        workingDirectory: URL? = nil, memoryLimit: Int = MemoryEstimate.physicalMemory
    ) throws -> Recipe {
        let loader = loader(workingDirectory)
        let tree = try loader.load(
            yaml: yaml, sourceName: sourceName,
            directory: loader.currentDirectory)
        return try finish(
            tree, sourceName: sourceName, overrides: overrides, memoryLimit: memoryLimit)
    }

    /// The merged, checked tree with every default (what the typed recipe is read from).
    /// - Parameters:
    ///   - tree: The recipe file's tree with its includes expanded.
    ///   - sourceName: The recipe's name in messages.
    ///   - overrides: `--set` arguments without the prefix.
    /// - Returns: The resolved tree.
    /// - Throws: ``RecipeError`` naming the override or key at fault.
    static func resolve(
        _ tree: ConfigNode, sourceName: String,
        overrides: [String]
    ) throws -> ConfigNode {
        let base = ConfigNode.mapping(["name": .string(defaultName(for: sourceName))])
        // Each layer's export gets the type of the model it sets, so a layer that changes
        // `model.type` replaces the earlier export keys too (they belong to another family).
        var merged = base.merged(with: tree.withExportType())
        for text in overrides {
            let layer = try ConfigOverride(parsing: text).tree
            merged = merged.merged(with: layer.withExportType(onlyWithModelType: true))
        }
        return try Recipe.schema.resolve(merged)
    }

    private static func finish(
        _ tree: ConfigNode, sourceName: String,
        overrides: [String], memoryLimit: Int
    ) throws -> Recipe {
        let resolved = try resolve(tree, sourceName: sourceName, overrides: overrides)
        var recipe = try Recipe(config: ConfigView(resolved))
        recipe.origin = RecipeOrigin(sourceName: sourceName, tree: resolved)
        do {
            try recipe.validate(memoryLimit: memoryLimit)
        } catch {
            // Point at the line that set the key; a default has no line, so name the file.
            throw recipe.located(error)
        }
        return recipe
    }

    private static func loader(_ workingDirectory: URL?) -> ConfigFileLoader {
        workingDirectory.map { ConfigFileLoader(currentDirectory: $0) } ?? ConfigFileLoader()
    }

    /// `Recipes/mlp.yaml` gives `mlp`.
    static func defaultName(for sourceName: String) -> String {
        ((sourceName as NSString).lastPathComponent as NSString).deletingPathExtension
    }
}
