import Foundation
import GardenModels
import GardenNN
import Testing
@testable import GardenRecipes

@Suite("--set overrides")
struct OverrideTests {
    func load(_ overrides: [String], yaml: String = "") throws -> Recipe {
        try RecipeLoader.load(yaml: yaml, sourceName: "r.yaml", overrides: overrides)
    }

    func mlp(_ recipe: Recipe) throws -> MLP.Config {
        guard case let .mlp(config) = recipe.model else {
            throw RecipeError.schemaMismatch(path: "model", expected: "an mlp")
        }
        return config
    }

    @Test func integersFloatsAndBooleans() throws {
        let recipe = try load([
            "train.steps=300", "model.dropout_rate=0.25", "seed=0",
            "export.overwrite=true",
        ])
        #expect(recipe.train.steps == 300)
        #expect(try mlp(recipe).dropoutRate == 0.25)
        #expect(recipe.seed == 0)
        #expect(recipe.export.overwrite)
    }

    @Test func anIntegerIsAcceptedForANumber() throws {
        #expect(try mlp(load(["model.dropout_rate=0"])).dropoutRate == 0)
    }

    @Test func flowListsReplaceLists() throws {
        #expect(try mlp(load(["model.hidden_sizes=[64,64]"])).hiddenSizes == [64, 64])
        #expect(try mlp(load(["model.hidden_sizes=[8, 16, 8]"])).hiddenSizes == [8, 16, 8])
    }

    @Test func stringsQuotedOrNot() throws {
        let recipe = try load([
            "data.source=hdf5", "data.path=data/train.h5",
            "data.inputs='2024'", "name=my_run",
        ])
        #expect(recipe.data.source == .hdf5)
        #expect(recipe.data.path == "data/train.h5")
        #expect(recipe.data.inputs == "2024")
        #expect(recipe.name == "my_run")
    }

    @Test(arguments: ["export.dropout_rate=null", "export.dropout_rate=", "export.dropout_rate=~"])
    func nullClearsAnOptional(override: String) throws {
        let recipe = try load([override], yaml: "export:\n  dropout_rate: 0.2\n")
        #expect(recipe.export.dropoutRate == nil)
    }

    @Test func laterOverridesWin() throws {
        #expect(try load(["train.steps=5", "train.steps=7"]).train.steps == 7)
    }

    @Test func settingTheTypeSwitchesTheVariantToItsDefaults() throws {
        let recipe = try load(
            ["model.type=mul"], yaml: "model:\n  type: mlp\n  hidden_sizes: [4]\n")
        #expect(recipe.model == .mul(MulModel.Config(initialValue: 1, regularization: 0.001)))
        let optimizer = try load(["train.optimizer.type=sgd", "train.optimizer.momentum=0.9"])
        #expect(optimizer.train.optimizer == .sgd(SGDConfig(learningRate: 0.1, momentum: 0.9)))
    }

    @Test func aFlowMappingSetsASection() throws {
        let recipe = try load(["model={type: mul, initial_value: 2}"])
        #expect(recipe.model == .mul(MulModel.Config(initialValue: 2, regularization: 0.001)))
    }

    @Test func theOverrideTreeHasOnePathAndKnowsItsArgument() throws {
        let override = try ConfigOverride(parsing: "a.b.c=[1, 2]")
        #expect(override.keys == ["a", "b", "c"])
        let leaf = override.tree.node(at: ConfigPath(parsing: "a.b.c[1]"))
        #expect(leaf?.scalar?.value == .int(2))
        #expect(leaf?.location.description == "--set a.b.c=[1, 2]")
    }
}
