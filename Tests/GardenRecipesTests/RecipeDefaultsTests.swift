import Foundation
import GardenModels
import GardenNN
import Testing
@testable import GardenRecipes

@Suite("Recipe defaults")
struct RecipeDefaultsTests {
    /// The defaults table of the brief, written out once so a change to the schema is seen.
    static let expected = Recipe(
        name: "empty", seed: 42,
        model: .mlp(
            MLP.Config(
                inputSize: 4, hiddenSizes: [32, 32], numClasses: 3, dropoutRate: 0.1,
                kernelRegularizer: Regularizer(kind: .l2, l1: 0, l2: 1e-4))),
        data: DataConfig(
            source: .synthetic, path: nil, inputs: "train/inputs",
            labels: "train/labels", numExamples: 1024, batchSize: 32, noise: 0.1),
        train: TrainConfig(
            steps: 200, logEvery: 10, checkpointEvery: 100, threads: 2,
            optimizer: .adam(
                AdamConfig(
                    learningRate: 0.01, beta1: 0.9,
                    beta2: 0.999, epsilon: 1e-7))),
        export: ExportConfig(type: "mlp", dropoutRate: nil, overwrite: false))

    @Test func anEmptyRecipeFileTakesEveryDefaultAndItsFileName() throws {
        let recipe = try RecipeLoader.load(
            path: "recipes/empty.yaml",
            workingDirectory: TestPaths.fixtures)
        #expect(recipe == Self.expected)
    }

    /// A section's `init()` holds the defaults its keys document (the schema takes them from
    /// there), so it equals the written-out defaults too; the optimizer placeholder included.
    @Test func eachSectionsInitIsTheDefaults() {
        #expect(ModelConfig.mlp(MLP.Config()) == Self.expected.model)
        #expect(DataConfig() == Self.expected.data)
        #expect(TrainConfig() == Self.expected.train)
        #expect(ExportConfig() == Self.expected.export)
    }

    @Test func emptyTextTakesItsNameFromTheSourceName() throws {
        let recipe = try RecipeLoader.load(yaml: "", sourceName: "some/dir/empty.yaml")
        #expect(recipe == Self.expected)
        #expect(try Recipe.defaults(name: "empty") == Self.expected)
    }

    @Test func choosingAVariantFillsThatVariantsDefaults() throws {
        let recipe = try RecipeLoader.load(
            yaml: "model: {type: mul}\ntrain:\n  optimizer:\n    type: sgd\n", sourceName: "r.yaml")
        #expect(recipe.model == .mul(MulModel.Config(initialValue: 1.0, regularization: 0.001)))
        #expect(recipe.train.optimizer == .sgd(SGDConfig(learningRate: 0.1, momentum: 0)))
    }

    @Test func aNullSectionMeansAllDefaults() throws {
        let recipe = try RecipeLoader.load(yaml: "export:\ntrain:\n", sourceName: "empty.yaml")
        #expect(recipe == Self.expected)
    }

    @Test func quotedNumbersAreStringsAndIntegersAreAcceptedAsNumbers() throws {
        let recipe = try RecipeLoader.load(
            yaml: "name: '300'\nmodel:\n  dropout_rate: 0\n  kernel_regularizer: {l2: 1e-3}\n",
            sourceName: "r.yaml")
        #expect(recipe.name == "300")
        guard case let .mlp(mlp) = recipe.model else {
            Issue.record("expected an mlp, got \(recipe.model)")
            return
        }
        #expect(mlp.dropoutRate == 0)
        #expect(mlp.kernelRegularizer.l2 == 1e-3)
    }
}
