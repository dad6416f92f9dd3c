import Foundation
import GardenRecipes

/// The `recipe` target: the whole recipe input path (YAML, includes, `--set`, schema,
/// validation and the memory estimate), then the round trip through `recipe.yaml`.
enum RecipeFuzzing {
    /// Lines starting with this are `--set` arguments (they are YAML comments, so the recipe
    /// text itself ignores them).
    static let overridePrefix = "#--set "

    static func run(_ data: Data, in workspace: FuzzWorkspace) throws {
        guard let text = String(data: data, encoding: .utf8) else { return }
        let overrides = text.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { $0.hasPrefix(overridePrefix) }
            .map { String($0.dropFirst(overridePrefix.count)) }
        let recipe = try RecipeLoader.load(
            yaml: text, sourceName: "recipes/fuzz.yaml", overrides: overrides,
            workingDirectory: workspace.root)
        // Accepted input must survive being written to recipe.yaml and read back.
        let yaml = recipe.resolvedYAML()
        let reread: Recipe
        do {
            reread = try RecipeLoader.load(yaml: yaml, sourceName: "recipe.yaml")
        } catch {
            fatalError("fuzz: resolved recipe does not load back: \(error)\n\(yaml)")
        }
        guard reread == recipe else {
            fatalError("fuzz: resolved recipe loads back different:\n\(yaml)")
        }
    }
}
