import Foundation
import Testing
@testable import GardenRecipes

@Suite("Includes")
struct IncludeTests {
    @Test func includesMergeInOrderThenTheRecipeWins() throws {
        let recipe = try RecipeLoader.load(
            path: "recipes/layered.yaml",
            workingDirectory: TestPaths.fixtures)
        #expect(recipe.seed == 2)  // second.yaml over first.yaml
        #expect(recipe.train.steps == 20)  // the recipe over first.yaml
        #expect(recipe.train.logEvery == 1)  // only first.yaml sets it
        // Mappings merge deeply: sgd and its rate from first.yaml, momentum from second.yaml.
        #expect(
            recipe.train.optimizer
                == .sgd(
                    SGDConfig(
                        learningRate: LearningRateConfig(initialLearningRate: 0.5), momentum: 0.5)))
    }

    @Test func overridesComeAfterTheRecipe() throws {
        let recipe = try RecipeLoader.load(
            path: "recipes/layered.yaml",
            overrides: ["train.steps=30", "seed=9"],
            workingDirectory: TestPaths.fixtures)
        #expect(recipe.train.steps == 30)
        #expect(recipe.seed == 9)
    }

    @Test func aLaterTypeReplacesTheWholeVariant() throws {
        let recipe = try RecipeLoader.load(
            path: "recipes/switch_variant.yaml",
            workingDirectory: TestPaths.fixtures)
        #expect(
            recipe.train.optimizer
                == .adam(
                    AdamConfig(
                        learningRate: 0.01, beta1: 0.9,
                        beta2: 0.999, epsilon: 1e-7)))
        #expect(recipe.train.steps == 10)  // first.yaml's other keys stay
    }

    @Test func anIncludeNotUnderConfigsIsFoundBesideTheRecipe() throws {
        let recipe = try RecipeLoader.load(
            path: "recipes/local_include.yaml",
            workingDirectory: TestPaths.fixtures)
        #expect(recipe.seed == 7)
        #expect(recipe.name == "local_include")
    }

    @Test func textWithoutAFileResolvesIncludesFromTheWorkingDirectory() throws {
        let recipe = try RecipeLoader.load(
            yaml: "include: [layers/first.yaml]\n",
            sourceName: "recipes/inline.yaml",
            workingDirectory: TestPaths.fixtures)
        #expect(recipe.seed == 1)
        #expect(recipe.name == "inline")
    }
}
