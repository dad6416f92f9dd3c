import Foundation
import Testing
@testable import GardenRecipes

/// Every message is asserted exactly: they are the interface a user reads.
@Suite("Recipe errors")
struct RecipeErrorTests {
    /// Catches the `RecipeError` thrown by `body` and returns its one-line message.
    func message(_ body: () throws -> Recipe) -> String? {
        do {
            let recipe = try body()
            Issue.record("expected an error, loaded \(recipe.name)")
            return nil
        } catch let error as RecipeError {
            return error.errorDescription
        } catch {
            Issue.record("expected a RecipeError, got \(error)")
            return nil
        }
    }

    struct InlineCase: CustomTestStringConvertible, Sendable {
        var yaml: String
        var overrides: [String] = []
        var expected: String
        var testDescription: String { expected }
    }

    static let inlineCases: [InlineCase] = [
        // Unknown keys, with and without a near match, at each level and per variant.
        .init(
            yaml: "sed: 1\n",
            expected:
                "r.yaml:1: unknown key 'sed' (did you mean 'seed'? valid keys: data, export, model, name, seed, train)"
        ),
        .init(
            yaml: "foo: 1\n",
            expected:
                "r.yaml:1: unknown key 'foo' (valid keys: data, export, model, name, seed, train)"),
        .init(
            yaml: "model:\n  type: mul\n  hidden_sizes: [1]\n",
            expected:
                "r.yaml:3: unknown key 'model.hidden_sizes' (valid keys: initial_value, regularization, type)"
        ),
        .init(
            yaml: "model:\n  kernel_regularizer:\n    l3: 1\n",
            expected:
                "r.yaml:3: unknown key 'model.kernel_regularizer.l3' (did you mean 'model.kernel_regularizer.l1'? valid keys: l1, l2, type)"
        ),
        .init(
            yaml: "train:\n  optimizer:\n    type: sgd\n    beta_1: 0.9\n",
            expected:
                "r.yaml:4: unknown key 'train.optimizer.beta_1' (valid keys: learning_rate, momentum, nesterov, type)"
        ),
        // Wrong types.
        .init(yaml: "seed: 1.5\n", expected: "r.yaml:1: 'seed' must be an integer, got '1.5'"),
        .init(yaml: "seed:\n", expected: "r.yaml:1: 'seed' must be an integer, got null"),
        .init(
            yaml: "train:\n  steps: [1]\n",
            expected: "r.yaml:2: 'train.steps' must be an integer, got a list"),
        .init(
            yaml: "model:\n  dropout_rate: high\n",
            expected:
                "r.yaml:2: 'model.dropout_rate' must be a number, got 'high'"),
        .init(
            yaml: "export:\n  overwrite: maybe\n",
            expected:
                "r.yaml:2: 'export.overwrite' must be a boolean, got 'maybe'"),
        .init(
            yaml: "export:\n  dropout_rate: none\n",
            expected:
                "r.yaml:2: 'export.dropout_rate' must be a number or null, got 'none'"),
        .init(
            yaml: "model:\n  hidden_sizes: [32, x]\n",
            expected:
                "r.yaml:2: 'model.hidden_sizes[1]' must be an integer, got 'x'"),
        .init(
            yaml: "model:\n  hidden_sizes: 32\n",
            expected:
                "r.yaml:2: 'model.hidden_sizes' must be a list of integers, got '32'"),
        .init(yaml: "train: 5\n", expected: "r.yaml:1: 'train' must be a mapping, got '5'"),
        .init(yaml: "model: [mlp]\n", expected: "r.yaml:1: 'model' must be a mapping, got a list"),
        .init(yaml: "name: {a: 1}\n", expected: "r.yaml:1: 'name' must be a string, got a mapping"),
        // Choices and variants.
        .init(
            yaml: "data:\n  source: tsv\n",
            expected:
                "r.yaml:2: 'data.source' must be one of synthetic, hdf5, text, csv, got 'tsv' (did you mean 'csv'?)"
        ),
        .init(
            yaml: "model:\n  type: mpl\n",
            expected:
                "r.yaml:2: 'model.type' must be one of mul, mlp, resnet, bert_pretrainer, image_classifier, bert_classifier, got 'mpl' (did you mean 'mlp'?)"
        ),
        .init(
            yaml: "model:\n  kernel_regularizer:\n    type: l3\n",
            expected:
                "r.yaml:3: 'model.kernel_regularizer.type' must be one of none, l1, l2, l1l2, got 'l3' (did you mean 'l1'?)"
        ),
        .init(
            yaml: "train:\n  optimizer:\n    type: adamx\n",
            expected:
                "r.yaml:3: 'train.optimizer.type' must be one of sgd, adam, adamw, got 'adamx' (did you mean 'adam'?)"
        ),
        // Cross-field rules of validate(), located at the key that broke them.
        .init(
            yaml: "train:\n  steps: 0\n",
            expected: "r.yaml:2: 'train.steps' must be greater than 0, got 0"),
        .init(
            yaml: "model:\n  dropout_rate: 1.0\n",
            expected:
                "r.yaml:2: 'model.dropout_rate' must be in [0, 1), got 1.0"),
        .init(
            yaml: "model:\n  hidden_sizes: []\n",
            expected:
                "r.yaml:2: 'model.hidden_sizes' must list at least one layer size, got []"),
        .init(
            yaml: "model:\n  hidden_sizes: [8,\n    -1]\n",
            expected:
                "r.yaml:3: 'model.hidden_sizes[1]' must be greater than 0, got -1"),
        .init(
            yaml: "data:\n  num_examples: 16\n  batch_size: 32\n",
            expected:
                "r.yaml:3: 'data.batch_size' must be at most data.num_examples (16), got 32"),
        .init(
            yaml: "name: a/b\n",
            expected:
                "r.yaml:1: 'name' must be a folder name (1 to 255 bytes, no '/' or control characters, not '.' or '..'), got 'a/b'"
        ),
        .init(
            yaml: "export:\n  dropout_rate: -0.5\n",
            expected:
                "r.yaml:2: 'export.dropout_rate' must be in [0, 1), got -0.5"),
        .init(
            yaml:
                "train:\n  optimizer:\n    type: sgd\n    learning_rate:\n      initial_learning_rate: 0\n",
            expected:
                "r.yaml:5: 'train.optimizer.learning_rate.initial_learning_rate' must be a finite number greater than 0, got 0.0"
        ),
        .init(
            yaml: "model:\n  kernel_regularizer: {l1: -1}\n",
            expected:
                "r.yaml:2: 'model.kernel_regularizer.l1' must be a finite number, 0 or greater, got -1.0"
        ),
        .init(
            yaml: "data:\n  source: hdf5\n",
            expected:
                "r.yaml: 'data.path' is required when data.source is hdf5"),
        // Includes and YAML structure.
        .init(
            yaml: "include: {a: 1}\n",
            expected:
                "r.yaml:1: 'include' must be a file name or a list of file names, got a mapping"),
        .init(
            yaml: "train:\n  steps: 1\n  steps: 2\n",
            expected:
                "r.yaml:3: duplicate key 'train.steps' (first set on line 2)"),
        .init(yaml: "[1, 2]\n", expected: "r.yaml:1: expected a mapping of keys, got a list"),
        // --set: the argument stands where a file line would.
        .init(
            yaml: "", overrides: ["train.stepz=3"],
            expected:
                "--set train.stepz=3: unknown key 'train.stepz' (did you mean 'train.steps'? valid keys: best_metric, checkpoint_every, eval_every, gradient_clip_norm, init_checkpoint, keep_checkpoints, log_every, optimizer, steps, threads)"
        ),
        .init(
            yaml: "", overrides: ["train.steps=abc"],
            expected:
                "--set train.steps=abc: 'train.steps' must be an integer, got 'abc'"),
        .init(
            yaml: "", overrides: ["train.steps=0"],
            expected:
                "--set train.steps=0: 'train.steps' must be greater than 0, got 0"),
        .init(
            yaml: "", overrides: ["train.steps"],
            expected:
                "--set train.steps: expected KEY=VALUE, e.g. --set train.steps=300"),
        .init(
            yaml: "", overrides: ["train..steps=3"],
            expected:
                "--set train..steps=3: expected a dotted key such as train.steps before '='"),
        .init(
            yaml: "", overrides: ["model.type=mul", "model.hidden_sizes=[1]"],
            expected:
                "--set model.hidden_sizes=[1]: unknown key 'model.hidden_sizes' (valid keys: initial_value, regularization, type)"
        ),
        .init(
            yaml: "", overrides: ["include=x.yaml"],
            expected:
                "--set include=x.yaml: unknown key 'include' (valid keys: data, export, model, name, seed, train)"
        ),
        .init(
            yaml: "", overrides: ["model.hidden_sizes=[64,"],
            expected:
                "--set model.hidden_sizes=[64,: the value is not valid YAML: did not find expected node content (while parsing a flow node)"
        ),
        .init(
            yaml: "", overrides: ["data.source=hdf5"],
            expected:
                "r.yaml: 'data.path' is required when data.source is hdf5"),
    ]

