import Foundation
import GardenNN
import Testing
@testable import GardenRecipes

/// `model.hidden_activation` of `type: bert_pretrainer`: Model Garden's names, the erf form by
/// default so the shipped recipe keeps its numbers.
@Suite("BERT hidden_activation")
struct HiddenActivationTests {
    func activation(_ overrides: [String]) throws -> Dense.Activation? {
        let recipe = try RecipeLoader.load(
            path: "Recipes/bert_tiny.yaml", overrides: overrides,
            workingDirectory: TestPaths.repositoryRoot)
        guard case .bertPretrainer(let config) = recipe.model else { return nil }
        return config.encoder.hiddenActivation
    }

    @Test func theShippedRecipeKeepsTheExactErfGelu() throws {
        #expect(try activation([]) == .geluExact)
    }

    @Test func geluSelectsModelGardensTanhApproximation() throws {
        #expect(try activation(["model.hidden_activation=gelu"]) == .gelu)
        #expect(try activation(["model.hidden_activation=gelu_exact"]) == .geluExact)
    }

    @Test func anotherActivationIsRejectedNamingTheChoices() {
        let error = #expect(throws: RecipeError.self) {
            try activation(["model.hidden_activation=relu"])
        }
        #expect(
            error?.errorDescription
                == "--set model.hidden_activation=relu: 'model.hidden_activation' must be one of gelu_exact, gelu, got 'relu' (did you mean 'gelu'?)"
        )
    }
}
