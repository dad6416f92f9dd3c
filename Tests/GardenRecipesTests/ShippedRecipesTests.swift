import Foundation
import GardenModels
import GardenNN
import Testing
@testable import GardenRecipes

/// The recipes in the repository's `Recipes/` load, with the values their headers promise.
@Suite("Shipped recipes")
struct ShippedRecipesTests {
    func load(_ name: String, overrides: [String] = []) throws -> Recipe {
        try RecipeLoader.load(
            path: "Recipes/\(name)", overrides: overrides,
            workingDirectory: TestPaths.repositoryRoot)
    }

    @Test func everyShippedRecipeLoadsAndRoundTrips() throws {
        let folder = TestPaths.repositoryRoot.appendingPathComponent("Recipes")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names.contains("mul.yaml") && names.contains("mlp.yaml"))
        for name in names {
            let recipe = try load(name)
            let reloaded = try RecipeLoader.load(yaml: recipe.resolvedYAML(), sourceName: name)
            #expect(reloaded == recipe, "\(name)")
        }
    }

    @Test func mulLearnsVWithSGD() throws {
        let recipe = try load("mul.yaml")
        #expect(recipe.name == "mul")
        #expect(recipe.model == .mul(MulModel.Config(initialValue: 1, regularization: 0.001)))
        #expect(recipe.train.steps == 100)
        #expect(recipe.train.optimizer.typeName == "sgd")
    }

    @Test func mlpTakesItsModelAndOptimizerFromConfigs() throws {
        let recipe = try load("mlp.yaml")
        #expect(recipe.name == "mlp")
        #expect(
            recipe.model
                == .mlp(
                    MLP.Config(
                        inputSize: 4, hiddenSizes: [32, 32], numClasses: 3, dropoutRate: 0.1,
                        kernelRegularizer: Regularizer(kind: .l2, l1: 0, l2: 1e-4))))
        #expect(
            recipe.train.optimizer
                == .adam(
                    AdamConfig(
                        learningRate: 0.01, beta1: 0.9,
                        beta2: 0.999, epsilon: 1e-7)))
        #expect(recipe.train.steps == 300)
        #expect(recipe.data.source == .synthetic)
        #expect(recipe.export.dropoutRate == 0.1)
    }

    @Test func theExampleOverridesOfTheHeaderWork() throws {
        let recipe = try load(
            "mlp.yaml", overrides: ["train.steps=50", "model.hidden_sizes=[64,64]"])
        #expect(recipe.train.steps == 50)
        guard case let .mlp(config) = recipe.model else {
            Issue.record("expected an mlp")
            return
        }
        #expect(config.hiddenSizes == [64, 64])
    }

    @Test func everyConfigFragmentIsValidOnItsOwn() throws {
        let configs = TestPaths.repositoryRoot.appendingPathComponent("Configs")
        let files =
            FileManager.default.enumerator(atPath: configs.path)?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }.sorted() ?? []
        #expect(!files.isEmpty)
        for file in files {
            _ = try RecipeLoader.load(
                path: "Configs/\(file)",
                workingDirectory: TestPaths.repositoryRoot)
        }
    }
}