    @Test(arguments: inlineCases)
    func inlineRecipe(_ testCase: InlineCase) {
        let actual = message {
            try RecipeLoader.load(
                yaml: testCase.yaml, sourceName: "r.yaml",
                overrides: testCase.overrides,
                workingDirectory: TestPaths.fixtures)
        }
        #expect(actual == testCase.expected)
    }

    static let fileCases: [(path: String, expected: String)] = [
        (
            "recipes/typo.yaml",
            "recipes/typo.yaml:7: unknown key 'model.hiden_sizes' (did you mean 'model.hidden_sizes'? valid keys: dropout_rate, hidden_sizes, input_size, kernel_regularizer, num_classes, type)"
        ),
        (
            "recipes/bad_type.yaml",
            "recipes/bad_type.yaml:4: 'train.steps' must be an integer, got 'abc'"
        ),
        (
            "recipes/malformed.yaml",
            "recipes/malformed.yaml:4:6: malformed YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 3)"
        ),
        (
            "recipes/list_root.yaml",
            "recipes/list_root.yaml:1: expected a mapping of keys, got a list"
        ),
        (
            "recipes/duplicate.yaml",
            "recipes/duplicate.yaml:3: duplicate key 'train.steps' (first set on line 2)"
        ),
        (
            "recipes/hdf5_no_path.yaml",
            "recipes/hdf5_no_path.yaml: 'data.path' is required when data.source is hdf5"
        ),
        (
            "recipes/missing_include.yaml",
            "recipes/missing_include.yaml:3: include 'layers/nope.yaml' not found (looked in Configs/layers/nope.yaml, recipes/layers/nope.yaml)"
        ),
        (
            "recipes/cycle.yaml",
            "Configs/cycle/b.yaml:1: include cycle: recipes/cycle.yaml -> Configs/cycle/a.yaml -> Configs/cycle/b.yaml -> Configs/cycle/a.yaml"
        ),
        ("recipes/nope.yaml", "recipe file not found: 'recipes/nope.yaml'"),
        ("recipes", "recipe file not found: 'recipes'"),
    ]

    @Test(arguments: fileCases)
    func recipeFile(path: String, expected: String) {
        let actual = message {
            try RecipeLoader.load(path: path, workingDirectory: TestPaths.fixtures)
        }
        #expect(actual == expected)
    }

    @Test func aSchemaMismatchIsReportedAsABugNotACrash() {
        let error = RecipeError.schemaMismatch(path: "train.steps", expected: "an integer")
        #expect(
            error.errorDescription
                == "internal error: expected an integer at 'train.steps' in the resolved recipe (a bug in GardenRecipes, please report it)"
        )
    }
}
