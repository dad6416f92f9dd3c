import ArgumentParser
import Foundation
import GardenRecipes

/// The `garden` command: train, export, predict and inspect from YAML recipes.
@main
struct Garden: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "garden",
        abstract: "Train small models on CPU and export them as TensorFlow SavedModels.",
        discussion: """
            A recipe (YAML) names the model, data, training and export settings; --set a.b=v \
            overrides any key (repeatable). Outputs go to runs/<name>/ unless --model-dir says \
            otherwise.

            Examples:
              garden run Recipes/mlp.yaml --set train.steps=300
              garden export Recipes/mlp.yaml --checkpoint runs/mlp/checkpoints
                --out /tmp/mlp
              garden predict runs/mlp/recipe.yaml --checkpoint runs/mlp/checkpoints
                --input x.h5 --output y.h5
              garden inspect runs/mlp/export
            """,
        subcommands: [
            Run.self, Train.self, Export.self, Predict.self, Inspect.self, Package.self,
            Convert.self,
            Tokenize.self,
        ])
}

/// Options every recipe-driven command takes.
struct RecipeOptions: ParsableArguments {
    @Argument(help: "The recipe YAML file (e.g. Recipes/mlp.yaml).")
    var recipe: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a recipe key, e.g. --set train.steps=300 (repeatable).",
            valueName: "key.path=value"))
    var overrides: [String] = []

    func load() throws -> Recipe { try RecipeLoader.load(path: recipe, overrides: overrides) }
}

func logLine(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

func defaultModelDir(_ recipe: Recipe, _ given: String?) -> URL {
    URL(fileURLWithPath: given ?? "runs/\(recipe.name)")
}
